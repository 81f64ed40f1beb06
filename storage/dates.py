"""The calendar the portal accepts, and the one walk over days, which is bounded.

A date range typed in a form is checked against what the domain allows before any day is walked: an enrolment lies
inside its service's opening periods (storage/enrolments.py), an absence lasts at most MAX_ABSENCE_DAYS, a month
shown or billed and a service's periods and closed dates lie inside the calendar window, WINDOW_MONTHS each side of
today's month. each_day() refuses to walk more than MAX_WALK_DAYS whatever a caller or an old document says, and
never steps past year 9999, so no request can spin on a calendar or overflow.
"""
from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Iterator

# One month a family or the agent may look at or bill, and the dates of a service's calendar: three years each side
# of today's month. Wide enough for a late billing run or next school year's periods, narrow enough that no range
# built from them reaches the ends of the calendar (year 1, year 9999).
WINDOW_MONTHS = 36
# An absence covers at most a month of days: a longer one (a long illness) is declared in several requests, so that
# each request stays readable for the agent and its list of days short.
MAX_ABSENCE_DAYS = 31
# A service's period (a school year, a holiday week) lasts at most a year.
MAX_PERIOD_DAYS = 366
# Longest walk over days: a range that starts and ends inside the calendar window (7 years and a month).
MAX_WALK_DAYS = (2 * WINDOW_MONTHS + 1) * 31
MONTH = re.compile(r"^[0-9]{4}-[0-9]{2}$")
MONTHS_FR = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre")


class RangeTooLong(ValueError):
    """A walk over more days than any range the domain accepts: a bug or a document from before the bounds."""


def each_day(start: date, end: date) -> Iterator[date]:
    """The days from start to end, both included; at most MAX_WALK_DAYS of them."""
    first, last = start.toordinal(), end.toordinal()
    if last - first + 1 > MAX_WALK_DAYS:
        raise RangeTooLong(f"{start} - {end}: more than {MAX_WALK_DAYS} days")
    for ordinal in range(first, last + 1):
        yield date.fromordinal(ordinal)


def days_in(start: date, end: date) -> int:
    """How many days from start to end, both included (0 when end is before start)."""
    return max(0, end.toordinal() - start.toordinal() + 1)


def shift_month(first: date, months: int) -> date:
    """The first day of the month months after (or before) the month of first."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def last_day(first: date) -> date:
    """The last day of first's month (no step past year 9999)."""
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def window(today: date) -> tuple[date, date]:
    """(first day, last day) of the calendar window around today."""
    this_month = today.replace(day=1)
    return shift_month(this_month, -WINDOW_MONTHS), last_day(shift_month(this_month, WINDOW_MONTHS))


def in_window(day: date, today: date) -> bool:
    low, high = window(today)
    return low <= day <= high


def month_fr(first: date) -> str:
    """'décembre 2026'."""
    return f"{MONTHS_FR[first.month - 1]} {first.year}"


def parse_month(text: str, today: date) -> tuple[date | None, str | None]:
    """(first day of the month, None) for 'AAAA-MM' inside the window, else (None, French error)."""
    text = (text or "").strip()
    try:
        first = date(int(text[:4]), int(text[5:]), 1) if MONTH.match(text) else None
    except ValueError:
        first = None
    if first is None:
        return None, "Mois invalide (exemple : 2026-11)."
    if not in_window(first, today):
        low, high = window(today)
        return None, (f"Mois hors de la période permise : choisissez un mois entre {month_fr(low)} "
                      f"et {month_fr(high)}.")
    return first, None


def parse_day(text: str) -> date | None:
    """An ISO date 'AAAA-MM-JJ', or None."""
    text = (text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None
