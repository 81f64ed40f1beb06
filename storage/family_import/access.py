"""The families' access after an import, in one action of the agent: a link to choose the password, mailed to the
account holder's address (storage/accounts/, as for an account the town hall opens), or for a family without an
address a temporary password printed on a letter (changed at the first login). The letters' passwords exist only in
the PDF made at the end: the portal keeps their hashes only."""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass, field

from storage.accounts.access import holder_email
from storage.accounts.mails import password_link_mail
from storage.accounts.password_links import ACCOUNT_OPENED, new_link
from storage.family_import.store import IMPORT_TABLE, awaiting_access
from storage.families import RECORD_ID, Families, now_iso, record_of
from storage.mail import MailRefused
from storage.mail.outbox import Outbox
from storage.passwords import generate_password, hash_password

log = logging.getLogger("portal")
MAILED, LETTER = "mailed", "letter"


@dataclass
class Handover:
    """What one access run did: mails queued, and the letters to print (family number, record, password)."""
    mailed: list[str] = field(default_factory=list)
    letters: list[tuple[str, dict, str]] = field(default_factory=list)


def _mark(db, account: dict, how: str) -> None:
    db.table("account").update(dict(account, password_changed_at=now_iso()), doc_ids=[RECORD_ID])
    db.table(IMPORT_TABLE).update({"access": how, "access_at": now_iso()}, doc_ids=[RECORD_ID])


def _by_mail(families: Families, family_id: str, outbox: Outbox, link_url: Callable[[str], str],
             commune: dict) -> bool:
    """Store a link on the account and queue its mail; False (nothing stored) when the family no longer waits."""
    with families.transaction(family_id) as db:
        if not awaiting_access(db):
            return False
        record = record_of(db)
        token, link = new_link(family_id, ACCOUNT_OPENED)
        _mark(db, {"password_link": link, "temporary_password": False}, MAILED)
    outbox.queue(**password_link_mail(ACCOUNT_OPENED, family_id=family_id, to=holder_email(record), record=record,
                                      url=link_url(token), expires_at=link["expires_at"], commune=commune))
    return True


def _by_letter(families: Families, family_id: str, *, force: bool = False) -> tuple[dict, str] | None:
    """A temporary password on the account: (record, password) for the letter, or None when it no longer waits."""
    password = generate_password(10)
    hashed = hash_password(password)  # outside the family's lock: ~50 ms
    with families.transaction(family_id) as db:
        if not (force or awaiting_access(db)):
            return None
        _mark(db, {"password_hash": hashed, "temporary_password": True, "password_link": None}, LETTER)
        return record_of(db), password


def _hand_over_one(families: Families, family_id: str, outbox: Outbox, link_url: Callable[[str], str],
                   commune: dict) -> tuple[str, tuple[dict, str] | None]:
    """(MAILED, None), (LETTER, (record, password)) or ("", None) when the family no longer waits."""
    db = families.read(family_id)
    if db is None or not awaiting_access(db):
        return "", None
    if holder_email(record_of(db)):
        try:
            return (MAILED, None) if _by_mail(families, family_id, outbox, link_url, commune) else ("", None)
        except MailRefused as refused:
            log.warning("Accès de la famille %s : courriel refusé par la file d'envoi (%s), courrier à la place",
                        family_id, refused)
            return LETTER, _by_letter(families, family_id, force=True)
    letter = _by_letter(families, family_id)
    return (LETTER, letter) if letter is not None else ("", None)


def hand_over(families: Families, family_ids: list[str], outbox: Outbox, link_url: Callable[[str], str],
              commune: dict, progress: Callable[[int], None] = lambda done: None, workers: int = 4) -> Handover:
    """Give each waiting family of family_ids its access; progress(done) after each family. A few families at once:
    their waits for the disk overlap (hashing a password holds one of the two scrypt slots, storage/passwords.py)."""
    result = Handover()
    with ThreadPoolExecutor(workers, thread_name_prefix="family-access") as pool:
        outcomes = pool.map(lambda family_id: (family_id, *_hand_over_one(families, family_id, outbox, link_url,
                                                                            commune)), family_ids)
        for done, (family_id, how, letter) in enumerate(outcomes, start=1):
            if how == MAILED:
                result.mailed.append(family_id)
            elif how == LETTER:
                result.letters.append((family_id, *letter))
            progress(done)
    return result
