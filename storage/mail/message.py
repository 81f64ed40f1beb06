"""The RFC 5322 message of an outbox mail, built with the standard library's email package at sending time."""
from __future__ import annotations

import email.policy
import secrets
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate

from storage.mail.addresses import valid_email
from storage.mail.config import SmtpConfig

# CRLF line ends and 7-bit bodies (quoted-printable), which every SMTP server accepts; it also refuses any header
# value holding CR or LF, a second guard behind Outbox.queue().
SMTP_POLICY = email.policy.SMTP.clone(cte_type="7bit")


def message_id(mail: dict, domain: str) -> str:
    """The same Message-ID on every attempt of one mail, so that a copy sent twice can be recognised as one."""
    return f"<{mail['id']}.{mail['message_token']}@{domain}>"


def build_message(mail: dict, config: SmtpConfig) -> EmailMessage:
    """The message for mail: plain text plus the optional HTML alternative, From the commune's name at mail_from."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = Address(display_name=mail.get("from_name") or "", addr_spec=config.mail_from)
    message["To"] = Address(addr_spec=mail["to"])
    if mail.get("reply_to"):
        message["Reply-To"] = Address(addr_spec=mail["reply_to"])
    message["Subject"] = mail["subject"]
    message["Date"] = formatdate(mail["created_ts"], localtime=True)
    message["Message-ID"] = message_id(mail, config.mail_from_domain)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies or other auto-answers
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(mail["text"], cte="quoted-printable")
    if mail.get("html"):
        message.add_alternative(mail["html"], subtype="html", cte="quoted-printable")
    return message


def test_mail(to: str, commune: dict, now: float) -> dict:
    """The settings page's test mail, in the shape build_message takes (never stored in the outbox)."""
    name = str(commune.get("name") or "").strip()
    reply_to = str(commune.get("email") or "").strip()
    return {"id": "essai-" + secrets.token_hex(6), "message_token": secrets.token_hex(8), "to": to,
            "subject": f"Courriel d'essai du portail famille — {name}".strip(" —"), "from_name": name,
            "reply_to": reply_to if valid_email(reply_to) else "", "created_ts": now, "html": None,
            "text": ("Bonjour,\n\nCe courriel d'essai a été envoyé depuis la page Paramètres du portail famille. "
                     "S'il vous est parvenu, les familles recevront aussi les courriels du portail.\n\n"
                     f"{name}\n")}
