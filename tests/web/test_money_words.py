"""Amounts said one way on every page (DESIGN.md, "Money, said one way everywhere"): the home page's balance and the
last invoice's state today, the invoices' reste à payer and state, the relevé's débit / crédit columns and its
balance said "à payer" or "en crédit", never a bare negative number; checked on the demo family that pays its whole
balance online, on accounts written by hand, and on random accounts through the real pages."""
from __future__ import annotations

import re

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, login_agent, login_family
from random_ledgers import apply_operations, clear_ledger, days_between, ledger_operations
from storage.demo import DEMO_AGENT
from storage.ledger import account_figures, add_invoice, add_payment, invoice_line, reverse_payment

FAMILY = DEMO_FAMILY[0]
OTHER = OTHER_FAMILY[0]
NEGATIVE_AMOUNT = re.compile(r"(?<![\w-])[-−]\s?[0-9]{1,3}(?: [0-9]{3})*,[0-9]{2} €")  # not "2026-11001 186,60 €"


def visible(page) -> str:
    html = page if isinstance(page, str) else page.text
    text = BeautifulSoup(html, "html.parser").get_text(" ").replace("\u00a0", " ").replace("\u202f", " ")
    return " ".join(text.split())


def cells(row) -> list[str]:
    return [visible(str(cell)) for cell in row.find_all(["th", "td"])]


def table_rows(page) -> list[list[str]]:
    return [cells(row) for row in BeautifulSoup(page.text, "html.parser").select("table tbody tr")]


def signed_cents(words: str) -> int:
    """'273,45 € à payer' -> 27345, '19,80 € en crédit' -> -1980, 'rien à payer' -> 0, '86,85 €' -> 8685."""
    if words == "rien à payer":
        return 0
    match = re.fullmatch(r"([0-9 ]+),([0-9]{2}) €( à payer| en crédit)?", words)
    assert match, f"not an amount in words: {words!r}"
    cents = int(match[1].replace(" ", "")) * 100 + int(match[2])
    return -cents if match[3] == " en crédit" else cents


def home_balance(client) -> str:
    return visible(str(BeautifulSoup(client.get("/accueil").text, "html.parser").select_one("p.amount")))


def logged_in(app, account=DEMO_FAMILY) -> TestApp:
    client = TestApp(app)
    assert login_family(client, *account).status_int == 303
    return client


def pay_everything_online(client) -> None:
    """Pay the whole balance with the bank simulator, as a parent clicks through it."""
    bank_page = client.get("/accueil").forms["pay-form"].submit().follow()
    simulator = bank_page.forms["bank-form"].submit()
    assert simulator.forms[0].submit("decision", value="accepter").status_int == 303


def hand_written_account(app, family_id: str = OTHER) -> None:
    """September 160,80 € paid, October 173,70 € half paid (86,85 €), November 186,60 € not paid yet."""
    families = app.portal.families
    clear_ledger(families, family_id)
    for number, period, issued, cents, paid in (("H-09", "2026-09", "2026-10-01", 16_080, 16_080),
                                                ("H-10", "2026-10", "2026-11-02", 17_370, 8_685),
                                                ("H-11", "2026-11", "2026-12-01", 18_660, 0)):
        add_invoice(families, family_id, number=number, period=period, issued_on=issued, due_on=issued[:8] + "25",
                    lines=[invoice_line("Olivia", "Restauration scolaire", 1, cents)])
        if paid:
            add_payment(families, family_id, paid_on=issued[:8] + "20", amount_cents=paid, method="prelevement")


# --- the demo family pays its whole balance online --------------------------------------------------------------

