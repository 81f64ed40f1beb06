"""The service catalogue: the price of a day by quotient familial bracket, the days a service is open, the notice
period that decides whether an absence is billed (weekends, the exact deadline minute), and the agent's service
form with its French errors.
"""
from __future__ import annotations

import time
from datetime import date, datetime

import pytest

from storage.documents import DocumentStore
from storage.services import (Services, absence_deadline, absence_is_billed, bracket_label, clean_service_form,
                              is_open, opening_days, opening_span, price_cents, public_holidays)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)


def canteen(**changes) -> dict:
    """A canteen open Mon/Tue/Thu/Fri in two school periods, closed on 11 November; 1,80 / 3,00 / 3,85 €."""
    service = {
        "id": "cantine", "name": "Restauration scolaire", "weekdays": [MON, TUE, THU, FRI],
        "periods": [{"start": "2026-09-01", "end": "2026-10-16"}, {"start": "2026-11-02", "end": "2026-12-18"}],
        "closed_dates": ["2026-11-11"],
        "brackets": [{"qf_max": 600, "price_cents": 180}, {"qf_max": 1000, "price_cents": 300},
                     {"qf_max": None, "price_cents": 385}],
        "notice_working_days": 2, "notice_time": "10:00", "active": True,
    }
    service.update(changes)
    return service


# --- price by QF bracket --------------------------------------------------------------------------------

@pytest.mark.parametrize("qf, cents", [
    (0, 180),        # a QF of 0 is a real QF: the lowest bracket
    (599, 180),
    (600, 180),      # qf == qf_max belongs to that bracket
    (601, 300),
    (1000, 300),     # upper boundary of the second bracket
    (1001, 385),
    (25_000, 385),   # above every maximum: the open last bracket
])
def test_price_of_a_day_follows_the_qf_bracket(qf, cents):
    assert price_cents(canteen(), qf) == cents


@pytest.mark.parametrize("qf", [None, ""])
def test_unknown_qf_pays_the_highest_price(qf):
    assert price_cents(canteen(), qf) == 385


def test_qf_typed_as_text_is_priced_like_the_number():
    assert price_cents(canteen(), "600") == 180
    assert price_cents(canteen(), "601") == 300


def test_single_bracket_service_has_one_price_for_everyone():
    service = canteen(brackets=[{"qf_max": None, "price_cents": 1200}])
    assert {price_cents(service, qf) for qf in (None, 0, 600, 99_999)} == {1200}


def test_bracket_labels_say_where_each_bracket_starts_and_ends():
    brackets = canteen()["brackets"]
    assert bracket_label(brackets[0], None) == "QF de 0 à 600 €"
    assert bracket_label(brackets[1], 600) == "QF de 601 à 1000 €"
    assert bracket_label(brackets[2], 1000) == "QF à partir de 1001 €"


# --- opening days -----------------------------------------------------------------------------------------

def test_service_is_open_on_its_weekdays_inside_its_periods():
    service = canteen()
    assert is_open(service, date(2026, 12, 1))       # Tuesday in the period
    assert not is_open(service, date(2026, 12, 2))   # Wednesday: not a weekday of the canteen
    assert not is_open(service, date(2026, 12, 5))   # Saturday
    assert not is_open(service, date(2026, 12, 6))   # Sunday


def test_period_bounds_are_included_and_holidays_between_periods_are_closed():
    service = canteen()
    assert is_open(service, date(2026, 9, 1))        # first day of the first period (Tuesday)
    assert is_open(service, date(2026, 10, 16))      # last day of the first period (Friday)
    assert not is_open(service, date(2026, 10, 19))  # Monday of the autumn holidays
    assert not is_open(service, date(2026, 10, 30))
    assert is_open(service, date(2026, 11, 2))       # back to school (Monday)
    assert is_open(service, date(2026, 12, 18))      # last day of the second period (Friday)
    assert not is_open(service, date(2026, 12, 21))  # Christmas holidays
    assert not is_open(service, date(2026, 8, 31))   # before the school year


