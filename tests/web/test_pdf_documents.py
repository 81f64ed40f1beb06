"""Every PDF the portal prints, read back with pdftotext: names in any European script print as typed (embedded
Unicode font, parsed once per process), and the child sheets open with what canteen staff need at once.

Names used: Łukasz (Polish Ł), Nguyễn (Vietnamese ễ), Çağlar (Turkish ç, ğ), Ørsted (Danish Ø), Dvořák (Czech ř)."""
from __future__ import annotations

import logging
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, csrf_from, login_agent, login_family, tool_missing
from storage.demo import DEMO_AGENT
from storage.ledger import add_invoice, invoice_line
from storage.requests import edit_record_directly

FAMILY = DEMO_FAMILY[0]
NAMES = ("Łukasz", "NGUYỄN", "Çağlar", "ØRSTED", "Dvořák")
COMMUNE = "Mairie de Łódź-sur-Orge"


def pdf_pages(body: bytes, layout: bool = True) -> list[str]:
    """The text of each page of a PDF, spaces collapsed (pdftotext separates pages with a form feed); without layout,
    in the order it was written: a table row by row, each cell's lines together."""
    tool = shutil.which("pdftotext")
    if tool is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: PDF contents cannot be checked")
    assert body.startswith(b"%PDF-")
    result = subprocess.run([tool, "-layout" if layout else "-raw", "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True,
                            timeout=30)
    pages = result.stdout.decode("utf-8").split("\f")
    return [" ".join(page.replace("\u00a0", " ").replace("\u202f", " ").split()) for page in pages if page.strip()]


def pdf_text(body: bytes) -> str:
    return " ".join(pdf_pages(body))


def family_with_foreign_names(app) -> None:
    """The demo MARTIN family renamed: parents Łukasz NGUYỄN and Çağlar ØRSTED, their child Léa becomes Antonín
    Dvořák, and the commune a Polish-sounding name."""
    families = app.portal.families
    record = families.record(FAMILY)
    edit_record_directly(families, FAMILY, "parent1", dict(record["parent1"], first_name="Łukasz", last_name="NGUYỄN"),
                         agent="agent")
    edit_record_directly(families, FAMILY, "parent2", dict(record["parent2"], first_name="Çağlar", last_name="ØRSTED"),
                         agent="agent")
    child = record["children"][0]
    edit_record_directly(families, FAMILY, "child_identity",
                         {"first_name": "Antonín", "last_name": "Dvořák", "birth_date": child["birth_date"],
                          "sex": child["sex"]}, agent="agent", target_id=child["id"])
    app.portal.settings.save({"commune": {"name": COMMUNE}})


def logged_in(app, agent: bool = False) -> TestApp:
    client = TestApp(app)
    answer = login_agent(client, *DEMO_AGENT) if agent else login_family(client, *DEMO_FAMILY)
    assert answer.status_int == 303
    return client


def new_invoice(app) -> int:
    """An invoice issued after the renaming (an invoice keeps the name it was issued to); its id in the ledger."""
    app.portal.numbers.reserve_invoices({"F2026-000990": FAMILY})
    add_invoice(app.portal.families, FAMILY, number="F2026-000990", period="2026-11", issued_on="2026-12-01",
                due_on="2026-12-25", lines=[invoice_line("Antonín", "Séjour à Kraków", 1, 1_000)])
    return next(d.doc_id for d in app.portal.families.read_ledger(FAMILY).table("invoices").all()
                if d["number"] == "F2026-000990")


def every_pdf(app) -> dict[str, bytes]:
    """Each kind of PDF the portal makes, as the family or the agent downloads it."""
    family, agent = logged_in(app), logged_in(app, agent=True)
    invoice_id = new_invoice(app)
    token = csrf_from(agent.get("/agent"))
    return {
        "facture": family.get(f"/factures/{invoice_id}/facture.pdf").body,
        "fiche simple": family.get("/mes-informations/enfants/1/fiche-simple.pdf").body,
        "fiche complète": family.get("/mes-informations/enfants/1/fiche-complete.pdf").body,
        "fiche de pré-inscription": TestApp(app).get("/pre-inscription/formulaire.pdf").body,
        "courrier d'accès": agent.post(f"/agent/familles/{FAMILY}/courrier-acces.pdf",
                                       {"csrf_token": token, "mot_de_passe": "Abc12345"}).body,
    }


def test_a_pdf_leaves_no_font_subsetting_steps_in_the_log(demo_app, caplog):
    caplog.set_level(logging.INFO)  # the portal's console level (portal.py configure_logging)
    every_pdf(demo_app)
    assert not [record for record in caplog.records if record.name.startswith("fontTools")]


# --- every name prints ------------------------------------------------------------------------------------------

def test_every_pdf_prints_polish_vietnamese_turkish_danish_and_czech_names(demo_app):
    family_with_foreign_names(demo_app)
    documents = every_pdf(demo_app)
    for kind, body in documents.items():
        text = pdf_text(body)
        assert COMMUNE in text, kind
        assert "?" not in text.replace("?tout", ""), f"{kind}: a character did not print\n{text}"
    for kind in ("facture", "courrier d'accès", "fiche simple", "fiche complète"):
        assert "Łukasz NGUYỄN" in pdf_text(documents[kind]), kind
    for kind in ("fiche simple", "fiche complète"):
        assert "Antonín DVOŘÁK" in pdf_text(documents[kind]) and "Çağlar ØRSTED" in pdf_text(documents[kind]), kind
    assert "Séjour à Kraków" in pdf_text(documents["facture"])


def test_decomposed_accents_from_a_mac_print_composed_and_unknown_scripts_print_a_question_mark(demo_app):
    families = demo_app.portal.families
    parent = families.record(FAMILY)["parent1"]
    decomposed = "Nguye\u0302\u0303n"  # e + combining circumflex + combining tilde, as macOS may send "Nguyễn"
    edit_record_directly(families, FAMILY, "parent1", dict(parent, first_name=decomposed, last_name="王"),
                         agent="agent")
    text = pdf_text(logged_in(demo_app).get("/mes-informations/enfants/1/fiche-simple.pdf").body)
    assert "Mme Nguyễn ?" in text


def test_the_font_is_parsed_once_per_process_and_every_document_keeps_its_own_glyphs(demo_app, monkeypatch):
    """fpdf2 parses a TrueType file in TTFFont(); once the first PDF is made, no other document parses it again, and
    documents made one after the other or at the same time each embed the glyphs of their own text."""
    from fpdf import fonts as fpdf_fonts

    from views.pdf import invoice_pdf

    commune = demo_app.portal.settings["commune"]
    record = demo_app.portal.families.record(FAMILY)
    invoice = demo_app.portal.families.read_ledger(FAMILY).table("invoices").all()[0]
    invoice_pdf(commune, record, invoice)  # the process's first PDF may parse the font
    parsed = []
    original = fpdf_fonts.TTFFont.__init__
    monkeypatch.setattr(fpdf_fonts.TTFFont, "__init__", lambda self, *a, **k: parsed.append(1) or original(self, *a, **k))

    def invoice_to(name: str) -> bytes:
        billed = {"family_id": FAMILY, "name": name, "address": ["1 rue Haute", "77000 Démoville"]}
        return invoice_pdf(commune, record, dict(invoice, billed_to=billed))

    with ThreadPoolExecutor(max_workers=4) as pool:
        bodies = list(pool.map(invoice_to, NAMES * 2))
    assert parsed == []
    for name, body in zip(NAMES * 2, bodies):
        assert name in pdf_text(body)
        others = [other for other in NAMES if other != name]
        assert not any(other in pdf_text(body) for other in others)


# --- child sheets: what staff need at once --------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["simple", "complete"])
def test_child_sheet_opens_with_allergies_pai_and_emergency_contacts_on_page_one(demo_app, kind):
    body = logged_in(demo_app).get(f"/mes-informations/enfants/1/fiche-{kind}.pdf").body
    first = pdf_pages(body, layout=False)[0]
    box = first[first.index("Allergies, PAI et contacts d'urgence"):first.index("Enfant Nom")]
    assert box == ("Allergies, PAI et contacts d'urgence "
                   "Allergies Arachide - Œdème, gêne respiratoire - conduite à tenir : Appeler le 15, stylo d'adrénaline "
                   "dans le sac "
                   "PAI Oui - PAI alimentaire : panier repas fourni par la famille. "
                   "À appeler en urgence Mme Sophie MARTIN (responsable) : 06 12 34 56 78 / 01 60 12 34 56 "
                   "M. Karim MARTIN (conjoint) : 06 98 76 54 32 Jeanne DUPONT (grand-mère) : 06 55 44 33 22 ")


def test_child_sheet_box_says_when_there_is_no_allergy_no_pai_and_only_the_parent_to_call(demo_app):
    """ABDEL: Olivia has no allergy and no PAI; her uncle may pick her up but is not to be called in an emergency."""
    abdel = TestApp(demo_app)
    assert login_family(abdel, *OTHER_FAMILY).status_int == 303
    first = pdf_pages(abdel.get("/mes-informations/enfants/1/fiche-simple.pdf").body, layout=False)[0]
    box = first[first.index("Allergies, PAI et contacts d'urgence"):first.index("Enfant Nom")]
    assert box == "Allergies, PAI et contacts d'urgence Allergies Aucune allergie signalée. PAI Non " \
                  "À appeler en urgence Mme Nadia ABDEL (responsable) : 07 11 22 33 44 "


def test_every_page_of_the_complete_sheet_names_the_child_in_its_header(demo_app):
    families = demo_app.portal.families
    health = families.record(FAMILY)["children"][0]["health"]
    vaccinations = [{"name": f"Rappel n° {n}", "date": "2024-03-12"} for n in range(60)]
    edit_record_directly(families, FAMILY, "child_health", dict(health, vaccinations=vaccinations), agent="agent",
                         target_id=1)
    pages = pdf_pages(logged_in(demo_app).get("/mes-informations/enfants/1/fiche-complete.pdf").body)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        letterhead = page.index("Ville de Démo")
        assert "Léa MARTIN - fiche complète" in page[letterhead:letterhead + 200], \
            f"page {number} does not name the child in its header:\n{page}"
