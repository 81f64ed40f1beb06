"""The daily purge of data kept longer than allowed: its preview, its run and its journal.

preview() applies every rule to snapshots (nothing is written) and counts per kind what a run would remove today;
run() applies the same rules for real: first, read-only, to find the families concerned, then again inside the
transactions of each such family's two files, so that a concurrent change is never lost. The run is idempotent: a
second one on the same day finds nothing more. Every run that removes something is journalled in data/purges.json
and in the "portal" logger, with counts only, never contents. The purge is a DailyJob (storage/jobs/daily.py) that
create_app registers with the portal's other background jobs.
"""
from __future__ import annotations

import logging
import threading
from collections import Counter
from contextlib import ExitStack
from pathlib import Path

from storage import clock as calendar
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.jobs.daily import SCHEDULED, DailyJob
from storage.retention.periods import HOUR_KEY, cutoffs, retention_values
from storage.retention.inactive_families import DELETED
from storage.retention.rules import COMMUNE_RULES, KINDS, apply_family_rules, remove_empty_folder
from storage.retention.scope import FamilyData, Limits, Stores

JOB_NAME = "conservation"
JOURNAL_FILE = "purges.json"
log = logging.getLogger("portal")


def describe(counts: dict) -> str:
    """'Conversations : 3 ; Familles anonymisées : 1' in the order of KINDS, or 'rien à supprimer'."""
    parts = [f"{kind.label} : {counts[kind.key]}" for kind in KINDS if counts.get(kind.key)]
    return " ; ".join(parts) if parts else "rien à supprimer"


def when_texts(limits: Limits) -> dict[str, str]:
    """Kind -> when it goes, in French, with the cut-off days of these limits."""
    days = {key: "/".join(reversed(day.split("-"))) for key, day in limits.before.items()}
    return {kind.key: kind.when.format(**days) for kind in KINDS}


class Retention:
    """The purge over one data folder's stores, as the settings' periods say."""

    def __init__(self, documents: DocumentStore, stores: Stores, settings):
        self._documents = documents
        self._journal_path: Path = documents.root / JOURNAL_FILE
        self.stores = stores
        self._settings = settings
        self._running = threading.Lock()
        self.daily_job = DailyJob(JOB_NAME, self.run, documents, hour=lambda: self.periods()[HOUR_KEY])

    def periods(self) -> dict:
        return retention_values(self._settings)

    def limits(self) -> Limits:
        """Today's cut-off days for the periods in force."""
        today = calendar.today()
        return Limits(today=today, now=calendar.now().isoformat(), timestamp=calendar.timestamp(),
                      before=cutoffs(today, self.periods()))

    # --- preview and run --------------------------------------------------------------------------------

    def preview(self, limits: Limits | None = None) -> dict[str, int]:
        """Kind -> how many things a run would remove now (nothing is changed)."""
        limits = limits or self.limits()
        counts: Counter = Counter()
        for family_id in sorted(self.stores.families.ids()):
            counts += self._guarded(family_id, self._family_snapshot, limits)
        for rule in COMMUNE_RULES:
            counts[rule.kind] += rule.apply(self.stores, limits, True)
        return {kind.key: counts[kind.key] for kind in KINDS if counts[kind.key]}

    def run(self, by: str = SCHEDULED) -> dict[str, int]:
        """Remove or anonymise what is kept too long; journal and log the counts. by: who asked (the agent's login, or
        the daily job). Use run_now() to have it count as the day's run."""
        with self._running:
            limits = self.limits()
            counts: Counter = Counter()
            for family_id in sorted(self.stores.families.ids()):
                if self._guarded(family_id, self._family_snapshot, limits):
                    counts += self._guarded(family_id, self._purge_family, limits)
            for rule in COMMUNE_RULES:
                counts[rule.kind] += rule.apply(self.stores, limits, False)
            counts = {kind.key: counts[kind.key] for kind in KINDS if counts[kind.key]}
            if counts:
                self._journal(by, counts)
            log.info("Conservation des données (passage %s) : %s",
                     "quotidien" if by == SCHEDULED else f"demandé par {by}", describe(counts))
            return counts

    def run_now(self, by: str) -> dict[str, int]:
        """Run at once for the agent; it counts as the day's run of the daily job."""
        return self.daily_job.run_now(by)

    @staticmethod
    def _guarded(family_id: str, step, limits: Limits) -> Counter:
        """step(family_id, limits); a family whose files cannot be read or purged is logged and left for the next run,
        so that one damaged file never stops the purge of the others."""
        try:
            return step(family_id, limits)
        except Exception:
            log.exception("Conservation des données : la famille %s n'a pas pu être traitée", family_id)
            return Counter()

    def _family_snapshot(self, family_id: str, limits: Limits) -> Counter:
        """What the rules would remove from the family now, on snapshots of its files (nothing is written)."""
        families = self.stores.families
        db = families.read(family_id)
        if db is None:  # deleted meanwhile
            return Counter()
        return apply_family_rules(FamilyData(family_id, db, lambda: families.read_ledger(family_id), self.stores),
                                  limits)

    def _purge_family(self, family_id: str, limits: Limits) -> Counter:
        """The rules again, inside the family's two transactions; then what they leave to do once it is written."""
        stores = self.stores
        families = stores.families
        if not families.exists(family_id):  # runs are one at a time: only another process could have deleted it
            return Counter()
        with ExitStack() as transactions:  # the family's file, then its ledger if a rule asks for it: one lock order
            db = transactions.enter_context(families.transaction(family_id))
            data = FamilyData(family_id, db,
                              lambda: transactions.enter_context(families.ledger_transaction(family_id)), stores)
            counts = apply_family_rules(data, limits)
            if data.closed == DELETED:  # nothing was changed in these files: no write follows their removal
                stores.numbers.keep_family_number_reserved(family_id)
                families.ledger_path(family_id).unlink(missing_ok=True)
                families.path(family_id).unlink()
        for files, name in data.doomed_files:
            files.delete(family_id, name)
        if data.closed:
            for files in data.uploads:
                remove_empty_folder(files, family_id)
            for status in ("sent", "failed"):
                stores.outbox.delete(status, [mail_id for kind, mail_id in data.doomed_mails if kind == status])
            stores.preregistrations.forget(data.doomed_preregistrations)
            stores.sessions.end_all("family", family_id)
        if data.closed == DELETED:
            stores.index.forget(family_id)
        return counts

    # --- journal ----------------------------------------------------------------------------------------------

    def _journal(self, by: str, counts: dict) -> None:
        with self._documents.transaction(self._journal_path) as db:
            db.table("purges").insert({"schema": SCHEMA_VERSION, "at": calendar.now().isoformat(), "by": by,
                                       "counts": counts})

    def journal(self, limit: int = 20) -> list[dict]:
        """The latest purges, newest first: {at, by, counts, summary}."""
        entries = self._documents.read(self._journal_path).table("purges").all()
        newest = sorted(entries, key=lambda entry: entry.doc_id, reverse=True)[:limit]
        return [dict(entry, summary=describe(entry.get("counts") or {}),
                     by_label="le portail (passage quotidien)" if entry.get("by") == SCHEDULED else entry.get("by", ""))
                for entry in newest]

