"""The monthly billing run (enrolments module): preview the month's invoices, then create them."""
from __future__ import annotations

from datetime import date, timedelta

from bottle import Bottle, request

from routes.web import flash, form_text, portal, redirect, render, require_agent, require_module
from storage import clock
from storage.billing import preview_billing, run_billing

app = Bottle()


def _month(value: str) -> str | None:
    try:
        date.fromisoformat((value or "") + "-01")
    except ValueError:
        return None
    return value


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@app.get("/agent/facturation")
def billing_page():
    require_module("enrolments")
    require_agent()
    this_month = clock.today().strftime("%Y-%m")
    month = _month(request.query.get("mois", "")) if request.query.get("mois") else None
    preview = preview_billing(portal().families, {s["id"]: s for s in portal().services.all()}, month) if month else None
    return render("agent/billing.tpl", title="Facturation mensuelle", month=month or this_month, preview=preview,
                  bad_month=bool(request.query.get("mois")) and month is None,
                  issued_on=clock.today().isoformat(), due_on=(clock.today() + timedelta(days=20)).isoformat())


@app.post("/agent/facturation")
def billing_run():
    require_module("enrolments")
    require_agent()
    month = _month(form_text("mois"))
    issued_on, due_on = form_text("issued_on"), form_text("due_on")
    if month is None or not _is_date(issued_on) or not _is_date(due_on):
        flash("Mois ou dates invalides.", "error")
        redirect("/agent/facturation")
    created = run_billing(portal().families, {s["id"]: s for s in portal().services.all()}, portal().numbers, month,
                          issued_on=issued_on, due_on=due_on)
    flash(f"{created} facture(s) créée(s) pour {month}. Les familles déjà facturées pour ce mois ont été laissées de côté.")
    redirect(f"/agent/facturation?mois={month}")
