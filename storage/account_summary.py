"""What the family's home page shows of its account (the solde, the newest invoice and its figures), kept per
version of the ledger file: the most visited page then reads and sums no ledger while nothing changed. After five
years a ledger holds some 60 invoices and 60 payments, and summing them was half of the home page's CPU.

A version is the file's (inode, mtime_ns, size): every write replaces the whole file (storage/atomic.py), so a
written ledger has a new key and its summary is computed again. A summary is kept only when the key was the same
before and after computing it (a write in between leaves nothing stale). Summaries are immutable; at most
MAX_ENTRIES are kept, the least recently used going first.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from storage.families import Families
from storage.ledger import InvoiceFigures, account_figures

MAX_ENTRIES = 20_000  # a few hundred bytes each: a town of 10,000 families fits, in a few MB


@dataclass(frozen=True)
class LatestInvoice:
    doc_id: int
    period: str   # "2026-11"
    due_on: str   # ISO day
    figures: InvoiceFigures


@dataclass(frozen=True)
class AccountSummary:
    balance_cents: int
    latest: LatestInvoice | None


def summarise(ledger) -> AccountSummary:
    """The summary of one reading of a ledger (account_figures: the same money words as every page)."""
    figures = account_figures(ledger)
    if not figures.newest_first:
        return AccountSummary(figures.balance_cents, None)
    newest = figures.newest_first[0]
    return AccountSummary(figures.balance_cents, LatestInvoice(newest.doc_id, newest["period"], newest["due_on"],
                                                               figures.invoices[newest["number"]]))


def _version(path: Path) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return found.st_ino, found.st_mtime_ns, found.st_size


class AccountSummaries:
    """family -> its AccountSummary, computed again only when its ledger file changed; thread-safe."""

    def __init__(self, families: Families, max_entries: int = MAX_ENTRIES):
        self._families = families
        self._max_entries = max_entries
        self._entries: OrderedDict[Path, tuple[tuple, AccountSummary]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, family_id: str) -> AccountSummary:
        path = self._families.ledger_path(family_id)
        version = _version(path)
        with self._lock:
            entry = self._entries.get(path)
            if version is not None and entry is not None and entry[0] == version:
                self._entries.move_to_end(path)
                return entry[1]
        summary = summarise(self._families.read_ledger(family_id))
        if version is not None and _version(path) == version:
            with self._lock:
                self._entries[path] = (version, summary)
                self._entries.move_to_end(path)
                while len(self._entries) > self._max_entries:
                    self._entries.popitem(last=False)
        return summary
