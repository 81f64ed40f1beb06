"""Paybox System adapter: the PBX_HMAC of the payment form, the RSA-SHA1 signature of the bank's notification, the
French result messages, the simulator's checks, and recording a notification once (storage/payment/online.py)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import threading
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from storage.documents import DocumentStore
from storage.families import Families
from storage.ledger import add_invoice, balance_cents, invoice_line, payments
from storage.payment.online import (ATTEMPTS, FAILED, PAID, family_of_reference, find_attempt, record_notification,
                                     start_attempt)
from storage.payment.gateway import InvalidNotification, PaymentRequest
from storage.payment.paybox import (RETURN_VARIABLES, PayboxGateway, check_simulated_request, ensure_simulator_key,
                            form_hmac, public_keys, result_message, rsa_sha1_sign, rsa_sha1_valid, signed_string,
                            simulated_result, simulator_key_paths, simulator_public_key_setting)

# Paybox's test HMAC key as printed in its integration kit (hex), and the example form of the manual's
# "Appel de la page de paiement" (site 1999888, rang 32, identifiant 110647233, 9,99 €, "TEST Paybox").
DOC_KEY = "0123456789ABCDEF" * 8
DOC_FIELDS = [("PBX_SITE", "1999888"), ("PBX_RANG", "32"), ("PBX_IDENTIFIANT", "110647233"), ("PBX_TOTAL", "999"),
              ("PBX_DEVISE", "978"), ("PBX_CMD", "TEST Paybox"), ("PBX_PORTEUR", "test@paybox.com"),
              ("PBX_RETOUR", "Mt:M;Ref:R;Auto:A;Erreur:E"), ("PBX_HASH", "SHA512"),
              ("PBX_TIME", "2015-06-08T16:21:16+02:00")]
# Published expected value: the test suite of Entr'ouvert's eopayment library (tests/test_paybox.py, test_sign)
# signs exactly these fields with this key and asserts this PBX_HMAC.
DOC_HMAC = ("7ABB5F7A31DF4C8976A44374D3BA2F9831E7927CFD62F774ED378F4E27471708"
            "F4EFE6D0BEFA44EBABCBD978B661C74E22EEB16DEF73A510E86D0A5C0E7B6D88")
CONFIG = {"site": "1999888", "rang": "32", "identifiant": "110647233", "hmac_key_hex": DOC_KEY,
          "bank_url": "https://preprod-tpeweb.paybox.com/cgi/MYchoix_pagepaiement.cgi",
          "public_key_path": "bank.pem", "simulator": False}


@pytest.fixture(scope="module")
def bank_key():
    """A private key playing the bank's (Paybox's is 1024-bit RSA; the size does not matter to the check)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(private_key) -> bytes:
    from cryptography.hazmat.primitives import serialization
    return private_key.public_key().public_bytes(serialization.Encoding.PEM,
                                                 serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture
def gateway(tmp_path, bank_key):
    (tmp_path / "bank.pem").write_bytes(public_pem(bank_key))
    return PayboxGateway(dict(CONFIG), tmp_path)


def bank_message(private_key, amount="1999", reference="770400070-20261203101500-0a1b2c3d", code="00000",
                 authorization="XXXXXX", transaction="1234567890") -> str:
    """A notification as the bank sends it: PBX_RETOUR variables URL-encoded, then &sign= (base64, URL-encoded)."""
    parts = [f"montant={amount}", f"ref={quote(reference, safe='')}"]
    if authorization:
        parts.append(f"auto={authorization}")
    parts += [f"erreur={code}", f"trans={transaction}"]
    data = "&".join(parts)
    return f"{data}&sign={quote(rsa_sha1_sign(data.encode(), private_key), safe='')}"


# --- PBX_HMAC -------------------------------------------------------------------------------------------------

def test_form_hmac_matches_the_published_test_vector():
    assert signed_string(DOC_FIELDS).startswith("PBX_SITE=1999888&PBX_RANG=32&PBX_IDENTIFIANT=110647233&")
    assert form_hmac(DOC_FIELDS, DOC_KEY) == DOC_HMAC


def test_form_hmac_is_hmac_sha512_of_the_unencoded_fields_in_order_key_from_hex_uppercase():
    # Computed independently with the hmac module, as the manual's PHP: strtoupper(hash_hmac('sha512', $msg,
    # pack("H*", $key))); the values are joined raw (no URL-encoding: "TEST Paybox" keeps its space).
    message = "&".join(f"{name}={value}" for name, value in DOC_FIELDS)
    expected = hmac.new(bytes.fromhex(DOC_KEY), message.encode(), hashlib.sha512).hexdigest().upper()
    assert form_hmac(DOC_FIELDS, DOC_KEY) == expected
    assert form_hmac(DOC_FIELDS, DOC_KEY.lower()) == expected  # the key's hex case does not matter
    assert form_hmac(list(reversed(DOC_FIELDS)), DOC_KEY) != expected  # the order does


def test_payment_form_carries_the_protocol_fields_in_order_signed_last(gateway):
    when = datetime(2026, 12, 3, 10, 15, 0, tzinfo=timezone(timedelta(hours=1)))
    request = PaymentRequest("770400070-20261203101500-0a1b2c3d", 27345, "sophie.martin@example.fr",
                             "https://portail.test/paiement-en-ligne/retour/effectue",
                             "https://portail.test/paiement-en-ligne/retour/refuse",
                             "https://portail.test/paiement-en-ligne/retour/annule",
                             "https://portail.test/paiement-en-ligne/retour/attente",
                             "https://portail.test/paiement-en-ligne/notification")
    form = gateway.payment_form(request, now=when)
    assert form.action == CONFIG["bank_url"]
    names = [name for name, _ in form.fields]
    assert names == ["PBX_SITE", "PBX_RANG", "PBX_IDENTIFIANT", "PBX_TOTAL", "PBX_DEVISE", "PBX_CMD", "PBX_PORTEUR",
                     "PBX_RETOUR", "PBX_HASH", "PBX_TIME", "PBX_EFFECTUE", "PBX_REFUSE", "PBX_ANNULE", "PBX_ATTENTE",
                     "PBX_REPONDRE_A", "PBX_HMAC"]
    values = dict(form.fields)
    assert values["PBX_TOTAL"] == "27345" and values["PBX_DEVISE"] == "978" and values["PBX_HASH"] == "SHA512"
    assert values["PBX_CMD"] == request.reference and values["PBX_PORTEUR"] == "sophie.martin@example.fr"
    assert values["PBX_RETOUR"] == "montant:M;ref:R;auto:A;erreur:E;trans:T;sign:K"
    assert values["PBX_RETOUR"].endswith(";sign:K")  # the signature must be the last variable
    assert datetime.fromisoformat(values["PBX_TIME"]) == when
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", values["PBX_TIME"])
    assert values["PBX_REPONDRE_A"] == "https://portail.test/paiement-en-ligne/notification"
    message = "&".join(f"{name}={value}" for name, value in form.fields[:-1])
    assert values["PBX_HMAC"] == hmac.new(bytes.fromhex(DOC_KEY), message.encode(), hashlib.sha512).hexdigest().upper()


def test_small_amounts_keep_three_digits(gateway):
    request = PaymentRequest("1-20261203101500-0a1b2c3d", 5, "a@b.fr", "u", "u", "u", "u", "u")
    assert dict(gateway.payment_form(request).fields)["PBX_TOTAL"] == "005"


def test_incomplete_settings_are_reported(tmp_path):
    assert PayboxGateway(dict(CONFIG), tmp_path).configuration_problems() == []
    problems = PayboxGateway(dict(CONFIG, site="", hmac_key_hex="pas de l'hexa"), tmp_path).configuration_problems()
    assert len(problems) == 2


# --- RSA-SHA1 signature of the notification --------------------------------------------------------------------

def test_rsa_sha1_check_matches_a_published_signature():
    # Public key, data and signature from eopayment's tests/test_paybox.py (test_rsa_signature_validation).
    pem = b"""-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDUgYufHuheMztK1LhQSG6xsOzb
UX4D2A/QcMvkEcRVXFx5tQqcE9/JnMqE41TF/ebn7jC/MBxxtPFkUN7+EZoeMN7x
OWzAMDm/xsCWRvvel4GGixgm3aQRUPyTrlm4Ksy32Ya0rNnEDMAvB3dxOn7cp8GR
ZdzrudBlevZXpr6iYwIDAQAB
-----END PUBLIC KEY-----"""
    signature = base64.b64decode("VCt3sgT0ecacmDEWWNVXJ+jGmIPBMApK42tBJV0FlDjpllOGPy8MsAmLW4/QjTtx"
                                 "z0Dkz0NjxvU+5WzQZh9Uuxr/egRCwV4NMRWqu0zaVVioeBvl4/5CWm4f4/1L9+0m"
                                 "FBFKOZhgBJnkC+l6+XhT4aYWKaQ4ocmOMV92yjeXTE4=")
    keys = public_keys(pem)
    assert rsa_sha1_valid(b"coin\n", signature, keys)
    assert not rsa_sha1_valid(b"coin\n ", signature, keys)


def test_a_notification_signed_by_the_bank_is_read(gateway, bank_key):
    notification = gateway.verify_notification(bank_message(bank_key))
    assert notification.reference == "770400070-20261203101500-0a1b2c3d"
    assert notification.amount_cents == 1999 and notification.result_code == "00000"
    assert notification.authorization == "XXXXXX" and notification.transaction == "1234567890"
    assert notification.paid


def test_a_refused_payment_is_read_but_not_paid(gateway, bank_key):
    notification = gateway.verify_notification(bank_message(bank_key, code="00151", authorization=""))
    assert notification.result_code == "00151" and not notification.paid


def test_a_success_code_without_authorisation_number_is_not_paid(gateway, bank_key):
    assert not gateway.verify_notification(bank_message(bank_key, authorization="")).paid


@pytest.mark.parametrize("tamper", [
    lambda m: m.replace("montant=1999", "montant=1"),                     # amount changed after signing
    lambda m: m.replace("erreur=00000", "erreur=00001"),                  # result changed
    lambda m: m.split("&sign=")[0],                                       # signature removed
    lambda m: m.split("&sign=")[0] + "&sign=pas-du-base64!",              # signature unreadable
    lambda m: m + "&montant=1",                                           # a variable after the signature
    lambda m: "montant=1&" + m,                                           # a variable given twice (and unsigned)
])
def test_a_changed_or_unsigned_notification_is_rejected(gateway, bank_key, tamper):
    with pytest.raises(InvalidNotification):
        gateway.verify_notification(tamper(bank_message(bank_key)))


def test_a_notification_signed_with_another_key_is_rejected(gateway):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(InvalidNotification, match="signature invalide"):
        gateway.verify_notification(bank_message(forger))


def test_the_key_file_may_hold_the_old_and_the_new_bank_keys(tmp_path, bank_key):
    old = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    (tmp_path / "bank.pem").write_bytes(public_pem(old) + public_pem(bank_key))
    assert PayboxGateway(dict(CONFIG), tmp_path).verify_notification(bank_message(bank_key)).paid


def test_a_missing_bank_key_rejects_everything(tmp_path, bank_key):
    with pytest.raises(InvalidNotification, match="clé publique"):
        PayboxGateway(dict(CONFIG), tmp_path).verify_notification(bank_message(bank_key))


# --- French messages --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code, text", [
    ("00000", "Paiement accepté."),
    ("00004", "Numéro de carte ou cryptogramme visuel invalide."),
    ("00151", "Provision insuffisante ou plafond de la carte dépassé. Aucun montant n'a été débité."),
    ("00105", "Paiement refusé par votre banque. Aucun montant n'a été débité."),
    ("00199", "Paiement refusé par votre banque. Aucun montant n'a été débité."),
    ("00030", "Le temps laissé pour saisir les informations de la carte est dépassé (15 minutes)."),
    ("12345", "Le paiement n'a pas abouti (code 12345). Aucun montant n'a été débité."),
])
def test_result_codes_read_in_french(code, text):
    assert result_message(code) == text


