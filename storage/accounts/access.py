"""How the town hall hands a family its account: a link mailed to the account holder (Responsable) to choose the
password, or, for a family without a usable e-mail address (or when the agent asks for paper), a temporary password
shown once and printed on the access letter.

With a link, the account's password is a random one nobody knows (hashed like any other, so a login attempt costs
the same): the family gets in only through the link, or later through "Mot de passe oublié".
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from storage.accounts.password_links import new_link
from storage.families import RECORD_ID, Families, now_iso
from storage.mail.addresses import valid_email
from storage.passwords import generate_password, hash_password


@dataclass(frozen=True)
class Access:
    """What the agent hands over: a temporary password (paper), or a link's token for the mail to email."""
    family_id: str
    password: str = ""  # the temporary password to show once; "" when a link goes by mail
    token: str = ""     # the link's secret: it goes into the mail and nowhere else
    email: str = ""     # the account holder's address the link is mailed to
    expires_at: str = ""  # the link's expiry (local ISO time)

    @property
    def by_mail(self) -> bool:
        return bool(self.token)


def holder_email(record: dict) -> str:
    """The account holder's (parent 1's) address when it is one a mail can go to, else ''."""
    address = str((record.get("parent1") or {}).get("email") or "").strip()
    return address if valid_email(address) else ""


def prepare_access(family_id: str, record: dict, purpose: str, *, paper: bool = False) -> tuple[Access, dict]:
    """(the Access, the account fields that give it): a link for purpose when the holder has a valid address and
    paper is False, else a temporary password. The old password and any older link stop working once stored."""
    email = "" if paper else holder_email(record)
    if email:
        token, link = new_link(family_id, purpose)
        unknown = hash_password(secrets.token_urlsafe(24))
        access = Access(family_id, token=token, email=email, expires_at=link["expires_at"])
        return access, {"password_hash": unknown, "temporary_password": False, "password_link": link}
    password = generate_password(10)
    return Access(family_id, password=password), {"password_hash": hash_password(password),
                                                  "temporary_password": True, "password_link": None}


def reset_access(families: Families, family_id: str, purpose: str, *, paper: bool = False) -> Access:
    """Replace the family's password by a mailed link or a temporary password (the caller ends its sessions)."""
    access, fields = prepare_access(family_id, families.record(family_id) or {}, purpose, paper=paper)
    with families.transaction(family_id) as db:
        db.table("account").update(dict(fields, password_changed_at=now_iso()), doc_ids=[RECORD_ID])
    return access
