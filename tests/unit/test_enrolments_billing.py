"""Enrolments and absences as requests (one per child, checked again when the agent validates), the billed flag of
each absent day, the agent's billing choice, and the monthly billing run checked against a hand-computed example:
never twice the same month for a family (also with runs in parallel), a preview that writes nothing, and the
solde antérieur carried on the invoices it creates.
"""
from __future__ import annotations

import threading
import time
from datetime import date, datetime
from types import SimpleNamespace

import pytest

from portal import register_request_kinds
from storage.billing import family_lines, month_bounds, preview_billing, run_billing
from storage.counters import Numbers
from storage.documents import DocumentStore
from storage.absences import (absence_choices, absent_days, booked_days, clean_absence_form, days_summary,
                              submit_absence)
from storage.enrolments import active_enrolments, clean_enrolment_form, submit_enrolments
from storage.families import Families, record_of
from storage.ledger import add_invoice, add_payment, invoice_line
from storage.requests import validate_request
from storage.services import Services
from storage.wording import plural

MON, TUE, WED, THU, FRI = range(5)
TODAY = date(2026, 11, 20)  # the day the families fill in their forms, unless a test says otherwise
MARTIN, DURAND = "100", "200"  # QF 780 (second bracket) / QF unknown (highest price)

SCHOOL = [{"start": "2026-09-01", "end": "2026-10-16"}, {"start": "2026-11-02", "end": "2026-12-18"}]


def brackets(low: int, mid: int, high: int) -> list[dict]:
    """Prices for QF up to 600, up to 1000, and above."""
    return [{"qf_max": 600, "price_cents": low}, {"qf_max": 1000, "price_cents": mid},
            {"qf_max": None, "price_cents": high}]


CANTINE = {"id": "cantine", "name": "Restauration scolaire", "weekdays": [MON, TUE, THU, FRI], "periods": SCHOOL,
           "closed_dates": ["2026-11-11", "2026-12-08"], "brackets": brackets(180, 300, 385),
           "notice_working_days": 2, "notice_time": "10:00", "active": True}
SOIR = dict(CANTINE, id="soir", name="Accueil du soir", brackets=brackets(160, 210, 260))
MERCREDI = dict(CANTINE, id="mercredi", name="Mercredi loisirs", weekdays=[WED], closed_dates=[],
                brackets=brackets(600, 950, 1200))


def _child(child_id: int, first_name: str) -> dict:
    return {"id": child_id, "first_name": first_name, "last_name": "TEST", "birth_date": "2018-01-01"}


@pytest.fixture
def town(tmp_path):
    """Two families and three services in a fresh data folder (enrolment requests registered, as create_app does)."""
    register_request_kinds()
    documents = DocumentStore(tmp_path / "data")
    families = Families(documents)
    services = Services(documents)
    for service in (CANTINE, SOIR, MERCREDI):
        services.save(service)
    families.create(MARTIN, {"caf": {"qf": 780}, "children": [_child(1, "Léa"), _child(2, "Tom")]}, "hash")
    families.create(DURAND, {"caf": {"qf": None}, "children": [_child(1, "Nina")]}, "hash")
    return SimpleNamespace(root=tmp_path / "data", families=families, services=services,
                           numbers=Numbers(documents, families))


def catalogue(town) -> dict:
    return {s["id"]: s for s in town.services.active()}


def ask_enrolment(town, family_id, children, service_id, start, end, weekdays=(), today=TODAY) -> list[int]:
    """What the family's form does: clean, then one request per child."""
    form = {"children": [str(c) for c in children], "service": service_id, "start": start, "end": end,
            "weekdays": [str(d) for d in weekdays]}
    clean, errors = clean_enrolment_form(form, town.families.record(family_id), catalogue(town), today)
    assert errors == {}
    return submit_enrolments(town.families, family_id, clean, town.services.get(service_id))


def decide(town, family_id, request_id, billing="auto"):
    return validate_request(town.families, family_id, request_id, "agent",
                            options={"services": town.services, "billing": billing})


def enrolled(town, family_id, children, service_id, start, end, weekdays=()) -> None:
    """An enrolment asked for and validated."""
    for request_id in ask_enrolment(town, family_id, children, service_id, start, end, weekdays):
        assert decide(town, family_id, request_id).outcome == "validated"


def declare(town, family_id, child, service_id, start, end, declared_at, reason="maladie", certificate=None) -> int:
    """What the family's absence form does, at the moment declared_at."""
    db = town.families.read(family_id)
    form = {"child_service": [f"{child}:{service_id}"], "start": start, "end": end, "reason": reason, "comment": ""}
    clean, errors = clean_absence_form(form, db, record_of(db), catalogue(town), declared_at.date())
    assert errors == {}
    declared = submit_absence(town.families, family_id, clean, catalogue(town), declared_at, certificate)
    [request_id] = declared.request_ids
    return request_id


