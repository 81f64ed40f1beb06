"""Crash-safe file writes: after a crash a file holds its old or its new content, never a torn mix."""
from __future__ import annotations

import os
import tempfile
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
    _fsync_folder(path.parent)


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
