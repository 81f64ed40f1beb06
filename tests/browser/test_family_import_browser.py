"""Familles › Importer des familles in a real Chromium, JavaScript on and off, against the real server (its job
thread running): upload, preview, confirm, the progress page that follows the import by itself (htmx polling, or
the noscript refresh), then the access: mails queued and the letters' PDF downloaded."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpers import SERVER_START_SECONDS
from storage.demo import DEMO_AGENT
from tests.perf.import_csv import import_files
from tests.perf.live import Server

pytestmark = pytest.mark.browser
FIRST_NUMBERS = {True: 660100000, False: 550100000}  # one set of families per run: each run imports new ones


@pytest.fixture(scope="module")
def import_portal(chromium_available, tmp_path_factory):
    """`portal.py --demo` in its own process (its own families: the import adds some)."""
    folder = tmp_path_factory.mktemp("family-import")
    server = Server.portal(folder / "data", log_path=folder / "server.log", demo=True)
    with server:
        try:
            server.start(timeout=SERVER_START_SECONDS)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}\n{(folder / 'server.log').read_text()}", pytrace=False)
        yield f"http://127.0.0.1:{server.port}"


@pytest.fixture
def agent_page(browser, import_portal, javascript):
    context = browser.new_context(java_script_enabled=javascript, base_url=import_portal, locale="fr-FR",
                                  accept_downloads=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    page.goto("/agent/connexion")
    page.fill("#identifiant", DEMO_AGENT[0])
    page.fill("#mot_de_passe", DEMO_AGENT[1])
    page.click("button[type=submit]")
    expect(page).to_have_url(re.compile(r"/agent$"))
    yield page
    context.close()


def test_agent_imports_families_and_downloads_the_letters(agent_page, javascript, tmp_path):
    page = agent_page
    families, persons = import_files(12, first_number=FIRST_NUMBERS[javascript])
    (tmp_path / "familles.csv").write_bytes(families)
    (tmp_path / "personnes.csv").write_bytes(persons)
    page.goto("/agent/familles")
    page.click("text=Importer des familles (CSV)")
    page.set_input_files("#f-familles", str(tmp_path / "familles.csv"))
    page.set_input_files("#f-personnes", str(tmp_path / "personnes.csv"))
    page.click("text=Vérifier les fichiers")
    expect(page.locator("main")).to_contain_text("12 familles à créer")
    page.click("button:has-text('Importer')")
    expect(page).to_have_url(re.compile(r"/progression$"))
    expect(page.locator("#progression")).to_contain_text("Import terminé : 12 familles créées")
    page.click("#progression >> text=Envoyer les accès")
    page.click("main button:has-text('Envoyer les accès')")
    expect(page.locator("#progression")).to_contain_text("Accès envoyés", timeout=60_000)
    text = page.locator("#progression").inner_text()
    mailed, letters = (int(n) for n in re.search(r"(\d+) courriels? mis.*?(\d+) courriers?", text).groups())
    assert mailed + letters == 12 and letters >= 1
    with page.expect_download() as download:
        page.click("text=Télécharger les courriers (PDF)")
    pdf = tmp_path / "courriers.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert page.problems == []
