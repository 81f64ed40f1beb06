"""The portal's calendar (storage/dates.py): the bounded walk over days, months at the edges of the calendar (year 1,
year 9999, 31/02, empty, 10,000 characters) and the window of three years each side of today's month."""
from __future__ import annotations

import time
from datetime import date

import pytest

from storage.dates import (MAX_WALK_DAYS, RangeTooLong, days_in, each_day, in_window, last_day, parse_day,
                           parse_month, shift_month, window)

TODAY = date(2026, 12, 2)


def test_each_day_walks_both_ends_included():
    assert list(each_day(date(2026, 12, 30), date(2027, 1, 2))) == [
        date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 1), date(2027, 1, 2)]
    assert list(each_day(date(2026, 12, 3), date(2026, 12, 2))) == []


def test_each_day_reaches_the_last_day_of_the_calendar_without_overflow():
    assert list(each_day(date(9999, 12, 30), date(9999, 12, 31))) == [date(9999, 12, 30), date(9999, 12, 31)]


def test_each_day_refuses_a_walk_over_centuries_before_taking_a_step():
    started = time.perf_counter()
    with pytest.raises(RangeTooLong):
        next(each_day(date(1, 1, 1), date(9999, 12, 31)))
    assert time.perf_counter() - started < 0.01
    assert len(list(each_day(date(2020, 1, 1), date.fromordinal(date(2020, 1, 1).toordinal() + MAX_WALK_DAYS - 1)))) \
        == MAX_WALK_DAYS
    with pytest.raises(RangeTooLong):
        list(each_day(date(2020, 1, 1), date.fromordinal(date(2020, 1, 1).toordinal() + MAX_WALK_DAYS)))


def test_the_window_is_three_years_each_side_of_this_month():
    assert window(TODAY) == (date(2023, 12, 1), date(2029, 12, 31))
    assert in_window(date(2023, 12, 1), TODAY) and not in_window(date(2023, 11, 30), TODAY)
    assert in_window(date(2029, 12, 31), TODAY) and not in_window(date(2030, 1, 1), TODAY)
    assert days_in(*window(TODAY)) <= MAX_WALK_DAYS  # any range inside the window can be walked


def test_months_shift_across_years_and_end_on_their_last_day():
    assert shift_month(date(2026, 12, 1), 1) == date(2027, 1, 1)
    assert shift_month(date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert shift_month(date(2026, 12, 1), -36) == date(2023, 12, 1)
    assert last_day(date(2028, 2, 1)) == date(2028, 2, 29)
    assert last_day(date(9999, 12, 1)) == date(9999, 12, 31)


@pytest.mark.parametrize("text, first", [("2026-12", date(2026, 12, 1)), ("2023-12", date(2023, 12, 1)),
                                         ("2029-12", date(2029, 12, 1)), (" 2027-02 ", date(2027, 2, 1))])
def test_a_month_inside_the_window_is_read(text, first):
    assert parse_month(text, TODAY) == (first, None)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "décembre", "", "10000-01", "2027-02-31",
                                  "1" * 10_000, "0000-01", "+002-01"])
def test_a_month_that_is_no_month_is_refused_in_french(text):
    assert parse_month(text, TODAY) == (None, "Mois invalide (exemple : 2026-11).")


@pytest.mark.parametrize("text", ["0001-01", "9999-12", "1900-01", "2100-01", "2023-11", "2030-01"])
def test_a_month_outside_the_window_is_refused_in_french(text):
    assert parse_month(text, TODAY) == (None, "Mois hors de la période permise : choisissez un mois entre "
                                              "décembre 2023 et décembre 2029.")


@pytest.mark.parametrize("text, day", [("2026-12-02", date(2026, 12, 2)), ("9999-12-31", date(9999, 12, 31)),
                                       ("2027-02-31", None), ("31/02/2027", None), ("", None), ("2" * 10_000, None),
                                       ("0001-01-01", date(1, 1, 1)), ("2026-1-2", None)])
def test_days_are_read_in_iso_only(text, day):
    assert parse_day(text) == day
