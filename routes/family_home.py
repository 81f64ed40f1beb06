"""The family's home page (Accueil)."""
from __future__ import annotations

from bottle import Bottle

from routes.web import portal, render, require_family
from storage.families import record_of

app = Bottle()


@app.get("/accueil")
def home():
    family_id = require_family()
    db = portal().families.read(family_id)
    record = record_of(db)
    pending = [r for r in db.table("requests").all() if r.get("status") == "pending"]
    return render("family/home.tpl", title="Accueil", record=record, pending=pending)
