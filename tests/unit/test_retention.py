"""Retention of personal data (storage/retention/): on a small commune built with old data through the storage
functions (dates set with the pinned clock), the purge removes exactly what is kept longer than its period and
nothing else; the preview counts what the run then does; a deactivated family with invoices is anonymised with its
accounts unchanged, one without is deleted and its number never given again; a second run removes nothing more; the
journal and the log hold counts, never names."""
from __future__ import annotations

import logging
import os
import time
from datetime import date, datetime

import pytest

from portal import create_app
from storage import clock
from storage.accounts.password_links import FORGOTTEN, issue_link
from storage.certificates import Certificate
from storage.demo import demo_families
from storage.absences import submit_absence
from storage.families import account_of, record_of, set_family_active
from storage.ledger import add_invoice, add_payment, balance_cents, invoice_line, statement
from storage.messages import post_message
from storage.payment.online import start_attempt
from storage.payment.of_the_day import note_online_payment, online_payments_of
from storage.pieces.checks import Piece
from storage.pieces.family import attach_pieces, kept_pieces, request_document
from storage.preregistrations import clean_preregistration
from storage.requests import cancel_request, submit_request, validate_request
from storage.retention.periods import clean_retention_form, cutoffs, months_before, retention_values
from storage.retention.purge import describe
from storage.services import Services

from demo_usage import NEW_FAMILY

ACTIVE, ACTIVE_OLD, RECENTLY_DEACTIVATED = "770400010", "770400020", "770400030"
ANONYMISED, DELETED = "770400040", "770400050"  # the deleted family has the highest number
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CANTINE = {"id": "cantine", "name": "Restauration scolaire", "weekdays": [0, 1, 2, 3, 4],
           "periods": [{"start": "2020-09-01", "end": "2027-07-03"}], "closed_dates": [],
           "brackets": [{"qf_max": None, "price_cents": 300}], "notice_working_days": 2, "notice_time": "10:00",
           "active": True}
TWO_DAYS_AGO = time.time() - 2 * 24 * 3600
EXPECTED = {"families_anonymised": 1, "families_deleted": 1, "conversations": 3, "certificates": 2, "requests": 2,
            "audit_details": 2, "unused_files": 1, "password_links": 1, "sessions": 1, "mails_sent": 1,
            "mails_failed": 2, "preregistrations": 1, "payments_of_day": 1}


def at(instant: str):
    return clock.pinned(instant)


def absence(start: str, end: str) -> dict:
    """A declaration (what clean_absence_form gives): child 1 absent from the canteen on start and end."""
    return {"covers": [{"child_id": 1, "service_id": "cantine", "days": [start, end]}], "start": start, "end": end,
            "reason": "maladie", "comment": ""}


def declare_and_validate(families, family_id: str, start: str, end: str, validated: str) -> int:
    with at(start + "T08:00:00"):
        [request_id] = submit_absence(families, family_id, absence(start, end), {"cantine": CANTINE},
                                      datetime.fromisoformat(start + "T08:00:00"), Certificate(PDF, "pdf")).request_ids
    with at(validated + "T10:00:00"):
        assert validate_request(families, family_id, request_id, "agent", options={"billing": "auto"}).outcome \
            == "validated"
    return request_id


def queue_mail(outbox, created: str, family_id: str, status: str) -> str:
    with at(created):
        mail_id = outbox.queue(kind="decision", to="sophie.martin@example.fr", subject="Votre demande",
                               text="Bonjour.", family_id=family_id)
        attempt = {"at": created, "ts": clock.timestamp(), "server": "127.0.0.1:25", "answer": "250 OK",
                   "result": "accepted"}
        if status == "sent":
            outbox.mark_sent(outbox.pending_mail(mail_id), attempt)
        elif status == "failed":
            outbox.mark_failed(outbox.pending_mail(mail_id), dict(attempt, answer="550 unknown", result="permanent"))
    return mail_id


def old_file(files, family_id: str, content: bytes, extension: str) -> str:
    name = files.save(family_id, content, extension)
    os.utime(files.path(family_id, name), (TWO_DAYS_AGO, TWO_DAYS_AGO))
    return name


