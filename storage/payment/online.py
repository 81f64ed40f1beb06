"""Online card payments: each attempt (our reference, the amount asked, its status) lives in the family's ledger
file, and the bank's verified notification turns a paid attempt into ONE card payment in the same transaction.

Only record_notification() records money. A replayed or concurrent copy of a notification finds the attempt
already paid under the ledger's lock and records nothing more; a forged, changed or unknown one records nothing
and is logged ("portal.payment").
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from tinydb import TinyDB

from storage import clock
from storage.documents import SCHEMA_VERSION
from storage.families import Families, is_family_id, now_iso
from storage.ledger import balance_cents
from storage.payment.gateway import InvalidNotification, PaymentGateway
from storage.payment.of_the_day import note_online_payment

ATTEMPTS = "online_payments"  # table of the ledger file
PENDING, PAID, FAILED = "pending", "paid", "failed"
STATUS_LABELS = {PENDING: "En cours", PAID: "Payé", FAILED: "Non abouti"}
RECORDED_BY = "paiement en ligne"
log = logging.getLogger("portal.payment")


@dataclass(frozen=True)
class Outcome:
    """What a notification did: 'paid', 'failed' (refused/cancelled, nothing owed changes), 'duplicate' or 'rejected'."""
    status: str
    reference: str = ""
    reason: str = ""

    @property
    def accepted(self) -> bool:
        """True when the notification was genuine and consistent (the bank gets a 200 for it)."""
        return self.status != "rejected"


def new_reference(family_id: str, now: datetime | None = None) -> str:
    """A reference unique per attempt, that names the family: '770400070-20261203101500-9f3a1c2b'."""
    return f"{family_id}-{(now or clock.now()):%Y%m%d%H%M%S}-{secrets.token_hex(4)}"


def family_of_reference(reference: str) -> str | None:
    family_id = (reference or "").split("-", 1)[0]
    return family_id if is_family_id(family_id) else None


def find_attempt(ledger: TinyDB, reference: str):
    """The attempt with that reference in this ledger, or None."""
    return next((doc for doc in ledger.table(ATTEMPTS).all() if doc["reference"] == reference), None)


def attempts(ledger: TinyDB) -> list[dict]:
    """The family's attempts, newest first."""
    return sorted(ledger.table(ATTEMPTS).all(), key=lambda d: (d["created_at"], d.doc_id), reverse=True)


def start_attempt(families: Families, family_id: str, email: str) -> dict | None:
    """A new attempt to pay the whole amount due now; None when the family owes nothing."""
    with families.ledger_transaction(family_id) as ledger:
        due = balance_cents(ledger)
        if due <= 0:
            return None
        attempt = {"schema": SCHEMA_VERSION, "reference": new_reference(family_id), "amount_cents": due,
                   "email": email, "status": PENDING, "created_at": now_iso(), "result_code": "",
                   "notifications": 0}
        ledger.table(ATTEMPTS).insert(attempt)
    return attempt


def record_notification(families: Families, gateway: PaymentGateway, raw_message: str) -> Outcome:
    """Check the bank's notification and, when it says paid, record the payment once (method 'carte')."""
    try:
        notification = gateway.verify_notification(raw_message)
    except InvalidNotification as error:
        log.warning("Notification de paiement refusée (%s) : %.300s", error, raw_message)
        return Outcome("rejected", reason=str(error))
    reference = notification.reference
    family_id = family_of_reference(reference)
    if family_id is None or not families.exists(family_id):
        log.warning("Notification de paiement pour une référence inconnue : %s", reference)
        return Outcome("rejected", reference, "référence inconnue")
    with families.ledger_transaction(family_id) as ledger:
        table = ledger.table(ATTEMPTS)
        attempt = find_attempt(ledger, reference)
        if attempt is None:
            log.warning("Notification de paiement pour une référence inconnue : %s", reference)
            return Outcome("rejected", reference, "référence inconnue")
        if notification.amount_cents != attempt["amount_cents"]:
            log.error("Notification de paiement %s : montant %d ≠ montant demandé %d ; rien n'est enregistré",
                      reference, notification.amount_cents, attempt["amount_cents"])
            return Outcome("rejected", reference, "montant différent du montant demandé")
        if attempt["status"] == PAID:
            log.info("Notification de paiement %s répétée : déjà enregistrée, rien de plus", reference)
            return Outcome("duplicate", reference)
        changes = {"notifications": attempt.get("notifications", 0) + 1, "result_code": notification.result_code,
                   "transaction": notification.transaction, "notified_at": now_iso()}
        if not notification.paid:
            table.update(dict(changes, status=FAILED), doc_ids=[attempt.doc_id])
            log.info("Paiement en ligne %s non abouti (code %s)", reference, notification.result_code)
            return Outcome("failed", reference, notification.result_code)
        payment_id = ledger.table("payments").insert({
            "schema": SCHEMA_VERSION, "paid_on": clock.today().isoformat(), "amount_cents": attempt["amount_cents"],
            "method": "carte", "reference": f"réf. {reference}", "recorded_by": RECORDED_BY,
            "created_at": now_iso(), "online_reference": reference,
            "authorization": notification.authorization, "transaction": notification.transaction})
        table.update(dict(changes, status=PAID, authorization=notification.authorization, payment_id=payment_id,
                          paid_at=now_iso()), doc_ids=[attempt.doc_id])
    note_online_payment(families.documents, family_id, reference, attempt["amount_cents"])
    log.info("Paiement en ligne %s enregistré : %d centimes, famille %s", reference, attempt["amount_cents"], family_id)
    return Outcome("paid", reference)
