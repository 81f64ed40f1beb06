"""Mot de passe oublié through WebTest: the link on /connexion, one answer (words and timing) whatever was typed, the
mail with its link on the public URL and no password, the limits per address and per account (429 in French), and the
link's page: the family rule, single use, expiry, a newer link or a password change ends it, the family's other
sessions end, and the family then logs in with its new password."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, FakeClock, csrf_from, login_agent, login_family
from portal import create_app
from routes import password_reset
from storage import clock
from storage.accounts.password_links import token_digest
from storage.demo import DEMO_AGENT
from storage.families import set_family_active
from storage.passwords import verify_password
from storage.requests import edit_record_directly

FAMILY, FAMILY_PASSWORD = DEMO_FAMILY
OTHER = OTHER_FAMILY[0]
HOLDER = "sophie.martin@example.fr"
NEW_PASSWORD = "Soleil2027"
PUBLIC = "https://famille.ville-demo.fr"
LINK = re.compile(re.escape(PUBLIC) + r"(/mot-de-passe/[0-9]+\.[A-Za-z0-9_-]{43})(?=\s)")


@pytest.fixture(autouse=True)
def nine_o_clock():
    """Mails give the link's expiry to the minute: the calendar clock stands at 02/12/2026 09:00."""
    with clock.pinned(datetime(2026, 12, 2, 9, 0)):
        yield


@pytest.fixture
def app(demo_dir):
    """The demo portal with a public URL, on a clock the tests move (the limits count hours)."""
    app = create_app(demo_dir, {"public_url": PUBLIC}, clock=FakeClock())
    yield app
    app.portal.close()


def visitor(app, address: str = "203.0.113.5") -> TestApp:
    return TestApp(app, extra_environ={"REMOTE_ADDR": address})


def ask(client: TestApp, typed: str):
    """Send the Mot de passe oublié form as a visitor does; the unfollowed answer."""
    page = client.get("/mot-de-passe-oublie")
    return client.post("/mot-de-passe-oublie", {"csrf_token": csrf_from(page), "identifiant": typed}, status="*")


def mails(app, family_id: str | None = None) -> list[dict]:
    """The outbox, oldest first."""
    return list(reversed(app.portal.outbox.page(family_id=family_id, limit=500)[0]))


def link_of(mail: dict) -> str:
    """The path of the link in a mail (found in its text, on the public URL)."""
    return LINK.search(mail["text"])[1]


def text(page) -> str:
    soup = BeautifulSoup(page.text, "html.parser")
    return " ".join((soup.find("main") or soup).get_text(" ").split())


def choose(client: TestApp, path: str, new: str = NEW_PASSWORD, confirmation: str | None = None):
    page = client.get(path, status="*")
    token = csrf_from(page) if page.status_int == 200 else csrf_from(client.get("/mot-de-passe-oublie"))
    return client.post(path, {"csrf_token": token, "nouveau": new,
                              "confirmation": new if confirmation is None else confirmation}, status="*")


def logs_in(app, password: str, family_id: str = FAMILY) -> bool:
    return login_family(TestApp(app), family_id, password).status_int == 303


# --- asking ---------------------------------------------------------------------------------------------------------

def test_the_login_page_links_to_mot_de_passe_oublie(app):
    login = TestApp(app).get("/connexion")
    link = login.html.find("a", string="Mot de passe oublié ?")
    assert link["href"] == "/mot-de-passe-oublie"
    page = TestApp(app).get(link["href"])
    assert page.html.find("h1").get_text() == "Mot de passe oublié"
    assert page.html.find("label", attrs={"for": "identifiant"}).get_text() == "Identifiant ou adresse e-mail"


@pytest.mark.parametrize("typed", [FAMILY, HOLDER, "Sophie.MARTIN@Example.fr", f"  {FAMILY} "])
def test_the_holder_receives_one_mail_with_a_link_on_the_public_url(app, typed):
    answer = ask(visitor(app), typed)
    assert answer.status_int == 303 and answer.headers["Location"] == "/mot-de-passe-oublie/envoye"
    [mail] = mails(app)
    assert (mail["to"], mail["family_id"], mail["kind"]) == (HOLDER, FAMILY, "password-link")
    assert mail["subject"] == "Portail famille : réinitialisation de votre mot de passe"
    assert "Votre identifiant : 770400070" in mail["text"] and "valable 1 heure, jusqu'à 10h00" in mail["text"]
    path = link_of(mail)
    assert f'href="{PUBLIC}{path}"' in mail["html"]
    token = path.rsplit("/", 1)[1]
    account = app.portal.families.account(FAMILY)
    assert account["password_link"]["sha256"] == token_digest(token)
    assert token not in app.portal.families.path(FAMILY).read_text(encoding="utf-8")  # never stored in clear
    assert verify_password(FAMILY_PASSWORD, account["password_hash"])  # asking changes nothing yet


