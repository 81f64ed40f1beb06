"""The agent's Courriels: every mail of the outbox (list, read one, send a failed one again), and the SMTP block of
Paramètres with its test-mail button, the one mail sent in a request thread since the agent waits for the answer."""
from __future__ import annotations

import re
from urllib.parse import urlencode

from bottle import Bottle, request

from routes.web import flash, form_text, found, portal, posted_form, redirect, render, require_agent
from storage import clock
from storage.accounts.password_links import hide_link_secrets
from storage.mail.addresses import EMAIL_ERROR, valid_email
from storage.mail.config import (ENVIRONMENT, FORM_NAMES, MAIL_FIELDS, SECURITY_MODES, SmtpConfig,
                                 clean_mail_settings, smtp_config)
from storage.mail.message import build_message, test_mail
from storage.mail.notices import kind_label
from storage.mail.outbox import MAIL_ID, local_iso
from storage.mail.smtp import send_at_once
from views.formats import date_fr

app = Bottle()
PAGE_SIZE = 50
TEST_MAIL_TIMEOUT_SECONDS = 10.0
MAIL_ID_RULE = MAIL_ID.pattern.strip("^$")
STATUS_FILTERS = {"": ("Tous", None), "en-attente": ("En attente", "pending"), "envoye": ("Envoyés", "sent"),
                  "echec": ("En échec", "failed")}
ATTEMPT_RESULTS = {"accepted": "accepté", "temporary": "refus temporaire, nouvel essai prévu",
                   "permanent": "refus définitif", "abandoned": "abandon après 3 jours d'essais"}


def smtp_now() -> SmtpConfig:
    return smtp_config(portal().settings["mail"])


def status_of(mail: dict, config: SmtpConfig) -> tuple[str, str]:
    """(the French status of a mail, its CSS class) as the agent reads it."""
    if mail["status"] == "sent":
        return "Envoyé", "status-validated"
    if mail["status"] == "failed":
        return "Échec", "status-unpaid"
    if not config.ready:
        return f"En attente — non envoyé ({config.problem})", "status-pending"
    if mail["attempts"]:
        return f"En attente — nouvel essai le {date_fr(local_iso(mail['next_attempt_ts']))}", "status-pending"
    return "En attente d'envoi", "status-pending"


def mail_row(mail: dict, config: SmtpConfig) -> dict:
    """What the list and the detail page show of one mail."""
    label, css = status_of(mail, config)
    return {"id": mail["id"], "created_at": mail["created_at"], "family_id": mail.get("family_id") or "",
            "to": mail["to"], "subject": mail["subject"], "status": label, "status_class": css,
            "attempts": len(mail["attempts"]), "kind": kind_label(mail["kind"]),
            "failed": mail["status"] == "failed", "last_error": mail.get("last_error") or ""}


