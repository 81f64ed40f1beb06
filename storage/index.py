"""In-memory index of all families for the agent's cross-family views (requests, messages), rebuilt at start-up.

Kept current by listening to every committed write of a family file, so the agent's lists never read
thousands of files.
"""
from __future__ import annotations

import heapq
import logging
import os
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB

from storage import json_codec
from storage.documents import ParsedFile
from storage.families import Families, account_of, family_name, is_family_id, record_of
from storage.family_import.store import awaiting_access
from storage.messages import (announcements_path, member_since, threads_of, unread_announcements,
                              unread_for_family)
from storage.requests import conflicts_of
from storage.sections import SECTIONS
from storage.wording import full_name

RECENT_AUDIT_PER_FAMILY = 3
RECENT_THREADS_PER_FAMILY = 3  # answered and read conversations kept besides those needing the agent
SUBJECT_CHARS = 80
log = logging.getLogger("portal")


_COMBINING_MARKS = {code: None for code in range(0x300, 0x370)}  # the accents NFKD splits off Latin letters


def folded(text: str) -> str:
    """Lower-case text without accents, for searching 'Hélène' with 'helene'."""
    text = text or ""
    if text.isascii():
        return text.lower()
    return unicodedata.normalize("NFKD", text).translate(_COMBINING_MARKS).lower()


@dataclass(slots=True)
class ThreadSummary:
    """One conversation as the agent's inbox lists it (a short subject, no bodies)."""
    thread_id: int
    subject: str
    category: str
    last_at: str
    open: bool  # the family's message waits for the town hall's reply
    unread: int  # the family's messages the agent has not opened
    messages: int
    started_by: str  # "family" or "agent"


@dataclass
class FamilySummary:
    family_id: str
    name: str
    children: list[str]
    active: bool
    pending: list[dict] = field(default_factory=list)  # {id, section, target_label, created_at, stale}
    search_text: str = ""
    recent_audit: list[dict] = field(default_factory=list)  # the family's last few decisions, newest last
    threads: tuple = ()  # ThreadSummary: open or unread ones, plus the few latest others; newest first
    unread_from_agent: int = 0  # the town hall's messages the family has not opened
    member_since: str = ""  # account creation: older announcements count as read
    announcements_read: int = 0
    holder_email: str = ""  # the account holder's (parent 1's) e-mail, lower-case: "Mot de passe oublié" finds it
    awaiting_access: bool = False  # imported, and not yet given a way in (storage/family_import/)

    @property
    def awaiting_reply(self) -> int:
        return sum(1 for t in self.threads if t.open)

    @property
    def unread_from_family(self) -> int:
        return sum(t.unread for t in self.threads)


def summarise_threads(db: TinyDB) -> tuple:
    """The conversations the agent's inbox shows for one family file."""
    kept, others = [], 0
    for thread in threads_of(db):
        unread = thread.unread_by("agent")
        if not (thread.status == "open" or unread):
            others += 1
            if others > RECENT_THREADS_PER_FAMILY:
                continue
        kept.append(ThreadSummary(thread.thread_id, thread.subject[:SUBJECT_CHARS], thread.category, thread.last_at,
                                  thread.status == "open", unread, len(thread.messages), thread.started_by))
    return tuple(kept)


def is_stale(record: dict, request: dict) -> bool:
    """The record changed since the request (or its target is gone): a batch would set it aside, the table can
    filter it out."""
    if request.get("section") not in SECTIONS:
        return False
    exists, conflicts = conflicts_of(record, request)
    return bool(conflicts) or not exists


