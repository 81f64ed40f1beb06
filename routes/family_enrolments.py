"""Inscriptions, absences and planning of the family's children (optional module "enrolments")."""
from __future__ import annotations

from datetime import date

from bottle import Bottle, abort, request

from routes.display import request_title, status_label
from routes.responses import upload_response
from routes.web import flash, portal, posted_form, redirect, render, require_family, require_module
from storage import clock
from storage.dates import each_day, in_window, last_day, parse_month, shift_month
from storage.certificates import CertificateRefused, certificate_of, clean_certificate
from storage.absences import (ABSENCE_REASONS, AbsenceRefused, DeclaredAbsence, absence_choices, absent_days,
                              booked_days, clean_absence_form, recent_absences, submit_absence)
from storage.enrolments import active_enrolments, clean_enrolment_form, submit_enrolments, weekdays_label
from storage.families import child_by_id, record_of
from storage.photos import MAX_UPLOAD_BYTES
from storage.requests import all_requests
from storage.services import WEEKDAYS, bracket_label, is_open, price_cents
from views.formats import of_name, plural

app = Bottle()
SENT = "Votre demande a été transmise à la mairie. Elle sera prise en compte après validation."


def _family():
    require_module("enrolments")
    family_id = require_family()
    db = portal().families.read(family_id)
    return family_id, db, record_of(db)


def _services() -> dict[str, dict]:
    return {s["id"]: s for s in portal().services.active()}


@app.get("/inscriptions")
def enrolments_page():
    family_id, db, record = _family()
    services = {s["id"]: s for s in portal().services.all()}
    children = [(child, [(e, services.get(e["service_id"], {"name": e["service_id"]})) for e in active_enrolments(db, child["id"])])
                for child in record.get("children", [])]
    module_requests = [(r, request_title(r), status_label(r["status"])) for r in all_requests(db)
                       if r["section"] in ("enrolment", "absence")][:20]
    absences = recent_absences(db, 20)
    return render("family/enrolments.tpl", title="Inscriptions et absences", children=children,
                  module_requests=module_requests, absences=absences, services=services,
                  weekdays_label=weekdays_label, reasons=ABSENCE_REASONS, record=record)


def _price_table(record: dict) -> list[dict]:
    qf = (record.get("caf") or {}).get("qf")
    return [{"service": s, "price": price_cents(s, qf),
             "brackets": [(bracket_label(b, s["brackets"][i - 1]["qf_max"] if i else None), b["price_cents"])
                          for i, b in enumerate(s["brackets"])]} for s in _services().values()]


@app.route("/inscriptions/nouvelle", method=["GET", "POST"])
def enrol():
    family_id, db, record = _family()
    services = _services()
    values = {"children": [], "weekdays": []}
    errors = {}
    if request.method == "POST":
        values = posted_form("children", "weekdays")
        clean, errors = clean_enrolment_form(values, record, services, clock.today())
        if not errors:
            submit_enrolments(portal().families, family_id, clean, services[clean["service_id"]])
            flash(SENT)
            redirect("/inscriptions")
    return render("family/enrol.tpl", title="Inscrire un enfant", record=record, services=services, values=values,
                  errors=errors, prices=_price_table(record), weekdays=WEEKDAYS,
                  qf=(record.get("caf") or {}).get("qf"))


ABSENCE_FIELDS = ("start", "end", "reason", "comment")


