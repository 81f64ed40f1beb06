"""The agent's family directory: search, one family's full page, direct edits (audited), new families,
account deactivation, password reset and the family's data export."""
from __future__ import annotations

import json

from bottle import Bottle, HTTPResponse, abort, request

from routes.display import SECTION_SLUGS, SLUG_SECTIONS, audit_rows, section_rows
from routes.family_record import send_photo
from routes.account_mail import hand_over_access, mail_email_change
from routes.preregistration import form_groups
from routes.record_forms import section_form
from routes.web import flash, portal, posted_form, redirect, render, require_agent
from storage.export import family_export
from storage.accounts.access import holder_email, reset_access
from storage.accounts.email_change import email_change
from storage.accounts.mails import masked_email
from storage.accounts.password_links import ACCOUNT_OPENED, AGENT_RESET
from storage.families import account_of, record_of, set_family_active
from storage.ledger import balance_cents
from storage.pieces.family import kept_pieces
from storage.pieces.kinds import SECTION_CHOICES
from storage.preregistrations import clean_preregistration, create_family_account
from storage.requests import RequestRefused, edit_record_directly, pending_requests, recent_audit
from storage.sections import SECTIONS, child_label, current_values, find_target, person_label

app = Bottle()
SLUG_PATTERN = "|".join(SLUG_SECTIONS)
CHILD_PARTS = {"identite": "child_identity", "complementaires": "child_extra", "sanitaires": "child_health"}
SAVED = "Fiche modifiée ; la modification est inscrite à l'historique."


@app.get("/agent/familles")
def directory():
    require_agent()
    query = (request.query.getunicode("q") or "").strip()[:100]
    results = portal().index.search(query) if query else []
    return render("agent/families.tpl", title="Familles", query=query, results=results,
                  families_count=len(portal().index))


def _family(family_id: str):
    db = portal().families.read(family_id)
    if db is None:
        abort(404)
    return db, record_of(db)


@app.get("/agent/familles/<family_id:re:[0-9]+>")
def family_page(family_id: str):
    require_agent()
    db, record = _family(family_id)
    sections = [(SECTIONS[key], slug, section_rows(SECTIONS[key], current_values(record, SECTIONS[key]), {}, record))
                for key, slug in SECTION_SLUGS.items()]
    children = [(child, {part: section_rows(SECTIONS[key], current_values(record, SECTIONS[key], child["id"]), {}, record)
                         for part, key in CHILD_PARTS.items()}) for child in record.get("children", [])]
    persons = [(p, section_rows(SECTIONS["person"], p, {}, record)) for p in record.get("persons", [])]
    return render("agent/family.tpl", title=f"Famille {family_id}", family_id=family_id, record=record,
                  account=account_of(db), pending=len(pending_requests(db)),
                  mailed_to=masked_email(holder_email(record)),
                  balance=balance_cents(portal().families.read_ledger(family_id)), sections=sections,
                  children=children, persons=persons, person_label=person_label,
                  audit=audit_rows(recent_audit(db, 50)), all_sections=SECTIONS, pieces=kept_pieces(db),
                  piece_sections=dict(SECTION_CHOICES))


def _direct_form(family_id: str, section_key: str, target_id=None, *, action: str = "update", target_label: str = "",
                 form_url: str, heading: str):
    """The section form; a valid submission changes the record at once (audited as a direct edit)."""
    agent = require_agent()
    _, record = _family(family_id)

    def save(values: dict, label: str) -> None:
        changes = edit_record_directly(portal().families, family_id, section_key, values, agent=agent,
                                       target_id=target_id, action=action, target_label=label)
        mail_email_change(family_id, email_change(section_key, changes))

    return section_form(record, section_key, target_id, save=save, done=SAVED, back_url=f"/agent/familles/{family_id}",
                        form_url=form_url, heading=heading, action=action, target_label=target_label,
                        submit_label="Enregistrer")


@app.route(f"/agent/familles/<family_id>/modifier/<slug:re:{SLUG_PATTERN}>", method=["GET", "POST"])
def edit_section(family_id: str, slug: str):
    key = SLUG_SECTIONS[slug]
    return _direct_form(family_id, key, form_url=f"/agent/familles/{family_id}/modifier/{slug}",
                        heading=f"Famille {family_id} — {SECTIONS[key].title}")


@app.route("/agent/familles/<family_id>/enfants/<child_id:int>/<part:re:identite|complementaires|sanitaires>",
           method=["GET", "POST"])
def edit_child(family_id: str, child_id: int, part: str):
    _, record = _family(family_id)
    child = find_target(record, SECTIONS["child_identity"], child_id)
    if child is None:
        abort(404)
    key = CHILD_PARTS[part]
    return _direct_form(family_id, key, child_id, target_label=child_label(child),
                        form_url=f"/agent/familles/{family_id}/enfants/{child_id}/{part}",
                        heading=f"{SECTIONS[key].title} : {child_label(child)}")


