"""Pre-registrations (fiche de pré-inscription) sent by new families without an account.

They wait in data/preregistrations.json until the agent validates one, which creates the family, its
children and its login account, or cancels it.
"""
from __future__ import annotations

import threading
from contextlib import contextmanager
from datetime import date

from storage.counters import Numbers
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.accounts.access import Access, prepare_access
from storage.accounts.password_links import ACCOUNT_OPENED
from storage.families import RECORD_ID, Families, now_iso
from storage.fields import Field, clean_form
from storage.pieces.checks import Piece
from storage.pieces.preregistration import (delete_preregistration_pieces, keep_preregistration_pieces,
                                            store_preregistration_pieces)
from storage.sections import CHILD_IDENTITY as BIRTH_IDENTITY
from storage.sections import SECTIONS, clean_section

CHILD_ROWS = 4
CHILD_IDENTITY = BIRTH_IDENTITY + (Field("school", "École"), Field("class_name", "Classe", max_length=40))
MESSAGE = Field("message", "Message pour la mairie (facultatif)", "textarea", max_length=2000)
RETENTION_AUTHOR = "le portail (durée de conservation)"  # who the deletions journal names for the daily purge


def _sub(form: dict, prefix: str) -> dict:
    return {key[len(prefix):]: value for key, value in form.items() if key.startswith(prefix)}


def clean_preregistration(form: dict, today: date | None = None) -> tuple[dict, dict]:
    """(clean pre-registration, errors keyed by form field name) from the public form."""
    errors = {}
    parent1, parent1_errors = clean_section(SECTIONS["parent1"], _sub(form, "p1_"), {}, today)
    errors.update({"p1_" + k: v for k, v in parent1_errors.items()})
    if not parent1.get("email") and "email" not in parent1_errors:
        errors["p1_email"] = "Indiquez une adresse e-mail : la mairie l'utilisera pour vous répondre."
    raw_parent2 = _sub(form, "p2_")
    parent2 = None
    if any(isinstance(v, str) and v.strip() for v in raw_parent2.values()):
        parent2, parent2_errors = clean_section(SECTIONS["parent2"], raw_parent2, {}, today)
        errors.update({"p2_" + k: v for k, v in parent2_errors.items()})
    children = []
    for index in range(CHILD_ROWS):
        raw = _sub(form, f"c{index}_")
        if not any(isinstance(v, str) and v.strip() for v in raw.values()):
            continue
        child, child_errors = clean_form(CHILD_IDENTITY, raw, today)
        errors.update({f"c{index}_{k}": v for k, v in child_errors.items()})
        children.append(child)
    if not children and not any(k.startswith("c") for k in errors):
        errors["c0_first_name"] = "Indiquez au moins un enfant."
    message, message_error = clean_form((MESSAGE,), form)
    errors.update(message_error)
    return {"parent1": parent1, "parent2": parent2, "children": children, "message": message["message"]}, errors


def family_record_from(people: dict) -> dict:
    """A family record (parents and children as the pre-registration form gives them)."""
    children = [dict(id=i + 1, first_name=c["first_name"], last_name=c["last_name"].upper(),
                     birth_date=c["birth_date"], sex=c["sex"], photo=None,
                     extra={"school": c.get("school", ""), "class_name": c.get("class_name", "")}, health={})
                for i, c in enumerate(people["children"])]
    return {"parent1": people["parent1"], "parent2": people["parent2"], "tax": {}, "caf": {}, "bank": {},
            "persons": [], "children": children}


def create_family_account(families: Families, numbers: Numbers, people: dict) -> Access:
    """Create a family and its login account under a new number; returns how the family gets in (a link for the
    mail, or a temporary password that is not kept anywhere in clear)."""
    return open_family_account(families, numbers.next_family_number(), people)


def open_family_account(families: Families, family_id: str, people: dict) -> Access:
    """Create the family under family_id with its access (storage/accounts/access.py), returned; if an interrupted
    validation already created it, give it a new access instead (the first one was never handed over)."""
    record = family_record_from(people)
    access, fields = prepare_access(family_id, record, ACCOUNT_OPENED)
    if families.exists(family_id):
        with families.transaction(family_id) as db:
            db.table("account").update(dict(fields, password_changed_at=now_iso()), doc_ids=[RECORD_ID])
    else:
        families.create(family_id, record, fields["password_hash"], temporary_password=fields["temporary_password"],
                        password_link=fields["password_link"])
    return access


def _next_number(db) -> int:
    """A number never given before, not even to a deleted pre-registration (the journal names deleted numbers)."""
    present = (doc.doc_id for doc in db.table("preregistrations").all())
    deleted = (max(entry["ids"]) for entry in db.table("deletions").all() if entry.get("ids"))
    return max(max(present, default=0), max(deleted, default=0)) + 1


