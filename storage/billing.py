"""The monthly billing run: booked days of active enrolments, minus absences that are not billed, priced by
the family's quotient familial bracket, become one invoice per family (with its solde antérieur).

A month is billed at most once per family: the invoice remembers its billing month. The month and the invoice
dates lie in the calendar window around today (storage/dates.py).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from tinydb import TinyDB

from storage.counters import Numbers
from storage.dates import in_window, last_day, parse_day, parse_month
from storage.absences import absent_days
from storage.enrolments import active_enrolments
from storage.families import Families, child_by_id, record_of
from storage.ledger import add_invoice, invoice_line
from storage.services import opening_days, price_cents
from storage.wording import plural


def month_bounds(month: str) -> tuple[date, date]:
    """'2026-11' -> (1 November, 30 November)."""
    first = date.fromisoformat(month + "-01")
    return first, last_day(first)


def clean_billing_run(month: str, issued_on: str, due_on: str, today: date) -> tuple[dict, dict]:
    """(clean month and dates, French errors) of the billing run form: all in the calendar window, due after issued."""
    errors = {}
    first, error = parse_month(month, today)
    if error:
        errors["mois"] = error
    issued, due = parse_day(issued_on), parse_day(due_on)
    for name, day in (("issued_on", issued), ("due_on", due)):
        if day is None or not in_window(day, today):
            errors[name] = "Date invalide ou hors de la période permise."
    if issued and due and "issued_on" not in errors and "due_on" not in errors and due < issued:
        errors["due_on"] = "La date d'échéance doit suivre la date d'émission."
    if errors:
        return {}, errors
    return {"month": first.isoformat()[:7], "issued_on": issued.isoformat(), "due_on": due.isoformat()}, {}


def family_lines(db: TinyDB, services: dict[str, dict], month: str) -> list[dict]:
    """Invoice lines of one family for a month: one line per child and service."""
    first, last = month_bounds(month)
    record = record_of(db)
    qf = (record.get("caf") or {}).get("qf")
    days_by_key: dict[tuple, set] = {}
    for enrolment in active_enrolments(db):
        service = services.get(enrolment["service_id"])
        low, high = max(first, date.fromisoformat(enrolment["start"])), min(last, date.fromisoformat(enrolment["end"]))
        if service is None or low > high:
            continue
        days = {d.isoformat() for d in opening_days(service, low, high, enrolment["weekdays"])}
        days -= absent_days(db, enrolment["child_id"], service["id"], billed=False)
        days_by_key.setdefault((enrolment["child_id"], service["id"]), set()).update(days)
    lines = []
    for (child_id, service_id), days in sorted(days_by_key.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        if not days:
            continue
        child = child_by_id(record, child_id) or {}
        service = services[service_id]
        lines.append(invoice_line(child.get("first_name", "?"), service["name"], len(days), price_cents(service, qf),
                                  plural(len(days), "jour")))
    return lines


@dataclass
class BillingPreview:
    month: str
    invoices: list[dict] = field(default_factory=list)   # {family_id, lines, total_cents}
    already_billed: list[str] = field(default_factory=list)
    totals_by_service: dict[str, int] = field(default_factory=dict)

    @property
    def total_cents(self) -> int:
        return sum(i["total_cents"] for i in self.invoices)


def preview_billing(families: Families, services: dict[str, dict], month: str) -> BillingPreview:
    """What the billing run would create, without writing anything."""
    preview = BillingPreview(month)
    for family_id in sorted(families.ids()):
        db = families.read(family_id)
        if db is None or not db.table("enrolments").all():
            continue
        if any(inv.get("billing_month") == month for inv in families.read_ledger(family_id).table("invoices").all()):
            preview.already_billed.append(family_id)
            continue
        lines = family_lines(db, services, month)
        if lines:
            total = sum(line["amount_cents"] for line in lines)
            preview.invoices.append({"family_id": family_id, "lines": lines, "total_cents": total})
            for line in lines:
                preview.totals_by_service[line["service"]] = preview.totals_by_service.get(line["service"], 0) + line["amount_cents"]
    return preview


_RUNNING = threading.Lock()  # one billing run at a time: a double click must not burn invoice numbers


def run_billing(families: Families, services: dict[str, dict], numbers: Numbers, month: str, *, issued_on: str,
                due_on: str, on_created: Callable[[str, dict], None] | None = None) -> int:
    """Create the month's invoices; families already billed for that month are skipped. Returns how many.
    on_created(family id, invoice) runs right after each invoice is stored (the family's mail)."""
    with _RUNNING:
        return _run_billing(families, services, numbers, month, issued_on, due_on, on_created)


def _run_billing(families, services, numbers, month, issued_on, due_on, on_created) -> int:
    preview = preview_billing(families, services, month)
    created = 0
    reserved = numbers.next_invoice_numbers(int(issued_on[:4]), [i["family_id"] for i in preview.invoices])
    for invoice, number in zip(preview.invoices, reserved):
        try:
            stored = add_invoice(families, invoice["family_id"], number=number, period=month, issued_on=issued_on,
                                 due_on=due_on, lines=invoice["lines"], billing_month=month)
        except FileExistsError:
            continue  # billed meanwhile (two runs at once): never twice
        created += 1
        if on_created is not None:
            on_created(invoice["family_id"], stored)
    return created