def summarise(family_id: str, db: TinyDB) -> FamilySummary:
    """What the agent's lists need to know of one family file."""
    record = record_of(db)
    children = [full_name(c) for c in record.get("children", [])]
    pending = [
        {"id": doc.doc_id, "section": doc.get("section"), "target_label": doc.get("target_label", ""),
         "created_at": doc.get("created_at", ""), "stale": is_stale(record, doc)}
        for doc in db.table("requests").all() if doc.get("status") == "pending"
    ]
    audit = db.table("audit")
    recent = [{"family_id": family_id, "at": a["at"], "by": a["by"], "action": a["action"], "section": a["section"],
               "target_label": a.get("target_label", ""), "reason": a.get("reason", "")[:80],
               "changed": ", ".join(c["label"] for c in a.get("changes", []))[:100]}
              for a in audit.all()[-RECENT_AUDIT_PER_FAMILY:]]
    parents = " ".join(family_name({"parent1": p}) for p in (record.get("parent1"), record.get("parent2")) if p)
    return FamilySummary(
        family_id=family_id, name=family_name(record), children=children,
        active=bool(account_of(db).get("active", True)), pending=pending,
        search_text=folded(" ".join([family_id, parents, *children])), recent_audit=recent,
        threads=summarise_threads(db),
        unread_from_agent=unread_for_family(db),
        member_since=member_since(db), announcements_read=len(db.table("announcement_reads")),
        holder_email=str((record.get("parent1") or {}).get("email") or "").strip().lower(),
        awaiting_access=awaiting_access(db),
    )


