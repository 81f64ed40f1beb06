"""CSRF on every POST, security headers on every answer, errors that never leak a traceback."""
from __future__ import annotations

import logging

import pytest
from helpers import DEMO_FAMILY, csrf_from, login_family

from routes import web
from routes.web import ANONYMOUS_CSRF_COOKIE, SESSION_COOKIE

EXPECTED_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy")


def session_count(app) -> int:
    return len(app.portal.sessions._sessions)


def assert_security_headers(answer):
    for name in EXPECTED_HEADERS:
        assert name in answer.headers, f"{name} missing on a {answer.status} answer"
    csp = answer.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")


@pytest.fixture
def failing_app(demo_app):
    """The demo app with a route that crashes, as a bug would."""
    @demo_app.get("/essai/plantage")
    def crash():
        raise RuntimeError("détail interne secret_xyz")

    return demo_app


# --- CSRF -----------------------------------------------------------------------------------------

def post_login(client, **extra):
    fields = {"identifiant": DEMO_FAMILY[0], "mot_de_passe": DEMO_FAMILY[1]}
    fields.update(extra)
    return client.post("/connexion", fields, status="*")


def assert_csrf_refusal(answer):
    assert answer.status_int == 403
    text = answer.html.get_text(" ")
    assert "Accès refusé" in text and "jeton de sécurité" in text and "Rien n'a été enregistré" in text
    assert answer.html.find("html")["lang"] == "fr"


def test_login_without_csrf_token_is_refused_and_logs_nobody_in(demo_client, demo_app):
    demo_client.get("/connexion")
    answer = post_login(demo_client)
    assert_csrf_refusal(answer)
    assert SESSION_COOKIE not in demo_client.cookies
    assert session_count(demo_app) == 0


def test_login_with_wrong_csrf_token_is_refused(demo_client, demo_app):
    demo_client.get("/connexion")
    answer = post_login(demo_client, csrf_token="x" * 43)
    assert_csrf_refusal(answer)
    assert session_count(demo_app) == 0


def test_login_without_csrf_cookie_is_refused(demo_client, demo_app):
    """A cross-site form cannot carry our cookie; the token alone is not enough."""
    token = csrf_from(demo_client.get("/connexion"))
    demo_client.reset()
    answer = post_login(demo_client, csrf_token=token)
    assert_csrf_refusal(answer)
    assert session_count(demo_app) == 0


def test_csrf_token_in_header_is_accepted(demo_client):
    token = csrf_from(demo_client.get("/connexion"))
    answer = demo_client.post("/connexion", {"identifiant": DEMO_FAMILY[0], "mot_de_passe": DEMO_FAMILY[1]},
                              headers={"X-CSRF-Token": token})
    assert answer.status_int == 303


def test_logout_without_or_with_wrong_token_keeps_the_session(family_client, demo_app):
    assert_csrf_refusal(family_client.post("/deconnexion", {}, status=403))
    assert_csrf_refusal(family_client.post("/deconnexion", {"csrf_token": "faux"}, status=403))
    assert session_count(demo_app) == 1
    assert family_client.get("/accueil").status_int == 200


def test_anonymous_token_no_longer_works_once_logged_in(demo_client):
    anonymous = csrf_from(demo_client.get("/connexion"))
    login_family(demo_client, *DEMO_FAMILY)
    assert_csrf_refusal(demo_client.post("/deconnexion", {"csrf_token": anonymous}, status=403))
    assert demo_client.get("/accueil").status_int == 200


def test_another_sessions_token_is_refused(demo_app):
    from webtest import TestApp
    first, second = TestApp(demo_app), TestApp(demo_app)
    login_family(first, *DEMO_FAMILY)
    login_family(second, *DEMO_FAMILY)
    token_of_first = csrf_from(first.get("/accueil"))
    assert_csrf_refusal(second.post("/deconnexion", {"csrf_token": token_of_first}, status=403))
    assert second.get("/accueil").status_int == 200 and session_count(demo_app) == 2


def test_every_form_on_the_pages_carries_the_csrf_token(family_client):
    for url in ("/accueil",):
        page = family_client.get(url)
        for form in page.html.find_all("form"):
            if (form.get("method") or "get").lower() == "post":
                assert form.find("input", attrs={"name": "csrf_token"}), form


