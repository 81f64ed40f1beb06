"""The family's home page (Accueil): what a parent wants at a glance. The most visited page: it reads only the
family's file, and its account's summary (storage/account_summary.py) while the ledger has not changed."""
from __future__ import annotations

from bottle import Bottle

from routes.display import request_title, status_label
from routes.web import portal, render, require_family
from storage import clock
from storage.families import record_of
from storage.ledger import recent_statement_start
from storage.mail.preferences import family_address
from storage.requests import all_requests

app = Bottle()


@app.get("/accueil")
def home():
    family_id = require_family()
    db = portal().families.read(family_id)
    requests = [r for r in all_requests(db) if r["status"] == "pending"][:5]
    account = portal().account_summaries.of(family_id, recent_statement_start(clock.today()))
    record = record_of(db)
    return render("family/home.tpl", title="Accueil", record=record, balance=account.balance_cents,
                  has_mail_address=family_address(record) is not None, latest_invoice=account.latest,
                  unread=portal().index.unread_messages(family_id),
                  pending=[(r, request_title(r), status_label(r["status"])) for r in requests])
