"""The portal's backups: the nightly archive (a daily job) and its rotation, the agent's download, the archives asked
by the command line of the running portal, and their journal in data/backups.json (who, when, what, pause)."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Iterator

from storage import clock as calendar
from storage.backup.archive import archive_chunks
from storage.backup.files import BackupConfig, archives, download_name, make_archive, nightly_name, rotate
from storage.backup.snapshot import take_snapshot
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.jobs.daily import SCHEDULED, DailyJob
from storage.migrations import folder_version
from storage.wording import plural

JOB_NAME = "sauvegarde"
JOURNAL_FILE = "backups.json"
log = logging.getLogger("portal")


class Backups:
    """Backups of one data folder, as its BackupConfig says."""

    def __init__(self, documents: DocumentStore, config: BackupConfig):
        self._documents = documents
        self.data_dir: Path = documents.root
        self.config = config
        self._journal_path = documents.root / JOURNAL_FILE
        self.daily_job = DailyJob(JOB_NAME, self.nightly, documents, hour=config.hour)

    def nightly(self, by: str = SCHEDULED) -> dict:
        """Tonight's archive into the backup folder (made again if asked twice on one date), then the rotation."""
        name = nightly_name(calendar.today())
        summary = make_archive(self.data_dir, self.config.folder / name, self.config, folder_version(self.data_dir))
        removed = rotate(self.config.folder, self.config.keep)
        self.note(by, "nuit", name, summary, removed=len(removed))
        log.info("Sauvegarde de la nuit : %s (%s octets, écritures suspendues %s ms) ; %s", self.config.folder / name,
                 summary["bytes"], summary["pause_ms"], plural(len(removed), "ancienne supprimée", "anciennes supprimées"))
        return {"file": name, "bytes": summary["bytes"], "pause_ms": summary["pause_ms"], "removed": len(removed)}

    def download(self, by: str) -> tuple[str, Iterator[bytes]]:
        """(file name, the archive's chunks) for the agent's download, taken now and journalled."""
        snapshot = take_snapshot(self.data_dir, left_out=(self.config.folder,))
        name = download_name(calendar.now())
        pause_ms = round(snapshot.pause_seconds * 1000, 1)
        self.note(by, "téléchargement", name, {"pause_ms": pause_ms})
        log.info("Sauvegarde téléchargée par %s (écritures suspendues %s ms)", by, pause_ms)

        def chunks() -> Iterator[bytes]:
            try:
                yield from archive_chunks(snapshot, folder_version(self.data_dir))
            finally:  # also when the browser gives up half-way
                snapshot.remove()
        return name, chunks()

    # --- journal ----------------------------------------------------------------------------------------

    def note(self, by: str, kind: str, name: str, summary: dict, **extra) -> None:
        """Journal one backup: who (the agent's login, 'portail' for the nightly one), when, what, its figures."""
        entry = {"schema": SCHEMA_VERSION, "at": calendar.now().isoformat(timespec="seconds"), "by": by, "kind": kind,
                 "file": name, "bytes": summary.get("bytes"), "pause_ms": summary.get("pause_ms"), **extra}
        with self._documents.transaction(self._journal_path) as db:
            db.table("backups").insert(entry)

    def journal(self, limit: int = 20) -> list[dict]:
        """The latest backups, newest first."""
        entries = self._documents.read(self._journal_path).table("backups").all()
        return [dict(entry) for entry in sorted(entries, key=lambda entry: entry.doc_id, reverse=True)[:limit]]

    def archives(self) -> list[dict]:
        return archives(self.config.folder)