def test_after_paying_the_whole_balance_online_no_page_says_anything_is_due(demo_app):
    family = logged_in(demo_app)
    pay_everything_online(family)
    assert home_balance(family) == "rien à payer"
    home = visible(family.get("/accueil"))
    assert re.search(r"Dernière facture : \w+ \d{4} \([0-9 ,]+ €\) : payée", home), home
    assert "à payer avant" not in home
    invoices = table_rows(family.get("/factures"))
    assert invoices and all(row[3] == "0,00 €" and row[4] == "Payée" for row in invoices), invoices
    for url in ("/accueil", "/factures", "/releve", "/releve?tout=1"):
        assert not NEGATIVE_AMOUNT.search(visible(family.get(url))), url
    relevé = family.get("/releve")
    assert table_rows(relevé)[0][-1] == "rien à payer"
    assert "Solde du compte : rien à payer" in visible(relevé)
    balances = [row[-1] for row in table_rows(family.get("/releve?tout=1"))]
    assert all(b == "rien à payer" or b.endswith(("€ à payer", "€ en crédit")) for b in balances), balances


# --- an account written by hand ---------------------------------------------------------------------------------

def test_home_shows_the_balance_and_what_is_left_on_the_last_invoice(demo_app):
    hand_written_account(demo_app)
    abdel = logged_in(demo_app, OTHER_FAMILY)
    assert home_balance(abdel) == "273,45 € à payer"
    assert "Dernière facture : novembre 2026 (186,60 €) : reste 186,60 € à payer avant le 25/12/2026" \
        in visible(abdel.get("/accueil"))
    add_payment(demo_app.portal.families, OTHER, paid_on="2026-12-02", amount_cents=20_000, method="cheque")
    assert home_balance(abdel) == "73,45 € à payer"
    assert "Dernière facture : novembre 2026 (186,60 €) : reste 73,45 € à payer avant le 25/12/2026" \
        in visible(abdel.get("/accueil"))


def test_invoice_list_shows_the_reste_à_payer_and_the_state_of_each_invoice(demo_app):
    hand_written_account(demo_app)
    page = logged_in(demo_app, OTHER_FAMILY).get("/factures")
    headings = [visible(str(th)) for th in BeautifulSoup(page.text, "html.parser").select("table thead th")]
    assert headings[:5] == ["Période", "Numéro", "Montant de la facture", "Reste à payer", "État"]
    assert [row[:5] for row in table_rows(page)] == [
        ["novembre 2026", "H-11", "186,60 €", "186,60 €", "À payer"],
        ["octobre 2026", "H-10", "173,70 €", "86,85 €", "Partiellement payée"],
        ["septembre 2026", "H-09", "160,80 €", "0,00 €", "Payée"]]
    assert "Solde actuel de votre compte : 273,45 € à payer" in visible(page)


def test_invoice_page_keeps_the_amounts_as_issued_and_says_what_is_left_today(demo_app):
    hand_written_account(demo_app)
    abdel = logged_in(demo_app, OTHER_FAMILY)
    doc_id = next(d.doc_id for d in demo_app.portal.families.read_ledger(OTHER).table("invoices").all()
                  if d["number"] == "H-10")
    page = abdel.get(f"/factures/{doc_id}")
    foot = {cells(row)[0]: cells(row)[1] for row in BeautifulSoup(page.text, "html.parser").select("tfoot tr")}
    assert foot == {"Montant de la facture": "173,70 €", "Solde antérieur": "0,00 €",
                    "Montant à payer à l'émission": "173,70 €"}
    assert "Aujourd'hui, après vos paiements : reste 86,85 € à payer sur cette facture." in visible(page)
    assert "Partiellement payée" in visible(page)