# --- the simulator ----------------------------------------------------------------------------------------------

def test_simulator_accepts_only_a_form_signed_with_the_merchant_key(gateway):
    request = PaymentRequest("770400070-20261203101500-0a1b2c3d", 1999, "a@b.fr", "https://p/ok", "https://p/ko",
                             "https://p/an", "https://p/at", "https://p/ipn")
    fields = gateway.payment_form(request).fields
    assert check_simulated_request(fields, CONFIG) is None
    tampered = [(n, "1" if n == "PBX_TOTAL" else v) for n, v in fields]
    assert "PBX_HMAC" in check_simulated_request(tampered, CONFIG)
    assert "identification" in check_simulated_request(fields, dict(CONFIG, site="1111111"))
    assert "manquants" in check_simulated_request(fields[:3] + fields[4:], CONFIG)


def test_simulator_key_is_made_once_and_trusted_by_its_setting(tmp_path):
    key = ensure_simulator_key(tmp_path)
    private_path, public_path = simulator_key_paths(tmp_path)
    assert private_path.stat().st_mode & 0o077 == 0  # the private key is readable by the portal's user only
    assert ensure_simulator_key(tmp_path).private_numbers() == key.private_numbers()
    gateway = PayboxGateway(dict(CONFIG, public_key_path=simulator_public_key_setting()), tmp_path)
    request = PaymentRequest("770400070-20261203101500-0a1b2c3d", 1999, "a@b.fr", "https://p/ok", "https://p/ko",
                             "https://p/an", "https://p/at", "https://p/ipn")
    fields = gateway.payment_form(request).fields
    for decision, code, url in (("accepter", "00000", "https://p/ok"), ("refuser", "00105", "https://p/ko"),
                                ("annuler", "00117", "https://p/an")):
        message, return_url = simulated_result(fields, decision, key)
        notification = gateway.verify_notification(message)
        assert (notification.result_code, return_url, notification.amount_cents) == (code, url, 1999)
        assert notification.paid == (decision == "accepter")
        assert message.split("&")[-1].startswith("sign=")


