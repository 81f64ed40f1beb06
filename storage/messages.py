"""Messages between a family and the town hall: threads in the family's own file, announcements in one global file.

A thread is the messages of one family file that share a thread_id (the doc id of its first message).
An announcement to every family is stored once, in data/announcements.json, and merged into each
family's inbox when it is shown; the family file only records which announcements the family opened.
Announcements published before a family's account existed count as already read for that family.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import Families, now_iso, record_of

CATEGORIES = {"facturation": "Facturation", "inscriptions": "Inscriptions", "autre": "Autre"}
SUBJECT_MAX = 150
BODY_MAX = 5000
ANNOUNCEMENTS_FILE = "announcements.json"
AUTHORS = ("family", "agent")
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- validation -----------------------------------------------------------------------------------

def thousands(number: int) -> str:
    """5000 -> '5 000' (French thousands separator, a narrow no-break space)."""
    return f"{number:,}".replace(",", "\u202f")


def clean_body(raw) -> str:
    """A message body as plain text: control characters removed, Windows line ends made '\\n', trimmed."""
    text = raw if isinstance(raw, str) else ""
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def clean_subject(raw) -> str:
    """A subject on one line, inner runs of spaces made one."""
    return " ".join(CONTROL_CHARS.sub("", raw if isinstance(raw, str) else "").split())


def _check_body(body: str, errors: dict) -> None:
    if not body:
        errors["body"] = "Écrivez votre message."
    elif len(body) > BODY_MAX:
        errors["body"] = (f"Le message ne peut pas dépasser {thousands(BODY_MAX)} caractères "
                          f"(il en compte {thousands(len(body))}).")


def validate_reply(form: Mapping) -> tuple[dict, dict]:
    """(clean, errors) of a reply in a thread: only its body."""
    clean = {"body": clean_body(form.get("body"))}
    errors: dict[str, str] = {}
    _check_body(clean["body"], errors)
    return clean, errors


def validate_message(form: Mapping) -> tuple[dict, dict]:
    """(clean, errors) of a new conversation: subject, body and category, errors in French by field name."""
    clean = {"subject": clean_subject(form.get("subject")), "category": (form.get("category") or "").strip(),
             "body": clean_body(form.get("body"))}
    errors: dict[str, str] = {}
    if not clean["subject"]:
        errors["subject"] = "Indiquez l'objet du message."
    elif len(clean["subject"]) > SUBJECT_MAX:
        errors["subject"] = (f"L'objet ne peut pas dépasser {SUBJECT_MAX} caractères "
                             f"(il en compte {len(clean['subject'])}).")
    if clean["category"] not in CATEGORIES:
        errors["category"] = "Choisissez une catégorie : facturation, inscriptions ou autre."
    _check_body(clean["body"], errors)
    return clean, errors


def validate_agent_message(form: Mapping, family_exists: Callable[[str], bool]) -> tuple[dict, dict]:
    """(clean, errors) of the agent's new message: to one family (by number) or to all (an announcement)."""
    clean, errors = validate_message(form)
    clean["recipient"] = (form.get("recipient") or "").strip()
    clean["family_id"] = "".join((form.get("family_id") or "").split())
    if clean["recipient"] == "family":
        if not clean["family_id"]:
            errors["family_id"] = "Indiquez le numéro de la famille."
        elif not family_exists(clean["family_id"]):
            errors["family_id"] = f"Aucune famille ne porte le numéro « {clean['family_id'][:20]} »."
    elif clean["recipient"] == "all":
        clean["family_id"] = ""
    else:
        errors["recipient"] = "Choisissez le destinataire : une famille ou toutes les familles."
    return clean, errors


# --- threads ----------------------------------------------------------------------------------------

@dataclass
class Thread:
    """One conversation of a family file, its messages oldest first."""
    thread_id: int
    messages: list

    @property
    def subject(self) -> str:
        return self.messages[0].get("subject", "")

    @property
    def category(self) -> str:
        return self.messages[0].get("category", "autre")

    @property
    def started_by(self) -> str:
        return self.messages[0]["author"]

    @property
    def last(self) -> dict:
        return self.messages[-1]

    @property
    def last_at(self) -> str:
        return self.last.get("created_at", "")

    @property
    def status(self) -> str:
        """'open' while the family's last message waits for the town hall, else 'answered'."""
        return "open" if self.last["author"] == "family" else "answered"

    def unread_by(self, reader: str) -> int:
        """Messages of the other side that reader ('family' or 'agent') has not opened yet."""
        return sum(1 for m in self.messages if m["author"] != reader and not m.get("read_at"))


