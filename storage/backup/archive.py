"""The backup archive: one .tar.gz holding the data folder's files under donnees/ and, last, manifest.json with the
SHA-256 and size of every file and the data folder's schema version; and its checks before a restore.

The archive is written as a stream (the agent's download starts at once, nothing is kept on the server's disk) from a
snapshot's hard links (snapshot.py). A restore reads it twice: first to check every file against the manifest
(a truncated, corrupted or altered archive is refused before anything is written), then to write the files.
"""
from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Iterator

from storage import clock
from storage.backup.snapshot import Snapshot

FORMAT = "portail-famille-sauvegarde"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "donnees/"
LOG_LINE_END = b"\n"
GZIP_LEVEL = 6  # the 10,000-family town: level 9 takes twice as long for a few per cent fewer bytes


class ArchiveRefused(ValueError):
    """An archive that cannot be restored; str() says why, in French."""


class _Chunks(io.RawIOBase):
    """A write-only file that keeps what is written until taken (the compressed stream, chunk by chunk)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _content(snapshot: Snapshot, path: str) -> bytes:
    """A staged file's bytes; for an appended file (a log) those there at the pause, up to the last whole line."""
    with open(snapshot.folder / path, "rb") as file:
        if path not in snapshot.kept_sizes:
            return file.read()
        data = file.read(snapshot.kept_sizes[path])
    return data[:data.rfind(LOG_LINE_END) + 1]


def archive_chunks(snapshot: Snapshot, schema_version: int, summary: dict | None = None) -> Iterator[bytes]:
    """The .tar.gz of a snapshot, as successive chunks of bytes; summary (if given) receives files and bytes counts."""
    sink = _Chunks()
    files: dict[str, dict] = {}
    total = 0
    with gzip.GzipFile(fileobj=sink, mode="wb", compresslevel=GZIP_LEVEL) as compressed, \
            tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for path in snapshot.files:
            info = os.stat(snapshot.folder / path)  # a staged file gone (removed by hand) fails the backup
            data = _content(snapshot, path)
            member = tarfile.TarInfo(DATA_PREFIX + path)
            member.size, member.mtime, member.mode = len(data), int(info.st_mtime), info.st_mode & 0o777
            tar.addfile(member, io.BytesIO(data))
            files[path] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            total += len(data)
            yield sink.take()
        manifest = json.dumps({"format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": schema_version,
                               "created_at": snapshot.taken_at,
                               "pause_ms": round(snapshot.pause_seconds * 1000, 1), "files": files},
                              ensure_ascii=False, indent=1).encode("utf-8")
        member = tarfile.TarInfo(MANIFEST)
        member.size, member.mtime, member.mode = len(manifest), int(clock.timestamp()), 0o600
        tar.addfile(member, io.BytesIO(manifest))
    if summary is not None:
        summary.update(files=len(files), data_bytes=total)
    yield sink.take()


def write_archive(snapshot: Snapshot, target: Path, schema_version: int) -> dict:
    """Write the archive to target (a temporary name, fsynced, then renamed): never a half archive under its name.
    Returns {files, data_bytes, bytes}."""
    target = Path(target)
    temp = target.with_name(f".{target.name}.en-cours")
    summary: dict = {}
    try:
        with open(temp, "wb") as file:
            for chunk in archive_chunks(snapshot, schema_version, summary):
                file.write(chunk)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return dict(summary, bytes=target.stat().st_size)


# --- reading --------------------------------------------------------------------------------------------

def _safe_path(name: str) -> str | None:
    """The data-folder path of a member name under donnees/, or None when it could escape the folder."""
    if not name.startswith(DATA_PREFIX):
        return None
    path = PurePosixPath(name[len(DATA_PREFIX):])
    if not path.parts or path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        return None
    return str(path)


def read_members(archive: Path) -> Iterator[tuple[str, bytes, int]]:
    """(data-folder path or MANIFEST, content, mode) of each member, in order; ArchiveRefused when unreadable."""
    try:
        with tarfile.open(archive, mode="r|gz") as tar:
            for member in tar:
                if member.name == MANIFEST and member.isfile():
                    yield MANIFEST, tar.extractfile(member).read(), member.mode
                    continue
                path = _safe_path(member.name)
                if path is None or not member.isfile():
                    raise ArchiveRefused(f"L'archive contient un élément inattendu (« {member.name} ») : ce n'est pas "
                                         "une sauvegarde du portail, elle n'est pas restaurée.")
                yield path, tar.extractfile(member).read(), member.mode
    except FileNotFoundError:
        raise ArchiveRefused(f"Le fichier « {archive} » n'existe pas.") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise ArchiveRefused(f"L'archive « {archive} » est illisible, tronquée ou abîmée ({type(error).__name__}) : "
                             "elle n'est pas restaurée.") from None


def check_archive(archive: Path) -> dict:
    """Read the whole archive and check every file against the manifest; returns the manifest or raises
    ArchiveRefused (a French message saying what is wrong)."""
    digests: dict[str, dict] = {}
    manifest = None
    for path, data, _mode in read_members(archive):
        if path == MANIFEST:
            try:
                manifest = json.loads(data.decode("utf-8"))
            except ValueError:
                raise ArchiveRefused("Le manifeste de l'archive est illisible : elle n'est pas restaurée.") from None
        else:
            digests[path] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or not isinstance(manifest.get("files"), dict):
        raise ArchiveRefused("L'archive n'a pas de manifeste de sauvegarde du portail (fichier tronqué, ou ce n'est pas "
                             "une sauvegarde du portail) : elle n'est pas restaurée.")
    expected = manifest["files"]
    missing = sorted(set(expected) - set(digests))
    extra = sorted(set(digests) - set(expected))
    damaged = sorted(path for path in set(expected) & set(digests) if expected[path] != digests[path])
    for problem, paths in (("fichiers absents", missing), ("fichiers hors du manifeste", extra),
                           ("somme de contrôle fausse", damaged)):
        if paths:
            shown = ", ".join(paths[:5]) + (" …" if len(paths) > 5 else "")
            raise ArchiveRefused(f"Archive abîmée ({problem} : {shown}) : rien n'a été restauré.")
    return manifest
