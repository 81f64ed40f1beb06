"""Enrolments of children in the commune's services and declared absences (optional module).

Both are requests: the family asks, the agent validates. Validated enrolments and absences are separate
documents in the family's file (tables "enrolments" and "absences"); billing reads them.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from tinydb import TinyDB

from storage import clock
from storage.certificates import Certificate, CertificateRefused, certificate_files, delete_certificate, store_certificate
from storage.dates import MAX_ABSENCE_DAYS, days_in, each_day, window
from storage.documents import SCHEMA_VERSION
from storage.families import Families, child_by_id, now_iso, record_of
from storage.fields import Field, clean_field
from storage.requests import RequestKind, RequestRefused, insert_request, pending_requests
from storage.sections import child_label
from storage.services import WEEKDAYS, absence_is_billed, opening_days, opening_span, price_cents, weekdays_from

ABSENCE_REASONS = {"maladie": "Maladie", "convenance": "Convenance personnelle", "autre": "Autre motif"}
BILLING_CHOICES = {"auto": "selon le délai de prévenance", "bill": "facturer", "free": "ne pas facturer"}
_DATE = Field("date", "Date", "date", True)


def _dates(form: dict, errors: dict, today: date) -> tuple[str, str]:
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
    start, end = _dates(form, errors, today)
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
                 "after": f"du {_fr(clean['start'])} au {_fr(clean['end'])}"},
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


# --- absence ----------------------------------------------------------------------------------------------

def booked_days(db: TinyDB, service: dict, child_id, start: date, end: date) -> list[date]:
    """Days between start and end the child is enrolled in the service and the service is open."""
    days = set()
    for enrolment in active_enrolments(db, child_id):
        if enrolment["service_id"] != service["id"]:
            continue
        low = max(start, date.fromisoformat(enrolment["start"]))
        high = min(end, date.fromisoformat(enrolment["end"]))
        if low <= high:
            days.update(opening_days(service, low, high, enrolment["weekdays"]))
    return sorted(days)


def clean_absence_form(form: dict, db: TinyDB, record: dict, services: dict[str, dict],
                       today: date) -> tuple[dict, dict]:
    errors = {}
    child = child_by_id(record, form.get("child", ""))
    if child is None:
        errors["child"] = "Choisissez votre enfant."
    service = services.get(form.get("service", ""))
    if service is None:
        errors["service"] = "Choisissez un service."
    start, end = _dates(form, errors, today)
    reason = form.get("reason", "")
    if reason not in ABSENCE_REASONS:
        errors["reason"] = "Choisissez le motif de l'absence."
    if "start" not in errors and "end" not in errors and \
            days_in(date.fromisoformat(start), date.fromisoformat(end)) > MAX_ABSENCE_DAYS:
        errors["end"] = (f"Une absence dure au plus {MAX_ABSENCE_DAYS} jours : déclarez une absence plus longue "
                         "en plusieurs fois.")
    comment = " ".join((form.get("comment") or "").split())[:300]
    days = []
    if not errors:
        days = booked_days(db, service, child["id"], date.fromisoformat(start), date.fromisoformat(end))
        if not days:
            errors["start"] = "L'enfant n'est inscrit à ce service aucun de ces jours."
    return {"child_id": child["id"] if child else None, "service_id": form.get("service", ""), "start": start,
            "end": end, "reason": reason, "comment": comment, "days": [d.isoformat() for d in days]}, errors


class AbsenceRefused(RequestRefused):
    """An absence that cannot be stored; the French message goes next to the form's field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def submit_absence(families: Families, family_id: str, clean: dict, service: dict, declared_at: datetime,
                   certificate: Certificate | None = None) -> int:
    """A pending absence request, with its certificate stored; each day is marked billed or not by the notice period
    at declaration time. An identical pending absence, or one certificate too many, is refused (AbsenceRefused)."""
    files, name = certificate_files(families.documents.root), None
    try:
        with families.transaction(family_id) as db:
            _refuse_identical_absence(db, clean)
            if certificate is not None:
                try:
                    name = store_certificate(files, family_id, db, certificate)
                except CertificateRefused as refusal:
                    raise AbsenceRefused("certificate", str(refusal))
            return _insert_absence(db, family_id, clean, service, declared_at, name)
    except BaseException:
        if name:  # nothing stored points to it
            files.delete(family_id, name)
        raise


