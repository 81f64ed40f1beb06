"""Fiche de pré-inscription: the public form for a new family, its blank PDF, and the agent's decision."""
from __future__ import annotations

import logging
from dataclasses import replace

from bottle import Bottle, abort, request, response

from routes.account_mail import hand_over_access
from routes.pieces import WITH_DOCUMENTS, posted_pieces, required_missing
from routes.host import portal_address_for_letters
from routes.responses import pdf_response
from routes.web import (client_address, current_session, flash, found, form_text, page_of, portal, posted_form,
                        redirect, render, require_agent)
from storage.accounts.access import holder_email
from storage.accounts.mails import masked_email
from storage.accounts.password_links import ACCOUNT_OPENED
from storage.pieces.checks import PieceRefused
from storage.pieces.kinds import PREREGISTRATION, document_fields
from storage.preregistrations import CHILD_IDENTITY, CHILD_ROWS, MESSAGE, clean_preregistration
from storage.protection.refusals import Refusal
from storage.protection.submissions import ADDRESS_QUOTA, FORM_EXPIRED, FORM_TOO_FAST, TOTAL_QUOTA
from storage.sections import PARENT
from views.formats import plural, wait_fr
from views.pdf import account_letter_pdf, blank_form_pdf

app = Bottle()
log = logging.getLogger("portal")
STAMP_FIELD = "horodatage"  # hidden: when the form was shown, signed
PREREGISTRATIONS_PER_PAGE = 50
MAX_SELECTED = 500


def prefixed(fields, prefix: str) -> tuple:
    """The same fields with form names prefixed (p1_, p2_, c0_…), so one page holds several people."""
    return tuple(replace(f, name=prefix + f.name) for f in fields)


def form_groups():
    groups = [("Responsable", prefixed(PARENT, "p1_")),
              ("Conjoint (facultatif)", tuple(replace(f, required=False) for f in prefixed(PARENT, "p2_")))]
    groups += [(f"Enfant {i + 1}" + (" (facultatif)" if i else ""),
                tuple(replace(f, required=f.required and not i) for f in prefixed(CHILD_IDENTITY, f"c{i}_")))
               for i in range(CHILD_ROWS)]
    return groups


@app.route("/pre-inscription", method=["GET", "POST"], **WITH_DOCUMENTS)
def preregistration_form():
    guard = portal().preregistration_guard
    piece_fields = document_fields(portal().settings.values, PREREGISTRATION)
    values, errors, refusal, pieces_sent = {}, {}, None, False
    if request.method == "POST":
        values = posted_form()
        if values.get("site_web"):  # a robot filled the hidden field: pretend success, store nothing
            redirect("/pre-inscription/envoyee")
        clean, errors = clean_preregistration(values)
        pieces, piece_errors, pieces_sent = posted_pieces(piece_fields)
        errors.update(piece_errors)
        errors.update(required_missing(piece_fields, pieces, errors))
        if not errors:
            refusal = guard.fill_refusal(values.get(STAMP_FIELD, "")) or guard.reserve(client_address())
            if refusal is None:
                try:
                    portal().preregistrations.submit(clean, pieces, piece_fields[0].name if piece_fields else "")
                except PieceRefused as refused:
                    errors[refused.field] = str(refused)
                else:
                    redirect("/pre-inscription/envoyee")
            elif refusal.reason in (ADDRESS_QUOTA, TOTAL_QUOTA):
                response.status = 429
                response.set_header("Retry-After", str(refusal.wait_seconds))
    return render("public/preregistration.tpl", title="Pré-inscription d'une nouvelle famille", groups=form_groups(),
                  message_field=MESSAGE, values=values, errors=errors,
                  refusal=preregistration_refusal_message(refusal) if refusal else None,
                  stamp=guard.form_stamp(values.get(STAMP_FIELD, "")), piece_fields=piece_fields,
                  pieces_again=pieces_sent)


def preregistration_refusal_message(refusal: Refusal) -> str:
    nothing_saved = "Rien n'a été enregistré"
    if refusal.reason == FORM_TOO_FAST:
        return (f"{nothing_saved} : le formulaire a été envoyé très vite après son affichage. Vérifiez vos "
                "informations (elles sont conservées ci-dessous) puis cliquez à nouveau sur "
                "« Envoyer la pré-inscription ».")
    if refusal.reason == FORM_EXPIRED:
        return (f"{nothing_saved} : ce formulaire a expiré. Vérifiez vos informations (elles sont conservées "
                "ci-dessous), patientez quelques secondes puis cliquez à nouveau sur « Envoyer la pré-inscription ».")
    phone = portal().settings["commune"]["phone"]
    if refusal.reason == ADDRESS_QUOTA:
        return (f"{nothing_saved} : plusieurs pré-inscriptions ont déjà été envoyées depuis votre connexion cette "
                f"heure-ci. Réessayez dans {wait_fr(refusal.wait_seconds)} ou contactez la mairie au {phone}.")
    return (f"{nothing_saved} : le portail reçoit beaucoup de pré-inscriptions en ce moment. Réessayez dans "
            f"{wait_fr(refusal.wait_seconds)} ou contactez la mairie au {phone}.")


