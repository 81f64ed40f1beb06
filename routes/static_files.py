"""The /static/ route: files of static/ (routes/assets.py) with long caching for hashed URLs, ETags, gzip and ranges.

A URL with the current hash is cached a year (`immutable`); the plain URL and a URL with an older hash (a page a
browser kept) get the current file, kept but revalidated (If-None-Match -> 304)."""
from __future__ import annotations

import bottle
from bottle import Bottle, abort, request

from routes import web
from routes.assets import StaticFile, resolve
from routes.compression import accepts_gzip

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"  # may be kept, but asked about (If-None-Match) before each use
app = Bottle()


def etag_matches(if_none_match: str, etag: str) -> bool:
    """Whether If-None-Match names etag (weak comparison, as RFC 9110 asks for it; a proxy may weaken ours)."""
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags


def asked_range(version: StaticFile) -> str:
    """The Range header to honour: '' when none, or when If-Range names another version."""
    range_header = request.environ.get("HTTP_RANGE", "")
    if_range = request.environ.get("HTTP_IF_RANGE")
    if range_header and if_range is not None and if_range.strip() != version.etag(False):
        return ""
    return range_header


def partial_answer(version: StaticFile, headers: dict, range_header: str):
    """206 with the first asked byte range of the plain bytes (a range is never served gzipped), or 416."""
    size = len(version.body)
    ranges = list(bottle.parse_range_header(range_header, size))
    if not ranges:
        headers.update({"Content-Range": f"bytes */{size}", "Content-Length": "0"})
        return bottle.HTTPResponse("", status=416, **headers)
    start, end = ranges[0]
    headers.update({"ETag": version.etag(False), "Content-Range": f"bytes {start}-{end - 1}/{size}",
                    "Content-Length": str(end - start)})
    return bottle.HTTPResponse(version.body[start:end], status=206, **headers)


def use_gzip(version: StaticFile) -> bool:
    return (version.gzipped is not None and bool(web.portal().settings["compression"])
            and accepts_gzip(request.environ.get("HTTP_ACCEPT_ENCODING", "")))


def static_answer(version: StaticFile, cache_control: str):
    """304 when the browser holds this representation, the asked range, else the whole file, gzipped when the
    browser accepts it and compression is on. HEAD gets the same headers (Bottle drops the body)."""
    web.mark_static_answer()
    gzipped = use_gzip(version)
    body = version.gzipped if gzipped else version.body
    headers = {"Content-Type": version.content_type, "Cache-Control": cache_control, "Accept-Ranges": "bytes",
               "ETag": version.etag(gzipped), "Content-Length": str(len(body))}
    if etag_matches(request.environ.get("HTTP_IF_NONE_MATCH", ""), version.etag(gzipped)):
        return bottle.HTTPResponse(status=304, **headers)
    range_header = asked_range(version)
    if range_header:
        return partial_answer(version, headers, range_header)
    if gzipped:
        headers["Content-Encoding"] = "gzip"
    return bottle.HTTPResponse(body, **headers)


@app.get("/static/<path:path>")
def static(path: str):
    found = resolve(path)
    if found is None:
        abort(404)
    version, digest = found
    return static_answer(version, IMMUTABLE if digest == version.digest else REVALIDATE)
