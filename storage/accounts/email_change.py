"""Whether a change merged into a family record changed the account holder's (parent 1's) e-mail address: the event
after which the new address gets a confirmation and the old one a notice (storage/accounts/mails.py)."""
from __future__ import annotations

from storage.mail.addresses import valid_email

HOLDER_SECTION = "parent1"


def email_change(section_key: str, changes: list[dict], conflicts: list[dict] = ()) -> tuple[str, str] | None:
    """(old address, new address) when these merged changes replaced the holder's e-mail, each '' when it is not an
    address a mail can go to; None when the e-mail did not change. When the agent overrode a conflict, the old
    address is the one the record held at the merge, not the one the request saw."""
    if section_key != HOLDER_SECTION:
        return None
    change = next((c for c in changes if c.get("field") == "email"), None)
    if change is None:
        return None
    stale = next((c for c in conflicts if c.get("field") == "email"), None)
    old = str((stale["current"] if stale is not None else change.get("before")) or "").strip()
    new = str(change.get("after") or "").strip()
    if old.lower() == new.lower():
        return None
    return (old if valid_email(old) else ""), (new if valid_email(new) else "")


def email_change_of_decision(decision) -> tuple[str, str] | None:
    """email_change() of a storage.requests.Decision, when it validated a request."""
    if decision.outcome != "validated":
        return None
    request = decision.request
    return email_change(request.get("section", ""), request.get("changes") or [], decision.conflicts or [])
