"""Gestion des demandes: the agent lists families with pending requests and validates or cancels them."""
from __future__ import annotations

from bottle import Bottle, abort
from bottle import request as http_request

from routes.account_mail import confirm_email_change
from routes.display import audit_rows, change_rows, decision_text, request_title, status_label
from routes.family_record import send_photo
from routes.agent_backups import journal_rows
from routes.host import public_url
from routes.responses import upload_response
from routes.web import (flash, form_text, is_fragment, portal, redirect, render, render_page, require_agent,
                        require_module)
from storage.certificates import certificate_of
from storage.families import record_of
from storage.pieces.kinds import reminders
from storage.requests import (Decision, all_requests, cancel_request, conflicts_of,
                              pending_requests, recent_audit, request_by_id, validate_request)
from storage.sections import SECTIONS
from views.formats import plural

app = Bottle()
OUTCOME_MESSAGES = {
    "validated": ("success", "Demande validée : la fiche de la famille est mise à jour."),
    "cancelled": ("success", "Demande annulée."),
    "already_decided": ("warning", "Cette demande a déjà été traitée ; rien n'a été modifié."),
    "target_missing": ("error", "La fiche visée par cette demande n'existe plus : annulez la demande."),
    "conflict": ("warning", "La fiche a changé depuis la demande : vérifiez les valeurs puis confirmez la validation."),
    "refused": ("error", ""),
}


FAMILIES_PER_PAGE = 50