def test_csrf_cookie_is_httponly_and_samesite(demo_client):
    answer = demo_client.get("/connexion")
    cookie = next(c for c in answer.headers.getall("Set-Cookie") if c.startswith(ANONYMOUS_CSRF_COOKIE))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_secure_cookies_when_configured_for_https(demo_dir):
    from webtest import TestApp

    from portal import create_app
    client = TestApp(create_app(demo_dir, {"secure_cookies": True}), extra_environ={"wsgi.url_scheme": "https"})
    answer = login_family(client, *DEMO_FAMILY)
    cookie = next(c for c in answer.headers.getall("Set-Cookie") if c.startswith(SESSION_COOKIE + "="))
    assert "secure" in cookie.lower()


def test_oversized_post_is_refused_in_french(demo_client, monkeypatch):
    token = csrf_from(demo_client.get("/connexion"))
    monkeypatch.setattr(web, "MAX_BODY_BYTES", 1000)
    answer = demo_client.post("/connexion", {"csrf_token": token, "identifiant": "x" * 5000}, status="*")
    assert answer.status_int == 413
    assert "trop volumineux" in answer.text


# --- security headers -------------------------------------------------------------------------------

def test_security_headers_on_a_page(demo_client):
    answer = demo_client.get("/connexion")
    assert answer.status_int == 200
    assert_security_headers(answer)
    assert answer.headers["Cache-Control"] == "no-store"
    for name in ("HX-Request", "HX-Boosted", "HX-History-Restore-Request"):
        assert name in answer.headers["Vary"]


def test_security_headers_on_a_redirect(demo_client):
    answer = demo_client.get("/accueil")
    assert answer.status_int == 303
    assert_security_headers(answer)


def test_security_headers_on_login_redirect_that_sets_the_cookie(demo_client):
    answer = login_family(demo_client, *DEMO_FAMILY)
    assert answer.status_int == 303
    assert_security_headers(answer)


def test_security_headers_on_logged_in_page(family_client):
    answer = family_client.get("/accueil")
    assert_security_headers(answer)
    assert answer.headers["Cache-Control"] == "no-store"


def test_security_headers_on_404(demo_client):
    answer = demo_client.get("/nulle-part", status=404)
    assert_security_headers(answer)


def test_security_headers_on_403(demo_client):
    demo_client.get("/connexion")
    answer = post_login(demo_client)
    assert answer.status_int == 403
    assert_security_headers(answer)


def test_security_headers_on_405(demo_client):
    assert_security_headers(demo_client.get("/deconnexion", status=405))


def test_security_headers_on_static_files(demo_client):
    answer = demo_client.get("/static/css/portal.css")
    assert answer.status_int == 200
    assert_security_headers(answer)
    assert "no-store" not in answer.headers.get("Cache-Control", "")


def test_static_files_cannot_escape_the_static_folder(demo_client):
    for url in ("/static/../portal.py", "/static/%2e%2e/portal.py", "/static/..%2fportal.py"):
        answer = demo_client.get(url, status="*")
        assert answer.status_int in (403, 404), url
        assert "create_app" not in answer.text


# --- errors -----------------------------------------------------------------------------------------

def test_server_error_page_is_french_without_traceback_and_is_logged(failing_app, caplog):
    from webtest import TestApp
    client = TestApp(failing_app)
    with caplog.at_level(logging.ERROR, logger="portal"):
        answer = client.get("/essai/plantage", status=500, expect_errors=True)
    assert answer.html.find("html")["lang"] == "fr"
    assert "Erreur du serveur" in answer.text
    for leak in ("Traceback", "secret_xyz", "RuntimeError", "routes/", ".py"):
        assert leak not in answer.text
    assert_security_headers(answer)
    logged = "\n".join(record.getMessage() for record in caplog.records if record.name == "portal")
    assert "/essai/plantage" in logged and "secret_xyz" in logged


def test_server_error_for_a_logged_in_family_keeps_layout(failing_app):
    from webtest import TestApp
    client = TestApp(failing_app)
    login_family(client, *DEMO_FAMILY)
    answer = client.get("/essai/plantage", status=500, expect_errors=True)
    assert "Erreur du serveur" in answer.text and "Traceback" not in answer.text


def test_output_is_escaped(demo_client):
    page = login_family(demo_client, "<script>alert(1)</script>", "x")
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
