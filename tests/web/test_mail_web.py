"""The agent's side of e-mail through WebTest: the Courriels pages (list, filters, one mail, Renvoyer), the SMTP block
of Paramètres (write-only password, environment values read-only), the test-mail button answered by a real SMTP
server, and the sender thread that create_app starts only when asked."""
from __future__ import annotations

from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, csrf_from, logged_in
from mail_server import SmtpServer, running_smtp_server
from portal import create_app, stop_jobs
from storage import clock
from storage.demo import DEMO_AGENT
from tests.perf.live import form_fields

FAMILY, OTHER = DEMO_FAMILY[0], "770400080"


@pytest.fixture(autouse=True)
def nine_o_clock():
    """Dates shown on the Courriels pages are checked to the minute: the clock stands at 02/12/2026 09:00."""
    with clock.pinned(datetime(2026, 12, 2, 9, 0)):
        yield


@pytest.fixture
def smtp_server(tmp_path):
    """A plain SMTP server on 127.0.0.1 for the test."""
    with running_smtp_server(tmp_path) as server:
        yield server


def queue(app, family_id=FAMILY, **changes) -> str:
    fields = dict(kind="decision", to="sophie.martin@example.fr", subject="Votre demande a été validée",
                  text="Bonjour,\nVotre demande a été validée.", family_id=family_id)
    fields.update(changes)
    return app.portal.outbox.queue(**fields)


def fail(app, mail_id: str, answer: str = "550 5.1.1 Mailbox unknown") -> None:
    outbox = app.portal.outbox
    outbox.mark_failed(outbox.pending_mail(mail_id), {"at": "2026-12-02T09:00:00", "ts": outbox.clock(),
                                                      "server": "127.0.0.1:25", "answer": answer,
                                                      "result": "permanent"})


def rows(page) -> list[list[str]]:
    table = BeautifulSoup(page.text, "html.parser").find("table")
    return [[" ".join(cell.get_text(" ").split()) for cell in tr.find_all("td")] for tr in table.tbody.find_all("tr")]


def flashes(page) -> str:
    return " ".join(e.get_text(" ", strip=True) for e in BeautifulSoup(page.text, "html.parser").select(".flash"))


@pytest.fixture
def agent(demo_app) -> TestApp:
    return logged_in(demo_app, *DEMO_AGENT, agent=True)


# --- Courriels ------------------------------------------------------------------------------------

def test_agent_sees_a_queued_mail_waiting_for_smtp_settings(demo_app, agent):
    mail_id = queue(demo_app)
    page = agent.get("/agent/courriels")
    assert rows(page) == [["02/12/2026 à 09h00", FAMILY, "sophie.martin@example.fr", "Votre demande a été validée",
                           "En attente — non envoyé (SMTP non configuré)", "0"]]
    assert page.html.find("a", string="Votre demande a été validée")["href"] == f"/agent/courriels/{mail_id}"
    menu = page.html.find("nav", class_="main-nav")
    assert menu.find("a", href="/agent/courriels").get_text(strip=True) == "Courriels"


def test_agent_filters_mails_by_family_and_status(demo_app, agent):
    queue(demo_app, subject="Pour la famille 70")
    other = queue(demo_app, family_id=OTHER, to="karim@example.fr", subject="Pour la famille 80")
    fail(demo_app, other)
    assert [r[3] for r in rows(agent.get("/agent/courriels"))] == ["Pour la famille 80", "Pour la famille 70"]
    assert [r[3] for r in rows(agent.get(f"/agent/courriels?famille={OTHER}"))] == ["Pour la famille 80"]
    assert [r[3] for r in rows(agent.get("/agent/courriels?statut=en-attente"))] == ["Pour la famille 70"]
    failed = rows(agent.get("/agent/courriels?statut=echec"))
    assert [(r[3], r[4]) for r in failed] == [("Pour la famille 80", "Échec")]
    assert "Aucun courriel pour ce filtre" in agent.get(f"/agent/courriels?famille={OTHER}&statut=envoye").text
    wrong = agent.get("/agent/courriels?famille=abc&statut=%3Cscript%3E&page=-1")
    assert "Le numéro de famille est fait de chiffres" in wrong.text and len(rows(wrong)) == 2


def test_the_list_is_paged_by_fifty(demo_app, agent):
    for number in range(51):
        queue(demo_app, subject=f"Objet {number}")
    first = agent.get("/agent/courriels")
    assert len(rows(first)) == 50 and rows(first)[0][3] == "Objet 50"
    older = first.html.find("a", rel="next")["href"]
    assert [r[3] for r in rows(agent.get(older))] == ["Objet 0"]