def threads_of(db: TinyDB) -> list[Thread]:
    """Every conversation of a family file, the most recent activity first."""
    grouped: dict[int, list] = {}
    for message in db.table("messages").all():
        grouped.setdefault(message.get("thread_id") or message.doc_id, []).append(message)
    threads = [Thread(thread_id, sorted(messages, key=lambda m: m.doc_id)) for thread_id, messages in grouped.items()]
    return sorted(threads, key=lambda t: (t.last_at, t.last.doc_id), reverse=True)


def thread_of(db: TinyDB, thread_id: int) -> Thread:
    """The family's own thread with that id; KeyError for any other id (another family's included)."""
    messages = [m for m in db.table("messages").all() if (m.get("thread_id") or m.doc_id) == thread_id]
    if not messages:
        raise KeyError(thread_id)
    return Thread(thread_id, sorted(messages, key=lambda m: m.doc_id))


def _mark_read(db: TinyDB, thread: Thread, reader: str) -> list[int]:
    """Mark the other side's unread messages of thread read; writes nothing when there are none."""
    unread = [m.doc_id for m in thread.messages if m["author"] != reader and not m.get("read_at")]
    if unread:
        db.table("messages").update({"read_at": now_iso()}, doc_ids=unread)
    return unread


def open_thread(families: Families, family_id: str, thread_id: int, reader: str) -> Thread:
    """The thread as it was before this opening (unread ones still unread), now marked read for reader."""
    if reader not in AUTHORS:
        raise ValueError(reader)
    with families.transaction(family_id) as db:
        thread = thread_of(db, thread_id)
        _mark_read(db, thread, reader)
    return thread


def _insert(db: TinyDB, *, author: str, author_name: str, subject: str, body: str, category: str,
            thread_id: int | None, created_at: str | None) -> int:
    table = db.table("messages")
    doc_id = table.insert({
        "schema": SCHEMA_VERSION, "thread_id": thread_id, "author": author, "author_name": author_name,
        "subject": subject, "body": body, "category": category, "created_at": created_at or now_iso(),
        "read_at": None,
    })
    if thread_id is None:
        table.update({"thread_id": doc_id}, doc_ids=[doc_id])
    return doc_id


def post_message(families: Families, family_id: str, *, author: str, subject: str, body: str,
                 category: str = "autre", thread_id: int | None = None, author_name: str = "",
                 created_at: str | None = None) -> int:
    """Add a message (author 'family' or 'agent'), unvalidated (demo, imports); returns its thread id."""
    if author not in AUTHORS:
        raise ValueError(author)
    with families.transaction(family_id) as db:
        if thread_id is not None:
            thread_of(db, thread_id)
        doc_id = _insert(db, author=author, author_name=author_name, subject=subject, body=body,
                         category=category, thread_id=thread_id, created_at=created_at)
        return thread_id or doc_id


def start_thread(families: Families, family_id: str, form: Mapping, *, author: str, author_name: str) -> int:
    """A new conversation from validated fields (validated again here); returns its thread id."""
    clean, errors = validate_message(form)
    if errors:
        raise ValueError(errors)
    return post_message(families, family_id, author=author, author_name=author_name, subject=clean["subject"],
                        body=clean["body"], category=clean["category"])


def reply(families: Families, family_id: str, thread_id: int, body: str, *, author: str, author_name: str) -> int:
    """Add a reply to the family's own thread (KeyError for any other) and mark what the author read; returns its id."""
    if author not in AUTHORS:
        raise ValueError(author)
    clean, errors = validate_reply({"body": body})
    if errors:
        raise ValueError(errors)
    with families.transaction(family_id) as db:
        thread = thread_of(db, thread_id)
        _mark_read(db, thread, author)
        return _insert(db, author=author, author_name=author_name, subject=thread.subject, body=clean["body"],
                       category=thread.category, thread_id=thread_id, created_at=None)


