"""The enrolments module in a real Chromium, with JavaScript on (htmx) and off (plain HTML): a family enrols a
child in two services, the agent validates, the family declares one absence for both services with one certificate
(one request per service), the agent validates each, and the child's planning shows the booked days and the absence
in both columns.

The test makes its own two services (open from the start of this month for four months, Monday to Friday, closed on
the public holidays the service editor adds by default) from the suite's pinned clock, which the server shares, rather
than relying on the demo's school year: it works whatever date the suite is pinned to (the absence may fall in this
month or a later one, never on a public holiday).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from storage import clock
from storage.services import public_holidays

pytestmark = pytest.mark.browser

FAMILY = ("770400090", "demo2028")  # LEROY, Inès (child 1), QF 1150; no pending request in the demo
AGENT = ("agent", "agent2026")
SERVICES = {"garderie-essai": "Garderie du soir (essai)", "etude-essai": "Étude du soir (essai)"}
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
# Each run books its own weekdays, so the js and nojs runs never overlap on the shared server.
RUN_WEEKDAYS = {True: (0, 1), False: (3, 4)}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def log_in(page, url, identifiant, password):
    page.goto(url)
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


@pytest.fixture
def agent_page(browser, server_url, javascript):
    """A second browser context, for the agent, with the same JavaScript setting as the family's page."""
    context = browser.new_context(java_script_enabled=javascript, base_url=server_url, locale="fr-FR",
                                  viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    log_in(page, "/agent/connexion", *AGENT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    yield page
    context.close()


def fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def ensure_test_services(agent, first: date, last: date) -> None:
    """The agent adds the test services through the settings (once for the whole session); the box that closes
    them on public holidays is ticked by default."""
    for service_id, name in SERVICES.items():
        agent.goto("/agent/parametres")
        if agent.locator(f'a[href="/agent/services/{service_id}"]').count():
            continue
        agent.get_by_role("link", name="Ajouter un service").click()
        expect(agent.get_by_role("heading", level=1)).to_have_text("Nouveau service")  # htmx: the page has changed
        agent.get_by_label(re.compile(r"^Identifiant \(lettres")).fill(service_id)
        agent.get_by_label("Nom", exact=True).fill(name)
        for day in WEEKDAYS_FR[:5]:
            agent.get_by_label(day, exact=True).check()
        agent.get_by_label("Périodes d'ouverture").fill(f"{fr(first)} - {fr(last)}")
        agent.get_by_label("Tarifs par tranche de quotient familial").fill("800 ; 1,20\n; 2,40")
        expect(agent.get_by_label("Ajouter les jours fériés aux jours de fermeture")).to_be_checked()
        agent.get_by_role("button", name="Enregistrer le service").click()
        expect(agent.get_by_text(f"Service « {name} » enregistré.")).to_be_visible()


def open_day(day: date, weekday: int, holidays: dict) -> date:
    """The first day from day on that falls on weekday and is not a public holiday."""
    while day.weekday() != weekday or day.isoformat() in holidays:
        day += timedelta(days=1)
    return day


def validate_newest(agent, kind: str, billing: str | None = None) -> None:
    """The agent validates the family's pending request of that kind (Inscription / Absence)."""
    agent.goto(f"/agent/demandes/{FAMILY[0]}")
    card = agent.locator("article.request-card", has=agent.get_by_role("heading", name=re.compile(kind))).filter(
        has=agent.get_by_role("button", name="Valider")).last
    if billing:
        card.get_by_label("Facturation des jours d'absence").select_option(billing)
    card.get_by_role("button", name="Valider").click()
    expect(agent.get_by_text("Demande validée : la fiche de la famille est mise à jour.")).to_be_visible()


def test_family_enrols_declares_an_absence_agent_validates_planning_shows_it(page, agent_page, screenshot,
                                                                             javascript):
    today = clock.today()  # the server runs on the same pinned clock (tests/conftest.py)
    first, last = today.replace(day=1), today.replace(day=1) + timedelta(days=120)
    booked = RUN_WEEKDAYS[javascript]
    holidays = public_holidays([{"start": first.isoformat(), "end": last.isoformat()}], today)
    # The absence: the first booked weekday at least three weeks ahead (in time whatever the notice), not a public
    # holiday (the services are closed then); another booked day of its month, a week before or after.
    absent = open_day(today + timedelta(days=21), booked[1], holidays)
    other = next(day for day in (absent - timedelta(days=7), absent + timedelta(days=7), absent + timedelta(days=14))
                 if day.month == absent.month and day.isoformat() not in holidays and day >= today)
    month = absent.strftime("%Y-%m")
    ensure_test_services(agent_page, first, last)

    # The family enrols Inès in both services on two weekdays, seeing the price first.
    log_in(page, "/connexion", *FAMILY)
    for service_id, name in SERVICES.items():
        page.get_by_role("navigation").get_by_role("link", name="Inscriptions").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inscriptions et absences")
        page.get_by_role("link", name="Inscrire un enfant").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inscrire un enfant")
        expect(page.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text("2,40 €")  # QF 1150
        page.get_by_label("Inès LEROY").check()
        page.get_by_label("Service").select_option(service_id)
        page.get_by_label("Du", exact=True).fill(today.isoformat())
        page.get_by_label("Au (inclus)").fill(last.isoformat())
        for weekday in booked:
            page.get_by_label(WEEKDAYS_FR[weekday], exact=True).check()
        screenshot("enrolments-enrol-form")
        page.get_by_role("button", name="Envoyer la demande d'inscription").click()
        expect(page).to_have_url(re.compile(r"/inscriptions$"))
        expect(page.get_by_text("Votre demande a été transmise à la mairie.")).to_be_visible()
        expect(page.get_by_text(re.compile("Ajout — Inscription : Inès LEROY — En attente"))).to_be_visible()
        validate_newest(agent_page, "Inscription")

    # The family declares one absence for both services, with one certificate.
    page.goto("/inscriptions")
    for name in SERVICES.values():
        expect(page.locator("section", has=page.get_by_role("heading", name="Inès LEROY"))).to_contain_text(name)
    page.get_by_role("link", name="Déclarer une absence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclarer une absence")
    ines = page.get_by_role("group", name="Inès LEROY")
    for name in SERVICES.values():
        ines.get_by_label(name).check()  # "Garderie du soir (essai) (prévenir 2 jours ouvrés avant, 10:00)"
    page.get_by_label("Du", exact=True).fill(absent.isoformat())
    page.get_by_label("Au (inclus)").fill(absent.isoformat())
    page.get_by_label("Motif").select_option("maladie")
    page.get_by_label(re.compile("^Certificat médical")).set_input_files(
        {"name": "certificat.pdf", "mimeType": "application/pdf", "buffer": PDF})
    screenshot("enrolments-absence-form")
    page.get_by_role("button", name="Déclarer l'absence").click()
    expect(page).to_have_url(re.compile(r"/inscriptions$"))
    expect(page.get_by_text("Vos 2 demandes d'absence (une par enfant et par service) ont été transmises")).to_be_visible()
    expect(page.locator(".flash").first).not_to_contain_text("facturé")  # declared in time: no word about billing

    for _ in SERVICES:  # one request per service: the agent decides each
        validate_newest(agent_page, "Absence", billing="free")

    # The planning, from this month to the absence's by the "Mois suivant" links: booked days and the absence.
    page.goto("/inscriptions")
    page.get_by_role("link", name="Planning d'Inès").click()
    shown = today.replace(day=1)
    while shown.strftime("%Y-%m") != month:
        expect(page).to_have_url(re.compile(rf"/planning/1(\?mois={shown.strftime('%Y-%m')})?$"))
        page.get_by_role("link", name="Mois suivant →").click()
        shown = (shown + timedelta(days=32)).replace(day=1)
    expect(page).to_have_url(re.compile(rf"/planning/1\?mois={month}$" if month != today.strftime("%Y-%m")
                                        else r"/planning/1$"))
    table = page.locator("table.planning")
    headers = table.locator("thead th").all_inner_texts()
    row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=f"{WEEKDAYS_FR[absent.weekday()]} "
                                                                         f"{absent.day}", exact=True))
    other_row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=f"{WEEKDAYS_FR[other.weekday()]} "
                                                                               f"{other.day}", exact=True))
    saturday = next(absent.replace(day=d) for d in range(1, 8) if absent.replace(day=d).weekday() == 5)
    sat_row = table.locator("tbody tr", has=page.get_by_role("rowheader", name=f"samedi {saturday.day}", exact=True))
    for name in SERVICES.values():
        expect(table.get_by_role("columnheader", name=name)).to_be_visible()
        column = headers.index(name)  # the first header is "Jour"; cells are counted with it below
        expect(row.locator("td").nth(column - 1)).to_have_text("absent")
        expect(other_row.locator("td").nth(column - 1)).to_have_text("réservé")
        expect(sat_row.locator("td").nth(column - 1)).to_have_text("")
    screenshot("enrolments-planning")

    # The family's page lists the absence as recorded in each service, with no billed day (the agent waived it),
    # each with the certificate sent.
    page.goto("/inscriptions")
    for name in SERVICES.values():
        row = page.locator("tr", has_text=name).filter(has_text=f"du {fr(absent)} au {fr(absent)}")
        expect(row).to_have_count(1)
        expect(row.locator("td")).to_have_text(["Inès", name, f"du {fr(absent)} au {fr(absent)}", "Maladie",
                                                "0 sur 1", "voir"])
    assert page.problems == [] and agent_page.problems == []
