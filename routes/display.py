"""How record values and requested changes read on screen (French labels, masked IBAN, children's names)."""
from __future__ import annotations

from storage.requests import ACTION_LABELS, AUDIT_LABELS, STATUS_LABELS
from storage.sections import SECTIONS, Section, child_label, current_values
from views.formats import date_fr

SECTION_SLUGS = {"parent1": "responsable", "parent2": "conjoint", "tax": "donnees-fiscales", "caf": "caf",
                 "bank": "coordonnees-bancaires"}
SLUG_SECTIONS = {slug: key for key, slug in SECTION_SLUGS.items()}


def display_value(section: Section, field_name: str, value, record: dict) -> str:
    """One value as the family and the agent read it."""
    if field_name == "children":
        names = {str(c["id"]): child_label(c) for c in record.get("children", [])}
        return ", ".join(names.get(str(v), "?") for v in value or [])
    if field_name == "photo":
        return "Photo" if value else ""
    field = section.field(field_name)
    return field.display(value) if field is not None else str(value or "")


def section_rows(section: Section, values: dict, pending: dict, record: dict) -> list[dict]:
    """label, current value and pending value (if any) of each field of a section."""
    rows = []
    names = [(f.name, f.label) for f in section.all_fields]
    if section.key == "person":
        names.append(("children", "Enfants concernés"))
    for name, label in names:
        rows.append({"label": label, "value": display_value(section, name, values.get(name), record),
                     "pending": display_value(section, name, pending[name], record) if name in pending else None})
    return rows


def request_title(request: dict) -> str:
    """'Modification — Responsable', 'Ajout — Personne autorisée : Samira BENALI'…"""
    section = SECTIONS[request["section"]]
    title = f"{ACTION_LABELS[request['action']]} — {section.title}"
    return f"{title} : {request['target_label']}" if request.get("target_label") else title


def change_rows(request: dict, record: dict) -> list[dict]:
    """Each change of a request: label, value before, requested value, and the record's value now."""
    section = SECTIONS[request["section"]]
    current = current_values(record, section, request.get("target_id")) or {}
    rows = []
    for change in request["changes"]:
        name = change["field"]
        rows.append({
            "field": name, "label": change["label"],
            "before": display_value(section, name, change["before"], record),
            "after": display_value(section, name, change["after"], record),
            "current": display_value(section, name, current.get(name), record),
            "photo": change["after"] if name == "photo" else None,
        })
    return rows


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def audit_subject(entry: dict) -> str:
    """The Rubrique of an audit line in French: 'C.A.F.', 'Personne autorisée : Samira BENALI'."""
    section = SECTIONS.get(entry.get("section") or "")
    title = section.title if section is not None else "Autre rubrique"
    return f"{title} : {entry['target_label']}" if entry.get("target_label") else title


def audit_rows(entries: list[dict]) -> list[dict]:
    """Audit lines as the history tables show them: each with its action and its Rubrique in French."""
    return [dict(entry, action_label=AUDIT_LABELS.get(entry["action"], entry["action"]),
                 subject=audit_subject(entry)) for entry in entries]


DECIDED_WORDS = {"validated": "validée", "cancelled": "annulée", "withdrawn": "retirée"}


def decision_text(request: dict) -> str:
    """When a request was sent and when, how and by whom it was decided: 'envoyée le 02/12/2026 à 09h00, validée le
    03/12/2026 à 10h15 par agent'."""
    sent = f"envoyée le {date_fr(request['created_at'])}"
    if request["status"] == "pending" or not request.get("decided_at"):
        return sent
    by = "la famille" if request["status"] == "withdrawn" else request.get("decided_by") or "la mairie"
    return (f"{sent}, {DECIDED_WORDS.get(request['status'], status_label(request['status']).lower())} "
            f"le {date_fr(request['decided_at'])} par {by}")
