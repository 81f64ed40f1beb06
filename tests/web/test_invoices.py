"""Money and documents through the web: the family's Factures, invoice detail, relevé, invoice and child-sheet PDFs
(and only its own); the agent's counter payments, reversals, invoices by hand and CSV import; the public
pre-registration and the agent's decision on it.

Demo family 770400070 (Sophie MARTIN), the demo created on the suite's day (02/12/2026): invoices 1-3 of its ledger
F2026-000001, -000004, -000007 (septembre, octobre, novembre 2026: 137,70 €, 81,00 €, 131,70 €), direct debits of
137,70 € and 40,50 € (half of October); the November invoice has a solde antérieur of 40,50 €, so 172,20 € is due.
"""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, FakeClock, csrf_from, login_agent, login_family, tool_missing
from portal import create_app
from storage import clock
from storage.demo import DEMO_AGENT
from storage.ledger import add_invoice, add_payment, invoice_line, recent_statement_start
from storage.protection.submissions import MIN_FILL_SECONDS
from storage.requests import edit_record_directly
from views.formats import month_fr

FAMILY = DEMO_FAMILY[0]
OTHER = OTHER_FAMILY[0]
PDFTOTEXT = shutil.which("pdftotext")


# --- helpers ---------------------------------------------------------------------------------------------

def norm(text: str) -> str:
    """Spaces as a reader sees them: narrow and no-break spaces become plain ones, runs collapse."""
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def page_text(page) -> str:
    return norm(BeautifulSoup(page.text, "html.parser").get_text(" "))


def flashes(page) -> list[str]:
    soup = BeautifulSoup(page.text, "html.parser")
    return [norm(div.get_text(" ")) for div in soup.select("div.flash")]


def assert_pdf(answer, *expected: str, absent: tuple = ()) -> str:
    """A real PDF answer whose text (read back by pdftotext) holds every expected string (and no absent one)."""
    assert answer.status_int == 200
    assert answer.content_type == "application/pdf"
    assert answer.body.startswith(b"%PDF-")
    assert answer.body.rstrip().endswith(b"%%EOF")
    if PDFTOTEXT is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: PDF contents cannot be checked")
    result = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", "-", "-"], input=answer.body,
                            capture_output=True, check=True, timeout=30)
    text = norm(result.stdout.decode("utf-8"))
    for needle in expected:
        assert norm(needle) in text, f"{needle!r} not in the PDF text:\n{text}"
    for needle in absent:
        assert norm(needle) not in text, f"{needle!r} should not be in the PDF text"
    return text


def client_for(app, account: str, password: str, agent: bool = False) -> TestApp:
    client = TestApp(app)
    answer = (login_agent if agent else login_family)(client, account, password)
    assert answer.status_int == 303, answer.text
    return client


@pytest.fixture
def demo_app(demo_dir):
    """The demo portal on a clock the tests move: a visitor takes time to fill in the pre-registration form."""
    return create_app(demo_dir, clock=FakeClock())


@pytest.fixture
def family(demo_app) -> TestApp:
    return client_for(demo_app, *DEMO_FAMILY)


@pytest.fixture
def agent(demo_app) -> TestApp:
    return client_for(demo_app, *DEMO_AGENT, agent=True)


def ledger(app, family_id: str = FAMILY):
    return app.portal.families.read_ledger(family_id)


def big_invoice(app, family_id: str = FAMILY, number: str = "F2026-000900") -> dict:
    """A December invoice above 1 000 € (to see the thousands separator)."""
    app.portal.numbers.reserve_invoices({number: family_id})
    return add_invoice(app.portal.families, family_id, number=number, period="2026-12", issued_on="2027-01-04",
                       due_on="2027-01-25", lines=[invoice_line("Léa", "Séjour d'hiver à la montagne", 1, 123_456),
                                                   invoice_line("Tom", "Accueil de loisirs", 2, 1_250)])


# --- family: Factures, detail, relevé ------------------------------------------------------------------------

def test_invoice_list_shows_french_amounts_amount_due_and_payment_states(family, demo_app):
    big_invoice(demo_app)
    page = family.get("/factures")
    rows = [[norm(td.get_text(" ")) for td in tr.find_all("td")]
            for tr in BeautifulSoup(page.text, "html.parser").select("tbody tr")]
    assert [row[:5] for row in rows] == [  # montant de la facture, reste à payer, état
        ["décembre 2026", "F2026-000900", "1 259,56 €", "1 259,56 €", "À payer"],
        ["novembre 2026", "F2026-000007", "131,70 €", "131,70 €", "À payer"],
        ["octobre 2026", "F2026-000004", "81,00 €", "40,50 €", "Partiellement payée"],
        ["septembre 2026", "F2026-000001", "137,70 €", "0,00 €", "Payée"],
    ]
    assert "Solde actuel de votre compte : 1 431,76 € à payer" in page_text(page)
    assert "1\u202f431,76\u00a0€" in page.text  # thousands and euro sign never break across lines


def test_invoice_detail_shows_lines_total_solde_anterieur_and_amount_due(family):
    page = family.get("/factures/3")
    text = page_text(page)
    assert "Facture n° F2026-000007" in text
    assert "Période : novembre 2026 · émise le 01/12/2026 · à payer avant le 25/12/2026" in text
    foot = {norm(tr.th.get_text()): norm(tr.td.get_text())
            for tr in BeautifulSoup(page.text, "html.parser").select("tfoot tr")}
    assert foot == {"Montant de la facture": "131,70 €", "Solde antérieur": "40,50 €",
                    "Montant à payer à l'émission": "172,20 €"}
    assert "Léa Restauration scolaire 15 jours 15 3,00 € 45,00 €" in text  # 17 days, 2 absent and not billed
    assert "reste 131,70 € à payer sur cette facture" in text
    assert 'href="/factures/3/facture.pdf"' in page.text and 'href="/factures/3/facture.pdf?telecharger=1"' in page.text


