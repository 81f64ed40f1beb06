"""Decisions in batches (storage/batch_decisions.py): one write per family file, conflicts set aside, a repeated batch
decides nothing twice, keys of another section or of no request decide nothing; and the table's rows come from the
index (storage/request_table.py)."""
from __future__ import annotations

import copy
from datetime import datetime

import pytest

from storage import clock
from storage.batch_decisions import decide_batch, parse_keys
from storage.demo import demo_families
from storage.documents import DocumentStore
from storage.families import RECORD_ID, Families, record_of
from storage.index import FamilyIndex
from storage.request_table import TableQuery, pending_rows
from storage.requests import submit_request
from storage.sections import SECTIONS, current_values, set_values

A, B, C = "770400070", "770400080", "770400090"


@pytest.fixture
def families(tmp_path):
    families = Families(DocumentStore(tmp_path))
    for family_id in (A, B, C):
        families.create(family_id, copy.deepcopy(demo_families()[family_id]), "hash")
    return families


def ask_quotient(families, family_id: str, qf: int) -> int:
    current = current_values(families.record(family_id), SECTIONS["caf"])
    return submit_request(families, family_id, "caf", dict(current, qf=qf))


def ask_phone(families, family_id: str, phone: str) -> int:
    current = current_values(families.record(family_id), SECTIONS["parent1"])
    return submit_request(families, family_id, "parent1", dict(current, phone_mobile=phone))


def change_quotient_directly(families, family_id: str, qf: int) -> None:
    with families.transaction(family_id) as db:
        record = record_of(db)
        set_values(record, SECTIONS["caf"], None, {"qf": qf})
        db.table("record").update(record, doc_ids=[RECORD_ID])


def writes_per_file(families) -> dict:
    counts = {}
    families.documents.on_commit(lambda path, db: counts.__setitem__(path.stem, counts.get(path.stem, 0) + 1))
    return counts


def status(families, family_id: str, request_id: int) -> str:
    return families.read(family_id).table("requests").get(doc_id=request_id)["status"]


def audit_lines(families, family_id: str) -> list:
    return families.read(family_id).table("audit").all()


def test_a_batch_writes_each_family_file_once_whatever_its_number_of_requests(families):
    first = ask_quotient(families, A, 555)
    second = ask_phone(families, A, "06 11 22 33 44")
    other = ask_phone(families, B, "06 55 66 77 88")
    writes = writes_per_file(families)
    keys = [f"{A}-{second}", f"{B}-{other}"]
    result = decide_batch(families, keys, "parent1", "validate", "agent")
    assert writes == {A: 1, B: 1}
    assert result.count("decided") == 2
    assert families.record(A)["parent1"]["phone_mobile"] == "06 11 22 33 44"
    assert status(families, A, first) == "pending"  # of another section: not in the batch


def test_each_decision_of_a_batch_is_audited_as_a_single_one(families):
    ids = [ask_quotient(families, family_id, 600 + n) for n, family_id in enumerate((A, B))]
    decide_batch(families, [f"{A}-{ids[0]}", f"{B}-{ids[1]}"], "caf", "cancel", "agent", reason="Attestation illisible")
    for family_id, request_id in ((A, ids[0]), (B, ids[1])):
        line = audit_lines(families, family_id)[-1]
        assert (line["action"], line["by"], line["request_id"], line["reason"]) == \
            ("cancelled", "agent", request_id, "Attestation illisible")
        request = families.read(family_id).table("requests").get(doc_id=request_id)
        assert (request["status"], request["reason"], request["decided_by"]) == ("cancelled", "Attestation illisible",
                                                                                 "agent")


def test_a_request_in_conflict_is_never_validated_by_a_batch(families):
    stale = ask_quotient(families, A, 555)
    fresh = ask_quotient(families, B, 666)
    change_quotient_directly(families, A, 700)
    result = decide_batch(families, [f"{A}-{stale}", f"{B}-{fresh}"], "caf", "validate", "agent")
    assert status(families, A, stale) == "pending"
    assert families.record(A)["caf"]["qf"] == 700
    assert families.record(B)["caf"]["qf"] == 666
    (aside,) = [decision for family in result.families for decision in family.set_aside]
    assert aside.outcome == "conflict" and [c["label"] for c in aside.conflicts] == ["Quotient familial (€)"]


def test_the_same_batch_posted_twice_decides_nothing_twice(families):
    keys = [f"{family_id}-{ask_quotient(families, family_id, 500 + n)}" for n, family_id in enumerate((A, B, C))]
    first = decide_batch(families, keys, "caf", "validate", "agent")
    audit_before = {family_id: len(audit_lines(families, family_id)) for family_id in (A, B, C)}
    writes = writes_per_file(families)
    again = decide_batch(families, keys, "caf", "validate", "agent")
    assert (first.count("decided"), again.count("decided"), again.count("already")) == (3, 0, 3)
    assert {family_id: len(audit_lines(families, family_id)) for family_id in (A, B, C)} == audit_before
    assert writes == {}  # nothing decided: no file written


def test_keys_of_another_section_of_no_request_or_of_no_family_decide_nothing(families):
    phone = ask_phone(families, A, "06 11 22 33 44")
    result = decide_batch(families, [f"{A}-{phone}", f"{B}-99", "123456789-1", "../etc-1", "770400070"],
                          "caf", "validate", "agent")
    assert result.count("decided") == 0
    assert sorted(result.unknown) == sorted([f"{A}-{phone}", f"{B}-99", "123456789-1", "../etc-1", "770400070"])
    assert status(families, A, phone) == "pending"


def test_keys_are_grouped_by_family_in_the_order_given_without_repeats():
    grouped, malformed = parse_keys(["1-2", "3-1", "1-2", "1-1", "x-1", ""])
    assert grouped == {"1": [2, 1], "3": [1]}
    assert malformed == ["x-1", ""]


def test_the_table_reads_the_index_oldest_first_filters_and_knows_the_conflicts(families):
    with clock.pinned(datetime(2026, 9, 1, 9, 0)):
        ask_quotient(families, B, 610)
    with clock.pinned(datetime(2026, 9, 3, 9, 0)):
        ask_quotient(families, A, 620)
    with clock.pinned(datetime(2026, 9, 5, 9, 0)):
        ask_quotient(families, C, 630)
        ask_phone(families, C, "06 11 22 33 44")
    index = FamilyIndex(families)
    index.rebuild()
    change_quotient_directly(families, A, 700)  # the index follows every commit

    def ids(**query):
        return [(summary.family_id, pending["stale"]) for summary, pending in pending_rows(index, TableQuery("caf", **query))]
    assert ids() == [(B, False), (A, True), (C, False)]
    assert ids(since="2026-09-02", until="2026-09-04") == [(A, True)]
    assert ids(family=C) == [(C, False)]
    assert ids(state="sans-conflit") == [(B, False), (C, False)]
    assert ids(state="conflit") == [(A, True)]
    names = [summary.name for summary, _ in pending_rows(index, TableQuery("caf", sort="famille"))]
    assert names == sorted(names)
