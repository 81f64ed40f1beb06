"""Paiement en ligne through the web: the pay button, the page that sends the browser to the bank, the local
bank simulator, the bank's notification (IPN) and the return pages, on the demo commune (module on, simulator on)."""
from __future__ import annotations

import hashlib
import hmac
import logging
import re
import threading
from urllib.parse import quote, urlsplit

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, csrf_from, login_agent, login_family
from portal import create_app
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.ledger import balance_cents, payments
from storage.payment.online import find_attempt
from storage.payment.paybox import ensure_simulator_key, rsa_sha1_sign

FAMILY = DEMO_FAMILY[0]
PAYMENT_URLS_GET = ["/paiement-en-ligne/770400070-20261203101500-0a1b2c3d", "/paiement-en-ligne/notification",
                    "/paiement-en-ligne/retour/effectue", "/paiement-en-ligne/retour/refuse",
                    "/paiement-en-ligne/retour/annule", "/paiement-en-ligne/retour/attente"]
PAYMENT_URLS_POST = ["/paiement-en-ligne", "/paiement-en-ligne/notification", "/paiement-en-ligne/simulateur",
                     "/paiement-en-ligne/simulateur/decision", "/paiement-en-ligne/retour/effectue"]


def visible(page) -> str:
    """The page's text as read on screen: tags, entities and non-breaking spaces gone, spaces collapsed."""
    html = page if isinstance(page, str) else page.text
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").replace("\xa0", " ").split())


def balance(app, family_id=FAMILY) -> int:
    return balance_cents(app.portal.families.read_ledger(family_id))


def card_payments(app, family_id=FAMILY) -> list:
    return [p for p in payments(app.portal.families.read_ledger(family_id)) if p["method"] == "carte"]


def start_payment(client, page_url="/accueil"):
    """Click "Payer en ligne": returns the page that sends the browser to the bank."""
    page = client.get(page_url)
    answer = page.forms["pay-form"].submit() if "pay-form" in page.forms else None
    assert answer is not None, "no pay button"
    assert answer.status_int == 303
    return answer.follow()


def reference_of(bank_page) -> str:
    return bank_page.forms["bank-form"]["PBX_CMD"].value


def bank_signed(app, amount_cents: int, reference: str, code="00000", authorization="XXXXXX") -> str:
    """A notification signed with the key the demo settings trust (the simulator's, standing for the bank's)."""
    parts = [f"montant={amount_cents}", f"ref={quote(reference, safe='')}"]
    if authorization:
        parts.append(f"auto={authorization}")
    parts += [f"erreur={code}", "trans=1234567890"]
    data = "&".join(parts)
    key = ensure_simulator_key(app.portal.documents.root)
    return f"{data}&sign={quote(rsa_sha1_sign(data.encode(), key), safe='')}"


def ipn(client, message: str, method="GET"):
    if method == "GET":
        return client.get(f"/paiement-en-ligne/notification?{message}", status="*")
    return client.post("/paiement-en-ligne/notification", message, status="*",
                       content_type="application/x-www-form-urlencoded")


@pytest.fixture
def family(family_client):
    """The demo family 770400070, logged in; it owes 172,20 €."""
    return family_client


# --- the pay button ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/accueil", "/releve"])
def test_pay_button_on_home_and_statement_when_something_is_owed(family, url):
    page = family.get(url)
    button = page.html.find("form", action="/paiement-en-ligne")
    assert button is not None and button["method"] == "post" and button["data-hx-boost"] == "false"
    assert button.find("input", attrs={"name": "csrf_token"}) is not None
    assert visible(str(button.find("button"))) == "Payer en ligne 172,20 €"


def test_no_pay_button_for_a_family_in_credit(demo_client):
    login_family(demo_client, "770400090", DEMO_ACCOUNTS["770400090"])
    for url in ("/accueil", "/releve"):
        assert "Payer en ligne" not in demo_client.get(url).text


def test_module_off_no_button_and_every_payment_url_is_404(demo_dir):
    client = TestApp(create_app(demo_dir, {"modules": {"payment": False}}))
    login_family(client, *DEMO_FAMILY)
    for url in ("/accueil", "/releve"):
        page = client.get(url)
        assert "Payer en ligne" not in page.text and "/paiement-en-ligne" not in page.text
    token = csrf_from(client.get("/accueil"))
    for url in PAYMENT_URLS_GET:
        assert client.get(url, status="*").status_int == 404, url
    for url in PAYMENT_URLS_POST:
        assert client.post(url, {"csrf_token": token}, status="*").status_int == 404, url


