"""Mot de passe oublié (public): a family asks for a link by its identifiant or its e-mail address; and the page of the
links mailed to families (account opened, reset by the town hall, forgotten), where the family chooses its password.

The request's answer is the same page whatever was typed, and takes at least MIN_ANSWER_SECONDS, so that neither its
words nor its timing say whether an account or an address exists."""
from __future__ import annotations

import logging
import time

from bottle import Bottle, request, response

from routes.account_mail import queue_password_link
from routes.web import client_address, form_text, portal, redirect, render
from storage.accounts.access import holder_email
from storage.accounts.password_links import ACCOUNT_OPENED, FORGOTTEN, issue_link, live_link, use_link
from storage.families import account_of, is_family_id, record_of
from storage.mail import MailRefused
from storage.passwords import FAMILY_PASSWORD_RULE, family_password_errors, hash_password
from storage.protection.password_reset import ADDRESS_QUOTA
from storage.protection.refusals import Refusal
from storage.wording import plural
from views.formats import wait_fr

app = Bottle()
log = logging.getLogger("portal")
MIN_ANSWER_SECONDS = 0.3  # above the cost of writing a link and queuing its mail (two fsyncs) on a slow disk
MAX_FAMILIES_PER_ADDRESS = 5  # one address may be the holder's of a few families (separated parents): one mail each
EMPTY = "Saisissez votre identifiant (numéro de famille) ou votre adresse e-mail."


@app.route("/mot-de-passe-oublie", method=["GET", "POST"])
def forgotten_password():
    typed, error = "", None
    if request.method == "POST":
        started = time.perf_counter()
        typed = form_text("identifiant", 254)
        if not typed:
            error = EMPTY
        else:
            refusal = portal().password_reset_limits.reserve(client_address(), typed)
            if refusal is None:
                send_reset_links(typed)
                time.sleep(max(0.0, MIN_ANSWER_SECONDS - (time.perf_counter() - started)))
                redirect("/mot-de-passe-oublie/envoye")
            response.status = 429
            response.set_header("Retry-After", str(refusal.wait_seconds))
            error = refusal_message(refusal)
    return render("public/password_forgotten.tpl", title="Mot de passe oublié", typed=typed, error=error)


def refusal_message(refusal: Refusal) -> str:
    phone = portal().settings["commune"]["phone"]
    where = "depuis votre connexion" if refusal.reason == ADDRESS_QUOTA else "pour ce compte"
    return (f"Plusieurs demandes ont déjà été faites {where} cette heure-ci. Regardez si un courriel est arrivé "
            f"(pensez aux courriers indésirables), ou réessayez dans {wait_fr(refusal.wait_seconds)}, ou contactez "
            f"la mairie au {phone}.")


def send_reset_links(typed: str) -> None:
    """Mail a one-hour link to each active family named by typed (its number, or its holder's e-mail address) that has
    a valid address, within the hourly limit per family; nothing for anything else, and nothing said about it."""
    families = portal().families
    if "@" in typed:
        found = portal().index.families_with_holder_email(typed, MAX_FAMILIES_PER_ADDRESS)
    else:
        found = [typed] if is_family_id(typed) and families.exists(typed) else []
    for family_id in found:
        db = families.read(family_id)
        email = holder_email(record_of(db))
        if not email or not account_of(db).get("active", True):
            continue
        if not portal().password_reset_limits.may_mail(family_id):
            continue
        token, link = issue_link(families, family_id, FORGOTTEN)
        try:
            queue_password_link(family_id, FORGOTTEN, to=email, token=token, expires_at=link["expires_at"])
        except MailRefused as refused:
            log.warning("Mot de passe oublié : courriel de la famille %s refusé par la file d'envoi : %s", family_id,
                        refused)
            continue
        log.info("Mot de passe oublié : lien envoyé à la famille %s (adresse %s)", family_id, client_address())


@app.get("/mot-de-passe-oublie/envoye")
def reset_link_sent():
    return render("public/password_link_sent.tpl", title="Demande envoyée")


@app.route("/mot-de-passe/<token>", method=["GET", "POST"])
def choose_password(token: str):
    """The mailed link: a form to choose the password; the password is stored only by the POST (a mail scanner that
    opens the link uses nothing). Used once, then refused like an expired or unknown link."""
    found = live_link(portal().families, token)
    if found is None:
        return link_refused()
    family_id, errors = found[0], {}
    if request.method == "POST":
        new, confirmation = form_text("nouveau", 200), form_text("confirmation", 200)
        rule_errors = family_password_errors(new)
        if rule_errors:
            errors["new"] = " ".join(rule_errors)
        elif new != confirmation:
            errors["confirmation"] = "Les deux saisies du mot de passe sont différentes."
        if not errors:
            if use_link(portal().families, token, hash_password(new)) is None:  # used by a parallel request
                return link_refused()
            ended = portal().sessions.end_all("family", family_id)
            log.info("Mot de passe choisi par lien : famille %s, %s", family_id,
                     plural(ended, "session fermée", "sessions fermées"))
            redirect(f"/connexion?mot-de-passe=choisi&identifiant={family_id}")
    return render("public/password_choose.tpl", title="Choisir mon mot de passe", family_id=family_id, token=token,
                  errors=errors, rule=FAMILY_PASSWORD_RULE, first=found[1].get("purpose") == ACCOUNT_OPENED)


def link_refused():
    """The French page of a link that no longer works (used, expired, replaced by a newer one, or mistyped)."""
    response.status = 410
    return render("public/password_link_refused.tpl", title="Lien expiré ou déjà utilisé")
