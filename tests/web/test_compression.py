"""gzip over the wire: text answers of 1 KB and more go out gzipped to browsers that accept it, with
Vary: Accept-Encoding; never PDFs or images; HEAD gets the headers of GET; the setting turns it off (a reverse proxy
that compresses itself). Answers are read as sent (helpers.wire_answer): WebTest would decode them."""
from __future__ import annotations

import gzip

import bottle
import pytest

from helpers import wire_answer
from portal import create_app, parse_args, start_up_settings
from routes.compression import GZIP_MIN_BYTES, accepts_gzip
from webtest import TestApp

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def vary_fields(answer) -> list[str]:
    return [name.strip().lower() for name in answer.headers.get("Vary", "").split(",")]


@pytest.fixture
def text_routes(demo_app):
    """The demo app with answers of chosen sizes and types, as routes of the app would give them."""
    @demo_app.get("/essai/texte/<size:int>")
    def text_of_size(size):
        bottle.response.content_type = "text/plain; charset=UTF-8"
        return "a" * size

    @demo_app.get("/essai/image.svg")
    def svg_image():
        return bottle.HTTPResponse("<svg xmlns='http://www.w3.org/2000/svg'>" + "<g/>" * 2000 + "</svg>",
                                   **{"Content-Type": "image/svg+xml"})
    return demo_app


def test_family_home_goes_gzipped_to_a_browser_that_accepts_it(family_client):
    plain = family_client.get("/accueil").body
    answer = wire_answer(family_client, "/accueil", GZIP)
    assert answer.status_int == 200
    assert answer.headers["Content-Encoding"] == "gzip"
    assert int(answer.headers["Content-Length"]) == len(answer.body) < len(plain) / 2
    assert gzip.decompress(answer.body) == plain
    assert "accept-encoding" in vary_fields(answer)
    assert "no-store" in answer.headers["Cache-Control"]  # family pages are still never cached


@pytest.mark.parametrize("accept_encoding", ["", "identity", "br", "deflate", "gzip;q=0", "gzip; q=0.000",
                                             "br, gzip;q=0", "*;q=0", "gzip;q=zero", "gzip;q=2"])
def test_no_gzip_unless_the_browser_accepts_it(family_client, accept_encoding):
    answer = wire_answer(family_client, "/accueil", {"Accept-Encoding": accept_encoding})
    assert "Content-Encoding" not in answer.headers
    assert answer.body == family_client.get("/accueil").body
    assert "accept-encoding" in vary_fields(answer), "the identity answer varies too: a cache must not reuse it"


@pytest.mark.parametrize("accept_encoding", ["gzip", "GZIP", "x-gzip", "*", "br;q=1, gzip;q=0.5", "gzip;q=0.001",
                                             "deflate, gzip", "br, *;q=0.1"])
def test_gzip_for_every_way_of_accepting_it(family_client, accept_encoding):
    assert wire_answer(family_client, "/accueil", {"Accept-Encoding": accept_encoding}).headers["Content-Encoding"] \
        == "gzip"


def test_a_named_refusal_wins_over_the_wildcard():
    assert not accepts_gzip("*, gzip;q=0")
    assert accepts_gzip("identity;q=0, *")


def test_answers_under_one_kilobyte_are_sent_as_they_are(text_routes):
    client = TestApp(text_routes)
    small = wire_answer(client, f"/essai/texte/{GZIP_MIN_BYTES - 1}", GZIP)
    assert "Content-Encoding" not in small.headers and len(small.body) == GZIP_MIN_BYTES - 1
    assert "accept-encoding" in vary_fields(small)
    large = wire_answer(client, f"/essai/texte/{GZIP_MIN_BYTES}", GZIP)
    assert large.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(large.body) == b"a" * GZIP_MIN_BYTES


