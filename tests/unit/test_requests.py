"""The request lifecycle: submit (record untouched), validate (merged once), conflicts, cancel, withdraw."""
from __future__ import annotations

import copy

import pytest

from storage.demo import demo_families
from storage.documents import DocumentStore
from storage.families import RECORD_ID, Families, record_of
from storage.index import FamilyIndex
from storage.requests import (RequestRefused, all_requests, cancel_request, pending_requests, pending_values,
                              submit_request, validate_request, withdraw_request)
from storage.sections import SECTIONS, set_values

FAMILY = "770400070"


@pytest.fixture
def families(tmp_path):
    families = Families(DocumentStore(tmp_path))
    families.create(FAMILY, copy.deepcopy(demo_families()[FAMILY]), "hash")
    return families


def record(families):
    return families.record(FAMILY)


def new_parent1(families, **changes):
    return dict(record(families)["parent1"], **changes)


def edit_directly(families, section_key, values, target_id=None):
    """What an agent's direct edit (or another validated request) does to the record."""
    with families.transaction(FAMILY) as db:
        current = record_of(db)
        set_values(current, SECTIONS[section_key], target_id, values)
        db.table("record").update(current, doc_ids=[RECORD_ID])


def get_request(families, request_id):
    return families.read(FAMILY).table("requests").get(doc_id=request_id)


def audit(families):
    return families.read(FAMILY).table("audit").all()


NEW_PERSON = {"last_name": "BENALI", "first_name": "Samira", "relationship": "Voisine",
              "phone_mobile": "06 77 88 99 00", "phone_home": "", "may_pick_up": True, "emergency_contact": False,
              "children": ["1"]}


def test_submit_stores_a_pending_request_and_leaves_the_record_unchanged(families):
    before = record(families)
    request_id = submit_request(families, FAMILY, "parent1", new_parent1(families, phone_mobile="06 00 00 00 01"))
    assert record(families) == before
    request = get_request(families, request_id)
    assert request["status"] == "pending"
    assert request["section"] == "parent1" and request["action"] == "update"
    assert request["created_by"] == FAMILY and request["created_at"]
    assert request["schema"] == 1
    assert request["changes"] == [{"field": "phone_mobile", "label": "Téléphone portable",
                                   "before": "06 12 34 56 78", "after": "06 00 00 00 01"}]


def test_submit_with_nothing_changed_is_refused_in_french(families):
    with pytest.raises(RequestRefused, match="Aucune modification"):
        submit_request(families, FAMILY, "parent1", new_parent1(families))
    assert families.read(FAMILY).table("requests").all() == []


def test_empty_values_count_as_unchanged(families):
    """'' in the form and None or a missing key in the record are the same: no spurious change."""
    requested = dict(new_parent1(families), address2="", phone_work="")
    with pytest.raises(RequestRefused):
        submit_request(families, FAMILY, "parent1", requested)


def test_submit_for_a_target_not_in_the_family_is_refused(families):
    with pytest.raises(RequestRefused, match="n'existe pas"):
        submit_request(families, FAMILY, "child_extra", {"class_name": "CM2"}, target_id="99")


def test_pending_values_show_what_the_family_asked(families):
    submit_request(families, FAMILY, "tax", {"income": 40000, "parts": "3", "year": 2025})
    submit_request(families, FAMILY, "tax", {"income": 39000, "parts": "3,5", "year": 2025})
    values = pending_values(families.read(FAMILY), "tax")
    assert values == {"income": 39000, "parts": "3,5"}  # the latest request wins
    assert pending_values(families.read(FAMILY), "caf") == {}