def request_of(town, family_id, request_id):
    return town.families.read(family_id).table("requests").get(doc_id=request_id)


def enrolments_of(town, family_id) -> list[dict]:
    return active_enrolments(town.families.read(family_id))


def data_files(root) -> dict:
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- enrolment requests -----------------------------------------------------------------------------------

def test_enrolling_two_children_creates_one_pending_request_each(town):
    ids = ask_enrolment(town, MARTIN, [1, 2], "cantine", "2026-12-01", "2026-12-18")
    assert len(ids) == 2
    first, second = (request_of(town, MARTIN, i) for i in ids)
    assert [first["target_id"], second["target_id"]] == [1, 2]
    assert [first["target_label"], second["target_label"]] == ["Léa TEST", "Tom TEST"]
    for request, child in ((first, 1), (second, 2)):
        assert request["section"] == "enrolment" and request["status"] == "pending"
        assert request["payload"] == {"child_id": child, "service_id": "cantine", "start": "2026-12-01",
                                      "end": "2026-12-18", "weekdays": [MON, TUE, THU, FRI]}
        changes = {c["field"]: c["after"] for c in request["changes"]}
        assert changes == {"service": "Restauration scolaire", "period": "du 01/12/2026 au 18/12/2026",
                           "weekdays": "lundi, mardi, jeudi, vendredi", "price": 300}  # QF 780: 3,00 €
    assert enrolments_of(town, MARTIN) == []  # nothing active before the agent decides


def test_each_child_request_is_decided_on_its_own(town):
    lea, tom = ask_enrolment(town, MARTIN, [1, 2], "cantine", "2026-12-01", "2026-12-18")
    assert decide(town, MARTIN, tom).outcome == "validated"
    assert [e["child_id"] for e in enrolments_of(town, MARTIN)] == [2]
    assert request_of(town, MARTIN, lea)["status"] == "pending"


def test_request_shows_the_price_of_the_family_bracket(town):
    (request_id,) = ask_enrolment(town, DURAND, [1], "cantine", "2026-12-01", "2026-12-18")
    price = next(c for c in request_of(town, DURAND, request_id)["changes"] if c["field"] == "price")
    assert price["after"] == 385  # QF unknown: the highest price


def test_no_weekday_chosen_means_every_opening_weekday_and_closed_ones_are_dropped(town):
    services = catalogue(town)
    record = town.families.record(MARTIN)
    base = {"children": ["1"], "service": "cantine", "start": "2026-12-01", "end": "2026-12-18"}
    clean, errors = clean_enrolment_form(dict(base, weekdays=[]), record, services, TODAY)
    assert errors == {} and clean["weekdays"] == [MON, TUE, THU, FRI]
    clean, errors = clean_enrolment_form(dict(base, weekdays=["1", "2"]), record, services, TODAY)
    assert errors == {} and clean["weekdays"] == [TUE]  # Wednesday: the canteen is closed


@pytest.mark.parametrize("changes, field, message", [
    ({"children": []}, "children", "Choisissez au moins un de vos enfants."),
    ({"children": ["9"]}, "children", "Choisissez au moins un de vos enfants."),       # no such child here
    ({"children": ["1", "9"]}, "children", "Choisissez au moins un de vos enfants."),  # one forged id among two
    ({"service": ""}, "service", "Choisissez un service."),
    ({"service": "piscine"}, "service", "Choisissez un service."),
    ({"start": "31/02/2026"}, "start", "Date invalide : utilisez le format JJ/MM/AAAA."),
    ({"end": ""}, "end", "Ce champ est obligatoire."),
    ({"start": "2026-12-18", "end": "2026-12-01"}, "end", "La date de fin doit être après la date de début."),
    ({"start": "2026-11-02", "end": "2026-11-13"}, "end", "La période est déjà passée."),
    ({"start": "2026-12-08", "end": "2026-12-09"}, "start",  # a closed date, then a Wednesday
     "Le service n'est ouvert aucun de ces jours : vérifiez les dates et les jours choisis."),
    ({"start": "2026-12-21", "end": "2026-12-31"}, "end",   # after the last period
     "Le service est ouvert du 01/09/2026 au 18/12/2026 : choisissez des dates dans cette période."),
    ({"start": "1900-01-01", "end": "9999-12-31"}, "start",
     "Le service est ouvert du 01/09/2026 au 18/12/2026 : choisissez des dates dans cette période."),
])
def test_enrolment_form_errors_in_french(town, changes, field, message):
    form = dict({"children": ["1"], "service": "cantine", "start": "2026-12-01", "end": "2026-12-18",
                 "weekdays": []}, **changes)
    _, errors = clean_enrolment_form(form, town.families.record(MARTIN), catalogue(town), date(2026, 11, 20))
    assert errors[field] == message


