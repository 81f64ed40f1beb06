"""The family's home page (Accueil): what a parent wants at a glance. The most visited page: it reads
only the family's two files."""
from __future__ import annotations

from bottle import Bottle

from routes.display import request_title, status_label
from routes.web import portal, render, require_family
from storage.families import record_of
from storage.ledger import account_figures
from storage.mail.preferences import family_address
from storage.requests import all_requests

app = Bottle()


@app.get("/accueil")
def home():
    family_id = require_family()
    db = portal().families.read(family_id)
    ledger = portal().families.read_ledger(family_id)
    requests = [r for r in all_requests(db) if r["status"] == "pending"][:5]
    figures = account_figures(ledger)
    latest = figures.newest_first[:1]
    record = record_of(db)
    return render("family/home.tpl", title="Accueil", record=record, balance=figures.balance_cents,
                  has_mail_address=family_address(record) is not None,
                  latest_invoice=latest[0] if latest else None,
                  latest_figures=figures.invoices[latest[0]["number"]] if latest else None,
                  unread=portal().index.unread_messages(family_id),
                  pending=[(r, request_title(r), status_label(r["status"])) for r in requests])
