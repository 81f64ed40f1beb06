"""A family's account: invoices and payments in its ledger file, amounts in integer cents, said with one vocabulary
(account_figures() computes it all, views/formats.py says it):

- montant de la facture: what was billed for the period (the lines' total; negative for a credit note, an avoir);
- solde antérieur: what the family still owed when the invoice was issued (earlier invoices minus every payment and
  credit), frozen on the invoice;
- montant à payer à l'émission = solde antérieur + montant de la facture, as printed on the archived PDF;
- reste à payer: what is still unpaid on the invoice today, money received and credit notes settling the oldest
  invoices first;
- solde du compte = all invoices - all payments, said "à payer" or "en crédit", never as a bare negative number.

Invariant: solde du compte = sum of the restes à payer - the credit that no invoice has used (unallocated credit).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION
from storage.families import Families, now_iso
from storage.fields import Field, clean_field, parse_euros

PAYMENT_METHODS = {"cheque": "Chèque", "especes": "Espèces", "prelevement": "Prélèvement", "carte": "Carte bancaire"}


def balance_cents(ledger: TinyDB) -> int:
    """What the family owes now (negative when it is in credit)."""
    invoiced = sum(doc["total_cents"] for doc in ledger.table("invoices").all())
    paid = sum(doc["amount_cents"] for doc in ledger.table("payments").all())
    return invoiced - paid


def invoices(ledger: TinyDB) -> list[dict]:
    """The family's invoices, newest first."""
    return sorted(ledger.table("invoices").all(), key=lambda d: (d["issued_on"], d.doc_id), reverse=True)


def invoice_by_id(ledger: TinyDB, invoice_id: int) -> dict | None:
    """One of the family's invoices (ids from URLs are only looked up inside the family's own ledger)."""
    return ledger.table("invoices").get(doc_id=invoice_id)


def payments(ledger: TinyDB) -> list[dict]:
    return sorted(ledger.table("payments").all(), key=lambda d: (d["paid_on"], d.doc_id), reverse=True)


def add_invoice(families: Families, family_id: str, *, number: str, period: str, issued_on: str, due_on: str,
                lines: list[dict], billing_month: str | None = None) -> dict:
    """Store an invoice; its solde antérieur is the balance at the moment it is created.

    Refuses (FileExistsError) a number the family's ledger already holds, so a repeated import adds nothing,
    and an invoice of the billing run for a month that the family already has one for (billing_month).
    """
    total = sum(line["amount_cents"] for line in lines)
    with families.ledger_transaction(family_id) as ledger:
        if any(doc["number"] == number or (billing_month and doc.get("billing_month") == billing_month)
               for doc in ledger.table("invoices").all()):
            raise FileExistsError(number)
        previous = balance_cents(ledger)
        invoice = {
            "schema": SCHEMA_VERSION, "number": number, "billed_to": billed_to(families.record(family_id) or {}), "period": period, "issued_on": issued_on,
            "due_on": due_on, "lines": lines, "total_cents": total, "previous_balance_cents": previous,
            "amount_due_cents": previous + total, "created_at": now_iso(), "billing_month": billing_month,
        }
        ledger.table("invoices").insert(invoice)
    return invoice


def billed_to(record: dict) -> dict:
    """The account holder's name and address as printed on an invoice, frozen when the invoice is issued."""
    parent = record.get("parent1") or {}
    return {"family_id": record.get("family_id", ""),
            "name": f"{parent.get('title', '')} {parent.get('first_name', '')} {parent.get('last_name', '')}".strip(),
            "address": [line for line in (parent.get("address1", ""), parent.get("address2", ""),
                                          f"{parent.get('postcode', '')} {parent.get('city', '')}".strip()) if line]}


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


INVOICE_STATES = {"paid": "Payée", "partial": "Partiellement payée", "unpaid": "À payer", "credit_note": "Avoir"}


@dataclass(frozen=True)
class InvoiceFigures:
    """One invoice in the portal's money words (cents)."""
    number: str
    amount_cents: int            # montant de la facture
    previous_balance_cents: int  # solde antérieur, at issue
    due_at_issue_cents: int      # montant à payer à l'émission
    remaining_cents: int         # reste à payer, today
    state: str                   # a key of INVOICE_STATES

    @property
    def state_label(self) -> str:
        return INVOICE_STATES[self.state]