def test_withdrawn_service_cannot_be_chosen(town):
    town.services.save(dict(SOIR, active=False))
    form = {"children": ["1"], "service": "soir", "start": "2026-12-01", "end": "2026-12-18", "weekdays": []}
    _, errors = clean_enrolment_form(form, town.families.record(MARTIN), catalogue(town), TODAY)
    assert errors == {"service": "Choisissez un service."}


def test_choosing_only_weekdays_the_service_is_closed_is_an_error(town):
    form = {"children": ["1"], "service": "cantine", "start": "2026-12-01", "end": "2026-12-18", "weekdays": ["2"]}
    clean, errors = clean_enrolment_form(form, town.families.record(MARTIN), catalogue(town), TODAY)
    assert "weekdays" in errors or "start" in errors, clean


def test_forged_empty_weekday_does_not_crash_the_enrolment_form(town):
    form = {"children": ["1"], "service": "cantine", "start": "2026-12-01", "end": "2026-12-18",
            "weekdays": ["0", ""]}
    clean, errors = clean_enrolment_form(form, town.families.record(MARTIN), catalogue(town), TODAY)
    assert errors or clean["weekdays"] == [MON]


# --- validation: overlaps and opening -----------------------------------------------------------------------

OVERLAP = ("Inscription impossible : elle chevauche l'inscription existante du 02/11/2026 au 04/12/2026 "
           "au même service.")


@pytest.fixture
def lea_mon_tue(town):
    """Léa at the canteen on Mondays and Tuesdays from 02/11 to Friday 04/12/2026."""
    enrolled(town, MARTIN, [1], "cantine", "2026-11-02", "2026-12-04", [MON, TUE])
    return town


def test_overlapping_enrolment_is_refused_at_validation(lea_mon_tue):
    town = lea_mon_tue
    (request_id,) = ask_enrolment(town, MARTIN, [1], "cantine", "2026-12-01", "2026-12-18", [TUE, THU])
    decision = decide(town, MARTIN, request_id)
    assert decision.outcome == "refused"
    assert decision.message == OVERLAP
    assert request_of(town, MARTIN, request_id)["status"] == "pending"  # the agent may still cancel it
    assert len(enrolments_of(town, MARTIN)) == 1


def test_same_child_same_dates_other_weekdays_is_allowed(lea_mon_tue):
    town = lea_mon_tue
    (request_id,) = ask_enrolment(town, MARTIN, [1], "cantine", "2026-12-01", "2026-12-18", [THU, FRI])
    assert decide(town, MARTIN, request_id).outcome == "validated"
    assert sorted(tuple(e["weekdays"]) for e in enrolments_of(town, MARTIN)) == [(MON, TUE), (THU, FRI)]


def test_shared_last_day_overlaps_the_day_after_does_not(town):
    enrolled(town, MARTIN, [1], "soir", "2026-11-02", "2026-12-04", [FRI])  # last evening: Friday 04/12
    (shared,) = ask_enrolment(town, MARTIN, [1], "soir", "2026-12-04", "2026-12-18", [FRI])
    decision = decide(town, MARTIN, shared)
    assert decision.outcome == "refused" and "chevauche" in decision.message
    (after,) = ask_enrolment(town, MARTIN, [1], "soir", "2026-12-05", "2026-12-18", [FRI])
    assert decide(town, MARTIN, after).outcome == "validated"


def test_enrolments_without_a_common_day_do_not_overlap(lea_mon_tue):
    town = lea_mon_tue
    # The existing enrolment (Mon/Tue) ends on Friday 04/12; a Monday enrolment from 04/12 first books Monday 07/12.
    (request_id,) = ask_enrolment(town, MARTIN, [1], "cantine", "2026-12-04", "2026-12-18", [MON])
    assert decide(town, MARTIN, request_id).outcome == "validated"


def test_other_child_or_other_service_never_overlaps(lea_mon_tue):
    town = lea_mon_tue
    (tom,) = ask_enrolment(town, MARTIN, [2], "cantine", "2026-11-23", "2026-12-18", [MON, TUE])
    (soir,) = ask_enrolment(town, MARTIN, [1], "soir", "2026-11-23", "2026-12-18", [MON, TUE])
    assert decide(town, MARTIN, tom).outcome == "validated"
    assert decide(town, MARTIN, soir).outcome == "validated"


def test_second_of_two_pending_overlapping_requests_is_refused(town):
    first, = ask_enrolment(town, MARTIN, [1], "cantine", "2026-12-01", "2026-12-18")
    second, = ask_enrolment(town, MARTIN, [1], "cantine", "2026-12-10", "2026-12-18", [THU])
    assert decide(town, MARTIN, first).outcome == "validated"
    decision = decide(town, MARTIN, second)
    assert decision.outcome == "refused" and "chevauche" in decision.message


