"""The monthly billing run (enrolments module): preview the month's invoices, then create them."""
from __future__ import annotations

from datetime import timedelta

from bottle import Bottle, request

from routes.agent_ledger import tell_invoice_issued
from routes.web import flash, form_text, portal, redirect, render, require_agent, require_module
from storage import clock
from storage.billing import clean_billing_run, preview_billing, run_billing
from storage.dates import parse_month
from views.formats import plural

app = Bottle()


@app.get("/agent/facturation")
def billing_page():
    require_module("enrolments")
    require_agent()
    today = clock.today()
    typed = request.query.get("mois", "")  # a month is ASCII: anything else is refused
    first, month_error = parse_month(typed, today) if typed else (None, None)
    services = {s["id"]: s for s in portal().services.all()}
    preview = preview_billing(portal().families, services, first.isoformat()[:7]) if first else None
    return render("agent/billing.tpl", title="Facturation mensuelle", month=typed[:20] or today.isoformat()[:7],
                  preview=preview, month_error=month_error, issued_on=today.isoformat(),
                  due_on=(today + timedelta(days=20)).isoformat())


@app.post("/agent/facturation")
def billing_run():
    require_module("enrolments")
    require_agent()
    clean, errors = clean_billing_run(form_text("mois"), form_text("issued_on"), form_text("due_on"), clock.today())
    if errors:
        flash("Mois ou dates invalides.", "error")
        redirect("/agent/facturation")
    month = clean["month"]
    created = run_billing(portal().families, {s["id"]: s for s in portal().services.all()}, portal().numbers, month,
                          issued_on=clean["issued_on"], due_on=clean["due_on"], on_created=tell_invoice_issued)
    flash(f"{plural(created, 'facture créée', 'factures créées')} pour {month}. Les familles déjà facturées pour ce mois ont été laissées de côté.")
    redirect(f"/agent/facturation?mois={month}")
