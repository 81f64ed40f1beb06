"""The agent's dashboard (Tableau de bord)."""
from __future__ import annotations

from bottle import Bottle

from routes.agent_requests import pending_by_section
from routes.display import audit_rows
from routes.web import portal, render, require_agent

app = Bottle()


@app.get("/agent")
def dashboard():
    require_agent()
    index = portal().index
    waiting = index.with_pending_requests()
    return render("agent/dashboard.tpl", title="Tableau de bord", families_count=len(index),
                  pending_count=index.pending_count(), waiting_families=len(waiting),
                  by_section=pending_by_section(), recent=audit_rows(index.recent_audit(5)),
                  preregistrations=len(portal().preregistrations.pending()))