def unread_for_family(db: TinyDB) -> int:
    """Messages from the town hall in the family's own threads that it has not opened yet (no announcements)."""
    return sum(1 for m in db.table("messages").all() if m["author"] == "agent" and not m.get("read_at"))


# --- announcements -----------------------------------------------------------------------------------

def announcements_path(documents: DocumentStore) -> Path:
    return documents.root / ANNOUNCEMENTS_FILE


def publish_announcement(documents: DocumentStore, form: Mapping, *, author_name: str,
                         created_at: str | None = None) -> int:
    """Store one announcement for every family (one write, whatever the number of families); returns its id."""
    clean, errors = validate_message(form)
    if errors:
        raise ValueError(errors)
    with documents.transaction(announcements_path(documents)) as db:
        return db.table("announcements").insert({
            "schema": SCHEMA_VERSION, "author_name": author_name, "subject": clean["subject"],
            "body": clean["body"], "category": clean["category"], "created_at": created_at or now_iso(),
        })


def announcements(documents: DocumentStore) -> list:
    """Every announcement, newest first."""
    docs = documents.read(announcements_path(documents)).table("announcements").all()
    return sorted(docs, key=lambda a: (a["created_at"], a.doc_id), reverse=True)


def announcement(documents: DocumentStore, announcement_id: int):
    """One announcement; KeyError when there is none with that id."""
    doc = documents.read(announcements_path(documents)).table("announcements").get(doc_id=announcement_id)
    if doc is None:
        raise KeyError(announcement_id)
    return doc


def member_since(db: TinyDB) -> str:
    """When the family's account was created: older announcements count as read for it."""
    return record_of(db).get("created_at", "") or ""


def read_announcement_ids(db: TinyDB) -> set[int]:
    return {r["announcement_id"] for r in db.table("announcement_reads").all()}


def counts_as_unread(announcement_doc: Mapping, since: str) -> bool:
    return announcement_doc["created_at"] >= since


def open_announcement(families: Families, family_id: str, announcement_doc) -> bool:
    """Record in the family file that it opened the announcement; True when it was unread until now."""
    with families.transaction(family_id) as db:
        if not counts_as_unread(announcement_doc, member_since(db)):
            return False
        if announcement_doc.doc_id in read_announcement_ids(db):
            return False
        db.table("announcement_reads").insert({"schema": SCHEMA_VERSION, "announcement_id": announcement_doc.doc_id,
                                               "read_at": now_iso()})
        return True


# --- the family's inbox --------------------------------------------------------------------------------

@dataclass(frozen=True)
class InboxItem:
    """One line of the family's Boîte de réception: a conversation or an announcement."""
    kind: str  # "thread" or "announcement"
    id: int
    subject: str
    category: str
    last_at: str
    last_author: str  # "family" or "agent"
    last_author_name: str
    started_by: str
    messages: int
    unread: int

    @property
    def status(self) -> str:
        return "open" if self.last_author == "family" else "answered"


def inbox(db: TinyDB, announcement_docs: Sequence) -> list[InboxItem]:
    """The family's conversations and every announcement, the most recent activity first."""
    items = [InboxItem("thread", t.thread_id, t.subject, t.category, t.last_at, t.last["author"],
                       t.last.get("author_name", ""), t.started_by, len(t.messages), t.unread_by("family"))
             for t in threads_of(db)]
    since, read = member_since(db), read_announcement_ids(db)
    items += [InboxItem("announcement", a.doc_id, a["subject"], a.get("category", "autre"), a["created_at"], "agent",
                        a.get("author_name", ""), "agent", 1,
                        int(counts_as_unread(a, since) and a.doc_id not in read))
              for a in announcement_docs]
    return sorted(items, key=lambda i: i.last_at, reverse=True)


def unread_announcements(dates: Sequence[str], since: str, read: int) -> int:
    """Announcements unread by a family: those published since its account existed (dates sorted) minus those read."""
    return max(0, len(dates) - bisect_left(dates, since) - read)


def unread_count(db: TinyDB, announcement_dates: Sequence[str] = ()) -> int:
    """What the family has not opened: the town hall's messages plus announcements.

    announcement_dates: every announcement's created_at, sorted (FamilyIndex.announcement_dates()).
    """
    read = len(db.table("announcement_reads"))
    return unread_for_family(db) + unread_announcements(announcement_dates, member_since(db), read)
