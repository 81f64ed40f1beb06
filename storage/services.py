"""The commune's service catalogue (canteen, before/after-school care, Wednesdays, holidays): opening days,
prices by quotient familial bracket, and the notice period for absences.

Kept in data/services.json. A service is open on a day when the weekday is one of its weekdays, the day lies in
one of its periods (school year, holiday weeks) and it is not one of its closed dates.
"""
from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from tinydb import Query

from storage import clock
from storage.dates import MAX_PERIOD_DAYS, days_in, each_day, in_window, window
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.fields import Field, clean_field, parse_euros

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
WEEKDAY_VALUES = {str(index): index for index in range(7)}


def weekdays_from(values) -> list[int]:
    """Weekday numbers (0 = lundi) from posted checkbox values; anything else is ignored."""
    return sorted({WEEKDAY_VALUES[v] for v in values or [] if v in WEEKDAY_VALUES})
SERVICE_ID = re.compile(r"^[a-z0-9-]{1,40}$")


def price_cents(service: dict, qf: int | None) -> int:
    """Price of one day for a family's quotient familial; an unknown QF pays the highest bracket."""
    brackets = service["brackets"]
    if qf is None or qf == "":
        return brackets[-1]["price_cents"]
    for bracket in brackets:
        if bracket["qf_max"] is None or int(qf) <= bracket["qf_max"]:
            return bracket["price_cents"]
    return brackets[-1]["price_cents"]


def bracket_label(bracket: dict, previous_max: int | None) -> str:
    low = 0 if previous_max is None else previous_max + 1
    return f"QF de {low} à {bracket['qf_max']} €" if bracket["qf_max"] is not None else f"QF à partir de {low} €"


def is_open(service: dict, day: date) -> bool:
    iso = day.isoformat()
    return (day.weekday() in service["weekdays"] and iso not in service.get("closed_dates", [])
            and any(p["start"] <= iso <= p["end"] for p in service["periods"]))


def opening_days(service: dict, start: date, end: date, weekdays: list[int] | None = None) -> list[date]:
    """The days between start and end (included) when the service is open (and on the chosen weekdays).

    Only the days of the service's periods are walked: the cost follows the service's calendar, whatever the range.
    """
    closed = set(service.get("closed_dates", []))
    open_weekdays = set(service["weekdays"]) & (set(range(7)) if weekdays is None else set(weekdays))
    days = set()
    for period in service["periods"]:
        low, high = max(start, date.fromisoformat(period["start"])), min(end, date.fromisoformat(period["end"]))
        if low <= high:
            days.update(d for d in each_day(low, high) if d.weekday() in open_weekdays and d.isoformat() not in closed)
    return sorted(days)


def opening_span(service: dict) -> tuple[date, date] | None:
    """(first, last) day of the service's periods taken together, or None when it has no period."""
    if not service.get("periods"):
        return None
    return (date.fromisoformat(min(p["start"] for p in service["periods"])),
            date.fromisoformat(max(p["end"] for p in service["periods"])))


def public_holidays(periods: list[dict], today: date) -> dict[str, str]:
    """ISO date -> French name of the French public holidays (jours fériés, metropolitan France) of each year of the
    periods, from the first day of the periods to their last (a school year: 1 November to Ascension and Whit
    Monday, not the summer's), inside the calendar window: what a service is closed on unless the agent decides
    otherwise."""
    from holidays import France  # imported here: only the service editor needs it, not the start-up

    span = opening_span({"periods": periods})
    if span is None:
        return {}
    low, high = window(today)
    first, last = max(span[0], low), min(span[1], high)
    return {day.isoformat(): name for day, name in sorted(France(years=range(first.year, last.year + 1),
                                                                  language="fr").items()) if first <= day <= last}


