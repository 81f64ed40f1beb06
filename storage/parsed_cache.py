"""Parsed document files kept in memory, so that a page does not read and parse the same file again and again.

A file's parsed content is kept, as a marshal blob, under the file's (inode, mtime_ns, size): an atomic write makes a
new inode, so any change on disk (ours, or a backup put back) makes a new key and the file is read again. Every read
gets its own fresh objects (marshal.loads of the blob): a caller may change what it got without touching what
another reader gets (measured: 32 µs for a 7 KB family file against 68 µs for json.loads, 104 µs against 395 µs for
a 34 KB ledger of five years; a deepcopy of the parsed dict costs 3 to 6 times json.loads).

Our own writes also drop the entry and bump the file's generation: a read that started before a write never stores
what it read after that write (an inode number can be reused within one mtime tick). The cache is bounded by the
size of its blobs (least recently used dropped first), so the process stays small at any number of families, and a
file is kept only at its second reading among the last SEEN_KEPT files read: a background job that reads every family
once (reminders, the retention preview) passes through without pushing out the families that are using the portal
(measured at 10,000 families: without this, the daily jobs filled the cache at start-up, +50 MB of RSS).
"""
from __future__ import annotations

import marshal
import os
import threading
from collections import OrderedDict
from pathlib import Path

from storage import json_codec

DEFAULT_MAX_BYTES = 24 * 1024 * 1024  # about 3,000 families' two files of a five-year town
SEEN_KEPT = 4096  # files read once recently (paths only): a second reading of one of them keeps it


class ParsedCache:
    """path -> (stat key, marshal blob), least recently used first; thread-safe."""

    def __init__(self, max_bytes: int = DEFAULT_MAX_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Path, tuple[tuple, bytes]] = OrderedDict()
        self._generations: dict[Path, int] = {}
        self._seen: OrderedDict[Path, None] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def load(self, path: Path) -> dict | None:
        """The parsed content of path (fresh objects, the caller's to change), or None when it does not exist."""
        try:
            found = os.stat(path)
        except FileNotFoundError:
            return None
        key = (found.st_ino, found.st_mtime_ns, found.st_size)
        with self._lock:
            entry = self._entries.get(path)
            if entry is not None and entry[0] == key:
                self._entries.move_to_end(path)
                blob = entry[1]
            else:
                blob = None
            generation = self._generations.get(path, 0)
        if blob is not None:
            return marshal.loads(blob)
        try:
            with open(path, "rb") as file:
                found = os.fstat(file.fileno())  # the key of exactly the bytes read
                raw = file.read()
        except FileNotFoundError:
            return None
        data = json_codec.loads(raw)
        self._store(path, (found.st_ino, found.st_mtime_ns, found.st_size), data, generation)
        return data

    def written(self, path: Path) -> None:
        """Our process is replacing path: forget what was read of it, and what reads still running will bring."""
        with self._lock:
            self._generations[path] = self._generations.get(path, 0) + 1
            entry = self._entries.pop(path, None)
            if entry is not None:
                self._bytes -= len(entry[1])
            self._mark_seen(path)  # in use: its next reading is kept

    def _mark_seen(self, path: Path) -> None:
        # Called with self._lock held.
        self._seen[path] = None
        self._seen.move_to_end(path)
        if len(self._seen) > SEEN_KEPT:
            self._seen.popitem(last=False)

    def _store(self, path: Path, key: tuple, data: dict, generation: int) -> None:
        with self._lock:
            if path not in self._seen:
                self._mark_seen(path)
                return
        blob = marshal.dumps(data)  # before the caller gets data: what is kept is what was read
        if len(blob) > self.max_bytes // 8:
            return  # one huge file would push out hundreds of families
        with self._lock:
            if self._generations.get(path, 0) != generation:
                return  # written meanwhile: what was read may be older than the file
            self._seen.pop(path, None)
            old = self._entries.pop(path, None)
            if old is not None:
                self._bytes -= len(old[1])
            self._entries[path] = (key, blob)
            self._bytes += len(blob)
            while self._bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self._bytes -= len(dropped)
