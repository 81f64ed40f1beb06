"""Paramètres › Conservation des données through the web: the periods are checked (French errors next to the fields,
typed values kept, nothing saved) and saved; the preview page counts per kind what a run would remove and the
"Lancer maintenant" button removes exactly that, journalled on the page and in the Journal; the daily purge runs at
start-up when it has not run today and not twice a day; an anonymised family's page says so and its accounts stay."""
from __future__ import annotations

import json
import time

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, csrf_from, login_agent, login_family
from portal import create_app, stop_jobs
from storage import clock
from storage.demo import DEMO_AGENT
from storage.families import set_family_active
from storage.messages import post_message

PAGE = "/agent/parametres/conservation"
PREVIEW = PAGE + "/apercu"
FAMILY = DEMO_FAMILY[0]
VALID = {"messages": "24", "requests": "24", "certificates": "12", "families": "36", "preregistrations": "12",
         "mails_sent": "90", "mails_failed": "365", "pieces": "24", "hour": "3"}


def norm(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def soup(page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def flashes(page) -> list[str]:
    return [norm(div.get_text(" ")) for div in soup(page).select("div.flash")]


def preview_counts(page) -> dict[str, int]:
    rows = soup(page).select("#retention-preview tbody tr")
    return {row["data-kind"]: int(row.find_all("td")[-1].get_text()) for row in rows}


def journal_rows(page, table_id: str) -> list[str]:
    return [norm(row.get_text(" ")) for row in soup(page).select(f"#{table_id} tbody tr")]


def old_conversation(app, subject: str = "Ancienne question") -> int:
    with clock.pinned("2024-01-15T10:00:00"):
        return post_message(app.portal.families, FAMILY, author="family", subject=subject, body="Bonjour.")


def subjects(app) -> list[str]:
    return [m["subject"] for m in app.portal.families.read(FAMILY).table("messages").all()]


@pytest.fixture
def agent(demo_app) -> TestApp:
    client = TestApp(demo_app)
    assert login_agent(client, *DEMO_AGENT).status_int == 303
    return client


def test_the_settings_page_leads_to_the_retention_page_and_its_preview(agent):
    settings = agent.get("/agent/parametres")
    assert settings.click(href=PAGE + "$").status_int == 200
    page = agent.get(PAGE)
    assert page.click(href=PREVIEW).status_int == 200
    fields = {i["name"]: i["value"] for i in soup(page).select("form[action='/agent/parametres/conservation'] input")
              if i["name"] != "csrf_token"}
    assert fields == VALID  # the lawful defaults
    assert "Au-delà de trois ans sans aucun contact" in norm(page.text)  # each period explains itself


def test_periods_are_checked_with_french_errors_next_to_the_fields_and_the_typed_values_kept(agent, demo_dir):
    page = agent.get(PAGE)
    before = (demo_dir / "settings.json").read_bytes()
    answer = agent.post(PAGE, dict(VALID, messages="deux ans", families="6", pieces="1", hour="25", csrf_token=csrf_from(page)))
    assert answer.status_int == 200
    errors = {e["id"]: norm(e.get_text()) for e in soup(answer).select(".error-text")}
    assert errors == {"f-messages-error": "Indiquez un nombre entier de mois entre 6 et 120.",
                      "f-families-error": "Indiquez un nombre entier de mois entre 12 et 120.",
                      "f-pieces-error": "Indiquez un nombre entier de mois entre 3 et 120.",
                      "f-hour-error": "Indiquez une heure entière entre 0 et 23."}
    typed = soup(answer)
    assert typed.find(id="f-messages")["value"] == "deux ans" and typed.find(id="f-families")["value"] == "6"
    assert typed.find(id="f-messages")["aria-invalid"] == "true"
    assert "Le formulaire contient 4 erreurs" in norm(answer.text)
    assert (demo_dir / "settings.json").read_bytes() == before


def test_saved_periods_apply_to_the_preview(agent, demo_app):
    page = agent.get(PAGE)
    answer = agent.post(PAGE, dict(VALID, messages="6", hour="22", csrf_token=csrf_from(page)))
    assert answer.status_int == 303 and answer.headers["Location"] == PAGE
    assert flashes(answer.follow()) == [
        "Durées de conservation enregistrées ; elles s'appliquent dès le prochain passage."]
    assert demo_app.portal.settings["retention"]["messages"] == 6
    assert "Chaque jour à 22 h" in norm(agent.get(PAGE).text)
    preview = agent.get(PREVIEW)
    row = soup(preview).select_one("tr[data-kind='conversations']")
    assert "dernier message avant le 02/06/2026" in norm(row.get_text(" "))


@pytest.fixture
def nine_o_clock():
    """The journal shows runs to the minute: the calendar clock stands at 02/12/2026 09:00."""
    with clock.pinned("2026-12-02T09:00:00"):
        yield


def test_the_preview_counts_what_lancer_maintenant_then_removes_once(agent, demo_app, nine_o_clock):
    old_conversation(demo_app)
    preview = agent.get(PREVIEW)
    assert preview_counts(preview) == dict.fromkeys(preview_counts(preview), 0) | {"conversations": 1}
    assert "Ancienne question" not in preview.text  # counts, never contents
    answer = agent.post(PAGE + "/lancer", {"csrf_token": csrf_from(preview)})
    assert answer.status_int == 303 and answer.headers["Location"] == PAGE
    page = answer.follow()
    assert flashes(page) == ["Passage effectué : Conversations : 1."]
    assert "Ancienne question" not in subjects(demo_app) and subjects(demo_app)  # the recent ones stay
    assert journal_rows(page, "retention-journal") == ["02/12/2026 à 09h00 agent Conversations : 1"]
    assert "Dernier passage : 02/12/2026 à 09h00 (demandé par agent) — Conversations : 1." in norm(page.text)
    journal = agent.get("/agent/journal")
    assert journal_rows(journal, "purges") == ["02/12/2026 à 09h00 agent Conversations : 1"]
    again = agent.post(PAGE + "/lancer", {"csrf_token": csrf_from(page)})
    assert flashes(again.follow()) == ["Passage effectué : rien à supprimer."]
    assert sum(preview_counts(agent.get(PREVIEW)).values()) == 0
    assert len(journal_rows(agent.get(PAGE), "retention-journal")) == 1


def test_a_family_never_reaches_the_retention_pages(demo_app):
    family = TestApp(demo_app)
    assert login_family(family, *DEMO_FAMILY).status_int == 303
    for url in (PAGE, PREVIEW):
        assert family.get(url).headers["Location"] == "/agent/connexion"
    home = family.get("/accueil")
    answer = family.post(PAGE + "/lancer", {"csrf_token": csrf_from(home)}, status="*")
    assert answer.status_int == 303 and answer.headers["Location"] == "/agent/connexion"
    assert not (demo_app.portal.documents.root / "jobs.json").exists()


def jobs_state(folder) -> dict:
    """The purge's saved state ({} before its first run: other daily jobs may have written jobs.json first)."""
    path = folder / "jobs.json"
    return json.loads(path.read_text()).get("conservation", {}).get("1", {}) if path.exists() else {}


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_the_daily_purge_runs_at_start_up_when_due_and_not_twice_a_day(demo_dir):
    def start():
        return create_app(demo_dir, start_jobs=True)

    def stop(app):
        stop_jobs(app)
        app.portal.close()

    app = create_app(demo_dir)
    old_conversation(app, "Première")
    app.portal.close()
    app = start()  # 2026-12-02 09:00, after the hour (3 h), never ran: it runs now
    try:
        assert wait_for(lambda: jobs_state(demo_dir) and "Première" not in subjects(app))
        assert wait_for(lambda: jobs_state(demo_dir).get("last_run_on") == "2026-12-02")
        first_run = jobs_state(demo_dir)
        assert first_run["last_run_by"] == "portail" and first_run["last_result"] == {"conversations": 1}
        assert [e["by"] for e in app.portal.retention.journal()] == ["portail"]
        old_conversation(app, "Deuxième")
    finally:
        stop(app)
    app = start()  # restarted the same day: no second run
    try:
        time.sleep(1.0)
        assert "Deuxième" in subjects(app)
        assert jobs_state(demo_dir) == first_run
    finally:
        stop(app)
    with clock.pinned("2026-12-03T01:30:00"):  # the next night, before its hour: at start-up
        app = start()
        try:
            assert wait_for(lambda: jobs_state(demo_dir).get("last_run_on") == "2026-12-03")
            assert "Deuxième" not in subjects(app)
            assert [e["by"] for e in app.portal.retention.journal()] == ["portail", "portail"]
        finally:
            stop(app)


def test_an_anonymised_family_page_says_so_and_keeps_its_accounts(demo_app, agent):
    portal = demo_app.portal
    with clock.pinned("2026-12-02T09:00:00"):
        set_family_active(portal.families, "770400090", False)
    assert agent.get("/agent/familles", {"q": "leroy"}).text.count("770400090") >= 1
    account_before = norm(soup(agent.get("/agent/familles/770400090/compte")).select_one("main").get_text(" "))
    piece = portal.pieces.save("770400090", b"%PDF-1.4 avis d'imposition", "pdf")  # one of its supporting documents
    with clock.pinned("2030-01-10T03:00:00"):  # more than three years later
        counts = portal.retention.run("portail")
    assert counts["families_anonymised"] == 1
    assert portal.pieces.path("770400090", piece) is None  # its documents go with its names
    page = agent.get("/agent/familles/770400090")
    assert "Famille anonymisée le 10/01/2030" in norm(page.text) and "LEROY" not in page.text
    assert "770400090" not in agent.get("/agent/familles", {"q": "leroy"}).text
    account_after = norm(soup(agent.get("/agent/familles/770400090/compte")).select_one("main").get_text(" "))
    numbers = [invoice["number"] for invoice in portal.families.read_ledger("770400090").table("invoices").all()]
    assert numbers and all(number in account_after for number in numbers)
    assert "LEROY" in account_before and "LEROY" not in account_after
    assert account_after.split("Solde du compte :")[1] == account_before.split("Solde du compte :")[1]  # balance, lines
