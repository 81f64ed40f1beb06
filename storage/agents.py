"""Town-hall agent accounts (data/agents.json): login, display name and password hash."""
from __future__ import annotations

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import now_iso
from tinydb import Query


class Agents:
    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self._path = documents.root / "agents.json"

    def get(self, login: str) -> dict | None:
        return self._documents.read(self._path).table("agents").get(Query().login == login)

    def any(self) -> bool:
        return len(self._documents.read(self._path).table("agents")) > 0

    def create(self, login: str, name: str, password_hash: str) -> None:
        with self._documents.transaction(self._path) as db:
            table = db.table("agents")
            if table.contains(Query().login == login):
                raise FileExistsError(login)
            table.insert({"schema": SCHEMA_VERSION, "login": login, "name": name,
                          "password_hash": password_hash, "password_changed_at": now_iso()})

    def set_password_hash(self, login: str, password_hash: str) -> None:
        with self._documents.transaction(self._path) as db:
            db.table("agents").update({"password_hash": password_hash, "password_changed_at": now_iso()},
                                      Query().login == login)
