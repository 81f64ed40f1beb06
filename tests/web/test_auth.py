"""Family and agent login, logout, throttling and who may open which area (WebTest on create_app)."""
from __future__ import annotations

import base64
import logging
import threading
import time

import pytest
from helpers import (DEMO_FAMILY, OTHER_FAMILY, PUBLIC_ROUTES, FakeClock, concrete_url, csrf_from, get_page,
                     login_agent, login_family)
from webtest import TestApp

from tests.perf.live import CSRF_INPUT, Client, Server, form_fields
from portal import create_app, parse_args, start_up_settings
from routes import auth as auth_routes
from routes.web import SESSION_COOKIE
from storage.demo import DEMO_AGENT
from storage.protection import throttle as throttle_module


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


# --- throttling (storage/protection/throttle.py: per address, per account for unknown clients) -------------------

OUTSIDER = "203.0.113.66"


@pytest.fixture
def clock():
    return FakeClock(5_000_000.0)


@pytest.fixture
def clocked_app(demo_dir, clock):
    """The demo portal on a clock the test moves (throttling pauses, known-device cookies)."""
    return create_app(demo_dir, clock=clock)


def browser(app, address: str | None = None, **environ) -> TestApp:
    """A new browser (its own cookies) at address (None: WebTest's, no REMOTE_ADDR at all)."""
    if address:
        environ["REMOTE_ADDR"] = address
    return TestApp(app, extra_environ=environ)


@pytest.fixture
def checked_passwords(monkeypatch) -> list[str]:
    """The identifiants whose password the login routes actually checked (the expensive scrypt step)."""
    checked = []
    real = auth_routes.verify_password

    def counting(password, stored_hash):
        checked.append(password)
        return real(password, stored_hash)

    monkeypatch.setattr(auth_routes, "verify_password", counting)
    return checked


def refused_with_retry_after(page) -> int:
    assert page.status_int == 429, page.status
    assert error_text(page).startswith("Trop d'essais")
    return int(page.headers["Retry-After"])


LOCK_LEFT = throttle_module.ACCOUNT_LOCK_SECONDS - throttle_module.ACCOUNT_MAX_PAUSE_SECONDS  # after lock_for_strangers


def lock_for_strangers(app, clock, log_in, account: str, password: str = "mauvais1") -> None:
    """An outsider guesses account's password from many addresses, patiently, until it is locked for strangers."""
    for n in range(throttle_module.ACCOUNT_LOCK_FAILURES):
        page = log_in(browser(app, f"198.51.100.{n + 1}"), account, password)
        assert page.status_int == 200 and error_text(page) == "Identifiant ou mot de passe incorrect.", n
        clock.advance(throttle_module.ACCOUNT_MAX_PAUSE_SECONDS)
    page = log_in(browser(app, "198.51.100.200"), account, password)
    assert "bloqué" in error_text(page)


def test_one_address_trying_twenty_family_numbers_is_slowed_after_five(clocked_app, checked_passwords):
    """The attack: 20 sequential family numbers from one address in a moment: only 5 passwords are checked."""
    outsider = browser(clocked_app, OUTSIDER)
    pages = [login_family(outsider, str(770400010 + 10 * n), "demo2026") for n in range(20)]
    assert len(checked_passwords) == throttle_module.FREE_ADDRESS_FAILURES
    waits = [refused_with_retry_after(page) for page in pages[throttle_module.FREE_ADDRESS_FAILURES:]]
    assert all(wait >= 1 for wait in waits)
    assert "depuis votre connexion" in error_text(pages[-1]) and "Patientez" in error_text(pages[-1])
    assert pages[-1].html.find("input", id="identifiant")["value"] == "770400200"
    assert SESSION_COOKIE not in outsider.cookies
    assert login_family(browser(clocked_app, "198.51.100.9"), *DEMO_FAMILY).status_int == 303  # others unaffected