def test_statement_lists_invoices_and_payments_newest_first_with_running_balance(family):
    page = family.get("/releve")
    rows = [[norm(td.get_text(" ")) for td in tr.find_all("td")]
            for tr in BeautifulSoup(page.text, "html.parser").select("tbody tr")]
    assert rows == [
        ["01/12/2026", "Facture F2026-000007 (novembre 2026)", "131,70 €", "", "172,20 € à payer"],
        ["09/11/2026", "Paiement (prélèvement) — PRLV 2026-10", "", "40,50 €", "40,50 € à payer"],
        ["02/11/2026", "Facture F2026-000004 (octobre 2026)", "81,00 €", "", "81,00 € à payer"],
        ["08/10/2026", "Paiement (prélèvement) — PRLV 2026-09", "", "137,70 €", "rien à payer"],
        ["01/10/2026", "Facture F2026-000001 (septembre 2026)", "137,70 €", "", "137,70 € à payer"],
    ]
    assert "Solde du compte : 172,20 € à payer" in page_text(page)


def test_statement_shows_the_last_twelve_months_and_brings_older_entries_forward(family, demo_app):
    """After years of invoices the relevé stays one year long (and as fast); the whole history is one link away."""
    first_day = date.fromisoformat(recent_statement_start(clock.today()))
    issued, paid = first_day - timedelta(days=40), first_day - timedelta(days=20)  # just before the window
    add_invoice(demo_app.portal.families, FAMILY, number="OLD-001", period=issued.strftime("%Y-%m"),
                issued_on=issued.isoformat(), due_on=paid.isoformat(),
                lines=[invoice_line("Léa", "Restauration scolaire", 4, 250)])
    add_payment(demo_app.portal.families, FAMILY, paid_on=paid.isoformat(), amount_cents=400, method="cheque")

    def rows(page):
        return [[norm(td.get_text(" ")) for td in tr.find_all("td")]
                for tr in BeautifulSoup(page.text, "html.parser").select("tbody tr")]

    page = family.get("/releve")
    assert rows(page)[0] == ["01/12/2026", "Facture F2026-000007 (novembre 2026)", "131,70 €", "", "178,20 € à payer"]
    assert rows(page)[-2:] == [
        ["01/10/2026", "Facture F2026-000001 (septembre 2026)", "137,70 €", "", "143,70 € à payer"],
        [first_day.strftime("%d/%m/%Y"), "Solde reporté des opérations antérieures", "", "", "6,00 € à payer"]]
    assert len(rows(page)) == 6 and "Solde du compte : 178,20 € à payer" in page_text(page)
    assert "les 2 opérations antérieures sont reprises dans le solde reporté" in page_text(page)
    assert 'href="/releve?tout=1"' in page.text
    whole = family.get("/releve?tout=1")
    assert len(rows(whole)) == 7 and [row[1:] for row in rows(whole)[-2:]] == [
        ["Paiement (chèque)", "", "4,00 €", "6,00 € à payer"],
        [f"Facture OLD-001 ({month_fr(issued.strftime('%Y-%m'))})", "10,00 €", "", "10,00 € à payer"]]
    assert "Solde du compte : 178,20 € à payer" in page_text(whole) and 'href="/releve"' in whole.text


def test_family_in_credit_sees_it_in_its_favour(demo_app):
    client = client_for(demo_app, "770400090", "demo2028")  # paid a 40,00 € cheque for a 36,00 € November invoice
    assert "Solde actuel de votre compte : 4,00 € en crédit" in page_text(client.get("/factures"))
    assert "Solde du compte : 4,00 € en crédit" in page_text(client.get("/releve"))
    assert "4,00 € en crédit" in page_text(client.get("/accueil"))


# --- family: PDFs ----------------------------------------------------------------------------------------------

def test_invoice_pdf_has_number_solde_anterieur_amounts_and_accents(family):
    answer = family.get("/factures/3/facture.pdf")
    assert answer.headers["Content-Disposition"] == 'inline; filename="facture-F2026-000007.pdf"'
    assert_pdf(answer, "Ville de Démo", "1 place de la Mairie", "77000 Démoville",  # the commune's letterhead
               "Facture n° F2026-000007", "Période : novembre 2026", "Émise le : 01/12/2026",
               "Mme Sophie MARTIN", "12 rue des Écoles", "Léa", "Restauration scolaire",
               "Montant de la facture 131,70 €", "Solde antérieur 40,50 €", "Montant à payer 172,20 €",
               "Règlement", "à l'ordre du Trésor public")
    download = family.get("/factures/3/facture.pdf?telecharger=1")
    assert download.headers["Content-Disposition"] == 'attachment; filename="facture-F2026-000007.pdf"'
    assert_pdf(download, "Facture n° F2026-000007")