class Preregistrations:
    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self._path = documents.root / "preregistrations.json"
        self._validating = threading.Lock()  # one validation at a time: its steps span several files

    def submit(self, clean: dict, pieces: list[Piece] = (), pieces_field: str = "") -> int:
        """Store a pre-registration with its documents (PieceRefused on pieces_field when too many wait)."""
        from tinydb.table import Document
        with self._documents.transaction(self._path) as db:
            table, number = db.table("preregistrations"), _next_number(db)
            pending = [doc for doc in table.all() if doc["status"] == "pending"]
            documents = store_preregistration_pieces(self._documents.root, number, pending, list(pieces), pieces_field)
            return table.insert(Document(dict(
                clean, schema=SCHEMA_VERSION, status="pending", created_at=now_iso(), decided_at=None,
                decided_by=None, reason="", family_id=None, **({"documents": documents} if documents else {})),
                doc_id=number))

    def all(self) -> list[dict]:
        return sorted(self._documents.read(self._path).table("preregistrations").all(), key=lambda d: d.doc_id,
                      reverse=True)

    def pending(self) -> list[dict]:
        """Pending pre-registrations, newest first."""
        return [d for d in self.all() if d["status"] == "pending"]

    def get(self, preregistration_id: int) -> dict | None:
        return self._documents.read(self._path).table("preregistrations").get(doc_id=preregistration_id)

    @contextmanager
    def _decision(self, preregistration_id: int):
        """Under the file's lock: the table, and the pre-registration if it is still pending (else None)."""
        with self._documents.transaction(self._path) as db:
            table = db.table("preregistrations")
            doc = table.get(doc_id=preregistration_id)
            if doc is None:
                raise KeyError(preregistration_id)
            yield table, doc if doc["status"] == "pending" else None

    def validate(self, preregistration_id: int, agent: str, families: Families, numbers: Numbers) -> Access | None:
        """Create the family and its account; returns its Access (a link to mail, or a temporary password), None if
        already decided.

        Idempotent: the family number is reserved and written on the pre-registration before the family is created,
        so a validation interrupted after creating the family (a crash, a full disk) is finished by the next one,
        which finds the number and completes that family instead of creating a second one."""
        with self._validating:
            reserved = self._reserve_family_number(preregistration_id, numbers)
            if reserved is None:
                return None
            family_id, doc = reserved
            access = open_family_account(families, family_id, doc)
            keep_preregistration_pieces(families, family_id, preregistration_id, doc, agent, now_iso())
            self._mark_validated(preregistration_id, agent)
        return access

    def _reserve_family_number(self, preregistration_id: int, numbers: Numbers) -> tuple[str, dict] | None:
        """(the family number of this pre-registration, reserved now or by an interrupted validation, the document);
        None when it is no longer pending."""
        with self._decision(preregistration_id) as (table, doc):
            if doc is None:
                return None
            family_id = doc.get("family_id")
            if not family_id:
                family_id = numbers.next_family_number()
                table.update({"family_id": family_id}, doc_ids=[preregistration_id])
            return family_id, dict(doc)

    def _mark_validated(self, preregistration_id: int, agent: str) -> None:
        with self._decision(preregistration_id) as (table, doc):
            if doc is not None:
                table.update({"status": "validated", "decided_at": now_iso(), "decided_by": agent},
                             doc_ids=[preregistration_id])

    def cancel(self, preregistration_id: int, agent: str, reason: str) -> bool:
        """Close a pending pre-registration with the agent's reason; False if it was already decided or its
        validation has begun (a family number is reserved: validating again finishes it)."""
        with self._decision(preregistration_id) as (table, doc):
            if doc is None or doc.get("family_id"):
                return False
            table.update({"status": "cancelled", "decided_at": now_iso(), "decided_by": agent, "reason": reason},
                         doc_ids=[preregistration_id])
            documents = doc.get("documents") or []
        delete_preregistration_pieces(self._documents.root, preregistration_id, documents)
        return True

    def delete_pending(self, preregistration_ids: list[int], agent: str) -> list[int]:
        """Delete those of the given pre-registrations that are pending and not being validated (junk sent to the
        public form), and journal the deletion; returns the ids deleted."""
        with self._documents.transaction(self._path) as db:
            table = db.table("preregistrations")
            chosen = {doc.doc_id: doc for doc in (table.get(doc_id=i) for i in preregistration_ids)
                      if doc is not None and doc["status"] == "pending" and not doc.get("family_id")}
            deleted = sorted(chosen)
            if deleted:
                table.remove(doc_ids=deleted)
                db.table("deletions").insert({"schema": SCHEMA_VERSION, "at": now_iso(), "by": agent,
                                              "count": len(deleted), "ids": deleted})
        for number, doc in chosen.items():
            delete_preregistration_pieces(self._documents.root, number, doc.get("documents") or [])
        return deleted

    # --- retention (storage/retention/) -------------------------------------------------------------------

    def decided_before(self, day: str) -> list[int]:
        """Ids of the pre-registrations validated or cancelled before day (ISO)."""
        return sorted(doc.doc_id for doc in self._documents.read(self._path).table("preregistrations").all()
                      if doc["status"] != "pending" and (doc.get("decided_at") or "") < day)

    def decided_of_family(self, family_id: str, since: str = "") -> list[int]:
        """Ids of the validated pre-registrations that created this family, decided on or after since (ISO day)."""
        return sorted(doc.doc_id for doc in self._documents.read(self._path).table("preregistrations").all()
                      if doc["status"] != "pending" and doc.get("family_id") == family_id
                      and (doc.get("decided_at") or "") >= since)

    def forget(self, preregistration_ids: list[int]) -> list[int]:
        """Delete decided pre-registrations whose retention period is over (never a pending one), journalled like the
        agent's deletions (their numbers are never given again); returns the ids deleted."""
        with self._documents.transaction(self._path) as db:
            table = db.table("preregistrations")
            deleted = sorted({doc.doc_id for doc in (table.get(doc_id=i) for i in preregistration_ids)
                              if doc is not None and doc["status"] != "pending"})
            if deleted:
                table.remove(doc_ids=deleted)
                db.table("deletions").insert({"schema": SCHEMA_VERSION, "at": now_iso(), "by": RETENTION_AUTHOR,
                                              "count": len(deleted), "ids": deleted})
        return deleted

    def recent_deletions(self, limit: int = 10) -> list[dict]:
        """The latest deletions (who, when, how many, which numbers), newest first."""
        deletions = self._documents.read(self._path).table("deletions").all()
        return sorted(deletions, key=lambda d: d.doc_id, reverse=True)[:limit]
