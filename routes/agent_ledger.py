"""The agent's side of money: a family's account, counter payments and their reversal, invoices typed in
by hand or imported from the billing software's CSV, and the PDFs."""
from __future__ import annotations

import json
import secrets
from datetime import timedelta

from bottle import Bottle, abort, request

from routes.host import public_url
from routes.responses import pdf_response
from routes.web import flash, form_values, found, portal, redirect, render, require_agent
from storage import clock
from storage.atomic import write_atomically
from storage.families import child_by_id, record_of
from storage.invoice_import import COLUMNS, import_invoices, parse_invoice_csv
from storage.ledger import (COUNTER_METHODS, INVOICE_LINE_ROWS, PAYMENT_METHODS, account_figures, add_invoice,
                            add_payment, clean_invoice_form, clean_payment_form, invoice_by_id,
                            invoices, payments, reverse_payment, statement)
from views.formats import plural
from views.pdf import child_sheet_pdf, invoice_pdf

app = Bottle()
MAX_CSV_BYTES = 5 * 1024 * 1024


def tell_invoice_issued(family_id: str, invoice: dict) -> None:
    """The family's mail for a new invoice, queued right after the invoice is stored."""
    portal().family_mail.invoice_issued(family_id, invoice["number"], public_url)


def _family(family_id: str):
    db = portal().families.read(family_id)
    if db is None:
        abort(404)
    return record_of(db), portal().families.read_ledger(family_id)


def _account_page(family_id: str, payment_form=None, payment_errors=None):
    record, ledger = _family(family_id)
    figures = account_figures(ledger)
    return render("agent/account.tpl", title=f"Compte de la famille {family_id}", family_id=family_id, record=record,
                  invoices=invoices(ledger), figures=figures.invoices, payments=payments(ledger),
                  statement=list(reversed(statement(ledger))), balance=figures.balance_cents,
                  methods={m: PAYMENT_METHODS[m] for m in COUNTER_METHODS},
                  all_methods=PAYMENT_METHODS,
                  payment=payment_form or {"paid_on": clock.today().isoformat()}, errors=payment_errors or {})


@app.get("/agent/familles/<family_id>/compte")
def account(family_id: str):
    require_agent()
    return _account_page(family_id)


@app.post("/agent/familles/<family_id>/paiements")
def record_payment(family_id: str):
    agent = require_agent()
    _family(family_id)
    form = form_values(("paid_on", "amount", "method", "reference"))
    clean, errors = clean_payment_form(form)
    if errors:
        return _account_page(family_id, form, errors)
    add_payment(portal().families, family_id, recorded_by=agent, **clean)
    flash("Paiement enregistré.")
    redirect(f"/agent/familles/{family_id}/compte")


@app.post("/agent/familles/<family_id>/paiements/<payment_id:int>/annuler")
def cancel_payment(family_id: str, payment_id: int):
    agent = require_agent()
    _family(family_id)
    try:
        reverse_payment(portal().families, family_id, payment_id, reversed_on=clock.today().isoformat(), agent=agent)
    except KeyError:
        abort(404)
    except ValueError as refused:
        flash(str(refused), "warning")
    else:
        flash("Paiement annulé par une écriture inverse ; l'historique est conservé.")
    redirect(f"/agent/familles/{family_id}/compte")


@app.route("/agent/familles/<family_id>/factures/nouvelle", method=["GET", "POST"])
def new_invoice(family_id: str):
    require_agent()
    record, _ = _family(family_id)
    today = clock.today()
    form = {"period": today.strftime("%Y-%m"), "issued_on": today.isoformat(),
            "due_on": (today + timedelta(days=20)).isoformat()}
    errors = {}
    if request.method == "POST":
        names = ["period", "issued_on", "due_on"] + [f"line_{k}_{i}" for i in range(INVOICE_LINE_ROWS)
                                                      for k in ("child", "service", "detail", "quantity", "price")]
        form = form_values(names, 100)
        clean, errors = clean_invoice_form(form)
        if not errors:
            number = portal().numbers.next_invoice_number(int(clean["issued_on"][:4]), family_id)
            add_invoice(portal().families, family_id, number=number, **clean)
            tell_invoice_issued(family_id, {"number": number})
            flash(f"Facture {number} créée.")
            redirect(f"/agent/familles/{family_id}/compte")
    return render("agent/invoice_new.tpl", title="Nouvelle facture", family_id=family_id, record=record, form=form,
                  errors=errors, rows=INVOICE_LINE_ROWS)


@app.get("/agent/familles/<family_id>/factures/<invoice_id:int>/facture.pdf")
def invoice_document(family_id: str, invoice_id: int):
    require_agent()
    record, ledger = _family(family_id)
    invoice = found(invoice_by_id(ledger, invoice_id))
    return pdf_response(invoice_pdf(portal().settings["commune"], record, invoice),
                        f"facture-{invoice['number']}.pdf".replace("/", "-"))


@app.get("/agent/familles/<family_id>/enfants/<child_id:int>/fiche-<kind:re:simple|complete>.pdf")
def child_sheet(family_id: str, child_id: int, kind: str):
    require_agent()
    record, _ = _family(family_id)
    child = child_by_id(record, child_id)
    if child is None:
        abort(404)
    complete = kind == "complete"
    photo = portal().photos.path(family_id, child.get("photo")) if complete else None
    return pdf_response(child_sheet_pdf(portal().settings["commune"], record, child, complete, photo),
                        f"fiche-{kind}-{child.get('first_name', 'enfant')}.pdf")


# --- CSV import -----------------------------------------------------------------------------------------

def _imports_folder():
    folder = portal().documents.root / "imports"
    folder.mkdir(exist_ok=True)
    return folder


@app.route("/agent/factures/import", method=["GET", "POST"])
def import_invoices_form():
    require_agent()
    preview, error, token = None, None, None
    if request.method == "POST":
        upload = request.files.get("fichier")
        raw = upload.file.read(MAX_CSV_BYTES + 1) if upload is not None else b""
        if not raw:
            error = "Choisissez le fichier CSV exporté par le logiciel de facturation."
        elif len(raw) > MAX_CSV_BYTES:
            error = "Le fichier dépasse 5 Mo."
        else:
            preview = parse_invoice_csv(raw, portal().families, portal().numbers)
            if not preview.errors:
                token = secrets.token_hex(16)
                write_atomically(_imports_folder() / f"{token}.json",
                                 json.dumps(preview.invoices, ensure_ascii=False).encode("utf-8"))
    return render("agent/invoice_import.tpl", title="Importer des factures", columns=COLUMNS, preview=preview,
                  error=error, token=token)


@app.post("/agent/factures/import/<token:re:[0-9a-f]{32}>/confirmer")
def import_invoices_confirm(token: str):
    require_agent()
    path = _imports_folder() / f"{token}.json"
    if not path.exists():
        flash("Cet import a déjà été effectué ou a expiré. Rechargez le fichier si nécessaire.", "warning")
        redirect("/agent/factures/import")
    try:
        created = import_invoices(json.loads(path.read_text("utf-8")), portal().families, portal().numbers,
                                  on_created=tell_invoice_issued)
    except ValueError as refused:
        flash(f"Import refusé : {refused}", "error")
        redirect("/agent/factures/import")
    path.unlink(missing_ok=True)
    flash(f"{plural(created, 'facture importée', 'factures importées')}.")
    redirect("/agent/factures/import")