def build_commune(app) -> dict:
    """Five families and the commune's files, with data of every age; returns what the tests look at."""
    portal = app.portal
    families, records = portal.families, demo_families()
    Services(portal.documents).save(CANTINE)
    made = {}
    with at("2019-09-01T10:00:00"):
        families.create(ACTIVE_OLD, records["770400090"], "hash")
    with at("2022-01-05T10:00:00"):
        families.create(ACTIVE, records["770400080"], "hash")
        families.create(RECENTLY_DEACTIVATED, dict(records["770400080"], parent1=dict(
            records["770400080"]["parent1"], last_name="RECENTE")), "hash")
        photo = old_file(portal.photos, ANONYMISED, b"\xff\xd8photo", "jpg")
        anonymised = records["770400070"]
        anonymised["children"][0]["photo"] = photo
        families.create(ANONYMISED, anonymised, "hash")
        families.create(DELETED, dict(records["770400090"], parent1=dict(records["770400090"]["parent1"],
                                                                          last_name="EFFACE")), "hash")
        old_file(portal.photos, DELETED, b"\xff\xd8photo", "jpg")

    # ACTIVE: one conversation over, one still going; certificates and requests of every age; an expired link
    with at("2024-03-01T10:00:00"):
        post_message(families, ACTIVE, author="family", subject="Ancienne question", body="Bonjour.")
    with at("2023-01-10T10:00:00"):
        going = post_message(families, ACTIVE, author="family", subject="Question suivie", body="Bonjour.")
    with at("2025-06-01T10:00:00"):
        post_message(families, ACTIVE, author="agent", subject="Re", body="Réponse.", thread_id=going)
    with at("2020-01-01T10:00:00"):
        made["pending"] = submit_request(families, ACTIVE, "parent1", {"phone_mobile": "06 00 00 00 01"})
    with at("2023-12-01T10:00:00"):
        cancelled = submit_request(families, ACTIVE, "parent1", {"phone_mobile": "06 00 00 00 02"})
    with at("2024-01-10T10:00:00"):
        cancel_request(families, ACTIVE, cancelled, "agent", "Justificatif manquant")
    with at("2025-05-01T10:00:00"):
        validated = submit_request(families, ACTIVE, "parent1", {"profession": "Experte-comptable"})
    with at("2025-06-01T10:00:00"):
        validate_request(families, ACTIVE, validated, "agent")
    made["validated"] = validated
    made["old_absence"] = declare_and_validate(families, ACTIVE, "2024-04-29", "2024-04-30", "2024-05-01")
    made["absence_over"] = declare_and_validate(families, ACTIVE, "2025-09-29", "2025-10-01", "2025-10-02")
    made["absence_kept"] = declare_and_validate(families, ACTIVE, "2026-03-09", "2026-03-10", "2026-03-10")
    with at("2026-11-01T10:00:00"):
        issue_link(families, ACTIVE, FORGOTTEN)  # valid one hour
    old_file(portal.certificates, ACTIVE, PDF, "pdf")  # left by a crash: no request points to it
    made["young_file"] = portal.certificates.save(ACTIVE, PDF, "pdf")  # its request may be on its way

    # ACTIVE_OLD: an account in use, with a conversation of long ago
    with at("2020-02-01T10:00:00"):
        post_message(families, ACTIVE_OLD, author="agent", subject="Bienvenue", body="Bonjour.")

    # RECENTLY_DEACTIVATED: deactivated last year; its old conversation goes, the family stays
    with at("2022-03-01T10:00:00"):
        post_message(families, RECENTLY_DEACTIVATED, author="family", subject="Question", body="Bonjour.")
    with at("2025-01-01T10:00:00"):
        set_family_active(families, RECENTLY_DEACTIVATED, False)

    # ANONYMISED: deactivated three and a half years ago, with invoices, payments, an online payment attempt
    with at("2022-10-03T08:00:00"):
        lines = [invoice_line("Léa", "Restauration scolaire", 12, 385, "septembre"),
                 invoice_line("Tom", "Accueil du soir", 8, 260)]
        add_invoice(families, ANONYMISED, number="2022-09-040", period="2022-09", issued_on="2022-10-03",
                    due_on="2022-10-25", lines=lines)
        add_payment(families, ANONYMISED, paid_on="2022-10-20", amount_cents=4000, method="cheque",
                    reference="chèque 1234567")
    with at("2022-11-03T08:00:00"):
        add_invoice(families, ANONYMISED, number="2022-10-040", period="2022-10", issued_on="2022-11-03",
                    due_on="2022-11-25", lines=[invoice_line("Léa", "Restauration scolaire", 15, 385)])
    with at("2022-11-10T10:00:00"):
        post_message(families, ANONYMISED, author="family", subject="Facture d'octobre", body="Bonjour.")
        submit_request(families, ANONYMISED, "parent1", {"phone_mobile": "06 00 00 00 03"})
        start_attempt(families, ANONYMISED, "sophie.martin@example.fr")
    declare_and_validate(families, ANONYMISED, "2022-11-14", "2022-11-15", "2022-11-16")
    with at("2023-06-01T10:00:00"):
        set_family_active(families, ANONYMISED, False)

    # DELETED: deactivated long ago, never billed
    with at("2023-01-01T10:00:00"):
        post_message(families, DELETED, author="family", subject="Départ", body="Nous déménageons.")
    with at("2023-02-01T10:00:00"):
        set_family_active(families, DELETED, False)

    # the commune's files: mails, pre-registrations, sessions
    outbox = portal.outbox
    made["mail_pending"] = queue_mail(outbox, "2025-01-01T10:00:00", ACTIVE, "pending")  # ids grow with time
    made["mail_old_failed"] = queue_mail(outbox, "2025-06-01T10:00:00", ACTIVE, "failed")
    made["mail_of_anonymised"] = queue_mail(outbox, "2026-06-01T10:00:00", ANONYMISED, "failed")
    made["mail_old_sent"] = queue_mail(outbox, "2026-08-01T10:00:00", ACTIVE, "sent")
    made["mail_sent"] = queue_mail(outbox, "2026-11-01T10:00:00", ACTIVE, "sent")
    preregistrations = portal.preregistrations
    clean, errors = clean_preregistration(NEW_FAMILY)
    assert not errors
    with at("2020-05-01T10:00:00"):
        made["prereg_pending"] = preregistrations.submit(clean)
    with at("2025-05-01T10:00:00"):
        made["prereg_old"] = preregistrations.submit(clean)
    with at("2025-06-01T10:00:00"):
        preregistrations.cancel(made["prereg_old"], "agent", "Hors commune")
    with at("2026-05-01T10:00:00"):
        made["prereg_kept"] = preregistrations.submit(clean)
    with at("2026-06-01T10:00:00"):
        preregistrations.cancel(made["prereg_kept"], "agent", "Doublon")
    with at("2026-11-24T18:00:00"):  # the dashboard's list of that day: over its week
        note_online_payment(portal.documents, ACTIVE, "PF-OLD", 1500)
    with at("2026-11-25T18:00:00"):  # a week ago today: kept
        note_online_payment(portal.documents, ACTIVE, "PF-WEEK", 1500)
    made["live_token"], _ = portal.sessions.create("family", ACTIVE_OLD)
    _, expired = portal.sessions.create("family", ACTIVE)  # (a later login would drop it)
    expired.created_at -= 13 * 3600
    expired.last_seen -= 13 * 3600
    return made