def test_validate_merges_the_request_and_records_who_and_when(families):
    request_id = submit_request(families, FAMILY, "parent1", new_parent1(families, phone_mobile="06 00 00 00 01",
                                                                          city="Melun"))
    decision = validate_request(families, FAMILY, request_id, agent="agent")
    assert decision.outcome == "validated"
    parent = record(families)["parent1"]
    assert parent["phone_mobile"] == "06 00 00 00 01" and parent["city"] == "Melun"
    assert parent["first_name"] == "Sophie"  # untouched fields stay
    request = get_request(families, request_id)
    assert request["status"] == "validated" and request["decided_by"] == "agent" and request["decided_at"]
    [entry] = audit(families)
    assert entry["action"] == "validated" and entry["by"] == "agent" and entry["request_id"] == request_id
    assert {c["field"] for c in entry["changes"]} == {"phone_mobile", "city"}


def test_validate_child_section(families):
    request_id = submit_request(families, FAMILY, "child_extra", {"class_name": "CM1", "school": "École Jules Ferry"},
                                target_id="1", target_label="Léa MARTIN")
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "validated"
    lea = record(families)["children"][0]
    assert lea["extra"]["class_name"] == "CM1"
    assert lea["extra"]["insurance_company"] == "MAIF"


def test_validate_twice_applies_once(families):
    request_id = submit_request(families, FAMILY, "person", NEW_PERSON, action="add", target_label="Samira BENALI")
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "validated"
    second = validate_request(families, FAMILY, request_id, "agent")
    assert second.outcome == "already_decided"
    persons = record(families)["persons"]
    assert [p["last_name"] for p in persons] == ["DUPONT", "BENALI"]
    assert len(audit(families)) == 1


def test_conflict_when_the_record_changed_since_the_request(families):
    request_id = submit_request(families, FAMILY, "parent1", new_parent1(families, phone_mobile="06 00 00 00 01"))
    edit_directly(families, "parent1", {"phone_mobile": "07 99 99 99 99"})

    decision = validate_request(families, FAMILY, request_id, "agent")
    assert decision.outcome == "conflict"
    assert decision.conflicts == [{"field": "phone_mobile", "label": "Téléphone portable",
                                   "before": "06 12 34 56 78", "after": "06 00 00 00 01",
                                   "current": "07 99 99 99 99"}]
    assert record(families)["parent1"]["phone_mobile"] == "07 99 99 99 99"  # nothing merged
    assert get_request(families, request_id)["status"] == "pending"
    assert audit(families) == []

    confirmed = validate_request(families, FAMILY, request_id, "agent", confirm_conflicts=True)
    assert confirmed.outcome == "validated"
    assert record(families)["parent1"]["phone_mobile"] == "06 00 00 00 01"
    assert audit(families)[0]["overrode_conflicts"] is True


def test_change_to_another_field_is_not_a_conflict(families):
    request_id = submit_request(families, FAMILY, "parent1", new_parent1(families, phone_mobile="06 00 00 00 01"))
    edit_directly(families, "parent1", {"city": "Melun"})
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "validated"
    parent = record(families)["parent1"]
    assert (parent["phone_mobile"], parent["city"]) == ("06 00 00 00 01", "Melun")


def test_cancel_with_reason_leaves_the_record_and_tells_why(families):
    before = record(families)
    request_id = submit_request(families, FAMILY, "tax", {"income": 1, "parts": "3", "year": 2025})
    decision = cancel_request(families, FAMILY, request_id, "agent", reason="Avis d'imposition illisible.")
    assert decision.outcome == "cancelled"
    assert record(families) == before
    request = get_request(families, request_id)
    assert request["status"] == "cancelled" and request["reason"] == "Avis d'imposition illisible."
    assert audit(families)[0]["action"] == "cancelled"
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "already_decided"
    assert record(families) == before


def test_family_withdraws_a_pending_request(families):
    before = record(families)
    request_id = submit_request(families, FAMILY, "tax", {"income": 1, "parts": "3", "year": 2025})
    assert withdraw_request(families, FAMILY, request_id).outcome == "withdrawn"
    assert get_request(families, request_id)["status"] == "withdrawn"
    assert pending_requests(families.read(FAMILY)) == []
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "already_decided"
    assert withdraw_request(families, FAMILY, request_id).outcome == "already_decided"
    assert record(families) == before


