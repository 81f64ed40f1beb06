"""Crash-safe file writes: after a crash a file holds its old or its new content, never a torn mix.

A write is durable when write_atomically returns: its bytes were fsynced before the rename, and the folder entry
after it. The folder fsync is shared (group commit, as SQLite's WAL or PostgreSQL's commit_delay): writers of
different files of one folder that finish their rename while another writer's folder fsync is running wait for the
next one, which covers all of them at once, instead of one fsync each. Each caller still returns only after an fsync
that started after its own rename.
"""
from __future__ import annotations

import os
import tempfile
import threading
from pathlib import Path

TEMP_SUFFIX = ".tmp"


def write_atomically(path: Path, data: bytes) -> None:
    """Write data to path via a fsynced temporary file in the same folder and os.replace."""
    path = Path(path)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix="." + path.name + ".", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.replace(temp_name, path)
    except BaseException:
        try:
            os.unlink(temp_name)
        except FileNotFoundError:
            pass
        raise
    folder_sync(path.parent).wait_durable()


class FolderSync:
    """The shared fsyncs of one folder: a ticket is taken after the rename; whoever finds no fsync running starts one
    that covers every ticket taken so far; the others wait for the one that covers theirs."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._condition = threading.Condition()
        self._tickets = 0    # renames done in this folder (their tickets)
        self._covered = 0    # tickets that a finished fsync covers
        self._running = False

    def wait_durable(self) -> None:
        """Return once an fsync of the folder that started after this call has finished (or raise its error)."""
        with self._condition:
            self._tickets += 1
            ticket = self._tickets
            while self._covered < ticket:
                if self._running:
                    self._condition.wait()
                    continue
                self._running, covers = True, self._tickets
                self._condition.release()
                try:
                    _fsync_folder(self.folder)
                finally:
                    self._condition.acquire()
                    self._running = False
                    self._condition.notify_all()
                self._covered = max(self._covered, covers)  # not reached when the fsync failed: the others retry


_folder_syncs: dict[Path, FolderSync] = {}
_folder_syncs_guard = threading.Lock()


def folder_sync(folder: Path) -> FolderSync:
    """The one FolderSync of a folder in this process."""
    with _folder_syncs_guard:
        sync = _folder_syncs.get(folder)
        if sync is None:
            sync = _folder_syncs[folder] = FolderSync(folder)
        return sync


def _fsync_folder(folder: Path) -> None:
    # The rename itself is only durable once the folder entry is on disk.
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temp_files(folder: Path) -> int:
    """Delete temporary files left by a crash mid-write, in folder and below; return how many were removed."""
    removed = 0
    for temp in Path(folder).rglob("." + "*" + TEMP_SUFFIX):
        temp.unlink(missing_ok=True)
        removed += 1
    return removed