@app.get("/pre-inscription/envoyee")
def preregistration_sent():
    return render("public/preregistration_sent.tpl", title="Pré-inscription envoyée")


@app.get("/pre-inscription/formulaire.pdf")
def blank_form():
    return pdf_response(blank_form_pdf(portal().settings["commune"]), "fiche-pre-inscription.pdf")


# --- agent --------------------------------------------------------------------------------------------

def _preregistration(preregistration_id: int) -> dict:
    return found(portal().preregistrations.get(preregistration_id))


@app.get("/agent/pre-inscriptions")
def preregistration_list():
    require_agent()
    pending = portal().preregistrations.pending()
    shown, page, pages = page_of(pending, PREREGISTRATIONS_PER_PAGE)
    return render("agent/preregistrations.tpl", title="Pré-inscriptions", preregistrations=shown, total=len(pending),
                  page=page, pages=pages, deletions=portal().preregistrations.recent_deletions())


@app.post("/agent/pre-inscriptions/supprimer")
def preregistration_delete():
    """Delete junk pre-registrations: the ticked ones (or the whole page), after a confirmation page."""
    agent = require_agent()
    field = "sur_la_page" if request.forms.get("portee") == "page" else "selection"
    wanted = {int(v) for v in request.forms.getall(field)[:MAX_SELECTED] if v.isdigit() and len(v) < 10}
    chosen = [doc for doc in portal().preregistrations.pending() if doc.doc_id in wanted and not doc.get("family_id")]
    if not chosen:
        flash("Cochez au moins une pré-inscription en attente à supprimer.", "warning")
        redirect("/agent/pre-inscriptions")
    if form_text("confirmer") != "1":
        return render("agent/preregistrations_delete.tpl", title="Supprimer des pré-inscriptions", chosen=chosen)
    deleted = portal().preregistrations.delete_pending([doc.doc_id for doc in chosen], agent)
    log.info("Pré-inscriptions supprimées par %s : %d (n° %s)", agent, len(deleted), ", ".join(map(str, deleted)))
    flash(f"{plural(len(deleted), 'pré-inscription supprimée', 'pré-inscriptions supprimées')}.")
    redirect("/agent/pre-inscriptions")


@app.get("/agent/pre-inscriptions/<preregistration_id:int>")
def preregistration_detail(preregistration_id: int):
    require_agent()
    return render("agent/preregistration.tpl", title="Pré-inscription", doc=_preregistration(preregistration_id),
                  parent_fields=PARENT, child_fields=CHILD_IDENTITY)


@app.post("/agent/pre-inscriptions/<preregistration_id:int>/valider")
def preregistration_validate(preregistration_id: int):
    agent = require_agent()
    _preregistration(preregistration_id)
    access = portal().preregistrations.validate(preregistration_id, agent, portal().families, portal().numbers)
    if access is None:
        flash("Cette pré-inscription a déjà été traitée ; rien n'a été modifié.", "warning")
        redirect(f"/agent/pre-inscriptions/{preregistration_id}")
    hand_over_access(access, ACCOUNT_OPENED)


@app.post("/agent/pre-inscriptions/<preregistration_id:int>/annuler")
def preregistration_cancel(preregistration_id: int):
    agent = require_agent()
    _preregistration(preregistration_id)
    if portal().preregistrations.cancel(preregistration_id, agent, form_text("motif", 500)):
        flash("Pré-inscription annulée.")
    else:
        flash("Cette pré-inscription a déjà été traitée ; rien n'a été modifié.", "warning")
    redirect("/agent/pre-inscriptions")


@app.post("/agent/familles/<family_id>/courrier-acces.pdf")
def account_letter(family_id: str):
    """The letter with the family's codes: the temporary password comes from the page that showed it once; without
    one, the letter gives the identifiant and sends the family to the mailed link (or to the town hall)."""
    require_agent()
    record = portal().families.record(family_id)
    if record is None:
        abort(404)
    return pdf_response(account_letter_pdf(portal().settings["commune"], record, form_text("mot_de_passe", 40),
                                           portal_address_for_letters(), masked_email(holder_email(record))),
                        f"codes-acces-{family_id}.pdf")


@app.get("/agent/familles/<family_id>/codes-acces")
def access_codes(family_id: str):
    """How the family gets in, on the first GET after the POST that opened or reset the account: the one-time
    password, or the address the link was mailed to; a refresh shows the password no more."""
    require_agent()
    record = found(portal().families.record(family_id))
    codes = current_session().take_shown_once(f"codes:{family_id}") or {}
    return render("agent/access_codes.tpl", title="Codes d'accès", family_id=family_id, record=record,
                  password=codes.get("password", ""), mailed_to=codes.get("mailed_to", ""),
                  reset=bool(codes.get("reset")))
