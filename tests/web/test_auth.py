"""Family and agent login, logout, throttling and who may open which area (WebTest on create_app)."""
from __future__ import annotations

import pytest
from helpers import (DEMO_FAMILY, OTHER_FAMILY, PUBLIC_ROUTES, concrete_url, csrf_from, get_page, login_agent,
                     login_family)

from routes.web import SESSION_COOKIE
from storage import throttle as throttle_module
from storage.demo import DEMO_AGENT
from storage.throttle import LoginThrottle


class Clock:
    def __init__(self):
        self.now = 5_000_000.0

    def __call__(self):
        return self.now

    def advance(self, seconds):
        self.now += seconds


def session_count(app) -> int:
    return len(app.portal.sessions._sessions)


def error_text(page) -> str:
    alert = page.html.find(id="login-error")
    return alert.get_text(" ", strip=True) if alert else ""


# --- family login ---------------------------------------------------------------------------------

def test_family_login_redirects_to_home_showing_the_family(demo_client, demo_app):
    answer = login_family(demo_client, *DEMO_FAMILY)
    assert answer.status_int == 303
    assert answer.headers["Location"].endswith("/accueil")
    cookie = answer.headers.getall("Set-Cookie")
    session_cookie = next(c for c in cookie if c.startswith(SESSION_COOKIE + "="))
    assert "HttpOnly" in session_cookie and "samesite=lax" in session_cookie.lower()
    home = answer.follow()
    assert home.status_int == 200
    assert "Bonjour Sophie MARTIN" in home.text
    assert "770400070" in home.text
    assert session_count(demo_app) == 1


def test_login_page_of_a_logged_in_family_goes_home(family_client):
    answer = family_client.get("/connexion")
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/accueil")


def test_root_sends_visitors_to_login_and_families_home(demo_client):
    assert demo_client.get("/").headers["Location"].endswith("/connexion")
    login_family(demo_client, *DEMO_FAMILY)
    assert demo_client.get("/").headers["Location"].endswith("/accueil")


@pytest.mark.parametrize("identifiant, password", [
    (DEMO_FAMILY[0], "demo2027"),        # another family's password
    (DEMO_FAMILY[0], "DEMO2026"),
    ("770400099", "demo2026"),           # unknown family
    ("../agents", "demo2026"),           # not a family number
])
def test_wrong_credentials_show_french_message_and_open_no_session(demo_client, demo_app, identifiant, password):
    page = login_family(demo_client, identifiant, password)
    assert page.status_int == 200
    assert error_text(page) == "Identifiant ou mot de passe incorrect."
    assert SESSION_COOKIE not in demo_client.cookies
    assert session_count(demo_app) == 0
    assert demo_client.get("/accueil").headers["Location"].endswith("/connexion")


def test_wrong_password_keeps_identifiant_but_not_password(demo_client):
    page = login_family(demo_client, DEMO_FAMILY[0], "mauvais1")
    assert page.html.find("input", id="identifiant")["value"] == DEMO_FAMILY[0]
    assert "mauvais1" not in page.text


def test_empty_form_asks_for_both_fields(demo_client):
    page = login_family(demo_client, "", "")
    assert "Saisissez votre identifiant et votre mot de passe." in error_text(page)


def test_login_replaces_any_earlier_session(demo_client, demo_app):
    login_family(demo_client, *DEMO_FAMILY)
    first = demo_client.cookies[SESSION_COOKIE]
    login_family(demo_client, *OTHER_FAMILY)
    second = demo_client.cookies[SESSION_COOKIE]
    assert first != second
    assert session_count(demo_app) == 1
    assert "ABDEL" in get_page(demo_client, "/accueil").text


def test_inactive_family_account_cannot_log_in(demo_client, demo_app):
    from storage.families import RECORD_ID
    with demo_app.portal.families.transaction(DEMO_FAMILY[0]) as db:
        db.table("account").update({"active": False}, doc_ids=[RECORD_ID])
    page = login_family(demo_client, *DEMO_FAMILY)
    assert "désactivé" in error_text(page)
    assert SESSION_COOKIE not in demo_client.cookies


# --- throttling -----------------------------------------------------------------------------------