def test_invoice_pdf_shows_thousands_and_a_credit(family, demo_app):
    invoice = big_invoice(demo_app)
    doc_id = next(d.doc_id for d in ledger(demo_app).table("invoices").all() if d["number"] == invoice["number"])
    assert_pdf(family.get(f"/factures/{doc_id}/facture.pdf"), "Séjour d'hiver à la montagne", "1 234,56 €",
               "1 259,56 €", "Solde antérieur 172,20 €", "Montant à payer 1 431,76 €")
    # The Leroys paid a 40,00 € cheque for a 36,00 € invoice: their next invoice deducts the 4,00 € credit.
    demo_app.portal.numbers.reserve_invoices({"F2026-000902": "770400090"})
    add_invoice(demo_app.portal.families, "770400090", number="F2026-000902", period="2026-12", issued_on="2027-01-04",
                due_on="2027-01-25", lines=[invoice_line("Inès", "Accueil de loisirs", 1, 300)])
    credit = client_for(demo_app, "770400090", "demo2028")
    assert_pdf(credit.get("/factures/4/facture.pdf"), "Montant de la facture 3,00 €",
               "Solde antérieur 4,00 € en crédit", "Montant à payer rien à payer (1,00 € en crédit)",
               absent=("-1,00", "-4,00"))


def test_an_issued_invoice_pdf_never_changes(family, demo_app):
    before = assert_pdf(family.get("/factures/3/facture.pdf"), "12 rue des Écoles")
    parent = dict(demo_app.portal.families.record(FAMILY)["parent1"], address1="3 impasse des Lilas")
    edit_record_directly(demo_app.portal.families, FAMILY, "parent1", parent, agent="agent")
    after = assert_pdf(family.get("/factures/3/facture.pdf"))
    assert after == before  # the family downloads the document that was issued


def test_child_sheets_simple_and_complete(family):
    simple = family.get("/mes-informations/enfants/1/fiche-simple.pdf")
    assert_pdf(simple, "Fiche enfant simple", "Léa MARTIN", "École Jules Ferry", "CE2", "21/06/2018",
               "Mme Sophie MARTIN", "06 12 34 56 78", "Personnes autorisées", "Jeanne DUPONT", "Grand-mère",
               "Ville de Démo", "Arachide",  # allergies are in the box on page 1 of both sheets
               absent=("Données sanitaires", "Données complémentaires", "Dr Claire Morel"))
    complete = family.get("/mes-informations/enfants/1/fiche-complete.pdf")
    assert_pdf(complete, "Fiche enfant complète", "Léa MARTIN", "Personnes autorisées", "Données complémentaires",
               "Données sanitaires", "Dr Claire Morel", "Arachide", "Œdème", "PAI alimentaire", "DTP", "21/08/2018")
    assert complete.body != simple.body
    download = family.get("/mes-informations/enfants/2/fiche-simple.pdf?telecharger=1")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert_pdf(download, "Tom MARTIN", "École maternelle Les Tilleuls")


def test_a_long_invoice_runs_over_two_pages_with_its_totals(family, demo_app):
    demo_app.portal.numbers.reserve_invoices({"F2026-000903": FAMILY})
    lines = [invoice_line("Léa" if day % 2 else "Tom", "Restauration scolaire", 1, 385, f"repas du {day:02d}/12")
             for day in range(1, 61)]
    add_invoice(demo_app.portal.families, FAMILY, number="F2026-000903", period="2026-12", issued_on="2027-01-04",
                due_on="2027-01-25", lines=lines)
    assert_pdf(family.get("/factures/4/facture.pdf"), "page 1/2", "page 2/2", "repas du 60/12",
               "Montant de la facture 231,00 €", "Solde antérieur 172,20 €", "Montant à payer 403,20 €")


def test_sheets_of_a_child_added_without_details_and_of_a_single_parent_family(demo_app, agent):
    edit_record_directly(demo_app.portal.families, OTHER, "child_identity",
                         {"first_name": "Yanis", "last_name": "ABDEL", "birth_date": "2024-01-15", "sex": "M"},
                         agent="agent", action="add")
    abdel = client_for(demo_app, *OTHER_FAMILY)
    assert_pdf(abdel.get("/mes-informations/enfants/3/fiche-complete.pdf"), "Yanis ABDEL", "Données sanitaires",
               "Allergies : aucune signalée.", "Aucune personne autorisée.")
    assert_pdf(abdel.get("/mes-informations/enfants/1/fiche-simple.pdf"), "Responsable", "Nadia", "Youssef ABDEL",
               absent=("Conjoint",))


def test_complete_sheet_carries_the_childs_photo_and_the_simple_one_does_not(family, demo_app):
    import io

    from PIL import Image

    from storage.photos import reencode_photo

    picture = io.BytesIO()
    Image.new("RGB", (120, 160), (200, 120, 40)).save(picture, "PNG")
    name = demo_app.portal.photos.save(FAMILY, reencode_photo(picture.getvalue()))
    with demo_app.portal.families.transaction(FAMILY) as db:
        saved = db.table("record").get(doc_id=1)
        saved["children"][0]["photo"] = name
        db.table("record").update(saved, doc_ids=[1])
    complete = family.get("/mes-informations/enfants/1/fiche-complete.pdf")
    simple = family.get("/mes-informations/enfants/1/fiche-simple.pdf")
    assert_pdf(complete, "Fiche enfant complète")
    assert b"/Subtype /Image" in complete.body
    assert b"/Subtype /Image" not in simple.body