@dataclass(frozen=True)
class AccountFigures:
    """The whole account today: each invoice's figures (by number), the solde du compte and the unallocated credit."""
    invoices: dict[str, InvoiceFigures]
    balance_cents: int
    unallocated_credit_cents: int
    # the invoice documents, as invoices() lists them (read once for both); not a figure: not compared
    newest_first: list[dict] = field(compare=False)


def account_figures(ledger: TinyDB) -> AccountFigures:
    """Every figure the pages and documents show, from one reading of the ledger.

    The money available to settle invoices is every payment (net of reversals) plus every credit note; it settles
    the invoices in the order they were issued; what is left over is the unallocated credit."""
    in_order = sorted(ledger.table("invoices").all(), key=lambda d: (d["issued_on"], d.doc_id))
    paid = sum(doc["amount_cents"] for doc in ledger.table("payments").all())
    available = paid
    available -= sum(doc["total_cents"] for doc in in_order if doc["total_cents"] < 0)
    figures = {}
    for doc in in_order:
        settled = max(0, min(doc["total_cents"], available))
        available -= settled
        figures[doc["number"]] = InvoiceFigures(
            doc["number"], doc["total_cents"], doc["previous_balance_cents"], doc["amount_due_cents"],
            max(0, doc["total_cents"] - settled), invoice_state(doc["total_cents"], settled))
    balance = sum(doc["total_cents"] for doc in in_order) - paid  # as balance_cents(), from the same reading
    return AccountFigures(figures, balance, available, in_order[::-1])


def invoice_state(amount_cents: int, settled_cents: int) -> str:
    if amount_cents < 0:
        return "credit_note"
    if settled_cents == amount_cents:
        return "paid"
    return "partial" if settled_cents else "unpaid"


STATEMENT_MONTHS = 12  # what the family's relevé shows first: its cost stays the same after years of invoices


