"""The exports of validated changes already made (data/exports.json): where "since the last export" starts, and the
windows the agent can download again. One journal for the commune, not one per agent: the back-office is one, and an
export by any agent brings it up to date."""
from __future__ import annotations

from tinydb.table import Document

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import now_iso

KEPT = 100  # the journal keeps the latest exports only


class ExportJournal:
    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self._path = documents.root / "exports.json"

    def record(self, agent: str, since: str, until: str, lines: int) -> int:
        """Remember an export of the changes validated from since to until; returns its number."""
        with self._documents.transaction(self._path) as db:
            table = db.table("changes_exports")
            number = max((doc.doc_id for doc in table.all()), default=0) + 1
            table.insert(Document({"schema": SCHEMA_VERSION, "at": now_iso(), "by": agent, "since": since,
                                   "until": until, "lines": lines}, doc_id=number))
            old = sorted(doc.doc_id for doc in table.all())[:-KEPT]
            if old:
                table.remove(doc_ids=old)
            return number

    def recent(self, limit: int = 10) -> list[dict]:
        """The latest exports, newest first."""
        exports = self._documents.read(self._path).table("changes_exports").all()
        return sorted(exports, key=lambda doc: doc.doc_id, reverse=True)[:limit]

    def last_until(self) -> str:
        """Where the next "since the last export" starts: the end of the latest export's window ("" when none)."""
        latest = self.recent(1)
        return latest[0]["until"] if latest else ""

    def get(self, number: int) -> dict | None:
        return self._documents.read(self._path).table("changes_exports").get(doc_id=number)