def _refuse_identical_absence(db: TinyDB, clean: dict) -> None:
    for request in pending_requests(db):
        payload = request.get("payload") or {}
        if request["section"] == "absence" and str(payload.get("child_id")) == str(clean["child_id"]) and \
                (payload.get("service_id"), payload.get("start"), payload.get("end")) == \
                (clean["service_id"], clean["start"], clean["end"]):
            raise AbsenceRefused("start", "Une absence identique (même enfant, même service, mêmes dates) est déjà "
                                          "en attente de validation.")


def _insert_absence(db: TinyDB, family_id: str, clean: dict, service: dict, declared_at: datetime,
                    certificate: str | None) -> int:
    child = child_by_id(record_of(db), clean["child_id"])
    days = [{"date": d, "billed": absence_is_billed(service, date.fromisoformat(d), declared_at)} for d in clean["days"]]
    late = sum(1 for d in days if d["billed"])
    payload = dict(clean, days=days, declared_at=declared_at.replace(microsecond=0).isoformat(), certificate=certificate)
    changes = [
        {"field": "service", "label": "Service", "before": None, "after": service["name"]},
        {"field": "period", "label": "Dates", "before": None, "after": f"du {_fr(clean['start'])} au {_fr(clean['end'])}"},
        {"field": "reason", "label": "Motif", "before": None,
         "after": ABSENCE_REASONS[clean["reason"]] + (f" ({clean['comment']})" if clean["comment"] else "")},
        {"field": "days", "label": "Jours réservés concernés", "before": None,
         "after": f"{len(days)} jour(s), dont {late} hors délai (facturé(s) sauf décision de la mairie)"},
    ]
    if certificate:
        changes.append({"field": "certificate", "label": "Justificatif", "before": None, "after": "fourni"})
    return insert_request(db, family_id, "absence", changes, action="add", target_id=child["id"],
                          target_label=child_label(child), payload=payload)


def absence_problem(db: TinyDB, record: dict, request: dict, options: dict) -> str | None:
    if child_by_id(record, request["payload"]["child_id"]) is None:
        return "L'enfant n'existe plus dans la fiche de la famille."
    return None


def apply_absence(db: TinyDB, record: dict, request: dict, options: dict) -> None:
    """Store the absence; the agent may bill or waive every day whatever the notice period said."""
    choice = options.get("billing", "auto")
    if choice not in BILLING_CHOICES:
        choice = "auto"
    days = [dict(d, billed=(d["billed"] if choice == "auto" else choice == "bill")) for d in request["payload"]["days"]]
    db.table("absences").insert(dict(request["payload"], days=days, schema=SCHEMA_VERSION, request_id=request.doc_id,
                                     billing_choice=choice, created_at=now_iso()))


def recent_absences(db: TinyDB, limit: int) -> list[dict]:
    """The family's latest recorded absences, by start date, newest first."""
    return sorted(db.table("absences").all(), key=lambda a: a["start"], reverse=True)[:limit]


def absent_days(db: TinyDB, child_id, service_id: str, billed: bool | None = None) -> set[str]:
    """ISO dates of validated absences of a child at a service (only the non-billed ones with billed=False)."""
    return {d["date"] for a in db.table("absences").all()
            if str(a["child_id"]) == str(child_id) and a["service_id"] == service_id
            for d in a["days"] if billed is None or d["billed"] == billed}


ENROLMENT_REQUEST_KINDS = {"enrolment": RequestKind(enrolment_problem, apply_enrolment),
                           "absence": RequestKind(absence_problem, apply_absence, closed=delete_certificate)}


def _fr(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d/%m/%Y")
