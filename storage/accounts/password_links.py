"""Single-use links to choose a family's password.

A link's token is '<family number>.<43 random URL-safe characters>' (256 random bits). Only its SHA-256 is kept, on
the family's account document (field `password_link`, with its purpose and expiry), and it is compared in constant
time. An account has at most one link: a new one replaces the older, and any password change removes it. Using the
link sets the password, removes the link and ends the temporary password in one transaction of the family's file,
so two uses of one link cannot both succeed. Expiry follows the calendar clock (storage/clock.py): tests move it
with clock.pinned().
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime

from storage import clock as calendar
from storage.families import RECORD_ID, Families, account_of, now_iso

ACCOUNT_OPENED = "account_opened"    # a new family (pre-registration validated, or created by the agent)
AGENT_RESET = "agent_reset"          # the town hall reset the password ("Réinitialiser le mot de passe")
FORGOTTEN = "forgotten"              # the family asked on "Mot de passe oublié"
LIFETIME_SECONDS = {ACCOUNT_OPENED: 7 * 24 * 3600, AGENT_RESET: 7 * 24 * 3600, FORGOTTEN: 3600}
TOKEN = re.compile(r"^([0-9]{1,12})\.([A-Za-z0-9_-]{43})$")
_SECRET_IN_TEXT = re.compile(r"(/mot-de-passe/[0-9]{1,12}\.)[A-Za-z0-9_-]+")
HIDDEN_SECRET = "[secret masqué]"


def token_digest(token: str) -> str:
    """The SHA-256 (hex) of a token: what the account keeps instead of the token."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def _local_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts).isoformat(timespec="seconds")


def new_link(family_id: str, purpose: str) -> tuple[str, dict]:
    """(the token, for the mail only; the document the account keeps) of a fresh link for purpose."""
    token = f"{family_id}.{secrets.token_urlsafe(32)}"
    now = calendar.timestamp()
    expires = now + LIFETIME_SECONDS[purpose]
    return token, {"sha256": token_digest(token), "purpose": purpose, "created_at": _local_iso(now),
                   "expires_ts": expires, "expires_at": _local_iso(expires)}


def issue_link(families: Families, family_id: str, purpose: str) -> tuple[str, dict]:
    """Store a new link on the family's account (replacing any older one); returns (its token, its document)."""
    token, link = new_link(family_id, purpose)
    with families.transaction(family_id) as db:
        db.table("account").update({"password_link": link}, doc_ids=[RECORD_ID])
    return token, link


def family_of_token(token: str) -> str | None:
    """The family number a well-formed token names (it proves nothing by itself), else None."""
    match = TOKEN.match(token or "")
    return match.group(1) if match else None


def _live(link: dict | None, token: str) -> bool:
    if not isinstance(link, dict) or not isinstance(link.get("sha256"), str):
        return False
    same = hmac.compare_digest(link["sha256"].encode("ascii", "replace"), token_digest(token).encode("ascii"))
    return same and calendar.timestamp() < float(link.get("expires_ts") or 0)


def live_link(families: Families, token: str) -> tuple[str, dict] | None:
    """(family number, link document) when token is the family's current link and has not expired; None when it
    is malformed, unknown, replaced, used or expired (one answer for all: nothing to learn from it)."""
    family_id = family_of_token(token)
    if family_id is None or not families.exists(family_id):
        return None
    link = families.account(family_id).get("password_link")
    return (family_id, link) if _live(link, token) else None


def use_link(families: Families, token: str, password_hash: str) -> str | None:
    """Give the link's family this password hash and remove the link, in one transaction; the family number, or None
    when the link is not live (then nothing changes)."""
    family_id = family_of_token(token)
    if family_id is None or not families.exists(family_id):
        return None
    with families.transaction(family_id) as db:
        if not _live(account_of(db).get("password_link"), token):
            return None
        db.table("account").update({"password_hash": password_hash, "password_changed_at": now_iso(),
                                    "temporary_password": False, "password_link": None}, doc_ids=[RECORD_ID])
    return family_id


def hide_link_secrets(text: str) -> str:
    """text with the secret of every password link replaced, for the agent's view of a mail: the link is the
    family's alone (the agent resets a password in the open, with "Réinitialiser le mot de passe")."""
    return _SECRET_IN_TEXT.sub(lambda match: match.group(1) + HIDDEN_SECRET, text or "")
