"""Where backups go and what they are called: the backup folder (beside the data folder by default), the archives'
names, making one archive from a data folder, and the nightly rotation that keeps the latest N."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from storage import clock
from storage.backup.archive import write_archive
from storage.backup.snapshot import take_snapshot

DEFAULT_KEEP = 14
DEFAULT_HOUR = 2  # at night, before the retention purge (3 h by default) and the 6 h notices
NIGHTLY = re.compile(r"^sauvegarde-([0-9]{4}-[0-9]{2}-[0-9]{2})\.tar\.gz$")
ARCHIVE_SUFFIX = ".tar.gz"


@dataclass(frozen=True)
class BackupConfig:
    """folder: where archives go; keep: how many nightly archives are kept; hour: when the nightly one is made."""

    folder: Path
    keep: int = DEFAULT_KEEP
    hour: int = DEFAULT_HOUR


def backup_config(data_dir: Path, given: dict | None = None) -> BackupConfig:
    """The configuration given at start-up (--backup-dir, --backup-keep or their PORTAL_BACKUP_* variables), else
    `<data folder>-sauvegardes` beside the data folder, 14 nights, at 2 h."""
    given = given or {}
    data_dir = Path(data_dir).resolve()
    folder = Path(given.get("folder") or data_dir.parent / f"{data_dir.name}-sauvegardes").resolve()
    return BackupConfig(folder, int(given.get("keep") or DEFAULT_KEEP), int(given.get("hour", DEFAULT_HOUR)))


def nightly_name(day: date) -> str:
    return f"sauvegarde-{day.isoformat()}{ARCHIVE_SUFFIX}"


def download_name(now: datetime) -> str:
    return f"sauvegarde-{now.strftime('%Y-%m-%d-%Hh%M')}{ARCHIVE_SUFFIX}"


def before_upgrade_name(from_version: int, to_version: int) -> str:
    return f"avant-mise-a-jour-v{from_version}-v{to_version}-{clock.now().strftime('%Y-%m-%d-%Hh%M%S')}" \
           f"{ARCHIVE_SUFFIX}"


def make_archive(data_dir: Path, target: Path, config: BackupConfig, schema_version: int) -> dict:
    """Snapshot data_dir and write its archive to target; returns {files, data_bytes, bytes, pause_ms}."""
    target.parent.mkdir(parents=True, exist_ok=True)
    snapshot = take_snapshot(data_dir, left_out=(config.folder,))
    try:
        summary = write_archive(snapshot, target, schema_version)
    finally:
        snapshot.remove()
    return dict(summary, pause_ms=round(snapshot.pause_seconds * 1000, 1))


def archives(folder: Path) -> list[dict]:
    """The archives in the backup folder, newest first: {name, bytes, modified (timestamp)}."""
    try:
        entries = [entry for entry in os.scandir(folder)
                   if entry.name.endswith(ARCHIVE_SUFFIX) and not entry.name.startswith(".") and entry.is_file()]
    except FileNotFoundError:
        return []
    found = [{"name": entry.name, "bytes": entry.stat().st_size, "modified": entry.stat().st_mtime}
             for entry in entries]
    return sorted(found, key=lambda archive: (archive["modified"], archive["name"]), reverse=True)


def rotate(folder: Path, keep: int) -> list[str]:
    """Remove the nightly archives older than the latest `keep` (by the date in their name); others are never
    touched (downloads, before-upgrade backups, files put there by hand). Returns the names removed."""
    nightly = sorted((entry.name for entry in os.scandir(folder) if NIGHTLY.match(entry.name)), reverse=True)
    removed = nightly[keep:]
    for name in removed:
        (folder / name).unlink(missing_ok=True)
    return removed