def test_enrolment_outside_the_opening_days_is_refused_at_validation(town):
    # Submitted directly (the form would refuse it): a closed date, then a Wednesday, the canteen is closed.
    clean = {"children": ["1"], "service_id": "cantine", "start": "2026-12-08", "end": "2026-12-09",
             "weekdays": [MON, TUE, WED, THU, FRI]}
    (request_id,) = submit_enrolments(town.families, MARTIN, clean, town.services.get("cantine"))
    decision = decide(town, MARTIN, request_id)
    assert decision.outcome == "refused"
    assert decision.message == "Inscription impossible : les dates sont en dehors des jours d'ouverture du service."
    assert enrolments_of(town, MARTIN) == []


@pytest.mark.parametrize("start, end", [("2026-12-21", "2027-01-01"), ("1900-01-01", "2100-12-31"),
                                        ("1900-01-01", "9999-12-31")])
def test_enrolment_outside_the_service_periods_is_refused_at_validation_at_once(town, start, end):
    # Submitted directly (the form refuses it), as the 200-year requests stored before the bounds were.
    clean = {"children": ["1"], "service_id": "cantine", "start": start, "end": end, "weekdays": [MON, TUE, THU, FRI]}
    (request_id,) = submit_enrolments(town.families, MARTIN, clean, town.services.get("cantine"))
    started = time.perf_counter()
    decision = decide(town, MARTIN, request_id)
    assert time.perf_counter() - started < 0.5
    assert decision.outcome == "refused"
    assert decision.message == "Inscription impossible : les dates sont en dehors de la période d'ouverture du service."
    assert enrolments_of(town, MARTIN) == []


def test_service_stored_with_centuries_of_opening_is_bounded_by_the_calendar_window(town):
    # A service saved before its periods were bounded (1900-9999): enrolments stay within three years of today.
    town.services.save(dict(CANTINE, periods=[{"start": "1900-01-01", "end": "9999-12-31"}]))
    form = {"children": ["1"], "service": "cantine", "start": "1900-01-01", "end": "9999-12-31", "weekdays": []}
    started = time.perf_counter()
    _, errors = clean_enrolment_form(form, town.families.record(MARTIN), catalogue(town), TODAY)
    assert time.perf_counter() - started < 0.5
    window = "Le service est ouvert du 01/11/2023 au 30/11/2029 : choisissez des dates dans cette période."
    assert errors == {"start": window, "end": window}
    clean = {"children": ["1"], "service_id": "cantine", "start": "1900-01-01", "end": "9999-12-31",
             "weekdays": [MON, TUE, THU, FRI]}
    (request_id,) = submit_enrolments(town.families, MARTIN, clean, town.services.get("cantine"))
    decision = decide(town, MARTIN, request_id)
    assert time.perf_counter() - started < 1.0
    assert decision.message == "Inscription impossible : les dates sont en dehors de la période d'ouverture du service."


def test_enrolment_no_longer_open_when_the_agent_decides_is_refused(town):
    (request_id,) = ask_enrolment(town, MARTIN, [1], "mercredi", "2026-12-02", "2026-12-16")
    town.services.save(dict(MERCREDI, closed_dates=["2026-12-02", "2026-12-09", "2026-12-16"]))
    assert decide(town, MARTIN, request_id).message == \
        "Inscription impossible : les dates sont en dehors des jours d'ouverture du service."


def test_validated_enrolment_is_active_and_cannot_be_validated_twice(town):
    (request_id,) = ask_enrolment(town, MARTIN, [2], "mercredi", "2026-12-02", "2026-12-16")
    assert decide(town, MARTIN, request_id).outcome == "validated"
    assert decide(town, MARTIN, request_id).outcome == "already_decided"
    (enrolment,) = enrolments_of(town, MARTIN)
    assert enrolment["status"] == "active" and enrolment["request_id"] == request_id
    assert (enrolment["child_id"], enrolment["service_id"], enrolment["weekdays"]) == (2, "mercredi", [WED])


# --- absences: the days concerned and their billed flag --------------------------------------------------------

@pytest.fixture
def lea_canteen(town):
    """Léa at the canteen every opening day (Mon, Tue, Thu, Fri) of December until the holidays."""
    enrolled(town, MARTIN, [1], "cantine", "2026-11-30", "2026-12-18")
    return town


def test_absence_covers_only_the_booked_open_days(lea_canteen):
    town = lea_canteen
    days = booked_days(town.families.read(MARTIN), CANTINE, 1, date(2026, 12, 7), date(2026, 12, 13))
    # Mon 7 booked, Tue 8 closed date, Wed 9 not a canteen day, Thu 10, Fri 11 booked, weekend closed.
    assert days == [date(2026, 12, 7), date(2026, 12, 10), date(2026, 12, 11)]


