"""The write gate and the hard-link snapshot (storage/write_gate.py, storage/backup/snapshot.py): a snapshot is the
data folder exactly as it was at the pause, whatever was written while the first pass linked the files."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.atomic import write_atomically
from storage.backup import snapshot as snapshot_module
from storage.backup.snapshot import REQUESTS_FOLDER, STAGING_PREFIX, take_snapshot
from storage.data_folder import take_data_folder
from storage.write_gate import WriteGate


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below folder (relative path -> content), staging folders and the lock left out."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file() and not any(part.startswith(STAGING_PREFIX) for part in path.relative_to(folder).parts)
            and path.name != ".lock" and not path.name.endswith(".tmp")}


def staged(snapshot) -> dict[str, bytes]:
    return {path: (snapshot.folder / path).read_bytes() for path in snapshot.files}


@pytest.fixture
def folder(tmp_path) -> Path:
    data = tmp_path / "data"
    for path, text in {"families/1.json": "un", "families/2.json": "deux", "families/3.json": "trois",
                       "settings.json": "{}", "outbox/pending/a.json": "a", "old/x.json": "x"}.items():
        (data / path).parent.mkdir(parents=True, exist_ok=True)
        write_atomically(data / path, text.encode())
    return data


class ChangingGate:
    """A gate whose pause first runs writes as if they happened while pass 1 was linking, then pauses for real."""

    def __init__(self, changes):
        self.changes, self.gate = changes, WriteGate()

    @contextmanager
    def paused(self):
        self.changes()
        self.changes = lambda: None  # once
        with self.gate.paused():
            yield


def test_snapshot_is_the_folder_as_it_was_at_the_pause(folder, monkeypatch):
    def changes():
        write_atomically(folder / "families/1.json", b"un, modifie")  # replaced: a new inode
        (folder / "families/2.json").unlink()  # deleted
        write_atomically(folder / "families/4.json", b"quatre")  # created
        (folder / "outbox/sent").mkdir()
        os.replace(folder / "outbox/pending/a.json", folder / "outbox/sent/a.json")  # moved to a new folder
        for path in (folder / "old").iterdir():
            path.unlink()
        (folder / "old").rmdir()  # a folder removed
        (folder / ".settings.json.abc.tmp").write_bytes(b"half")  # a write in progress
    monkeypatch.setattr(snapshot_module, "GATE", ChangingGate(changes))
    snapshot = take_snapshot(folder)
    expected = tree(folder)
    try:
        assert staged(snapshot) == expected
        assert "families/1.json" in expected and expected["families/1.json"] == b"un, modifie"
        assert "families/2.json" not in expected and "old/x.json" not in expected
    finally:
        snapshot.remove()
    # What is written after the pause is not in a snapshot taken before it.
    snapshot = take_snapshot(folder)
    write_atomically(folder / "families/3.json", b"after")
    assert staged(snapshot)["families/3.json"] == b"trois"
    snapshot.remove()
    assert not any(path.name.startswith(STAGING_PREFIX) for path in folder.iterdir())


def test_snapshot_leaves_out_the_lock_temp_files_staging_and_a_backup_folder_inside(folder):
    (folder / ".lock").write_text("123")
    (folder / REQUESTS_FOLDER).mkdir()
    (folder / REQUESTS_FOLDER / "abc.demande").write_text("{}")
    (folder / "families/.1.json.x.tmp").write_text("half")
    (folder / f"{STAGING_PREFIX}old").mkdir()
    (folder / f"{STAGING_PREFIX}old/families.json").write_text("stale")
    (folder / "sauvegardes").mkdir()
    (folder / "sauvegardes/sauvegarde-2026-12-01.tar.gz").write_bytes(b"archive")
    snapshot = take_snapshot(folder, left_out=(folder / "sauvegardes",))
    try:
        assert sorted(snapshot.files) == ["families/1.json", "families/2.json", "families/3.json", "old/x.json",
                                          "outbox/pending/a.json", "settings.json"]
    finally:
        snapshot.remove()
    hold = take_data_folder(folder)  # a start-up after a crash mid-backup: the stale hard links go
    hold.release()
    assert not (folder / f"{STAGING_PREFIX}old").exists()


def test_a_log_file_keeps_the_size_it_had_at_the_pause(folder):
    log = folder / "logs" / "portal.log"
    log.parent.mkdir()
    log.write_bytes(b"ligne 1\nligne 2\n")
    snapshot = take_snapshot(folder)
    with open(log, "ab") as appended:  # the log handler appends in place: the same inode as the staged link
        appended.write(b"ligne 3\n")
    assert snapshot.kept_sizes == {"logs/portal.log": len(b"ligne 1\nligne 2\n")}
    snapshot.remove()


def test_a_pause_waits_for_the_write_in_progress_and_new_writes_wait_for_the_pause():
    gate, order = WriteGate(), []
    writing, may_finish = threading.Event(), threading.Event()

    def slow_write():
        with gate.writing():
            writing.set()
            may_finish.wait()
            order.append("write 1 durable")

    def backup():
        with gate.paused():
            order.append("pause")
            later = threading.Thread(target=late_write)
            later.start()
            order.append("pause ends")
        later.join()

    def late_write():
        with gate.writing():
            order.append("write 2")

    writer = threading.Thread(target=slow_write)
    writer.start()
    writing.wait()
    pauser = threading.Thread(target=backup)
    pauser.start()
    while gate._pause_owner is None:  # the backup asked for the pause (it waits for write 1)
        threading.Event().wait(0.001)
    may_finish.set()
    writer.join()
    pauser.join()
    assert order == ["write 1 durable", "pause", "pause ends", "write 2"]


def test_the_thread_holding_the_pause_may_write(tmp_path):
    gate = WriteGate()
    with gate.paused():
        with gate.writing():  # its own write passes (no deadlock); it is not in the snapshot being taken
            (tmp_path / "journal.json").write_text("{}")
    assert (tmp_path / "journal.json").exists()
