"""A generated town opens and serves family reads (the storage's scale test).

Runs on 2,000 families by default: generating 10,000 takes 11-20 s on the 2-CPU CI machine (about
1 ms of CPU per family, plus file creation), which with create_app would take this one test past
20 s. The full size is one variable away:

    PORTAL_TOWN_FAMILIES=10000 python -m pytest tests/unit/test_town_scale.py

The timing targets themselves (read < 1 ms, write < 20 ms, start-up < 3 s, RSS < 150 MB) are measured
by `python -m tests.perf.bench_storage`, not asserted here: a shared CI machine is too noisy for that.
"""
from __future__ import annotations

import json
import os
import random
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # plain `pytest` without a root conftest does not put the repo on sys.path
    sys.path.insert(0, str(REPO))

from stdnum import iban  # noqa: E402
from tinydb import TinyDB  # noqa: E402

from portal import create_app  # noqa: E402
from storage import clock  # noqa: E402
from storage.documents import DocumentStore, read_raw  # noqa: E402
from storage.families import Families, record_of  # noqa: E402
from storage.fields import clean_field  # noqa: E402
from storage.ledger import account_figures, add_invoice, add_payment, balance_cents, statement  # noqa: E402
from storage.passwords import verify_password  # noqa: E402
from storage.requests import pending_requests, validate_request  # noqa: E402
from storage.sections import RECORD_SECTIONS, SECTIONS, current_values  # noqa: E402
from tests.perf.generate_town import generate_town  # noqa: E402

FAMILIES = int(os.environ.get("PORTAL_TOWN_FAMILIES", "2000"))


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("town")
    stats = generate_town(data_dir, FAMILIES, seed=7)
    started = time.perf_counter()
    app = create_app(data_dir)
    startup = time.perf_counter() - started
    return data_dir, stats, app, startup


def test_index_counts_every_family_and_pending_request(town):
    data_dir, stats, app, startup = town
    assert stats.families == FAMILIES
    assert len(app.portal.index) == FAMILIES
    assert app.portal.index.pending_count() == stats.pending_requests
    # About 20 % of the families have a pending request, about 2 children per family.
    assert 0.15 * FAMILIES < stats.pending_requests < 0.25 * FAMILIES
    assert 1.8 * FAMILIES < stats.children < 2.1 * FAMILIES
    assert len(app.portal.index.with_pending_requests()) == len(
        {s.family_id for s in app.portal.index.with_pending_requests()})
    assert startup < 30  # a sanity bound only; bench_storage measures the real figure


def test_a_family_read_returns_its_record(town):
    data_dir, stats, app, _ = town
    families = app.portal.families
    for family_id in random.Random(1).sample(stats.family_ids, 20):
        record = record_of(families.read(family_id))
        assert record["family_id"] == family_id
        assert record["parent1"]["last_name"]
        assert record["children"] and all(child["extra"] and child["health"] for child in record["children"])
        summary = app.portal.index.get(family_id)
        assert summary.name.startswith(record["parent1"]["last_name"].upper())
        assert len(summary.children) == len(record["children"])
    assert families.read("999999999") is None


def test_generated_values_pass_the_portal_validation(town):
    """The generator writes what a family could have typed: every field cleans to itself."""
    data_dir, stats, app, _ = town
    for family_id in random.Random(2).sample(stats.family_ids, 40):
        record = record_of(app.portal.families.read(family_id))
        targets = [(key, None) for key in RECORD_SECTIONS if key != "parent2" or record["parent2"]]
        targets += [(key, c["id"]) for c in record["children"] for key in ("child_extra", "child_health")]
        targets += [("person", p["id"]) for p in record["persons"]]
        for key, target_id in targets:
            values = current_values(record, SECTIONS[key], target_id)
            for field in SECTIONS[key].fields:
                value = values.get(field.name)
                if field.kind == "bool":
                    assert isinstance(value, bool), (family_id, key, field.name)
                    continue
                clean, error = clean_field(field, "" if value is None else str(value))
                assert error is None and clean == value, (family_id, key, field.name, value, error)
        assert iban.is_valid(record["bank"]["iban"])


def replay_ledger(generated: TinyDB, families: Families, family_id: str) -> list[tuple[dict, dict]]:
    """Enter a generated ledger's invoices and payments through storage.ledger, in the order they happened, into
    an empty family; returns (generated invoice, invoice as storage stored it) pairs."""
    families.create(family_id, {"children": []}, "unused")
    events = [(doc["created_at"], 0, doc) for doc in generated.table("invoices").all()]
    events += [(doc["created_at"], 1, doc) for doc in generated.table("payments").all()]
    pairs = []
    for _, kind, doc in sorted(events, key=lambda event: event[:2]):
        if kind == 0:
            stored = add_invoice(families, family_id, number=doc["number"], period=doc["period"],
                                 issued_on=doc["issued_on"], due_on=doc["due_on"], lines=doc["lines"])
            pairs.append((doc, stored))
        else:
            add_payment(families, family_id, paid_on=doc["paid_on"], amount_cents=doc["amount_cents"],
                        method=doc["method"], reference=doc["reference"])
    return pairs


