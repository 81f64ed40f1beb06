"""The retention purge on a generated town with four years of history (tests/perf/generate_town.py), run a year and a
half after the town's last day with the families period at its shortest (12 months): what is left is only what the
periods allow, every deactivated family is anonymised with its invoices still adding up, nobody finds it by name, the
preview counted what the run did, and a second run removes nothing more. Validated pièces older than their period go
(file, row and the request's mention), the recent ones stay."""
from __future__ import annotations

from datetime import date

import pytest

from portal import create_app
from storage import clock
from storage.families import account_of, family_name, record_of, set_family_active
from storage.ledger import account_figures, balance_cents, statement
from storage.messages import threads_of
from storage.pieces.checks import Piece
from storage.pieces.family import attach_pieces
from storage.requests import submit_request, validate_request
from storage.retention.periods import cutoffs, retention_values
from tests.perf.generate_town import generate_town

TOWN_DAY = date(2025, 12, 2)
RUN_AT = "2027-06-15T03:00:00"
FAMILIES = 40
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
# (sent, validated) of the attestations CAF of two active families: at RUN_AT the pièces' cut-off is 2025-06-15
PIECES = [("2025-02-20T10:00:00", "2025-03-01T10:00:00"), ("2025-12-20T10:00:00", "2026-01-10T10:00:00")]


@pytest.fixture
def town(tmp_path):
    """The generated town, three more of its families deactivated a fortnight before its last day."""
    data_dir = tmp_path / "town"
    stats = generate_town(data_dir, FAMILIES, seed=5, today=TOWN_DAY, years=4, password_hash="not-a-real-hash",
                          agent_password_hash="not-a-real-hash")
    app = create_app(data_dir)
    with clock.pinned("2025-11-15T10:00:00"):
        for family_id in stats.family_ids[3:6]:
            set_family_active(app.portal.families, family_id, False)
    for family_id in stats.family_ids[:2]:
        for qf, (sent, validated) in enumerate(PIECES, start=500):
            attestation = Piece("attestation-caf", "Attestation CAF", PDF, "pdf", "attestation.pdf")
            with clock.pinned(sent):
                request_id = submit_request(app.portal.families, family_id, "caf", {"qf": qf},
                                            attach=attach_pieces(app.portal.pieces, family_id, [attestation], "f"))
            with clock.pinned(validated):
                validate_request(app.portal.families, family_id, request_id, "agent")
    app.portal.settings.save({"retention": {"families": 12}})
    yield app, stats
    app.portal.close()


def accounts(families, family_id: str) -> tuple:
    ledger = families.read_ledger(family_id)
    invoices = sorted((i["number"], i["issued_on"], i["total_cents"], i["amount_due_cents"])
                      for i in ledger.table("invoices").all())
    return balance_cents(ledger), statement(ledger), invoices, account_figures(ledger)


def test_the_purge_of_a_generated_town(town):
    app, stats = town
    families, index = app.portal.families, app.portal.index
    deactivated = [f for f in stats.family_ids if not account_of(families.read(f)).get("active", True)]
    assert len(deactivated) >= 3
    names = {f: family_name(record_of(families.read(f))) for f in deactivated}
    before = {f: accounts(families, f) for f in deactivated}
    active_records = {f: record_of(families.read(f)) for f in stats.family_ids if f not in deactivated}
    with clock.pinned(RUN_AT):
        limits = cutoffs(clock.today(), retention_values(app.portal.settings))
        preview = app.portal.retention.preview()
        assert preview["families_anonymised"] == len(deactivated)
        assert preview["conversations"] > 0 and preview["requests"] > 0 and preview["audit_details"] > 0
        assert preview["pieces"] == 2  # the two attestations validated in March 2025
        assert app.portal.retention.run("portail") == preview
        assert app.portal.retention.preview() == {}
        assert app.portal.retention.run("portail") == {}
    assert len(index) == FAMILIES  # anonymised, not deleted: they have invoices
    kept_messages = kept_requests = kept_pieces = 0
    for family_id in stats.family_ids:
        db = families.read(family_id)
        if family_id in deactivated:
            assert set(db.tables()) == {"record", "account"}
            assert record_of(db)["parent1"] == {} and record_of(db)["children"] == []
            assert accounts(families, family_id) == before[family_id]  # same balance, relevé, invoices, statuses
            balance, entries, _, _ = before[family_id]
            assert entries[-1]["balance_cents"] == balance
            assert family_id not in {s.family_id for s in index.search(names[family_id])}
            continue
        assert record_of(db) == active_records[family_id]  # an active family's record is never touched
        for piece in db.table("pieces").all():
            assert piece["validated_at"] >= limits["pieces"]
            assert app.portal.pieces.path(family_id, piece["file"]) is not None
            kept_pieces += 1
        assert len(app.portal.pieces.names(family_id)) == len(db.table("pieces"))  # no file left without its row
        assert all(app.portal.pieces.path(family_id, document["file"]) is not None  # no request names a lost file
                   for request in db.table("requests").all() for document in request.get("documents") or [])
        threads = threads_of(db)
        assert all(thread.last_at >= limits["messages"] for thread in threads)
        kept_messages += len(threads)
        for request in db.table("requests").all():
            assert request["status"] == "pending" or request["decided_at"] >= limits["requests"]
            kept_requests += request["status"] != "pending"
        for line in db.table("audit").all():
            old = line["at"] < limits["requests"]
            assert old == bool(line.get("details_removed_on"))
            assert not old or all(set(change) == {"field", "label"} for change in line["changes"])
    assert kept_messages > 0 and kept_requests > 0  # the recent history is still there
    assert kept_pieces == 2  # the attestations of January 2026