def accounts_of(families, family_id: str) -> dict:
    ledger = families.read_ledger(family_id)
    return {"balance": balance_cents(ledger), "statement": statement(ledger),
            "invoices": sorted((i["number"], i["issued_on"], i["period"], i["total_cents"],
                                i["previous_balance_cents"], i["amount_due_cents"],
                                [(line["quantity"], line["unit_price_cents"], line["amount_cents"]) for line in i["lines"]])
                               for i in ledger.table("invoices").all()),
            "payments": sorted((p["paid_on"], p["amount_cents"], p["method"], p["reference"])
                               for p in ledger.table("payments").all())}


def test_the_preview_counts_exactly_what_the_run_removes_and_a_second_run_removes_nothing(app):
    build_commune(app)
    retention = app.portal.retention
    assert retention.preview() == EXPECTED
    assert retention.preview() == EXPECTED  # a preview changes nothing
    assert retention.run("agent") == EXPECTED
    assert retention.preview() == {}
    assert retention.run("agent") == {}
    journal = retention.journal()
    assert len(journal) == 1 and journal[0]["counts"] == EXPECTED and journal[0]["by"] == "agent"
    assert "Familles anonymisées : 1" in journal[0]["summary"]


def test_what_is_left_in_an_active_family(app):
    made = build_commune(app)
    app.portal.retention.run("agent")
    db = app.portal.families.read(ACTIVE)
    assert [m["subject"] for m in db.table("messages").all()] == ["Question suivie", "Re"]
    requests = {r.doc_id: r for r in db.table("requests").all()}
    assert sorted(requests) == sorted([made["pending"], made["validated"], made["absence_over"], made["absence_kept"]])
    assert requests[made["absence_over"]]["payload"]["certificate"] is None
    kept = requests[made["absence_kept"]]["payload"]["certificate"]
    absences = sorted(db.table("absences").all(), key=lambda a: a["start"])
    assert [a["certificate"] is None for a in absences] == [True, True, False]
    assert absences[0]["certificate_removed_on"] == "2026-12-02" and len(absences) == 3  # the absences stay
    files = app.portal.certificates.names(ACTIVE)
    assert sorted(files) == sorted([kept, made["young_file"]])
    audit = sorted(db.table("audit").all(), key=lambda line: line["at"])
    lightened = [line for line in audit if line.get("details_removed_on")]
    assert [line["at"][:10] for line in lightened] == ["2024-01-10", "2024-05-01"]
    assert lightened[0]["changes"] == [{"field": "phone_mobile", "label": "Téléphone portable"}]
    assert lightened[0]["reason"] == "" and lightened[1]["target_label"] == ""
    assert lightened[0]["action"] == "cancelled" and lightened[0]["by"] == "agent"  # who and what stay
    assert all(change.get("after") for line in audit if not line.get("details_removed_on")
               for change in line["changes"])
    assert account_of(db)["password_link"] is None
    assert record_of(db)["parent1"]["last_name"] == "ABDEL"