@app.get("/agent/courriels")
def mails_page():
    require_agent()
    family_id = (request.query.getunicode("famille") or "").strip()
    chosen = request.query.getunicode("statut") or ""
    chosen = chosen if chosen in STATUS_FILTERS else ""
    page_text = request.query.getunicode("page") or "1"
    page = int(page_text) if re.fullmatch(r"[0-9]{1,6}", page_text) and int(page_text) > 0 else 1
    family_error = "" if not family_id or re.fullmatch(r"[0-9]{1,12}", family_id) else \
        "Le numéro de famille est fait de chiffres (par exemple 770400070)."
    outbox, config = portal().outbox, smtp_now()
    mails, total = outbox.page(family_id=None if family_error else family_id or None,
                               status=STATUS_FILTERS[chosen][1], offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    query = {key: value for key, value in (("famille", family_id if not family_error else ""), ("statut", chosen))
             if value}
    pages = max(1, -(-total // PAGE_SIZE))

    def page_url(number: int) -> str | None:
        return f"/agent/courriels?{urlencode(dict(query, page=number))}" if 1 <= number <= pages else None
    return render("agent/mails.tpl", title="Courriels", rows=[mail_row(mail, config) for mail in mails],
                  total=total, page=page, pages=pages, previous_url=page_url(page - 1), next_url=page_url(page + 1),
                  family_id=family_id, family_error=family_error, chosen=chosen, filters=STATUS_FILTERS,
                  counts=outbox.counts(), smtp_problem=config.problem)


@app.get(f"/agent/courriels/<mail_id:re:{MAIL_ID_RULE}>")
def mail_page(mail_id: str):
    require_agent()
    mail, config = found(portal().outbox.get(mail_id)), smtp_now()
    mail = dict(mail, text=hide_link_secrets(mail["text"]), html=mail.get("html") and hide_link_secrets(mail["html"]))
    sender = f"{mail.get('from_name') or ''} <{config.mail_from or 'adresse d’expédition non configurée'}>".strip()
    headers = [("De", sender), ("À", mail["to"]), ("Répondre à", mail.get("reply_to") or "—"),
               ("Objet", mail["subject"]), ("Date", mail["created_at"]), ("Auto-Submitted", "auto-generated")]
    attempts = [dict(attempt, result=ATTEMPT_RESULTS.get(attempt["result"], attempt["result"]))
                for attempt in mail["attempts"]]
    return render("agent/mail.tpl", title=f"Courriel : {mail['subject']}", mail=mail, row=mail_row(mail, config),
                  headers=headers, attempts=attempts)


@app.post(f"/agent/courriels/<mail_id:re:{MAIL_ID_RULE}>/renvoyer")
def retry_mail(mail_id: str):
    require_agent()
    outbox = portal().outbox
    found(outbox.get(mail_id))
    if outbox.retry(mail_id):
        portal().mail_sender.wake()
        flash("Le courriel est de nouveau en attente : il part dès que le serveur SMTP l'accepte.")
    else:
        flash("Ce courriel n'est pas en échec : il n'y a rien à renvoyer.", "error")
    redirect(f"/agent/courriels/{mail_id}")


# --- the SMTP block of Paramètres -----------------------------------------------------------------

def posted_mail_settings() -> tuple[dict, dict]:
    """(the mail settings to store, errors by field) from the posted Paramètres form."""
    return clean_mail_settings(posted_form(), portal().settings["mail"], set(portal().mail_environment))


def mail_settings_view(typed: dict | None = None) -> dict:
    """What the Paramètres page shows of the SMTP settings: the stored (or just typed) values, whether a password is
    stored (never the password), the values the environment fixes, and whether mails can leave."""
    values = {**portal().settings["mail"], **(typed or {})}
    password_set = bool(portal().settings["mail"].get("password"))
    values.pop("password", None)
    problem = smtp_now().problem
    state = f"les courriels ne partent pas ({problem.rstrip('.')})." if problem else "prêt, les courriels partent."
    return {"mail": values, "mail_password_set": password_set, "mail_fields": MAIL_FIELDS, "mail_names": FORM_NAMES,
            "mail_locked": {key: ENVIRONMENT[key] for key in portal().mail_environment},
            "security_modes": SECURITY_MODES, "mail_state": state}


@app.post("/agent/parametres/courriel-essai")
def send_test_mail():
    require_agent()
    to = form_text("adresse", 300)
    config = smtp_now()
    if not valid_email(to):
        flash(f"Courriel d'essai : {EMAIL_ERROR}", "error")
    elif not config.ready:
        flash(f"Courriel d'essai non envoyé : {config.problem}.", "error")
    else:
        try:
            message = build_message(test_mail(to, portal().settings["commune"], clock.timestamp()), config)
        except ValueError as error:  # a line break in the commune's name: no header may be added
            flash(f"Courriel d'essai impossible à composer : {error}", "error")
        else:
            outcome = send_at_once(config, message, to, TEST_MAIL_TIMEOUT_SECONDS)
            if outcome.accepted:
                flash(f"Courriel d'essai accepté par le serveur SMTP {config.host}:{config.port}. "
                      f"Réponse du serveur : {outcome.answer}")
            else:
                flash(f"Échec du courriel d'essai : {outcome.answer}", "error")
    redirect("/agent/parametres#courriel-essai")
