"""Which supporting documents each section asks for, and which it requires: rules the agent sets in Paramètres
(settings["documents"]["rules"]), one line per document and section."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storage.sections import SECTIONS

PREREGISTRATION = "preregistration"  # the public pre-registration form, which is not a section of a record
# The forms that may carry documents: every section a family changes through a form, and the pre-registration.
SECTION_CHOICES = tuple((key, SECTIONS[key].title) for key in (
    "parent1", "parent2", "tax", "caf", "bank", "person", "child_extra", "child_health")) + (
    (PREREGISTRATION, "Pré-inscription"),)
# The defaults: only the RIB is required, because a direct debit cannot be set up on an account number typed by hand
# without the bank's own document (a typo means rejected debits and bank fees); the others prove a value the agent can
# also check elsewhere (impots.gouv, CDAP for the CAF) or hold health data a family should not be forced to upload.
DEFAULT_RULES = [
    {"label": "Avis d'imposition", "section": "tax", "required": False},
    {"label": "Attestation de quotient familial (CAF)", "section": "caf", "required": False},
    {"label": "RIB (relevé d'identité bancaire)", "section": "bank", "required": True},
    {"label": "Carnet de vaccination", "section": "child_health", "required": False},
    {"label": "PAI (projet d'accueil individualisé)", "section": "child_health", "required": False},
    {"label": "Justificatif de domicile", "section": PREREGISTRATION, "required": False},
]
MAX_RULES = 30
MAX_LABEL = 80
BLANK_ROWS = 3  # empty lines the settings page offers for new documents


@dataclass(frozen=True)
class DocumentField:
    """One document a form asks for: its key (letters and dashes, stable for a label), label and whether it is
    required; name is the file input's."""
    key: str
    label: str
    required: bool = False

    @property
    def name(self) -> str:
        return f"piece-{self.key}"


def type_key(label: str) -> str:
    """'Attestation de quotient familial (CAF)' -> 'attestation-de-quotient-familial-caf' (no digits, so that a form
    error's anchor never looks like a list row's)."""
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z]+", "-", ascii_label).strip("-")[:40].strip("-") or "document"


def document_rules(settings: dict) -> list[dict]:
    """The rules in force (the defaults until the agent changes them)."""
    return list((settings.get("documents") or {}).get("rules", DEFAULT_RULES))


def document_fields(settings: dict, section_key: str) -> tuple[DocumentField, ...]:
    """The documents a section's form asks for, in the order of the rules; one field per document."""
    fields: dict[str, DocumentField] = {}
    for rule in document_rules(settings):
        if rule.get("section") != section_key or not rule.get("label"):
            continue
        key = type_key(rule["label"])
        if key in fields:
            fields[key] = DocumentField(key, fields[key].label, fields[key].required or bool(rule.get("required")))
        else:
            fields[key] = DocumentField(key, rule["label"], bool(rule.get("required")))
    return tuple(fields.values())


def missing_documents(fields, sent_keys: set[str]) -> dict[str, str]:
    """field name -> French message, for each required document not sent."""
    return {f.name: f"Joignez ce document : « {f.label} » est obligatoire pour cette demande."
            for f in fields if f.required and f.key not in sent_keys}


def reminders(settings: dict, section_key: str) -> list[str]:
    """The reasons the agent may pick to cancel a request of that section for a missing document."""
    return [f"Merci de joindre : {f.label}." for f in document_fields(settings, section_key)]


def rules_as_rows(rules: list[dict]) -> list[dict]:
    """The settings form's lines: the rules, then BLANK_ROWS empty ones."""
    rows = [{"label": r.get("label", ""), "section": r.get("section", ""), "required": bool(r.get("required"))}
            for r in rules]
    return rows + [{"label": "", "section": "", "required": False}] * BLANK_ROWS


def clean_document_rules(form: dict) -> tuple[list[dict], dict, list[dict]]:
    """(rules, errors keyed by input name, the lines as typed) from the settings form: a line without a name is
    dropped; a name needs a section; a document asked twice in one section is refused."""
    sections = dict(SECTION_CHOICES)
    rules, errors, rows, seen = [], {}, [], set()
    index = 0
    while f"doc_label_{index}" in form and index < MAX_RULES + BLANK_ROWS:
        label = " ".join(str(form.get(f"doc_label_{index}", "")).split())
        section = str(form.get(f"doc_section_{index}", "")).strip()
        required = form.get(f"doc_required_{index}") == "1"
        rows.append({"label": label, "section": section, "required": required})
        if label:
            if any(unicodedata.category(c) == "Cc" for c in label) or len(label) > MAX_LABEL:
                errors[f"doc_label_{index}"] = (f"Nom invalide : {MAX_LABEL} caractères au plus, sans caractère "
                                                "de contrôle.")
            elif section not in sections:
                errors[f"doc_section_{index}"] = f"Choisissez la rubrique qui demande « {label} »."
            elif (type_key(label), section) in seen:
                errors[f"doc_label_{index}"] = f"« {label} » est déjà demandé pour la rubrique {sections[section]}."
            else:
                seen.add((type_key(label), section))
                rules.append({"label": label, "section": section, "required": required})
        index += 1
    if len(rules) > MAX_RULES:
        errors["doc_label_0"] = f"{MAX_RULES} lignes au plus."
    return rules, errors, rows