def test_simulator_does_not_exist_when_it_is_off(demo_dir):
    client = TestApp(create_app(demo_dir, {"paybox": {"simulator": False}}))
    login_family(client, *DEMO_FAMILY)
    token = csrf_from(client.get("/accueil"))
    for url in ("/paiement-en-ligne/simulateur", "/paiement-en-ligne/simulateur/decision"):
        assert client.post(url, {"csrf_token": token}, status="*").status_int == 404


def test_starting_a_payment_needs_the_csrf_token(family, demo_app):
    assert family.post("/paiement-en-ligne", {}, status="*").status_int == 403
    assert demo_app.portal.families.read_ledger(FAMILY).table("online_payments").all() == []


# --- the page that sends the browser to the bank ---------------------------------------------------------------

def test_bank_page_holds_the_signed_form_a_button_and_no_inline_script(family, demo_app):
    page = start_payment(family)
    form = page.html.find("form", id="bank-form")
    assert form["method"] == "post" and form["action"] == "/paiement-en-ligne/simulateur"
    assert form["data-hx-boost"] == "false" and form["data-autosubmit"] == "true"
    fields = [(i["name"], i["value"]) for i in form.find_all("input", type="hidden")]
    values = dict(fields)
    assert values["PBX_TOTAL"] == "17220" and values["PBX_DEVISE"] == "978"
    assert values["PBX_PORTEUR"] == "sophie.martin@example.fr"
    assert values["PBX_EFFECTUE"] == "http://localhost:80/paiement-en-ligne/retour/effectue"
    assert values["PBX_REPONDRE_A"] == "http://localhost:80/paiement-en-ligne/notification"
    key = bytes.fromhex(demo_app.portal.settings["paybox"]["hmac_key_hex"])
    message = "&".join(f"{name}={value}" for name, value in fields[:-1])
    assert fields[-1] == ("PBX_HMAC", hmac.new(key, message.encode(), hashlib.sha512).hexdigest().upper())
    assert form.find("button").get_text(strip=True) == "Continuer vers le paiement sécurisé"
    scripts = page.html.find_all("script")
    assert all(s.get("src") for s in scripts), "inline script: the CSP would block it"
    autosubmit = [s["src"] for s in scripts if s["src"].startswith("/static/js/autosubmit.")]
    assert len(autosubmit) == 1
    assert family.get(autosubmit[0]).status_int == 200
    assert find_attempt(demo_app.portal.families.read_ledger(FAMILY), values["PBX_CMD"])["amount_cents"] == 17220
    assert balance(demo_app) == 17220  # going to the bank pays nothing


def test_only_the_bank_page_may_post_to_the_bank(demo_dir):
    bank = "https://preprod-tpeweb.paybox.com/cgi/MYchoix_pagepaiement.cgi"
    client = TestApp(create_app(demo_dir, {"paybox": {"simulator": False, "bank_url": bank}}))
    login_family(client, *DEMO_FAMILY)
    page = start_payment(client)
    assert page.html.find("form", id="bank-form")["action"] == bank
    policy = page.headers["Content-Security-Policy"]
    assert "form-action 'self' https://preprod-tpeweb.paybox.com;" in policy
    assert "script-src 'self';" in policy
    for url in ("/accueil", "/releve", "/paiement-en-ligne/retour/effectue"):
        assert "form-action 'self';" in client.get(url).headers["Content-Security-Policy"]


def test_another_familys_payment_page_is_404(family, demo_app):
    reference = reference_of(start_payment(family))
    other = TestApp(demo_app)
    login_family(other, *OTHER_FAMILY)
    assert other.get(f"/paiement-en-ligne/{reference}", status="*").status_int == 404


def test_a_family_that_owes_nothing_cannot_start_a_payment(demo_client, demo_app):
    login_family(demo_client, "770400090", DEMO_ACCOUNTS["770400090"])
    token = csrf_from(demo_client.get("/accueil"))
    answer = demo_client.post("/paiement-en-ligne", {"csrf_token": token})
    assert answer.status_int == 303 and urlsplit(answer.location).path == "/accueil"
    assert "rien à payer" in visible(answer.follow())
    assert demo_app.portal.families.read_ledger("770400090").table("online_payments").all() == []


def test_incomplete_settings_send_nobody_to_the_bank(demo_dir):
    client = TestApp(create_app(demo_dir, {"paybox": {"hmac_key_hex": ""}}))
    login_family(client, *DEMO_FAMILY)
    answer = client.get("/accueil").forms["pay-form"].submit()
    assert urlsplit(answer.location).path == "/accueil"
    assert "momentanément indisponible" in visible(answer.follow())


