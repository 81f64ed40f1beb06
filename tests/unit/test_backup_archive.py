"""The backup archive and its restore (storage/backup/archive.py, restore.py): what goes in, checksums checked before
anything is written, damaged archives and non-empty folders refused with a French message."""
from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from datetime import datetime
from pathlib import Path

import pytest

from storage import clock
from storage.atomic import write_atomically
from storage.backup.archive import MANIFEST, ArchiveRefused, check_archive, write_archive
from storage.backup.files import backup_config, make_archive
from storage.backup.restore import restore_archive
from storage.backup.snapshot import take_snapshot
from storage.migrations import current_version

FILES = {"families/770400070.json": '{"record":{"1":{"schema":1,"nom":"MARTIN Éloïse"}}}',
         "agents.json": '{"agents":{}}', "outbox/pending/a.json": '{"schema":1}', "logs/portal.log": "ligne 1\n"}


@pytest.fixture
def archive(tmp_path) -> Path:
    data = tmp_path / "data"
    for path, text in FILES.items():
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(data / path, text.encode("utf-8"))
    os.chmod(data / "agents.json", 0o600)
    target = tmp_path / "sauvegarde.tar.gz"
    make_archive(data, target, backup_config(data), current_version())
    return target


def members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar}


def rewritten(archive: Path, target: Path, change) -> Path:
    """A copy of archive whose members went through change(name, data) -> data (None drops the member)."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as copy:
        for member in source:
            data = change(member.name, source.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                copy.addfile(member, io.BytesIO(data))
    return target


def test_archive_holds_every_file_and_a_manifest_of_checksums(archive):
    content = members(archive)
    manifest = json.loads(content.pop(MANIFEST))
    assert {name.removeprefix("donnees/"): data.decode() for name, data in content.items()} == FILES
    assert manifest["schema_version"] == current_version()
    assert set(manifest["files"]) == set(FILES)
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"].values())
    assert check_archive(archive)["files"] == manifest["files"]


def test_restore_into_a_missing_folder_gives_the_same_files_and_modes(archive, tmp_path):
    target = tmp_path / "restored" / "data"
    restore_archive(archive, target)
    assert {path: (target / path).read_text("utf-8") for path in FILES} == FILES
    assert (target / "agents.json").stat().st_mode & 0o777 == 0o600
    assert not [path for path in tmp_path.joinpath("restored").iterdir() if path.name != "data"]  # no temp folder


def test_restore_into_an_empty_folder(archive, tmp_path):
    target = tmp_path / "vide"
    target.mkdir()
    restore_archive(archive, target)
    assert (target / "agents.json").exists()


def test_restore_refuses_a_folder_that_is_not_empty(archive, tmp_path):
    target = tmp_path / "occupied"
    target.mkdir()
    (target / "families").mkdir()
    with pytest.raises(ArchiveRefused, match="n'est pas vide"):
        restore_archive(archive, target)
    assert [path.name for path in target.iterdir()] == ["families"]


@pytest.mark.parametrize("damage", ["truncated", "flipped byte", "not gzip"])
def test_a_damaged_archive_is_refused_and_nothing_is_written(archive, tmp_path, damage):
    raw = archive.read_bytes()
    if damage == "truncated":
        raw = raw[:len(raw) // 2]
    elif damage == "flipped byte":
        middle = len(raw) // 2
        raw = raw[:middle] + bytes([raw[middle] ^ 0xFF]) + raw[middle + 1:]
    else:
        raw = b"PK\x03\x04 not a backup at all"
    archive.write_bytes(raw)
    target = tmp_path / "restored"
    with pytest.raises(ArchiveRefused, match="illisible|abîmée|manifeste"):
        restore_archive(archive, target)
    assert not target.exists()
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_a_changed_file_or_a_missing_file_fails_its_checksum(archive, tmp_path):
    changed = rewritten(archive, tmp_path / "changed.tar.gz",
                        lambda name, data: data.replace(b"MARTIN", b"DUPONT") if name.endswith("770400070.json") else data)
    with pytest.raises(ArchiveRefused, match="somme de contrôle fausse : families/770400070.json"):
        restore_archive(changed, tmp_path / "a")
    dropped = rewritten(archive, tmp_path / "dropped.tar.gz",
                        lambda name, data: None if name.endswith("agents.json") else data)
    with pytest.raises(ArchiveRefused, match="fichiers absents : agents.json"):
        restore_archive(dropped, tmp_path / "b")
    no_manifest = rewritten(archive, tmp_path / "cut.tar.gz", lambda name, data: None if name == MANIFEST else data)
    with pytest.raises(ArchiveRefused, match="manifeste"):
        restore_archive(no_manifest, tmp_path / "c")


def test_a_member_outside_the_data_folder_is_refused(archive, tmp_path):
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(hostile, "w:gz") as tar:
        data = b"pwned"
        member = tarfile.TarInfo("donnees/../../evil.json")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
    with pytest.raises(ArchiveRefused, match="élément inattendu"):
        restore_archive(hostile, tmp_path / "d")
    assert not (tmp_path / "evil.json").exists()


def test_an_archive_from_a_newer_release_is_refused(archive, tmp_path):
    def newer(name, data):
        if name != MANIFEST:
            return data
        manifest = json.loads(data)
        manifest["schema_version"] = current_version() + 1
        return json.dumps(manifest).encode()
    with pytest.raises(ArchiveRefused, match="version plus récente"):
        restore_archive(rewritten(archive, tmp_path / "newer.tar.gz", newer), tmp_path / "e")


def test_archive_is_plain_gzip_readable_by_standard_tools(archive):
    assert gzip.decompress(archive.read_bytes())[:512].count(b"donnees/") == 1


def test_the_manifest_dates_the_archive_at_its_snapshot_not_at_the_end_of_its_compression(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    write_atomically(data / "agents.json", b'{"agents":{}}')
    with clock.pinned(datetime(2026, 12, 2, 2, 0)):
        snapshot = take_snapshot(data)
    try:
        with clock.pinned(datetime(2026, 12, 2, 2, 10)):  # a big commune's photos take minutes to compress
            write_archive(snapshot, tmp_path / "sauvegarde.tar.gz", current_version())
    finally:
        snapshot.remove()
    assert check_archive(tmp_path / "sauvegarde.tar.gz")["created_at"] == "2026-12-02T02:00:00"
