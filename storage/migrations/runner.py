"""Run the pending migrations of a data folder at start-up, after a backup of it (storage/backup)."""
from __future__ import annotations

import logging
from pathlib import Path

from storage.backup.files import BackupConfig, make_archive, before_upgrade_name
from storage.migrations import folder_version, note_version, pending_steps, SCHEMA_FILE

log = logging.getLogger("portal")


def upgrade_data_folder(data_dir: Path, backups: BackupConfig) -> dict | None:
    """Bring data_dir to this release's schema version. When a step will run, the folder is first backed up into
    the backup folder (an archive never removed by the nightly rotation); returns that backup's summary, else None."""
    data_dir = Path(data_dir)
    version = folder_version(data_dir)
    steps = pending_steps(data_dir)
    if not steps:
        if not (data_dir / SCHEMA_FILE).exists():
            note_version(data_dir, version)
        return None
    target = backups.folder / before_upgrade_name(version, steps[-1].to_version)
    summary = make_archive(data_dir, target, backups, version)
    log.info("Mise à jour des données : sauvegarde préalable %s (%s octets)", target, summary["bytes"])
    for step in steps:
        log.info("Mise à jour des données vers la version %s : %s", step.to_version, step.description)
        step.apply(data_dir)
        note_version(data_dir, step.to_version)
    return dict(summary, file=target.name, kind="avant mise à jour")
