"""What the retention rules work on: the commune's stores, one family's files (FamilyData), the cut-off days of a run
(Limits), and the shape of a rule."""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from tinydb import TinyDB
from tinydb.table import Document, Table

from storage.counters import Numbers
from storage.families import RECORD_ID, Families
from storage.index import FamilyIndex
from storage.mail.outbox import Outbox
from storage.photos import FamilyFiles
from storage.preregistrations import Preregistrations
from storage.sessions import SessionStore

UPLOAD_GRACE_SECONDS = 3600  # a photo is saved just before its request is written: never take a file that young


@dataclass(frozen=True)
class Limits:
    """What one run (or preview) compares dates with: the cut-off day of each period, and now."""
    today: date
    now: str                 # local ISO time, for the marks the purge leaves (anonymised_at…)
    timestamp: float         # the calendar clock's instant: expiry of password links
    before: dict[str, str]   # period key -> ISO day; data dated before it goes
    upload_grace_ts: float = field(default_factory=lambda: time.time() - UPLOAD_GRACE_SECONDS)  # files' mtimes


@dataclass(frozen=True)
class Stores:
    """The commune's stores the rules read and change."""
    families: Families
    index: FamilyIndex
    numbers: Numbers
    photos: FamilyFiles
    certificates: FamilyFiles
    pieces: FamilyFiles  # supporting documents of requests and the family's pièces (storage/pieces/)
    outbox: Outbox
    sessions: SessionStore
    preregistrations: Preregistrations


@dataclass
class FamilyData:
    """One family as the family rules see it, and what they leave to do once its files are written. Its ledger is read
    (or its transaction opened) only when a rule asks for it: most families' rules never do."""
    family_id: str
    db: TinyDB
    open_ledger: Callable[[], TinyDB]
    stores: Stores
    doomed_files: list[tuple[FamilyFiles, str]] = field(default_factory=list)
    doomed_mails: list[tuple[str, str]] = field(default_factory=list)  # (status, mail id)
    doomed_preregistrations: list[int] = field(default_factory=list)
    closed: str = ""  # ANONYMISED or DELETED: no other rule looks at the family
    also_counted: Counter = field(default_factory=Counter)  # kinds besides the rule's own (a closed family's mails)

    _ledger: TinyDB | None = None

    @property
    def ledger(self) -> TinyDB:
        if self._ledger is None:
            self._ledger = self.open_ledger()
        return self._ledger

    @property
    def uploads(self) -> tuple[FamilyFiles, ...]:
        return self.stores.photos, self.stores.certificates, self.stores.pieces


@dataclass(frozen=True)
class FamilyRule:
    kind: str
    apply: Callable[[FamilyData, Limits], int]


@dataclass(frozen=True)
class CommuneRule:
    kind: str
    apply: Callable[[Stores, Limits, bool], int]  # (stores, limits, dry_run) -> how many


def replace_single(table: Table, document: dict) -> None:
    """Make document the table's single document (TinyDB's update cannot remove fields)."""
    table.truncate()
    table.insert(Document(document, doc_id=RECORD_ID))



def local_midnight(day: str) -> float:
    """The instant a local ISO day starts."""
    return datetime.fromisoformat(day).timestamp()
