"""gzip for text answers: whether the browser accepts it, whether an answer is worth it, and the compressing itself.

No Bottle here: routes/web.py applies it to every answer the app builds, routes/static_files.py to the static files
(compressed once per file version)."""
from __future__ import annotations

import gzip

# Below about one kilobyte gzip saves less than a network packet and costs a header: not worth it.
GZIP_MIN_BYTES = 1024
# Pages are compressed on every request. On the family home (4.4 KB, tests/perf/page_weight.py --gzip-levels) level 4
# gives the bytes of level 6 (+0.4 %) for about 23 µs of CPU instead of 25-37 µs; levels 1-3 save 3-4 µs more but
# send 5 % more bytes. Any level costs under 2 % of the ~1.8 ms the page takes. Static files are gzipped once per
# version: the best level.
PAGE_GZIP_LEVEL = 4
STATIC_GZIP_LEVEL = 9
# Text worth compressing. Never PDFs or images: they are compressed already, gzip only costs CPU.
COMPRESSIBLE_TYPES = frozenset({
    "text/html", "text/css", "text/csv", "text/plain", "text/javascript", "application/javascript",
    "application/json",
})
# Answers with no body, or a part of a body (a Range answer is always the identity encoding here).
STATUSES_WITHOUT_FULL_BODY = frozenset({204, 206, 304})


def gzip_quality(accept_encoding: str) -> float:
    """The q-value the Accept-Encoding header gives gzip (0 when refused or not named, directly or through '*')."""
    named: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, _, parameters = part.strip().partition(";")
        coding = coding.strip().lower()
        if coding:
            named[coding] = _quality(parameters)
    for coding in ("gzip", "x-gzip", "*"):
        if coding in named:
            return named[coding]
    return 0.0


def _quality(parameters: str) -> float:
    """The q of ';q=0.5' (1 when absent; 0 when unreadable: better uncompressed than unreadable by the browser)."""
    for parameter in parameters.split(";"):
        name, _, value = parameter.strip().partition("=")
        if name.strip().lower() == "q":
            try:
                quality = float(value.strip())
            except ValueError:
                return 0.0
            return quality if 0.0 <= quality <= 1.0 else 0.0
    return 1.0


def accepts_gzip(accept_encoding: str) -> bool:
    """True when the browser said it reads gzip (`gzip`, `gzip;q=0.8`, `*`), false for `gzip;q=0` or nothing."""
    return gzip_quality(accept_encoding) > 0


def media_type(content_type: str) -> str:
    """'text/html' of 'text/html; charset=UTF-8'."""
    return content_type.split(";", 1)[0].strip().lower()


def is_compressible(content_type: str) -> bool:
    """Whether answers of this Content-Type are text worth compressing."""
    return media_type(content_type) in COMPRESSIBLE_TYPES


def worth_compressing(status: int, headers: dict[str, str], size: int) -> bool:
    """Whether an answer (status, headers with lower-case names, body size) should go out gzipped: text of at least
    GZIP_MIN_BYTES, whole, not encoded already, and not marked no-transform."""
    return (status >= 200 and status not in STATUSES_WITHOUT_FULL_BODY and size >= GZIP_MIN_BYTES
            and is_compressible(headers.get("content-type", ""))
            and not headers.get("content-encoding")
            and "no-transform" not in headers.get("cache-control", "").lower())


def gzip_bytes(data: bytes, level: int) -> bytes:
    """data gzipped; the same bytes for the same data (no time stamp in the header)."""
    return gzip.compress(data, compresslevel=level, mtime=0)


def with_vary(vary: str, field: str) -> str:
    """A Vary header value that also names field (once)."""
    fields = [name.strip() for name in vary.split(",") if name.strip()]
    if "*" in fields or field.lower() in (name.lower() for name in fields):
        return ", ".join(fields)
    return ", ".join(fields + [field])
