"""In-memory index of all families for the agent's cross-family views, rebuilt at start-up.

Kept current by listening to every committed write of a family file, so the agent's lists never read
thousands of files.
"""
from __future__ import annotations

import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from tinydb import TinyDB

from storage.families import Families, account_of, family_name, record_of


RECENT_AUDIT_PER_FAMILY = 3


def folded(text: str) -> str:
    """Lower-case text without accents, for searching 'Hélène' with 'helene'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@dataclass
class FamilySummary:
    family_id: str
    name: str
    children: list[str]
    active: bool
    pending: list[dict] = field(default_factory=list)  # {id, section, target_label, created_at}
    search_text: str = ""
    recent_audit: list[dict] = field(default_factory=list)  # the family's last few decisions, newest last


def summarise(family_id: str, db: TinyDB) -> FamilySummary:
    """What the agent's lists need to know of one family file."""
    record = record_of(db)
    children = [f"{c.get('first_name', '')} {c.get('last_name', '')}".strip() for c in record.get("children", [])]
    pending = [
        {"id": doc.doc_id, "section": doc.get("section"), "target_label": doc.get("target_label", ""),
         "created_at": doc.get("created_at", "")}
        for doc in db.table("requests").all() if doc.get("status") == "pending"
    ]
    audit = db.table("audit")
    recent = [{"family_id": family_id, "at": a["at"], "by": a["by"], "action": a["action"], "section": a["section"],
               "target_label": a.get("target_label", ""), "reason": a.get("reason", "")}
              for a in audit.all()[-RECENT_AUDIT_PER_FAMILY:]]
    parents = " ".join(family_name({"parent1": p}) for p in (record.get("parent1"), record.get("parent2")) if p)
    return FamilySummary(
        family_id=family_id, name=family_name(record), children=children,
        active=bool(account_of(db).get("active", True)), pending=pending,
        search_text=folded(" ".join([family_id, parents, *children])), recent_audit=recent,
    )


class FamilyIndex:
    """Summaries of every family, by family number."""

    def __init__(self, families: Families):
        self._families = families
        self._by_id: dict[str, FamilySummary] = {}
        self._lock = threading.Lock()
        families.documents.on_commit(self._on_commit)

    def rebuild(self) -> int:
        """Read every family file once; returns the number of families."""
        summaries = {}
        for family_id in self._families.ids():
            db = self._families.read(family_id)
            if db is not None:
                summaries[family_id] = summarise(family_id, db)
        with self._lock:
            self._by_id = summaries
        return len(summaries)

    def _on_commit(self, path: Path, db: TinyDB) -> None:
        if path.parent == self._families.folder:
            summary = summarise(path.stem, db)
            with self._lock:
                self._by_id[path.stem] = summary

    def __len__(self) -> int:
        return len(self._by_id)

    def get(self, family_id: str) -> FamilySummary | None:
        return self._by_id.get(family_id)

    def with_pending_requests(self) -> list[FamilySummary]:
        """Families that have requests waiting for the agent, oldest request first."""
        with self._lock:
            waiting = [s for s in self._by_id.values() if s.pending]
        return sorted(waiting, key=lambda s: min(p["created_at"] for p in s.pending))

    def pending_count(self) -> int:
        with self._lock:
            return sum(len(s.pending) for s in self._by_id.values())

    def search(self, query: str, limit: int = 50) -> list[FamilySummary]:
        """Families whose number, parents' or children's names contain every word of query."""
        words = folded(query).split()
        with self._lock:
            summaries = list(self._by_id.values())
        found = [s for s in summaries if all(w in s.search_text for w in words)]
        return sorted(found, key=lambda s: s.name)[:limit]

    def recent_audit(self, limit: int = 200) -> list[dict]:
        """The latest decisions across families, newest first (each family keeps its last few here)."""
        with self._lock:
            entries = [entry for s in self._by_id.values() for entry in s.recent_audit]
        return sorted(entries, key=lambda e: e["at"], reverse=True)[:limit]
