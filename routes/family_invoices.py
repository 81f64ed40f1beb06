"""Factures and relevé de compte of the family, with the invoice PDF and the child sheets."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.responses import pdf_response
from routes.web import found, portal, render, require_family
from storage import clock
from storage.account_summary import invoice_rows
from storage.families import child_by_id
from storage.ledger import (STATEMENT_MONTHS, account_figures, balance_cents, invoice_by_id,
                            recent_statement_start, statement, statement_since)
from views.pdf import child_sheet_pdf, invoice_pdf

app = Bottle()


def _ledger():
    family_id = require_family()
    return family_id, portal().families.read_ledger(family_id)


@app.get("/factures")
def invoice_list():
    """The invoices issued in the last STATEMENT_MONTHS months, as the relevé; ?tout=1 for every invoice. The figures
    (what is left to pay on each) are those of the whole account either way."""
    whole = request.query.get("tout") == "1"
    first_day = recent_statement_start(clock.today())
    if whole:
        figures = account_figures(_ledger()[1])
        shown, balance, older = invoice_rows(figures), figures.balance_cents, 0
    else:
        account = portal().account_summaries.of(require_family(), first_day)  # the ledger read only when it changed
        shown, balance, older = account.recent, account.balance_cents, account.older
    return render("family/invoices.tpl", title="Mes factures", invoices=shown, balance=balance, whole=whole,
                  older=older, first_day=first_day, months=STATEMENT_MONTHS)


def _own_invoice(ledger, invoice_id: int) -> dict:
    return found(invoice_by_id(ledger, invoice_id))


@app.get("/factures/<invoice_id:int>")
def invoice_detail(invoice_id: int):
    family_id, ledger = _ledger()
    invoice = _own_invoice(ledger, invoice_id)
    return render("family/invoice.tpl", title=f"Facture {invoice['number']}", invoice=invoice,
                  figures=account_figures(ledger).invoices[invoice["number"]])


@app.get("/factures/<invoice_id:int>/facture.pdf")
def invoice_document(invoice_id: int):
    family_id, ledger = _ledger()
    invoice = _own_invoice(ledger, invoice_id)
    record = portal().families.record(family_id)
    data = invoice_pdf(portal().settings["commune"], record, invoice)
    return pdf_response(data, f"facture-{invoice['number']}.pdf".replace("/", "-"),
                        download=request.query.get("telecharger") == "1")


@app.get("/releve")
def account_statement():
    """The last STATEMENT_MONTHS months with the balance brought forward; ?tout=1 for the whole history."""
    family_id, ledger = _ledger()
    whole = request.query.get("tout") == "1"
    first_day = recent_statement_start(clock.today())
    entries, earlier = (statement(ledger), 0) if whole else statement_since(ledger, first_day)
    return render("family/statement.tpl", title="Relevé de compte", entries=list(reversed(entries)),
                  balance=balance_cents(ledger), whole=whole, earlier=earlier, first_day=first_day,
                  months=STATEMENT_MONTHS)


@app.get("/mes-informations/enfants/<child_id:int>/fiche-<kind:re:simple|complete>.pdf")
def child_sheet(child_id: int, kind: str):
    family_id = require_family()
    record = portal().families.record(family_id)
    child = child_by_id(record, child_id)
    if child is None:
        abort(404)
    complete = kind == "complete"
    photo = portal().photos.path(family_id, child.get("photo")) if complete else None
    data = child_sheet_pdf(portal().settings["commune"], record, child, complete, photo)
    return pdf_response(data, f"fiche-{kind}-{child.get('first_name', 'enfant')}.pdf",
                        download=request.query.get("telecharger") == "1")