def test_pdfs_are_never_compressed_while_the_page_linking_them_is(family_client):
    assert wire_answer(family_client, "/factures", GZIP).headers["Content-Encoding"] == "gzip"
    answer = wire_answer(family_client, "/factures/1/facture.pdf", GZIP)
    assert answer.status_int == 200 and answer.content_type == "application/pdf"
    assert answer.body.startswith(b"%PDF") and len(answer.body) > GZIP_MIN_BYTES
    assert "Content-Encoding" not in answer.headers


def test_images_are_never_compressed_even_text_ones(text_routes):
    client = TestApp(text_routes)
    answer = wire_answer(client, "/essai/image.svg", GZIP)
    assert answer.status_int == 200 and len(answer.body) > 8000
    assert "Content-Encoding" not in answer.headers
    assert wire_answer(client, "/essai/texte/8000", GZIP).headers["Content-Encoding"] == "gzip"


def test_the_data_download_json_is_compressed(family_client):
    answer = wire_answer(family_client, "/mon-compte/mes-donnees.json", GZIP)
    assert answer.content_type == "application/json"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(answer.body) == family_client.get("/mon-compte/mes-donnees.json").body


def test_error_pages_are_compressed_too(family_client):
    answer = wire_answer(family_client, "/nulle-part", GZIP)
    assert answer.status_int == 404
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Page introuvable" in gzip.decompress(answer.body).decode()


def test_head_gets_the_headers_of_get_and_no_body(family_client):
    get = wire_answer(family_client, "/accueil", GZIP)
    head = wire_answer(family_client, "/accueil", GZIP, method="HEAD")
    assert head.status_int == 200 and head.body == b""
    for name in ("Content-Type", "Content-Encoding", "Content-Length", "Vary", "Cache-Control"):
        assert head.headers.get(name) == get.headers.get(name), name


def test_head_without_gzip_gets_the_plain_length(family_client):
    head = wire_answer(family_client, "/accueil", {}, method="HEAD")
    assert head.body == b"" and "Content-Encoding" not in head.headers
    assert int(head.headers["Content-Length"]) == len(family_client.get("/accueil").body)
    assert "accept-encoding" in vary_fields(head)


def test_pages_a_third_party_site_made_the_browser_ask_for_go_uncompressed(family_client):
    """BREACH: a page holding the CSRF token next to text from the request must not leak it through its size."""
    for site in ("cross-site", "same-site"):
        answer = wire_answer(family_client, "/accueil", {**GZIP, "Sec-Fetch-Site": site})
        assert "Content-Encoding" not in answer.headers, site
    for site in ("same-origin", "none"):
        assert wire_answer(family_client, "/accueil", {**GZIP, "Sec-Fetch-Site": site}).headers[
            "Content-Encoding"] == "gzip", site


def test_compression_setting_off_sends_everything_as_it_is(demo_dir):
    """Behind a reverse proxy that compresses, the portal leaves it to the proxy: pages and static files."""
    urls = ("/connexion", "/static/js/htmx-1.9.12.min.js", "/static/css/portal.css")
    for compression in (True, False):
        app = create_app(demo_dir, {"compression": compression})
        try:
            for url in urls:
                answer = wire_answer(TestApp(app), url, GZIP)
                assert answer.status_int == 200, url
                assert (answer.headers.get("Content-Encoding") == "gzip") is compression, url
                assert ("accept-encoding" in vary_fields(answer)) is compression, url
        finally:
            app.portal.close()


def test_compression_is_on_unless_the_flag_or_the_environment_turns_it_off(monkeypatch):
    monkeypatch.delenv("PORTAL_COMPRESSION", raising=False)
    assert "compression" not in start_up_settings(parse_args([]))
    assert start_up_settings(parse_args(["--no-compression"]))["compression"] is False
    monkeypatch.setenv("PORTAL_COMPRESSION", "0")
    assert start_up_settings(parse_args([]))["compression"] is False
    monkeypatch.setenv("PORTAL_COMPRESSION", "1")
    assert "compression" not in start_up_settings(parse_args([]))
