"""The agent's own account: changing the agent's password."""
from __future__ import annotations

from bottle import Bottle, request

from routes.family_account import check_new_password
from routes.web import SESSION_COOKIE, flash, form_text, portal, redirect, render, require_agent
from storage.passwords import AGENT_PASSWORD_RULE, agent_password_errors, hash_password, verify_password

app = Bottle()


@app.get("/agent/mon-compte")
def account_page():
    require_agent()
    return render("agent/account_password.tpl", title="Mon compte agent", rule=AGENT_PASSWORD_RULE, errors={})


@app.post("/agent/mon-compte")
def change_password():
    login = require_agent()
    agent = portal().agents.get(login) or {}
    new = form_text("nouveau", 200)
    errors = check_new_password(verify_password(form_text("actuel", 200), agent.get("password_hash", "")),
                                new, form_text("confirmation", 200), agent_password_errors(new))
    if errors:
        return render("agent/account_password.tpl", title="Mon compte agent", rule=AGENT_PASSWORD_RULE, errors=errors)
    portal().agents.set_password_hash(login, hash_password(new))
    portal().sessions.end_all("agent", login, keep_token=request.get_cookie(SESSION_COOKIE))
    flash("Votre mot de passe a été changé. Vos autres sessions ont été fermées.")
    redirect("/agent/mon-compte")