def test_closed_date_closes_an_otherwise_open_day():
    assert not is_open(canteen(), date(2026, 11, 11))  # Wednesday anyway, but listed as closed
    service = canteen(closed_dates=["2026-11-12"])     # a Thursday "pont"
    assert not is_open(service, date(2026, 11, 12))
    assert is_open(service, date(2026, 11, 13))


def test_opening_days_lists_open_days_between_two_dates_included():
    # 30/11/2026 is a Monday; the week Mon 30/11 - Sun 06/12 has Mon, Tue, Thu, Fri open.
    days = opening_days(canteen(), date(2026, 11, 30), date(2026, 12, 6))
    assert days == [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 4)]


def test_opening_days_keeps_only_the_chosen_weekdays():
    days = opening_days(canteen(), date(2026, 11, 30), date(2026, 12, 13), [TUE, THU])
    assert days == [date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 8), date(2026, 12, 10)]
    # A chosen weekday the service does not open on adds nothing.
    assert opening_days(canteen(), date(2026, 11, 30), date(2026, 12, 13), [WED]) == []


def test_opening_days_skips_closed_dates_and_holidays():
    # Week of 11 November: Mon 9, Tue 10, (Wed 11 closed anyway), Thu 12, Fri 13.
    assert len(opening_days(canteen(), date(2026, 11, 9), date(2026, 11, 15))) == 4
    # 14/12/2026 - 03/01/2027: only Mon 14 to Fri 18 December before the holidays (Mon, Tue, Thu, Fri).
    days = opening_days(canteen(), date(2026, 12, 14), date(2027, 1, 3))
    assert days == [date(2026, 12, 14), date(2026, 12, 15), date(2026, 12, 17), date(2026, 12, 18)]
    assert opening_days(canteen(), date(2026, 12, 19), date(2027, 1, 3)) == []


def test_holiday_week_service_with_its_own_period_and_closed_dates():
    holidays = canteen(id="vacances", weekdays=[MON, TUE, WED, THU, FRI],
                       periods=[{"start": "2026-12-21", "end": "2027-01-01"}],
                       closed_dates=["2026-12-25", "2027-01-01"])
    days = opening_days(holidays, date(2026, 12, 1), date(2027, 1, 31))
    assert [d.isoformat() for d in days] == ["2026-12-21", "2026-12-22", "2026-12-23", "2026-12-24",
                                             "2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31"]


def test_opening_days_of_an_empty_range():
    assert opening_days(canteen(), date(2026, 12, 4), date(2026, 12, 3)) == []


def test_opening_days_of_a_range_over_centuries_walk_only_the_service_periods():
    started = time.perf_counter()
    days = opening_days(canteen(), date(1, 1, 1), date(9999, 12, 31))
    assert time.perf_counter() - started < 0.1
    assert days == opening_days(canteen(), date(2026, 9, 1), date(2026, 12, 18))
    assert len(days) == 27 + 28  # Mon, Tue, Thu, Fri: 27 days from 1/9 to 16/10, 28 from 2/11 to 18/12


def test_overlapping_periods_count_each_day_once():
    service = canteen(periods=[{"start": "2026-11-30", "end": "2026-12-04"},
                               {"start": "2026-12-01", "end": "2026-12-07"}])
    assert opening_days(service, date(2026, 11, 1), date(2026, 12, 31)) == \
        [date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 3), date(2026, 12, 4), date(2026, 12, 7)]


def test_opening_span_is_the_first_and_last_day_of_the_periods():
    assert opening_span(canteen()) == (date(2026, 9, 1), date(2026, 12, 18))
    assert opening_span(canteen(periods=[])) is None


# --- notice period (délai de prévenance) -----------------------------------------------------------------------

def test_monday_absence_with_two_working_days_is_due_the_previous_thursday_at_ten():
    # Monday 07/12/2026: Friday 04 is one working day before, the weekend does not count, Thursday 03 is two.
    assert absence_deadline(canteen(), date(2026, 12, 7)) == datetime(2026, 12, 3, 10, 0)


def test_tuesday_absence_with_two_working_days_is_due_the_previous_friday():
    assert absence_deadline(canteen(), date(2026, 12, 8)) == datetime(2026, 12, 4, 10, 0)


def test_thursday_absence_with_two_working_days_is_due_on_tuesday():
    assert absence_deadline(canteen(), date(2026, 12, 10)) == datetime(2026, 12, 8, 10, 0)


