"""Export « Paiements »: every payment recorded in the families' ledgers over a period of payment dates (both
included): online card payments with the bank's transaction and authorisation numbers, payments at the counter,
direct debits, and reversals (negative amounts, storage/ledger.py reverse_payment), then the totals per type.

The totals are those of the families' relevés de compte: a payment is a crédit of its family's relevé on its date, a
reversal a débit (storage/ledger.py statement()); the net total is the sum of the crédits minus these débits.
"""
from __future__ import annotations

from typing import Callable, Iterator

from storage.ledger import PAYMENT_METHODS
from storage.wording import plural
from storage.exports.csv_file import Cents
from storage.exports.scan import ledger_files
from storage.exports.values import date_cell, instant_cell

HEADER = ("Date", "N° famille", "Famille", "Type", "Mode de paiement", "Montant (€)", "Référence",
          "N° de transaction (banque)", "N° d'autorisation (banque)", "Référence du paiement en ligne",
          "Annule le paiement du", "Enregistré par", "Enregistré le")
TYPES = {"online": "Paiement en ligne", "counter": "Paiement au guichet", "debit": "Prélèvement",
         "reversal": "Annulation de paiement"}
TOTAL = "Total"
NET_TOTAL = "Total net des paiements"


def payment_type(payment: dict) -> str:
    """The key of TYPES a payment belongs to."""
    if payment["amount_cents"] < 0:
        return "reversal"
    if payment["method"] == "carte":
        return "online"
    return "debit" if payment["method"] == "prelevement" else "counter"


def payment_row(family_id: str, name: str, payment: dict, reversed_on: str) -> list:
    return [date_cell(payment["paid_on"]), family_id, name, TYPES[payment_type(payment)],
            PAYMENT_METHODS.get(payment["method"], payment["method"]), Cents(payment["amount_cents"]),
            payment.get("reference", ""), payment.get("transaction", ""), payment.get("authorization", ""),
            payment.get("online_reference", ""), date_cell(reversed_on), payment.get("recorded_by", ""),
            instant_cell(payment.get("created_at"))]


class PaymentTotals:
    """Sum and count per type, kept while the lines are written."""

    def __init__(self):
        self.cents = dict.fromkeys(TYPES, 0)
        self.counts = dict.fromkeys(TYPES, 0)

    def add(self, payment: dict) -> None:
        kind = payment_type(payment)
        self.cents[kind] += payment["amount_cents"]
        self.counts[kind] += 1

    @property
    def net_cents(self) -> int:
        return sum(self.cents.values())

    def rows(self) -> list[list]:
        """A blank line, then one line per type and the net total (type in the Type column, sum in Montant)."""
        blank = [""] * len(HEADER)
        lines = [blank]
        for kind, label in list(TYPES.items()) + [("net", NET_TOTAL)]:
            cents = self.net_cents if kind == "net" else self.cents[kind]
            count = sum(self.counts.values()) if kind == "net" else self.counts[kind]
            lines.append([TOTAL, "", "", label, "", Cents(cents), plural(count, "opération")] + [""] * 6)
        return lines


def payment_rows(families, first_day: str, last_day: str, family_name: Callable[[str], str],
                 totals: PaymentTotals | None = None) -> Iterator[list]:
    """The header, each payment dated from first_day to last_day (ISO, both included) by family number then date,
    then the totals per type."""
    totals = totals if totals is not None else PaymentTotals()
    yield list(HEADER)
    for family_id, ledger in ledger_files(families):
        payments = ledger.table("payments").all()
        chosen = sorted((p for p in payments if first_day <= p["paid_on"] <= last_day),
                        key=lambda p: (p["paid_on"], p.doc_id))
        if not chosen:
            continue
        dates = {p.doc_id: p["paid_on"] for p in payments}
        name = family_name(family_id)
        for payment in chosen:
            totals.add(payment)
            yield payment_row(family_id, name, payment, dates.get(payment.get("reverses"), ""))
    yield from totals.rows()
