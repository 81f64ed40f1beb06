"""Family and agent login/logout, with throttling and session cookies."""
from __future__ import annotations

import logging

from bottle import Bottle, request, response

from routes.web import (current_session, end_session, form_text, portal, redirect, render, start_session)
from storage.families import account_of, is_family_id
from storage.passwords import hash_password, verify_password

app = Bottle()
WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect."
_DUMMY_HASH = hash_password("comparaison0")  # checked when the account does not exist: same timing
log = logging.getLogger("portal.auth")


def log_wrong_credentials(area: str, account: str | None) -> None:
    """One line in data/logs/portal.log per refused login: which account, from where; never the password. An
    identifiant that names no account is not written: people type their password in that field too."""
    log.warning("Connexion %s refusée : compte %s, adresse %s", area, account or "(identifiant inconnu)",
                request.environ.get("REMOTE_ADDR", "?"))


@app.get("/")
def root():
    session = current_session()
    if session is not None:
        redirect("/agent" if session.kind == "agent" else "/accueil")
    redirect("/connexion")


@app.get("/connexion")
def family_login_form():
    session = current_session()
    if session is not None and session.kind == "family":
        redirect("/accueil")
    return render("auth/login.tpl", title="Connexion", area="family", identifiant="", error=None)


@app.post("/connexion")
def family_login():
    identifiant = form_text("identifiant", 40)
    password = form_text("mot_de_passe", 200)
    error = _check_family(identifiant, password)
    if error:
        response.status = 429 if "essais" in error else 200
        return render("auth/login.tpl", title="Connexion", area="family", identifiant=identifiant, error=error)
    start_session("family", identifiant)
    redirect("/accueil")


def _check_family(identifiant: str, password: str) -> str | None:
    """None when the family may log in, else the French reason."""
    throttle = portal().throttle
    if not identifiant or not password:
        return "Saisissez votre identifiant et votre mot de passe."
    refusal = throttle.refusal(identifiant)
    if refusal:
        return refusal
    db = portal().families.read(identifiant) if is_family_id(identifiant) else None
    account = account_of(db) if db is not None else {}
    if not verify_password(password, account.get("password_hash") or _DUMMY_HASH) or not account:
        throttle.failed(identifiant)
        log_wrong_credentials("famille", identifiant if account else None)
        return WRONG_CREDENTIALS
    throttle.succeeded(identifiant)
    if not account.get("active", True):
        return "Ce compte est désactivé. Contactez la mairie pour le réactiver."
    return None


@app.post("/deconnexion")
def family_logout():
    end_session()
    redirect("/connexion?deconnecte=1")


@app.get("/agent/connexion")
def agent_login_form():
    session = current_session()
    if session is not None and session.kind == "agent":
        redirect("/agent")
    return render("auth/login.tpl", title="Connexion agent", area="agent", identifiant="", error=None)


@app.post("/agent/connexion")
def agent_login():
    login = form_text("identifiant", 60)
    password = form_text("mot_de_passe", 200)
    throttle = portal().throttle
    error = None
    if not login or not password:
        error = "Saisissez votre identifiant et votre mot de passe."
    else:
        error = throttle.refusal("agent:" + login)
        if error is None:
            agent = portal().agents.get(login) or {}
            if verify_password(password, agent.get("password_hash") or _DUMMY_HASH) and agent:
                throttle.succeeded("agent:" + login)
            else:
                throttle.failed("agent:" + login)
                log_wrong_credentials("agent", login if agent else None)
                error = WRONG_CREDENTIALS
    if error:
        response.status = 429 if "essais" in error else 200
        return render("auth/login.tpl", title="Connexion agent", area="agent", identifiant=login, error=error)
    start_session("agent", login)
    redirect("/agent")


@app.post("/agent/deconnexion")
def agent_logout():
    end_session()
    redirect("/agent/connexion?deconnecte=1")
