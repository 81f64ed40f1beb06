"""Enrolments of children in the commune's services (optional module "enrolments"; absences: storage/absences.py).

An enrolment is a request: the family asks, the agent validates. A validated enrolment is a document in the family's
file (table "enrolments"); billing, the planning and absences read them.
"""
from __future__ import annotations

from datetime import date, timedelta

from tinydb import TinyDB

from storage import clock
from storage.dates import days_in, each_day, window
from storage.documents import SCHEMA_VERSION
from storage.families import Families, child_by_id, now_iso, record_of
from storage.fields import Field, clean_field
from storage.requests import RequestKind, insert_request
from storage.sections import child_label
from storage.services import WEEKDAYS, opening_days, opening_span, price_cents, weekdays_from

_DATE = Field("date", "Date", "date", True)


def clean_dates(form: dict, errors: dict, today: date) -> tuple[str, str]:
    """(start, end) of a form's period, ISO; errors for a missing, invalid or reversed date."""
    start, error = clean_field(_DATE, form.get("start", ""))
    if error:
        errors["start"] = error
    end, error = clean_field(_DATE, form.get("end", ""))
    if error:
        errors["end"] = error
    if "start" not in errors and "end" not in errors and start > end:
        errors["end"] = "La date de fin doit être après la date de début."
    return start, end


def weekdays_label(weekdays: list[int]) -> str:
    return ", ".join(WEEKDAYS[d] for d in sorted(weekdays))


def active_enrolments(db: TinyDB, child_id=None) -> list[dict]:
    return [e for e in db.table("enrolments").all()
            if e["status"] == "active" and (child_id is None or str(e["child_id"]) == str(child_id))]


# --- enrolment ------------------------------------------------------------------------------------------

def enrolment_span(service: dict, today: date) -> tuple[date, date] | None:
    """The first and last day an enrolment at service may cover: its periods (its school year), inside the calendar
    window around today (which also bounds a service stored before the window existed)."""
    span, (low, high) = opening_span(service), window(today)
    if span is None or span[0] > high or span[1] < low:
        return None
    return max(span[0], low), min(span[1], high)


def _check_inside_enrolment_span(service: dict, start: str, end: str, today: date, errors: dict) -> None:
    span = enrolment_span(service, today)
    if span is None:
        errors.setdefault("service", "Ce service n'a pas de période d'ouverture : choisissez-en un autre.")
        return
    message = (f"Le service est ouvert du {span[0].strftime('%d/%m/%Y')} au {span[1].strftime('%d/%m/%Y')} : "
               "choisissez des dates dans cette période.")
    if "start" not in errors and start < span[0].isoformat():
        errors["start"] = message
    if "end" not in errors and end > span[1].isoformat():
        errors["end"] = message


def inside_enrolment_span(service: dict, start: str, end: str, today: date) -> bool:
    span = enrolment_span(service, today)
    return span is not None and span[0].isoformat() <= start <= end <= span[1].isoformat()


def clean_enrolment_form(form: dict, record: dict, services: dict[str, dict], today: date) -> tuple[dict, dict]:
    """(clean enrolment for one or several children, errors) from the family's form."""
    errors = {}
    chosen = form.get("children") or []
    children = [c for c in (chosen if isinstance(chosen, list) else [chosen]) if child_by_id(record, c)]
    if not children or len(children) != len(chosen):
        errors["children"] = "Choisissez au moins un de vos enfants."
    service = services.get(form.get("service", ""))
    if service is None:
        errors["service"] = "Choisissez un service."
    start, end = clean_dates(form, errors, today)
    if "end" not in errors and end < today.isoformat():
        errors["end"] = "La période est déjà passée."
    if service is not None:
        _check_inside_enrolment_span(service, start, end, today, errors)
    chosen_days = weekdays_from(form.get("weekdays"))
    weekdays = chosen_days
    if service is not None:
        weekdays = [d for d in chosen_days if d in service["weekdays"]] if chosen_days else list(service["weekdays"])
        if chosen_days and not weekdays:
            errors["weekdays"] = ("Le service n'ouvre aucun des jours cochés : il ouvre le "
                                  + weekdays_label(service["weekdays"]) + ".")
        elif not errors and not opening_days(service, date.fromisoformat(start), date.fromisoformat(end), weekdays):
            errors["start"] = "Le service n'est ouvert aucun de ces jours : vérifiez les dates et les jours choisis."
    return {"children": children, "service_id": form.get("service", ""), "start": start, "end": end,
            "weekdays": weekdays}, errors