def test_the_commune_files_lose_only_what_is_over(app):
    made = build_commune(app)
    portal = app.portal
    portal.retention.run("agent")
    outbox = portal.outbox
    assert outbox.get(made["mail_old_sent"]) is None and outbox.get(made["mail_old_failed"]) is None
    assert outbox.get(made["mail_sent"])["status"] == "sent"
    assert outbox.get(made["mail_pending"])["status"] == "pending"  # never removed, whatever its age
    assert outbox.counts() == {"pending": 1, "sent": 1, "failed": 0}
    assert [p.doc_id for p in portal.preregistrations.all()] == [made["prereg_kept"], made["prereg_pending"]]
    assert portal.preregistrations.recent_deletions()[0]["ids"] == [made["prereg_old"]]
    assert portal.sessions.get(made["live_token"]) is not None
    saved = portal.documents.read(portal.documents.root / "sessions.json").table("sessions").all()
    assert len(saved) == 1
    assert [payment["reference"] for payment in online_payments_of(portal.documents, date(2026, 11, 25))] == ["PF-WEEK"]
    assert online_payments_of(portal.documents, date(2026, 11, 24)) == []


def test_a_deactivated_family_with_invoices_is_anonymised_and_its_accounts_still_add_up(app):
    build_commune(app)
    families, index = app.portal.families, app.portal.index
    before = accounts_of(families, ANONYMISED)
    assert before["balance"] == (12 * 385 + 8 * 260) + 15 * 385 - 4000
    assert [s.family_id for s in index.search("martin sophie")] == [ANONYMISED]
    app.portal.retention.run("agent")
    after = accounts_of(families, ANONYMISED)
    assert after == before  # amounts, numbers, dates: the balance and the relevé are the same
    assert after["statement"][-1]["balance_cents"] == after["balance"]
    db, ledger = families.read(ANONYMISED), families.read_ledger(ANONYMISED)
    assert set(db.tables()) == {"record", "account"}
    record = record_of(db)
    assert (record["parent1"], record["parent2"], record["children"], record["persons"], record["bank"], record["caf"],
            record["tax"]) == ({}, None, [], [], {}, {}, {})
    assert record["anonymised_at"].startswith("2026-12-02")
    account = account_of(db)
    assert account["password_hash"] == "" and account["active"] is False
    for invoice in ledger.table("invoices").all():
        assert invoice["billed_to"] == {"family_id": ANONYMISED, "name": "", "address": []}
        assert all(line["child"] == "" and line["detail"] == "" for line in invoice["lines"])
    assert [a["email"] for a in ledger.table("online_payments").all()] == [""]
    text = (families.path(ANONYMISED).read_text() + families.ledger_path(ANONYMISED).read_text()).lower()
    for personal in ("martin", "sophie", "léa", "karim", "fr76", "example.fr", "arachide", "dupont", "démoville"):
        assert personal not in text, personal
    assert app.portal.photos.names(ANONYMISED) == [] and app.portal.certificates.names(ANONYMISED) == []
    assert app.portal.outbox.family_mail_ids("failed", ANONYMISED) == []
    assert index.search("martin sophie") == [] and index.search("léa") == []
    assert index.get(ANONYMISED).name == "" and [s.family_id for s in index.search(ANONYMISED)] == [ANONYMISED]


