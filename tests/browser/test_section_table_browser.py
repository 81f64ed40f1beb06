"""The agent's table by section in a real Chromium, JavaScript on (htmx swaps the table in place) and off (plain form,
POST → 303 → result): two families send a new quotient familial, the agent goes from the dashboard to the C.A.F.
table, ticks both rows with the keyboard (each checkbox named after its family) and validates them in one action."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT

pytestmark = pytest.mark.browser

# Each run has its own families and quotients: the js and nojs runs share the server.
RUNS = {True: {"770400070": 611, "770400080": 612}, False: {"770400080": 621, "770400090": 622}}


def log_in(page, url: str, identifiant: str, password: str) -> None:
    page.goto(url)
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def send_quotient(browser, server_url: str, javascript: bool, family_id: str, qf: int) -> None:
    context = browser.new_context(java_script_enabled=javascript, base_url=server_url, locale="fr-FR")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        log_in(page, "/connexion", family_id, DEMO_ACCOUNTS[family_id])
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.goto("/mes-informations/caf/modifier")
        page.get_by_label("Quotient familial (€)").fill(str(qf))
        page.get_by_role("button", name="Envoyer la demande").click()
        expect(page.locator(".flash-success")).to_be_visible()
    finally:
        context.close()


def test_the_agent_validates_a_batch_from_the_section_table(browser, server_url, javascript, page):
    run = RUNS[javascript]
    for family_id, qf in run.items():
        send_quotient(browser, server_url, javascript, family_id, qf)
    log_in(page, "/agent/connexion", *DEMO_AGENT)
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    page.get_by_role("link", name="C.A.F.", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demandes en attente — C.A.F.")
    table_url = page.url
    badge_before = int(page.locator("#nav-pending").inner_text())

    keys = []  # each ticked request's checkbox value: another pending request of the family may show the same QF later
    for family_id, qf in run.items():
        row = page.locator("table.request-table tbody tr", has_text=f"{qf} €")
        expect(row).to_have_count(1)
        keys.append(row.locator("input[type=checkbox]").get_attribute("value"))
        expect(row.locator("th[scope=row]")).to_contain_text(family_id)
        box = page.get_by_role("checkbox", name=re.compile(f"famille {family_id} "))
        box = box.and_(row.locator("input[type=checkbox]"))
        box.focus()  # keyboard only: the focused box is ticked with the space bar
        page.keyboard.press("Space")
        expect(box).to_be_checked()
        outline = box.evaluate("el => getComputedStyle(el).outlineStyle")
        assert outline != "none", "the focused checkbox shows no focus"

    page.get_by_role("button", name="Valider la sélection").click()
    result = page.locator(".batch-result")
    expect(result).to_contain_text("2 demandes validées pour 2 familles")
    for key in keys:  # the decided rows are gone (the families' other pending requests, if any, stay)
        expect(page.locator(f"table.request-table input[type=checkbox][value='{key}']")).to_have_count(0)
    expect(page.locator("#nav-pending")).to_have_text(str(badge_before - 2))
    if javascript:
        assert page.url == table_url  # swapped in place by htmx, no navigation
    else:
        assert page.url.startswith(table_url.split("?")[0])  # POST → 303 → the table with the result
    assert page.problems == []