def test_a_forged_forwarded_for_header_does_not_escape_the_address_limit(clocked_app, checked_passwords):
    """Without a trusted proxy, X-Forwarded-For is whatever the client writes: it is ignored."""
    for n in range(20):
        login_family(browser(clocked_app, OUTSIDER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"), str(770400010 + 10 * n), "x1")
    assert len(checked_passwords) == throttle_module.FREE_ADDRESS_FAILURES


def test_behind_a_trusted_proxy_each_visitor_is_counted_by_its_forwarded_address(demo_dir, clock, checked_passwords):
    app = create_app(demo_dir, {"trusted_proxies": ["10.0.0.1"]}, clock=clock)
    for n in range(20):  # the outsider writes his own X-Forwarded-For; the proxy appends his real address
        page = login_family(browser(app, "10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {OUTSIDER}"),
                            str(770400010 + 10 * n), "x1")
    assert page.status_int == 429
    assert len(checked_passwords) == throttle_module.FREE_ADDRESS_FAILURES
    family = browser(app, "10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.20")  # another visitor, same proxy
    assert login_family(family, *DEMO_FAMILY).status_int == 303


def test_parallel_wrong_passwords_are_not_all_checked(clocked_app, monkeypatch):
    """16 browsers on 16 addresses send a wrong password at the same moment: the attempts are counted before the
    (slow) password check, so only the free ones are checked."""
    checked = []
    real = auth_routes.verify_password

    def slow(password, stored_hash):
        checked.append(password)
        time.sleep(0.05)  # the scrypt check: every request would be past the throttle before the first failure counts
        return real(password, stored_hash)

    monkeypatch.setattr(auth_routes, "verify_password", slow)
    browsers = [browser(clocked_app, f"198.51.100.{n + 1}") for n in range(16)]
    forms = [{"identifiant": DEMO_FAMILY[0], "mot_de_passe": f"mauvais{n}", "csrf_token": csrf_from(b.get("/connexion"))}
             for n, b in enumerate(browsers)]
    start = threading.Barrier(len(browsers))
    statuses = []

    def guess(client, form):
        start.wait()
        statuses.append(client.post("/connexion", form, status="*").status_int)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checked) == throttle_module.FREE_ACCOUNT_FAILURES
    assert sorted(statuses) == [200] * throttle_module.FREE_ACCOUNT_FAILURES + [429] * (16 - len(checked))


def test_repeated_failures_pause_then_even_the_right_password_is_refused_to_a_stranger(clocked_app):
    stranger = browser(clocked_app, OUTSIDER)
    for _ in range(throttle_module.FREE_ACCOUNT_FAILURES):
        assert error_text(login_family(stranger, DEMO_FAMILY[0], "mauvais1")) == "Identifiant ou mot de passe incorrect."
    page = login_family(stranger, *DEMO_FAMILY)
    assert refused_with_retry_after(page) == 2
    assert "Patientez 2 secondes" in error_text(page)
    assert SESSION_COOKIE not in stranger.cookies
    assert session_count(clocked_app) == 0


def test_an_account_locked_for_strangers_holds_against_the_right_password(clocked_app, clock):
    lock_for_strangers(clocked_app, clock, login_family, DEMO_FAMILY[0])
    page = login_family(browser(clocked_app, "192.0.2.50"), *DEMO_FAMILY)
    assert refused_with_retry_after(page) == LOCK_LEFT
    assert "bloqué pendant 14 minutes" in error_text(page) and "appareil" in error_text(page)
    assert session_count(clocked_app) == 0
    assert login_family(browser(clocked_app, "192.0.2.51"), *OTHER_FAMILY).status_int == 303  # another family
    clock.advance(throttle_module.ACCOUNT_LOCK_SECONDS)
    assert login_family(browser(clocked_app, "192.0.2.50"), *DEMO_FAMILY).status_int == 303


def test_an_outsider_cannot_lock_the_agent_out(clocked_app, clock):
    """The town hall's browser logged in before (known-device cookie), and the server's own machine, keep access
    while the agent account is locked to every other device."""
    town_hall = browser(clocked_app, "192.0.2.10")
    assert login_agent(town_hall, *DEMO_AGENT).status_int == 303
    town_hall.post("/agent/deconnexion", {"csrf_token": csrf_from(town_hall.get("/agent"))})
    lock_for_strangers(clocked_app, clock, login_agent, DEMO_AGENT[0])

    assert refused_with_retry_after(login_agent(browser(clocked_app, "192.0.2.99"), *DEMO_AGENT)) > 60
    town_hall.extra_environ["REMOTE_ADDR"] = "192.0.2.77"  # the town hall's address changed: its cookie still counts
    assert login_agent(town_hall, *DEMO_AGENT).status_int == 303
    assert login_agent(browser(clocked_app, "127.0.0.1"), *DEMO_AGENT).status_int == 303  # on the server itself
    assert login_agent(browser(clocked_app, "::1"), *DEMO_AGENT).status_int == 303


def test_a_family_keeps_access_from_the_address_it_logged_in_from(clocked_app, clock):
    home = browser(clocked_app, "192.0.2.44")
    assert login_family(home, *DEMO_FAMILY).status_int == 303
    lock_for_strangers(clocked_app, clock, login_family, DEMO_FAMILY[0])
    other_browser_same_home = browser(clocked_app, "192.0.2.44")
    assert login_family(other_browser_same_home, *DEMO_FAMILY).status_int == 303


def test_the_local_machine_behind_a_proxy_is_not_trusted_blindly(demo_dir, clock):
    """Through a trusted proxy on the same machine, 127.0.0.1 is the proxy: the visitor is a stranger."""
    app = create_app(demo_dir, {"trusted_proxies": ["127.0.0.1"]}, clock=clock)
    lock_for_strangers(app, clock, login_agent, DEMO_AGENT[0])
    relayed = browser(app, "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert login_agent(relayed, *DEMO_AGENT).status_int == 429


def test_a_known_device_cookie_is_signed_and_names_its_account(clocked_app, clock):
    family = browser(clocked_app, "192.0.2.10")
    assert login_family(family, *DEMO_FAMILY).status_int == 303
    cookie = family.cookies["pf_appareil"]
    lock_for_strangers(clocked_app, clock, login_family, OTHER_FAMILY[0])
    borrowed = browser(clocked_app, "192.0.2.11")  # DEMO_FAMILY's cookie does not open OTHER_FAMILY's door
    borrowed.set_cookie("pf_appareil", cookie)
    assert login_family(borrowed, *OTHER_FAMILY).status_int == 429
    forged = browser(clocked_app, "192.0.2.12")
    value, _, mac = cookie.partition(".")
    forged.set_cookie("pf_appareil", base64.urlsafe_b64encode(b"famille:770400080|5000000").decode().rstrip("=") + "." + mac)
    assert login_family(forged, *OTHER_FAMILY).status_int == 429
    clock.advance(throttle_module.KNOWN_SECONDS)
    lock_for_strangers(clocked_app, clock, login_family, DEMO_FAMILY[0])
    family.extra_environ["REMOTE_ADDR"] = "192.0.2.13"
    assert login_family(family, *DEMO_FAMILY).status_int == 429, "an old cookie no longer counts"


def test_agent_login_is_throttled_too(clocked_app, clock):
    lock_for_strangers(clocked_app, clock, login_agent, DEMO_AGENT[0])
    stranger = browser(clocked_app, "192.0.2.99")
    page = login_agent(stranger, *DEMO_AGENT)
    assert refused_with_retry_after(page) == LOCK_LEFT
    assert "bloqué" in error_text(page)
    assert stranger.get("/agent").status_int == 303


@pytest.mark.parametrize("url", ["/connexion", "/agent/connexion"])
def test_login_forms_are_not_boosted_so_that_a_refusal_shows_with_javascript_on(demo_client, url):
    """htmx 1.9 swaps no 4xx answer: a boosted login form would show nothing when throttled (429)."""
    assert demo_client.get(url).html.find("form", action=url)["data-hx-boost"] == "false"


def test_throttling_is_logged_with_address_and_identifiant_never_the_password(clocked_app, caplog):
    caplog.set_level(logging.WARNING, logger="portal")
    outsider = browser(clocked_app, OUTSIDER)
    for n in range(throttle_module.FREE_ADDRESS_FAILURES + 2):
        login_family(outsider, str(770400010 + 10 * n), "Secret-Guess-42")
    lines = [record.getMessage() for record in caplog.records if record.name == "portal"]
    assert any(OUTSIDER in line and "770400050" in line for line in lines), lines
    assert any(OUTSIDER in line and "refusée" in line for line in lines), lines
    assert not any("Secret-Guess-42" in line for line in lines)


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


# --- the trusted-proxy setting (--trusted-proxy, PORTAL_TRUSTED_PROXIES, Paramètres) -------------------------------

def test_trusted_proxies_come_from_the_flag_or_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.2")
    assert start_up_settings(parse_args([]))["trusted_proxies"] == ["10.0.0.1", "10.0.0.2"]
    flags = parse_args(["--trusted-proxy", "127.0.0.1", "--trusted-proxy", "::1,172.16.0.0/12"])
    assert start_up_settings(flags)["trusted_proxies"] == ["127.0.0.1", "::1", "172.16.0.0/12"]
    monkeypatch.delenv("PORTAL_TRUSTED_PROXIES")
    assert "trusted_proxies" not in start_up_settings(parse_args([]))


def test_a_wrong_trusted_proxy_stops_the_start_with_a_clear_message(capsys):
    with pytest.raises(SystemExit):
        parse_args(["--trusted-proxy", "0.0.0.0/0"])
    assert "trop large" in capsys.readouterr().err


def test_trusted_proxies_set_at_start_up_are_shown_read_only_in_parametres(demo_dir):
    app = create_app(demo_dir, {"trusted_proxies": ["10.0.0.1"]})
    agent = TestApp(app)
    assert login_agent(agent, *DEMO_AGENT).status_int == 303
    page = agent.get("/agent/parametres")
    field = page.html.find(id="f-trusted_proxies")
    assert field["value"] == "10.0.0.1" and field.has_attr("readonly") and not field.get("name")
    assert "PORTAL_TRUSTED_PROXIES" in page.html.find(id="f-trusted_proxies-fixed").get_text()
    form = form_fields(page.text, "/agent/parametres")
    assert agent.post("/agent/parametres", dict(form, trusted_proxies="192.0.2.1")).status_int == 303
    assert app.portal.settings["trusted_proxies"] == ["10.0.0.1"]


def test_agent_sets_trusted_proxies_in_parametres(agent_client, demo_app):
    page = agent_client.get("/agent/parametres")
    form = form_fields(page.text, "/agent/parametres")
    assert form["trusted_proxies"] == ""
    bad = agent_client.post("/agent/parametres", dict(form, trusted_proxies="10.0.0.1, proxy.mairie"), status="*")
    assert bad.status_int == 200
    assert "n'est ni une adresse IP ni un réseau" in bad.html.find(id="f-trusted_proxies-error").get_text()
    assert bad.html.find(id="f-trusted_proxies")["value"] == "10.0.0.1, proxy.mairie"  # as typed
    assert demo_app.portal.settings["trusted_proxies"] == []
    good = agent_client.post("/agent/parametres", dict(form, trusted_proxies="10.0.0.1"))
    assert good.status_int == 303 and demo_app.portal.settings["trusted_proxies"] == ["10.0.0.1"]
    assert agent_client.get("/agent/parametres").html.find(id="f-trusted_proxies")["value"] == "10.0.0.1"


def test_the_real_server_counts_each_visitor_behind_a_trusted_proxy_by_its_forwarded_address(tmp_path):
    """Waitress must hand X-Forwarded-For to the app: behind the declared proxy, one visitor's failures do not
    slow down another visitor (they would share the proxy's address otherwise)."""
    server = Server.portal(tmp_path / "data", threads=2, log_path=tmp_path / "server.log")
    server.env = {"PORTAL_TRUSTED_PROXIES": "127.0.0.1"}
    with server:
        server.start(timeout=60)

        def attempt(client: Client, visitor: str, identifiant: str) -> int:
            headers = {"X-Forwarded-For": visitor}
            token = CSRF_INPUT.search(client.request("GET", "/connexion", headers=headers).text).group(1)
            return client.request("POST", "/connexion", {"identifiant": identifiant, "mot_de_passe": "faux",
                                                         "csrf_token": token}, headers=headers).status

        sprayer, other = Client(server.port), Client(server.port)
        statuses = [attempt(sprayer, "203.0.113.5", f"7704{n:05d}") for n in range(8)]
        assert statuses[0] == 200 and statuses[-1] == 429, statuses
        assert attempt(other, "198.51.100.7", "770400000") == 200  # another visitor is not slowed down
        sprayer.close()
        other.close()
