"""The files of static/ as they are served: read and gzipped once per version, named by a hash of their content.

static_url('css/portal.css') gives '/static/css/portal.<hash>.css': that URL always means these bytes, so browsers
may keep it a year without asking again; a changed file gets a new URL. A file is re-read when its mtime or size
changes (editing the CSS while the portal runs works), otherwise served from memory. No Bottle here: the route is
routes/static_files.py, and routes/web.py hands static_url to every template."""
from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import stat as stat_mode
import time
from dataclasses import dataclass
from pathlib import Path

from routes.compression import GZIP_MIN_BYTES, STATIC_GZIP_LEVEL, gzip_bytes, is_compressible

STATIC = Path(__file__).resolve().parent.parent / "static"
DIGEST_LENGTH = 12
HASHED_NAME = re.compile(r"^(?P<stem>[^/]+)\.(?P<digest>[0-9a-f]{%d})(?P<suffix>\.[^./]+)?$" % DIGEST_LENGTH)


@dataclass(frozen=True)
class StaticFile:
    """One version of a file of static/: its bytes, gzipped bytes (None when not worth it), hash and type."""
    relative: str
    version: tuple[int, int]  # (mtime_ns, size) of the file when read
    body: bytes
    gzipped: bytes | None
    digest: str
    content_type: str

    def etag(self, gzipped: bool) -> str:
        """A strong ETag per encoding: the gzipped bytes are another representation than the plain ones."""
        return f'"{self.digest}-gzip"' if gzipped else f'"{self.digest}"'

    def hashed_url(self) -> str:
        """'/static/css/portal.<digest>.css' (a name without a suffix: '/static/name.<digest>')."""
        folder, _, name = self.relative.rpartition("/")
        stem, dot, suffix = name.rpartition(".")
        hashed = f"{stem}.{self.digest}.{suffix}" if dot and stem else f"{name}.{self.digest}"
        return "/static/" + (folder + "/" if folder else "") + hashed


# relative path -> the version last read (a stale one is replaced). Waitress threads share it without a lock: a
# dict read or write is atomic, and two threads reading the same new version at once only do the work twice.
_versions: dict[str, StaticFile] = {}
# (static folder, relative path) -> the resolved path inside it: resolving (a realpath, one lstat per component) was
# a sixth of a family page's CPU, three static_url() calls per page. Only names that are inside static/ are kept.
_resolved: dict[tuple[Path, str], Path] = {}


def file_path(relative: str) -> Path | None:
    """The file of static/ a relative path names, or None (missing, a folder, or outside static/)."""
    if not relative or "\\" in relative or "\0" in relative:
        return None
    key = (STATIC, relative)
    path = _resolved.get(key)
    if path is None:
        path = (STATIC / relative).resolve()
        if not path.is_relative_to(STATIC):
            return None
        if len(_resolved) < 1000:  # names come from URLs too: bounded
            _resolved[key] = path
    return path


def _file_stat(path: Path) -> os.stat_result | None:
    """The stat of a regular file, or None (missing or not a regular file)."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return found if stat_mode.S_ISREG(found.st_mode) else None


def content_type_of(path: Path) -> str:
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed == "application/javascript":
        guessed += "; charset=UTF-8"
    return guessed


def read_version(relative: str, path: Path, version: tuple[int, int]) -> StaticFile:
    """Read and gzip one file: the only place that does, once per version."""
    body = path.read_bytes()
    content_type = content_type_of(path)
    gzipped = None
    if is_compressible(content_type) and len(body) >= GZIP_MIN_BYTES:
        gzipped = gzip_bytes(body, STATIC_GZIP_LEVEL)
    digest = hashlib.sha256(body).hexdigest()[:DIGEST_LENGTH]
    return StaticFile(relative, version, body, gzipped, digest, content_type)


def static_version(relative: str) -> StaticFile | None:
    """The current version of a file of static/ (re-read when its mtime or size changed), or None when absent."""
    path = file_path(relative)
    stat = _file_stat(path) if path is not None else None
    if stat is None:
        return None
    version = (stat.st_mtime_ns, stat.st_size)
    known = _versions.get(relative)
    if known is None or known.version != version:
        known = _versions[relative] = read_version(relative, path, version)
    return known


# static_url() looks at a file again at most once per RECHECK_SECONDS: every page names three files, and each look
# (a stat) lets another thread take the interpreter lock; a file edited while the portal runs gets its new URL within
# a second. Keyed by the static folder too (the tests use their own).
RECHECK_SECONDS = 1.0
_urls: dict[tuple[Path, str], tuple[float, str]] = {}


def static_url(relative: str) -> str:
    """The URL of a file of static/ for templates, e.g. static_url('css/portal.css'): with its content hash."""
    key, now = (STATIC, relative), time.monotonic()
    known = _urls.get(key)
    if known is not None and now - known[0] < RECHECK_SECONDS:
        return known[1]
    version = static_version(relative)
    if version is None:
        raise FileNotFoundError(f"static/{relative} does not exist")
    url = version.hashed_url()
    _urls[key] = (now, url)  # names come from the templates only: a few entries
    return url


def resolve(asked: str) -> tuple[StaticFile, str | None] | None:
    """(the file, the hash its URL carries or None) for the path after /static/; None when there is no such file.
    A real file name wins over reading a hash in it; any hash gives the current file (a page a browser kept may ask
    for the previous one)."""
    version = static_version(asked)
    if version is not None:
        return version, None
    folder, _, name = asked.rpartition("/")
    match = HASHED_NAME.match(name)
    if match is None:
        return None
    plain = (folder + "/" if folder else "") + match["stem"] + (match["suffix"] or "")
    version = static_version(plain)
    return (version, match["digest"]) if version is not None else None