# --- the simulator: the whole flow ------------------------------------------------------------------------------

def test_accepting_on_the_simulator_pays_at_once_everywhere(family, demo_app):
    simulator = start_payment(family, "/releve").forms["bank-form"].submit()
    assert simulator.status_int == 200
    text = visible(simulator)
    assert "172,20 €" in text and "Simulateur de la banque" in text
    back = simulator.forms[0].submit("decision", value="accepter")
    assert back.status_int == 303
    location = urlsplit(back.location)
    assert location.path == "/paiement-en-ligne/retour/effectue"
    assert re.fullmatch(r"montant=17220&ref=[0-9a-f-]+&auto=XXXXXX&erreur=00000&trans=[0-9]+&sign=\S+",
                        location.query)
    # the notification was handled before the browser came back
    assert balance(demo_app) == 0 and len(card_payments(demo_app)) == 1
    page = back.follow()
    assert "Votre paiement de 172,20 € est enregistré sur votre compte." in visible(page)
    statement = family.get("/releve")
    assert "Paiement (carte bancaire)" in visible(statement) and "Solde du compte : rien à payer" in visible(statement)
    assert "Payer en ligne" not in family.get("/accueil").text
    login_agent(family, *DEMO_AGENT)
    account = family.get(f"/agent/familles/{FAMILY}/compte")
    assert "Carte bancaire" in account.text or "carte bancaire" in account.text


@pytest.mark.parametrize("decision, path, text", [
    ("refuser", "/paiement-en-ligne/retour/refuse", "Paiement refusé par votre banque. Aucun montant n'a été débité."),
    ("annuler", "/paiement-en-ligne/retour/annule", "Vous avez annulé le paiement. Aucun montant n'a été débité."),
])
def test_refusing_or_cancelling_records_nothing(family, demo_app, decision, path, text):
    bank_page = start_payment(family)
    reference = reference_of(bank_page)
    back = bank_page.forms["bank-form"].submit().forms[0].submit("decision", value=decision)
    assert urlsplit(back.location).path == path
    page = back.follow()
    assert page.html.find("h1").get_text() == ("Paiement refusé" if decision == "refuser" else "Paiement annulé")
    assert text in visible(page)
    assert balance(demo_app) == 17220 and card_payments(demo_app) == []
    assert find_attempt(demo_app.portal.families.read_ledger(FAMILY), reference)["status"] == "failed"
    assert "Payer en ligne" in family.get("/accueil").text  # the family can try again


def test_simulator_refuses_a_form_changed_on_the_way(family, demo_app, caplog):
    form = start_payment(family).forms["bank-form"]
    form["PBX_TOTAL"] = "100"
    with caplog.at_level(logging.WARNING, logger="portal.payment"):
        answer = form.submit(status=400)
    assert "PBX_HMAC invalide" in answer.text and "Accepter" not in answer.text
    assert any(r.name == "portal.payment" for r in caplog.records)
    assert balance(demo_app) == 17220


def test_simulator_decision_needs_our_csrf_token(family, demo_app):
    simulator = start_payment(family).forms["bank-form"].submit()
    fields = [(i["name"], i["value"]) for i in simulator.html.find_all("input", type="hidden")
              if i["name"].startswith("PBX_")]
    answer = family.post("/paiement-en-ligne/simulateur/decision", fields + [("decision", "accepter")], status="*")
    assert answer.status_int == 403 and balance(demo_app) == 17220


# --- the notification (IPN) ----------------------------------------------------------------------------------------

def test_ipn_with_a_valid_signature_records_the_payment_once(family, demo_app):
    reference = reference_of(start_payment(family))
    message = bank_signed(demo_app, 17220, reference)
    answer = ipn(family, message)
    assert answer.status_int == 200 and answer.body == b""
    assert balance(demo_app) == 0 and len(card_payments(demo_app)) == 1
    assert ipn(family, message).status_int == 200  # replay: the bank gets its 200, nothing more is recorded
    assert balance(demo_app) == 0 and len(card_payments(demo_app)) == 1
    assert ipn(family, message, method="POST").status_int == 200
    assert balance(demo_app) == 0 and len(card_payments(demo_app)) == 1


def test_ipn_by_post_records_the_payment(family, demo_app):
    reference = reference_of(start_payment(family))
    assert ipn(family, bank_signed(demo_app, 17220, reference), method="POST").status_int == 200
    assert balance(demo_app) == 0


