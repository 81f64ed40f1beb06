"""Absences declared by families (optional module "enrolments"): one declaration covers several children and
services for the same dates and becomes one request per child and service, so that the agent decides each; a
validated absence is a document in the family's file (table "absences") that billing and the planning read.

A day declared after its service's notice period is billed unless the agent decides otherwise. A certificate sent
with a declaration is stored once per request (storage/certificates.py deletes a request's copy when the request is
withdrawn or cancelled).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from tinydb import TinyDB

from storage.certificates import (MAX_AWAITING, Certificate, CertificateRefused, awaiting_certificates,
                                  certificate_files, delete_certificate, store_certificate)
from storage.dates import MAX_ABSENCE_DAYS, days_in
from storage.enrolments import active_enrolments, clean_dates, period_text
from storage.families import Families, child_by_id, now_iso, record_of
from storage.documents import SCHEMA_VERSION
from storage.requests import RequestKind, RequestRefused, insert_request, pending_requests
from storage.sections import child_label
from storage.services import absence_is_billed, opening_days
from storage.wording import plural

ABSENCE_REASONS = {"maladie": "Maladie", "convenance": "Convenance personnelle", "autre": "Autre motif"}
BILLING_CHOICES = {"auto": "selon le délai de prévenance", "bill": "facturer", "free": "ne pas facturer"}


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


def absence_choices(db: TinyDB, record: dict, services: dict[str, dict]) -> list[tuple[dict, list[dict]]]:
    """Each child of the family with the offered services it is enrolled in (what an absence may concern), in the
    catalogue's order."""
    choices = []
    for child in record.get("children", []):
        enrolled = {e["service_id"] for e in active_enrolments(db, child["id"])}
        choices.append((child, [service for service_id, service in services.items() if service_id in enrolled]))
    return choices


def _chosen_pairs(form: dict, choices: list[tuple[dict, list[dict]]], errors: dict) -> list[tuple[dict, dict]]:
    """The (child, service) pairs ticked on the form, each once, in the form's order; an error when none is ticked or
    one is not offered (a forged value)."""
    offered = {f"{child['id']}:{service['id']}": (child, service)
               for child, services in choices for service in services}
    ticked = form.get("child_service") or []
    ticked = list(dict.fromkeys(value for value in ([ticked] if isinstance(ticked, str) else ticked) if value))
    if not ticked:
        errors["child_service"] = "Cochez au moins un service pour l'un de vos enfants."
    elif any(value not in offered for value in ticked):
        errors["child_service"] = "Cochez seulement des services auxquels vos enfants sont inscrits."
    return [offered[value] for value in ticked if value in offered]


def clean_absence_form(form: dict, db: TinyDB, record: dict, services: dict[str, dict],
                       today: date) -> tuple[dict, dict]:
    """(clean declaration, errors): the same dates, reason and comment for every ticked child and service, each pair
    with its booked days ('covers')."""
    errors = {}
    pairs = _chosen_pairs(form, absence_choices(db, record, services), errors)
    start, end = clean_dates(form, errors, today)
    reason = form.get("reason", "")
    if reason not in ABSENCE_REASONS:
        errors["reason"] = "Choisissez le motif de l'absence."
    if "start" not in errors and "end" not in errors and \
            days_in(date.fromisoformat(start), date.fromisoformat(end)) > MAX_ABSENCE_DAYS:
        errors["end"] = (f"Une absence dure au plus {MAX_ABSENCE_DAYS} jours : déclarez une absence plus longue "
                         "en plusieurs fois.")
    comment = " ".join((form.get("comment") or "").split())[:300]
    covers = []
    if not errors:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
        covers = [{"child_id": child["id"], "service_id": service["id"],
                   "days": [d.isoformat() for d in booked_days(db, service, child["id"], first, last)]}
                  for child, service in pairs]
        without_days = [f"{child['first_name']} à « {service['name']} »"
                        for (child, service), cover in zip(pairs, covers) if not cover["days"]]
        if without_days:
            errors["start"] = (f"Aucun jour réservé à ces dates pour {' ni pour '.join(without_days)} : vérifiez les "
                               f"dates ou décochez {'ce service' if len(without_days) == 1 else 'ces services'}.")
    return {"covers": covers, "start": start, "end": end, "reason": reason, "comment": comment}, errors