def test_the_link_uses_the_public_url_not_the_hosts_header(app):
    client = TestApp(app, extra_environ={"HTTP_HOST": "127.0.0.1:8080", "REMOTE_ADDR": "203.0.113.5"})
    ask(client, FAMILY)
    [mail] = mails(app)
    assert "127.0.0.1" not in mail["text"] and LINK.search(mail["text"])


def test_no_password_in_any_mail(app):
    ask(visitor(app), FAMILY)
    path = link_of(mails(app)[0])
    choose(TestApp(app), path)
    for mail in mails(app):
        assert NEW_PASSWORD not in mail["text"] + mail["html"] and FAMILY_PASSWORD not in mail["text"] + mail["html"]


@pytest.mark.parametrize("typed", [
    "770400099",                 # no such family
    "karim.martin@example.fr",   # the other parent's address: the account's is the holder's
    "personne@example.fr",       # nobody's
    "x@example.fr\r\nBcc: victime@example.org",  # a header injection attempt: no address, nothing sent
    "demo2026",                  # a password typed in the wrong field
    "<script>alert(1)</script>",
])
def test_anything_else_gets_the_same_answer_and_no_mail(app, typed):
    known = ask(visitor(app, "198.51.100.1"), FAMILY)
    other = ask(visitor(app, "198.51.100.2"), typed)
    assert (other.status_int, other.headers["Location"]) == (known.status_int, known.headers["Location"])
    assert len(mails(app)) == 1
    sent = visitor(app).get(other.headers["Location"])
    assert sent.text == visitor(app).get(known.headers["Location"]).text
    assert "Si un compte du portail correspond à ce que vous avez saisi" in text(sent)
    assert typed.strip() not in sent.text


def test_a_deactivated_account_or_one_without_address_gets_no_mail(app):
    set_family_active(app.portal.families, FAMILY, False)
    edit_record_directly(app.portal.families, OTHER, "parent1", {"email": ""}, agent="agent")
    assert ask(visitor(app, "198.51.100.1"), FAMILY).status_int == 303
    assert ask(visitor(app, "198.51.100.2"), OTHER).status_int == 303
    assert mails(app) == []


def test_an_empty_form_asks_for_the_identifiant(app):
    answer = ask(visitor(app), "  ")
    assert answer.status_int == 200
    assert "Saisissez votre identifiant (numéro de famille) ou votre adresse e-mail." in text(answer)


def test_the_answer_takes_the_same_time_for_an_unknown_account(app):
    durations = {}
    for typed, address in ((FAMILY, "198.51.100.1"), ("770400099", "198.51.100.2"), ("nul@example.fr", "198.51.100.3")):
        client = visitor(app, address)
        token = csrf_from(client.get("/mot-de-passe-oublie"))
        started = time.perf_counter()
        client.post("/mot-de-passe-oublie", {"csrf_token": token, "identifiant": typed})
        durations[typed] = time.perf_counter() - started
    assert all(d >= password_reset.MIN_ANSWER_SECONDS for d in durations.values()), durations
    assert max(durations.values()) - min(durations.values()) < 0.15, durations


# --- limits -----------------------------------------------------------------------------------------------------------

def test_five_requests_per_address_per_hour_then_429_in_french(app):
    client = visitor(app)
    for number in range(5):
        assert ask(client, f"77040{number:04d}").status_int == 303
    refused = ask(client, FAMILY)
    assert refused.status_int == 429 and refused.headers["Retry-After"] == "3600"
    message = refused.html.select_one(".flash-error").get_text(" ", strip=True)
    assert message.startswith("Plusieurs demandes ont déjà été faites depuis votre connexion cette heure-ci.")
    assert "contactez la mairie au" in message
    assert refused.html.find("input", attrs={"name": "identifiant"})["value"] == FAMILY  # the typed value is kept
    assert mails(app) == []
    assert ask(visitor(app, "203.0.113.6"), FAMILY).status_int == 303  # another address may
    app.portal.clock.advance(3600)
    assert ask(client, FAMILY).status_int == 303


@pytest.mark.parametrize("typed", [FAMILY, "770400099"])  # the same whether the account exists or not
def test_three_requests_per_account_per_hour_from_any_address(app, typed):
    for number in range(3):
        assert ask(visitor(app, f"198.51.100.{number}"), typed).status_int == 303
    refused = ask(visitor(app, "198.51.100.50"), typed)
    assert refused.status_int == 429
    assert "Plusieurs demandes ont déjà été faites pour ce compte cette heure-ci." in text(refused)


def test_a_family_gets_at_most_three_links_an_hour_however_it_is_named(app):
    for number, typed in enumerate([FAMILY, HOLDER, FAMILY, HOLDER, FAMILY, HOLDER]):
        assert ask(visitor(app, f"198.51.100.{number}"), typed).status_int == 303  # the same answer
    assert len(mails(app, FAMILY)) == 3


# --- the link -------------------------------------------------------------------------------------------------------

@pytest.fixture
def link(app) -> str:
    ask(visitor(app), FAMILY)
    return link_of(mails(app)[-1])


