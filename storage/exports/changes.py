"""Export « Modifications validées »: one line per field that a validated request, an agent's direct edit or a
validated pré-inscription changed in the portal during a window of time, oldest first, so that the back-office
(the ENFANCE software) can be brought up to date by hand or by import.

Where it comes from: every decision writes an audit line in the family's file (storage/requests.py: who, when, the
section, each field's label, value before and value after, the request's number); the request itself gives when the
family asked. Since this export exists, a validation also records in the audit the record's value it replaced
("replaced"), which differs from the value before when the record changed after the request was made: that is the
old value shown; older audit lines give the value before. A validated pré-inscription (data/preregistrations.json)
creates a family: each of its filled fields is a line with no old value.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from storage.families import family_name, record_of
from storage.preregistrations import CHILD_IDENTITY as PREREGISTRATION_CHILD
from storage.requests import ACTION_LABELS
from storage.sections import SECTIONS
from storage.wording import full_name, listed_name
from storage.exports.scan import family_files
from storage.exports.values import change_cell, field_cell, instant_cell

HEADER = ("N° famille", "Famille", "Concerne", "Nom", "N° enfant ou personne", "Rubrique", "Opération", "Champ",
          "Ancienne valeur", "Nouvelle valeur", "Demandé le", "Validé le", "Validé par", "Origine")
ORIGINS = {"validated": "Demande de la famille", "direct_edit": "Modification par l'agent"}
PREREGISTRATION = "Pré-inscription"
NEW_FAMILY = "Nouvelle famille"
FAMILY_SECTIONS = {"tax", "caf", "bank"}  # about the household, not one person


@dataclass(frozen=True)
class Window:
    """The instants an export covers: from since (included; "" = from the beginning) to until (excluded), ISO to the
    second. Consecutive exports share their bound, so each change is in exactly one of them."""
    since: str
    until: str

    def holds(self, instant: str | None) -> bool:
        return bool(instant) and self.since <= instant < self.until


def change_rows(families, preregistrations: Iterable[dict], window: Window,
                agent_name: Callable[[str], str]) -> list[list]:
    """The export's header and lines: every change validated in the window, oldest first."""
    lines = []
    for family_id, parsed in family_files(families, b'"audit"'):
        lines += _family_lines(family_id, parsed, window, agent_name)
    for doc in preregistrations:
        if doc.get("status") == "validated" and window.holds(doc.get("decided_at")):
            lines += _preregistration_lines(doc, agent_name)
    lines.sort(key=lambda line: line[0])
    return [list(HEADER)] + [row for _, row in lines]


def _family_lines(family_id: str, parsed, window: Window, agent_name) -> list[tuple]:
    entries = [entry for entry in parsed.table("audit").all()
               if entry.get("action") in ORIGINS and window.holds(entry.get("at"))]
    if not entries:
        return []
    record, requests = record_of(parsed), parsed.table("requests")
    lines = []
    for entry in entries:
        request = requests.get(entry["request_id"]) if entry.get("request_id") else None
        section_key = entry.get("section", "")
        section = SECTIONS.get(section_key)
        concerned, name, target_id = _concerned(section_key, record, entry, request)
        head = [family_id, family_name(record), concerned, name, target_id, section.title if section else section_key,
                ACTION_LABELS.get(entry.get("operation") or (request or {}).get("action") or "update", "Modification")]
        tail = [instant_cell((request or {}).get("created_at")), instant_cell(entry["at"]), agent_name(entry["by"]),
                ORIGINS[entry["action"]]]
        for position, change in enumerate(entry.get("changes") or []):
            old = change["replaced"] if "replaced" in change else change.get("before")
            row = head + [change.get("label", change.get("field", "")),
                          change_cell(section_key, change.get("field", ""), old, record),
                          change_cell(section_key, change.get("field", ""), change.get("after"), record)] + tail
            lines.append(((entry["at"], len(family_id), family_id, entry.doc_id, position), row))
    return lines


def _concerned(section_key: str, record: dict, entry: dict, request: dict | None) -> tuple[str, str, object]:
    """(who the change is about, their name, the child's or person's number in the family)."""
    if section_key in ("parent1", "parent2"):
        return SECTIONS[section_key].title, listed_name(record.get(section_key)), ""
    section = SECTIONS.get(section_key)
    if section is None or section.target is None or section_key in FAMILY_SECTIONS:
        return "Famille", family_name(record), ""
    target_id = entry.get("target_id") if entry.get("target_id") is not None else (request or {}).get("target_id")
    collection = record.get("persons" if section.target == "person" else "children") or []
    current = next((item for item in collection if str(item.get("id")) == str(target_id)), None)
    name = entry.get("target_label") or (full_name(current) if current else "")
    return ("Personne autorisée" if section.target == "person" else "Enfant"), name, target_id if target_id else ""


def _preregistration_lines(doc: dict, agent_name) -> list[tuple]:
    """The fields of a validated pré-inscription, as the lines of a new family."""
    family_id = str(doc.get("family_id") or "")
    parent1 = doc.get("parent1") or {}
    tail = [instant_cell(doc.get("created_at")), instant_cell(doc.get("decided_at")),
            agent_name(doc.get("decided_by") or ""), f"{PREREGISTRATION} n° {doc.doc_id}"]
    people = [(key, SECTIONS[key].title, doc.get(key), SECTIONS[key].fields, "")
              for key in ("parent1", "parent2") if doc.get(key)]
    people += [("child", "Enfant", child, PREREGISTRATION_CHILD, number)
               for number, child in enumerate(doc.get("children") or [], start=1)]
    lines = []
    for order, (key, concerned, person, fields, number) in enumerate(people):
        name = full_name(person) if key == "child" else listed_name(person)
        section = "Identité de l'enfant" if key == "child" else concerned
        for position, field in enumerate(fields):
            value = field_cell(field, person.get(field.name))
            if value:
                row = [family_id, listed_name(parent1), concerned, name, number, section, NEW_FAMILY, field.label,
                       "", value] + tail
                lines.append(((doc["decided_at"], len(family_id), family_id, -doc.doc_id, order * 100 + position), row))
    return lines
