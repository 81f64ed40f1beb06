"""Messages between a family and the town hall, kept in the family's file as threads."""
from __future__ import annotations

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION
from storage.families import Families, now_iso

CATEGORIES = {"facturation": "Facturation", "inscriptions": "Inscriptions", "autre": "Autre"}


def post_message(families: Families, family_id: str, *, author: str, subject: str, body: str,
                 category: str = "autre", thread_id: int | None = None, author_name: str = "",
                 created_at: str | None = None) -> int:
    """Add a message (author 'family' or 'agent'); a new thread when thread_id is None. Returns its thread."""
    with families.transaction(family_id) as db:
        table = db.table("messages")
        if thread_id is not None and not any(m.doc_id == thread_id or m.get("thread_id") == thread_id
                                             for m in table.all()):
            raise KeyError(thread_id)
        doc_id = table.insert({
            "schema": SCHEMA_VERSION, "thread_id": thread_id, "author": author, "author_name": author_name,
            "subject": subject, "body": body, "category": category, "created_at": created_at or now_iso(),
            "read_at": None,
        })
        if thread_id is None:
            table.update({"thread_id": doc_id}, doc_ids=[doc_id])
        return thread_id or doc_id


def unread_for_family(db: TinyDB) -> int:
    """Messages from the town hall the family has not opened yet."""
    return sum(1 for m in db.table("messages").all() if m["author"] == "agent" and not m.get("read_at"))
