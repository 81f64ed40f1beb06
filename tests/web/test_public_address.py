"""The Host header is the client's: only allowed hosts are served, redirects are relative, and every absolute URL
(the access letter, the bank's return and notification URLs) comes from the configured public URL."""
from __future__ import annotations

import http.client
import os
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from webtest import TestApp

from helpers import DEMO_FAMILY, concrete_url, csrf_from, login_agent, login_family
from portal import create_app, parse_args, start_up_settings
from routes.host import HOST_TEXT, LETTER_ADDRESS_PLACEHOLDER
from storage.demo import DEMO_AGENT
from storage.documents import DocumentStore
from tests.perf.live import Server

PUBLIC = "https://famille.ville-demo.fr"
FOREIGN = "evil.example"
FAMILY = DEMO_FAMILY[0]


def pdf_text(body: bytes) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        if os.environ.get("CI"):
            pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
        pytest.skip("pdftotext (poppler-utils) missing: cannot read the PDF's text")
    done = subprocess.run([tool, "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True, timeout=30)
    return " ".join(done.stdout.decode("utf-8").split())


def assert_host_refused(answer):
    assert answer.status_int == 400, (answer.status, answer.headers.get("Location"))
    assert "Location" not in answer.headers
    assert answer.html.find("html")["lang"] == "fr"
    text = " ".join(answer.html.get_text(" ").split())
    assert "Requête incorrecte" in text and HOST_TEXT in text
    assert FOREIGN not in answer.text


def every_route(app):
    return sorted({(route.method, concrete_url(route.rule)) for route in app.routes if route.method in ("GET", "POST")})


def browser_at(app, host: str = "localhost:80", agent: bool = False) -> TestApp:
    """A browser that reaches the portal with that Host header, logged in as the demo family or agent."""
    client = TestApp(app, extra_environ={"HTTP_HOST": host})
    answer = login_agent(client, *DEMO_AGENT) if agent else login_family(client, *DEMO_FAMILY)
    assert answer.status_int == 303, answer.text
    return client


def letter(agent, status=200, **headers):
    """The access letter of the demo family, printed by the logged-in agent."""
    token = csrf_from(agent.get("/agent"))
    return agent.post(f"/agent/familles/{FAMILY}/courrier-acces.pdf", {"csrf_token": token, "mot_de_passe": "Abc12345"},
                      headers=headers, status=status)


def bank_form_fields(client, **headers) -> dict:
    """Start a payment as the logged-in demo family and read the form that goes to the bank."""
    home = client.get("/accueil")
    answer = home.forms["pay-form"].submit()
    page = client.get(answer.location, headers=headers)
    return {field.get("name"): field.get("value") for field in page.html.find("form", id="bank-form").find_all("input")}


# --- foreign hosts ----------------------------------------------------------------------------------------------

def test_every_url_answers_400_in_french_to_a_foreign_host_and_never_redirects_to_it(demo_app):
    client = TestApp(demo_app)
    login_family(client, *DEMO_FAMILY)  # logged in: pages that would redirect elsewhere are reached too
    for method, url in every_route(demo_app):
        answer = client.request(url, method=method, headers={"Host": FOREIGN}, status="*", expect_errors=True)
        assert_host_refused(answer)


@pytest.mark.parametrize("headers", [
    {"Host": FOREIGN}, {"Host": f"{FOREIGN}:80"}, {"Host": "localhost.evil.example"}, {"Host": "127.0.0.1.evil.example"},
    {"Host": "localhost:80", "X-Forwarded-Host": FOREIGN}, {"Host": "localhost:80", "X-Forwarded-Host": f"localhost, {FOREIGN}"},
    {"Host": "local host"}, {"Host": "localhost:80/x"}, {"Host": "-"}, {"Host": "localhost:99999999"},
])
def test_a_foreign_or_malformed_host_is_refused_before_anything_runs(demo_client, headers):
    for url in ("/", "/connexion", "/accueil", "/agent"):
        assert_host_refused(demo_client.get(url, headers=headers, status="*"))
    answer = demo_client.post("/connexion", {"identifiant": FAMILY, "mot_de_passe": DEMO_FAMILY[1]}, headers=headers,
                              status="*")
    assert_host_refused(answer)
    assert "pf_session" not in demo_client.cookies


@pytest.mark.parametrize("host", ["localhost", "localhost:8080", "LOCALHOST:80", "127.0.0.1:9999", "[::1]:8080", "[::1]",
                                  "localhost."])
def test_the_local_machine_is_always_allowed_with_any_port(demo_client, host):
    assert demo_client.get("/connexion", headers={"Host": host}).status_int == 200


def test_the_public_urls_host_and_the_extra_allowed_hosts_are_served(demo_dir):
    client = TestApp(create_app(demo_dir, {"public_url": PUBLIC, "allowed_hosts": ["portail.mairie.lan", "192.168.1.10"]}))
    for host in ("famille.ville-demo.fr", "famille.ville-demo.fr:443", "portail.mairie.lan:8080", "192.168.1.10:8080"):
        assert client.get("/connexion", headers={"Host": host}).status_int == 200, host
    for host in ("ville-demo.fr", "autre.ville-demo.fr", "192.168.1.11"):
        assert_host_refused(client.get("/connexion", headers={"Host": host}, status="*"))


# --- relative redirects ------------------------------------------------------------------------------------------

def test_redirects_are_relative_paths_on_every_route(demo_app):
    anonymous, family = TestApp(demo_app), TestApp(demo_app)
    login_family(family, *DEMO_FAMILY)
    redirects = 0
    for client in (anonymous, family):
        for method, url in every_route(demo_app):
            answer = client.request(url, method=method, headers={"X-Forwarded-Proto": "https"}, status="*",
                                    expect_errors=True)
            location = answer.headers.get("Location")
            if location is not None:
                redirects += 1
                assert location.startswith("/") and not location.startswith("//"), (method, url, location)
    assert redirects > 50


def test_login_and_logout_redirect_with_relative_locations(demo_client):
    assert demo_client.get("/").headers["Location"] == "/connexion"
    answer = login_family(demo_client, *DEMO_FAMILY)
    assert answer.status_int == 303 and answer.headers["Location"] == "/accueil"
    assert demo_client.get("/").headers["Location"] == "/accueil"
    token = csrf_from(answer.follow())
    assert demo_client.post("/deconnexion", {"csrf_token": token}).headers["Location"] == "/connexion?deconnecte=1"


def test_the_real_server_refuses_a_foreign_host_and_redirects_relatively(tmp_path):
    """Waitress passes the Host header as sent (and X-Forwarded-Host untouched): checked on the real server."""
    server = Server.portal(tmp_path / "data", threads=2, log_path=tmp_path / "server.log")
    server.env = {"PORTAL_PUBLIC_URL": PUBLIC}
    with server:
        server.start(timeout=60)

        def get(path, **headers):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                return answer.status, answer.getheader("Location"), answer.read().decode("utf-8")
            finally:
                connection.close()

        for host in (FOREIGN, f"{FOREIGN}:{server.port}", "ville-demo.fr"):
            status, location, body = get("/", Host=host)
            assert status == 400 and location is None and "Requête incorrecte" in body, (host, status, location)
        # Waitress passes X-Forwarded-* on to the app (portal.main), which refuses a foreign forwarded host
        forwarded = {"X-Forwarded-Host": FOREIGN, "X-Forwarded-Proto": "https", "Forwarded": f"host={FOREIGN}"}
        status, location, _ = get("/", Host="famille.ville-demo.fr", **forwarded)
        assert (status, location) == (400, None)
        status, location, _ = get("/", Host="famille.ville-demo.fr", **{"X-Forwarded-Host": "famille.ville-demo.fr"})
        assert (status, location) == (303, "/connexion")
        status, location, _ = get("/accueil", Host=f"127.0.0.1:{server.port}")
        assert (status, location) == (303, "/connexion")


# --- the access letter ----------------------------------------------------------------------------------------------

def test_the_access_letter_prints_the_public_url_whatever_host_the_agent_used(demo_dir):
    app = create_app(demo_dir, {"public_url": PUBLIC, "allowed_hosts": ["portail.mairie.lan"]})
    for host in ("localhost:8080", "portail.mairie.lan"):
        text = pdf_text(letter(browser_at(app, host, agent=True)).body)
        assert f"portail famille : {PUBLIC}/" in text, text
        assert "localhost" not in text and "portail.mairie.lan" not in text


def test_without_a_public_url_the_letter_never_prints_a_foreign_or_local_host(demo_app):
    agent = TestApp(demo_app)
    login_agent(agent, *DEMO_AGENT)
    assert_host_refused(letter(agent, status="*", Host=FOREIGN))
    text = pdf_text(letter(agent).body)  # WebTest's Host: localhost:80
    assert LETTER_ADDRESS_PLACEHOLDER in text and "localhost" not in text


def test_without_a_public_url_the_letter_prints_an_allowed_hosts_address(demo_dir):
    agent = browser_at(create_app(demo_dir, {"allowed_hosts": ["portail.mairie.lan"]}), "portail.mairie.lan", agent=True)
    text = pdf_text(letter(agent).body)
    assert "portail famille : http://portail.mairie.lan/" in text


# --- the bank's URLs ------------------------------------------------------------------------------------------------

def test_the_bank_calls_back_the_public_url_not_the_host_header(demo_dir):
    fields = bank_form_fields(browser_at(create_app(demo_dir, {"public_url": PUBLIC}), "127.0.0.1:8080"))
    assert fields["PBX_EFFECTUE"] == f"{PUBLIC}/paiement-en-ligne/retour/effectue"
    assert fields["PBX_REFUSE"] == f"{PUBLIC}/paiement-en-ligne/retour/refuse"
    assert fields["PBX_ANNULE"] == f"{PUBLIC}/paiement-en-ligne/retour/annule"
    assert fields["PBX_ATTENTE"] == f"{PUBLIC}/paiement-en-ligne/retour/attente"
    assert fields["PBX_REPONDRE_A"] == f"{PUBLIC}/paiement-en-ligne/notification"


def test_an_older_settings_file_with_paybox_portal_url_keeps_working(demo_dir):
    with DocumentStore(demo_dir).transaction(demo_dir / "settings.json") as db:
        saved = db.table("settings").get(doc_id=1)
        db.table("settings").update({"paybox": dict(saved["paybox"], portal_url="https://ancien.ville-demo.fr/")},
                                    doc_ids=[1])
    app = create_app(demo_dir)
    client = TestApp(app)
    login_family(client, *DEMO_FAMILY)
    fields = bank_form_fields(client)
    assert fields["PBX_REPONDRE_A"] == "https://ancien.ville-demo.fr/paiement-en-ligne/notification"
    assert client.get("/connexion", headers={"Host": "ancien.ville-demo.fr"}).status_int == 200


def test_without_a_public_url_the_bank_calls_back_the_allowed_host_of_the_request(demo_dir):
    fields = bank_form_fields(browser_at(create_app(demo_dir, {"allowed_hosts": ["portail.mairie.lan"]}),
                                         "portail.mairie.lan"))
    assert fields["PBX_REPONDRE_A"] == "http://portail.mairie.lan/paiement-en-ligne/notification"


# --- Paramètres -------------------------------------------------------------------------------------------------------

def settings_form(agent, page=None):
    """The Paramètres form (the page also holds the log-out form)."""
    page = page or agent.get("/agent/parametres")
    return next(form for form in page.forms.values() if form.action == "/agent/parametres")


def test_the_agent_sets_the_public_url_in_parametres_and_it_replaces_paybox_portal_url(demo_app):
    agent = TestApp(demo_app)
    login_agent(agent, *DEMO_AGENT)
    form = settings_form(agent)
    form["public_url"] = "https://Famille.Ville-Demo.fr/"
    answer = form.submit()
    assert answer.status_int == 303 and answer.headers["Location"] == "/agent/parametres"
    assert demo_app.portal.settings["public_url"] == PUBLIC
    assert demo_app.portal.settings["paybox"]["portal_url"] == ""
    assert settings_form(agent)["public_url"].value == PUBLIC
    assert pdf_text(letter(agent).body).count(f"{PUBLIC}/") == 1
    assert browser_at(demo_app, "famille.ville-demo.fr", agent=True).get("/agent").status_int == 200


@pytest.mark.parametrize("value", ["famille.ville-demo.fr", "ftp://famille.ville-demo.fr", "https://famille.ville-demo.fr/portail",
                                   "https://user:pw@famille.ville-demo.fr", "https://exa mple.fr", "https://famille.fr/?x=1"])
def test_a_bad_public_url_is_refused_in_french_and_nothing_is_saved(demo_app, value):
    agent = TestApp(demo_app)
    login_agent(agent, *DEMO_AGENT)
    form = settings_form(agent)
    form["public_url"] = value
    answer = form.submit()
    assert answer.status_int == 200 and "Adresse publique invalide" in answer.text
    assert demo_app.portal.settings["public_url"] == ""


def test_a_public_url_that_would_lock_out_the_agents_own_address_is_refused(demo_dir):
    app = create_app(demo_dir)
    app.portal.settings.save({"public_url": PUBLIC})  # saved earlier in Paramètres; the agent now works through it
    form = settings_form(browser_at(app, "famille.ville-demo.fr", agent=True))
    assert form["public_url"].value == PUBLIC
    form["public_url"] = "https://famile.ville-demo.fr"  # a typo
    answer = form.submit()
    assert answer.status_int == 200 and "ne répondrait plus à celle que vous utilisez" in answer.text
    assert app.portal.settings["public_url"] == PUBLIC


def test_a_public_url_given_at_start_up_wins_and_is_shown_read_only(demo_dir):
    app = create_app(demo_dir, {"public_url": PUBLIC})
    agent = TestApp(app)
    login_agent(agent, *DEMO_AGENT)
    page = agent.get("/agent/parametres")
    form = settings_form(agent, page)
    assert "public_url" not in form.fields and "name" in form.fields
    assert PUBLIC in page.text and "PORTAL_PUBLIC_URL" in page.text
    assert form.submit().status_int == 303
    assert app.portal.settings["public_url"] == PUBLIC
    with DocumentStore(demo_dir).transaction(demo_dir / "settings.json") as db:
        assert "public_url" not in db.table("settings").get(doc_id=1)


# --- start-up options -----------------------------------------------------------------------------------------------

def test_public_url_and_allowed_hosts_come_from_flags_or_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_PUBLIC_URL", "https://env.ville.fr/")
    monkeypatch.setenv("PORTAL_ALLOWED_HOSTS", "a.lan, 10.0.0.5")
    args = parse_args([])
    assert start_up_settings(args) == {"public_url": "https://env.ville.fr",
                                      "allowed_hosts": ["a.lan", "10.0.0.5", "127.0.0.1"],
                                      "backups": {"folder": "", "keep": 14}}
    args = parse_args(["--public-url", "https://flag.ville.fr", "--allowed-hosts", "b.lan", "--host", "0.0.0.0"])
    assert start_up_settings(args) == {"public_url": "https://flag.ville.fr", "allowed_hosts": ["b.lan"],
                                      "backups": {"folder": "", "keep": 14}}


@pytest.mark.parametrize("argv", [["--public-url", "famille.ville.fr"], ["--allowed-hosts", "a b"]])
def test_a_bad_start_up_option_stops_with_a_french_message(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        parse_args(argv)
    assert stopped.value.code == 2
    assert "invalide" in capsys.readouterr().err


def test_the_payment_page_never_shows_a_host_from_the_request(demo_dir):
    """X-Forwarded-Host, which Bottle's request.url would trust, is refused rather than used."""
    client = TestApp(create_app(demo_dir))
    login_family(client, *DEMO_FAMILY)
    answer = client.get("/accueil", headers={"X-Forwarded-Host": FOREIGN}, status="*")
    assert_host_refused(answer)
    fields = bank_form_fields(client, **{"X-Forwarded-Proto": "https"})
    for name in ("PBX_EFFECTUE", "PBX_REPONDRE_A"):
        assert urlsplit(fields[name])[:2] == ("http", "localhost:80"), fields[name]
