"""E-mail to families: the durable outbox (one JSON file per mail), the messages it builds, the SMTP settings and
the sender thread that delivers them. Nothing here imports Bottle."""
from storage.mail.addresses import EMAIL_ERROR, has_line_break, valid_email
from storage.mail.outbox import MailRefused, Outbox

__all__ = ["EMAIL_ERROR", "MailRefused", "Outbox", "has_line_break", "valid_email"]
