"""What the agent chooses on the Exports page (period, encoding), checked: (clean values, French errors by field)."""
from __future__ import annotations

from datetime import date

from storage.dates import last_day, shift_month
from storage.fields import Field, clean_field
from storage.exports.csv_file import DEFAULT_ENCODING, ENCODINGS

SINCE_LAST, SINCE_DATE = "dernier", "date"
SINCE_DAY = Field("depuis_le", "Depuis le", "date")
REQUIRED_SINCE_DAY = Field("depuis_le", "Depuis le", "date", True)  # when "since a date" is chosen
FIRST_DAY = Field("du", "Du", "date", True)
LAST_DAY = Field("au", "Au", "date", True)


def clean_encoding(typed: str) -> tuple[str, dict]:
    if typed in ENCODINGS:
        return typed, {}
    return DEFAULT_ENCODING, {"encodage": "Choisissez un encodage de la liste."}


def clean_changes_choice(query: dict, today: date) -> tuple[dict, dict]:
    """{since: "dernier" or "date", day: ISO day or "", encoding}: changes since the last export, or since a day."""
    clean, errors = {"since": query.get("depuis") or SINCE_LAST, "day": ""}, {}
    clean["encoding"], errors = clean_encoding(query.get("encodage") or DEFAULT_ENCODING)
    if clean["since"] not in (SINCE_LAST, SINCE_DATE):
        errors["depuis"] = "Choisissez « depuis le dernier export » ou « depuis une date »."
    elif clean["since"] == SINCE_DATE:
        day, error = clean_field(REQUIRED_SINCE_DAY, query.get("depuis_le", ""), today)
        if error is None and day > today.isoformat():
            error = "La date ne peut pas être dans le futur."
        if error:
            errors["depuis_le"] = error
        else:
            clean["day"] = day
    return clean, errors


def clean_payments_choice(query: dict, today: date) -> tuple[dict, dict]:
    """{first_day, last_day (ISO, both included), encoding} of the payments export."""
    clean, errors = {}, {}
    clean["encoding"], errors = clean_encoding(query.get("encodage") or DEFAULT_ENCODING)
    for field, key in ((FIRST_DAY, "first_day"), (LAST_DAY, "last_day")):
        clean[key], error = clean_field(field, query.get(field.name, ""), today)
        if error:
            errors[field.name] = error
    if not errors.get("du") and not errors.get("au") and clean["first_day"] > clean["last_day"]:
        errors["au"] = "La date de fin doit être le même jour ou après la date de début."
    return clean, errors


def previous_month(today: date) -> tuple[str, str]:
    """(first day, last day) of the month before today's: what the payments form proposes."""
    first = shift_month(today.replace(day=1), -1)
    return first.isoformat(), last_day(first).isoformat()