def test_each_absent_day_is_billed_or_not_by_the_notice_period_at_declaration(lea_canteen):
    town = lea_canteen
    # Declared Friday 04/12 at 09:00 for Monday 07 to Friday 11:
    #   Mon 07: deadline Thu 03/12 10:00 -> late, billed
    #   Thu 10: deadline Tue 08/12 10:00 -> in time
    #   Fri 11: deadline Wed 09/12 10:00 -> in time
    request_id = declare(town, MARTIN, 1, "cantine", "2026-12-07", "2026-12-11", datetime(2026, 12, 4, 9, 0))
    request = request_of(town, MARTIN, request_id)
    assert request["payload"]["days"] == [{"date": "2026-12-07", "billed": True},
                                          {"date": "2026-12-10", "billed": False},
                                          {"date": "2026-12-11", "billed": False}]
    assert request["payload"]["declared_at"] == "2026-12-04T09:00:00"
    summary = next(c["after"] for c in request["changes"] if c["field"] == "days")
    assert summary == "3 jours, dont 1 hors délai (facturé sauf décision de la mairie)"


@pytest.mark.parametrize("declared_at, billed", [
    (datetime(2026, 12, 7, 10, 0, 0), False),
    (datetime(2026, 12, 7, 10, 0, 1), True),
    (datetime(2026, 12, 7, 10, 0, 0, 500_000), True),  # half a second late: billed, though stored as 10:00:00
])
def test_absence_declared_at_the_deadline_second(lea_canteen, declared_at, billed):
    """Thursday 10/12, 2 working days, Tuesday 08/12 a closed date (not a working day): deadline Monday 07/12 at
    10:00:00. The billed flag is computed on the full datetime while the stored declared_at is cut to the second."""
    town = lea_canteen
    request_id = declare(town, MARTIN, 1, "cantine", "2026-12-10", "2026-12-10", declared_at)
    payload = request_of(town, MARTIN, request_id)["payload"]
    assert payload["days"] == [{"date": "2026-12-10", "billed": billed}]
    assert payload["declared_at"] == declared_at.replace(microsecond=0).isoformat()


def test_pending_absence_changes_nothing_until_validated(lea_canteen):
    town = lea_canteen
    declare(town, MARTIN, 1, "cantine", "2026-12-10", "2026-12-11", datetime(2026, 12, 1, 9, 0))
    assert absent_days(town.families.read(MARTIN), 1, "cantine") == set()


@pytest.mark.parametrize("choice, expected", [
    ("auto", {"2026-12-07": True, "2026-12-10": False, "2026-12-11": False}),
    ("free", {"2026-12-07": False, "2026-12-10": False, "2026-12-11": False}),  # e.g. illness with a certificate
    ("bill", {"2026-12-07": True, "2026-12-10": True, "2026-12-11": True}),
])
def test_agent_decides_how_the_absence_is_billed(lea_canteen, choice, expected):
    town = lea_canteen
    request_id = declare(town, MARTIN, 1, "cantine", "2026-12-07", "2026-12-11", datetime(2026, 12, 4, 9, 0))
    assert decide(town, MARTIN, request_id, billing=choice).outcome == "validated"
    (absence,) = town.families.read(MARTIN).table("absences").all()
    assert {d["date"]: d["billed"] for d in absence["days"]} == expected
    assert absence["billing_choice"] == choice
    db = town.families.read(MARTIN)
    assert absent_days(db, 1, "cantine") == set(expected)
    assert absent_days(db, 1, "cantine", billed=False) == {d for d, billed in expected.items() if not billed}
    assert absent_days(db, 1, "soir") == set() and absent_days(db, 2, "cantine") == set()


NOT_ENROLLED = "Cochez seulement des services auxquels vos enfants sont inscrits."


@pytest.mark.parametrize("changes, field, message", [
    ({"child_service": ["9:cantine"]}, "child_service", NOT_ENROLLED),
    ({"child_service": ["1:piscine"]}, "child_service", NOT_ENROLLED),
    ({"child_service": []}, "child_service", "Cochez au moins un service pour l'un de vos enfants."),
    ({"reason": "vacances"}, "reason", "Choisissez le motif de l'absence."),
    ({"start": "2026-12-11", "end": "2026-12-10"}, "end", "La date de fin doit être après la date de début."),
    ({"child_service": ["2:cantine"]}, "child_service", NOT_ENROLLED),  # Tom: not enrolled
    ({"start": "2026-12-21", "end": "2026-12-23"}, "start",
     "Aucun jour réservé à ces dates pour Léa à « Restauration scolaire » : vérifiez les dates ou décochez ce "
     "service."),
])
def test_absence_form_errors_in_french(lea_canteen, changes, field, message):
    town = lea_canteen
    db = town.families.read(MARTIN)
    form = dict({"child_service": ["1:cantine"], "start": "2026-12-10", "end": "2026-12-11",
                 "reason": "maladie", "comment": ""}, **changes)
    _, errors = clean_absence_form(form, db, record_of(db), catalogue(town), TODAY)
    assert errors[field] == message


