"""Commune-wide numbers: invoice numbers (unique in the commune) and new family numbers.

data/numbers.json keeps only the sequences (the last invoice number given per year, the last family number);
which family each invoice number belongs to is in the sharded register of storage/invoice_numbers.py. So a
reservation rewrites two small files, whatever the number of invoices issued in the commune's history.

Crash safety: numbers are recorded in the register before numbers.json moves the sequence on, and both before
a number is handed out. A crash in between leaves numbers recorded but never handed out: the next reservation
skips them (they are taken), so a number is never issued twice; at worst one stays unused. Numbers are
reserved before the invoices are written, for the same reason.
"""
from __future__ import annotations

import logging
import threading

from tinydb.table import Document

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import Families
from storage.invoice_numbers import InvoiceNumberRegister
from storage.wording import plural

log = logging.getLogger("portal")


class Numbers:
    def __init__(self, documents: DocumentStore, families: Families):
        self._documents = documents
        self._families = families
        self._path = documents.root / "numbers.json"
        self._lock = threading.Lock()
        self._register = InvoiceNumberRegister(documents)
        state = documents.read(self._path).table("numbers").get(doc_id=1) or {}
        self._sequences: dict[str, int] = dict(state.get("sequences", {}))
        if state.get("invoices"):
            self._migrate(state["invoices"])

    def _migrate(self, invoices: dict[str, str]) -> None:
        """Move the numbers that an older numbers.json kept in itself into the register (safe to redo)."""
        self._register.record(invoices)
        self._save()
        log.info("numbers.json: %d invoice numbers moved to %s/", len(invoices), self._register.folder.name)

    def invoice_owner(self, number: str) -> str | None:
        """The family an invoice number belongs to, or None when it is free."""
        with self._lock:
            return self._register.owner(number)

    def reserve_invoices(self, numbers: dict[str, str]) -> None:
        """Reserve invoice numbers (number -> family) all at once; refuses if one is another family's."""
        with self._lock:
            taken = [n for n, family in numbers.items() if self._register.owner(n) not in (None, family)]
            if taken:
                words = plural(len(taken), "Numéro de facture déjà utilisé", "Numéros de facture déjà utilisés",
                               with_count=False)
                raise ValueError(f"{words} : " + ", ".join(sorted(taken)))
            new = {n: family for n, family in numbers.items() if self._register.owner(n) is None}
            if new:
                self._register.record(new)

    def next_invoice_number(self, year: int, family_id: str) -> str:
        """A new invoice number 'F2026-000123', reserved for family_id."""
        return self.next_invoice_numbers(year, [family_id])[0]

    def next_invoice_numbers(self, year: int, family_ids: list[str]) -> list[str]:
        """New invoice numbers, one per family given, reserved together (the billing run's batch)."""
        with self._lock:
            key = f"invoice:{year}"
            sequence = self._sequences.get(key, 0)
            reserved: dict[str, str] = {}
            for family_id in family_ids:
                while True:
                    sequence += 1
                    number = f"F{year}-{sequence:06d}"
                    if self._register.owner(number) is None:  # imported or typed in with that number: skip it
                        break
                reserved[number] = family_id
            self._register.record(reserved)  # first: once recorded, a number can never be given again
            self._sequences[key] = sequence
            self._save()
            return list(reserved)

    def next_family_number(self) -> str:
        """A family number not in use yet (after the highest one on disk)."""
        with self._lock:
            highest = max((int(f) for f in self._families.ids()), default=770400000)
            number = max(highest, self._sequences.get("family", 0)) + 10
            self._sequences["family"] = number
            self._save()
            return str(number)

    def keep_family_number_reserved(self, family_id: str) -> None:
        """Before a family's files are deleted (storage/retention/): its number is never given again, although it is
        no longer on disk."""
        with self._lock:
            if int(family_id) > self._sequences.get("family", 0):
                self._sequences["family"] = int(family_id)
                self._save()

    def _save(self) -> None:
        with self._documents.transaction(self._path) as db:
            table = db.table("numbers")
            table.truncate()  # replaces the whole document (upsert would keep an older shape's "invoices")
            table.insert(Document({"schema": SCHEMA_VERSION, "sequences": self._sequences}, doc_id=1))
