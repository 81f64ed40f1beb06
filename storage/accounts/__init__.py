"""Family account access: single-use links to choose a password (account opened, reset by the town hall, forgotten),
how the town hall hands an account over (a mailed link, or a temporary password on paper), the mails that carry the
links and the notices of an e-mail address change. Nothing here imports Bottle."""
