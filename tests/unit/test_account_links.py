"""Links to choose a password (storage/accounts/): only the token's SHA-256 is kept, compared in constant time, one link
per account, single use, expiry on the calendar clock; how an account is handed over (mailed link or temporary
password); the account mails' texts; e-mail change detection; and the limits of "Mot de passe oublié"."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta

import pytest

from helpers import FakeClock
from storage import clock
from storage.accounts.access import holder_email, prepare_access, reset_access
from storage.accounts.email_change import email_change, email_change_of_decision
from storage.accounts.mails import email_change_mails, masked_email, password_link_mail
from storage.accounts.password_links import (ACCOUNT_OPENED, AGENT_RESET, FORGOTTEN, issue_link, live_link,
                                             token_digest, use_link)
from storage.documents import DocumentStore
from storage.families import Families, set_family_password
from storage.passwords import hash_password, verify_password
from storage.protection.password_reset import (ACCOUNT_QUOTA, ADDRESS_QUOTA, MAILS_PER_FAMILY_PER_HOUR,
                                               PER_ACCOUNT_PER_HOUR, PER_ADDRESS_PER_HOUR, PasswordResetLimits)
from storage.requests import Decision

FAMILY = "770400070"
NOW = datetime(2026, 12, 2, 9, 0, 0)
HOLDER = {"first_name": "Sophie", "last_name": "MARTIN", "email": "sophie.martin@example.fr"}
COMMUNE = {"name": "Ville de Démo", "phone": "01 60 00 00 00"}
OLD_HASH = hash_password("Ancien2026")


@pytest.fixture
def families(tmp_path) -> Families:
    families = Families(DocumentStore(tmp_path))
    families.create(FAMILY, {"parent1": dict(HOLDER), "children": []}, OLD_HASH)
    return families


@pytest.fixture(autouse=True)
def calendar():
    with clock.pinned(NOW):
        yield


def family_file(families: Families) -> str:
    return families.path(FAMILY).read_text(encoding="utf-8")


# --- the links --------------------------------------------------------------------------------------------------------

def test_only_the_tokens_sha256_is_stored_on_the_account(families):
    token, link = issue_link(families, FAMILY, FORGOTTEN)
    assert re.fullmatch(rf"{FAMILY}\.[A-Za-z0-9_-]{{43}}", token)
    stored = families.account(FAMILY)["password_link"]
    assert stored == link and stored["sha256"] == hashlib.sha256(token.encode()).hexdigest() == token_digest(token)
    assert token not in family_file(families) and token.split(".")[1] not in family_file(families)
    assert (stored["purpose"], stored["created_at"], stored["expires_at"]) == \
           (FORGOTTEN, "2026-12-02T09:00:00", "2026-12-02T10:00:00")


def test_a_link_is_live_until_it_expires(families):
    token, _ = issue_link(families, FAMILY, FORGOTTEN)
    with clock.pinned(NOW + timedelta(minutes=59, seconds=58)):
        assert live_link(families, token)[0] == FAMILY
    with clock.pinned(NOW + timedelta(hours=1, seconds=1)):
        assert live_link(families, token) is None
        assert use_link(families, token, hash_password("Soleil2027")) is None
    assert verify_password("Ancien2026", families.account(FAMILY)["password_hash"])


@pytest.mark.parametrize("purpose", [ACCOUNT_OPENED, AGENT_RESET])
def test_a_link_from_the_town_hall_lasts_seven_days(families, purpose):
    token, _ = issue_link(families, FAMILY, purpose)
    with clock.pinned(NOW + timedelta(days=6, hours=23)):
        assert live_link(families, token) is not None
    with clock.pinned(NOW + timedelta(days=7, seconds=1)):
        assert live_link(families, token) is None


def test_a_link_sets_the_password_once(families):
    token, _ = issue_link(families, FAMILY, FORGOTTEN)
    assert use_link(families, token, hash_password("Soleil2027")) == FAMILY
    account = families.account(FAMILY)
    assert verify_password("Soleil2027", account["password_hash"]) and not account["temporary_password"]
    assert account["password_link"] is None
    assert use_link(families, token, hash_password("Pirate2027")) is None and live_link(families, token) is None
    assert verify_password("Soleil2027", families.account(FAMILY)["password_hash"])


def test_a_new_link_replaces_the_older_one(families):
    older, _ = issue_link(families, FAMILY, FORGOTTEN)
    newer, _ = issue_link(families, FAMILY, FORGOTTEN)
    assert live_link(families, older) is None and live_link(families, newer)[0] == FAMILY


def test_a_password_change_ends_a_waiting_link(families):
    token, _ = issue_link(families, FAMILY, FORGOTTEN)
    set_family_password(families, FAMILY, hash_password("Autre2027"))
    assert live_link(families, token) is None


@pytest.mark.parametrize("forged", ["", "x", FAMILY, f"{FAMILY}.", f"{FAMILY}." + "A" * 43, "770400080." + "A" * 43,
                                    "../../etc/passwd", f"{FAMILY}.{'A' * 42}é", "9" * 13 + "." + "A" * 43])
def test_forged_or_malformed_tokens_find_nothing(families, forged):
    issue_link(families, FAMILY, FORGOTTEN)
    assert live_link(families, forged) is None and use_link(families, forged, OLD_HASH) is None


def test_a_token_of_another_family_does_not_open_this_one(families):
    families.create("770400080", {"parent1": {"email": "nadia@example.fr"}}, OLD_HASH)
    token, _ = issue_link(families, "770400080", FORGOTTEN)
    swapped = FAMILY + "." + token.split(".")[1]
    assert live_link(families, swapped) is None and live_link(families, token)[0] == "770400080"


# --- handing an account over ---------------------------------------------------------------------------------------

def test_a_holder_with_an_address_gets_a_link_and_no_known_password(families):
    access = reset_access(families, FAMILY, AGENT_RESET)
    assert access.by_mail and access.email == HOLDER["email"] and access.password == ""
    account = families.account(FAMILY)
    assert not verify_password("Ancien2026", account["password_hash"])  # the old password no longer works
    assert account["password_hash"].startswith("scrypt$") and not account["temporary_password"]
    assert live_link(families, access.token)[1]["purpose"] == AGENT_RESET
    assert access.expires_at == "2026-12-09T09:00:00"


@pytest.mark.parametrize("email", ["", "sophie.martin", "é@example.fr", "a,b@example.fr", "x@example.fr\r\nBcc: y@z.fr"])
def test_without_a_valid_address_the_access_is_a_temporary_password(families, email):
    access, fields = prepare_access(FAMILY, {"parent1": dict(HOLDER, email=email)}, ACCOUNT_OPENED)
    assert not access.by_mail and access.token == "" and len(access.password) == 10
    assert fields["temporary_password"] and fields["password_link"] is None
    assert verify_password(access.password, fields["password_hash"])


def test_paper_gives_a_temporary_password_and_kills_the_link(families):
    link = reset_access(families, FAMILY, AGENT_RESET)
    paper = reset_access(families, FAMILY, AGENT_RESET, paper=True)
    account = families.account(FAMILY)
    assert not paper.by_mail and verify_password(paper.password, account["password_hash"])
    assert account["temporary_password"] and live_link(families, link.token) is None
    assert paper.password not in family_file(families)


def test_holder_email_is_the_account_holders_only():
    assert holder_email({"parent1": {"email": " sophie@example.fr "}, "parent2": {"email": "karim@example.fr"}}) == \
        "sophie@example.fr"
    assert holder_email({"parent1": {"email": ""}, "parent2": {"email": "karim@example.fr"}}) == ""
    assert holder_email({}) == ""


# --- the mails ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("purpose, subject, validity", [
    (ACCOUNT_OPENED, "Votre compte sur le portail famille : choisissez votre mot de passe",
     "valable 7 jours, jusqu'au 09/12/2026 à 09h00"),
    (AGENT_RESET, "Portail famille : choisissez un nouveau mot de passe", "valable 7 jours, jusqu'au 09/12/2026"),
    (FORGOTTEN, "Portail famille : réinitialisation de votre mot de passe", "valable 1 heure, jusqu'à 10h00"),
])
def test_the_link_mail_gives_the_identifiant_the_link_and_its_validity(purpose, subject, validity):
    url = "https://famille.ville-demo.fr/mot-de-passe/770400070.abc"
    expires = "2026-12-09T09:00:00" if purpose != FORGOTTEN else "2026-12-02T10:00:00"
    mail = password_link_mail(purpose, family_id=FAMILY, to=HOLDER["email"], record={"parent1": HOLDER}, url=url,
                              expires_at=expires, commune=COMMUNE)
    assert (mail["kind"], mail["to"], mail["subject"], mail["family_id"]) == \
           ("password-link", HOLDER["email"], subject, FAMILY)
    text = mail["text"]
    assert text.startswith("Bonjour Sophie MARTIN,") and "Votre identifiant : 770400070" in text
    assert f"\n\n{url}\n\n" in text and validity in text and "il ne sert qu'une fois" in text
    assert "Mot de passe oublié" in text and "01 60 00 00 00" in text
    assert f'<a href="{url}">{url}</a>' in mail["html"]
    assert ("ignorez ce courriel" in text) == (purpose == FORGOTTEN)


def test_names_are_escaped_in_the_html_part():
    record = {"parent1": {"first_name": "<script>alert(1)</script>", "last_name": "O'Neil & fils"}}
    mail = password_link_mail(FORGOTTEN, family_id=FAMILY, to="a@example.fr", record=record, url="https://x.fr/a?b=1&c",
                              expires_at="2026-12-02T10:00:00", commune=COMMUNE)
    assert "<script>" not in mail["html"] and "&lt;script&gt;" in mail["html"]
    assert 'href="https://x.fr/a?b=1&amp;c"' in mail["html"]


def test_email_change_mails_confirm_the_new_address_and_warn_the_old_one():
    new, old = email_change_mails(family_id=FAMILY, old="sophie.martin@example.fr", new="s.martin@nouveau.fr",
                                  record={"parent1": HOLDER}, portal_url="https://famille.ville-demo.fr/connexion",
                                  commune=COMMUNE)
    assert (new["to"], new["subject"]) == ("s.martin@nouveau.fr", "Portail famille : votre adresse e-mail est enregistrée")
    assert "les courriels du portail vous seront envoyés ici" in new["text"] and "identifiant 770400070" in new["text"]
    assert "https://famille.ville-demo.fr/connexion" in new["text"]
    assert (old["to"], old["subject"]) == ("sophie.martin@example.fr", "Portail famille : votre adresse e-mail a été changée")
    assert "a été changée pour s…@nouveau.fr" in old["text"] and "s.martin@nouveau.fr" not in old["text"]
    assert "contactez la mairie au 01 60 00 00 00 rapidement" in old["text"]


def test_an_address_removed_or_added_gets_only_its_own_mail():
    [removed] = email_change_mails(family_id=FAMILY, old="sophie.martin@example.fr", new="", record={},
                                   portal_url="https://x.fr/connexion", commune={})
    assert removed["to"] == "sophie.martin@example.fr" and "a été retirée de votre dossier" in removed["text"]
    [added] = email_change_mails(family_id=FAMILY, old="", new="s@example.fr", record={},
                                 portal_url="https://x.fr/connexion", commune={})
    assert added["to"] == "s@example.fr" and added["text"].startswith("Bonjour,")


def test_masked_email():
    assert masked_email("sophie.martin@example.fr") == "s…@example.fr"
    assert masked_email("a@b.fr") == "a…@b.fr" and masked_email("") == "" and masked_email("nope") == ""


# --- e-mail change detection ----------------------------------------------------------------------------------------

EMAIL_CHANGE = {"field": "email", "label": "E-mail", "before": "sophie.martin@example.fr", "after": "s@nouveau.fr"}
PHONE_CHANGE = {"field": "phone_mobile", "label": "Téléphone", "before": "06 12 34 56 78", "after": "06 00 00 00 00"}


def test_an_email_change_of_the_holder_is_found():
    assert email_change("parent1", [PHONE_CHANGE, EMAIL_CHANGE]) == ("sophie.martin@example.fr", "s@nouveau.fr")
    assert email_change("parent2", [EMAIL_CHANGE]) is None  # the other parent's address is not the account's
    assert email_change("parent1", [PHONE_CHANGE]) is None
    assert email_change("parent1", [dict(EMAIL_CHANGE, after="SOPHIE.martin@example.fr")]) is None
    assert email_change("parent1", [dict(EMAIL_CHANGE, after="pas-une-adresse")]) == ("sophie.martin@example.fr", "")


def test_when_the_agent_overrode_a_conflict_the_old_address_is_the_merged_one():
    conflict = dict(EMAIL_CHANGE, current="entre.temps@example.fr")
    assert email_change("parent1", [EMAIL_CHANGE], [conflict]) == ("entre.temps@example.fr", "s@nouveau.fr")


def test_only_a_validated_decision_is_an_email_change():
    request = {"section": "parent1", "changes": [EMAIL_CHANGE]}
    assert email_change_of_decision(Decision("validated", request)) == ("sophie.martin@example.fr", "s@nouveau.fr")
    for outcome in ("cancelled", "conflict", "already_decided", "withdrawn"):
        assert email_change_of_decision(Decision(outcome, request)) is None


# --- Mot de passe oublié: the limits ----------------------------------------------------------------------------------

@pytest.fixture
def limits():
    limits = PasswordResetLimits(FakeClock())
    return limits


def test_five_requests_per_address_per_sliding_hour(limits):
    for number in range(PER_ADDRESS_PER_HOUR):
        assert limits.reserve("203.0.113.5", f"77040{number:04d}") is None
    refusal = limits.reserve("203.0.113.5", "770400999")
    assert refusal.reason == ADDRESS_QUOTA and refusal.wait_seconds == 3600
    assert limits.reserve("203.0.113.6", "770400999") is None  # another address
    limits._clock.advance(3600)
    assert limits.reserve("203.0.113.5", "770400999") is None


def test_an_ipv6_64_counts_as_one_address(limits):
    for number in range(PER_ADDRESS_PER_HOUR):
        assert limits.reserve(f"2001:db8::{number + 1}", f"x{number}@example.fr") is None
    assert limits.reserve("2001:db8::ffff", "y@example.fr").reason == ADDRESS_QUOTA


def test_three_requests_per_typed_account_per_hour_whatever_the_address(limits):
    for number in range(PER_ACCOUNT_PER_HOUR):
        assert limits.reserve(f"198.51.100.{number}", "Sophie.Martin@example.fr ") is None
    refusal = limits.reserve("198.51.100.99", "sophie.martin@example.fr")
    assert refusal.reason == ACCOUNT_QUOTA
    assert limits.reserve("198.51.100.99", "770400070") is None  # what was typed is counted, not what it names


def test_a_refused_request_counts_nothing(limits):
    for number in range(PER_ACCOUNT_PER_HOUR + 4):
        limits.reserve("203.0.113.5", "770400070")
    assert limits.reserve("203.0.113.5", "770400080") is None  # 3 counted so far at this address, not 7


def test_mails_per_family_are_capped_silently(limits):
    assert [limits.may_mail(FAMILY) for _ in range(MAILS_PER_FAMILY_PER_HOUR + 2)] == \
           [True] * MAILS_PER_FAMILY_PER_HOUR + [False, False]
    assert limits.may_mail("770400080")
    limits._clock.advance(3600)
    assert limits.may_mail(FAMILY)


def test_the_export_leaves_out_the_links_digest(families):
    from storage.export import family_export
    issue_link(families, FAMILY, FORGOTTEN)
    exported = json.dumps(family_export(families, FAMILY))
    assert "sha256" not in exported and '"purpose": "forgotten"' in exported


def test_a_links_secret_never_reaches_the_log(families):
    from storage.portal_log import redact
    token, _ = issue_link(families, FAMILY, FORGOTTEN)
    line = redact(f"Erreur 500 sur POST /mot-de-passe/{token}?x=1")
    assert token.split(".")[1] not in line and line == f"Erreur 500 sur POST /mot-de-passe/{FAMILY}.[masqué]?x=1"
