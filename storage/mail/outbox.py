"""The durable outbox: one JSON file per mail under data/outbox/{pending,sent,failed}/, written atomically and fsynced
before queue() returns, moved between folders as the sender delivers it.

A mail's id starts with its creation instant (UTC, to the microsecond) and ends with its family number, so that a
folder listing sorted by name is the mail list sorted by age, and filtering by family needs no file read. A job that
must queue a mail exactly once across crashes (an announcement's fan-out, a reminder) first stores a stamp from
new_stamp(), then queues with it: the id is then the stamp plus the family number, and queueing it again is a no-op. Request
threads queue mails and retry failed ones; only the sender thread (storage/mail/sender.py) moves pending mails. One
lock orders the moves and the listings, so a listing never shows a mail twice or not at all.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from storage import clock as calendar
from storage.atomic import write_atomically
from storage.mail.addresses import MAX_ADDRESS_LENGTH, has_line_break, valid_email

SCHEMA_VERSION = 1
STATUSES = ("pending", "sent", "failed")
MAIL_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9]{6}-(?:[0-9]{1,12}|commune)$")
STAMP = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9]{6}$")
KIND = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
FAMILY_NUMBER = re.compile(r"^[0-9]{1,12}$")
NO_FAMILY = "commune"  # the id's last part for mails to no family (the agent's summary, a test)
MAX_SUBJECT = 250
MAX_BODY = 200_000


class MailRefused(ValueError):
    """A mail that cannot be queued; `field` says which value is wrong, str() says why in French."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def local_iso(ts: float) -> str:
    """An epoch instant as the local ISO text every document uses for dates."""
    return datetime.fromtimestamp(ts).isoformat(timespec="seconds")


def _bad_header(value: str) -> bool:
    return has_line_break(value) or any(unicodedata.category(char) == "Cc" for char in value)