def test_repeated_failures_pause_then_even_the_right_password_is_refused(demo_client, demo_app):
    demo_app.portal.throttle = LoginThrottle(clock=Clock())  # frozen: the pause cannot run out mid-test
    for _ in range(throttle_module.FREE_FAILURES + 1):
        assert error_text(login_family(demo_client, DEMO_FAMILY[0], "mauvais1")) == "Identifiant ou mot de passe incorrect."
    page = login_family(demo_client, *DEMO_FAMILY)
    assert page.status_int == 429
    assert error_text(page).startswith("Trop d'essais")
    assert SESSION_COOKIE not in demo_client.cookies
    assert session_count(demo_app) == 0


def test_lock_after_ten_failures_holds_against_the_right_password(demo_client, demo_app):
    clock = Clock()
    demo_app.portal.throttle = LoginThrottle(clock=clock)
    for _ in range(throttle_module.LOCK_AFTER_FAILURES):
        clock.advance(throttle_module.MAX_PAUSE_SECONDS + 1)  # wait out each pause
        assert error_text(login_family(demo_client, DEMO_FAMILY[0], "mauvais1")) == "Identifiant ou mot de passe incorrect."
    clock.advance(throttle_module.MAX_PAUSE_SECONDS + 1)
    page = login_family(demo_client, *DEMO_FAMILY)
    assert page.status_int == 429
    assert "bloqué" in error_text(page) and "Trop d'essais" in error_text(page)
    assert session_count(demo_app) == 0

    # another family is not affected
    assert login_family(demo_client, *OTHER_FAMILY).status_int == 303
    demo_client.reset()

    clock.advance(throttle_module.LOCK_SECONDS + 1)
    assert login_family(demo_client, *DEMO_FAMILY).status_int == 303


def test_agent_login_is_throttled_too(demo_client, demo_app):
    clock = Clock()
    demo_app.portal.throttle = LoginThrottle(clock=clock)
    for _ in range(throttle_module.LOCK_AFTER_FAILURES):
        clock.advance(throttle_module.MAX_PAUSE_SECONDS + 1)
        login_agent(demo_client, DEMO_AGENT[0], "mauvais1")
    page = login_agent(demo_client, *DEMO_AGENT)
    assert page.status_int == 429
    assert "bloqué" in error_text(page)
    assert demo_client.get("/agent").status_int == 303


# --- logout ---------------------------------------------------------------------------------------

def test_logout_ends_the_session_on_the_server(family_client, demo_app):
    old_token = family_client.cookies[SESSION_COOKIE]
    home = family_client.get("/accueil")
    answer = family_client.post("/deconnexion", {"csrf_token": csrf_from(home)})
    assert answer.status_int == 303
    assert "/connexion" in answer.headers["Location"]
    assert "Vous êtes déconnecté." in answer.follow().text
    assert session_count(demo_app) == 0

    family_client.set_cookie(SESSION_COOKIE, old_token)  # the old cookie replayed
    replay = family_client.get("/accueil")
    assert replay.status_int == 303 and replay.headers["Location"].endswith("/connexion")


def test_agent_logout_ends_the_agent_session(agent_client, demo_app):
    old_token = agent_client.cookies[SESSION_COOKIE]
    dashboard = agent_client.get("/agent")
    answer = agent_client.post("/agent/deconnexion", {"csrf_token": csrf_from(dashboard)})
    assert answer.headers["Location"].endswith("/agent/connexion?deconnecte=1")
    agent_client.set_cookie(SESSION_COOKIE, old_token)
    assert agent_client.get("/agent").headers["Location"].endswith("/agent/connexion")


def test_logout_by_get_is_not_possible(family_client):
    assert family_client.get("/deconnexion", status=405).status_int == 405
    assert family_client.get("/accueil").status_int == 200


# --- areas ----------------------------------------------------------------------------------------

def test_agent_login_shows_dashboard(demo_client):
    answer = login_agent(demo_client, *DEMO_AGENT)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent")
    page = answer.follow()
    assert "Tableau de bord" in page.html.find("h1").get_text()


def test_agent_wrong_password(demo_client):
    page = login_agent(demo_client, DEMO_AGENT[0], "agent2027")
    assert error_text(page) == "Identifiant ou mot de passe incorrect."
    assert SESSION_COOKIE not in demo_client.cookies


def test_family_password_does_not_open_the_agent_area(demo_client):
    page = login_agent(demo_client, *DEMO_FAMILY)
    assert error_text(page) == "Identifiant ou mot de passe incorrect."