def test_family_cannot_fetch_another_familys_invoice_pdf_or_sheet(demo_app):
    big_invoice(demo_app, OTHER, "F2026-000901")  # the other family's invoice n° 4 in its ledger
    assert len(ledger(demo_app, FAMILY).table("invoices")) == 3
    family = client_for(demo_app, *DEMO_FAMILY)
    for url in ("/factures/4", "/factures/4/facture.pdf", "/factures/4/facture.pdf?telecharger=1", "/factures/0",
                "/factures/999999/facture.pdf"):
        assert family.get(url, status="*").status_int == 404, url
    leroy = client_for(demo_app, "770400090", "demo2028")  # one child (id 1); the Martins have a child n° 2
    for url in ("/mes-informations/enfants/2/fiche-simple.pdf", "/mes-informations/enfants/2/fiche-complete.pdf",
                "/mes-informations/enfants/3/fiche-simple.pdf"):
        assert leroy.get(url, status="*").status_int == 404, url
    # The agent's URLs carry a family number: a family session does not open them.
    answer = family.get(f"/agent/familles/{OTHER}/factures/1/facture.pdf", status="*")
    assert answer.status_int == 303 and answer.location.endswith("/agent/connexion")
    answer = family.get(f"/agent/familles/{OTHER}/enfants/1/fiche-complete.pdf", status="*")
    assert answer.status_int == 303 and answer.location.endswith("/agent/connexion")
    # Nobody logged in: to the login page.
    anonymous = TestApp(demo_app)
    for url in ("/factures", "/factures/3/facture.pdf", "/releve", "/mes-informations/enfants/1/fiche-simple.pdf"):
        answer = anonymous.get(url, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/connexion"), url


def test_agent_pdfs_of_a_family(agent):
    assert_pdf(agent.get(f"/agent/familles/{FAMILY}/factures/3/facture.pdf"), "Facture n° F2026-000007",
               "Solde antérieur 40,50 €")
    assert_pdf(agent.get(f"/agent/familles/{OTHER}/enfants/2/fiche-complete.pdf"), "Ahmed ABDEL",
               "Données sanitaires")
    for url in (f"/agent/familles/{FAMILY}/factures/9/facture.pdf",
                f"/agent/familles/{FAMILY}/enfants/7/fiche-simple.pdf",
                "/agent/familles/770400999/factures/nouvelle", "/agent/familles/770400999/compte",
                "/agent/familles/770400999/factures/1/facture.pdf", "/agent/familles/abc/compte"):
        assert agent.get(url, status="*").status_int == 404, url


# --- agent: counter payments and reversals ---------------------------------------------------------------------

def post_payment(agent: TestApp, family_id: str = FAMILY, **fields):
    page = agent.get(f"/agent/familles/{family_id}/compte")
    form = {"paid_on": "2026-12-10", "amount": "100,00", "method": "cheque", "reference": "Chèque n° 0012345"}
    form.update(fields)
    return agent.post(f"/agent/familles/{family_id}/paiements", dict(form, csrf_token=csrf_from(page)), status="*")


@pytest.mark.parametrize("fields, field, message", [
    ({"amount": "cent euros"}, "amount", "Montant invalide (exemple : 12,50)."),
    ({"amount": ""}, "amount", "Montant invalide (exemple : 12,50)."),
    ({"amount": "0"}, "amount", "Le montant doit être supérieur à zéro."),
    ({"amount": "-20"}, "amount", "Le montant doit être positif."),
    ({"amount": "12,345"}, "amount", "Montant invalide (exemple : 12,50)."),
    ({"method": "carte"}, "method", "Choisissez le mode de paiement."),
    ({"method": ""}, "method", "Choisissez le mode de paiement."),
    ({"paid_on": "31/02/2026"}, "paid_on", "Date invalide"),
])
def test_counter_payment_with_bad_input_gives_french_error_and_stores_nothing(agent, demo_app, fields, field, message):
    before = len(ledger(demo_app).table("payments"))
    answer = post_payment(agent, **fields)
    assert answer.status_int == 200
    error = BeautifulSoup(answer.text, "html.parser").find(id=f"{field}-error")
    assert error is not None and message in norm(error.get_text())
    assert 'value="Chèque n° 0012345"' in answer.text  # what the agent typed is kept
    assert len(ledger(demo_app).table("payments")) == before


def test_counter_payment_is_seen_in_the_family_balance(agent, family, demo_app):
    answer = post_payment(agent, amount="1 00,5")  # spaces are ignored: 100,50 €
    assert answer.status_int == 303 and answer.location.endswith(f"/agent/familles/{FAMILY}/compte")
    assert "Paiement enregistré." in flashes(answer.follow())
    stored = max(ledger(demo_app).table("payments").all(), key=lambda d: d.doc_id)
    assert (stored["amount_cents"], stored["method"], stored["paid_on"], stored["recorded_by"]) == \
           (10_050, "cheque", "2026-12-10", "agent")
    assert "71,70 € à payer" in page_text(family.get("/accueil"))
    assert "Solde du compte : 71,70 € à payer" in page_text(family.get("/releve"))
    assert "Paiement (chèque) — Chèque n° 0012345" in page_text(family.get("/releve"))
    assert "Solde du compte : 71,70 € à payer" in page_text(agent.get(f"/agent/familles/{FAMILY}/compte"))


def test_reversal_is_a_negative_entry_history_is_kept_and_it_happens_once(agent, family, demo_app):
    post_payment(agent, amount="50")
    payment_id = max(d.doc_id for d in ledger(demo_app).table("payments").all())
    page = agent.get(f"/agent/familles/{FAMILY}/compte")
    action = f"/agent/familles/{FAMILY}/paiements/{payment_id}/annuler"
    assert f'action="{action}"' in page.text
    answer = agent.post(action, {"csrf_token": csrf_from(page)}, status="*")
    assert answer.status_int == 303
    assert any("écriture inverse" in f for f in flashes(answer.follow()))
    payments = ledger(demo_app).table("payments")
    reversal = max(payments.all(), key=lambda d: d.doc_id)
    assert reversal["amount_cents"] == -5_000 and reversal["reverses"] == payment_id
    assert payments.get(doc_id=payment_id)["amount_cents"] == 5_000  # the original is kept
    assert payments.get(doc_id=payment_id)["reversed_by"] == reversal.doc_id
    page = agent.get(f"/agent/familles/{FAMILY}/compte")
    assert f'action="{action}"' not in page.text and "annulé" in page_text(page)
    again = agent.post(action, {"csrf_token": csrf_from(page)}, status="*")
    assert again.status_int == 303
    assert any("déjà été annulé" in f for f in flashes(again.follow()))
    reversal_action = f"/agent/familles/{FAMILY}/paiements/{reversal.doc_id}/annuler"
    assert agent.post(reversal_action, {"csrf_token": csrf_from(page)}, status="*").status_int == 303
    assert len(ledger(demo_app).table("payments")) == len(payments)
    assert agent.post(f"/agent/familles/{FAMILY}/paiements/999/annuler", {"csrf_token": csrf_from(page)},
                      status="*").status_int == 404
    statement = family.get("/releve")
    assert "Solde du compte : 172,20 € à payer" in page_text(statement)
    reversal_row = next(row for row in BeautifulSoup(statement.text, "html.parser").select("tbody tr")
                        if "Annulation d'un paiement (chèque)" in row.get_text())
    # dated today, before the cheque of the 10th it cancels: the balance goes up by 50,00 € until then
    assert [norm(td.get_text()) for td in reversal_row.find_all("td")][2:] == ["50,00 €", "", "222,20 € à payer"]
    assert "-50,00" not in page_text(statement)  # a débit, never a negative crédit


def test_family_cannot_record_or_reverse_payments(family, demo_app):
    token = csrf_from(family.get("/mon-compte"))
    for url in (f"/agent/familles/{FAMILY}/paiements", f"/agent/familles/{FAMILY}/paiements/1/annuler"):
        answer = family.post(url, {"csrf_token": token, "amount": "500", "method": "especes", "paid_on": "2026-12-01"},
                             status="*")
        assert answer.status_int == 303 and answer.location.endswith("/agent/connexion")
    assert len(ledger(demo_app).table("payments")) == 2


# --- agent: invoices by hand ---------------------------------------------------------------------------------

def post_invoice(agent: TestApp, lines: list[tuple], family_id: str = FAMILY, **header):
    page = agent.get(f"/agent/familles/{family_id}/factures/nouvelle")
    form = {"period": "2026-12", "issued_on": "2027-01-05", "due_on": "2027-01-25", "csrf_token": csrf_from(page)}
    form.update(header)
    for index, (child, service, detail, quantity, price) in enumerate(lines):
        form.update({f"line_child_{index}": child, f"line_service_{index}": service, f"line_detail_{index}": detail,
                     f"line_quantity_{index}": quantity, f"line_price_{index}": price})
    return agent.post(f"/agent/familles/{family_id}/factures/nouvelle", form, status="*")


def test_manual_invoice_with_bad_lines_shows_every_error_and_stores_nothing(agent, demo_app):
    answer = post_invoice(agent, [("Léa", "Cantine", "", "deux", "3,85"),
                                  ("Tom", "", "", "1", "3,85"),
                                  ("Tom", "Goûter", "", "2", "un euro")], period="2026-13", due_on="demain")
    assert answer.status_int == 200
    text = page_text(answer)
    for message in ("Période invalide (format AAAA-MM, exemple : 2026-11).",
                    "Ligne 1 : quantité invalide (nombre entier de 1 à 999).",
                    "Ligne 2 : l'enfant et la prestation sont obligatoires.",
                    "Ligne 3 : prix unitaire invalide (exemple : 3,85).",
                    "Date invalide"):
        assert message in text, message
    assert 'value="Goûter"' in answer.text and 'value="deux"' in answer.text  # typed values kept
    assert len(ledger(demo_app).table("invoices")) == 3
    assert demo_app.portal.numbers.invoice_owner("F2027-000001") is None  # no number spent
    empty = post_invoice(agent, [])
    assert "Saisissez au moins une ligne de facture." in page_text(empty)


def test_manual_invoice_gets_a_number_and_the_solde_anterieur(agent, family, demo_app):
    answer = post_invoice(agent, [("Léa", "Restauration scolaire", "décembre", "12", "3,85"),
                                  ("Tom", "Remise fratrie", "", "1", "-2,50")])
    assert answer.status_int == 303, page_text(answer)
    assert "Facture F2027-000001 créée." in flashes(answer.follow())
    invoice = max(ledger(demo_app).table("invoices").all(), key=lambda d: d.doc_id)
    assert re.fullmatch(r"F2027-\d{6}", invoice["number"])
    assert (invoice["total_cents"], invoice["previous_balance_cents"], invoice["amount_due_cents"]) == \
           (4_370, 17_220, 21_590)
    assert demo_app.portal.numbers.invoice_owner(invoice["number"]) == FAMILY
    second = post_invoice(agent, [("Léa", "Cantine", "", "1", "3,85")])
    assert "Facture F2027-000002 créée." in flashes(second.follow())
    detail = page_text(family.get(f"/factures/{invoice.doc_id}"))
    assert "Facture n° F2027-000001" in detail and "Solde antérieur 172,20 €" in detail
    assert "Montant à payer à l'émission 215,90 €" in detail and "Remise fratrie 1 -2,50 € -2,50 €" in detail


# --- agent: CSV import -----------------------------------------------------------------------------------------

CSV_GOOD = ("famille;numero;periode;date_emission;date_echeance;enfant;prestation;detail;quantite;prix_unitaire\n"
            "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Léa;Restauration scolaire;;15;3,85\n"
            "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Tom;Accueil du soir;;8;2,60\n"
            "770400080;2026-12002;2026-12;05/01/2027;25/01/2027;Olivia;Restauration scolaire;;12;3,00\n")


def upload_csv(agent: TestApp, raw: bytes):
    page = agent.get("/agent/factures/import")
    return agent.post("/agent/factures/import", {"csrf_token": csrf_from(page)},
                      upload_files=[("fichier", "factures.csv", raw)], status="*")


def test_csv_import_preview_then_confirm_creates_invoices_once(agent, demo_app):
    preview = upload_csv(agent, CSV_GOOD.encode("cp1252"))
    assert preview.status_int == 200
    text = page_text(preview)
    assert "Aperçu : 2 factures, 114,55 € au total" in text
    assert "770400070 2026-12001 décembre 2026 05/01/2027 2 78,55 €" in text
    assert len(ledger(demo_app).table("invoices")) == 3  # a preview creates nothing
    action = BeautifulSoup(preview.text, "html.parser").find("form", action=re.compile("/confirmer$"))["action"]
    assert re.fullmatch(r"/agent/factures/import/[0-9a-f]{32}/confirmer", action)
    done = agent.post(action, {"csrf_token": csrf_from(preview)}, status="*")
    assert done.status_int == 303
    assert "2 factures importées." in flashes(done.follow())
    imported = next(d for d in ledger(demo_app).table("invoices").all() if d["number"] == "2026-12001")
    assert (imported["total_cents"], imported["previous_balance_cents"], imported["amount_due_cents"]) == \
           (7_855, 17_220, 25_075)
    assert imported["lines"][0]["child"] == "Léa"  # decoded from Windows-1252
    assert len(ledger(demo_app, OTHER).table("invoices")) == 4
    again = agent.post(action, {"csrf_token": csrf_from(preview)}, status="*")
    assert again.status_int == 303
    assert any("déjà été effectué" in f for f in flashes(again.follow()))
    assert len(ledger(demo_app).table("invoices")) == 4 and len(ledger(demo_app, OTHER).table("invoices")) == 4


def test_csv_import_with_bad_lines_lists_them_and_offers_no_import(agent, demo_app):
    raw = (CSV_GOOD + "770400999;2026-12003;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;1;3,85\n"
                      "770400070;F2026-000007;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;0;3,85\n").encode("utf-8-sig")
    answer = upload_csv(agent, raw)
    rows = [[norm(td.get_text(" ")) for td in tr.find_all("td")]
            for tr in BeautifulSoup(answer.text, "html.parser").select(".flash-error tbody tr")]
    assert rows == [["5", "famille « 770400999 » inconnue"],
                    ["6", "la facture F2026-000007 existe déjà"],
                    ["6", "quantité invalide (nombre entier de 1 à 999)"]]
    assert "Le fichier contient 3 erreurs ; rien n'a été importé." in page_text(answer)
    assert "/confirmer" not in answer.text
    assert not list((demo_app.portal.documents.root / "imports").glob("*.json"))
    assert len(ledger(demo_app).table("invoices")) == 3
    page = agent.get("/agent/factures/import")
    missing = agent.post("/agent/factures/import", {"csrf_token": csrf_from(page)}, status="*")
    assert "Choisissez le fichier CSV" in page_text(missing)


# --- pre-registration ------------------------------------------------------------------------------------------

PREREGISTRATION = {
    "p1_title": "Mme", "p1_last_name": "Hébert", "p1_first_name": "Zoé", "p1_address1": "5 rue du Château",
    "p1_postcode": "77000", "p1_city": "Démoville", "p1_phone_mobile": "06 11 22 33 44",
    "p1_email": "zoe.hebert@example.fr",
    "c0_first_name": "Maëlle", "c0_last_name": "Hébert", "c0_birth_date": "12/05/2019", "c0_sex": "F",
    "c0_school": "École Jules Ferry", "c0_class_name": "CP",
    "c1_first_name": "Noé", "c1_last_name": "Hébert", "c1_birth_date": "2021-09-30", "c1_sex": "M",
    "message": "Nous arrivons en janvier.",
}


def submit_preregistration(client: TestApp, **changes):
    """Fill in the public form as a person would, taking the time to (more than the form's minimum)."""
    page = client.get("/pre-inscription")
    form = dict(PREREGISTRATION, csrf_token=csrf_from(page),
                horodatage=page.html.find("input", attrs={"name": "horodatage"})["value"])
    form.update(changes)
    client.app.portal.clock.advance(MIN_FILL_SECONDS)
    return client.post("/pre-inscription", form, status="*")


def test_public_preregistration_form_errors_success_and_honeypot(demo_app):
    visitor = TestApp(demo_app)
    assert_pdf(visitor.get("/pre-inscription/formulaire.pdf"), "Fiche de pré-inscription d'une nouvelle famille",
               "Responsable", "Enfant 1", "Date et signature")
    bad = submit_preregistration(visitor, p1_email="pas-un-mail", c0_birth_date="2090-01-01", p1_postcode="7700",
                                 c0_first_name="", c0_last_name="", c1_sex="X")
    assert bad.status_int == 200
    text = page_text(bad)
    for message in ("Adresse e-mail invalide", "La date de naissance ne peut pas être dans le futur.",
                    "Rien n'a été enregistré"):
        assert message in text, message
    soup = BeautifulSoup(bad.text, "html.parser")
    assert soup.find(id="f-p1_email-error") and soup.find(id="f-p1_postcode-error")
    assert soup.find(id="f-c0_first_name-error") and soup.find(id="f-c1_sex-error")
    assert soup.find(id="f-p1_last_name")["value"] == "Hébert"  # typed values kept
    empty = submit_preregistration(visitor, **{k: "" for k in PREREGISTRATION})
    assert "Indiquez au moins un enfant." in page_text(empty)
    assert demo_app.portal.preregistrations.all() == []

    robot = submit_preregistration(visitor, site_web="http://spam.example")
    assert robot.status_int == 303 and robot.location.endswith("/pre-inscription/envoyee")
    assert demo_app.portal.preregistrations.all() == []

    sent = submit_preregistration(visitor)
    assert sent.status_int == 303 and sent.location.endswith("/pre-inscription/envoyee")
    assert "La mairie a bien reçu votre fiche de pré-inscription" in page_text(sent.follow())
    [doc] = demo_app.portal.preregistrations.all()
    assert doc["status"] == "pending" and doc["parent1"]["last_name"] == "Hébert"
    assert [c["first_name"] for c in doc["children"]] == ["Maëlle", "Noé"]
    assert doc["children"][0]["birth_date"] == "2019-05-12"


def test_agent_validates_a_preregistration_and_the_family_logs_in(demo_app, agent):
    submit_preregistration(TestApp(demo_app))
    [doc] = demo_app.portal.preregistrations.all()
    listing = agent.get("/agent/pre-inscriptions")
    assert f'href="/agent/pre-inscriptions/{doc.doc_id}"' in listing.text
    detail = agent.get(f"/agent/pre-inscriptions/{doc.doc_id}")
    assert "Maëlle" in page_text(detail) and "Nous arrivons en janvier." in page_text(detail)
    posted = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/valider", {"csrf_token": csrf_from(detail)})
    assert posted.status_int == 303
    done = posted.follow()
    family_id = BeautifulSoup(done.text, "html.parser").select_one("dl.data-list dd strong").get_text(strip=True)
    assert re.fullmatch(r"[0-9]{9}", family_id) and family_id not in (FAMILY, OTHER, "770400090")
    assert "Un courriel a été envoyé à z…@example.fr avec un lien pour choisir le mot de passe" in page_text(done)
    record = demo_app.portal.families.record(family_id)
    assert [(c["first_name"], c["last_name"], c["extra"]["school"]) for c in record["children"]] == \
           [("Maëlle", "HÉBERT", "École Jules Ferry"), ("Noé", "HÉBERT", "")]
    assert record["parent1"]["email"] == "zoe.hebert@example.fr"
    assert demo_app.portal.preregistrations.get(doc.doc_id)["family_id"] == family_id
    assert "Validée" in page_text(agent.get(f"/agent/pre-inscriptions/{doc.doc_id}"))

    letter = agent.post(f"/agent/familles/{family_id}/courrier-acces.pdf", {"csrf_token": csrf_from(done)})
    assert_pdf(letter, "Vos codes d'accès au portail famille", "Mme Zoé Hébert", "5 rue du Château",
               f"Identifiant {family_id}", "courriel envoyé à z…@example.fr", "Mot de passe oublié", "Ville de Démo",
               absent=("Mot de passe provisoire",))

    again = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/valider", {"csrf_token": csrf_from(detail)})
    assert again.status_int == 303 and any("déjà été traitée" in f for f in flashes(again.follow()))
    assert sum(1 for _ in demo_app.portal.families.ids()) == 4

    [mail] = demo_app.portal.outbox.page(family_id=family_id)[0]  # the family chooses its password by the link
    newcomer = TestApp(demo_app)
    link = re.search(r"http://localhost:80(/mot-de-passe/\S+)", mail["text"])[1]
    form = newcomer.get(link)
    chosen = newcomer.post(link, {"csrf_token": csrf_from(form), "nouveau": "Soleil2027", "confirmation": "Soleil2027"})
    assert chosen.headers["Location"].endswith(f"/connexion?mot-de-passe=choisi&identifiant={family_id}")
    newcomer = client_for(demo_app, family_id, "Soleil2027")
    home = page_text(newcomer.get("/accueil"))
    assert "Bonjour Zoé HÉBERT" in home and "Maëlle" in home and "Noé" in home


def test_a_preregistration_validated_with_paper_access_prints_the_temporary_password(demo_app, agent):
    submit_preregistration(TestApp(demo_app))
    [doc] = demo_app.portal.preregistrations.all()
    detail = agent.get(f"/agent/pre-inscriptions/{doc.doc_id}")
    done = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/valider", {"csrf_token": csrf_from(detail)}).follow()
    family_id = BeautifulSoup(done.text, "html.parser").select_one("dl.data-list dd strong").get_text(strip=True)
    paper = agent.post(f"/agent/familles/{family_id}/mot-de-passe", {"csrf_token": csrf_from(done), "acces": "papier"})
    shown = paper.follow()
    password = BeautifulSoup(shown.text, "html.parser").select_one("dl.data-list code").get_text(strip=True)
    assert "le mot de passe ne sera plus affiché" in page_text(shown)
    assert password not in agent.get(f"/agent/familles/{family_id}/codes-acces").text  # shown once
    stored = demo_app.portal.families.read(family_id).table("account").all()[0]
    assert password not in str(stored) and stored["password_link"] is None  # only its hash; the mailed link is dead
    letter = agent.post(f"/agent/familles/{family_id}/courrier-acces.pdf",
                        {"csrf_token": csrf_from(shown), "mot_de_passe": password})
    assert_pdf(letter, "Vos codes d'accès au portail famille", "Mme Zoé Hébert", "5 rue du Château",
               f"Identifiant {family_id}", f"Mot de passe provisoire {password}", "Ville de Démo")
    newcomer = client_for(demo_app, family_id, password)
    assert newcomer.get("/accueil").headers["Location"].endswith("/mon-compte")  # first its own password
    chosen = newcomer.post("/mon-compte/mot-de-passe", {"csrf_token": csrf_from(newcomer.get("/mon-compte")),
                                                        "actuel": password, "nouveau": "Soleil2027",
                                                        "confirmation": "Soleil2027"})
    assert chosen.headers["Location"].endswith("/accueil")
    home = page_text(newcomer.get("/accueil"))
    assert "Bonjour Zoé HÉBERT" in home and "Maëlle" in home and "Noé" in home


def test_agent_cancels_a_preregistration_with_a_reason(demo_app, agent):
    submit_preregistration(TestApp(demo_app))
    [doc] = demo_app.portal.preregistrations.all()
    detail = agent.get(f"/agent/pre-inscriptions/{doc.doc_id}")
    answer = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/annuler",
                        {"csrf_token": csrf_from(detail), "motif": "Adresse hors de la commune"})
    assert answer.status_int == 303 and answer.location.endswith("/agent/pre-inscriptions")
    assert "Pré-inscription annulée." in flashes(answer.follow())
    cancelled = demo_app.portal.preregistrations.get(doc.doc_id)
    assert (cancelled["status"], cancelled["reason"], cancelled["decided_by"]) == \
           ("cancelled", "Adresse hors de la commune", "agent")
    shown = page_text(agent.get(f"/agent/pre-inscriptions/{doc.doc_id}"))
    assert "Annulée" in shown and "Motif : Adresse hors de la commune" in shown
    late = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/valider", {"csrf_token": csrf_from(detail)})
    assert late.status_int == 303
    assert sum(1 for _ in demo_app.portal.families.ids()) == 3
    assert agent.get("/agent/pre-inscriptions/99", status="*").status_int == 404


