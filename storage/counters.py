"""Commune-wide numbers: invoice numbers (unique in the commune) and new family numbers.

data/numbers.json keeps every invoice number in use with its family, and the sequences. Numbers are
reserved before the invoices are written, so a crash in between leaves at worst an unused number.
"""
from __future__ import annotations

import threading

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import Families


class Numbers:
    def __init__(self, documents: DocumentStore, families: Families):
        self._documents = documents
        self._families = families
        self._path = documents.root / "numbers.json"
        self._lock = threading.Lock()
        state = documents.read(self._path).table("numbers").get(doc_id=1) or {}
        self._invoices: dict[str, str] = dict(state.get("invoices", {}))
        self._sequences: dict[str, int] = dict(state.get("sequences", {}))

    def invoice_owner(self, number: str) -> str | None:
        """The family an invoice number belongs to, or None when it is free."""
        return self._invoices.get(number)

    def reserve_invoices(self, numbers: dict[str, str]) -> None:
        """Reserve invoice numbers (number -> family) all at once; refuses if one is another family's."""
        with self._lock:
            taken = [n for n, family in numbers.items() if self._invoices.get(n, family) != family]
            if taken:
                raise ValueError("Numéro(s) de facture déjà utilisé(s) : " + ", ".join(sorted(taken)))
            self._invoices.update(numbers)
            self._save()

    def next_invoice_number(self, year: int, family_id: str) -> str:
        """A new invoice number 'F2026-000123', reserved for family_id."""
        return self.next_invoice_numbers(year, [family_id])[0]

    def next_invoice_numbers(self, year: int, family_ids: list[str]) -> list[str]:
        """New invoice numbers, one per family given, reserved in one write (the billing run's batch)."""
        with self._lock:
            key = f"invoice:{year}"
            numbers = []
            for family_id in family_ids:
                while True:
                    self._sequences[key] = self._sequences.get(key, 0) + 1
                    number = f"F{year}-{self._sequences[key]:06d}"
                    if number not in self._invoices:
                        break
                self._invoices[number] = family_id
                numbers.append(number)
            self._save()
            return numbers

    def next_family_number(self) -> str:
        """A family number not in use yet (after the highest one on disk)."""
        with self._lock:
            highest = max((int(f) for f in self._families.ids()), default=770400000)
            number = max(highest, self._sequences.get("family", 0)) + 10
            self._sequences["family"] = number
            self._save()
            return str(number)

    def _save(self) -> None:
        from tinydb.table import Document
        with self._documents.transaction(self._path) as db:
            db.table("numbers").upsert(Document(
                {"schema": SCHEMA_VERSION, "invoices": self._invoices, "sequences": self._sequences}, doc_id=1))
