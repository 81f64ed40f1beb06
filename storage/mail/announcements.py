"""The fan-out of an announcement into one mail per family, by a job thread, at a bounded rate.

Publishing an announcement writes one small mailing document (data/jobs/announcements/<id>.json) beside it, never
10,000 mails in the request. The job thread takes the oldest unfinished mailing and queues the mails of the next
`batch` families (in family-number order), then stores the last family done as the mailing's cursor, and waits
batch / mails_per_second seconds: announcement mails enter the outbox at a bounded rate, so mails of other kinds
queued meanwhile (a decision, a password link) never wait behind thousands of them. It also waits while the outbox
holds `max_backlog` pending mails (SMTP down or not configured): the rest follows when they leave.

Each mailing has an outbox stamp: a family's mail id is the stamp plus its number, and queueing it again is a no-op.
A crash after some mails of a batch and before its cursor was stored makes the restarted job queue that batch
again, and no family gets the announcement twice. Families whose account was opened after the announcement (for
whom it counts as read) get no mail, nor those without an address or who turned messages off.
"""
from __future__ import annotations

import json
import logging
import threading
from bisect import bisect_right
from pathlib import Path

from storage.atomic import write_atomically
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import now_iso
from storage.mail.family_mail import FamilyMail
from storage.mail.notices import announcement_notice
from storage.messages import announcement, member_since
from storage.wording import plural
from storage.jobs.background import BackgroundJob

MAILS_PER_SECOND = 5.0
BATCH = 10
MAX_BACKLOG = 200
POLL_SECONDS = 60.0
log = logging.getLogger("portal.mail")


class AnnouncementMailings(BackgroundJob):
    """plan() from the request that publishes; start()/stop() the job thread; expand_batch() one step of it."""

    def __init__(self, jobs_folder: Path, documents: DocumentStore, family_mail: FamilyMail, *,
                 mails_per_second: float = MAILS_PER_SECOND, batch: int = BATCH, max_backlog: int = MAX_BACKLOG):
        self.folder = Path(jobs_folder) / "announcements"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.documents = documents
        self.family_mail = family_mail
        self.families = family_mail.families
        self.outbox = family_mail.outbox
        self.mails_per_second = mails_per_second
        self.batch = batch
        self.max_backlog = max_backlog
        self._wake = threading.Event()
        super().__init__()
        self._family_ids: tuple[str, list[str]] = ("", [])  # (the mailing's stamp, the numbers it goes through)
        self._done: set[str] = set()  # finished mailings' file names, not read again

    # --- the request side ---------------------------------------------------------------------------

    def _path(self, announcement_id: int) -> Path:
        return self.folder / f"{int(announcement_id)}.json"

    def plan(self, announcement_id: int) -> dict:
        """Store the mailing of a just published announcement (durable before returning) and wake the job."""
        mailing = {"schema": SCHEMA_VERSION, "announcement_id": int(announcement_id),
                   "stamp": self.outbox.new_stamp(), "cursor": "", "done": False, "queued": 0, "skipped": 0,
                   "created_at": now_iso(), "done_at": None}
        self._save(mailing)
        self._wake.set()
        return mailing

    def _save(self, mailing: dict) -> None:
        write_atomically(self._path(mailing["announcement_id"]),
                         json.dumps(mailing, ensure_ascii=False).encode("utf-8"))

    def mailing(self, announcement_id: int) -> dict | None:
        """The mailing of an announcement (its progress), or None (published before mailings existed)."""
        try:
            return json.loads(self._path(announcement_id).read_text("utf-8"))
        except FileNotFoundError:
            return None

    def unfinished(self) -> list[dict]:
        """The mailings still to expand, oldest announcement first."""
        found = []
        for path in self.folder.glob("*.json"):
            if path.stem.isdigit() and path.name not in self._done:
                mailing = json.loads(path.read_text("utf-8"))
                if mailing["done"]:
                    self._done.add(path.name)
                else:
                    found.append(mailing)
        return sorted(found, key=lambda mailing: mailing["announcement_id"])

    # --- the job ------------------------------------------------------------------------------------

    def _ids_for(self, mailing: dict) -> list[str]:
        """Every family number, sorted as text (the cursor's order), listed once per mailing."""
        if self._family_ids[0] != mailing["stamp"]:
            self._family_ids = (mailing["stamp"], sorted(self.families.ids()))
        return self._family_ids[1]

    def expand_batch(self, mailing: dict) -> int:
        """Queue the mails of the next batch of families and store the cursor; returns how many were queued."""
        try:
            published = announcement(self.documents, mailing["announcement_id"])
        except KeyError:  # the announcement is gone: nothing to send
            self._save(dict(mailing, done=True, done_at=now_iso()))
            return 0
        family_ids = self._ids_for(mailing)
        start = bisect_right(family_ids, mailing["cursor"])
        batch = family_ids[start:start + self.batch]
        link = self.family_mail.job_link(f"/messages/annonces/{published.doc_id}")
        queued = skipped = 0
        for family_id in batch:
            db = self.families.read(family_id)
            mail_id = None
            if db is not None and member_since(db) <= published["created_at"]:
                mail_id = self.family_mail.send(
                    family_id, "messages",
                    lambda commune: announcement_notice(commune, published["subject"], published["body"], link),
                    stamp=mailing["stamp"], db=db)
            queued, skipped = queued + bool(mail_id), skipped + (not mail_id)
        done = start + len(batch) >= len(family_ids)
        self._save(dict(mailing, cursor=batch[-1] if batch else mailing["cursor"], queued=mailing["queued"] + queued,
                        skipped=mailing["skipped"] + skipped, done=done, done_at=now_iso() if done else None))
        if done:
            log.info("Annonce %s : %s en file", mailing["announcement_id"],
                 plural(mailing["queued"] + queued, "courriel mis", "courriels mis"))
        return queued

    def step(self) -> float | None:
        """One batch of the oldest unfinished mailing; returns the seconds to wait before the next step (the rate),
        or None when there is nothing to do until the next plan()."""
        mailings = self.unfinished()
        if not mailings:
            return None
        if self.outbox.counts()["pending"] >= self.max_backlog:
            return self.batch / self.mails_per_second
        queued = self.expand_batch(mailings[0])
        return queued / self.mails_per_second

    def drain(self) -> int:
        """Expand every unfinished mailing at once, without waiting (tests, tools); returns how many were queued."""
        queued = 0
        for mailing in self.unfinished():
            while mailing is not None and not mailing["done"]:
                queued += self.expand_batch(mailing)
                mailing = self.mailing(mailing["announcement_id"])
        return queued

    thread_name = "announcement-mailings"

    def _interrupt(self) -> None:
        self._wake.set()  # the thread ends after the batch in progress

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                wait = self.step()
            except Exception:  # a bug must not end the fan-out: log it and look again later
                log.exception("Erreur dans l'envoi des annonces par courriel")
                wait = POLL_SECONDS
            if wait is None:
                self._wake.wait(POLL_SECONDS)  # idle: a new announcement (or stop) wakes the thread
            elif wait > 0:
                self._stop.wait(wait)  # the rate: a new announcement does not shorten it
