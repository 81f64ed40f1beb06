"""Familles › Importer des familles through the web: upload, preview, confirm, progress (htmx and without
JavaScript), access by mail and by letter; agent only."""
from __future__ import annotations

import html
import re
import shutil
import subprocess

import pytest
from webtest import TestApp

from helpers import DEMO_FAMILY, csrf_from, login_agent, login_family, tool_missing
from storage.demo import DEMO_AGENT
from tests.perf.import_csv import import_files
from family_import_cases import HEADER, LINES, PERSONS, csv_bytes

PDFTOTEXT, PDFTOPPM = shutil.which("pdftotext"), shutil.which("pdftoppm")


def upload(client: TestApp, families: bytes, persons: bytes | None = None):
    page = client.get("/agent/familles/import")
    files = [("familles", "familles.csv", families)] + ([("personnes", "personnes.csv", persons)] if persons else [])
    return client.post("/agent/familles/import", {"csrf_token": csrf_from(page)}, upload_files=files, status="*")


def stored_files(app) -> dict:
    """Every data file but the sessions and the logs, with its content."""
    root = app.portal.documents.root
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "sessions.json" and "logs" not in p.relative_to(root).parts}


def confirm(client: TestApp, preview_url: str, **fields):
    page = client.get(preview_url)
    return client.post(preview_url + "/confirmer", dict(fields, csrf_token=csrf_from(page)), status="*")


def shown(page) -> str:
    """The page's text with its HTML escapes undone (n&#039;ont -> n'ont)."""
    return html.unescape(page.text)


