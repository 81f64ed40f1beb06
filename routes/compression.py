"""gzip for text answers: whether the browser accepts it, whether an answer is worth it, and the step that compresses
every answer of the app (installed last by routes/web.py). Static files come gzipped already (routes/assets.py, once
per file version) and pass through. No Bottle here: plain WSGI."""
from __future__ import annotations

import gzip
import itertools
from typing import Callable

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


# --- the step that compresses the app's answers -------------------------------------------------------------------
# It sees the finished answer: Bottle runs its after_request hooks before a route's returned text becomes the body,
# and renders error pages later still, so this step wraps the app's WSGI callable instead of being such a hook.
# BREACH: a page holding a secret (the CSRF token) and text taken from the request leaks that secret through its
# compressed size if a third-party site can make the browser load it many times. Pages fetched for another site
# (Sec-Fetch-Site: cross-site or same-site) therefore go uncompressed: the first page opened from a link in a mail
# costs a few kilobytes more. Pages are never stored by caches (no-store), so Vary does not name Sec-Fetch-Site.

def compress_answers(app, enabled: Callable[[], bool]) -> None:
    """Make app (a Bottle app) gzip its text answers whenever enabled() is true."""
    build = app.wsgi

    def wsgi(environ, start_response):
        if not enabled():
            return build(environ, start_response)
        return compressed_answer(build, environ, start_response)
    app.wsgi = wsgi  # Bottle.__call__ calls self.wsgi: the app object stays the one tests and Waitress hold


def compressed_answer(build, environ: dict, start_response):
    """The answer build gives, gzipped when worth it. HEAD is built as a GET, so that its headers (Content-Length,
    Content-Encoding) are the ones a GET gets; its body is then dropped."""
    wanted = accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING", "")) and not asked_for_another_site(environ)
    head = environ.get("REQUEST_METHOD") == "HEAD"
    if head and wanted:
        environ = dict(environ, REQUEST_METHOD="GET")
    started, written = {}, []

    def keep(status, headers, exc_info=None):
        started.update(status=status, headers=headers, exc_info=exc_info)
        return written.append  # WSGI's write(): Bottle never calls it; what it would write goes first
    body = build(environ, keep)
    if written:
        body = itertools.chain(written, body)
    body, headers = encoded_body(int(started["status"][:3]), started["headers"], body, wanted)
    start_response(started["status"], headers, started["exc_info"])
    if head:
        getattr(body, "close", lambda: None)()
        return []
    return body


def asked_for_another_site(environ: dict) -> bool:
    """True when the browser says another site made it send this request (Sec-Fetch-Site; old browsers say nothing)."""
    return environ.get("HTTP_SEC_FETCH_SITE", "") in ("cross-site", "same-site")


def encoded_body(status: int, headers: list[tuple[str, str]], body, wanted: bool):
    """(body, headers) to send: text answers say they vary with Accept-Encoding, and go gzipped when wanted and worth
    it. A streamed body (not a list) passes as it is."""
    fields = {name.lower(): value for name, value in headers}
    if not is_compressible(fields.get("content-type", "")):
        return body, headers
    headers = replaced_header(headers, "Vary", with_vary(fields.get("vary", ""), "Accept-Encoding"))
    if not wanted or not isinstance(body, list):
        return body, headers
    data = b"".join(body)
    if not worth_compressing(status, fields, len(data)):
        return [data], headers
    packed = gzip_bytes(data, PAGE_GZIP_LEVEL)
    headers = replaced_header(replaced_header(headers, "Content-Encoding", "gzip"), "Content-Length", str(len(packed)))
    return [packed], headers


def replaced_header(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """headers with every `name` field replaced by one `name: value`."""
    return [(key, old) for key, old in headers if key.lower() != name.lower()] + [(name, value)]
