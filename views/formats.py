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


def balance_fr(cents: int) -> str:
    """A solde (of the account, or a running balance) as people say it: '273,45 € à payer', '19,80 € en crédit' or
    'rien à payer'; never a bare negative number."""
    if cents > 0:
        return f"{euros(cents)} à payer"
    if cents < 0:
        return f"{euros(-cents)} en crédit"
    return "rien à payer"


def amount_fr(cents: int) -> str:
    """An amount billed or owed (montant de la facture, solde antérieur): '86,85 €'; below zero it is money in the
    family's favour: '19,80 € en crédit'."""
    return euros(cents) if cents >= 0 else balance_fr(cents)


def amount_due_fr(cents: int) -> str:
    """The montant à payer of an invoice: '273,45 €', 'rien à payer' or 'rien à payer (9,80 € en crédit)'."""
    if cents > 0:
        return euros(cents)
    return "rien à payer" + (f" ({euros(-cents)} en crédit)" if cents < 0 else "")


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
