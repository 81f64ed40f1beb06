"""The register of invoice numbers in use in the commune, each with its family, sharded so that its cost never grows.

One small document file per group of numbers that differ only in their last three characters
(data/invoice-numbers/f2026-000.json holds F2026-000000 … F2026-000999): reserving a number rewrites one file
of at most a thousand numbers (for numeric endings) whatever the commune's history, and looking one up reads
one such file. Nothing is loaded at start-up, so neither start-up time nor memory grows with the years.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

from tinydb.table import Document

from storage.documents import SCHEMA_VERSION, DocumentStore, read_raw

FOLDER = "invoice-numbers"
TABLE = "invoice_numbers"
SHARD_SUFFIX = 3  # numbers that differ only in their last SHARD_SUFFIX characters share a file
CACHED_SHARDS = 16  # parsed files kept, validated by inode (every write replaces the file)
_FILE_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def shard_name(number: str) -> str:
    """The file stem of number's group: its start without the last characters, lower-cased, made file-safe.

    Lower case puts 'F1' and 'f1' in one file on case-insensitive file systems too; '~xx' escapes every other
    character (so '/' or '.' in an imported number never makes a path), and the name is never empty.
    """
    prefix = number[:-SHARD_SUFFIX].lower() if len(number) > SHARD_SUFFIX else ""
    escaped = "".join(c if c in _FILE_NAME_CHARS else "".join(f"~{b:02x}" for b in c.encode("utf-8"))
                      for c in prefix)
    return escaped or "~"


def shard_document(owners: dict[str, str]) -> dict:
    """The content of one shard file (what the town generator writes directly too)."""
    return {TABLE: {"1": {"schema": SCHEMA_VERSION, "owners": owners}}}


class InvoiceNumberRegister:
    """number -> family for every invoice number in use. Not thread-safe on its own: Numbers holds one lock."""

    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self.folder = documents.root / FOLDER
        self._cache: OrderedDict[Path, tuple[tuple[int, int], dict[str, str]]] = OrderedDict()

    def path(self, number: str) -> Path:
        return self.folder / f"{shard_name(number)}.json"

    def owners(self, path: Path) -> dict[str, str]:
        """number -> family of one shard file (read-only: do not change the dict returned)."""
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return {}
        version = (info.st_ino, info.st_mtime_ns)
        cached = self._cache.get(path)
        if cached is not None and cached[0] == version:
            self._cache.move_to_end(path)
            return cached[1]
        owners = (((read_raw(path) or {}).get(TABLE) or {}).get("1") or {}).get("owners", {})
        self._cache[path] = (version, owners)
        if len(self._cache) > CACHED_SHARDS:
            self._cache.popitem(last=False)
        return owners

    def owner(self, number: str) -> str | None:
        """The family number owns, or None when it is free."""
        return self.owners(self.path(number)).get(number)

    def record(self, numbers: dict[str, str]) -> None:
        """Write number -> family into the register, one atomic write per shard file touched."""
        by_path: dict[Path, dict[str, str]] = {}
        for number, family_id in numbers.items():
            by_path.setdefault(self.path(number), {})[number] = family_id
        self.folder.mkdir(exist_ok=True)
        for path, added in sorted(by_path.items()):
            with self._documents.transaction(path) as db:
                table = db.table(TABLE)
                current = table.get(doc_id=1) or {}
                owners = dict(current.get("owners", {}), **added)
                table.upsert(Document({"schema": SCHEMA_VERSION, "owners": owners}, doc_id=1))
            self._cache.pop(path, None)