@app.route("/agent/familles/<family_id>/enfants/ajouter", method=["GET", "POST"])
def add_child(family_id: str):
    return _direct_form(family_id, "child_identity", action="add", form_url=f"/agent/familles/{family_id}/enfants/ajouter",
                        heading=f"Famille {family_id} — ajouter un enfant")


@app.get("/agent/familles/<family_id>/enfants/<child_id:int>/photo.jpg")
def child_photo(family_id: str, child_id: int):
    require_agent()
    _, record = _family(family_id)
    child = find_target(record, SECTIONS["child_identity"], child_id)
    if child is None:
        abort(404)
    return send_photo(family_id, child.get("photo"))


@app.route("/agent/familles/<family_id>/personnes/ajouter", method=["GET", "POST"])
def add_person(family_id: str):
    return _direct_form(family_id, "person", action="add", form_url=f"/agent/familles/{family_id}/personnes/ajouter",
                        heading=f"Famille {family_id} — ajouter une personne autorisée")


@app.route("/agent/familles/<family_id>/personnes/<person_id:int>/modifier", method=["GET", "POST"])
def edit_person(family_id: str, person_id: int):
    _, record = _family(family_id)
    person = find_target(record, SECTIONS["person"], person_id)
    if person is None:
        abort(404)
    return _direct_form(family_id, "person", person_id, target_label=person_label(person),
                        form_url=f"/agent/familles/{family_id}/personnes/{person_id}/modifier",
                        heading=f"Modifier : {person_label(person)}")


@app.get("/agent/familles/<family_id>/personnes/<person_id:int>/retirer")
def confirm_person_removal(family_id: str, person_id: int):
    """The confirmation step before the agent removes an authorised person (a one-click removal, on a phone, would
    be one slip away)."""
    require_agent()
    _, record = _family(family_id)
    person = find_target(record, SECTIONS["person"], person_id)
    if person is None:
        abort(404)
    return render("agent/person_remove.tpl", title="Retirer une personne autorisée", family_id=family_id,
                  person=person, label=person_label(person), rows=section_rows(SECTIONS["person"], person, {}, record))


@app.post("/agent/familles/<family_id>/personnes/<person_id:int>/retirer")
def remove_person(family_id: str, person_id: int):
    agent = require_agent()
    _, record = _family(family_id)
    person = find_target(record, SECTIONS["person"], person_id)
    if person is None:
        abort(404)
    try:
        edit_record_directly(portal().families, family_id, "person", {}, agent=agent, target_id=person_id,
                             action="remove", target_label=person_label(person))
        flash(f"{person_label(person)} ne fait plus partie des personnes autorisées.")
    except RequestRefused as refused:
        flash(str(refused), "warning")
    redirect(f"/agent/familles/{family_id}")


@app.post("/agent/familles/<family_id>/<change:re:desactiver|reactiver>")
def set_active(family_id: str, change: str):
    require_agent()
    _family(family_id)
    active = change == "reactiver"
    set_family_active(portal().families, family_id, active)
    if not active:
        portal().sessions.end_all("family", family_id)
    flash("Compte réactivé : la famille peut de nouveau se connecter." if active
          else "Compte désactivé : la famille ne peut plus se connecter ; ses données sont conservées.")
    redirect(f"/agent/familles/{family_id}")


@app.post("/agent/familles/<family_id>/mot-de-passe")
def reset_password(family_id: str):
    """The old password stops working and the family's sessions end; a link to choose a new one goes to the account
    holder's e-mail address, or (no address, or acces=papier) a temporary password is shown once for the letter."""
    require_agent()
    _family(family_id)
    access = reset_access(portal().families, family_id, AGENT_RESET, paper=request.forms.get("acces") == "papier")
    portal().sessions.end_all("family", family_id)
    hand_over_access(access, AGENT_RESET, reset=True)


@app.get("/agent/familles/<family_id>/export.json")
def export(family_id: str):
    require_agent()
    _family(family_id)
    body = json.dumps(family_export(portal().families, family_id), ensure_ascii=False, indent=2)
    return HTTPResponse(body, **{"Content-Type": "application/json; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="famille-{family_id}.json"'})


@app.route("/agent/familles/nouvelle", method=["GET", "POST"])
def new_family():
    require_agent()
    values, errors = {}, {}
    if request.method == "POST":
        values = posted_form()
        clean, errors = clean_preregistration(values)
        if not errors:
            hand_over_access(create_family_account(portal().families, portal().numbers, clean), ACCOUNT_OPENED)
    return render("agent/family_new.tpl", title="Nouvelle famille", groups=form_groups(),
                  values=values, errors=errors, refusal=None)