def absence_deadline(service: dict, day: date) -> datetime:
    """Last moment to report an absence on day without it being billed: N working days before, at the notice time.

    Working days are Monday to Friday except the service's closed dates (public holidays); with N = 2 and 10:00,
    an absence on Monday must be reported by the previous Thursday at 10:00:00.
    """
    remaining, deadline = service.get("notice_working_days", 2), day
    closed = set(service.get("closed_dates", []))
    while remaining > 0:
        deadline -= timedelta(days=1)
        if deadline.weekday() < 5 and deadline.isoformat() not in closed:
            remaining -= 1
    hours, minutes = (int(x) for x in service.get("notice_time", "10:00").split(":"))
    return datetime.combine(deadline, time(hours, minutes))


def absence_is_billed(service: dict, day: date, declared_at: datetime) -> bool:
    """An absence reported after the deadline is billed (the agent may decide otherwise)."""
    return declared_at > absence_deadline(service, day)


class Services:
    """The catalogue in data/services.json."""

    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self._path = documents.root / "services.json"

    def all(self) -> list[dict]:
        return sorted(self._documents.read(self._path).table("services").all(), key=lambda s: s.get("order", 0))

    def active(self) -> list[dict]:
        return [s for s in self.all() if s.get("active", True)]

    def get(self, service_id: str) -> dict | None:
        return self._documents.read(self._path).table("services").get(Query().id == service_id)

    def save(self, service: dict) -> None:
        """Create or replace a service (by its id)."""
        with self._documents.transaction(self._path) as db:
            table = db.table("services")
            service = dict(service, schema=SCHEMA_VERSION)
            if table.contains(Query().id == service["id"]):
                table.update(service, Query().id == service["id"])
            else:
                table.insert(dict(service, order=len(table)))


def clean_service_form(form: dict, existing_ids: set[str], service_id: str | None = None,
                       today: date | None = None) -> tuple[dict, dict]:
    """(clean service, errors) from the agent's service form.

    Periods and closed dates are typed one per line: 'JJ/MM/AAAA - JJ/MM/AAAA' and 'JJ/MM/AAAA'; each period lasts a
    year at most and every date lies in the calendar window around today (storage/dates.py). With add_holidays
    ticked, the public holidays from the first to the last day of the periods are added to the closed dates (the agent
    opens on one by deleting its line and saving with the box unticked). Brackets are
    'QF max ; prix' lines, the last one without QF max: '600 ; 1,80', '1000 ; 3,00', '; 3,85'.
    """
    today = today or clock.today()
    errors = {}
    clean = {"id": service_id or (form.get("id") or "").strip().lower()}
    if service_id is None and (not SERVICE_ID.match(clean["id"]) or clean["id"] in existing_ids):
        errors["id"] = "Identifiant invalide ou déjà utilisé : lettres minuscules, chiffres et tirets."
    clean["name"] = " ".join((form.get("name") or "").split())[:80]
    if not clean["name"]:
        errors["name"] = "Ce champ est obligatoire."
    clean["weekdays"] = weekdays_from(form.get("weekdays"))
    if not clean["weekdays"]:
        errors["weekdays"] = "Cochez au moins un jour d'ouverture."
    clean["periods"], error = _clean_periods(form.get("periods", ""), today)
    if error:
        errors["periods"] = error
    clean["closed_dates"], error = _clean_dates(form.get("closed_dates", ""), today)
    if error:
        errors["closed_dates"] = error
    elif form.get("add_holidays") in ("1", "on") and "periods" not in errors:
        clean["closed_dates"], error = _with_public_holidays(clean["closed_dates"], clean["periods"], today)
        if error:
            errors["closed_dates"] = error
    clean["brackets"], error = _clean_brackets(form.get("brackets", ""))
    if error:
        errors["brackets"] = error
    notice = (form.get("notice_working_days") or "").strip()
    if not re.fullmatch(r"[0-9]{1,2}", notice):
        errors["notice_working_days"] = "Nombre de jours ouvrés invalide (0 à 99)."
    clean["notice_working_days"] = int(notice) if notice.isdigit() else notice
    clean["notice_time"] = (form.get("notice_time") or "").strip()
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", clean["notice_time"]):
        errors["notice_time"] = "Heure invalide (format HH:MM, exemple : 10:00)."
    clean["active"] = form.get("active") in ("1", "on")
    return clean, errors


