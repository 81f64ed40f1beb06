"""Retention of personal data: how long each kind of data is kept (periods.py, set in Paramètres), what goes when
(rules.py), and the daily purge with its preview and its journal of counts (purge.py)."""
