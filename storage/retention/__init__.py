"""Retention of personal data: how long each kind of data is kept (periods.py, set in Paramètres), what the rules
work on (scope.py), what goes when (rules.py; deactivated families in inactive_families.py), and the daily purge
with its preview and its journal of counts (purge.py)."""
