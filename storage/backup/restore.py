"""Restore a backup archive into an empty or missing data folder: every checksum checked first, then the files written
into a temporary folder beside it, which takes the folder's name only once complete (never a half-restored folder)."""
from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from pathlib import Path

from storage.backup.archive import MANIFEST, ArchiveRefused, check_archive, read_members
from storage.migrations import current_version


def refuse_unless_empty(data_dir: Path) -> None:
    """ArchiveRefused when data_dir exists and is not an empty folder: a restore never overwrites anything."""
    if not data_dir.exists():
        return
    if not data_dir.is_dir():
        raise ArchiveRefused(f"« {data_dir} » est un fichier, pas un dossier : rien n'a été restauré.")
    if any(data_dir.iterdir()):
        raise ArchiveRefused(f"Le dossier « {data_dir} » n'est pas vide : une sauvegarde se restaure dans un dossier vide "
                             "ou absent, pour ne rien écraser. Choisissez un autre dossier avec --data (puis démarrez "
                             "le portail sur celui-ci), ou videz celui-là vous-même si vous en êtes sûr.")


def restore_archive(archive: Path, data_dir: Path) -> dict:
    """Restore archive into data_dir (empty or missing); returns the archive's manifest. Raises ArchiveRefused with a
    French message (non-empty folder, unreadable or damaged archive, newer schema) before writing anything."""
    archive, data_dir = Path(archive), Path(data_dir)
    refuse_unless_empty(data_dir)
    manifest = check_archive(archive)
    if int(manifest.get("schema_version") or 0) > current_version():
        raise ArchiveRefused(f"Cette sauvegarde vient d'une version plus récente du portail (données en version "
                             f"{manifest['schema_version']}, celle-ci lit la version {current_version()}) : installez "
                             "cette version du portail pour la restaurer.")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = data_dir.parent / f".{data_dir.name}.restauration-{secrets.token_hex(4)}"
    expected = manifest["files"]
    try:
        temp.mkdir(mode=0o700)
        for path, data, mode in read_members(archive):
            if path == MANIFEST:
                continue
            if expected.get(path, {}).get("sha256") != hashlib.sha256(data).hexdigest():  # changed since the check
                raise ArchiveRefused("L'archive a changé pendant la restauration : rien n'a été restauré.")
            target = temp / path
            target.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, (mode & 0o777) or 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(data)
        os.sync()  # every file on disk before the folder takes its name
        temp.chmod(0o755)
        refuse_unless_empty(data_dir)  # still empty: nobody wrote there meanwhile
        if data_dir.exists():
            data_dir.rmdir()
        os.replace(temp, data_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return manifest