def test_the_link_shows_a_form_and_opening_it_uses_nothing(app, link):
    for _ in range(2):  # a mail scanner may open it first
        page = TestApp(app).get(link)
        assert page.html.find("h1").get_text() == "Choisir un nouveau mot de passe"
        assert "Votre identifiant : 770400070" in text(page)
        assert "uniquement des lettres et des chiffres" in text(page)
    assert choose(TestApp(app), link).status_int == 303


def test_the_new_password_follows_the_family_rule(app, link):
    client = TestApp(app)
    weak = choose(client, link, "court1")
    assert weak.status_int == 200 and "au moins 8 caractères" in weak.html.find(id="nouveau-error").get_text()
    different = choose(client, link, NEW_PASSWORD, "Soleil2028")
    assert "Les deux saisies du mot de passe sont différentes." in different.html.find(id="confirmation-error").get_text()
    assert logs_in(app, FAMILY_PASSWORD)  # nothing changed
    assert choose(client, link).status_int == 303  # the link still works


def test_the_link_sets_the_password_ends_other_sessions_and_the_family_logs_in(app, link):
    elsewhere = TestApp(app)
    assert login_family(elsewhere, FAMILY, FAMILY_PASSWORD).status_int == 303
    other_family = TestApp(app)
    assert login_family(other_family, *OTHER_FAMILY).status_int == 303
    browser = TestApp(app)
    done = choose(browser, link)
    assert done.status_int == 303
    assert done.headers["Location"] == f"/connexion?mot-de-passe=choisi&identifiant={FAMILY}"
    login = done.follow()
    assert "Votre mot de passe est enregistré. Connectez-vous avec votre identifiant et ce mot de passe." in text(login)
    assert login.html.find("input", attrs={"name": "identifiant"})["value"] == FAMILY
    assert elsewhere.get("/accueil", status="*").status_int == 303  # the family's other session has ended
    assert other_family.get("/accueil").status_int == 200  # another family's has not
    assert not logs_in(app, FAMILY_PASSWORD)
    answer = login_family(browser, FAMILY, NEW_PASSWORD)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/accueil")
    assert browser.get("/accueil").status_int == 200  # no temporary password: straight in


def test_a_link_works_once(app, link):
    assert choose(TestApp(app), link).status_int == 303
    again = choose(TestApp(app), link, "Pirate2027")
    assert again.status_int == 410
    assert again.html.find("h1").get_text() == "Lien expiré ou déjà utilisé"
    assert again.html.find("a", string="Demander un nouveau lien")["href"] == "/mot-de-passe-oublie"
    assert TestApp(app).get(link, status="*").status_int == 410
    assert logs_in(app, NEW_PASSWORD) and not logs_in(app, "Pirate2027")


def test_a_link_expires_after_one_hour(app, link):
    with clock.pinned(clock.now() + timedelta(minutes=59)):
        assert TestApp(app).get(link).status_int == 200
    with clock.pinned(clock.now() + timedelta(hours=1, seconds=5)):
        assert TestApp(app).get(link, status="*").status_int == 410
        assert choose(TestApp(app), link).status_int == 410
    assert logs_in(app, FAMILY_PASSWORD)


def test_a_newer_request_ends_the_older_link(app, link):
    app.portal.clock.advance(60)
    ask(visitor(app, "198.51.100.9"), HOLDER)
    newer = link_of(mails(app)[-1])
    assert newer != link
    assert TestApp(app).get(link, status="*").status_int == 410
    assert choose(TestApp(app), newer).status_int == 303


def test_changing_the_password_in_mon_compte_ends_a_waiting_link(app, link):
    family = TestApp(app)
    assert login_family(family, FAMILY, FAMILY_PASSWORD).status_int == 303
    family.post("/mon-compte/mot-de-passe", {"csrf_token": csrf_from(family.get("/mon-compte")), "actuel": FAMILY_PASSWORD,
                                             "nouveau": "Autre2027", "confirmation": "Autre2027"})
    assert TestApp(app).get(link, status="*").status_int == 410


@pytest.mark.parametrize("forged", ["0" * 32, "770400070", "770400070." + "A" * 43, "770400099." + "A" * 43,
                                    "..", "770400070." + "A" * 43 + "%00"])
def test_forged_links_are_refused_in_french(app, link, forged):
    page = TestApp(app).get(f"/mot-de-passe/{forged}", status="*")
    assert page.status_int == 410 and "Lien expiré ou déjà utilisé" in text(page)
    assert choose(TestApp(app), f"/mot-de-passe/{forged}").status_int == 410


def test_the_agent_reads_the_mail_but_not_the_links_secret(app, link):
    agent = TestApp(app)
    assert login_agent(agent, *DEMO_AGENT).status_int == 303
    [mail] = mails(app)
    page = agent.get(f"/agent/courriels/{mail['id']}")
    secret = link.rsplit(".", 1)[1]
    assert secret not in page.text
    assert f"{PUBLIC}/mot-de-passe/{FAMILY}.[secret masqué]" in text(page)
    assert "Votre identifiant : 770400070" in text(page)
