"""The demo commune tells a story a town would recognise, whatever the day it is created: invoices only for months
already past and already issued, priced by the services' own QF brackets, only for the services each child is
enrolled in (the portal's billing run made them), nothing dated after today, vaccinations between birth and today;
and it keeps its shape: MARTIN owes money with a partly paid invoice, ABDEL owes, LEROY is in credit, two requests
wait, messages, enrolments and an absence."""
from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import clock
from storage.billing import family_lines, preview_billing
from storage.demo import DEMO_ACCOUNTS, seed_demo
from storage.demo_calendar import issue_day, public_holidays
from storage.documents import DocumentStore
from storage.enrolments import active_enrolments
from storage.families import Families, child_by_id, record_of
from storage.ledger import account_figures
from storage.requests import pending_requests
from storage.sections import SECTIONS, clean_section
from storage.services import Services, price_cents

# The suite's day (tests/conftest.py), the last day of a month, a school-holiday Sunday, the summer, a New Year.
CREATION_DAYS = ["2026-12-02T09:00:00", "2026-11-30T18:00:00", "2027-03-28T10:00:00", "2027-08-15T12:00:00",
                 "2028-01-03T08:00:00"]


@pytest.fixture(params=CREATION_DAYS)
def demo(request):
    """(families, services by id, today) of a demo created on that day, the clock staying pinned there."""
    with clock.pinned(request.param), tempfile.TemporaryDirectory(prefix="pf-demo-") as folder:
        assert seed_demo(Path(folder))
        documents = DocumentStore(Path(folder))
        yield Families(documents), {s["id"]: s for s in Services(documents).all()}, clock.today()


def every_invoice(families: Families):
    for family_id in sorted(families.ids()):
        for invoice in families.read_ledger(family_id).table("invoices").all():
            yield family_id, invoice


def test_invoices_are_for_months_past_and_issued_by_today_on_a_working_day(demo):
    families, _, today = demo
    months = set()
    for family_id, invoice in every_invoice(families):
        month = date.fromisoformat(invoice["period"] + "-01")
        issued = date.fromisoformat(invoice["issued_on"])
        months.add(month)
        assert issued <= today and issued == issue_day(month), (family_id, invoice["number"])
        assert issued.weekday() < 5 and issued not in public_holidays(issued.year)
        assert invoice["billing_month"] == invoice["period"]  # made by the billing run
        assert invoice["due_on"] > invoice["issued_on"]
    assert len(months) == 3 and max(months) < today.replace(day=1)


def test_each_line_is_a_service_the_child_is_enrolled_in_at_the_familys_qf_price(demo):
    families, services, _ = demo
    for family_id, invoice in every_invoice(families):
        db = families.read(family_id)
        record = record_of(db)
        enrolled = {(child_by_id(record, e["child_id"])["first_name"], services[e["service_id"]]["name"]): e
                    for e in active_enrolments(db)}
        for line in invoice["lines"]:
            enrolment = enrolled.get((line["child"], line["service"]))
            assert enrolment is not None, f"{family_id}: {line['child']} is not enrolled in {line['service']}"
            service = services[enrolment["service_id"]]
            assert line["unit_price_cents"] == price_cents(service, record["caf"]["qf"]), (family_id, line)
        assert invoice["lines"] == family_lines(db, services, invoice["period"])  # what the billing run bills


def test_the_billing_run_finds_every_demo_month_already_billed(demo):
    families, services, _ = demo
    for month in {invoice["period"] for _, invoice in every_invoice(families)}:
        preview = preview_billing(families, services, month)
        assert preview.invoices == [] and sorted(preview.already_billed) == sorted(DEMO_ACCOUNTS)


def test_nothing_in_the_demo_is_dated_after_today(demo):
    families, _, today = demo
    now = clock.now().isoformat()
    for family_id in families.ids():
        db, ledger = families.read(family_id), families.read_ledger(family_id)
        assert all(p["paid_on"] <= today.isoformat() for p in ledger.table("payments").all())
        assert all(m["created_at"] <= now for m in db.table("messages").all())
        assert all(a["declared_at"] <= now and a["end"] <= today.isoformat() for a in db.table("absences").all())
        assert all(e["created_at"] <= now for e in db.table("enrolments").all())
        assert all(r["created_at"] <= now for r in db.table("requests").all())


def test_children_vaccinations_lie_between_birth_and_today_and_pass_the_field_rules(demo):
    families, _, today = demo
    for family_id in families.ids():
        record = families.record(family_id)
        for child in record["children"]:
            born = date.fromisoformat(child["birth_date"])
            assert today - timedelta(days=12 * 366) < born < today - timedelta(days=3 * 365)
            for vaccination in child["health"]["vaccinations"]:
                assert child["birth_date"] <= vaccination["date"] <= today.isoformat(), (child["first_name"], vaccination)
            form = {f"vaccinations_{key}_{index}": value for index, row in enumerate(child["health"]["vaccinations"])
                    for key, value in row.items()}
            _, errors = clean_section(SECTIONS["child_health"], form, record, today, target_id=child["id"])
            assert errors == {}, (child["first_name"], errors)


def test_the_demo_keeps_its_shape(demo):
    families, _, _ = demo
    figures = {family_id: account_figures(families.read_ledger(family_id)) for family_id in DEMO_ACCOUNTS}
    martin, abdel, leroy = (figures[f] for f in ("770400070", "770400080", "770400090"))
    assert martin.balance_cents > 0 and [f.state for f in martin.invoices.values()] == ["paid", "partial", "unpaid"]
    assert abdel.balance_cents > 0 and [f.state for f in abdel.invoices.values()] == ["paid", "paid", "unpaid"]
    assert leroy.balance_cents < 0 and leroy.unallocated_credit_cents == -leroy.balance_cents
    dbs = {family_id: families.read(family_id) for family_id in DEMO_ACCOUNTS}
    assert sum(len(pending_requests(db)) for db in dbs.values()) == 2
    assert all(active_enrolments(db) for db in dbs.values())
    assert len(dbs["770400070"].table("absences")) == 1
    assert len(dbs["770400070"].table("messages")) == 3 and len(dbs["770400080"].table("messages")) == 1
    absence = dbs["770400070"].table("absences").all()[0]
    last = max(families.read_ledger("770400070").table("invoices").all(), key=lambda doc: doc["issued_on"])
    assert absence["start"][:7] == last["period"] and not any(day["billed"] for day in absence["days"])