def test_a_deactivated_family_without_invoices_is_deleted_and_its_number_never_given_again(app):
    build_commune(app)
    portal = app.portal
    portal.retention.run("agent")
    assert not portal.families.exists(DELETED) and not portal.families.ledger_path(DELETED).exists()
    assert not (portal.photos.folder / DELETED).exists()
    assert portal.index.get(DELETED) is None and portal.index.search("efface") == []
    assert len(portal.index) == 4
    assert int(portal.numbers.next_family_number()) > int(DELETED)
    restarted = create_app(portal.documents.root)  # the reservation is on disk, the index rebuilt without it
    try:
        assert int(restarted.portal.numbers.next_family_number()) > int(DELETED)
        assert restarted.portal.index.get(DELETED) is None
    finally:
        restarted.portal.close()


def test_active_and_recently_deactivated_families_are_never_anonymised(app):
    build_commune(app)
    app.portal.retention.run("agent")
    families = app.portal.families
    assert record_of(families.read(ACTIVE_OLD))["parent1"]["last_name"] == "LEROY"  # active since 2019, silent
    recent = families.read(RECENTLY_DEACTIVATED)
    assert record_of(recent)["parent1"]["last_name"] == "RECENTE" and recent.table("messages").all() == []


def test_the_journal_and_the_log_hold_counts_never_contents(app, caplog):
    build_commune(app)
    with caplog.at_level(logging.INFO, logger="portal"):
        app.portal.retention.run("agent")
    logged = [r.getMessage() for r in caplog.records if "Conservation des données" in r.getMessage()]
    assert logged == [f"Conservation des données (passage demandé par agent) : {describe(EXPECTED)}"]
    journal_file = (app.portal.documents.root / "purges.json").read_text()
    for text in (logged[0], journal_file):
        for personal in ("MARTIN", "LEROY", "ABDEL", "Sophie", "example.fr", "Ancienne question", "06 "):
            assert personal not in text


def test_shorter_periods_in_the_settings_take_more(app):
    build_commune(app)
    app.portal.settings.save({"retention": {"messages": 6}})
    assert app.portal.retention.preview()["conversations"] == 4  # the conversation answered in June 2025 too


def test_a_validated_absence_request_stays_as_long_as_its_certificate(app):
    made = build_commune(app)
    app.portal.settings.save({"retention": {"certificates": 36}})
    counts = app.portal.retention.run("agent")
    assert (counts.get("certificates", 0), counts["requests"]) == (0, 1)  # only the cancelled change of phone number
    request = app.portal.families.read(ACTIVE).table("requests").get(doc_id=made["old_absence"])
    assert app.portal.certificates.path(ACTIVE, request["payload"]["certificate"]) is not None


def test_the_pre_registration_that_created_an_anonymised_family_goes_with_it(app):
    made = build_commune(app)
    preregistrations = app.portal.preregistrations
    clean, _ = clean_preregistration(NEW_FAMILY)
    with at("2022-01-04T10:00:00"):
        created_it = preregistrations.submit(clean)
    with app.portal.documents.transaction(app.portal.documents.root / "preregistrations.json") as db:
        db.table("preregistrations").update({"status": "validated", "decided_at": "2022-01-05T10:00:00",
                                             "family_id": ANONYMISED}, doc_ids=[created_it])
    app.portal.settings.save({"retention": {"preregistrations": 60}})  # five years: its age alone would keep it
    counts = app.portal.retention.preview()
    assert counts["preregistrations"] == 1
    assert app.portal.retention.run("agent") == counts
    assert [p.doc_id for p in preregistrations.all()] == [made["prereg_kept"], made["prereg_old"],
                                                          made["prereg_pending"]]


def test_a_damaged_family_file_is_logged_and_the_others_are_purged(app, caplog):
    build_commune(app)
    app.portal.families.path(ACTIVE_OLD).write_text("{not json")
    with caplog.at_level(logging.INFO, logger="portal"):
        counts = app.portal.retention.run("agent")
    assert counts == dict(EXPECTED, conversations=2)
    assert f"la famille {ACTIVE_OLD} n'a pas pu être traitée" in caplog.text