def submit_enrolments(families: Families, family_id: str, clean: dict, service: dict) -> list[int]:
    """One pending request per child, so the agent can decide for each."""
    with families.transaction(family_id) as db:
        record = record_of(db)
        ids = []
        for child_id in clean["children"]:
            child = child_by_id(record, child_id)
            payload = {"child_id": child["id"], "service_id": service["id"], "start": clean["start"],
                       "end": clean["end"], "weekdays": clean["weekdays"]}
            changes = [
                {"field": "service", "label": "Service", "before": None, "after": service["name"]},
                {"field": "period", "label": "Période", "before": None,
                 "after": period_text(clean["start"], clean["end"])},
                {"field": "weekdays", "label": "Jours", "before": None, "after": weekdays_label(clean["weekdays"])},
                {"field": "price", "label": "Prix par jour", "before": None,
                 "after": price_cents(service, (record.get("caf") or {}).get("qf"))},
            ]
            ids.append(insert_request(db, family_id, "enrolment", changes, action="add", target_id=child["id"],
                                      target_label=child_label(child), payload=payload))
        return ids


def _overlapping(db: TinyDB, payload: dict) -> dict | None:
    """An active enrolment of the same child at the same service sharing at least one weekday in their common dates."""
    for enrolment in active_enrolments(db, payload["child_id"]):
        if enrolment["service_id"] != payload["service_id"]:
            continue
        low, high = max(enrolment["start"], payload["start"]), min(enrolment["end"], payload["end"])
        common = set(enrolment["weekdays"]) & set(payload["weekdays"])
        if low > high or not common:
            continue
        first, last = date.fromisoformat(low), date.fromisoformat(high)
        if days_in(first, last) > 7:  # every weekday comes back within a week: never walk more than seven days
            last = first + timedelta(days=6)
        if any(day.weekday() in common for day in each_day(first, last)):
            return enrolment
    return None


def enrolment_problem(db: TinyDB, record: dict, request: dict, options: dict) -> str | None:
    """Why an enrolment cannot be validated: overlapping enrolment, dates outside the service's opening."""
    payload = request["payload"]
    if child_by_id(record, payload["child_id"]) is None:
        return "L'enfant n'existe plus dans la fiche de la famille."
    service = options["services"].get(payload["service_id"])
    if service is None:
        return "Ce service n'existe plus."
    if not inside_enrolment_span(service, payload["start"], payload["end"], clock.today()):
        return "Inscription impossible : les dates sont en dehors de la période d'ouverture du service."
    clash = _overlapping(db, payload)
    if clash:
        return (f"Inscription impossible : elle chevauche l'inscription existante du {_fr(clash['start'])} "
                f"au {_fr(clash['end'])} au même service.")
    if not opening_days(service, date.fromisoformat(payload["start"]), date.fromisoformat(payload["end"]),
                        payload["weekdays"]):
        return "Inscription impossible : les dates sont en dehors des jours d'ouverture du service."
    return None


def apply_enrolment(db: TinyDB, record: dict, request: dict, options: dict) -> None:
    db.table("enrolments").insert(dict(request["payload"], schema=SCHEMA_VERSION, status="active",
                                       request_id=request.doc_id, created_at=now_iso()))


ENROLMENT_REQUEST_KINDS = {"enrolment": RequestKind(enrolment_problem, apply_enrolment)}


def period_text(start: str, end: str) -> str:
    """'du 07/12/2026 au 11/12/2026'."""
    return f"du {_fr(start)} au {_fr(end)}"


def _fr(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
