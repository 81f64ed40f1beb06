"""Family and agent login/logout, with throttling (storage/protection/throttle.py), known-device cookies and session
cookies."""
from __future__ import annotations

import logging
from typing import Callable

from bottle import Bottle, request, response

from routes.web import (client_address, current_session, end_session, form_text, from_local_machine, portal, redirect,
                        render, start_session)
from storage.families import account_of, is_family_id
from storage.passwords import hash_password, verify_password
from storage.protection.refusals import Refusal
from storage.protection.throttle import ACCOUNT_LOCKED, ADDRESS_BUSY, ADDRESS_PAUSED, KNOWN_SECONDS, Attempt
from views.formats import wait_fr

app = Bottle()
WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect."
EMPTY_FORM = "Saisissez votre identifiant et votre mot de passe."
ACCOUNT_DISABLED = "Ce compte est désactivé. Contactez la mairie pour le réactiver."
_DUMMY_HASH = hash_password("comparaison0")  # checked when the account does not exist: same timing
log = logging.getLogger("portal.auth")
LOGIN_PAGES = {"family": ("/connexion", "Connexion", "/accueil"), "agent": ("/agent/connexion", "Connexion agent", "/agent")}
# A browser that logged in to an account keeps a signed cookie naming it, sent only to that area's login form.
DEVICE_COOKIES = {"family": "pf_appareil", "agent": "pf_appareil_agent"}
DEVICE_PURPOSE = "known-device"


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
    asked = request.query.get("identifiant", "")  # after choosing a password by a mailed link
    return login_page("family", asked if is_family_id(asked) else "")


@app.post("/connexion")
def family_login():
    identifiant = form_text("identifiant", 40)
    return log_in("family", identifiant, form_text("mot_de_passe", 200), family_password_check)


def family_password_check(identifiant: str, password: str) -> tuple[bool, str | None]:
    """(password right, French reason it may still not log in)."""
    db = portal().families.read(identifiant) if is_family_id(identifiant) else None
    account = account_of(db) if db is not None else {}
    if not verify_password(password, account.get("password_hash") or _DUMMY_HASH) or not account:
        return False, None
    return True, None if account.get("active", True) else ACCOUNT_DISABLED


@app.post("/deconnexion")
def family_logout():
    end_session()
    redirect("/connexion?deconnecte=1")


@app.get("/agent/connexion")
def agent_login_form():
    session = current_session()
    if session is not None and session.kind == "agent":
        redirect("/agent")
    return login_page("agent", "")


@app.post("/agent/connexion")
def agent_login():
    return log_in("agent", form_text("identifiant", 60), form_text("mot_de_passe", 200), agent_password_check)


def agent_password_check(login: str, password: str) -> tuple[bool, str | None]:
    agent = portal().agents.get(login) or {}
    return bool(verify_password(password, agent.get("password_hash") or _DUMMY_HASH) and agent), None


@app.post("/agent/deconnexion")
def agent_logout():
    end_session()
    redirect("/agent/connexion?deconnecte=1")


# --- one login path for both areas ----------------------------------------------------------------------------------

def log_in(area: str, identifiant: str, password: str, check: Callable[[str, str], tuple[bool, str | None]]):
    """Throttle, check the password, then open the session (303) or show the form again with the reason."""
    if not identifiant or not password:
        return login_page(area, identifiant, EMPTY_FORM)
    account = account_key(area, identifiant)
    throttle = portal().throttle
    attempt = throttle.attempt(account, client_address(), known_client=from_local_machine() or known_device(area, account))
    if isinstance(attempt, Refusal):
        return refused(area, identifiant, attempt)
    try:
        right, reason = check(identifiant, password)
    except BaseException:
        throttle.failed(attempt)  # a check that broke counts as a failure, never as an attempt still in flight
        raise
    if not right:
        throttle.failed(attempt)
        log_wrong_credentials(area, identifiant)
        return login_page(area, identifiant, WRONG_CREDENTIALS)
    throttle.succeeded(attempt)
    if reason:
        return login_page(area, identifiant, reason)
    remember_device(area, attempt)
    start_session(area, identifiant)
    redirect(LOGIN_PAGES[area][2])


def log_wrong_credentials(area: str, identifiant: str) -> None:
    """One line in data/logs/portal.log per refused login: which account, from where; never the password. An
    identifiant that names no account is not written: people type their password in that field too."""
    exists = (portal().agents.get(identifiant) is not None if area == "agent"
              else is_family_id(identifiant) and portal().families.exists(identifiant))
    log.warning("Connexion %s refusée : compte %s, adresse %s", "agent" if area == "agent" else "famille",
                identifiant if exists else "(identifiant inconnu)", client_address())


def account_key(area: str, identifiant: str) -> str:
    return ("agent:" if area == "agent" else "famille:") + identifiant.lower()


def login_page(area: str, identifiant: str, error: str | None = None):
    return render("auth/login.tpl", title=LOGIN_PAGES[area][1], area=area, identifiant=identifiant, error=error)


def refused(area: str, identifiant: str, refusal: Refusal):
    """429 with Retry-After and the French reason."""
    response.status = 429
    response.set_header("Retry-After", str(refusal.wait_seconds))
    return login_page(area, identifiant, refusal_message(refusal))


def refusal_message(refusal: Refusal) -> str:
    if refusal.reason == ACCOUNT_LOCKED:
        return (f"Trop d'essais infructueux : ce compte est bloqué pendant {wait_fr(refusal.wait_seconds)} pour les "
                "connexions depuis un appareil inconnu. Réessayez plus tard, connectez-vous depuis l'appareil que vous "
                "utilisez d'habitude, ou contactez la mairie.")
    if refusal.reason == ADDRESS_BUSY:
        return "Trop de connexions en cours depuis votre adresse. Patientez une seconde puis réessayez."
    if refusal.reason == ADDRESS_PAUSED:
        return (f"Trop d'essais infructueux depuis votre connexion. Patientez {wait_fr(refusal.wait_seconds)} "
                "avant de réessayer.")
    return f"Trop d'essais infructueux. Patientez {wait_fr(refusal.wait_seconds)} avant de réessayer."


# --- known devices --------------------------------------------------------------------------------------------------

def known_device(area: str, account: str) -> bool:
    """True when this browser holds a valid known-device cookie for this account (it logged in to it lately)."""
    value = portal().signer.unsign(DEVICE_PURPOSE, request.get_cookie(DEVICE_COOKIES[area]))
    if value is None or "|" not in value:
        return False
    named, _, issued = value.rpartition("|")
    try:
        age = portal().clock() - float(issued)
    except ValueError:
        return False
    return named == account and 0 <= age < KNOWN_SECONDS


def remember_device(area: str, attempt: Attempt) -> None:
    """After a successful login: the signed cookie that lets this browser in while the account is locked to others."""
    token = portal().signer.sign(DEVICE_PURPOSE, f"{attempt.account}|{attempt.at:.0f}")
    response.set_cookie(DEVICE_COOKIES[area], token, path=LOGIN_PAGES[area][0], max_age=KNOWN_SECONDS, httponly=True,
                        samesite="lax", secure=bool(portal().settings["secure_cookies"]))