# --- the billing run ------------------------------------------------------------------------------------------

@pytest.fixture
def december(town):
    """The hand-computed example: December 2026 (Tuesday 1st), school until Friday 18, canteen closed Tue 8.

    Canteen days in December (Mon/Tue/Thu/Fri up to the 18th): Tue 1, Thu 3, Fri 4, Mon 7, [Tue 8 closed],
    Thu 10, Fri 11, Mon 14, Tue 15, Thu 17, Fri 18 -> 10 open days.
    """
    enrolled(town, MARTIN, [1], "cantine", "2026-09-01", "2026-12-18")             # Léa: every canteen day
    enrolled(town, MARTIN, [1], "soir", "2026-09-01", "2026-12-18", [TUE, THU])    # Léa: evenings Tue/Thu
    enrolled(town, MARTIN, [2], "cantine", "2026-12-07", "2026-12-18", [MON, THU])  # Tom: Mon/Thu from the 7th
    enrolled(town, DURAND, [1], "cantine", "2026-11-02", "2026-12-18", [MON])       # Nina: Mondays
    # Léa absent Thu 3 and Fri 4 (declared a week before: in time, not billed) ...
    in_time = declare(town, MARTIN, 1, "cantine", "2026-12-03", "2026-12-04", datetime(2026, 11, 25, 9, 0))
    assert decide(town, MARTIN, in_time).outcome == "validated"
    # ... and Thu 10, declared on Wed 9 (deadline Tue 8 at 10:00): late, billed.
    late = declare(town, MARTIN, 1, "cantine", "2026-12-10", "2026-12-10", datetime(2026, 12, 9, 8, 0))
    assert decide(town, MARTIN, late).outcome == "validated"
    # Nina absent Monday 14, late, but the agent waives it (illness with a certificate).
    waived = declare(town, DURAND, 1, "cantine", "2026-12-14", "2026-12-14", datetime(2026, 12, 14, 8, 0))
    assert decide(town, DURAND, waived, billing="free").outcome == "validated"
    # Tom asked for the evenings too, but the request is still pending: not billed.
    ask_enrolment(town, MARTIN, [2], "soir", "2026-12-01", "2026-12-18")
    return town


# MARTIN, QF 780 -> second bracket: canteen 3,00 €, evening 2,10 €
#   Léa  canteen: 10 open days - 2 absences in time (3, 4) = 8 days (the late 10th stays billed) x 300 = 2 400
#   Léa  evening: Tue/Thu 1, 3, [8 closed], 10, 15, 17 = 5 days (canteen absences do not count) x 210 = 1 050
#   Tom  canteen: Mon/Thu from the 7th: 7, 10, 14, 17 = 4 days x 300 = 1 200
#   total 2 400 + 1 050 + 1 200 = 4 650
# DURAND, QF unknown -> highest price: canteen 3,85 €
#   Nina canteen: Mondays 7, 14 (and the 21st is a holiday) = 2 days - 14 waived = 1 day x 385 = 385
# Totals by service: Restauration scolaire 2 400 + 1 200 + 385 = 3 985; Accueil du soir 1 050; all 5 035.
EXPECTED_LINES = {
    MARTIN: [("Léa", "Restauration scolaire", 8, 300, 2400), ("Léa", "Accueil du soir", 5, 210, 1050),
             ("Tom", "Restauration scolaire", 4, 300, 1200)],
    DURAND: [("Nina", "Restauration scolaire", 1, 385, 385)],
}


def _lines(lines):
    return [(l["child"], l["service"], l["quantity"], l["unit_price_cents"], l["amount_cents"]) for l in lines]


def test_month_bounds():
    assert month_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert month_bounds("2027-02") == (date(2027, 2, 1), date(2027, 2, 28))
    assert month_bounds("2028-02") == (date(2028, 2, 1), date(2028, 2, 29))


def test_family_lines_match_the_hand_computed_example(december):
    town = december
    services = {s["id"]: s for s in town.services.all()}
    for family_id, expected in EXPECTED_LINES.items():
        lines = family_lines(town.families.read(family_id), services, "2026-12")
        assert sorted(_lines(lines)) == sorted(expected)
        assert all(line["detail"] == plural(line["quantity"], "jour") for line in lines)


def test_preview_totals_match_the_hand_computed_example(december):
    town = december
    preview = preview_billing(town.families, {s["id"]: s for s in town.services.all()}, "2026-12")
    assert [(i["family_id"], i["total_cents"]) for i in preview.invoices] == [(MARTIN, 4650), (DURAND, 385)]
    assert preview.totals_by_service == {"Restauration scolaire": 3985, "Accueil du soir": 1050}
    assert preview.total_cents == 5035
    assert preview.already_billed == []


