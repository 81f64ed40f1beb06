"""Every family's files read once, in family-number order, for the exports: parsed straight from disk (as the index's
start-up scan does, storage/index.py), without TinyDB or locks. Writes replace a file whole (os.replace), so each read
sees one version of it; a family written during the export appears as it was before or after that write."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

from storage.documents import ParsedFile
from storage.families import Families


def family_numbers(families: Families) -> list[str]:
    """Every family number, in numeric order."""
    return sorted(families.ids(), key=lambda number: (len(number), number))


def _parsed(path: Path, needle: bytes | None) -> ParsedFile | None:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:  # deleted since the folder was listed (retention), or a family without a ledger
        return None
    if needle is not None and needle not in raw:
        return None
    return ParsedFile(json.loads(raw.decode("utf-8")))


def family_files(families: Families, needle: bytes | None = None) -> Iterator[tuple[str, ParsedFile]]:
    """(family number, its family file) for every family; with needle, only the files whose bytes hold it (a table's
    name: a file without it is not parsed at all)."""
    for family_id in family_numbers(families):
        parsed = _parsed(families.path(family_id), needle)
        if parsed is not None:
            yield family_id, parsed


def ledger_files(families: Families) -> Iterator[tuple[str, ParsedFile]]:
    """(family number, its ledger file) for every family whose ledger holds payments."""
    for family_id in family_numbers(families):
        ledger = _parsed(families.ledger_path(family_id), b'"payments"')
        if ledger is not None:
            yield family_id, ledger