def test_agent_reads_one_mail_with_its_headers_text_and_attempts(demo_app, agent):
    mail_id = queue(demo_app, text="Bonjour,\nMerci de joindre l'attestation CAF.")
    fail(demo_app, mail_id, "Destinataire refusé : 550 5.1.1 Mailbox unknown")
    page = agent.get(f"/agent/courriels/{mail_id}")
    headers = dict(zip([dt.get_text(strip=True) for dt in page.html.select("dl dt")],
                       [dd.get_text(strip=True) for dd in page.html.select("dl dd")]))
    assert headers["À"] == "sophie.martin@example.fr" and headers["Répondre à"] == "enfance@ville-demo.fr"
    assert headers["Objet"] == "Votre demande a été validée" and headers["De"].startswith("Ville de Démo")
    assert "Merci de joindre l'attestation CAF." in page.html.find("div", class_="pre-line").get_text()
    assert rows(page) == [["02/12/2026 à 09h00", "127.0.0.1:25", "refus définitif",
                           "Destinataire refusé : 550 5.1.1 Mailbox unknown"]]
    assert agent.get("/agent/courriels/20261202T090000-000000-1", status=404)


def test_agent_sends_a_failed_mail_again(demo_app, agent):
    mail_id = queue(demo_app)
    fail(demo_app, mail_id)
    page = agent.get(f"/agent/courriels/{mail_id}")
    answer = agent.post(f"/agent/courriels/{mail_id}/renvoyer", {"csrf_token": csrf_from(page)})
    assert answer.status_int == 303 and answer.location.endswith(f"/agent/courriels/{mail_id}")
    after = answer.follow()
    assert "de nouveau en attente" in flashes(after)
    assert demo_app.portal.outbox.get(mail_id)["status"] == "pending"
    assert demo_app.portal.outbox.due(demo_app.portal.outbox.clock()) == [mail_id]
    again = agent.post(f"/agent/courriels/{mail_id}/renvoyer", {"csrf_token": csrf_from(after)}).follow()
    assert "n'est pas en échec" in flashes(again)


def test_a_family_is_sent_away_from_the_courriels_pages(demo_app):
    mail_id = queue(demo_app)
    family = logged_in(demo_app, *DEMO_FAMILY)
    for url in ("/agent/courriels", f"/agent/courriels/{mail_id}"):
        answer = family.get(url, status=303)
        assert answer.location.endswith("/agent/connexion")
    answer = family.post(f"/agent/courriels/{mail_id}/renvoyer", {"csrf_token": csrf_from(family.get("/accueil"))},
                         status=303)
    assert answer.location.endswith("/agent/connexion")


# --- Paramètres -----------------------------------------------------------------------------------

def settings_form(page) -> dict:
    return form_fields(page.text, "/agent/parametres")


def test_smtp_settings_are_saved_and_the_password_is_never_shown_back(demo_app, agent):
    fields = settings_form(agent.get("/agent/parametres"))
    fields.update(smtp_host="smtp.ma-commune.fr", smtp_port="587", smtp_security="starttls", smtp_user="portail",
                  smtp_password="Tr3s-secret", mail_from="portail@ma-commune.fr")
    page = agent.post("/agent/parametres", fields).follow()
    assert "Paramètres enregistrés." in flashes(page)
    assert demo_app.portal.settings["mail"]["password"] == "Tr3s-secret"
    assert "Tr3s-secret" not in page.text and "un mot de passe est enregistré" in page.text
    fields = settings_form(page)
    assert fields["smtp_host"] == "smtp.ma-commune.fr" and fields["smtp_password"] == ""
    agent.post("/agent/parametres", dict(fields, smtp_port="2525"))  # blank password: the stored one stays
    assert demo_app.portal.settings["mail"]["password"] == "Tr3s-secret"
    assert demo_app.portal.settings["mail"]["port"] == 2525


def test_wrong_smtp_settings_are_refused_next_to_their_field(demo_app, agent):
    fields = settings_form(agent.get("/agent/parametres"))
    fields.update(smtp_port="99999", mail_from="pas une adresse", smtp_security="tls13", smtp_user="a\r\nb")
    page = agent.post("/agent/parametres", fields)
    assert page.status_int == 200
    errors = {e.find_parent("div").find("label").get_text(strip=True): e.get_text(strip=True)
              for e in page.html.select(".error-text")}
    assert errors["Port (vide : selon la sécurité)"] == "Le port est un nombre entre 1 et 65535."
    assert errors["Adresse d'expédition (par exemple portail@ma-commune.fr)"].startswith(
        "Adresse d'expédition invalide")
    assert "Sécurité de la connexion" in errors and "Identifiant SMTP (vide : sans authentification)" in errors
    assert demo_app.portal.settings["mail"]["port"] == ""


