"""French display formats for money and dates, shared by pages and PDFs."""
from __future__ import annotations

from datetime import date, datetime

from storage.fields import format_euros
from storage.wording import full_name, last_name, listed_name, plural  # noqa: F401 - the views' helpers too

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")


def euros(cents: int | None) -> str:
    """1234567 -> '12 345,67 €' (the one money format, shared with the storage layer's field display)."""
    return format_euros(cents)


def date_fr(value: str | None) -> str:
    """'2026-11-28' -> '28/11/2026'; '2026-11-28T09:05:00' -> '28/11/2026 à 09h05'."""
    if not value:
        return ""
    try:
        if "T" in value:
            moment = datetime.fromisoformat(value)
            return moment.strftime("%d/%m/%Y à %Hh%M")
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def month_fr(period: str | None) -> str:
    """'2026-11' -> 'novembre 2026'."""
    if not period:
        return ""
    try:
        year, month = period.split("-")[:2]
        return f"{MONTHS[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return period


def of_name(name: str) -> str:
    """French elision: 'de Léa' but "d'Inès"."""
    return f"d'{name}" if name[:1].lower() in "aeiouyéèêàâîïôûh" else f"de {name}"


def wait_fr(seconds: int) -> str:
    """A wait as people say it: '45 secondes', '1 minute', '15 minutes'."""
    if seconds < 120:
        return plural(seconds, "seconde")
    return plural(-(-seconds // 60), "minute")