def test_only_the_agent_decides_preregistrations_and_prints_letters(demo_app, family):
    submit_preregistration(TestApp(demo_app))
    token = csrf_from(family.get("/mon-compte"))
    for url in ("/agent/pre-inscriptions/1/valider", "/agent/pre-inscriptions/1/annuler",
                f"/agent/familles/{FAMILY}/courrier-acces.pdf"):
        answer = family.post(url, {"csrf_token": token, "mot_de_passe": "x"}, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/agent/connexion"), url
    assert demo_app.portal.preregistrations.all()[0]["status"] == "pending"


# --- PDF links and htmx -------------------------------------------------------------------------------------------

def boosted_pdf_links(page) -> list[str]:
    """Links and forms to a PDF that htmx would boost (<body data-hx-boost="true">): with JavaScript on, htmx fetches
    the PDF by XHR and tries to swap it into the page, so nothing opens and nothing is downloaded."""
    soup = BeautifulSoup(page.text, "html.parser")
    found = []
    for element in soup.select("a[href*='.pdf'], form[action*='.pdf']"):
        holder = element if element.has_attr("data-hx-boost") else element.find_parent(attrs={"data-hx-boost": True})
        if holder is not None and holder["data-hx-boost"] != "false":
            found.append(element.get("href") or element.get("action"))
    return found


def test_pdf_links_on_the_home_page_and_the_agent_family_page_are_not_boosted(family, agent):
    assert boosted_pdf_links(family.get("/accueil")) == []
    assert boosted_pdf_links(agent.get(f"/agent/familles/{FAMILY}")) == []
    assert boosted_pdf_links(TestApp(family.app).get("/pre-inscription")) == []


def test_pdf_links_of_invoices_sheets_and_account_are_not_boosted(family, agent):
    pages = ((family, "/factures"), (family, "/factures/3"), (family, "/mes-informations/enfants/1"),
             (agent, f"/agent/familles/{FAMILY}/compte"))
    boosted = {url: boosted_pdf_links(client.get(url)) for client, url in pages}
    assert boosted == {url: [] for url in boosted}


def test_invoices_page_lists_the_last_twelve_months_and_links_to_every_invoice(family, demo_app):
    """After years of invoices /factures stays one year long (and as fast); older invoices are one link away and
    their payments still count in what is left to pay on each."""
    first_day = date.fromisoformat(recent_statement_start(clock.today()))
    issued = first_day - timedelta(days=40)
    add_invoice(demo_app.portal.families, FAMILY, number="OLD-002", period=issued.strftime("%Y-%m"),
                issued_on=issued.isoformat(), due_on=(issued + timedelta(days=20)).isoformat(),
                lines=[invoice_line("Léa", "Restauration scolaire", 4, 250)])
    page = family.get("/factures")
    assert "OLD-002" not in page.text and 'href="/factures?tout=1"' in page.text
    assert "1 facture plus ancienne est dans l'historique" in page_text(page)
    whole = family.get("/factures?tout=1")
    assert "OLD-002" in whole.text and 'href="/factures"' in whole.text
    recent = [tr.get_text(" ") for tr in BeautifulSoup(page.text, "html.parser").select("tbody tr")]
    assert recent == [tr.get_text(" ") for tr in BeautifulSoup(whole.text, "html.parser").select("tbody tr")][:-1]
