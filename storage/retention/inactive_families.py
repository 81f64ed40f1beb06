"""Families whose account the town hall deactivated and that show no activity for the families period: anonymised
when accounting must keep their invoices and payments (amounts, numbers and dates stay, nothing else), deleted
entirely otherwise; their uploads, mails and pre-registration go with them."""
from __future__ import annotations

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION
from storage.families import account_of, record_of
from storage.retention.scope import FamilyData, Limits, local_midnight, replace_single

ANONYMISED, DELETED = "anonymised", "deleted"
# The dates a family's documents carry: the latest of them is the family's last activity.
ACTIVITY_FIELDS = ("created_at", "decided_at", "at", "read_at", "issued_on", "paid_on", "password_changed_at",
                   "deactivated_at", "validated_at")
MAIL_PERIODS = {"sent": "mails_sent", "failed": "mails_failed"}


def last_activity(data: FamilyData) -> str:
    """The latest date any document of the family's two files carries ('' when none does)."""
    latest = ""
    for db in (data.db, data.ledger):
        for name in db.tables():
            for document in db.table(name).all():
                for name_of_date in ACTIVITY_FIELDS:
                    value = document.get(name_of_date)
                    if isinstance(value, str) and value > latest:
                        latest = value
    return latest


def _inactive(data: FamilyData, limits: Limits) -> bool:
    account = account_of(data.db)
    return (account.get("active", True) is False and not account.get("anonymised_at")
            and last_activity(data) < limits.before["families"])


def _has_accounts(ledger: TinyDB) -> bool:
    """Invoices or payments, which accounting must keep."""
    return bool(len(ledger.table("invoices")) or len(ledger.table("payments")))


def _close(data: FamilyData, limits: Limits, how: str) -> None:
    """Everything else the family leaves: every upload, its mails, its pre-registration (those of them the age rules
    do not take anyway, so that no mail or pre-registration is counted twice)."""
    data.closed = how
    for files in data.uploads:
        data.doomed_files += [(files, name) for name in files.names(data.family_id)]
    outbox = data.stores.outbox
    for status, period in MAIL_PERIODS.items():
        old = set(outbox.ids_created_before(status, local_midnight(limits.before[period])))
        young = [mail_id for mail_id in outbox.family_mail_ids(status, data.family_id) if mail_id not in old]
        data.doomed_mails += [(status, mail_id) for mail_id in young]
        data.also_counted[period] += len(young)
    kept = data.stores.preregistrations.decided_of_family(data.family_id, since=limits.before["preregistrations"])
    data.doomed_preregistrations += kept
    data.also_counted["preregistrations"] += len(kept)


def delete_inactive_family(data: FamilyData, limits: Limits) -> int:
    """A deactivated family without invoice or payment, inactive for the period: it goes entirely."""
    if not _inactive(data, limits) or _has_accounts(data.ledger):
        return 0
    _close(data, limits, DELETED)
    return 1


def anonymise_inactive_family(data: FamilyData, limits: Limits) -> int:
    """A deactivated family with invoices or payments, inactive for the period: only its accounts stay, nameless."""
    if not _inactive(data, limits) or not _has_accounts(data.ledger):
        return 0
    anonymise(data, limits.now)
    _close(data, limits, ANONYMISED)
    return 1


def anonymise(data: FamilyData, now: str) -> None:
    """Keep the amounts, numbers and dates of the accounts; drop every name, address, contact, bank, tax, CAF and
    health datum, the children, persons, requests, messages and history. The balance and the relevé do not change."""
    db, ledger, family_id = data.db, data.ledger, data.family_id
    record, account = record_of(db), account_of(db)
    replace_single(db.table("record"), {
        "schema": SCHEMA_VERSION, "family_id": family_id, "created_at": record.get("created_at", ""),
        "anonymised_at": now, "parent1": {}, "parent2": None, "tax": {}, "caf": {}, "bank": {}, "persons": [],
        "children": []})
    replace_single(db.table("account"), {
        "schema": SCHEMA_VERSION, "password_hash": "", "active": False, "temporary_password": False,
        "password_link": None, "deactivated_at": account.get("deactivated_at"), "anonymised_at": now})
    for name in set(db.tables()) - {"record", "account"}:
        db.drop_table(name)
    invoices = ledger.table("invoices")
    for invoice in invoices.all():
        invoices.update({"billed_to": {"family_id": family_id, "name": "", "address": []},
                         "lines": [dict(line, child="", detail="") for line in invoice.get("lines", [])]},
                        doc_ids=[invoice.doc_id])
    attempts = ledger.table("online_payments")
    for attempt in attempts.all():
        if attempt.get("email"):
            attempts.update({"email": ""}, doc_ids=[attempt.doc_id])
