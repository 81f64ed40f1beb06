"""Paiement en ligne (optional module "payment"): the family pays what it owes by card through the bank's page
(Paybox System), the bank's notification records the payment, the return pages only display. With the
"simulator" setting, a built-in page stands in for the bank so the whole flow runs on a laptop."""
from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlsplit

from bottle import Bottle, HTTPResponse, abort, request, response

from routes.host import public_url
from routes.web import (allow_form_action, current_session, flash, module_enabled, portal, redirect, render,
                        require_family, require_module)
from storage.ledger import balance_cents
from storage.payment.online import (FAILED, PAID, PENDING, Outcome, family_of_reference, find_attempt,
                                     record_notification, start_attempt)
from storage.payment.gateway import PaymentRequest
from storage.payment.paybox import (RESULT_MESSAGES, SIMULATOR_DECISIONS, SIMULATOR_PATH, PayboxGateway,
                            check_simulated_request, ensure_simulator_key, result_message, simulated_result)

app = Bottle()
MODULE = "payment"
BASE = "/paiement-en-ligne"
NOTIFY_PATH = f"{BASE}/notification"
RETURN_PATH = f"{BASE}/retour/"  # + effectue | refuse | annule | attente
REFERENCE = r"[0-9]{1,12}-[0-9]{14}-[0-9a-f]{8}"
log = logging.getLogger("portal.payment")


def gateway() -> PayboxGateway:
    """The card gateway configured in the settings."""
    return PayboxGateway(portal().settings["paybox"], portal().documents.root)


def payer_email(record: dict) -> str:
    """PBX_PORTEUR: the account holder's email, else the other parent's, else the town hall's (the bank needs one)."""
    for parent in (record.get("parent1") or {}, record.get("parent2") or {}):
        if "@" in (parent.get("email") or ""):
            return parent["email"].strip()
    return portal().settings["commune"]["email"]