def test_weekend_day_absence_counts_back_from_friday():
    # A Saturday session (e.g. a holiday camp): one working day before is Friday, two is Thursday.
    assert absence_deadline(canteen(notice_working_days=1), date(2026, 12, 5)) == datetime(2026, 12, 4, 10, 0)
    assert absence_deadline(canteen(), date(2026, 12, 6)) == datetime(2026, 12, 3, 10, 0)


def test_longer_notice_crosses_several_weekends():
    # Five working days before Monday 04/01/2027: Fri 1 January, Thu 31, Wed 30, Tue 29, Mon 28 December.
    # (1 January is a public holiday: the code counts Monday to Friday only, so public holidays count as working days.)
    assert absence_deadline(canteen(notice_working_days=5), date(2027, 1, 4)) == datetime(2026, 12, 28, 10, 0)
    # Ten working days before Monday 14/12/2026: Mon 30 November.
    assert absence_deadline(canteen(notice_working_days=10), date(2026, 12, 14)) == datetime(2026, 11, 30, 10, 0)


def test_notice_time_is_the_service_setting():
    assert absence_deadline(canteen(notice_time="07:30"), date(2026, 12, 7)) == datetime(2026, 12, 3, 7, 30)
    assert absence_deadline(canteen(notice_time="18:45"), date(2026, 12, 7)) == datetime(2026, 12, 3, 18, 45)


def test_service_without_notice_settings_uses_two_working_days_at_ten():
    service = canteen()
    del service["notice_working_days"], service["notice_time"]
    assert absence_deadline(service, date(2026, 12, 7)) == datetime(2026, 12, 3, 10, 0)


def test_notice_zero_means_the_day_itself_at_the_notice_time():
    service = canteen(notice_working_days=0)
    assert absence_deadline(service, date(2026, 12, 8)) == datetime(2026, 12, 8, 10, 0)
    assert not absence_is_billed(service, date(2026, 12, 8), datetime(2026, 12, 8, 9, 59))
    assert not absence_is_billed(service, date(2026, 12, 8), datetime(2026, 12, 8, 10, 0))
    assert absence_is_billed(service, date(2026, 12, 8), datetime(2026, 12, 8, 10, 1))
    # Even a Saturday absence with notice 0 is due on the Saturday itself (no working day to skip).
    assert absence_deadline(service, date(2026, 12, 5)) == datetime(2026, 12, 5, 10, 0)


@pytest.mark.parametrize("declared_at, billed", [
    (datetime(2026, 11, 25, 18, 0), False),              # a week before
    (datetime(2026, 12, 3, 9, 59, 59), False),            # the last second before the deadline
    (datetime(2026, 12, 3, 10, 0, 0), False),             # exactly at the deadline: still in time
    (datetime(2026, 12, 3, 10, 0, 0, 1), True),           # one microsecond late (routes pass datetime.now())
    (datetime(2026, 12, 3, 10, 0, 1), True),              # 10:00:01 is late: seconds are not rounded away
    (datetime(2026, 12, 3, 10, 1), True),                 # 10:01
    (datetime(2026, 12, 4, 8, 0), True),                  # the Friday before
    (datetime(2026, 12, 7, 7, 30), True),                 # the morning itself
])
def test_exact_deadline_minute_for_a_monday_absence(declared_at, billed):
    """Monday 07/12/2026, 2 working days, 10:00: the deadline is Thursday 03/12 at 10:00:00 sharp.

    What the code does with seconds: it compares the full datetime (declared_at > deadline), so a declaration
    at 10:00:00 exactly is in time while 10:00:01, or even 10:00:00.000001, is late and billed.
    """
    assert absence_is_billed(canteen(), date(2026, 12, 7), declared_at) is billed


def test_declaring_after_the_absence_day_is_billed():
    assert absence_is_billed(canteen(), date(2026, 12, 7), datetime(2026, 12, 8, 9, 0))


# --- the catalogue file --------------------------------------------------------------------------------------

