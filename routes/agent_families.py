"""The agent's family directory: search families and open one family's page."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.web import portal, render, require_agent
from storage.families import account_of, record_of
from storage.ledger import balance_cents
from storage.requests import pending_requests

app = Bottle()


@app.get("/agent/familles")
def directory():
    require_agent()
    query = (request.query.getunicode("q") or "").strip()[:100]
    results = portal().index.search(query) if query else []
    return render("agent/families.tpl", title="Familles", query=query, results=results,
                  families_count=len(portal().index))


@app.get("/agent/familles/<family_id>")
def family_page(family_id: str):
    require_agent()
    db = portal().families.read(family_id)
    if db is None:
        abort(404)
    ledger = portal().families.read_ledger(family_id)
    return render("agent/family.tpl", title=f"Famille {family_id}", family_id=family_id, record=record_of(db),
                  account=account_of(db), pending=len(pending_requests(db)), balance=balance_cents(ledger))