# --- recording a notification once ------------------------------------------------------------------------------

@pytest.fixture
def families(tmp_path):
    families = Families(DocumentStore(tmp_path))
    families.create("770400070", {"parent1": {"email": "sophie.martin@example.fr"}}, "hash")
    add_invoice(families, "770400070", number="2026-11001", period="2026-11", issued_on="2026-12-03",
                due_on="2026-12-25", lines=[invoice_line("Léa", "Restauration scolaire", 5, 385)])
    return families


def test_start_attempt_asks_the_whole_amount_due_with_a_unique_reference(families):
    first = start_attempt(families, "770400070", "sophie.martin@example.fr")
    second = start_attempt(families, "770400070", "sophie.martin@example.fr")
    assert first["amount_cents"] == 1925 and first["status"] == "pending"
    assert first["reference"] != second["reference"]
    assert family_of_reference(first["reference"]) == "770400070"
    assert balance_cents(families.read_ledger("770400070")) == 1925  # an attempt is not a payment


def test_nothing_to_pay_starts_nothing(tmp_path):
    families = Families(DocumentStore(tmp_path))
    families.create("770400090", {}, "hash")
    assert start_attempt(families, "770400090", "x@y.fr") is None


def test_paid_notification_records_one_card_payment_and_marks_the_attempt(families, gateway, bank_key):
    attempt = start_attempt(families, "770400070", "sophie.martin@example.fr")
    outcome = record_notification(families, gateway, bank_message(bank_key, "1925", attempt["reference"]))
    assert outcome.status == "paid"
    ledger = families.read_ledger("770400070")
    assert balance_cents(ledger) == 0
    [payment] = payments(ledger)
    assert payment["method"] == "carte" and payment["amount_cents"] == 1925
    assert payment["online_reference"] == attempt["reference"]
    stored = find_attempt(ledger, attempt["reference"])
    assert stored["status"] == PAID and stored["payment_id"] == payment.doc_id and stored["authorization"] == "XXXXXX"