class FamilyIndex:
    """Summaries of every family, by family number."""

    def __init__(self, families: Families):
        self._families = families
        self._by_id: dict[str, FamilySummary] = {}
        self._lock = threading.Lock()
        self._announcements_path = announcements_path(families.documents)
        self._announcement_dates: list[str] = []  # every announcement's created_at, sorted
        self._awaiting_reply = 0  # totals over every family, kept with each summary change (agent's nav badge)
        self._unread_from_families = 0
        self._pending_by_section: dict[str, int] = {}  # kept the same way: every agent page shows the total
        self._waiting: list[FamilySummary] | None = None  # families with pending requests, sorted; None = to redo
        families.documents.on_commit(self._on_commit, repair=self.repair)

    def rebuild(self) -> int:
        """Read every family file once; returns the number of families."""
        summaries = {}
        # One directory scan and one parse per file: at 10,000 families start-up is mostly this loop.
        with os.scandir(self._families.folder) as entries:
            for entry in entries:
                family_id = entry.name[:-5]
                if entry.name.endswith(".json") and is_family_id(family_id):
                    with open(entry.path, "rb") as file:
                        parsed = ParsedFile(json_codec.loads(file.read()))
                    summaries[family_id] = summarise(family_id, parsed)
        with self._lock:
            self._by_id = summaries
            self._awaiting_reply = sum(s.awaiting_reply for s in summaries.values())
            self._unread_from_families = sum(s.unread_from_family for s in summaries.values())
            self._pending_by_section = {}
            for summary in summaries.values():
                self._count_pending(summary, +1)
            self._waiting = None
        self._announcement_dates = self._dates_of(self._families.documents.read(self._announcements_path))
        return len(summaries)

    @staticmethod
    def _dates_of(announcements_db: TinyDB) -> list[str]:
        return sorted(a["created_at"] for a in announcements_db.table("announcements").all())

    def _on_commit(self, path: Path, db: TinyDB) -> None:
        if path.parent == self._families.folder:
            self._replace(path.stem, summarise(path.stem, db))
        elif path == self._announcements_path:
            self._announcement_dates = self._dates_of(db)

    def repair(self, path: Path) -> None:
        """Bring the entry of path's family back in line with its file on disk (after a failed update).

        When the file cannot be summarised at all, the family keeps a bare entry (its number) so that the agent
        still finds it, instead of a stale one that lists requests or messages it no longer has.
        """
        if path.parent == self._families.folder:
            family_id = path.stem
            try:
                summary = summarise(family_id, self._families.documents.read(path))
            except Exception:
                log.exception("Family %s cannot be summarised; its index entry is reduced to its number", family_id)
                summary = FamilySummary(family_id=family_id, name=family_id, children=[], active=True,
                                        search_text=family_id)
            self._replace(family_id, summary)
        elif path == self._announcements_path:
            self._announcement_dates = self._dates_of(self._families.documents.read(path))

    def _replace(self, family_id: str, summary: FamilySummary) -> None:
        with self._lock:
            previous = self._by_id.get(family_id)
            self._by_id[family_id] = summary
            if previous is not None:
                self._awaiting_reply -= previous.awaiting_reply
                self._unread_from_families -= previous.unread_from_family
                self._count_pending(previous, -1)
            self._awaiting_reply += summary.awaiting_reply
            self._unread_from_families += summary.unread_from_family
            self._count_pending(summary, +1)
            if summary.pending or (previous is not None and previous.pending):
                self._waiting = None

    def forget(self, family_id: str) -> None:
        """Drop the entry of a family whose files were deleted (storage/retention/): no commit tells the index."""
        with self._lock:
            previous = self._by_id.pop(family_id, None)
            if previous is None:
                return
            self._awaiting_reply -= previous.awaiting_reply
            self._unread_from_families -= previous.unread_from_family
            self._count_pending(previous, -1)
            if previous.pending:
                self._waiting = None

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, family_id: str) -> FamilySummary | None:
        return self._by_id.get(family_id)

    def _count_pending(self, summary: FamilySummary, sign: int) -> None:
        for pending in summary.pending:
            section = pending["section"]
            self._pending_by_section[section] = self._pending_by_section.get(section, 0) + sign
            if not self._pending_by_section[section]:
                del self._pending_by_section[section]

    def with_pending_requests(self) -> list[FamilySummary]:
        """Families that have requests waiting for the agent, oldest request first (sorted once per change)."""
        with self._lock:
            if self._waiting is None:
                waiting = [s for s in self._by_id.values() if s.pending]
                self._waiting = sorted(waiting, key=lambda s: min(p["created_at"] for p in s.pending))
            return self._waiting

    def pending_count(self) -> int:
        with self._lock:
            return sum(self._pending_by_section.values())

    def pending_by_section(self) -> dict[str, int]:
        """Number of pending requests per section key, over every family."""
        with self._lock:
            return dict(self._pending_by_section)

    def search(self, query: str, limit: int = 50) -> list[FamilySummary]:
        """Families whose number, parents' or children's names contain every word of query."""
        words = folded(query).split()
        with self._lock:
            summaries = list(self._by_id.values())
        found = [s for s in summaries if all(w in s.search_text for w in words)]
        return sorted(found, key=lambda s: s.name)[:limit]

    def families_with_holder_email(self, address: str, limit: int = 5) -> list[str]:
        """Numbers of the families whose account holder has this e-mail address (any case), at most limit."""
        wanted = address.strip().lower()
        if not wanted:
            return []
        with self._lock:
            summaries = list(self._by_id.values())
        return sorted(s.family_id for s in summaries if s.holder_email == wanted)[:limit]

    def awaiting_access(self) -> list[FamilySummary]:
        """Imported families that have not been given their access yet."""
        with self._lock:
            return [s for s in self._by_id.values() if s.awaiting_access]

    def recent_audit(self, limit: int = 200) -> list[dict]:
        """The latest decisions across families, newest first (each family keeps its last few here)."""
        with self._lock:
            entries = [entry for s in self._by_id.values() for entry in s.recent_audit]
        return heapq.nlargest(limit, entries, key=lambda e: e["at"])

    # --- messages -----------------------------------------------------------------------------------

    def announcement_dates(self) -> list[str]:
        """Every announcement's publication time, sorted (what storage.messages.unread_count needs)."""
        return self._announcement_dates

    def unread_messages(self, family_id: str) -> int:
        """What a family has not opened yet (town hall messages and announcements): its navigation badge."""
        summary = self._by_id.get(family_id)
        if summary is None:
            return 0
        return summary.unread_from_agent + unread_announcements(self._announcement_dates, summary.member_since,
                                                                summary.announcements_read)

    def conversations(self, only: str = "") -> list[tuple[FamilySummary, ThreadSummary]]:
        """Families' conversations for the agent: unread first, then awaiting a reply, then the rest; newest first.

        only: "" for all that the index keeps, "unread" or "open" (awaiting the agent's reply).
        """
        with self._lock:
            summaries = [s for s in self._by_id.values() if s.threads]
        rows = [(s, t) for s in summaries for t in s.threads
                if not only or (only == "unread" and t.unread) or (only == "open" and t.open)]
        rows.sort(key=lambda row: row[1].last_at, reverse=True)
        rows.sort(key=lambda row: (not row[1].unread, not row[1].open))  # stable: newest first within each group
        return rows

    def awaiting_reply_count(self) -> int:
        """Conversations whose last message is the family's (the agent's navigation badge)."""
        return self._awaiting_reply

    def unread_from_families_count(self) -> int:
        """Families' messages the agent has not opened yet."""
        return self._unread_from_families