def test_catalogue_keeps_services_in_creation_order_and_replaces_by_id(tmp_path):
    services = Services(DocumentStore(tmp_path))
    services.save(canteen())
    services.save(canteen(id="soir", name="Accueil du soir"))
    services.save(canteen(id="ancien", name="Ancien service", active=False))
    assert [s["id"] for s in services.all()] == ["cantine", "soir", "ancien"]
    assert [s["id"] for s in services.active()] == ["cantine", "soir"]
    services.save(canteen(name="Cantine scolaire"))
    assert services.get("cantine")["name"] == "Cantine scolaire"
    assert [s["id"] for s in services.all()] == ["cantine", "soir", "ancien"]  # same place, no duplicate
    assert services.get("inconnu") is None


# --- the agent's service form ------------------------------------------------------------------------------

def form(**changes) -> dict:
    values = {"id": "garderie", "name": "Garderie du soir", "weekdays": ["0", "1", "3", "4"],
              "periods": "01/09/2026 - 16/10/2026\n02/11/2026 - 18/12/2026",
              "closed_dates": "11/11/2026", "brackets": "600 ; 1,80\n1000 ; 3,00\n; 3,85",
              "notice_working_days": "2", "notice_time": "10:00", "active": "1"}
    values.update(changes)
    return values


def test_valid_service_form_gives_the_stored_service():
    clean, errors = clean_service_form(form(), existing_ids={"cantine"})
    assert errors == {}
    assert clean == {
        "id": "garderie", "name": "Garderie du soir", "weekdays": [0, 1, 3, 4],
        "periods": [{"start": "2026-09-01", "end": "2026-10-16"}, {"start": "2026-11-02", "end": "2026-12-18"}],
        "closed_dates": ["2026-11-11"],
        "brackets": [{"qf_max": 600, "price_cents": 180}, {"qf_max": 1000, "price_cents": 300},
                     {"qf_max": None, "price_cents": 385}],
        "notice_working_days": 2, "notice_time": "10:00", "active": True,
    }


def test_service_form_accepts_the_other_period_separators_and_sorts_closed_dates():
    clean, errors = clean_service_form(form(periods="21/12/2026 au 01/01/2027\n01/09/2026;16/10/2026",
                                            closed_dates="01/01/2027, 25/12/2026\n25/12/2026"), set())
    assert errors == {}
    assert clean["periods"] == [{"start": "2026-12-21", "end": "2027-01-01"},
                                {"start": "2026-09-01", "end": "2026-10-16"}]
    assert clean["closed_dates"] == ["2026-12-25", "2027-01-01"]


def test_single_open_bracket_is_enough():
    clean, errors = clean_service_form(form(brackets="; 12"), set())
    assert errors == {} and clean["brackets"] == [{"qf_max": None, "price_cents": 1200}]


