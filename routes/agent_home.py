"""The agent's dashboard (Tableau de bord)."""
from __future__ import annotations

from bottle import Bottle

from routes.web import portal, render, require_agent

app = Bottle()


@app.get("/agent")
def dashboard():
    require_agent()
    index = portal().index
    return render("agent/dashboard.tpl", title="Tableau de bord", families_count=len(index),
                  pending_count=index.pending_count())
