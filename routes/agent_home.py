"""The agent's dashboard (Tableau de bord): what is waiting, each figure linked to where it is handled."""
from __future__ import annotations

from datetime import datetime

from bottle import Bottle

from routes.agent_requests import pending_by_section
from routes.display import audit_rows
from routes.web import module_enabled, portal, render, require_agent, require_module
from storage import clock
from storage.payment.of_the_day import online_payments_of
from storage.request_table import oldest_pending
from storage.sections import MODULE_SECTIONS, SECTIONS
from views.formats import plural

app = Bottle()


def waited(since: str) -> str:
    """'3 jours', '5 heures', '12 minutes': how long something has waited until now."""
    seconds = max(0, int((clock.now() - datetime.fromisoformat(since)).total_seconds()))
    if seconds >= 86400:
        return plural(seconds // 86400, "jour")
    if seconds >= 3600:
        return plural(seconds // 3600, "heure")
    return plural(seconds // 60, "minute")


def oldest_waiting(index, preregistrations: list[dict]) -> dict | None:
    """The item that has waited longest: a request, a pre-registration or a family's message awaiting a reply."""
    candidates = []
    oldest = oldest_pending(index)
    if oldest is not None:
        summary, pending = oldest
        candidates.append((pending["created_at"], f"Demande « {SECTIONS[pending['section']].title} » de la famille "
                           f"{summary.family_id} ({summary.name})", f"/agent/demandes/{summary.family_id}"))
    if preregistrations:
        first = min(preregistrations, key=lambda p: p["created_at"])
        candidates.append((first["created_at"], "Pré-inscription d'une nouvelle famille",
                           f"/agent/pre-inscriptions/{first.doc_id}"))
    awaiting = [(s, t) for s, t in index.conversations("open")]
    if awaiting:
        summary, thread = min(awaiting, key=lambda row: row[1].last_at)
        candidates.append((thread.last_at, f"Message de la famille {summary.family_id} ({summary.name})",
                           f"/agent/messages/{summary.family_id}/{thread.thread_id}"))
    if not candidates:
        return None
    since, what, url = min(candidates)
    return {"since": since, "what": what, "url": url, "age": waited(since)}


@app.get("/agent")
def dashboard():
    require_agent()
    index = portal().index
    by_section = pending_by_section()
    preregistrations = portal().preregistrations.pending()
    payments = online_payments_of(portal().documents, clock.today()) if module_enabled("payment") else None
    return render("agent/dashboard.tpl", title="Tableau de bord", families_count=len(index),
                  pending_count=index.pending_count(), waiting_families=len(index.with_pending_requests()),
                  by_section=by_section, recent=audit_rows(index.recent_audit(5)),
                  module_requests=[item for item in by_section if item[0] in MODULE_SECTIONS]
                  if module_enabled("enrolments") else None,
                  preregistrations=len(preregistrations), unread=index.unread_from_families_count(),
                  awaiting=index.awaiting_reply_count(), failed_mails=portal().outbox.counts().get("failed", 0),
                  payments=payments, oldest=oldest_waiting(index, preregistrations))


@app.get("/agent/paiements-du-jour")
def payments_today():
    require_module("payment")
    require_agent()
    payments = online_payments_of(portal().documents, clock.today())
    summaries = {p["family_id"]: portal().index.get(p["family_id"]) for p in payments}
    rows = [dict(p, name=summaries[p["family_id"]].name if summaries[p["family_id"]] else "") for p in payments]
    return render("agent/payments_today.tpl", title="Paiements en ligne du jour", rows=rows,
                  total_cents=sum(p["amount_cents"] for p in payments), day=clock.today().isoformat())