def test_relevé_has_débit_and_crédit_columns_and_a_balance_in_words(demo_app):
    """An overpayment, then its reversal (a débit), then a credit note (a crédit): no negative number anywhere."""
    families = demo_app.portal.families
    clear_ledger(families, OTHER)
    add_invoice(families, OTHER, number="R-1", period="2026-10", issued_on="2026-11-02", due_on="2026-11-25",
                lines=[invoice_line("Olivia", "Restauration scolaire", 10, 300)])
    add_payment(families, OTHER, paid_on="2026-11-10", amount_cents=5_000, method="cheque", reference="n° 12")
    reverse_payment(families, OTHER, 1, reversed_on="2026-11-12", agent="agent")
    add_payment(families, OTHER, paid_on="2026-11-15", amount_cents=4_000, method="cheque", reference="n° 13")
    add_invoice(families, OTHER, number="AV-1", period="2026-11", issued_on="2026-11-30", due_on="2026-12-20",
                lines=[invoice_line("Olivia", "Repas non pris (grève)", 1, -1_500)])
    page = logged_in(demo_app, OTHER_FAMILY).get("/releve")
    assert [row[1:] for row in table_rows(page)] == [
        ["Avoir AV-1 (novembre 2026)", "", "15,00 €", "25,00 € en crédit"],
        ["Paiement (chèque) — n° 13", "", "40,00 €", "10,00 € en crédit"],
        ["Annulation d'un paiement (chèque) : annule le paiement du 2026-11-10 n° 12", "50,00 €", "", "30,00 € à payer"],
        ["Paiement (chèque) — n° 12", "", "50,00 €", "20,00 € en crédit"],
        ["Facture R-1 (octobre 2026)", "30,00 €", "", "30,00 € à payer"]]
    assert "Solde du compte : 25,00 € en crédit" in visible(page)
    assert not NEGATIVE_AMOUNT.search(visible(page))
    invoices = table_rows(logged_in(demo_app, OTHER_FAMILY).get("/factures"))
    assert [row[2:5] for row in invoices] == [["15,00 € en crédit", "0,00 €", "Avoir"], ["30,00 €", "0,00 €", "Payée"]]


def test_the_agent_reads_the_same_words(demo_app):
    hand_written_account(demo_app)
    agent = TestApp(demo_app)
    assert login_agent(agent, *DEMO_AGENT).status_int == 303
    page = agent.get(f"/agent/familles/{OTHER}/compte")
    assert "Solde du compte : 273,45 € à payer" in visible(page)
    invoices = [cells(row) for row in BeautifulSoup(page.text, "html.parser").select("#h-factures ~ div tbody tr")]
    assert [row[3:] for row in invoices] == [["186,60 €", "86,85 €", "273,45 €", "186,60 €", "À payer"],
                                            ["173,70 €", "0,00 €", "173,70 €", "86,85 €", "Partiellement payée"],
                                            ["160,80 €", "0,00 €", "160,80 €", "0,00 €", "Payée"]]
    assert "Solde 273,45 € à payer" in visible(agent.get(f"/agent/familles/{OTHER}"))


# --- random accounts, through the pages --------------------------------------------------------------------------

@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(operations=ledger_operations(max_size=10), data=st.data())
def test_home_relevé_and_invoices_agree_on_random_accounts(demo_app, operations, data):
    """Home balance = the relevé's last line (12 months and whole history) = sum of the restes à payer on the
    whole invoice list - the unallocated credit; no page shows a negative amount."""
    steps = data.draw(days_between(len(operations)), label="days between")
    families = demo_app.portal.families
    clear_ledger(families, OTHER)
    apply_operations(families, OTHER, operations, steps, demo_app.portal.documents.root)
    figures = account_figures(families.read_ledger(OTHER))
    abdel = logged_in(demo_app, OTHER_FAMILY)
    balance = signed_cents(home_balance(abdel))
    for url in ("/releve", "/releve?tout=1"):
        rows = table_rows(abdel.get(url))
        assert signed_cents(rows[0][-1] if rows else "rien à payer") == balance, url
    invoices = abdel.get("/factures?tout=1")  # /factures alone shows the last 12 months
    remaining = sum(signed_cents(row[3]) for row in table_rows(invoices))
    assert balance == remaining - figures.unallocated_credit_cents == figures.balance_cents
    for url in ("/accueil", "/factures", "/factures?tout=1", "/releve", "/releve?tout=1"):
        assert not NEGATIVE_AMOUNT.search(visible(abdel.get(url))), url
