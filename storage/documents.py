"""Document files: TinyDB over JSON files read fresh and written atomically, with locked transactions.

TinyDB's own JSONStorage keeps its file open, rewrites it in place (truncate then write) and is not
thread-safe. Here every file is a small TinyDB document set that is read whole into memory, changed
through TinyDB's API inside a transaction that holds the file's lock, and written once, atomically,
when the transaction ends without error. An exception inside a transaction stores nothing. A transaction
opened on a file that the same thread is already changing is refused (its write would be overwritten by the
outer one). Commit listeners run after the write; one that fails is logged and repaired, never undoes the write.
"""
from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from storage import json_codec
from storage.atomic import write_atomically
from storage.parsed_cache import ParsedCache

SCHEMA_VERSION = 1
log = logging.getLogger("portal")


class NestedTransaction(RuntimeError):
    """A transaction was opened on a file that this thread already has a transaction open on."""


class SnapshotStorage(MemoryStorage):
    """TinyDB storage over an in-memory copy of one file; remembers whether anything was written."""

    def __init__(self, data: dict | None = None):
        super().__init__()
        self.memory = data
        self.changed = False

    def write(self, data: dict) -> None:
        super().write(data)
        self.changed = True


def encode(data: dict) -> bytes:
    """Serialise a document set as compact UTF-8 JSON."""
    return json_codec.dumps(data)


def read_raw(path: Path) -> dict | None:
    """Parse one document file, or None when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    return json_codec.loads(raw)


class ParsedTable:
    """Read-only stand-in for a TinyDB table over already parsed JSON: all(), get(doc_id=…), len()."""

    def __init__(self, documents: dict):
        self._documents = documents

    def all(self) -> list[Document]:
        return [Document(value, doc_id=int(key)) for key, value in self._documents.items()]

    def get(self, doc_id: int) -> Document | None:
        value = self._documents.get(str(doc_id))
        return Document(value, doc_id=doc_id) if value is not None else None

    def __len__(self) -> int:
        return len(self._documents)


class ParsedFile:
    """Read-only stand-in for a TinyDB snapshot, for the start-up scan of every family file: building real
    TinyDB tables for 10,000 files costs more than parsing them."""

    def __init__(self, data: dict | None):
        self._data = data or {}

    def table(self, name: str) -> ParsedTable:
        return ParsedTable(self._data.get(name, {}))


class FolderShared:
    """What every store on one data folder shares in the process: the file locks (and their guard) and the cache of
    parsed files. Two stores on the same folder (two apps in one process, as the tests make) lock each file with the
    same lock and see each other's writes. Other processes are kept out by the folder's own lock
    (storage/data_folder.py)."""

    def __init__(self):
        self.locks: dict[Path, threading.RLock] = {}
        self.guard = threading.Lock()
        self.cache = ParsedCache()


_folders: dict[Path, FolderShared] = {}
_folders_guard = threading.Lock()


def shared_by_folder(root: Path) -> FolderShared:
    """The one FolderShared of a data folder for the whole process."""
    with _folders_guard:
        shared = _folders.get(root)
        if shared is None:
            shared = _folders[root] = FolderShared()
        return shared


class DocumentStore:
    """Locks and transactions over the document files below one data folder."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()  # one spelling of each file's path, the key of its lock
        shared = shared_by_folder(self.root)
        self._locks, self._locks_guard, self._cache = shared.locks, shared.guard, shared.cache
        self._commit_listeners: list[tuple[Callable[[Path, TinyDB], None], Callable[[Path], None] | None]] = []
        self._open = threading.local()  # .paths: the files this thread has a transaction open on

    def lock(self, path: Path) -> threading.RLock:
        """The one lock that guards every read-modify-write of path."""
        with self._locks_guard:
            lock = self._locks.get(path)
            if lock is None:
                lock = self._locks[path] = threading.RLock()
            return lock

    def on_commit(self, listener: Callable[[Path, TinyDB], None], repair: Callable[[Path], None] | None = None) -> None:
        """Call listener(path, db) after each successful write (to keep in-memory indexes current).

        If listener raises, the write stays stored: the error is logged and repair(path) is called to bring
        what the listener keeps back in line with the file on disk.
        """
        self._commit_listeners.append((listener, repair))

    def read(self, path: Path) -> TinyDB:
        """A consistent snapshot of path (os.replace makes every read see a whole file), the caller's own objects:
        changing them changes nothing stored and nothing another reader sees."""
        return TinyDB(storage=SnapshotStorage, data=self._cache.load(Path(path)))

    def read_existing(self, path: Path) -> TinyDB | None:
        """As read(), or None when path does not exist (one look at the file, not two)."""
        data = self._cache.load(Path(path))
        return TinyDB(storage=SnapshotStorage, data=data) if data is not None else None

    @contextmanager
    def transaction(self, path: Path) -> Iterator[TinyDB]:
        """Yield a TinyDB over path; on normal exit write all changes at once, on error write nothing.

        Raises NestedTransaction when this thread already has a transaction open on path.
        """
        path = Path(path)
        open_paths = self._open.__dict__.setdefault("paths", set())
        if path in open_paths:
            raise NestedTransaction(f"{path}: a transaction on this file is already open in this thread; "
                                    "the inner write would be lost when the outer one is stored")
        with self.lock(path):
            open_paths.add(path)
            try:
                db = TinyDB(storage=SnapshotStorage, data=self._cache.load(path))
                yield db
                if db.storage.changed:
                    try:
                        _write_creating_folder(path, encode(db.storage.read() or {}))
                    finally:
                        self._cache.written(path)
                    self._tell_listeners(path, db)
            finally:
                open_paths.discard(path)

    def _tell_listeners(self, path: Path, db: TinyDB) -> None:
        # The write is on disk and will be acknowledged: a listener's failure must not turn it into an error.
        for listener, repair in self._commit_listeners:
            try:
                listener(path, db)
            except Exception:
                log.exception("Commit listener %s failed after %s was written; repairing", _name(listener), path)
                if repair is None:
                    continue
                try:
                    repair(path)
                except Exception:
                    log.exception("Repair by %s after writing %s failed", _name(repair), path)


def _write_creating_folder(path: Path, data: bytes) -> None:
    # The folder exists but for the first file of a kind: no mkdir call (a system call) on every write.
    try:
        write_atomically(path, data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)


def _name(function: Callable) -> str:
    return getattr(function, "__qualname__", repr(function))
