"""`python portal.py backup --to FILE [--data DIR]` and `python portal.py restore FILE --data DIR`: what they do and
what they say (in French, on the console), and their exit codes (0: done; 1: refused or failed, nothing half done)."""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from storage.backup.archive import ArchiveRefused, write_archive
from storage.backup.files import backup_config, make_archive
from storage.backup.live import PortalDidNotAnswer, ask_running_portal
from storage.backup.restore import restore_archive
from storage.data_folder import DataFolderBusy, take_data_folder
from storage.migrations import folder_version


def _say(text: str, error: bool = False) -> None:
    print(text, file=sys.stderr if error else sys.stdout, flush=True)


def backup_command(target: Path, data_dir: Path, backup_settings: dict | None = None) -> int:
    """Write a backup of data_dir to target: directly when no portal runs on it, else through the running portal."""
    target, data_dir = Path(target).resolve(), Path(data_dir)
    if not data_dir.is_dir():
        _say(f"Sauvegarde impossible : le dossier de données « {data_dir} » n'existe pas.", error=True)
        return 1
    if target.is_relative_to(data_dir.resolve()):
        _say("Sauvegarde refusée : l'archive ne peut pas être écrite dans le dossier de données lui-même.", error=True)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    config = backup_config(data_dir, backup_settings)
    try:
        hold = take_data_folder(data_dir)
    except DataFolderBusy as busy:
        return _backup_through_running_portal(target, data_dir, busy.holder_pid)
    try:
        summary = make_archive(data_dir, target, config, folder_version(data_dir))
    except OSError as problem:
        _say(f"Sauvegarde impossible : {problem.strerror or problem} ({problem.filename or target}).", error=True)
        return 1
    finally:
        hold.release()
    _say(f"Sauvegarde écrite : {target} ({summary['files']} fichiers, {summary['bytes']} octets).")
    return 0


def _backup_through_running_portal(target: Path, data_dir: Path, holder_pid: str) -> int:
    _say(f"Un portail est en marche sur « {data_dir} » : il prépare l'instantané, cette commande le compresse.")
    try:
        snapshot = ask_running_portal(data_dir, holder_pid)
    except PortalDidNotAnswer as problem:
        _say(f"Sauvegarde impossible. {problem}", error=True)
        return 1
    try:
        summary = write_archive(snapshot, target, folder_version(data_dir))
    except OSError as problem:
        _say(f"Sauvegarde impossible : {problem.strerror or problem} ({problem.filename or target}). Le portail a "
             "peut-être redémarré pendant la compression : relancez la commande.", error=True)
        return 1
    finally:
        snapshot.remove()
    _say(f"Sauvegarde écrite : {target} ({summary['files']} fichiers, {summary['bytes']} octets ; écritures du portail "
         f"suspendues {snapshot.pause_seconds * 1000:.1f} ms).")
    return 0


def french_instant(iso: str | None) -> str:
    """'2026-12-03T11:55:18' as '03/12/2026 à 11:55' ('?' when the manifest has no date)."""
    try:
        return datetime.fromisoformat(iso).strftime("%d/%m/%Y à %H:%M")
    except (TypeError, ValueError):
        return "?"


def restore_command(archive: Path, data_dir: Path) -> int:
    """Restore archive into data_dir, which must be empty or missing."""
    try:
        manifest = restore_archive(Path(archive), Path(data_dir))
    except ArchiveRefused as refused:
        _say(f"Restauration refusée. {refused}", error=True)
        return 1
    _say(f"Sauvegarde du {french_instant(manifest.get('created_at'))} restaurée dans « {data_dir} » "
         f"({len(manifest['files'])} fichiers, sommes de contrôle vérifiées). Démarrez le portail avec --data {data_dir}.")
    return 0