def form_origin(action: str) -> str | None:
    """'https://tpeweb.paybox.com' for an absolute bank URL (a CSP source), None for one of ours."""
    parts = urlsplit(action)
    if parts.scheme in ("https", "http") and re.fullmatch(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?", parts.netloc or ""):
        return f"{parts.scheme}://{parts.netloc}"
    return None


# --- the family starts a payment ------------------------------------------------------------------------------

@app.post(BASE)
def start_payment():
    require_module(MODULE)
    family_id = require_family()
    problems = gateway().configuration_problems()
    if problems:
        log.error("Paiement en ligne indisponible, réglages incomplets : %s", "; ".join(problems))
        flash("Le paiement en ligne est momentanément indisponible. Vous pouvez régler auprès de la mairie.", "error")
        redirect("/accueil")
    record = portal().families.record(family_id) or {}
    attempt = start_attempt(portal().families, family_id, payer_email(record))
    if attempt is None:
        flash("Vous n'avez rien à payer pour le moment.", "info")
        redirect("/accueil")
    redirect(f"{BASE}/{attempt['reference']}")


@app.get(f"{BASE}/<reference>")
def payment_page(reference: str):
    """The page that sends the browser to the bank: an auto-submitted form, with a button when JavaScript is off."""
    require_module(MODULE)
    family_id = require_family()
    if not re.fullmatch(REFERENCE, reference):
        abort(404)
    ledger = portal().families.read_ledger(family_id)
    attempt = find_attempt(ledger, reference)
    if attempt is None:
        abort(404)
    if attempt["status"] == PAID:
        flash("Ce paiement est déjà enregistré.", "info")
        redirect("/releve")
    if attempt["status"] != PENDING or balance_cents(ledger) != attempt["amount_cents"]:
        flash("Ce paiement n'est plus valable (le montant dû a changé ou la tentative est terminée). "
              "Vous pouvez recommencer.", "info")
        redirect("/accueil")
    form = gateway().payment_form(PaymentRequest(  # the bank calls back the public URL, never the Host header's
        reference=reference, amount_cents=attempt["amount_cents"], email=attempt["email"],
        accepted_url=public_url(f"{RETURN_PATH}effectue"), refused_url=public_url(f"{RETURN_PATH}refuse"),
        cancelled_url=public_url(f"{RETURN_PATH}annule"), waiting_url=public_url(f"{RETURN_PATH}attente"),
        notify_url=public_url(NOTIFY_PATH)))
    origin = form_origin(form.action)
    if origin:
        allow_form_action(origin)
    return render("payment/redirect.tpl", title="Paiement en ligne", attempt=attempt, form=form,
                  simulator=gateway().simulator)


# --- the bank's notification (IPN): the only thing that records a payment ----------------------------------

def handle_notification(raw_message: str) -> Outcome:
    """Our IPN handler: verify the bank's message and record the payment once. Also called in-process by the
    simulator, which has no network to call us through. A payment just recorded gets its receipt mail, queued before
    the bank gets its answer."""
    outcome = record_notification(portal().families, gateway(), raw_message)
    if outcome.status == PAID:
        portal().family_mail.payment_received(family_of_reference(outcome.reference), outcome.reference, public_url)
    return outcome


@app.route(NOTIFY_PATH, method=["GET", "POST"])
def notification():
    """The bank calls this server to server (GET by default, POST with PBX_RUF1): an empty page, never a redirect.
    A rejected message gets a 400, so that the bank warns the commune by email if one of its own was refused."""
    require_module(MODULE)
    raw = request.query_string
    if request.method == "POST":
        raw = request.body.read().decode("utf-8", "replace") or raw
    outcome = handle_notification(raw)
    return HTTPResponse("", status=200 if outcome.accepted else 400, **{"Content-Type": "text/plain; charset=utf-8"})


# --- the browser comes back from the bank: display only ----------------------------------------------------

RETURN_TITLES = {"effectue": "Paiement accepté", "refuse": "Paiement refusé", "annule": "Paiement annulé",
                 "attente": "Paiement en attente"}


@app.route(f"{RETURN_PATH}<outcome:re:effectue|refuse|annule|attente>", method=["GET", "POST"])
def return_page(outcome: str):
    """What the bank says about the payment, and what we recorded; it never records anything itself."""
    require_module(MODULE)
    params = request.forms if request.method == "POST" else request.query
    code = params.get("erreur", "")
    code = code if re.fullmatch(r"[0-9]{5}", code or "") else ""
    reference = params.get("ref", "")
    attempt, balance = None, None
    session = current_session()
    if session is not None and session.kind == "family" and family_of_reference(reference) == session.account_id:
        ledger = portal().families.read_ledger(session.account_id)
        attempt = find_attempt(ledger, reference)
        balance = balance_cents(ledger)
        if attempt is not None and attempt.get("result_code"):
            code = attempt["result_code"]
    if outcome == "annule":
        message = "Vous avez annulé le paiement. Aucun montant n'a été débité."
    elif outcome == "attente":
        message = RESULT_MESSAGES["99999"]
    elif outcome == "effectue":
        message = "La banque a accepté votre paiement."
    else:
        message = result_message(code)
    return render("payment/return.tpl", title=RETURN_TITLES[outcome], outcome=outcome, message=message, code=code,
                  attempt=attempt, balance=balance, paid=attempt is not None and attempt["status"] == PAID,
                  failed=attempt is not None and attempt["status"] == FAILED)


# --- the local bank simulator (settings paybox.simulator) ------------------------------------------------------

def require_simulator() -> None:
    if not (module_enabled(MODULE) and portal().settings["paybox"].get("simulator")):
        abort(404)


def posted_fields() -> list[tuple[str, str]]:
    """The posted form's fields in their order (the HMAC depends on it), decoded as UTF-8."""
    if not (request.content_type or "").startswith("application/x-www-form-urlencoded"):
        abort(400)
    try:
        return parse_qsl(request.body.read().decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        abort(400)


def _refused_by_simulator(problem: str):
    log.warning("Simulateur de paiement : formulaire refusé (%s)", problem)
    response.status = 400
    return render("payment/simulator_error.tpl", problem=problem)


@app.post(SIMULATOR_PATH)
def simulator_page():
    """The simulator's payment page: like the bank, it checks the merchant's ids and PBX_HMAC, then asks."""
    require_simulator()
    fields = posted_fields()
    problem = check_simulated_request(fields, portal().settings["paybox"])
    if problem:
        return _refused_by_simulator(problem)
    return render("payment/simulator.tpl", fields=fields, values=dict(fields),
                  amount_cents=int(dict(fields)["PBX_TOTAL"]))


@app.post(f"{SIMULATOR_PATH}/decision")
def simulator_decision():
    """Accepter / Refuser / Annuler: notify our IPN handler (in-process), then send the browser back like the bank."""
    require_simulator()
    posted = posted_fields()
    decision = dict(posted).get("decision", "")
    fields = [(name, value) for name, value in posted if name.startswith("PBX_")]
    problem = check_simulated_request(fields, portal().settings["paybox"])
    if problem or decision not in SIMULATOR_DECISIONS:
        return _refused_by_simulator(problem or "Choix inconnu.")
    message, return_url = simulated_result(fields, decision, ensure_simulator_key(portal().documents.root))
    handle_notification(message)  # the bank notifies the merchant before the browser comes back
    redirect(f"{return_url}{'&' if '?' in return_url else '?'}{message}")