class AbsenceRefused(RequestRefused):
    """An absence that cannot be stored; the French message goes next to the form's field."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DeclaredAbsence:
    """What one declaration stored: one request per child and service, and how many of their days were declared
    after the notice period (billed unless the town hall decides otherwise)."""
    request_ids: list[int]
    late_days: int


def submit_absence(families: Families, family_id: str, declaration: dict, services: dict[str, dict],
                   declared_at: datetime, certificate: Certificate | None = None) -> DeclaredAbsence:
    """One pending absence request per child and service of the declaration, all stored in one write or none; each
    day is marked billed or not by its service's notice period at declaration time. The certificate is stored once per
    request (each request owns its copy, deleted when that request is withdrawn or cancelled). An identical pending
    absence, or too many certificates waiting, is refused (AbsenceRefused)."""
    files, stored = certificate_files(families.documents.root), []
    try:
        with families.transaction(family_id) as db:
            record = record_of(db)
            for cover in declaration["covers"]:
                _refuse_identical_absence(db, record, declaration, cover, services[cover["service_id"]])
            if certificate is not None:
                _refuse_too_many_certificates(db, len(declaration["covers"]))
            ids, late_days = [], 0
            for cover in declaration["covers"]:
                name = _store_copy(files, family_id, db, certificate) if certificate is not None else None
                stored += [name] if name else []
                request_id, late = _insert_absence(db, family_id, declaration, cover, services[cover["service_id"]],
                                                   declared_at, name)
                ids.append(request_id)
                late_days += late
            return DeclaredAbsence(ids, late_days)
    except BaseException:
        for name in stored:  # nothing stored points to them
            files.delete(family_id, name)
        raise


def _store_copy(files, family_id: str, db: TinyDB, certificate: Certificate) -> str:
    try:
        return store_certificate(files, family_id, db, certificate)
    except CertificateRefused as refusal:
        raise AbsenceRefused("certificate", str(refusal))


def _refuse_too_many_certificates(db: TinyDB, copies: int) -> None:
    waiting = len(awaiting_certificates(db))
    if copies > 1 and waiting + copies > MAX_AWAITING:
        raise AbsenceRefused("certificate", (
            f"Ce justificatif serait joint à chacune des {copies} demandes de cette déclaration : avec "
            f"{plural(waiting, 'justificatif déjà en attente', 'justificatifs déjà en attente')}, cela dépasserait "
            f"{MAX_AWAITING}. Attendez la réponse de la mairie, ou déclarez moins d'absences à la fois."))


def _refuse_identical_absence(db: TinyDB, record: dict, declaration: dict, cover: dict, service: dict) -> None:
    for request in pending_requests(db):
        payload = request.get("payload") or {}
        if request["section"] == "absence" and str(payload.get("child_id")) == str(cover["child_id"]) and \
                (payload.get("service_id"), payload.get("start"), payload.get("end")) == \
                (cover["service_id"], declaration["start"], declaration["end"]):
            child = child_by_id(record, cover["child_id"]) or {}
            raise AbsenceRefused("start", "Une absence identique (même enfant, même service, mêmes dates) est déjà en "
                                          f"attente de validation : {child.get('first_name', '')}, {service['name']}.")


def days_summary(days: int, late: int) -> str:
    """The request's line on the days it concerns: how many, and how many are billed for being declared late."""
    counted = plural(days, "jour")
    if late == 0:
        return (f"{counted}, {'signalé' if days < 2 else 'tous signalés'} dans le délai "
                f"({plural(days, 'non facturé', 'non facturés', with_count=False)})")
    billed = plural(late, "facturé", with_count=False) + " sauf décision de la mairie"
    if late == days:
        return f"{counted}, {plural(days, 'signalé', with_count=False)} hors délai ({billed})"
    return f"{counted}, dont {late} hors délai ({billed})"


def _insert_absence(db: TinyDB, family_id: str, declaration: dict, cover: dict, service: dict, declared_at: datetime,
                    certificate: str | None) -> tuple[int, int]:
    """(request id, days declared late) of one child's absence at one service."""
    child = child_by_id(record_of(db), cover["child_id"])
    days = [{"date": d, "billed": absence_is_billed(service, date.fromisoformat(d), declared_at)}
            for d in cover["days"]]
    late = sum(1 for d in days if d["billed"])
    payload = {"child_id": cover["child_id"], "service_id": cover["service_id"], "start": declaration["start"],
               "end": declaration["end"], "reason": declaration["reason"], "comment": declaration["comment"],
               "days": days, "declared_at": declared_at.replace(microsecond=0).isoformat(), "certificate": certificate}
    changes = [
        {"field": "service", "label": "Service", "before": None, "after": service["name"]},
        {"field": "period", "label": "Dates", "before": None,
         "after": period_text(declaration["start"], declaration["end"])},
        {"field": "reason", "label": "Motif", "before": None, "after": ABSENCE_REASONS[declaration["reason"]]
         + (f" ({declaration['comment']})" if declaration["comment"] else "")},
        {"field": "days", "label": "Jours réservés concernés", "before": None, "after": days_summary(len(days), late)},
    ]
    if certificate:
        changes.append({"field": "certificate", "label": "Justificatif", "before": None, "after": "fourni"})
    request_id = insert_request(db, family_id, "absence", changes, action="add", target_id=child["id"],
                                target_label=child_label(child), payload=payload)
    return request_id, late


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


ABSENCE_REQUEST_KINDS = {"absence": RequestKind(absence_problem, apply_absence, closed=delete_certificate)}
