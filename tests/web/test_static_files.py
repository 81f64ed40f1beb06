"""Static files: pages link them by URLs that carry a hash of their content, cached a year (`immutable`); the plain
URL and an older hash still get the current file, revalidated by ETag (304); gzip once per file version; Range and
HEAD as HTTP says. Answers are read as sent (helpers.wire_answer): WebTest would decode them."""
from __future__ import annotations

import gzip
import hashlib
import os
import re
from pathlib import Path

import pytest
from webtest import TestApp

from helpers import wire_answer
from routes import assets

GZIP = {"Accept-Encoding": "gzip"}
STATIC = Path(__file__).resolve().parents[2] / "static"
VIEWS = Path(__file__).resolve().parents[2] / "views"
HTMX = "js/htmx-1.9.12.min.js"
YEAR = "public, max-age=31536000, immutable"


def digest_of(relative: str) -> str:
    return hashlib.sha256((STATIC / relative).read_bytes()).hexdigest()[:12]


def hashed(relative: str) -> str:
    stem, _, suffix = relative.rpartition(".")
    return f"/static/{stem}.{digest_of(relative)}.{suffix}"


def static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.fixture
def scratch_static(tmp_path, monkeypatch):
    """A static/ folder of our own, and an empty cache of file versions."""
    folder = tmp_path / "static"
    folder.mkdir()
    monkeypatch.setattr(assets, "STATIC", folder)
    monkeypatch.setattr(assets, "_versions", {})
    return folder


def test_pages_link_their_css_script_and_icon_by_content_hash(family_client):
    links = static_links(family_client.get("/accueil").text)
    assert sorted(links) == sorted([hashed("css/portal.css"), hashed(HTMX), hashed("favicon.svg")])


def test_hashed_url_is_cached_a_year_and_never_revalidated(demo_client):
    answer = demo_client.get(hashed(HTMX))
    assert answer.headers["Cache-Control"] == YEAR
    assert answer.body == (STATIC / HTMX).read_bytes()
    assert "javascript" in answer.content_type


def test_the_long_cache_is_not_lost_at_every_login(demo_client):
    """A static answer that varied with the cookie would be fetched again after each login."""
    answer = demo_client.get(hashed("css/portal.css"))
    assert "cookie" not in answer.headers.get("Vary", "").lower()


def test_plain_url_is_served_but_revalidated_by_etag(demo_client):
    answer = demo_client.get("/static/css/portal.css")
    assert answer.headers["Cache-Control"] == "public, no-cache"
    etag = answer.headers["ETag"]
    again = demo_client.get("/static/css/portal.css", headers={"If-None-Match": etag}, status=304)
    assert again.body == b"" and again.headers["ETag"] == etag
    assert demo_client.get("/static/css/portal.css", headers={"If-None-Match": '"autre"'}).status_int == 200


@pytest.mark.parametrize("if_none_match", ['"{tag}"', 'W/"{tag}"', '"autre", "{tag}"', "*"])
def test_hashed_url_answers_304_when_the_browser_holds_it(demo_client, if_none_match):
    tag = demo_client.get(hashed(HTMX)).headers["ETag"].strip('"')
    answer = wire_answer(demo_client, hashed(HTMX), {"If-None-Match": if_none_match.format(tag=tag)})
    assert answer.status_int == 304 and answer.body == b""
    assert answer.headers["Cache-Control"] == YEAR and answer.headers["ETag"] == f'"{tag}"'


def test_gzipped_and_plain_bytes_have_their_own_etag(demo_client):
    plain = wire_answer(demo_client, hashed(HTMX))
    zipped = wire_answer(demo_client, hashed(HTMX), GZIP)
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.body) == plain.body
    assert plain.headers["ETag"] != zipped.headers["ETag"]
    assert len(zipped.body) < len(plain.body) / 2 and int(zipped.headers["Content-Length"]) == len(zipped.body)
    assert "accept-encoding" in zipped.headers["Vary"].lower() and "accept-encoding" in plain.headers["Vary"].lower()
    # the plain bytes a browser holds are no answer to a browser that now wants gzip
    assert wire_answer(demo_client, hashed(HTMX), {**GZIP, "If-None-Match": plain.headers["ETag"]}).status_int == 200


@pytest.mark.parametrize("old_hash", ["000000000000", "0123456789ab"])
def test_a_page_kept_by_a_browser_asking_for_an_older_hash_gets_the_current_file(demo_client, old_hash):
    answer = demo_client.get(f"/static/css/portal.{old_hash}.css")
    assert answer.body == (STATIC / "css/portal.css").read_bytes()
    assert answer.headers["Cache-Control"] == "public, no-cache", "not kept a year under a name that is not its own"