def test_replay_and_refusal_after_payment_record_nothing_more(families, gateway, bank_key):
    attempt = start_attempt(families, "770400070", "x@y.fr")
    message = bank_message(bank_key, "1925", attempt["reference"])
    assert record_notification(families, gateway, message).status == "paid"
    assert record_notification(families, gateway, message).status == "duplicate"
    late_refusal = bank_message(bank_key, "1925", attempt["reference"], code="00105", authorization="")
    assert record_notification(families, gateway, late_refusal).status == "duplicate"
    ledger = families.read_ledger("770400070")
    assert len(payments(ledger)) == 1 and balance_cents(ledger) == 0
    assert find_attempt(ledger, attempt["reference"])["status"] == PAID


def test_a_refusal_then_a_success_of_the_same_attempt_pays_once(families, gateway, bank_key):
    # The bank's page lets the buyer try again: each try is notified.
    attempt = start_attempt(families, "770400070", "x@y.fr")
    refusal = bank_message(bank_key, "1925", attempt["reference"], code="00151", authorization="")
    assert record_notification(families, gateway, refusal).status == "failed"
    ledger = families.read_ledger("770400070")
    assert find_attempt(ledger, attempt["reference"])["status"] == FAILED and balance_cents(ledger) == 1925
    assert record_notification(families, gateway, bank_message(bank_key, "1925", attempt["reference"])).status == "paid"
    assert balance_cents(families.read_ledger("770400070")) == 0