_DATE = Field("date", "Date", "date", True)
MAX_PERIODS = 40        # five school periods and the holidays, for a couple of years
MAX_CLOSED_DATES = 200  # public holidays and bridges, for a few years


def _window_text(today: date) -> str:
    low, high = window(today)
    return f"entre le {low.strftime('%d/%m/%Y')} et le {high.strftime('%d/%m/%Y')}"


def _clean_dates(text: str, today: date) -> tuple[list[str], str | None]:
    lines = [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]
    if len(lines) > MAX_CLOSED_DATES:
        return [], f"{MAX_CLOSED_DATES} dates de fermeture au plus."
    dates = []
    for line in lines:
        value, error = clean_field(_DATE, line)
        if error:
            return [], f"Date invalide : « {line} » (JJ/MM/AAAA)."
        if not in_window(date.fromisoformat(value), today):
            return [], f"Date trop éloignée : « {line} » ({_window_text(today)})."
        dates.append(value)
    return sorted(set(dates)), None


def _with_public_holidays(closed_dates: list[str], periods: list[dict], today: date) -> tuple[list[str], str | None]:
    """The closed dates and the public holidays of the periods (the agent ticked "ajouter les jours fériés")."""
    dates = sorted(set(closed_dates) | set(public_holidays(periods, today)))
    if len(dates) > MAX_CLOSED_DATES:
        return closed_dates, f"{MAX_CLOSED_DATES} dates de fermeture au plus, jours fériés compris."
    return dates, None


def _clean_periods(text: str, today: date) -> tuple[list[dict], str | None]:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if len(lines) > MAX_PERIODS:
        return [], f"{MAX_PERIODS} périodes au plus."
    periods = []
    for line in lines:
        parts = [p.strip() for p in re.split(r"\s+-\s+|\s+au\s+|;", line) if p.strip()]
        values = [clean_field(_DATE, p) for p in parts]
        if len(values) != 2 or any(error for _, error in values) or values[0][0] > values[1][0]:
            return [], f"Période invalide : « {line} » (JJ/MM/AAAA - JJ/MM/AAAA)."
        start, end = date.fromisoformat(values[0][0]), date.fromisoformat(values[1][0])
        if days_in(start, end) > MAX_PERIOD_DAYS:
            return [], f"Période trop longue : « {line} » (un an au plus)."
        if not (in_window(start, today) and in_window(end, today)):
            return [], f"Période trop éloignée : « {line} » ({_window_text(today)})."
        periods.append({"start": values[0][0], "end": values[1][0]})
    if not periods:
        return [], "Indiquez au moins une période d'ouverture."
    return periods, None


def _clean_brackets(text: str) -> tuple[list[dict], str | None]:
    brackets = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        qf_text, _, price_text = line.partition(";")
        cents, error = parse_euros(price_text)
        qf_text = qf_text.strip()
        if error or (qf_text and not qf_text.isdigit()):
            return [], f"Tranche invalide : « {line.strip()} » (QF maximum ; prix, exemple : 600 ; 1,80)."
        brackets.append({"qf_max": int(qf_text) if qf_text else None, "price_cents": cents})
    if not brackets or brackets[-1]["qf_max"] is not None:
        return [], "La dernière tranche n'a pas de QF maximum (exemple : « ; 3,85 »)."
    if any(b["qf_max"] is None for b in brackets[:-1]) or \
            [b["qf_max"] for b in brackets[:-1]] != sorted({b["qf_max"] for b in brackets[:-1]}):
        return [], "Les QF maximum doivent être croissants, et seule la dernière tranche en est dépourvue."
    return brackets, None