def test_generated_ledgers_hold_what_the_ledger_code_computes(town, tmp_path):
    """The generator writes ledgers directly: entered one by one through storage.ledger, each invoice gets the
    same solde antérieur and amount due, and the relevé and the balance agree."""
    data_dir, stats, app, _ = town
    replayed_families = Families(DocumentStore(tmp_path))
    for family_id in random.Random(3).sample(stats.family_ids, 40):
        generated = app.portal.families.read_ledger(family_id)
        assert len(generated.table("invoices")) == 12
        pairs = replay_ledger(generated, replayed_families, family_id)
        money = ("number", "total_cents", "previous_balance_cents", "amount_due_cents")
        for made, stored in pairs:
            assert [made[key] for key in money] == [stored[key] for key in money]
        replayed = replayed_families.read_ledger(family_id)
        assert balance_cents(generated) == balance_cents(replayed) >= 0
        assert statement(generated)[-1]["balance_cents"] == balance_cents(generated)
        assert account_figures(generated) == account_figures(replayed)


def test_accounts_and_agent_can_log_in(town):
    data_dir, stats, app, _ = town
    account = json.loads((data_dir / "families" / f"{stats.family_ids[0]}.json").read_text("utf-8"))["account"]["1"]
    assert verify_password("demo2026", account["password_hash"])
    assert verify_password("agent2026", app.portal.agents.get("agent")["password_hash"])


def test_a_pending_request_validates_and_the_index_follows(town):
    data_dir, stats, app, _ = town
    families, index = app.portal.families, app.portal.index
    summary = index.with_pending_requests()[0]
    db = families.read(summary.family_id)
    request = pending_requests(db)[0]
    before = index.pending_count()
    decision = validate_request(families, summary.family_id, request.doc_id, "agent")
    assert decision.outcome == "validated"
    assert index.pending_count() == before - 1
    record = record_of(families.read(summary.family_id))
    section = SECTIONS[request["section"]]
    if request["action"] == "update":
        values = current_values(record, section, request["target_id"])
        assert all(values.get(c["field"]) == c["after"] for c in request["changes"])
    else:
        assert any(p["last_name"] == next(c["after"] for c in request["changes"] if c["field"] == "last_name")
                   for p in record["persons"])


@pytest.fixture(scope="module")
def old_town(tmp_path_factory):
    """A small town after five years: 60 invoices per family, each number in the commune's register."""
    data_dir = tmp_path_factory.mktemp("town5")
    stats = generate_town(data_dir, 60, seed=11, years=5)
    return data_dir, stats, create_app(data_dir)


def test_five_year_town_numbers_are_in_the_register_and_new_ones_follow(old_town):
    data_dir, stats, app = old_town
    numbers, families = app.portal.numbers, app.portal.families
    assert stats.invoices == 60 * 60
    for family_id in random.Random(4).sample(stats.family_ids, 10):
        ledger = families.read_ledger(family_id)
        issued = ledger.table("invoices").all()
        assert len(issued) == 60 and len({i["period"] for i in issued}) == 60
        assert all(numbers.invoice_owner(i["number"]) == family_id for i in issued)
        assert statement(ledger)[-1]["balance_cents"] == balance_cents(ledger)
        other = next(f for f in stats.family_ids if f != family_id)
        with pytest.raises(ValueError, match="déjà utilisé"):
            numbers.reserve_invoices({issued[0]["number"]: other})
    year = clock.today().year
    assert numbers.next_invoice_numbers(year, stats.family_ids[:3]) == [f"F{year}-00000{n}" for n in (1, 2, 3)]
    shards = list((data_dir / "invoice-numbers").glob("*.json"))
    sizes = [len(read_raw(path)["invoice_numbers"]["1"]["owners"]) for path in shards]
    assert sum(sizes) == stats.invoices + 3 and max(sizes) <= 1000


def test_five_year_town_history_reaches_the_agent_views(old_town):
    data_dir, stats, app = old_town
    announcements = read_raw(data_dir / "announcements.json")["announcements"]
    assert len(announcements) == 5 * 6
    audit_years = {entry["at"][:4] for family_id in stats.family_ids
                   for entry in app.portal.families.read(family_id).table("audit").all()}
    assert len(audit_years) >= 5
    assert app.portal.index.recent_audit(limit=5)
    assert len(app.portal.index) == 60