@app.get("/agent/demandes")
def requests_by_family():
    require_agent()
    families = portal().index.with_pending_requests()
    pages = max(1, -(-len(families) // FAMILIES_PER_PAGE))
    asked = http_request.query.get("page", "")
    page = min(int(asked), pages) if asked.isdigit() and int(asked) >= 1 else 1
    shown = families[(page - 1) * FAMILIES_PER_PAGE:page * FAMILIES_PER_PAGE]
    return render("agent/requests.tpl", title="Gestion des demandes", families=shown, families_total=len(families),
                  page=page, pages=pages, by_section=pending_by_section(), total=portal().index.pending_count(),
                  preregistrations_total=len(portal().preregistrations.pending()))


def pending_by_section() -> list[tuple[str, str, int]]:
    """(section key, title, number of pending requests) of each section with some, by title (the dashboard's and
    the requests page's summary, each linking to the section's table)."""
    counts = portal().index.pending_by_section()
    return sorted(((key, SECTIONS[key].title, count) for key, count in counts.items()), key=lambda item: item[1])


def _family_snapshot(family_id: str):
    db = portal().families.read(family_id)
    if db is None:
        abort(404)
    return db, record_of(db)


def _card(request: dict, record: dict, family_id: str, message=None, conflicts=None) -> dict:
    """What the agent's request card shows."""
    if conflicts is None and request["status"] == "pending":
        exists, conflicts = conflicts_of(record, request)
        if not exists:
            message = message or OUTCOME_MESSAGES["target_missing"]
    return {"request": request, "title": request_title(request), "rows": change_rows(request, record),
            "status": status_label(request["status"]), "conflicts": conflicts or [], "family_id": family_id,
            "message": message, "reminders": reminders(portal().settings.values, request["section"])}


@app.get("/agent/demandes/<family_id>")
def family_requests(family_id: str):
    require_agent()
    db, record = _family_snapshot(family_id)
    requests = all_requests(db)
    cards = [_card(r, record, family_id) for r in requests if r["status"] == "pending"]
    decided = [{"request": r, "title": request_title(r), "status": status_label(r["status"]),
                "decision": decision_text(r)} for r in requests if r["status"] != "pending"][:20]
    return render("agent/family_requests.tpl", title=f"Demandes de la famille {family_id}", record=record,
                  family_id=family_id, cards=cards, decided=decided, audit=audit_rows(recent_audit(db, 30)),
                  summary=portal().index.get(family_id))


def tell_family(family_id: str, decided: list[dict]) -> None:
    """One mail to the family for one action of the agent, listing the requests it validated or cancelled."""
    portal().family_mail.requests_decided(family_id, [(request, request_title(request)) for request in decided],
                                          public_url)


def _after_decision(family_id: str, decision: Decision):
    """The family's mail; then htmx: the updated card and the new totals; otherwise a flash and back to the family's
    requests."""
    if decision.outcome in ("validated", "cancelled"):
        tell_family(family_id, [decision.request])
    for name in decision.obsolete_files:
        portal().photos.delete(family_id, name)
    message = OUTCOME_MESSAGES[decision.outcome]
    if decision.message:
        message = (message[0], decision.message)
    if decision.outcome == "conflict" or is_fragment():
        db, record = _family_snapshot(family_id)
        request = request_by_id(db, decision.request.doc_id)
        card = _card(request, record, family_id, message, decision.conflicts or None)
        summary = portal().index.get(family_id)
        return render_page("agent/request_confirm.tpl", "agent/_request_card.tpl", title="Confirmer la validation",
                           card=card, family_id=family_id, family_total=len(summary.pending) if summary else 0,
                           total=portal().index.pending_count(), oob=True)
    flash(message[1], message[0])
    redirect(f"/agent/demandes/{family_id}")


@app.post("/agent/demandes/<family_id>/<request_id:int>/valider")
def validate(family_id: str, request_id: int):
    agent = require_agent()
    try:
        decision = validate_request(portal().families, family_id, request_id, agent,
                                    confirm_conflicts=form_text("confirmer") == "1",
                                    options={"services": portal().services, "billing": form_text("facturation") or "auto"})
    except KeyError:
        abort(404)
    confirm_email_change(family_id, decision)
    return _after_decision(family_id, decision)


@app.post("/agent/demandes/<family_id>/<request_id:int>/annuler")
def cancel(family_id: str, request_id: int):
    agent = require_agent()
    db, _ = _family_snapshot(family_id)
    request = request_by_id(db, request_id)
    reminder = form_text("motif_piece", 500)  # "Merci de joindre : …", one of the card's choices
    if request is None or reminder not in reminders(portal().settings.values, request["section"]):
        reminder = ""
    reason = " ".join(part for part in (reminder, form_text("motif", 500)) if part)[:500]
    try:
        decision = cancel_request(portal().families, family_id, request_id, agent, reason)
    except KeyError:
        abort(404)
    return _after_decision(family_id, decision)


@app.post("/agent/demandes/<family_id>/tout-valider")
def validate_all(family_id: str):
    agent = require_agent()
    db, _ = _family_snapshot(family_id)
    validated, skipped = [], 0
    for request in pending_requests(db):
        decision = validate_request(portal().families, family_id, request.doc_id, agent,
                                    options={"services": portal().services})
        confirm_email_change(family_id, decision)
        for name in decision.obsolete_files:
            portal().photos.delete(family_id, name)
        if decision.outcome == "validated":
            validated.append(decision.request)
        elif decision.outcome != "already_decided":
            skipped += 1
    tell_family(family_id, validated)
    flash(f"{plural(len(validated), 'demande validée', 'demandes validées')}.", "success")
    if skipped:
        flash(f"{plural(skipped, 'demande non validée', 'demandes non validées')} : la fiche a changé depuis la demande ou n'existe plus. "
              "Traitez-les une par une.", "warning")
    redirect(f"/agent/demandes/{family_id}" if skipped else "/agent/demandes")


@app.get("/agent/demandes/<family_id>/<request_id:int>/photo.jpg")
def requested_photo(family_id: str, request_id: int):
    require_agent()
    db, _ = _family_snapshot(family_id)
    request = request_by_id(db, request_id)
    if request is None or request["section"] != "child_photo":
        abort(404)
    return send_photo(family_id, request["changes"][0]["after"])


@app.get("/agent/demandes/<family_id>/<request_id:int>/justificatif")
def absence_certificate(family_id: str, request_id: int):
    require_module("enrolments")
    require_agent()
    db, _ = _family_snapshot(family_id)
    return upload_response(portal().certificates, family_id, certificate_of(db, request_id))


@app.get("/agent/journal")
def journal():
    require_agent()
    entries = audit_rows(portal().index.recent_audit(200))
    return render("agent/journal.tpl", title="Journal des décisions", entries=entries,
                  purges=portal().retention.journal(20), backups=journal_rows(10))