def test_preview_writes_nothing(december):
    town = december
    before = data_files(town.root)
    preview_billing(town.families, {s["id"]: s for s in town.services.all()}, "2026-12")
    assert data_files(town.root) == before


def test_billing_run_creates_the_invoices_of_the_example(december):
    town = december
    services = {s["id"]: s for s in town.services.all()}
    assert run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04",
                       due_on="2027-01-25") == 2
    for family_id, total in ((MARTIN, 4650), (DURAND, 385)):
        (invoice,) = town.families.read_ledger(family_id).table("invoices").all()
        assert invoice["total_cents"] == total
        assert sorted(_lines(invoice["lines"])) == sorted(EXPECTED_LINES[family_id])
        assert (invoice["period"], invoice["billing_month"]) == ("2026-12", "2026-12")
        assert (invoice["issued_on"], invoice["due_on"]) == ("2027-01-04", "2027-01-25")
        assert invoice["number"].startswith("F2027-")
        assert town.numbers.invoice_owner(invoice["number"]) == family_id


def test_billing_the_same_month_twice_creates_nothing_the_second_time(december):
    town = december
    services = {s["id"]: s for s in town.services.all()}
    assert run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04",
                       due_on="2027-01-25") == 2
    after_first = data_files(town.root / "ledgers")
    assert run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-05",
                       due_on="2027-01-26") == 0
    assert data_files(town.root / "ledgers") == after_first
    preview = preview_billing(town.families, services, "2026-12")
    assert preview.invoices == [] and preview.already_billed == [MARTIN, DURAND]


def test_a_family_billed_by_hand_for_the_month_is_skipped_the_others_are_billed(december):
    town = december
    add_invoice(town.families, DURAND, number="MAIN-1", period="2026-12", issued_on="2027-01-02",
                due_on="2027-01-20", lines=[invoice_line("Nina", "Restauration scolaire", 1, 385)],
                billing_month="2026-12")
    services = {s["id"]: s for s in town.services.all()}
    assert run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04",
                       due_on="2027-01-25") == 1
    assert len(town.families.read_ledger(DURAND).table("invoices")) == 1
    assert len(town.families.read_ledger(MARTIN).table("invoices")) == 1


def run_in_parallel(town, runs: int) -> list[int]:
    """run_billing for December in several threads started at the same instant (a double click, two tabs)."""
    services = {s["id"]: s for s in town.services.all()}
    created, errors = [], []
    start = threading.Barrier(runs)

    def run():
        try:
            start.wait(10)
            created.append(run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04",
                                       due_on="2027-01-25"))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    return created


@pytest.mark.parametrize("runs", [2, 6])
def test_parallel_billing_runs_bill_each_family_once(december, runs):
    town = december
    assert sum(run_in_parallel(town, runs)) == 2
    numbers = []
    for family_id in (MARTIN, DURAND):
        invoices = town.families.read_ledger(family_id).table("invoices").all()
        assert [i["billing_month"] for i in invoices] == ["2026-12"]
        numbers.append(invoices[0]["number"])
    assert len(set(numbers)) == 2


def test_parallel_billing_runs_leave_no_gap_in_invoice_numbers(december):
    town = december
    run_in_parallel(town, 4)
    issued = sorted(i["number"] for family_id in (MARTIN, DURAND)
                    for i in town.families.read_ledger(family_id).table("invoices").all())
    assert issued == ["F2027-000001", "F2027-000002"]
    assert town.numbers.invoice_owner("F2027-000003") is None  # the next run starts right after


def test_next_month_is_billed_on_its_own(december):
    town = december
    services = {s["id"]: s for s in town.services.all()}
    run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04", due_on="2027-01-25")
    # January 2027: no enrolment runs (school periods end on 18/12 in this catalogue).
    assert run_billing(town.families, services, town.numbers, "2027-01", issued_on="2027-02-01",
                       due_on="2027-02-20") == 0
    assert run_billing(town.families, services, town.numbers, "2026-11", issued_on="2027-01-04",
                       due_on="2027-01-25") == 2


def test_billing_run_invoice_carries_the_solde_anterieur(december):
    town = december
    # MARTIN owes 12,00 € from October (invoice 20,00 €, paid 8,00 €) and DURAND is 5,00 € in credit.
    add_invoice(town.families, MARTIN, number="2026-10-001", period="2026-10", issued_on="2026-11-03",
                due_on="2026-11-25", lines=[invoice_line("Léa", "Restauration scolaire", 1, 2000)])
    add_payment(town.families, MARTIN, paid_on="2026-11-20", amount_cents=800, method="cheque")
    add_payment(town.families, DURAND, paid_on="2026-11-20", amount_cents=500, method="especes")
    services = {s["id"]: s for s in town.services.all()}
    run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04", due_on="2027-01-25")
    martin = next(i for i in town.families.read_ledger(MARTIN).table("invoices").all() if i["billing_month"])
    assert (martin["previous_balance_cents"], martin["total_cents"], martin["amount_due_cents"]) == (1200, 4650, 5850)
    (durand,) = town.families.read_ledger(DURAND).table("invoices").all()
    assert (durand["previous_balance_cents"], durand["total_cents"], durand["amount_due_cents"]) == (-500, 385, -115)


