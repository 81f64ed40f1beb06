"""The demo commune's calendar, relative to the day the demo is created: the school year, the public holidays when
the services are closed, and the months already billed (past months only, each invoice issued on the first working
day of the following month), so that a demo created on any day tells a story that has already happened.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from storage.dates import last_day, shift_month

# A school year's periods of classes, as (month, day) pairs; September to December in the year it starts.
SCHOOL_TERMS = (((9, 1), (10, 16)), ((11, 2), (12, 18)), ((1, 4), (2, 12)), ((3, 1), (4, 16)), ((5, 3), (7, 3)))
SCHOOL_WEEKDAYS = (0, 1, 3, 4)  # the canteen and before/after-school care: Monday, Tuesday, Thursday, Friday
BILLED_MONTHS = 3
MIN_CLASS_DAYS = 5  # a month billed in the demo has at least a week of classes (not only the first days of July)
DIRECT_DEBIT_DELAY = timedelta(days=7)  # a prélèvement is taken a week after the invoice is issued


def school_year_of(day: date) -> int:
    """The year the school year of day starts in (August already belongs to the coming school year)."""
    return day.year if day.month >= 8 else day.year - 1


def school_periods(year: int) -> list[dict]:
    """The periods of classes of the school year starting in September of year."""
    def on(month_day: tuple[int, int]) -> date:
        month, day = month_day
        return date(year if month >= 8 else year + 1, month, day)
    return [{"start": on(start).isoformat(), "end": on(end).isoformat()} for start, end in SCHOOL_TERMS]


def easter(year: int) -> date:
    """Easter Sunday (Gregorian computus, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lunar = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lunar) // 451
    month, day = divmod(h + lunar - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> set[date]:
    """The French public holidays (jours fériés) of a calendar year, with the Friday after Ascension (the usual
    "pont" when schools are closed)."""
    sunday = easter(year)
    fixed = {date(year, month, day) for month, day in ((1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11),
                                                        (12, 25))}
    return fixed | {sunday + timedelta(days=n) for n in (1, 39, 40, 50)}  # Monday, Ascension and its Friday, Whit Monday


def closed_days(periods: list[dict]) -> list[str]:
    """The public holidays that fall inside the periods, as ISO dates."""
    years = {int(p["start"][:4]) for p in periods} | {int(p["end"][:4]) for p in periods}
    holidays = {day for year in years for day in public_holidays(year)}
    return sorted(day.isoformat() for day in holidays
                  if any(p["start"] <= day.isoformat() <= p["end"] for p in periods))


def issue_day(month: date) -> date:
    """The invoice of month is issued on the first working day of the following month."""
    day = shift_month(month, 1)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += timedelta(days=1)
    return day


def class_days(month: date) -> int:
    """How many days the school services open in month."""
    periods = school_periods(school_year_of(month))
    closed = set(closed_days(periods))
    days, day, end = 0, month, last_day(month)
    while day <= end:
        if day.weekday() in SCHOOL_WEEKDAYS and day.isoformat() not in closed \
                and any(p["start"] <= day.isoformat() <= p["end"] for p in periods):
            days += 1
        day += timedelta(days=1)
    return days


@dataclass(frozen=True)
class DemoCalendar:
    """What the demo created on today looks like: its school year, the months billed (oldest first) and the service
    periods that cover them."""
    today: date
    school_year: int
    billed_months: tuple[date, ...]

    @classmethod
    def created_on(cls, today: date) -> DemoCalendar:
        months, month = [], today.replace(day=1)
        while len(months) < BILLED_MONTHS and month > today.replace(year=today.year - 2, day=1):
            month = shift_month(month, -1)
            if issue_day(month) <= today and class_days(month) >= MIN_CLASS_DAYS:
                months.insert(0, month)
        return cls(today, school_year_of(today), tuple(months))

    @property
    def school_years(self) -> list[int]:
        """The school years whose periods the services list: those of the billed months and the current one."""
        return sorted({school_year_of(month) for month in self.billed_months} | {self.school_year})

    def periods(self) -> list[dict]:
        return [period for year in self.school_years for period in school_periods(year)]

    def enrolment_span(self) -> tuple[str, str]:
        """From the first day of classes before the first billed month to the last day of the current school year."""
        periods = self.periods()
        return periods[0]["start"], periods[-1]["end"]

    def birth_date(self, age_in_school_year: int, month: int, day: int) -> str:
        """The birth date of a child who turns age_in_school_year in the calendar year the school year starts."""
        return date(self.school_year - age_in_school_year, month, day).isoformat()