def test_concurrent_copies_of_a_notification_record_one_payment(families, gateway, bank_key):
    attempt = start_attempt(families, "770400070", "x@y.fr")
    message = bank_message(bank_key, "1925", attempt["reference"])
    start = threading.Barrier(8)
    outcomes = []

    def deliver():
        start.wait()
        outcomes.append(record_notification(families, gateway, message).status)

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["duplicate"] * 7 + ["paid"]
    ledger = families.read_ledger("770400070")
    assert len(payments(ledger)) == 1 and balance_cents(ledger) == 0


@pytest.mark.parametrize("message_for", [
    lambda key, ref: bank_message(key, "1000", ref),                                    # signed, but not what was asked
    lambda key, ref: bank_message(key, "1925", "770400070-20261203101500-ffffffff"),   # unknown reference
    lambda key, ref: bank_message(key, "1925", "999999999-20261203101500-ffffffff"),   # unknown family
    lambda key, ref: bank_message(key, "1925", "../../etc-20261203101500-ffffffff"),   # not a reference at all
    lambda key, ref: bank_message(key, "1925", ref).replace("montant=1925", "montant=1926"),  # changed on the way
    lambda key, ref: bank_message(rsa.generate_private_key(public_exponent=65537, key_size=1024), "1925", ref),
])
def test_wrong_notifications_record_nothing_and_are_logged(families, gateway, bank_key, message_for, caplog):
    attempt = start_attempt(families, "770400070", "x@y.fr")
    with caplog.at_level(logging.INFO, logger="portal.payment"):
        outcome = record_notification(families, gateway, message_for(bank_key, attempt["reference"]))
    assert outcome.status == "rejected" and not outcome.accepted
    assert [r for r in caplog.records if r.name == "portal.payment" and r.levelno >= logging.WARNING]
    ledger = families.read_ledger("770400070")
    assert payments(ledger) == [] and balance_cents(ledger) == 1925
    assert find_attempt(ledger, attempt["reference"])["status"] == "pending"
    assert len(ledger.table(ATTEMPTS).all()) == 1


def test_return_variables_end_with_the_signature():
    assert RETURN_VARIABLES.split(";")[-1] == "sign:K"
