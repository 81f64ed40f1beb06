"""A consistent snapshot of a data folder, made of hard links, for a backup to compress at leisure.

Every file of a data folder is replaced whole (storage/atomic.write_atomically: a new inode renamed over the old
name), never changed in place, except the log files, which are appended to. A hard link to a file therefore keeps
its content as it was when linked, whatever is written afterwards. The snapshot links every file into a staging
folder inside the data folder (same file system), in two passes:

1. without pausing anything: link every file, noting each one's inode;
2. with writes paused (storage/write_gate.py): list the folders again and link anew only what changed since (a name
   whose inode differs: a replaced file), what appeared, and unlink what disappeared. Listing a folder gives each
   name's inode without a call per file, so the pause costs a folder listing plus the few files changed meanwhile.

The staging folder is then the data folder exactly as it was at the pause: every write acknowledged before it is
there, none is there by half, as after a power cut at that instant with every write on disk (which the portal is
built to come back from). For the appended log files the size at the pause is noted: the archive keeps that much.
"""
from __future__ import annotations

import os
import secrets
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from storage import clock
from storage.atomic import TEMP_SUFFIX
from storage.data_folder import LOCK_FILE_NAME, STAGING_PREFIX
from storage.write_gate import GATE

REQUESTS_FOLDER = ".backup-requests"  # a backup asked by the command line of a running portal (live.py)
APPEND_ONLY_FOLDERS = ("logs",)  # files appended in place rather than replaced: their size at the pause is kept


@dataclass
class Snapshot:
    """The staging folder of one snapshot: files to archive, by path relative to the data folder."""

    folder: Path
    files: list[str]
    pause_seconds: float
    kept_sizes: dict[str, int] = field(default_factory=dict)  # appended files: the bytes that were there at the pause
    # The instant the archive holds the folder as of (made right after the pause), not the end of its compression.
    taken_at: str = field(default_factory=lambda: clock.now().isoformat(timespec="seconds"))

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _Staging:
    """The staging tree and, per folder (relative path), the inode each staged file name had when linked."""

    def __init__(self, source: Path, target: Path, left_out: set[Path]):
        self.source, self.target, self.left_out = source, target, left_out
        self.inodes: dict[str, dict[str, int | None]] = {}
        self.folders: dict[str, set[str]] = {}

    def is_left_out(self, entry: os.DirEntry, relative: str) -> bool:
        name = entry.name
        if name.startswith(".") and name.endswith(TEMP_SUFFIX):
            return True  # a write in progress (or a crashed one's leftover)
        if relative == "" and _left_out_at_top(name):
            return True
        return entry.is_symlink() or (entry.is_dir() and Path(entry.path).resolve() in self.left_out)

    def link(self, relative: str, entry: os.DirEntry) -> None:
        """Link one file into the staging tree and note its inode (None when unsure: linked again in pass 2)."""
        staged = self.target / relative / entry.name
        try:
            os.link(entry.path, staged, follow_symlinks=False)
        except FileNotFoundError:  # deleted since the listing: pass 2 settles it
            return
        inode = entry.inode()
        self.inodes[relative][entry.name] = inode if inode and os.stat(staged).st_ino == inode else None

    def add_folder(self, relative: str) -> None:
        """Stage a folder and everything below it (pass 1, or a folder created before pass 2)."""
        (self.target / relative).mkdir(parents=True, exist_ok=True)
        self.inodes[relative], self.folders[relative] = {}, set()
        for entry in self._listing(relative):
            if self.is_left_out(entry, relative):
                continue
            if entry.is_dir(follow_symlinks=False):
                self.folders[relative].add(entry.name)
                self.add_folder(_join(relative, entry.name))
            elif entry.is_file(follow_symlinks=False):
                self.link(relative, entry)

    def catch_up(self, relative: str) -> None:
        """Pass 2, writes paused: bring the staged folder in line with the data folder as it is now. The loop over
        names is the pause's cost (tens of thousands of family files): it does the least it can per name."""
        if relative not in self.inodes:
            self.add_folder(relative)
            return
        staged, seen, folders, top = self.inodes[relative], set(), set(), relative == ""
        for entry in self._listing(relative):
            name = entry.name
            if name[0] == "." and (name.endswith(TEMP_SUFFIX) or top and _left_out_at_top(name)):
                continue
            if entry.is_dir(follow_symlinks=False):
                if not self.is_left_out(entry, relative):
                    folders.add(name)
            elif entry.is_file(follow_symlinks=False):
                seen.add(name)
                inode = staged.get(name, 0)
                if inode is None or inode != entry.inode():  # replaced (or new) since it was linked
                    (self.target / relative / name).unlink(missing_ok=True)
                    staged.pop(name, None)
                    self.link(relative, entry)
        for name in staged.keys() - seen:  # removed since it was linked
            (self.target / relative / name).unlink(missing_ok=True)
            del staged[name]
        for name in self.folders[relative] - folders:
            self._forget_folder(_join(relative, name))
        self.folders[relative] = folders
        for name in sorted(folders):
            self.catch_up(_join(relative, name))

    def files(self) -> list[str]:
        return sorted(_join(folder, name) for folder, names in self.inodes.items() for name in names)

    def _forget_folder(self, relative: str) -> None:
        shutil.rmtree(self.target / relative, ignore_errors=True)
        for key in [key for key in self.inodes if key == relative or key.startswith(relative + "/")]:
            del self.inodes[key], self.folders[key]

    def _listing(self, relative: str) -> list[os.DirEntry]:
        try:
            with os.scandir(self.source / relative) as listing:
                return list(listing)
        except FileNotFoundError:  # removed since its parent was listed
            return []


def _left_out_at_top(name: str) -> bool:
    """The data folder's own machinery: its lock, the snapshots being made, the command line's requests."""
    return name in (LOCK_FILE_NAME, REQUESTS_FOLDER) or name.startswith(STAGING_PREFIX)


def _join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def take_snapshot(data_dir: Path, left_out: tuple[Path, ...] = ()) -> Snapshot:
    """Hard-link the data folder's files into a new staging folder, consistent as of one instant (see above).
    left_out: folders not to copy (a backup folder inside the data folder). The caller removes the snapshot."""
    source = Path(data_dir).resolve()
    target = source / f"{STAGING_PREFIX}{secrets.token_hex(8)}"
    staging = _Staging(source, target, {Path(folder).resolve() for folder in left_out} | {target})
    try:
        staging.add_folder("")
        asked = time.perf_counter()
        with GATE.paused():
            staging.catch_up("")
            kept_sizes = {_join(folder, name): os.stat(target / folder / name).st_size
                          for folder, names in staging.inodes.items()
                          if folder.split("/", 1)[0] in APPEND_ONLY_FOLDERS for name in names}
        pause = time.perf_counter() - asked
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        raise
    return Snapshot(target, staging.files(), pause, kept_sizes)