def test_range_gets_plain_bytes_even_when_gzip_is_accepted(demo_client):
    body = (STATIC / HTMX).read_bytes()
    answer = wire_answer(demo_client, hashed(HTMX), {**GZIP, "Range": "bytes=100-199"})
    assert answer.status_int == 206
    assert "Content-Encoding" not in answer.headers
    assert answer.body == body[100:200] and answer.headers["Content-Length"] == "100"
    assert answer.headers["Content-Range"] == f"bytes 100-199/{len(body)}"
    assert answer.headers["Accept-Ranges"] == "bytes"


def test_range_beyond_the_file_is_416_and_if_range_of_another_version_gets_it_all(demo_client):
    size = len((STATIC / HTMX).read_bytes())
    beyond = wire_answer(demo_client, hashed(HTMX), {"Range": f"bytes={size}-"})
    assert beyond.status_int == 416 and beyond.headers["Content-Range"] == f"bytes */{size}" and beyond.body == b""
    stale = wire_answer(demo_client, hashed(HTMX), {"Range": "bytes=0-9", "If-Range": '"ancienne"'})
    assert stale.status_int == 200 and len(stale.body) == size


def test_head_of_a_static_file_gives_the_headers_of_get_and_no_body(demo_client):
    for headers in ({}, GZIP):
        get = wire_answer(demo_client, hashed(HTMX), headers)
        head = wire_answer(demo_client, hashed(HTMX), headers, method="HEAD")
        assert head.status_int == 200 and head.body == b""
        for name in ("Content-Type", "Content-Length", "Content-Encoding", "ETag", "Cache-Control", "Vary"):
            assert head.headers.get(name) == get.headers.get(name), name


def test_family_pages_keep_no_store(family_client):
    assert family_client.get("/accueil").headers["Cache-Control"] == "no-store"
    assert family_client.get("/static/nulle-part.css", status=404).headers["Cache-Control"] == "no-store"


def test_a_file_is_gzipped_once_per_version_and_a_new_version_gets_a_new_url(scratch_static, demo_app, monkeypatch):
    calls = []
    monkeypatch.setattr(assets, "gzip_bytes", lambda data, level: calls.append(len(data)) or gzip.compress(data))
    monkeypatch.setattr(assets, "RECHECK_SECONDS", 0)  # the page after the edit, not a second later
    style = scratch_static / "site.css"
    style.write_text("body { color: black; }\n" * 100)
    client = TestApp(demo_app)
    first_url = assets.static_url("site.css")
    for _ in range(3):
        assert wire_answer(client, first_url, GZIP).headers["Content-Encoding"] == "gzip"
    assert assets.static_url("site.css") == first_url and len(calls) == 1
    style.write_text("body { color: navy; }\n" * 100)
    os.utime(style, ns=(style.stat().st_atime_ns, style.stat().st_mtime_ns + 1_000_000_000))
    second_url = assets.static_url("site.css")
    assert second_url != first_url and len(calls) == 2
    assert b"navy" in client.get(first_url).body, "the old URL gets the current file"
    assert client.get(second_url).headers["Cache-Control"] == YEAR


def test_small_or_binary_files_are_not_gzipped(scratch_static, demo_app):
    (scratch_static / "petit.css").write_text("a{}")
    (scratch_static / "image.png").write_bytes(b"\x89PNG" + b"\0" * 5000)
    client = TestApp(demo_app)
    for name in ("petit.css", "image.png"):
        answer = wire_answer(client, assets.static_url(name), GZIP)
        assert answer.status_int == 200 and "Content-Encoding" not in answer.headers, name


def test_a_real_name_that_looks_hashed_is_served_as_it_is(scratch_static, demo_app):
    (scratch_static / "notes.0123456789ab.txt").write_text("vrai fichier")
    (scratch_static / "notes.txt").write_text("autre fichier")
    assert TestApp(demo_app).get("/static/notes.0123456789ab.txt").text == "vrai fichier"


def test_static_url_of_a_missing_file_is_an_error():
    with pytest.raises(FileNotFoundError):
        assets.static_url("css/absent.css")


def test_templates_build_static_urls_with_the_helper_only():
    """A literal /static/ link would miss the hash: stale after a change, or never cached long."""
    literal = [str(path.relative_to(VIEWS)) for path in VIEWS.rglob("*.tpl") if "/static/" in path.read_text()]
    assert literal == []