def test_add_person_gets_a_new_id(families):
    request_id = submit_request(families, FAMILY, "person", NEW_PERSON, action="add", target_label="Samira BENALI")
    assert len(record(families)["persons"]) == 1
    decision = validate_request(families, FAMILY, request_id, "agent")
    added = record(families)["persons"][1]
    assert added["id"] == 2 and added["first_name"] == "Samira" and added["children"] == ["1"]
    assert decision.request["target_id"] == 2
    assert get_request(families, request_id)["target_id"] == 2


def test_remove_person(families):
    request_id = submit_request(families, FAMILY, "person", {}, action="remove", target_id="1",
                                target_label="Jeanne DUPONT")
    request = get_request(families, request_id)
    assert {c["field"] for c in request["changes"]} >= {"last_name", "first_name"}
    assert all(c["after"] is None for c in request["changes"])
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "validated"
    assert record(families)["persons"] == []


def test_request_on_a_person_removed_meanwhile_reports_target_missing(families):
    update_id = submit_request(families, FAMILY, "person", {"phone_home": "01 02 03 04 05"}, target_id="1")
    remove_id = submit_request(families, FAMILY, "person", {}, action="remove", target_id="1")
    assert validate_request(families, FAMILY, remove_id, "agent").outcome == "validated"
    assert validate_request(families, FAMILY, update_id, "agent").outcome == "target_missing"
    assert get_request(families, update_id)["status"] == "pending"


def test_unknown_request_id(families):
    with pytest.raises(KeyError):
        validate_request(families, FAMILY, 404, "agent")


def test_all_requests_newest_first(families):
    first = submit_request(families, FAMILY, "tax", {"income": 1})
    second = submit_request(families, FAMILY, "tax", {"income": 2})
    assert [r.doc_id for r in all_requests(families.read(FAMILY))] == [second, first]


def test_agent_index_follows_submissions_and_decisions(families):
    index = FamilyIndex(families)
    index.rebuild()
    assert index.pending_count() == 0
    request_id = submit_request(families, FAMILY, "tax", {"income": 1})
    assert index.pending_count() == 1
    assert [s.family_id for s in index.with_pending_requests()] == [FAMILY]
    validate_request(families, FAMILY, request_id, "agent")
    assert index.pending_count() == 0


def test_index_entry_is_rebuilt_when_its_update_fails_after_a_stored_write(families, monkeypatch, caplog):
    """A listener error must neither fail the family's request nor leave the agent's lists stale."""
    import storage.index

    index = FamilyIndex(families)
    index.rebuild()
    real_summarise = storage.index.summarise
    calls = []

    def summarise_failing_once(family_id, db):
        calls.append(family_id)
        if len(calls) == 1:
            raise ValueError("unexpected document shape")
        return real_summarise(family_id, db)

    monkeypatch.setattr(storage.index, "summarise", summarise_failing_once)
    request_id = submit_request(families, FAMILY, "tax", {"income": 1})
    assert get_request(families, request_id)["status"] == "pending"  # stored, and no exception came out
    assert index.pending_count() == 1
    assert [p["id"] for p in index.get(FAMILY).pending] == [request_id]
    assert any(r.name == "portal" and r.exc_info for r in caplog.records)


def test_index_keeps_a_bare_entry_for_a_family_it_cannot_summarise(families, monkeypatch):
    import storage.index

    index = FamilyIndex(families)
    index.rebuild()
    submit_request(families, FAMILY, "tax", {"income": 1})
    assert index.pending_count() == 1
    monkeypatch.setattr(storage.index, "summarise", lambda family_id, db: 1 / 0)
    with families.transaction(FAMILY) as db:
        db.table("requests").truncate()
    assert index.pending_count() == 0  # not the stale pending request
    assert [s.family_id for s in index.search(FAMILY)] == [FAMILY]