def test_ipn_needs_no_session_and_no_csrf_token(family, demo_app):
    reference = reference_of(start_payment(family))
    bank = TestApp(demo_app)  # the bank's server: no cookie at all
    assert ipn(bank, bank_signed(demo_app, 17220, reference), method="POST").status_int == 200
    assert balance(demo_app) == 0


@pytest.mark.parametrize("forge", [
    pytest.param(lambda app, ref: bank_signed(app, 17220, ref).replace("sign=", "sign=AAAA"), id="bad-signature"),
    pytest.param(lambda app, ref: bank_signed(app, 17220, ref).replace("montant=17220", "montant=100"),
                 id="amount-changed-after-signing"),
    pytest.param(lambda app, ref: bank_signed(app, 100, ref), id="signed-amount-not-the-one-asked"),
    pytest.param(lambda app, ref: bank_signed(app, 17220, "770400070-20261203101500-ffffffff"),
                 id="unknown-reference"),
    pytest.param(lambda app, ref: bank_signed(app, 17220, ref).split("&sign=")[0], id="no-signature"),
])
def test_forged_or_wrong_ipn_records_nothing_and_is_logged(family, demo_app, forge, caplog):
    reference = reference_of(start_payment(family))
    with caplog.at_level(logging.WARNING, logger="portal.payment"):
        answer = ipn(family, forge(demo_app, reference))
    assert answer.status_int == 400
    assert [r for r in caplog.records if r.name == "portal.payment"]
    assert balance(demo_app) == 17220 and card_payments(demo_app) == []
    assert find_attempt(demo_app.portal.families.read_ledger(FAMILY), reference)["status"] == "pending"


def test_a_refused_payment_notification_records_nothing(family, demo_app):
    reference = reference_of(start_payment(family))
    assert ipn(family, bank_signed(demo_app, 17220, reference, "00151", authorization="")).status_int == 200
    assert balance(demo_app) == 17220 and card_payments(demo_app) == []


def test_two_concurrent_copies_of_the_ipn_record_one_payment(family, demo_app):
    reference = reference_of(start_payment(family))
    message = bank_signed(demo_app, 17220, reference)
    start = threading.Barrier(2)
    statuses = []

    def bank_calls():
        client = TestApp(demo_app)
        start.wait()
        statuses.append(ipn(client, message).status_int)

    threads = [threading.Thread(target=bank_calls) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    assert balance(demo_app) == 0 and len(card_payments(demo_app)) == 1


# --- the return pages only display ---------------------------------------------------------------------------

def test_return_pages_record_nothing_even_with_a_genuine_success_message(family, demo_app):
    reference = reference_of(start_payment(family))
    message = bank_signed(demo_app, 17220, reference)
    page = family.get(f"/paiement-en-ligne/retour/effectue?{message}")
    assert "La banque a accepté votre paiement." in visible(page)
    assert "dès que la banque nous l'aura confirmé" in visible(page)
    answer = family.post("/paiement-en-ligne/retour/effectue", message, status="*",
                         content_type="application/x-www-form-urlencoded")  # a bank returning by POST: no token
    assert answer.status_int == 200
    assert balance(demo_app) == 17220 and card_payments(demo_app) == []
    assert find_attempt(demo_app.portal.families.read_ledger(FAMILY), reference)["status"] == "pending"


def test_return_page_shows_the_french_message_of_the_error_code(family):
    page = family.get("/paiement-en-ligne/retour/refuse?montant=100&ref=x&erreur=00004&trans=1&sign=x")
    assert "Numéro de carte ou cryptogramme visuel invalide." in visible(page)
    assert "Code retour de la banque : 00004" in visible(page)


def test_return_page_without_a_session_invites_to_log_in(demo_client):
    page = demo_client.get("/paiement-en-ligne/retour/annule?erreur=00117")
    assert "Aucun montant n'a été débité." in visible(page) and 'href="/connexion"' in page.text


def test_once_paid_the_bank_page_does_not_send_to_the_bank_again(family, demo_app):
    bank_page = start_payment(family)
    reference = reference_of(bank_page)
    ipn(family, bank_signed(demo_app, 17220, reference))
    answer = family.get(f"/paiement-en-ligne/{reference}")
    assert answer.status_int == 303 and urlsplit(answer.location).path == "/releve"
    assert "Ce paiement est déjà enregistré." in visible(answer.follow())
    assert BeautifulSoup(answer.follow().text, "html.parser").find("form", id="bank-form") is None