@pytest.mark.parametrize("changes, field, message", [
    ({"periods": ""}, "periods", "Indiquez au moins une période d'ouverture."),
    ({"periods": "01/09/2026"}, "periods", "Période invalide : « 01/09/2026 » (JJ/MM/AAAA - JJ/MM/AAAA)."),
    ({"periods": "16/10/2026 - 01/09/2026"}, "periods",
     "Période invalide : « 16/10/2026 - 01/09/2026 » (JJ/MM/AAAA - JJ/MM/AAAA)."),
    ({"periods": "01/09/2026 - 31/02/2027"}, "periods",
     "Période invalide : « 01/09/2026 - 31/02/2027 » (JJ/MM/AAAA - JJ/MM/AAAA)."),
    ({"closed_dates": "11/11/2026\n32/12/2026"}, "closed_dates", "Date invalide : « 32/12/2026 » (JJ/MM/AAAA)."),
    ({"brackets": "1000 ; 3,00\n600 ; 1,80\n; 3,85"}, "brackets",
     "Les QF maximum doivent être croissants, et seule la dernière tranche en est dépourvue."),
    ({"brackets": "600 ; 1,80\n600 ; 2,00\n; 3,85"}, "brackets",
     "Les QF maximum doivent être croissants, et seule la dernière tranche en est dépourvue."),
    ({"brackets": "600 ; 1,80\n; 2,50\n; 3,85"}, "brackets",
     "Les QF maximum doivent être croissants, et seule la dernière tranche en est dépourvue."),
    ({"brackets": "600 ; 1,80\n1000 ; 3,00"}, "brackets",
     "La dernière tranche n'a pas de QF maximum (exemple : « ; 3,85 »)."),
    ({"brackets": ""}, "brackets", "La dernière tranche n'a pas de QF maximum (exemple : « ; 3,85 »)."),
    ({"brackets": "600 ; gratuit\n; 3,85"}, "brackets",
     "Tranche invalide : « 600 ; gratuit » (QF maximum ; prix, exemple : 600 ; 1,80)."),
    ({"brackets": "six cents ; 1,80\n; 3,85"}, "brackets",
     "Tranche invalide : « six cents ; 1,80 » (QF maximum ; prix, exemple : 600 ; 1,80)."),
    ({"brackets": "600 ; -1,80\n; 3,85"}, "brackets",
     "Tranche invalide : « 600 ; -1,80 » (QF maximum ; prix, exemple : 600 ; 1,80)."),
    ({"id": "Garderie Soir"}, "id", "Identifiant invalide ou déjà utilisé : lettres minuscules, chiffres et tirets."),
    ({"id": "cantine"}, "id", "Identifiant invalide ou déjà utilisé : lettres minuscules, chiffres et tirets."),
    ({"id": ""}, "id", "Identifiant invalide ou déjà utilisé : lettres minuscules, chiffres et tirets."),
    ({"name": "   "}, "name", "Ce champ est obligatoire."),
    ({"weekdays": []}, "weekdays", "Cochez au moins un jour d'ouverture."),
    ({"notice_working_days": ""}, "notice_working_days", "Nombre de jours ouvrés invalide (0 à 99)."),
    ({"notice_working_days": "-1"}, "notice_working_days", "Nombre de jours ouvrés invalide (0 à 99)."),
    ({"notice_working_days": "100"}, "notice_working_days", "Nombre de jours ouvrés invalide (0 à 99)."),
    ({"notice_working_days": "deux"}, "notice_working_days", "Nombre de jours ouvrés invalide (0 à 99)."),
    ({"notice_time": "10h"}, "notice_time", "Heure invalide (format HH:MM, exemple : 10:00)."),
    ({"notice_time": "24:00"}, "notice_time", "Heure invalide (format HH:MM, exemple : 10:00)."),
    ({"notice_time": "9:30"}, "notice_time", "Heure invalide (format HH:MM, exemple : 10:00)."),
])
def test_service_form_errors_are_french_and_next_to_their_field(changes, field, message):
    _, errors = clean_service_form(form(**changes), existing_ids={"cantine"})
    assert errors == {field: message}


@pytest.mark.parametrize("changes, field, message", [
    ({"periods": "01/01/1900 - 31/12/9999"}, "periods",
     "Période trop longue : « 01/01/1900 - 31/12/9999 » (un an au plus)."),
    ({"periods": "01/09/2026 - 02/09/2027"}, "periods",
     "Période trop longue : « 01/09/2026 - 02/09/2027 » (un an au plus)."),
    ({"periods": "01/09/2031 - 30/09/2031"}, "periods",
     "Période trop éloignée : « 01/09/2031 - 30/09/2031 » (entre le 01/11/2023 et le 30/11/2029)."),
    ({"closed_dates": "31/12/9999"}, "closed_dates",
     "Date trop éloignée : « 31/12/9999 » (entre le 01/11/2023 et le 30/11/2029)."),
    ({"closed_dates": "\n".join(f"{d:02d}/01/2027" for d in range(1, 32)) * 7}, "closed_dates",
     "200 dates de fermeture au plus."),
    ({"periods": "01/09/2026 - 16/10/2026\n" * 41}, "periods", "40 périodes au plus."),
])
def test_service_calendar_is_bounded_in_length_and_around_today(changes, field, message):
    _, errors = clean_service_form(form(**changes), existing_ids=set(), today=date(2026, 11, 20))
    assert errors == {field: message}


def test_a_period_of_exactly_a_year_at_the_edge_of_the_window_is_accepted():
    clean, errors = clean_service_form(form(periods="01/12/2028 - 30/11/2029", closed_dates="01/11/2023"), set(),
                                       today=date(2026, 11, 20))
    assert errors == {} and clean["periods"] == [{"start": "2028-12-01", "end": "2029-11-30"}]


