"""Mon compte: the family changes its password and downloads all its data (right of access): the whole export as
JSON, and a readable PDF summary of it."""
from __future__ import annotations

import json

from bottle import Bottle, HTTPResponse, request

from routes.family_notices import preferences_view
from routes.responses import pdf_response
from routes.web import SESSION_COOKIE, current_session, flash, form_text, portal, redirect, render, require_family
from storage.export import family_export
from storage.families import account_of, set_family_password
from storage.passwords import FAMILY_PASSWORD_RULE, family_password_errors, hash_password, verify_password
from views.pdf import my_data_pdf

app = Bottle()


def check_new_password(current_ok: bool, new: str, confirmation: str, rule_errors: list[str]) -> dict:
    """Errors by field for a password change form."""
    errors = {}
    if not current_ok:
        errors["current"] = "Le mot de passe actuel est incorrect."
    if rule_errors:
        errors["new"] = " ".join(rule_errors)
    elif new != confirmation:
        errors["confirmation"] = "Les deux saisies du nouveau mot de passe sont différentes."
    return errors


@app.get("/mon-compte")
def account_page():
    family_id = require_family()
    db = portal().families.read(family_id)
    return render("family/account.tpl", title="Mon compte", rule=FAMILY_PASSWORD_RULE, errors={}, account=account_of(db),
                  **preferences_view(db))


@app.post("/mon-compte/mot-de-passe")
def change_password():
    family_id = require_family()
    db = portal().families.read(family_id)
    account = account_of(db)
    new = form_text("nouveau", 200)
    errors = check_new_password(verify_password(form_text("actuel", 200), account.get("password_hash", "")),
                                new, form_text("confirmation", 200), family_password_errors(new))
    if errors:
        return render("family/account.tpl", title="Mon compte", rule=FAMILY_PASSWORD_RULE, errors=errors,
                      account=account, **preferences_view(db))
    set_family_password(portal().families, family_id, hash_password(new))
    portal().sessions.end_all("family", family_id, keep_token=request.get_cookie(SESSION_COOKIE))
    if current_session().must_change_password:
        portal().sessions.password_changed(current_session())
        flash("Votre mot de passe est enregistré. Bienvenue sur le portail famille.")
        redirect("/accueil")
    flash("Votre mot de passe a été changé. Vos autres sessions ouvertes ont été fermées.")
    redirect("/mon-compte")


@app.get("/mon-compte/mes-donnees.json")
def export_my_data():
    family_id = require_family()
    body = json.dumps(family_export(portal().families, family_id), ensure_ascii=False, indent=2)
    return HTTPResponse(body, **{"Content-Type": "application/json; charset=utf-8",
                                 "Content-Disposition": f'attachment; filename="mes-donnees-{family_id}.json"'})


@app.get("/mon-compte/mes-donnees.pdf")
def my_data_summary():
    family_id = require_family()
    export = family_export(portal().families, family_id)
    return pdf_response(my_data_pdf(portal().settings["commune"], export), f"mes-donnees-{family_id}.pdf")
