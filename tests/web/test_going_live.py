"""Issue 15's "Done when", walked through once as a commune going live would, on an empty data folder: the agent
imports the back-office's families (preview, then the background import), hands them their access (the mail's link
for a family with an address, a printed letter for one without), a family chooses its password and asks for a new
mobile phone, the agent validates it and finds it in the "Modifications validées" export, and a backup the agent
downloads restores into an empty folder where the portal shows the new phone and the family logs in.

Every step goes through the pages' own forms (WebTest), as the people would click; only the background import
thread runs (no mail sender: the mails stay in the outbox where the test reads them)."""
from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
import time
from datetime import datetime

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import tool_missing
from portal import create_app, ensure_agent_account
from storage import clock
from storage.backup.restore import restore_archive
from tests.perf.import_csv import import_files

pytestmark = pytest.mark.usefixtures("frozen_clock")  # 2026-12-02 09:00 all along: links, exports, archive names
PUBLIC = "https://famille.ville-demo.fr"
LINK = re.compile(re.escape(PUBLIC) + r"(/mot-de-passe/[0-9]+\.[A-Za-z0-9_-]{43})(?=\s)")
PASSWORD = "Cerisier2026"  # 8 to 20 letters and digits
NEW_PHONE = "07 81 22 33 44"
IMPORT_DEADLINE_SECONDS = 30
EXPORTED_AT = datetime(2026, 12, 2, 14, 0)  # the afternoon of the pinned day


# --- helpers: what a person does on a page ---------------------------------------------------------------------

def form_to(page, action: str):
    """The page's form that posts (or gets) to action."""
    forms = [form for form in page.forms.values() if form.action == action]
    assert forms, f"no form to {action} on {page.request.path}: {[f.action for f in page.forms.values()]}"
    return forms[0]


def follow(answer):
    while answer.status_int in (302, 303):
        answer = answer.follow()
    return answer


def log_in(app, login: str, password: str, *, agent: bool = False) -> TestApp:
    browser = TestApp(app)
    page = browser.get("/agent/connexion" if agent else "/connexion")
    form = page.forms[0] if len(page.forms) == 1 else form_to(page, page.request.path)
    form["identifiant"], form["mot_de_passe"] = login, password
    answer = form.submit()
    assert answer.status_int == 303, answer.text
    return browser


def text_of(page) -> str:
    return " ".join(BeautifulSoup(page.text, "html.parser").get_text(" ").split())


def wait_until_done(agent: TestApp, progress_url: str, finished: str):
    """Refresh the progress page (as its noscript refresh does) until it shows finished, within a deadline."""
    deadline = time.monotonic() + IMPORT_DEADLINE_SECONDS
    while True:
        page = agent.get(progress_url)
        if finished in text_of(page):
            return page
        assert time.monotonic() < deadline, f"still not done after {IMPORT_DEADLINE_SECONDS} s:\n{text_of(page)}"
        time.sleep(0.05)  # a refresh's pause, not a wait for a result: the loop ends on the page's text


def pdf_text(pdf: bytes, folder) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: the letters cannot be read")
    path = folder / "courriers.pdf"
    path.write_bytes(pdf)
    return subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def families_in(csv_file: bytes) -> dict:
    """family number -> its e-mail address ('' for none), from the generated families file."""
    rows = csv.DictReader(io.StringIO(csv_file.decode("utf-8-sig")), delimiter=";")
    return {row["famille"]: row["resp1_email"] for row in rows}


# --- the scenario ------------------------------------------------------------------------------------------------

def test_a_commune_goes_live(tmp_path):
    families_file, persons_file = import_files(5)
    emails = families_in(families_file)
    with_mail = next(number for number, email in emails.items() if email)
    without_mail = next(number for number, email in emails.items() if not email)

    app = create_app(tmp_path / "data", {"public_url": PUBLIC})
    try:
        app.portal.family_imports.start()
        agent_password = ensure_agent_account(app.portal)  # printed once at the first start
        agent = log_in(app, "agent", agent_password, agent=True)

        # 1. Familles › Importer des familles: the preview, then the import in the background.
        page = follow(agent.get("/agent/familles")).click(description="Importer des familles")
        form = form_to(page, "/agent/familles/import")
        form["familles"] = ("familles.csv", families_file)
        form["personnes"] = ("personnes.csv", persons_file)
        preview = follow(form.submit())
        assert "5 familles à créer" in text_of(preview), text_of(preview)
        answer = form_to(preview, preview.request.path + "/confirmer").submit()
        done = wait_until_done(agent, answer.headers["Location"], "Import terminé : 5 familles créées")

        # 2. Accès des familles importées: one action, mails for those with an address, letters for the others.
        page = follow(done.click(description="Envoyer les accès"))
        result = follow(form_to(page, "/agent/familles/acces").submit())
        result = wait_until_done(agent, result.request.path, "4 courriels mis en file d'envoi, 1 courrier à imprimer")
        mails, count = app.portal.outbox.page(family_id=with_mail)
        assert count == 1 and mails[0]["to"] == emails[with_mail]
        link = LINK.search(mails[0]["text"])[1]
        letters = pdf_text(result.click(description="Télécharger les courriers").body, tmp_path)
        assert letters.count("\f") == 1 and without_mail in letters and with_mail not in letters  # one page

        # 3. The family follows the mail's link, chooses its password, logs in and changes its mobile phone.
        family = TestApp(app)
        form = form_to(family.get(link), link)
        form["nouveau"] = form["confirmation"] = PASSWORD
        assert "mot-de-passe=choisi" in form.submit().headers["Location"]
        family = log_in(app, with_mail, PASSWORD)
        page = follow(family.get("/mes-informations/responsable")).click(description="Modifier")
        form = form_to(page, "/mes-informations/responsable/modifier")
        old_phone = form["phone_mobile"].value
        form["phone_mobile"] = NEW_PHONE
        follow(form.submit())

        # 4. The agent validates the request and finds the change in the "Modifications validées" export.
        page = agent.get("/agent/demandes").click(description=with_mail)
        follow(next(form for form in page.forms.values() if form.action.endswith("/valider")).submit())
        assert app.portal.families.record(with_mail)["parent1"]["phone_mobile"] == NEW_PHONE
        with clock.pinned(EXPORTED_AT):  # an export covers up to its instant, excluded: the agent exports later on
            page = follow(agent.get("/agent/parametres")).click(href=r"^/agent/exports$")
            export = form_to(page, "/agent/exports/modifications.csv").submit()
        rows = list(csv.DictReader(io.StringIO(export.body.decode("utf-8-sig")), delimiter=";"))
        assert [(row["N° famille"], row["Champ"], row["Ancienne valeur"], row["Nouvelle valeur"]) for row in rows] == [
            (with_mail, "Téléphone portable", old_phone, NEW_PHONE)]  # the import itself is not a change to carry back

        # 5. A backup the agent downloads restores into an empty folder.
        page = agent.get("/agent/parametres")
        archive = tmp_path / "sauvegarde.tar.gz"
        archive.write_bytes(form_to(page, "/agent/parametres/sauvegardes/telecharger").submit().body)
    finally:
        app.portal.family_imports.stop()
        app.portal.close()

    restore_archive(archive, tmp_path / "restauree")
    restored = create_app(tmp_path / "restauree")
    try:
        family = log_in(restored, with_mail, PASSWORD)
        assert NEW_PHONE in follow(family.get("/mes-informations/responsable")).text
        agent = log_in(restored, "agent", agent_password, agent=True)
        assert NEW_PHONE in follow(agent.get(f"/agent/familles/{with_mail}")).text
    finally:
        restored.portal.close()
