"""What the family's home page and its list of invoices show of its account (the solde, the invoices of the last
months with their figures, how many are older), kept per version of the ledger file: the two most visited money
pages then read and sum no ledger while nothing changed. After five years a ledger holds some 60 invoices and 60
payments, and reading and summing them was half of those pages' CPU.

A version is the file's (inode, mtime_ns, size): every write replaces the whole file (storage/atomic.py), so a
written ledger has a new key and its summary is computed again. A summary is kept only when the key was the same
before and after computing it (a write in between leaves nothing stale). Summaries are immutable; at most
MAX_ENTRIES are kept (a few KB each), the least recently used going first.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from storage.families import Families
from storage.ledger import AccountFigures, InvoiceFigures, account_figures

MAX_ENTRIES = 2_000  # the families active in the same hours; a few MB


@dataclass(frozen=True)
class InvoiceRow:
    """One invoice as the pages list it."""
    doc_id: int
    number: str
    period: str     # "2026-11"
    issued_on: str  # ISO day
    due_on: str     # ISO day
    figures: InvoiceFigures


@dataclass(frozen=True)
class AccountSummary:
    balance_cents: int
    since: str                     # ISO day: the window of `recent`
    recent: tuple[InvoiceRow, ...]  # the invoices issued since that day, newest first
    latest: InvoiceRow | None       # the newest invoice, however old
    older: int                      # how many invoices were issued before that day


def invoice_rows(figures: AccountFigures, since: str = "") -> tuple[InvoiceRow, ...]:
    """The invoices issued since that day ("" for all), newest first, with their figures."""
    return tuple(InvoiceRow(doc.doc_id, doc["number"], doc["period"], doc["issued_on"], doc["due_on"],
                            figures.invoices[doc["number"]])
                 for doc in figures.newest_first if doc["issued_on"] >= since)


def summarise(ledger, since: str) -> AccountSummary:
    """The summary of one reading of a ledger (account_figures: the same money words as every page)."""
    figures = account_figures(ledger)
    recent = invoice_rows(figures, since)
    newest = figures.newest_first[:1]
    latest = recent[0] if recent else (invoice_rows(figures)[0] if newest else None)
    return AccountSummary(figures.balance_cents, since, recent, latest, len(figures.newest_first) - len(recent))


def _version(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


class AccountSummaries:
    """family -> its AccountSummary, computed again only when its ledger file changed (or the window moved)."""

    def __init__(self, families: Families, max_entries: int = MAX_ENTRIES):
        self._families = families
        self._max_entries = max_entries
        self._entries: OrderedDict[Path, tuple[tuple, AccountSummary]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, family_id: str, since: str) -> AccountSummary:
        path = self._families.ledger_path(family_id)
        version = _version(path)
        key = (version, since)
        with self._lock:
            entry = self._entries.get(path)
            if version is not None and entry is not None and entry[0] == key:
                self._entries.move_to_end(path)
                return entry[1]
        summary = summarise(self._families.read_ledger(family_id), since)
        if version is not None and _version(path) == version:
            with self._lock:
                self._entries[path] = (key, summary)
                self._entries.move_to_end(path)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return summary
