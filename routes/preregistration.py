"""Fiche de pré-inscription: the public form for a new family, its blank PDF, and the agent's decision."""
from __future__ import annotations

from dataclasses import replace

from bottle import Bottle, abort, request

from routes.web import (current_session, flash, found, form_text, pdf_response, portal, portal_address_for_letters,
                        posted_form, redirect, render, require_agent)
from storage.preregistrations import CHILD_IDENTITY, CHILD_ROWS, MESSAGE, clean_preregistration
from storage.sections import PARENT
from views.pdf import account_letter_pdf, blank_form_pdf

app = Bottle()


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


@app.route("/pre-inscription", method=["GET", "POST"])
def preregistration_form():
    values, errors = {}, {}
    if request.method == "POST":
        values = posted_form()
        if values.get("site_web"):  # a robot filled the hidden field: pretend success, store nothing
            redirect("/pre-inscription/envoyee")
        clean, errors = clean_preregistration(values)
        if not errors:
            portal().preregistrations.submit(clean)
            redirect("/pre-inscription/envoyee")
    return render("public/preregistration.tpl", title="Pré-inscription d'une nouvelle famille", groups=form_groups(),
                  message_field=MESSAGE, values=values, errors=errors, refusal=None)


@app.get("/pre-inscription/envoyee")
def preregistration_sent():
    return render("public/preregistration_sent.tpl", title="Pré-inscription envoyée")


@app.get("/pre-inscription/formulaire.pdf")
def blank_form():
    return pdf_response(blank_form_pdf(portal().settings["commune"]), "fiche-pre-inscription.pdf")


# --- agent --------------------------------------------------------------------------------------------

def _preregistration(preregistration_id: int) -> dict:
    return found(portal().preregistrations.get(preregistration_id))


@app.get("/agent/pre-inscriptions/<preregistration_id:int>")
def preregistration_detail(preregistration_id: int):
    require_agent()
    return render("agent/preregistration.tpl", title="Pré-inscription", doc=_preregistration(preregistration_id),
                  parent_fields=PARENT, child_fields=CHILD_IDENTITY)


@app.post("/agent/pre-inscriptions/<preregistration_id:int>/valider")
def preregistration_validate(preregistration_id: int):
    agent = require_agent()
    _preregistration(preregistration_id)
    created = portal().preregistrations.validate(preregistration_id, agent, portal().families, portal().numbers)
    if created is None:
        flash("Cette pré-inscription a déjà été traitée ; rien n'a été modifié.", "warning")
        redirect(f"/agent/pre-inscriptions/{preregistration_id}")
    show_access_codes(*created)


@app.post("/agent/pre-inscriptions/<preregistration_id:int>/annuler")
def preregistration_cancel(preregistration_id: int):
    agent = require_agent()
    _preregistration(preregistration_id)
    if portal().preregistrations.cancel(preregistration_id, agent, form_text("motif", 500)):
        flash("Pré-inscription annulée.")
    else:
        flash("Cette pré-inscription a déjà été traitée ; rien n'a été modifié.", "warning")
    redirect("/agent/demandes")


@app.post("/agent/familles/<family_id>/courrier-acces.pdf")
def account_letter(family_id: str):
    """The letter with the family's codes; the password comes from the page that showed it once."""
    require_agent()
    record = portal().families.record(family_id)
    if record is None:
        abort(404)
    return pdf_response(account_letter_pdf(portal().settings["commune"], record, form_text("mot_de_passe", 40),
                                           portal_address_for_letters()), f"codes-acces-{family_id}.pdf")


def show_access_codes(family_id: str, password: str, *, reset: bool = False) -> None:
    """After creating an account or resetting its password: 303 to the page that shows the codes, once."""
    current_session().show_once(f"codes:{family_id}", {"password": password, "reset": reset})
    redirect(f"/agent/familles/{family_id}/codes-acces")


@app.get("/agent/familles/<family_id>/codes-acces")
def access_codes(family_id: str):
    """The one-time password, shown on the first GET after the POST that made it; a refresh shows it no more."""
    require_agent()
    record = found(portal().families.record(family_id))
    codes = current_session().take_shown_once(f"codes:{family_id}")
    return render("agent/access_codes.tpl", title="Codes d'accès", family_id=family_id, record=record,
                  password=codes and codes["password"], reset=bool(codes and codes["reset"]))