def test_smtp_values_from_the_environment_win_and_are_shown_read_only(demo_dir, monkeypatch):
    monkeypatch.setenv("PORTAL_SMTP_HOST", "relay.example.org")
    monkeypatch.setenv("PORTAL_SMTP_PASSWORD", "from-the-environment")
    app = create_app(demo_dir)
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    page = agent.get("/agent/parametres")
    assert "smtp_host" not in settings_form(page) and "smtp_password" not in settings_form(page)
    assert "relay.example.org" in page.text and "PORTAL_SMTP_HOST" in page.text and "PORTAL_SMTP_PASSWORD" in page.text
    assert "from-the-environment" not in page.text
    agent.post("/agent/parametres", dict(settings_form(page), smtp_host="other.example.org", smtp_password="typed"))
    assert app.portal.settings["mail"]["host"] == "relay.example.org"
    assert app.portal.settings["mail"]["password"] == "from-the-environment"
    assert "smtp_host" not in settings_form(agent.get("/agent/parametres"))
    monkeypatch.delenv("PORTAL_SMTP_HOST")
    monkeypatch.delenv("PORTAL_SMTP_PASSWORD")
    stored = create_app(demo_dir).portal.settings["mail"]  # what the form stored: nothing for the fixed values
    assert (stored["host"], stored["password"]) == ("", "")


def test_the_test_mail_shows_the_smtp_servers_answer(demo_dir, smtp_server):
    app = create_app(demo_dir, {"mail": smtp_server.settings()})
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    page = agent.get("/agent/parametres")
    answer = agent.post("/agent/parametres/courriel-essai",
                        {"csrf_token": csrf_from(page), "adresse": "agent@example.fr"})
    assert answer.status_int == 303 and answer.location.endswith("/agent/parametres#courriel-essai")
    assert "Réponse du serveur : 250 2.0.0 Ok: queued as TEST" in flashes(answer.follow())
    [received] = smtp_server.mailbox.received
    assert received.rcpt_tos == ["agent@example.fr"] and "Courriel d'essai" in received.message["Subject"]
    assert received.message["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize("setting, address, expected", [
    ("down", "agent@example.fr", "Échec du courriel d'essai : Connexion refusée par 127.0.0.1:"),
    ("none", "agent@example.fr", "Courriel d'essai non envoyé : SMTP non configuré."),
    ("down", "agent@example.fr\r\nBcc: x@example.org", "Courriel d'essai : Adresse e-mail invalide"),
])
def test_the_test_mail_explains_in_french_why_it_did_not_leave(demo_dir, tmp_path, setting, address, expected):
    settings = {"mail": SmtpServer(tmp_path).settings()} if setting == "down" else None  # a port nobody listens on
    app = create_app(demo_dir, settings)
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    page = agent.get("/agent/parametres")
    answer = agent.post("/agent/parametres/courriel-essai", {"csrf_token": csrf_from(page), "adresse": address})
    assert answer.status_int == 303
    assert expected in flashes(answer.follow())


# --- the sender thread ----------------------------------------------------------------------------

def test_create_app_starts_the_sender_only_when_asked(demo_dir, smtp_server):
    quiet = create_app(demo_dir, {"mail": smtp_server.settings()})
    assert not quiet.portal.mail_sender.running
    app = create_app(demo_dir, {"mail": smtp_server.settings()}, start_jobs=True)
    try:
        assert app.portal.mail_sender.running
        mail_id = queue(app)
        assert len(smtp_server.mailbox.wait_for(1, timeout=10)) == 1
    finally:
        stop_jobs(app)
    assert not app.portal.mail_sender.running
    assert app.portal.outbox.get(mail_id)["status"] == "sent"


def test_saving_smtp_settings_wakes_the_sender_for_waiting_mails(demo_dir, smtp_server):
    app = create_app(demo_dir, start_jobs=True)
    try:
        mail_id = queue(app)
        agent = logged_in(app, *DEMO_AGENT, agent=True)
        fields = settings_form(agent.get("/agent/parametres"))
        fields.update(smtp_host="127.0.0.1", smtp_port=str(smtp_server.port), smtp_security="none",
                      mail_from="portail@ville-demo.fr")
        started = datetime.now()
        agent.post("/agent/parametres", fields)
        assert len(smtp_server.mailbox.wait_for(1, timeout=10)) == 1
        assert (datetime.now() - started).total_seconds() < 10  # woken, not the minute-long poll
    finally:
        stop_jobs(app)  # lets the sender finish recording the mail as sent
    assert app.portal.outbox.get(mail_id)["status"] == "sent"
