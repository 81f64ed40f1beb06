"""One process per data folder: an exclusive lock on data/.lock, held for the life of the process.

The lock is an flock() on an open file: the kernel drops it when the process ends, however it ends (kill -9
included), so a crash never leaves a stale lock behind. Thread locks (storage/documents.py) only protect the
threads of one process; this lock keeps a second process (a second `portal.py --data same_folder`) from writing
the same files, and from deleting the temporary files of the live process's writes (or the hard links of its
backup in progress) at its start-up.

Inside one process several apps may open the same folder (the tests simulate restarts that way): they share the
process's lock, counted; the lock is released when the last of them is closed (or garbage collected).
"""
from __future__ import annotations

import fcntl
import os
import shutil
import threading
from pathlib import Path

from storage.atomic import remove_stale_temp_files

LOCK_FILE_NAME = ".lock"
STAGING_PREFIX = ".snapshot-"  # a backup's hard links being made or compressed (storage/backup/snapshot.py)


class DataFolderBusy(RuntimeError):
    """Another process holds the data folder: the message says so in French, for the person starting the portal."""

    def __init__(self, data_dir: Path, holder_pid: str):
        self.data_dir, self.holder_pid = data_dir, holder_pid
        holder = f" (processus {holder_pid})" if holder_pid else ""
        super().__init__(
            f"Le dossier de données « {data_dir} » est déjà utilisé par un autre portail en marche{holder}. "
            "Un seul portail peut travailler sur un dossier de données : arrêtez l'autre avant de démarrer "
            "celui-ci, ou choisissez un autre dossier avec --data.")


class _ProcessLock:
    """The flock of one data folder taken by this process, and how many holds share it."""

    def __init__(self, fd: int):
        self.fd = fd
        self.holds = 0


_held: dict[Path, _ProcessLock] = {}
_held_guard = threading.Lock()


class DataFolderHold:
    """This process's share of a data folder's lock; release() gives it back (once, whatever the number of calls)."""

    def __init__(self, folder: Path, first: bool, stale_files_removed: int):
        self.folder = folder
        self.first = first  # True when this hold took the lock for the process
        self.stale_files_removed = stale_files_removed
        self._released = False

    def release(self) -> None:
        with _held_guard:
            if self._released:
                return
            self._released = True
            lock = _held.get(self.folder)
            if lock is None:
                return
            lock.holds -= 1
            if lock.holds == 0:
                del _held[self.folder]
                os.close(lock.fd)  # closing the last descriptor drops the flock

    @property
    def released(self) -> bool:
        return self._released


def take_data_folder(data_dir: Path) -> DataFolderHold:
    """Lock data_dir for this process, or raise DataFolderBusy when another process holds it. The first hold of
    the process then removes the temporary files a crashed holder left: nobody else can be writing them."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    folder = data_dir.resolve()
    with _held_guard:
        lock = _held.get(folder)
        first = lock is None
        if first:
            lock = _held[folder] = _ProcessLock(_lock_folder(folder))
        lock.holds += 1
    removed = _remove_stale_snapshots(folder) + remove_stale_temp_files(folder) if first else 0
    return DataFolderHold(folder, first, removed)


def _remove_stale_snapshots(folder: Path) -> int:
    """Remove the hard-link folders that a backup interrupted by a crash left; return how many."""
    stale = [entry.path for entry in os.scandir(folder)
             if entry.name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return len(stale)


def is_data_folder_held(data_dir: Path) -> bool:
    """Whether this process holds data_dir's lock."""
    with _held_guard:
        return Path(data_dir).resolve() in _held


def _lock_folder(folder: Path) -> int:
    """An open descriptor on folder/.lock holding an exclusive flock, with this process's id written in the file."""
    fd = os.open(folder / LOCK_FILE_NAME, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder_pid(fd)
        os.close(fd)
        raise DataFolderBusy(folder, holder) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    return fd


def _holder_pid(fd: int) -> str:
    """The process id the holder wrote in the lock file ('' when unreadable): for the message only."""
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return ""
    return text if text.isdigit() else ""