def _encode(mail: dict) -> bytes:
    return json.dumps(mail, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _read(path: Path) -> dict | None:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        return None


class Outbox:
    """Mails waiting, sent and failed, in the folder root (data/outbox)."""

    def __init__(self, root: Path, clock: Callable[[], float] = calendar.timestamp,
                 commune: Callable[[], dict] | None = None):
        """clock: seconds since the epoch (the calendar clock by default, a FakeClock in tests); commune: returns
        settings["commune"], whose name and e-mail become each mail's sender name and Reply-To."""
        self.root = Path(root)
        self.clock = clock
        self._commune = commune
        self._lock = threading.Lock()
        self.changed = threading.Event()  # set when the sender has something new to look at
        self._due: dict[str, float | None] = {}  # pending id -> next attempt (None: read its file to know)
        self._counts = dict.fromkeys(STATUSES, 0)
        self._last_microseconds = 0
        for status in STATUSES:
            (self.root / status).mkdir(parents=True, exist_ok=True)
        self._recover()

    # --- start-up -----------------------------------------------------------------------------------

    def _ids(self, status: str) -> set[str]:
        return {entry.name[:-5] for entry in os.scandir(self.root / status)
                if entry.name.endswith(".json") and MAIL_ID.match(entry.name[:-5])}

    def _recover(self) -> None:
        """Rebuild the queue from the folders; settle a move that a crash interrupted (a mail in two folders)."""
        ids = {status: self._ids(status) for status in STATUSES}
        for mail_id in ids["pending"] & ids["sent"]:  # accepted by the server: never send it again
            self._path("pending", mail_id).unlink()
            ids["pending"].discard(mail_id)
        for mail_id in ids["pending"] & ids["failed"]:  # a failure or a retry half done: the newer file wins
            pending, failed = _read(self._path("pending", mail_id)), _read(self._path("failed", mail_id))
            older = "pending" if pending["revision"] < failed["revision"] else "failed"
            self._path(older, mail_id).unlink()
            ids[older].discard(mail_id)
        self._due = dict.fromkeys(sorted(ids["pending"]))
        self._counts = {status: len(ids[status]) for status in STATUSES}
        every_id = set().union(*ids.values())
        if every_id:
            self._last_microseconds = _id_microseconds(max(every_id))

    # --- writing ------------------------------------------------------------------------------------

    def queue(self, *, kind: str, to: str, subject: str, text: str, html: str | None = None,
              family_id: str | None = None, stamp: str | None = None) -> str:
        """Store one mail durably (atomic write, fsynced, before returning) with status 'pending'; returns its id.
        Raises MailRefused (with a French message) for an invalid address or a line break in a header value.

        With a stamp (from new_stamp()) the id is the stamp plus the family number, and a mail already queued under
        that id, whatever its status, is kept as it is: nothing is written and its id is returned."""
        commune = self._commune() if self._commune else {}
        from_name = str(commune.get("name") or "").strip()
        reply_to = str(commune.get("email") or "").strip()
        self._check(kind=kind, to=to, subject=subject, text=text, html=html, family_id=family_id,
                    from_name=from_name, reply_to=reply_to)
        if stamp is not None and not (isinstance(stamp, str) and STAMP.match(stamp)):
            raise MailRefused("stamp", f"Marque de courriel invalide : « {stamp} ».")
        now = self.clock()
        with self._lock:
            mail_id = self._new_id(now, family_id) if stamp is None else f"{stamp}-{family_id or NO_FAMILY}"
        mail = {"schema": SCHEMA_VERSION, "id": mail_id, "kind": kind, "family_id": family_id, "to": to,
                "subject": subject, "text": text, "html": html, "from_name": from_name,
                "reply_to": reply_to if valid_email(reply_to) else "", "message_token": secrets.token_hex(8),
                "created_at": local_iso(now), "created_ts": now, "round_start_ts": now, "next_attempt_ts": now,
                "status": "pending", "attempts": [], "revision": 1}
        if stamp is None:
            write_atomically(self._path("pending", mail_id), _encode(mail))
            with self._lock:
                self._add_pending(mail_id, now)
        else:
            # Under the lock that orders the sender's moves: a mail being moved is seen in one folder or the other.
            with self._lock:
                if any(self._path(status, mail_id).exists() for status in STATUSES):
                    return mail_id
                write_atomically(self._path("pending", mail_id), _encode(mail))
                self._add_pending(mail_id, now)
        self.changed.set()
        return mail_id

    def _add_pending(self, mail_id: str, now: float) -> None:
        self._due[mail_id] = now
        self._counts["pending"] += 1

    def new_stamp(self) -> str:
        """A stamp no other mail id uses (a creation instant to the microsecond) for queue(stamp=...)."""
        with self._lock:
            return self._new_id(self.clock(), None).rsplit("-", 1)[0]

    @staticmethod
    def _check(*, kind, to, subject, text, html, family_id, from_name, reply_to) -> None:
        if not isinstance(kind, str) or not KIND.match(kind):
            raise MailRefused("kind", f"Type de courriel invalide : « {kind} ».")
        if family_id is not None and not (isinstance(family_id, str) and FAMILY_NUMBER.match(family_id)):
            raise MailRefused("family_id", f"Numéro de famille invalide : « {family_id} ».")
        if not isinstance(to, str) or _bad_header(to):
            raise MailRefused("to", "L'adresse du destinataire contient un retour à la ligne ou un caractère de "
                                    "contrôle : courriel refusé.")
        if not valid_email(to):
            raise MailRefused("to", f"Adresse e-mail du destinataire invalide : « {to[:MAX_ADDRESS_LENGTH]} ».")
        if not isinstance(subject, str) or _bad_header(subject):
            raise MailRefused("subject", "L'objet du courriel contient un retour à la ligne ou un caractère de "
                                         "contrôle : courriel refusé.")
        if not subject.strip() or len(subject) > MAX_SUBJECT:
            raise MailRefused("subject", f"L'objet du courriel doit faire de 1 à {MAX_SUBJECT} caractères.")
        if _bad_header(from_name):
            raise MailRefused("from_name", "Le nom de la commune contient un retour à la ligne ou un caractère de "
                                           "contrôle : corrigez-le dans Paramètres.")
        if _bad_header(reply_to):
            raise MailRefused("reply_to", "L'adresse e-mail de la commune contient un retour à la ligne : "
                                          "corrigez-la dans Paramètres.")
        for name, body in (("text", text), ("html", html)):
            if body is not None and (not isinstance(body, str) or len(body) > MAX_BODY):
                raise MailRefused(name, f"Le texte du courriel doit faire au plus {MAX_BODY} caractères.")
        if not isinstance(text, str) or not text.strip():
            raise MailRefused("text", "Le texte du courriel est vide.")

    def _new_id(self, now: float, family_id: str | None) -> str:
        microseconds = max(int(now * 1_000_000), self._last_microseconds + 1)  # strictly increasing
        self._last_microseconds = microseconds
        moment = datetime.fromtimestamp(microseconds // 1_000_000, UTC)
        return f"{moment:%Y%m%dT%H%M%S}-{microseconds % 1_000_000:06d}-{family_id or NO_FAMILY}"

    def _path(self, status: str, mail_id: str) -> Path:
        return self.root / status / f"{mail_id}.json"

    def retry(self, mail_id: str) -> bool:
        """A failed mail becomes pending again, due now, with a fresh round of retries; False if it is not failed."""
        if not MAIL_ID.match(mail_id or ""):
            return False
        with self._lock:
            mail = _read(self._path("failed", mail_id))
            if mail is None:
                return False
            now = self.clock()
            mail.update(status="pending", next_attempt_ts=now, round_start_ts=now, revision=mail["revision"] + 1)
            mail.setdefault("retried_at", []).append(local_iso(now))
            mail.pop("failed_at", None)
            # pending first, failed removed after: a crash in between leaves two files and the newer one wins.
            write_atomically(self._path("pending", mail_id), _encode(mail))
            self._path("failed", mail_id).unlink()
            self._due[mail_id] = now
            self._counts["failed"] -= 1
            self._counts["pending"] += 1
        self.changed.set()
        return True

    # --- for the sender -----------------------------------------------------------------------------

    def due(self, now: float) -> list[str]:
        """Pending ids whose next attempt is due (or not known yet), oldest first."""
        with self._lock:
            return [mail_id for mail_id, due in self._due.items() if due is None or due <= now]

    def next_due(self) -> float | None:
        """The earliest next attempt among pending mails (0 when some are not known yet), None if none pending."""
        with self._lock:
            if not self._due:
                return None
            return min(0.0 if due is None else due for due in self._due.values())

    def forget_schedule(self) -> None:
        """Make the sender read every pending mail again (the SMTP settings changed: try them all now)."""
        with self._lock:
            self._due = dict.fromkeys(self._due)
        self.changed.set()

    def pending_mail(self, mail_id: str) -> dict | None:
        """The pending mail's document (its schedule noted for due()), or None if it is no longer pending."""
        mail = _read(self._path("pending", mail_id))
        with self._lock:
            if mail is None:
                self._due.pop(mail_id, None)
            elif mail_id in self._due:
                self._due[mail_id] = mail["next_attempt_ts"]
        return mail

    def record_attempt(self, mail: dict, attempt: dict, next_attempt_ts: float) -> None:
        """A temporary failure: the attempt is kept in the file and the mail waits until next_attempt_ts."""
        mail = dict(mail, attempts=[*mail["attempts"], attempt], next_attempt_ts=next_attempt_ts,
                    last_error=attempt["answer"], revision=mail["revision"] + 1)
        with self._lock:
            write_atomically(self._path("pending", mail["id"]), _encode(mail))
            self._due[mail["id"]] = next_attempt_ts

    def mark_sent(self, mail: dict, attempt: dict) -> None:
        """The server accepted the mail (250): in sent/ at once, so that no restart sends it again."""
        self._finish(mail, attempt, "sent", sent_at=attempt["at"])

    def mark_failed(self, mail: dict, attempt: dict) -> None:
        """A permanent refusal, or retries exhausted: in failed/ with the last error."""
        self._finish(mail, attempt, "failed", failed_at=attempt["at"], last_error=attempt["answer"])

    def _finish(self, mail: dict, attempt: dict, status: str, **fields) -> None:
        mail = dict(mail, attempts=[*mail["attempts"], attempt], status=status, revision=mail["revision"] + 1,
                    **fields)
        with self._lock:
            # the new file first, the pending one removed after: a crash between them leaves both, and _recover()
            # keeps the sent (or newer) one.
            write_atomically(self._path(status, mail["id"]), _encode(mail))
            self._path("pending", mail["id"]).unlink(missing_ok=True)
            self._due.pop(mail["id"], None)
            self._counts["pending"] -= 1
            self._counts[status] += 1

    # --- reading ------------------------------------------------------------------------------------

    def get(self, mail_id: str) -> dict | None:
        """One mail, whatever its status, or None (also for an id that is not a mail id)."""
        if not isinstance(mail_id, str) or not MAIL_ID.match(mail_id):
            return None
        with self._lock:
            for status in STATUSES:
                mail = _read(self._path(status, mail_id))
                if mail is not None:
                    return mail
        return None

    def page(self, *, family_id: str | None = None, status: str | None = None, offset: int = 0,
             limit: int = 50) -> tuple[list[dict], int]:
        """(mails newest first, how many match) for one page of the list, filtered by family and status."""
        statuses = [status] if status in STATUSES else list(STATUSES)
        suffix = f"-{family_id}" if family_id else None
        with self._lock:
            found = [(mail_id, state) for state in statuses for mail_id in self._ids(state)
                     if suffix is None or mail_id.endswith(suffix)]
        found.sort(reverse=True)
        mails = []
        for mail_id, state in found[max(offset, 0):max(offset, 0) + max(limit, 0)]:
            mail = _read(self._path(state, mail_id)) or self.get(mail_id)  # moved since the listing
            if mail is not None:
                mails.append(mail)
        return mails, len(found)

    def counts(self) -> dict[str, int]:
        """How many mails are pending, sent and failed (kept in memory, no disk access)."""
        with self._lock:
            return dict(self._counts)

    # --- retention (storage/retention/) ----------------------------------------------------------------

    def ids_created_before(self, status: str, before_ts: float) -> list[str]:
        """Ids of the sent or failed mails created before the instant (read from their ids, no file opened)."""
        if status not in ("sent", "failed"):
            raise ValueError(status)
        with self._lock:
            ids = self._ids(status)
        return sorted(mail_id for mail_id in ids if _id_microseconds(mail_id) < before_ts * 1_000_000)

    def family_mail_ids(self, status: str, family_id: str) -> list[str]:
        """Ids of one family's mails of that status."""
        with self._lock:
            return sorted(mail_id for mail_id in self._ids(status) if mail_id.endswith(f"-{family_id}"))

    def delete(self, status: str, mail_ids: list[str]) -> int:
        """Remove sent or failed mails for good (their retention period is over); returns how many were removed. Pending
        mails are never removed: the sender may be delivering them."""
        if status not in ("sent", "failed"):
            raise ValueError(status)
        removed = 0
        with self._lock:
            for mail_id in mail_ids:
                if not MAIL_ID.match(mail_id or ""):
                    continue
                try:
                    self._path(status, mail_id).unlink()
                except FileNotFoundError:
                    continue
                removed += 1
            self._counts[status] -= removed
        return removed


def _id_microseconds(mail_id: str) -> int:
    moment = datetime.strptime(mail_id[:15], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1_000_000 + int(mail_id[16:22])