@pytest.mark.parametrize("url", ["/agent"])
def test_visitor_cannot_open_agent_pages(demo_client, url):
    answer = demo_client.get(url)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion")


@pytest.mark.parametrize("url", ["/agent"])
def test_family_session_cannot_open_agent_pages(family_client, url):
    answer = family_client.get(url)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion")
    assert "Tableau de bord" not in get_page(family_client, url).text


@pytest.mark.parametrize("url", ["/accueil"])
def test_visitor_and_agent_cannot_open_family_pages(demo_client, url):
    assert demo_client.get(url).headers["Location"].endswith("/connexion")
    login_agent(demo_client, *DEMO_AGENT)
    assert demo_client.get(url).headers["Location"].endswith("/connexion")


def test_family_sees_only_its_own_home(demo_client):
    login_family(demo_client, *OTHER_FAMILY)
    page = get_page(demo_client, "/accueil")
    assert "ABDEL" in page.text
    assert "MARTIN" not in page.text and "770400070" not in page.text


# --- every route, present and future --------------------------------------------------------------

def routes_of(app, *, agent: bool):
    return [(route.method, concrete_url(route.rule)) for route in app.routes
            if not PUBLIC_ROUTES.match(route.rule) and route.rule.startswith("/agent") == agent]


def data_files(app) -> dict:
    root = app.portal.documents.root
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "sessions.json" and "logs" not in p.parts}


def refusals(client, routes, token, login_page):
    """Routes that answered anything but a redirect to login_page."""
    wrong = []
    for method, url in routes:
        if method == "GET":
            answer = client.get(url, status="*")
        else:
            answer = client.post(url, {"csrf_token": token, "identifiant": "x", "motif": "x"}, status="*")
        if answer.status_int != 303 or not answer.headers.get("Location", "").endswith(login_page):
            wrong.append(f"{method} {url} -> {answer.status} {answer.headers.get('Location', '')}")
    return wrong


def test_family_session_opens_no_agent_route(family_client, demo_app):
    routes = routes_of(demo_app, agent=True)
    assert ("GET", "/agent") in routes and len(routes) > 1
    before = data_files(demo_app)
    token = csrf_from(family_client.get("/accueil"))
    assert refusals(family_client, routes, token, "/agent/connexion") == []
    assert data_files(demo_app) == before


def test_visitor_opens_no_agent_route(demo_client, demo_app):
    token = csrf_from(demo_client.get("/connexion"))
    assert refusals(demo_client, routes_of(demo_app, agent=True), token, "/agent/connexion") == []


def test_visitor_gets_the_same_answer_for_every_agent_url_whether_its_data_exists_or_not(demo_client, demo_app):
    """An outsider cannot tell which families, children or persons exist: one hook answers before any route."""
    unknown = [(method, concrete_url(rule, {"family_id": "770400099"}, number="999"))
               for method, rule in ((r.method, r.rule) for r in demo_app.routes)
               if rule.startswith("/agent") and not PUBLIC_ROUTES.match(rule)]
    made_up = [("GET", "/agent/familles/770400070/enfants/4/identite"), ("GET", "/agent/n-existe-pas"),
               ("POST", "/agent/familles/770400070/personnes/99/modifier"), ("GET", "/agent/familles/1/export.json")]
    token = csrf_from(demo_client.get("/connexion"))
    before = data_files(demo_app)
    assert refusals(demo_client, unknown + made_up, token, "/agent/connexion") == []
    assert refusals(demo_client, unknown + made_up, "", "/agent/connexion") == []  # no token either
    assert data_files(demo_app) == before


def test_visitor_and_agent_open_no_family_route(demo_client, demo_app):
    routes = routes_of(demo_app, agent=False)
    assert ("GET", "/accueil") in routes
    before = data_files(demo_app)
    token = csrf_from(demo_client.get("/connexion"))
    assert refusals(demo_client, routes, token, "/connexion") == []
    login_agent(demo_client, *DEMO_AGENT)
    token = csrf_from(demo_client.get("/agent"))
    assert refusals(demo_client, routes, token, "/connexion") == []
    assert data_files(demo_app) == before


def test_family_routes_never_name_a_family(demo_app):
    """A family's URLs address only its own documents: the family number comes from the session alone."""
    leaking = [route.rule for route in demo_app.routes
               if not route.rule.startswith("/agent") and "family_id" in route.rule]
    assert leaking == []