def recent_statement_start(today: date) -> str:
    """The first day of the relevé's usual window: the 1st of the month STATEMENT_MONTHS - 1 months before today's."""
    index = today.year * 12 + today.month - 1 - (STATEMENT_MONTHS - 1)
    return date(index // 12, index % 12 + 1, 1).isoformat()


def statement_since(ledger: TinyDB, first_day: str) -> tuple[list[dict], int]:
    """The relevé from first_day on, and how many earlier entries it sums up in its first line.

    The entries dated before first_day become one line, the balance brought forward (kind 'opening'), so the
    running balance and the last line are those of the whole account.
    """
    entries = statement(ledger)
    earlier = sum(1 for entry in entries if entry["date"] < first_day)
    if not earlier:
        return entries, 0
    opening = {"date": first_day, "order": (-1, 0), "kind": "opening",
               "label": "Solde reporté des opérations antérieures", "debit_cents": 0, "credit_cents": 0,
               "balance_cents": entries[earlier - 1]["balance_cents"]}
    return [opening] + entries[earlier:], earlier


def statement(ledger: TinyDB) -> list[dict]:
    """The relevé de compte: invoices and payments in date order, each with the balance after it (positive: owed).

    Débit and crédit are never negative: a credit note (avoir) is a crédit, the reversal of a payment a débit."""
    entries = [{"date": doc["issued_on"], "order": (0, doc.doc_id), "kind": "invoice",
                "label": f"{'Avoir' if doc['total_cents'] < 0 else 'Facture'} {doc['number']}", "period": doc["period"],
                "debit_cents": max(0, doc["total_cents"]), "credit_cents": max(0, -doc["total_cents"]),
                "number": doc["number"]} for doc in ledger.table("invoices").all()]
    entries += [{"date": doc["paid_on"], "order": (1, doc.doc_id), "kind": "payment", "label": payment_label(doc),
                 "debit_cents": max(0, -doc["amount_cents"]), "credit_cents": max(0, doc["amount_cents"])}
                for doc in ledger.table("payments").all()]
    entries.sort(key=lambda e: (e["date"], e["order"]))
    balance = 0
    for entry in entries:
        balance += entry["debit_cents"] - entry["credit_cents"]
        entry["balance_cents"] = balance
    return entries


def payment_label(payment: dict) -> str:
    """'Paiement par chèque n° 123', 'Annulation du paiement …'."""
    method = PAYMENT_METHODS.get(payment["method"], payment["method"]).lower()
    if payment["amount_cents"] < 0:
        return f"Annulation d'un paiement ({method}){' : ' + payment['reference'] if payment.get('reference') else ''}"
    return f"Paiement ({method}){' — ' + payment['reference'] if payment.get('reference') else ''}"


def reverse_payment(families: Families, family_id: str, payment_id: int, *, reversed_on: str, agent: str) -> dict:
    """Correct a mistaken payment with an opposite entry; history is never deleted. Refuses to reverse twice."""
    with families.ledger_transaction(family_id) as ledger:
        table = ledger.table("payments")
        original = table.get(doc_id=int(payment_id))
        if original is None:
            raise KeyError(payment_id)
        if original["amount_cents"] <= 0 or original.get("reversed_by"):
            raise ValueError("Ce paiement a déjà été annulé ou est lui-même une annulation.")
        reversal = {"schema": SCHEMA_VERSION, "paid_on": reversed_on, "amount_cents": -original["amount_cents"],
                    "method": original["method"], "recorded_by": agent, "created_at": now_iso(),
                    "reference": f"annule le paiement du {original['paid_on']} {original.get('reference', '')}".strip(),
                    "reverses": original.doc_id}
        reversal_id = table.insert(reversal)
        table.update({"reversed_by": reversal_id}, doc_ids=[original.doc_id])
    return reversal


COUNTER_METHODS = ("cheque", "especes", "prelevement")  # card payments only arrive through online payment
INVOICE_LINE_ROWS = 8


def clean_payment_form(form: dict) -> tuple[dict, dict]:
    """(clean payment, errors) for a payment received at the counter."""
    clean, errors = {}, {}
    clean["paid_on"], error = clean_field(Field("paid_on", "Date", "date", True), form.get("paid_on", ""))
    if error:
        errors["paid_on"] = error
    clean["amount_cents"], error = parse_euros(form.get("amount", ""))
    if error or not clean["amount_cents"]:
        errors["amount"] = error or "Le montant doit être supérieur à zéro."
    clean["method"] = form.get("method", "")
    if clean["method"] not in COUNTER_METHODS:
        errors["method"] = "Choisissez le mode de paiement."
    clean["reference"] = " ".join((form.get("reference") or "").split())[:60]
    return clean, errors


def clean_invoice_form(form: dict) -> tuple[dict, dict]:
    """(clean invoice header and lines, errors) for an invoice the agent types in."""
    clean, errors = {"lines": []}, {}
    clean["period"] = (form.get("period") or "").strip()
    if not re.fullmatch(r"[0-9]{4}-(0[1-9]|1[0-2])", clean["period"]):
        errors["period"] = "Période invalide (format AAAA-MM, exemple : 2026-11)."
    for name, label in (("issued_on", "Date d'émission"), ("due_on", "Date d'échéance")):
        clean[name], error = clean_field(Field(name, label, "date", True), form.get(name, ""))
        if error:
            errors[name] = error
    for index in range(INVOICE_LINE_ROWS):
        raw = {k: " ".join((form.get(f"line_{k}_{index}") or "").split())[:100]
               for k in ("child", "service", "detail", "quantity", "price")}
        if not any(raw.values()):
            continue
        if not raw["child"] or not raw["service"]:
            errors[f"line_service_{index}"] = f"Ligne {index + 1} : l'enfant et la prestation sont obligatoires."
        if not re.fullmatch(r"[0-9]{1,3}", raw["quantity"]) or int(raw["quantity"]) == 0:
            errors[f"line_quantity_{index}"] = f"Ligne {index + 1} : quantité invalide (nombre entier de 1 à 999)."
        cents, error = parse_euros(raw["price"], allow_negative=True)
        if error:
            errors[f"line_price_{index}"] = f"Ligne {index + 1} : prix unitaire invalide (exemple : 3,85)."
        if not any(key.endswith(f"_{index}") for key in errors):
            clean["lines"].append(invoice_line(raw["child"], raw["service"], int(raw["quantity"]), cents, raw["detail"]))
    if not clean["lines"] and not any(k.startswith("line_") for k in errors):
        errors["line_child_0"] = "Saisissez au moins une ligne de facture."
    return clean, errors