def send_attestation(portal, qf: int, sent: str, validated: str) -> int:
    """A CAF change sent with its attestation at `sent`, validated at `validated`: the attestation becomes a pièce."""
    attestation = Piece("attestation-caf", "Attestation CAF", PDF, "pdf", "attestation.pdf")
    with at(sent):
        request_id = submit_request(portal.families, ACTIVE, "caf", {"qf": qf},
                                    attach=attach_pieces(portal.pieces, ACTIVE, [attestation], "f"))
    with at(validated):
        validate_request(portal.families, ACTIVE, request_id, "agent")
    return request_id


def test_validated_pieces_go_after_their_period_with_their_mention_on_the_request(app):
    portal = app.portal
    with at("2022-01-05T10:00:00"):
        portal.families.create(ACTIVE, demo_families()["770400080"], "hash")
    old = send_attestation(portal, 640, "2024-05-20T10:00:00", "2024-06-01T10:00:00")  # before 2024-12-02
    recent = send_attestation(portal, 720, "2025-05-20T10:00:00", "2025-06-01T10:00:00")
    [old_name] = [d["file"] for d in portal.families.read(ACTIVE).table("requests").get(doc_id=old)["documents"]]
    old_file(portal.pieces, ACTIVE, PDF, "pdf")  # a pièce whose deletion a crash interrupted: no row points to it
    portal.settings.save({"retention": {"requests": 60}})  # the requests themselves stay: only their pièces are over
    assert portal.retention.preview() == {"pieces": 1, "unused_files": 1}
    assert portal.retention.run("agent") == {"pieces": 1, "unused_files": 1}
    db = portal.families.read(ACTIVE)
    [kept] = kept_pieces(db)
    assert kept["request_id"] == recent and portal.pieces.names(ACTIVE) == [kept["file"]]
    assert db.table("requests").get(doc_id=old)["documents"] == [] and request_document(db, old, old_name) is None
    assert request_document(db, recent, kept["file"]) is not None
    assert portal.retention.preview() == {} and portal.retention.run("agent") == {}
    assert [entry["counts"] for entry in portal.retention.journal()] == [{"pieces": 1, "unused_files": 1}]
    assert "Pièces justificatives validées : 1" in portal.retention.journal()[0]["summary"]
    portal.settings.save({"retention": {"pieces": 12}})  # a shorter period takes the recent one too
    assert portal.retention.run("agent") == {"pieces": 1} and portal.pieces.names(ACTIVE) == []


def test_periods_are_checked_with_french_messages():
    values = {"messages": "24", "requests": "2", "certificates": "12", "families": "abc", "preregistrations": "12",
              "mails_sent": "90", "mails_failed": "99999", "pieces": "2", "hour": "24"}
    clean, errors = clean_retention_form(values)
    assert errors == {"requests": "Indiquez un nombre entier de mois entre 3 et 120.",
                      "pieces": "Indiquez un nombre entier de mois entre 3 et 120.",
                      "families": "Indiquez un nombre entier de mois entre 12 et 120.",
                      "mails_failed": "Indiquez un nombre entier de jours entre 30 et 3650.",
                      "hour": "Indiquez une heure entière entre 0 et 23."}
    assert clean["messages"] == 24 and clean["mails_sent"] == 90


def test_a_damaged_stored_period_falls_back_to_its_default(app):
    app.portal.settings.save({"retention": {"messages": "beaucoup", "families": 0}})
    values = retention_values(app.portal.settings)
    assert values["messages"] == 24 and values["families"] == 36


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 12, 2), 24, date(2024, 12, 2)), (date(2026, 3, 31), 1, date(2026, 2, 28)),
    (date(2028, 3, 31), 1, date(2028, 2, 29)), (date(2026, 1, 15), 13, date(2024, 12, 15)),
])
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


def test_default_cut_off_days():
    assert cutoffs(date(2026, 12, 2), retention_values({"retention": {}})) == {
        "messages": "2024-12-02", "requests": "2024-12-02", "certificates": "2025-12-02", "families": "2023-12-02",
        "preregistrations": "2025-12-02", "mails_sent": "2026-09-03", "mails_failed": "2025-12-02",
        "pieces": "2024-12-02"}