@app.route("/absences/nouvelle", method=["GET", "POST"])
def declare_absence():
    """One declaration for several children and services on the same dates; one request per child and service."""
    family_id, db, record = _family()
    services = _services()
    values, errors = {"child_service": []}, {}
    if request.method == "POST":
        form = posted_form("child_service")
        values = {name: form.get(name, "") for name in ABSENCE_FIELDS} | {"child_service": form["child_service"]}
        clean, errors = clean_absence_form(values, db, record, services, clock.today())
        certificate = None
        upload = request.files.get("certificate")
        if upload is not None and upload.raw_filename and not errors:
            try:
                certificate = clean_certificate(upload.file.read(MAX_UPLOAD_BYTES + 1))
            except CertificateRefused as refusal:
                errors["certificate"] = str(refusal)
        if not errors:
            try:
                declared = submit_absence(portal().families, family_id, clean, services, clock.now(), certificate)
            except AbsenceRefused as refusal:
                errors[refusal.field] = str(refusal)
            else:
                flash(_declared_text(declared))
                redirect("/inscriptions")
    return render("family/absence.tpl", title="Déclarer une absence", choices=absence_choices(db, record, services),
                  values=values, errors=errors, reasons=ABSENCE_REASONS)


def _declared_text(declared: DeclaredAbsence) -> str:
    """What the family is told once its declaration is sent: how many requests, and the late days only if any."""
    count = len(declared.request_ids)
    text = (SENT if count == 1 else f"Vos {count} demandes d'absence (une par enfant et par service) ont été "
            "transmises à la mairie. Elles seront prises en compte après validation.")
    if declared.late_days:
        days = plural(declared.late_days, "jour signalé", "jours signalés")
        text += (f" Attention : {days} après le délai de prévenance "
                 f"{'reste facturé' if declared.late_days == 1 else 'restent facturés'}, sauf décision de la mairie.")
    return text


def planning_month(db, child: dict, first: date, services: dict[str, dict]) -> dict:
    """Each day of first's month with, per service the child is enrolled in: réservé / absent / fermé / —."""
    last = last_day(first)
    enrolled = {e["service_id"] for e in active_enrolments(db, child["id"])}
    columns = [services[s] for s in sorted(enrolled) if s in services]
    booked = {s["id"]: {d.isoformat() for d in booked_days(db, s, child["id"], first, last)} for s in columns}
    absent = {s["id"]: absent_days(db, child["id"], s["id"]) for s in columns}
    billed = {s["id"]: absent_days(db, child["id"], s["id"], billed=True) for s in columns}
    rows = []
    for day in each_day(first, last):
        iso, cells = day.isoformat(), []
        for service in columns:
            key = service["id"]
            if day.weekday() not in service["weekdays"]:
                cells.append(("none", ""))
            elif not is_open(service, day):
                cells.append(("closed", "fermé"))
            elif iso in booked[key] and iso in billed[key]:
                cells.append(("absent", "absent (facturé)"))
            elif iso in booked[key] and iso in absent[key]:
                cells.append(("absent", "absent"))
            elif iso in booked[key]:
                cells.append(("booked", "réservé"))
            else:
                cells.append(("free", "—"))
        rows.append({"day": day, "label": f"{WEEKDAYS[day.weekday()]} {day.day}", "cells": cells,
                     "weekend": day.weekday() >= 5})
    return {"columns": columns, "rows": rows}


@app.get("/planning/<child_id:int>")
def planning(child_id: int):
    family_id, db, record = _family()
    child = child_by_id(record, child_id)
    if child is None:
        abort(404)
    today = clock.today()
    first, error = parse_month(request.query.get("mois") or today.isoformat()[:7], today)  # a month is ASCII
    if error:
        abort(404)
    table = planning_month(db, child, first, {s["id"]: s for s in portal().services.all()})
    return render("family/planning.tpl", title=f"Planning {of_name(child['first_name'])}", child=child,
                  month=first.isoformat()[:7], table=table, previous=_neighbour(first, -1, today),
                  following=_neighbour(first, 1, today), children=record.get("children", []))


def _neighbour(first: date, months: int, today: date) -> str | None:
    """'AAAA-MM' of the month before or after, when it is still inside the calendar window."""
    month = shift_month(first, months)
    return month.isoformat()[:7] if in_window(month, today) else None


@app.get("/absences/<request_id:int>/justificatif")
def certificate(request_id: int):
    family_id, db, _ = _family()
    return upload_response(portal().certificates, family_id, certificate_of(db, request_id))
