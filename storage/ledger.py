"""A family's account: invoices and payments in its ledger file, amounts in integer cents.

An invoice always carries the solde antérieur: what the family still owed before it (earlier invoices
minus every payment and credit), so amount due = solde antérieur + the period's total.
"""
from __future__ import annotations

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION
from storage.families import Families, now_iso

PAYMENT_METHODS = {"cheque": "Chèque", "especes": "Espèces", "prelevement": "Prélèvement", "carte": "Carte bancaire"}


def balance_cents(ledger: TinyDB) -> int:
    """What the family owes now (negative when it is in credit)."""
    invoiced = sum(doc["total_cents"] for doc in ledger.table("invoices").all())
    paid = sum(doc["amount_cents"] for doc in ledger.table("payments").all())
    return invoiced - paid


def invoices(ledger: TinyDB) -> list[dict]:
    """The family's invoices, newest first."""
    return sorted(ledger.table("invoices").all(), key=lambda d: (d["issued_on"], d.doc_id), reverse=True)


def payments(ledger: TinyDB) -> list[dict]:
    return sorted(ledger.table("payments").all(), key=lambda d: (d["paid_on"], d.doc_id), reverse=True)


def add_invoice(families: Families, family_id: str, *, number: str, period: str, issued_on: str, due_on: str,
                lines: list[dict]) -> dict:
    """Store an invoice; its solde antérieur is the balance at the moment it is created."""
    total = sum(line["amount_cents"] for line in lines)
    with families.ledger_transaction(family_id) as ledger:
        previous = balance_cents(ledger)
        invoice = {
            "schema": SCHEMA_VERSION, "number": number, "period": period, "issued_on": issued_on,
            "due_on": due_on, "lines": lines, "total_cents": total, "previous_balance_cents": previous,
            "amount_due_cents": previous + total, "created_at": now_iso(),
        }
        ledger.table("invoices").insert(invoice)
    return invoice


def add_payment(families: Families, family_id: str, *, paid_on: str, amount_cents: int, method: str,
                reference: str = "", recorded_by: str = "") -> dict:
    """Record money received (a negative amount is a reversing entry that corrects a mistake)."""
    if method not in PAYMENT_METHODS:
        raise ValueError(method)
    payment = {"schema": SCHEMA_VERSION, "paid_on": paid_on, "amount_cents": int(amount_cents), "method": method,
               "reference": reference, "recorded_by": recorded_by, "created_at": now_iso()}
    with families.ledger_transaction(family_id) as ledger:
        ledger.table("payments").insert(payment)
    return payment


def invoice_line(child: str, service: str, quantity: int, unit_price_cents: int, detail: str = "") -> dict:
    """One invoice line; amount = quantity × unit price, in cents."""
    return {"child": child, "service": service, "detail": detail, "quantity": quantity,
            "unit_price_cents": unit_price_cents, "amount_cents": quantity * unit_price_cents}
