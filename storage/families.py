"""Family documents: one file per family (record, account, requests, messages, audit) and one ledger file.

Reading or writing a family touches only that family's files, so its cost does not depend on how many
families the commune has.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tinydb import TinyDB

from storage import clock
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.wording import listed_name

FAMILY_ID = re.compile(r"^[0-9]{1,12}$")
RECORD_ID = 1  # the record and the account are single documents in their tables

PARENT_FIELDS = (
    "title", "last_name", "first_name", "birth_date", "address1", "address2", "postcode", "city",
    "phone_home", "phone_mobile", "phone_work", "email", "profession", "employer",
)


def now_iso() -> str:
    """The current local time as an ISO string to the second (how every document dates things)."""
    return clock.now().isoformat()


def is_family_id(value: str) -> bool:
    """True when value has the shape of a family number (also what keeps paths inside data/)."""
    return bool(value) and bool(FAMILY_ID.match(value))


def family_name(record: dict) -> str:
    """'NOM Prénom' of the account holder, as the agent lists families."""
    parent = record.get("parent1") or {}
    return listed_name(parent)


class Families:
    """Access to family files below data/families and data/ledgers."""

    def __init__(self, documents: DocumentStore):
        self.documents = documents
        self.folder = documents.root / "families"
        self.ledger_folder = documents.root / "ledgers"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.ledger_folder.mkdir(parents=True, exist_ok=True)

    def path(self, family_id: str) -> Path:
        if not is_family_id(family_id):
            raise KeyError(family_id)
        return self.folder / f"{family_id}.json"

    def ledger_path(self, family_id: str) -> Path:
        if not is_family_id(family_id):
            raise KeyError(family_id)
        return self.ledger_folder / f"{family_id}.json"

    def exists(self, family_id: str) -> bool:
        return is_family_id(family_id) and self.path(family_id).exists()

    def ids(self) -> Iterator[str]:
        """Every family number on disk."""
        for path in self.folder.glob("*.json"):
            if is_family_id(path.stem):
                yield path.stem

    def read(self, family_id: str) -> TinyDB | None:
        """A snapshot of the family's file, or None for an unknown or malformed number."""
        if not is_family_id(family_id):
            return None
        return self.documents.read_existing(self.path(family_id))

    def record(self, family_id: str) -> dict | None:
        db = self.read(family_id)
        return record_of(db) if db is not None else None

    def account(self, family_id: str) -> dict:
        """The family's login account ({} for an unknown number)."""
        db = self.read(family_id)
        return account_of(db) if db is not None else {}

    @contextmanager
    def transaction(self, family_id: str) -> Iterator[TinyDB]:
        """All-or-nothing change of one family's file, under that file's lock."""
        if not self.exists(family_id):
            raise KeyError(family_id)
        with self.documents.transaction(self.path(family_id)) as db:
            yield db

    def read_ledger(self, family_id: str) -> TinyDB:
        return self.documents.read(self.ledger_path(family_id))

    @contextmanager
    def ledger_transaction(self, family_id: str) -> Iterator[TinyDB]:
        if not self.exists(family_id):
            raise KeyError(family_id)
        with self.documents.transaction(self.ledger_path(family_id)) as db:
            yield db

    def create(self, family_id: str, record: dict, password_hash: str, active: bool = True,
               temporary_password: bool = False, password_link: dict | None = None,
               documents: dict[str, dict] | None = None) -> None:
        """Store a new family and its account (with its link to choose a password, if any); refuses a number
        already in use. documents: other single documents of the family file, by table (the import's baseline)."""
        path = self.path(family_id)
        with self.documents.transaction(path) as db:
            if db.table("record").contains(doc_id=RECORD_ID):
                raise FileExistsError(family_id)
            record = dict(record, schema=SCHEMA_VERSION, family_id=family_id)
            record.setdefault("created_at", now_iso())
            db.table("record").insert(_with_id(record))
            db.table("account").insert(_with_id({
                "schema": SCHEMA_VERSION, "password_hash": password_hash, "active": active,
                "password_changed_at": now_iso(), "temporary_password": temporary_password,
                "password_link": password_link,
            }))
            for table, document in (documents or {}).items():
                db.table(table).insert(_with_id(dict(document, schema=SCHEMA_VERSION)))


def _with_id(document: dict):
    from tinydb.table import Document
    return Document(document, doc_id=RECORD_ID)


def record_of(db: TinyDB) -> dict:
    """The family record held in a family file."""
    return db.table("record").get(doc_id=RECORD_ID) or {}


def account_of(db: TinyDB) -> dict:
    """The family's login account held in its file."""
    return db.table("account").get(doc_id=RECORD_ID) or {}


def child_by_id(record: dict, child_id: str) -> dict | None:
    """The family's own child with that id (ids from URLs are only looked up inside the family)."""
    return next((c for c in record.get("children", []) if str(c.get("id")) == str(child_id)), None)



def set_family_password(families: Families, family_id: str, password_hash: str, *, temporary: bool = False) -> None:
    """Replace the family's password hash (the caller ends the family's other sessions); a link to choose a password
    that was still waiting no longer works."""
    with families.transaction(family_id) as db:
        db.table("account").update({"password_hash": password_hash, "password_changed_at": now_iso(),
                                    "temporary_password": temporary, "password_link": None}, doc_ids=[RECORD_ID])


def set_family_active(families: Families, family_id: str, active: bool) -> None:
    """Allow or forbid the family's logins; its data is kept either way (deactivated_at starts its retention period)."""
    with families.transaction(family_id) as db:
        db.table("account").update({"active": active, "deactivated_at": None if active else now_iso()},
                                   doc_ids=[RECORD_ID])