def test_notice_zero_is_allowed():
    clean, errors = clean_service_form(form(notice_working_days="0"), set())
    assert errors == {} and clean["notice_working_days"] == 0


def test_editing_a_service_keeps_its_id_whatever_the_form_says():
    clean, errors = clean_service_form(form(id="autre-chose"), existing_ids={"cantine"}, service_id="cantine")
    assert errors == {} and clean["id"] == "cantine"


def test_unchecked_active_box_withdraws_the_service():
    clean, errors = clean_service_form(form(active=""), set())
    assert errors == {} and clean["active"] is False


def test_several_errors_at_once_are_all_reported():
    _, errors = clean_service_form(form(name="", weekdays=[], periods="", brackets="600 ; 1"), set())
    assert set(errors) == {"name", "weekdays", "periods", "brackets"}


def test_forged_empty_weekday_is_an_error_not_a_crash():
    _, errors = clean_service_form(form(weekdays=["0", ""]), set())
    assert "weekdays" not in errors or errors["weekdays"]


def test_forged_weekday_outside_monday_to_sunday_is_not_stored():
    clean, _ = clean_service_form(form(weekdays=["0", "12"]), set())
    assert clean["weekdays"] == [0]


# --- public holidays (issue 13, §6) ----------------------------------------------------------------------------

SCHOOL_YEAR_HOLIDAYS = ["2026-11-01", "2026-11-11", "2026-12-25", "2027-01-01", "2027-03-29", "2027-05-01",
                        "2027-05-06", "2027-05-08", "2027-05-17"]
SPRING_2027 = ["2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17"]


def test_public_holidays_are_those_of_the_years_of_the_periods_from_their_first_day_to_their_last():
    school_year = public_holidays([{"start": "2026-09-01", "end": "2026-12-18"},
                                   {"start": "2027-01-04", "end": "2027-07-03"}], date(2026, 12, 2))
    assert list(school_year) == SCHOOL_YEAR_HOLIDAYS  # not 14 July nor 15 August, after the school year
    assert school_year["2027-05-17"] == "Lundi de Pentecôte" and school_year["2026-12-25"] == "Noël"
    assert list(public_holidays([{"start": "2027-01-04", "end": "2027-07-02"}], date(2026, 12, 2))) == SPRING_2027
    assert public_holidays([], date(2026, 12, 2)) == {}


def test_public_holidays_stay_inside_the_calendar_window():
    assert "2029-12-25" in public_holidays([{"start": "2029-09-03", "end": "2029-12-31"}], date(2026, 12, 2))
    late = public_holidays([{"start": "2029-12-03", "end": "2030-05-04"}], date(2026, 12, 2))  # window ends 31/12/2029
    assert list(late) == ["2029-12-25"]


def test_ticking_add_holidays_closes_the_service_on_every_public_holiday_of_its_years():
    clean, errors = clean_service_form(form(periods="04/01/2027 - 02/07/2027", closed_dates="02/04/2027",
                                            add_holidays="1"), set(), today=date(2026, 12, 2))
    assert errors == {}
    assert clean["closed_dates"] == sorted(SPRING_2027 + ["2027-04-02"])
    assert "add_holidays" not in clean  # a choice of the form, not a setting of the service


def test_without_the_box_the_closed_dates_are_exactly_those_typed():
    """How the agent opens on a public holiday: delete its line and save without ticking the box."""
    typed = "\n".join(f"{d[8:]}/{d[5:7]}/{d[:4]}" for d in SPRING_2027 if d != "2027-05-08")
    clean, errors = clean_service_form(form(periods="04/01/2027 - 02/07/2027", closed_dates=typed), set(),
                                       today=date(2026, 12, 2))
    assert errors == {} and "2027-05-08" not in clean["closed_dates"] and len(clean["closed_dates"]) == 4


def test_holidays_are_not_added_to_a_service_whose_periods_are_wrong():
    clean, errors = clean_service_form(form(periods="pas une période", add_holidays="1"), set(),
                                       today=date(2026, 12, 2))
    assert "periods" in errors and "closed_dates" not in errors
