"""CSV exports for the back-office and the accountant: validated changes, the family register, payments.

csv_file.py writes cells a spreadsheet opens safely; values.py says each stored value as a cell; scan.py reads every
family's files; changes.py, register.py and payments.py are the three exports; journal.py remembers the exports of
validated changes (where "since the last export" starts); choices.py checks what the agent chose (period, encoding).
"""