def test_family_without_billable_days_gets_no_invoice(town):
    enrolled(town, DURAND, [1], "cantine", "2026-12-01", "2026-12-18", [MON])
    request_id = declare(town, DURAND, 1, "cantine", "2026-12-07", "2026-12-14", datetime(2026, 11, 20, 9, 0))
    assert decide(town, DURAND, request_id).outcome == "validated"  # Mondays 7 and 14, both in time
    services = {s["id"]: s for s in town.services.all()}
    assert preview_billing(town.families, services, "2026-12").invoices == []
    assert run_billing(town.families, services, town.numbers, "2026-12", issued_on="2027-01-04",
                       due_on="2027-01-25") == 0


def test_billing_uses_the_qf_known_at_billing_time(december):
    town = december
    with town.families.transaction(DURAND) as db:
        record = record_of(db)
        record["caf"] = {"qf": 500}
        db.table("record").update(record, doc_ids=[record.doc_id])
    services = {s["id"]: s for s in town.services.all()}
    lines = family_lines(town.families.read(DURAND), services, "2026-12")
    assert _lines(lines) == [("Nina", "Restauration scolaire", 1, 180, 180)]


# --- one declaration for several children and services (issue 13, §6) -------------------------------------------

@pytest.fixture
def martins_enrolled(town):
    """Léa at the canteen and in the evenings, Tom at the canteen only, in December until the holidays."""
    enrolled(town, MARTIN, [1, 2], "cantine", "2026-11-30", "2026-12-18")
    enrolled(town, MARTIN, [1], "soir", "2026-11-30", "2026-12-18")
    return town


def test_the_absence_form_offers_each_child_only_the_services_it_is_enrolled_in(martins_enrolled):
    db = martins_enrolled.families.read(MARTIN)
    choices = absence_choices(db, record_of(db), catalogue(martins_enrolled))
    assert [(child["first_name"], [s["id"] for s in services]) for child, services in choices] == \
        [("Léa", ["cantine", "soir"]), ("Tom", ["cantine"])]


def test_one_declaration_becomes_one_request_per_child_and_service(martins_enrolled):
    town = martins_enrolled
    db = town.families.read(MARTIN)
    form = {"child_service": ["1:cantine", "1:soir", "2:cantine"], "start": "2026-12-10", "end": "2026-12-11",
            "reason": "maladie", "comment": "gastro"}
    clean, errors = clean_absence_form(form, db, record_of(db), catalogue(town), TODAY)
    assert errors == {}

    declared = submit_absence(town.families, MARTIN, clean, catalogue(town), datetime(2026, 12, 9, 9, 0))

    requests = [request_of(town, MARTIN, i) for i in declared.request_ids]
    assert [(r["target_label"], r["payload"]["service_id"]) for r in requests] == \
        [("Léa TEST", "cantine"), ("Léa TEST", "soir"), ("Tom TEST", "cantine")]
    assert all(r["status"] == "pending" and r["payload"]["comment"] == "gastro" for r in requests)
    # Declared Wednesday 09/12 at 09:00: Thursday 10 was due Tuesday 08/12 (late), Friday 11 is due today 10:00.
    assert all(r["payload"]["days"] == [{"date": "2026-12-10", "billed": True}, {"date": "2026-12-11", "billed": False}]
               for r in requests)
    assert declared.late_days == 3
    for request_id in declared.request_ids[:2]:  # the agent decides each: Léa's two validated, Tom's still pending
        assert decide(town, MARTIN, request_id).outcome == "validated"
    validate_db = town.families.read(MARTIN)
    assert absent_days(validate_db, 1, "soir") == {"2026-12-10", "2026-12-11"}
    assert absent_days(validate_db, 2, "cantine") == set()


@pytest.mark.parametrize("days, late, summary", [
    (1, 0, "1 jour, signalé dans le délai (non facturé)"),
    (3, 0, "3 jours, tous signalés dans le délai (non facturés)"),
    (1, 1, "1 jour, signalé hors délai (facturé sauf décision de la mairie)"),
    (2, 2, "2 jours, signalés hors délai (facturés sauf décision de la mairie)"),
    (3, 2, "3 jours, dont 2 hors délai (facturés sauf décision de la mairie)"),
])
def test_the_days_of_an_absence_are_summed_up_in_the_singular_or_the_plural(days, late, summary):
    assert days_summary(days, late) == summary