def pdf_text(pdf: bytes, tmp_path) -> str:
    if PDFTOTEXT is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: PDF contents cannot be checked")
    path = tmp_path / "letters.pdf"
    path.write_bytes(pdf)
    return subprocess.run([PDFTOTEXT, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_agent_imports_families_and_sends_their_access(agent_client, demo_app, tmp_path):
    answer = upload(agent_client, csv_bytes(), PERSONS.encode())
    assert answer.status_int == 303
    preview_url = answer.headers["Location"]
    preview = agent_client.get(preview_url)
    assert "2 familles à créer" in preview.text and "0 famille à mettre à jour" in preview.text
    assert "Hébert" in preview.text.upper() or "HÉBERT" in preview.text
    answer = confirm(agent_client, preview_url)
    assert answer.status_int == 303 and answer.headers["Location"] == preview_url + "/progression"
    # Queued, not yet run: the page follows it, without JavaScript (noscript refresh, Actualiser) and with htmx.
    waiting = agent_client.get(preview_url + "/progression")
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in waiting.text
    assert "Actualiser" in waiting.text and "0 / 2 familles" in waiting.text
    fragment = agent_client.get(preview_url + "/progression", headers={"HX-Request": "true"})
    assert fragment.text.lstrip().startswith("% ") is False and "<html" not in fragment.text
    assert 'data-hx-trigger="every 1s"' in fragment.text
    assert demo_app.portal.family_imports.run_queued() == 1
    done = agent_client.get(preview_url + "/progression")
    assert "Import terminé : 2 familles créées" in done.text and "noscript" not in done.text
    assert 'data-hx-trigger' not in agent_client.get(preview_url + "/progression", headers={"HX-Request": "true"}).text
    families = demo_app.portal.families
    assert families.record("1001")["children"][0]["first_name"] == "Léo"
    # Access: one action; the family with an address gets the link mail, the other a letter.
    page = agent_client.get("/agent/familles/acces")
    assert "2 familles importées n'ont pas encore reçu leurs accès" in shown(page)
    answer = agent_client.post("/agent/familles/acces", {"csrf_token": csrf_from(page)})
    run_url = answer.headers["Location"]
    assert "Envoi en cours" in agent_client.get(run_url).text
    demo_app.portal.family_imports.run_queued()
    result = agent_client.get(run_url)
    assert "1 courriel mis en file d'envoi, 1 courrier à imprimer" in shown(result)
    mails, count = demo_app.portal.outbox.page(family_id="1001")
    assert count == 1 and demo_app.portal.outbox.page(family_id="1002")[1] == 0
    mail = mails[0]
    assert mail["to"] == "anne@example.fr" and "Votre identifiant : 1001" in mail["text"]
    link = re.search(r"(/mot-de-passe/1001\.[A-Za-z0-9_-]{43})", mail["text"]).group(1)
    assert TestApp(demo_app).get(link).status_int == 200
    assert f'href="{run_url}/courriers.pdf" data-hx-boost="false"' in result.text  # a download, not an htmx swap
    pdf = agent_client.get(run_url + "/courriers.pdf")
    assert pdf.content_type == "application/pdf"
    text = pdf_text(pdf.body, tmp_path)
    password = re.search(r"Mot de passe provisoire\s+([A-Za-z0-9]{10})", text).group(1)
    assert "1002" in text and "Ville de Démo" in text and "Paul Martin".upper() in text.upper()
    assert "1001" not in text  # the family with an address got a mail, not a letter
    family = TestApp(demo_app)
    assert login_family(family, "1002", password).status_int == 303
    assert family.get("/accueil").headers["Location"].endswith("/mon-compte")  # must choose its own password
    again = agent_client.get("/agent/familles/acces")
    assert "Aucune famille importée n'attend ses accès." in shown(again)


def test_letters_pdf_renders_one_page_per_family(agent_client, demo_app, tmp_path):
    families, _ = import_files(3)
    families = families.replace(b"@example.fr", b"").replace(b";anne", b";")  # no address: letters for all
    families = re.sub(rb";[a-z.0-9]+(;M\.|;;)", rb";\1", families)
    answer = upload(agent_client, families)
    confirm(agent_client, answer.headers["Location"])
    demo_app.portal.family_imports.run_queued()
    page = agent_client.get("/agent/familles/acces")
    run_url = agent_client.post("/agent/familles/acces", {"csrf_token": csrf_from(page)}).headers["Location"]
    demo_app.portal.family_imports.run_queued()
    state = demo_app.portal.family_imports.access_runs[run_url.rsplit("/", 1)[1]]
    pdf = agent_client.get(run_url + "/courriers.pdf").body
    text = pdf_text(pdf, tmp_path)
    assert text.count("Votre accès au portail famille") >= state["letters"] == 3
    assert text.count("\f") == 3  # one page per family
    if PDFTOPPM is None:
        tool_missing("pdftoppm (poppler-utils) is missing: the letter cannot be rendered")
    (tmp_path / "l.pdf").write_bytes(pdf)
    subprocess.run([PDFTOPPM, "-png", "-r", "40", "-f", "1", "-l", "1", str(tmp_path / "l.pdf"), str(tmp_path / "p")],
                   check=True)
    assert list(tmp_path.glob("p*.png"))


def test_bad_lines_are_listed_and_nothing_is_imported(agent_client, demo_app):
    bad = LINES + ["1003;Mme;Petit;Lou;2 rue;7700;Melun;;;;;;;;PETIT;Max;M;01/02/2019;;"]
    before = stored_files(demo_app)
    preview = upload(agent_client, csv_bytes(bad))
    assert preview.status_int == 200  # shown at once, kept nowhere
    assert "1 erreur" in preview.text and "rien ne sera importé" in preview.text
    assert '<td data-label="Ligne">5</td>' in preview.text and "Le code postal comporte 5 chiffres." in preview.text
    assert "/confirmer" not in preview.text
    assert stored_files(demo_app) == before
    assert not demo_app.portal.families.exists("1001")


def test_upload_without_a_file_or_too_big_is_refused_next_to_the_field(agent_client):
    page = agent_client.get("/agent/familles/import")
    answer = agent_client.post("/agent/familles/import", {"csrf_token": csrf_from(page)})
    assert answer.status_int == 200 and "Choisissez le fichier CSV des familles" in answer.text
    big = HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024 + 10)
    answer = upload(agent_client, big)
    assert answer.status_int == 200 and "Le fichier dépasse 5 Mo" in answer.text


def test_the_same_file_twice_changes_nothing_and_kept_changes_are_shown(agent_client, demo_app):
    confirm(agent_client, upload(agent_client, csv_bytes()).headers["Location"])
    demo_app.portal.family_imports.run_queued()
    preview = agent_client.get(upload(agent_client, csv_bytes()).headers["Location"])
    assert "0 famille à créer" in preview.text and "2 familles inchangées" in preview.text
    # The agent edits a phone in the portal: a newer file does not undo it unless asked.
    from storage.requests import edit_record_directly
    parent = demo_app.portal.families.record("1001")["parent1"]
    edit_record_directly(demo_app.portal.families, "1001", "parent1", dict(parent, phone_mobile="07 11 11 11 11"),
                         agent="agent")
    preview_url = upload(agent_client, csv_bytes()).headers["Location"]
    preview = agent_client.get(preview_url)
    assert "Valeurs modifiées dans le portail depuis le dernier import" in preview.text and "07 11 11 11 11" in preview.text
    assert 'name="ecraser"' in preview.text
    confirm(agent_client, preview_url, ecraser="1")
    demo_app.portal.family_imports.run_queued()
    assert demo_app.portal.families.record("1001")["parent1"]["phone_mobile"] == "06 12 34 56 78"
    history = agent_client.get("/agent/familles/1001")  # the import's changes are in the family's history
    assert "Import des familles (CSV)" in history.text and "Modification directe par l" in history.text


ROUTES = ["/agent/familles/import", "/agent/familles/import/" + "a" * 32, "/agent/familles/import/" + "a" * 32 +
          "/progression", "/agent/familles/acces", "/agent/familles/acces/" + "b" * 32,
          "/agent/familles/acces/" + "b" * 32 + "/courriers.pdf"]


@pytest.mark.parametrize("who", ["family", "visitor"])
def test_families_and_visitors_cannot_reach_the_import(demo_client, demo_app, who):
    if who == "family":
        assert login_family(demo_client, *DEMO_FAMILY).status_int == 303
    for url in ROUTES:
        answer = demo_client.get(url, status="*")
        assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion"), url
    token = csrf_from(demo_client.get("/accueil" if who == "family" else "/connexion"))
    for url in ("/agent/familles/import", "/agent/familles/import/" + "a" * 32 + "/confirmer", "/agent/familles/acces"):
        answer = demo_client.post(url, {"csrf_token": token}, status="*",
                                  upload_files=[("familles", "f.csv", csv_bytes())] if url.endswith("import") else None)
        assert answer.status_int in (303, 403), url
        assert answer.status_int == 403 or answer.headers["Location"].endswith("/agent/connexion")
    assert not demo_app.portal.families.exists("1001")
    assert not demo_app.portal.family_imports.folder.exists() or not list(demo_app.portal.family_imports.folder.iterdir())


def test_unknown_tokens_answer_404_to_the_agent(agent_client):
    for url in ROUTES[1:3] + ROUTES[4:]:
        assert agent_client.get(url, status="*").status_int == 404, url


def test_agent_login_is_still_required_after_logout(demo_client):
    assert login_agent(demo_client, *DEMO_AGENT).status_int == 303
    assert demo_client.get("/agent/familles/import").status_int == 200
