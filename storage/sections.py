"""The sections of the family record a family may ask to change, their fields and where they live.

A section is found in the record by its key (parent1, parent2, tax, caf, bank) or, for a person or a
child, by the target's id inside the family's own record, so a forged id from another family finds
nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from datetime import date
from typing import Callable

from storage import clock
from storage.fields import Field, clean_field, clean_form
from storage.wording import full_name

CIVILITES = (("Mme", "Madame"), ("M.", "Monsieur"))
REGIMES = (("CAF", "CAF"), ("MSA", "MSA"), ("autre", "Autre régime"))
DIETS = (("standard", "Standard"), ("sans_porc", "Sans porc"), ("sans_viande", "Sans viande"),
         ("vegetarien", "Végétarien"), ("pai", "Panier repas (PAI)"))

PARENT = (
    Field("title", "Civilité", "choice", True, CIVILITES),
    Field("last_name", "Nom", "last_name", True),
    Field("first_name", "Prénom", required=True),
    Field("birth_date", "Date de naissance", "birth_date"),
    Field("address1", "Adresse", required=True, max_length=120),
    Field("address2", "Complément d'adresse", max_length=120),
    Field("postcode", "Code postal", "postcode", True),
    Field("city", "Commune", required=True),
    Field("phone_home", "Téléphone domicile", "phone"),
    Field("phone_mobile", "Téléphone portable", "phone"),
    Field("phone_work", "Téléphone travail", "phone"),
    Field("email", "E-mail", "email", max_length=254),
    Field("profession", "Profession"),
    Field("employer", "Employeur"),
)
TAX = (
    Field("income", "Revenu fiscal de référence (€)", "integer", True, hint="Montant figurant sur l'avis d'imposition."),
    Field("parts", "Nombre de parts", "parts", True, hint="Exemple : 2,5"),
    Field("year", "Année des revenus", "integer", True, hint="Exemple : 2025"),
)
CAF = (
    Field("regime", "Régime", "choice", True, REGIMES),
    Field("number", "Numéro d'allocataire", "caf_number"),
    Field("qf", "Quotient familial (€)", "integer"),
    Field("qf_date", "Date du quotient familial", "date"),
)
BANK = (
    Field("holder", "Titulaire du compte", required=True),
    Field("iban", "IBAN", "iban", True, max_length=42, hint="Exemple : FR76 3000 6000 0112 3456 7890 189"),
    Field("bic", "BIC", "bic", True, max_length=11, hint="8 ou 11 caractères, exemple : AGRIFRPP"),
)
PERSON = (
    Field("last_name", "Nom", "last_name", True),
    Field("first_name", "Prénom", required=True),
    Field("relationship", "Lien de parenté", required=True, hint="Exemple : grand-mère, voisin…"),
    Field("phone_mobile", "Téléphone portable", "phone"),
    Field("phone_home", "Autre téléphone", "phone"),
    Field("may_pick_up", "Peut venir chercher l'enfant", "bool"),
    Field("emergency_contact", "À appeler en cas d'urgence", "bool"),
)
CHILD_IDENTITY = (
    Field("first_name", "Prénom", required=True),
    Field("last_name", "Nom", "last_name", True),
    Field("birth_date", "Date de naissance", "birth_date", True),
    Field("sex", "Sexe", "choice", True, (("F", "Fille"), ("M", "Garçon"))),
)
CHILD_EXTRA = (
    Field("school", "École"),
    Field("class_name", "Classe", max_length=40),
    Field("diet", "Régime alimentaire", "choice", False, DIETS),
    Field("insurance_company", "Assurance (compagnie)"),
    Field("insurance_policy", "N° de police d'assurance", max_length=40),
    Field("image_rights", "Droit à l'image accordé", "bool"),
    Field("may_leave_alone", "Autorisation de rentrer sans adulte", "bool"),
)
CHILD_HEALTH = (
    Field("doctor_name", "Médecin traitant"),
    Field("doctor_phone", "Téléphone du médecin", "phone"),
    Field("pai", "Projet d'accueil individualisé (PAI)", "bool"),
    Field("pai_details", "Détails du PAI", "textarea", max_length=1000),
    Field("treatments", "Traitements en cours", "textarea", max_length=1000),
    Field("remarks", "Remarques", "textarea", max_length=1000),
)


@dataclass(frozen=True)
class ListField:
    """A repeated group of inputs (vaccinations, allergies): rows posted as name_column_index."""
    name: str
    label: str
    columns: tuple[Field, ...]
    blank_rows: int = 2

    def display(self, rows) -> str:
        if not rows:
            return ""
        return " ; ".join(", ".join(c.display(r.get(c.name)) for c in self.columns if r.get(c.name))
                          for r in rows)


VACCINATIONS = ListField("vaccinations", "Vaccinations", (
    Field("name", "Vaccin"), Field("date", "Date du rappel", "date")))
ALLERGIES = ListField("allergies", "Allergies", (
    Field("allergen", "Allergie"), Field("consequence", "Conséquences", max_length=300),
    Field("action", "Conduite à tenir", max_length=300)))


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple = ()
    target: str | None = None  # None, "person" or "child"
    lists: tuple[ListField, ...] = dc_field(default=())

    @property
    def all_fields(self) -> tuple:
        return tuple(self.fields) + tuple(self.lists)

    def field(self, name: str):
        return next((f for f in self.all_fields if f.name == name), None)


SECTIONS = {
    "parent1": Section("parent1", "Responsable", PARENT),
    "parent2": Section("parent2", "Conjoint", PARENT),
    "tax": Section("tax", "Données fiscales", TAX),
    "caf": Section("caf", "C.A.F.", CAF),
    "bank": Section("bank", "Coordonnées bancaires", BANK),
    "person": Section("person", "Personne autorisée", PERSON, "person"),
    "child_identity": Section("child_identity", "Identité de l'enfant", CHILD_IDENTITY, "child"),
    "child_extra": Section("child_extra", "Données complémentaires", CHILD_EXTRA, "child"),
    "child_health": Section("child_health", "Données sanitaires", CHILD_HEALTH, "child", (VACCINATIONS, ALLERGIES)),
    "child_photo": Section("child_photo", "Photo", (Field("photo", "Photo"),), "child"),
    # Requests of the enrolments module: shown like the others, applied by storage.enrolments.
    "enrolment": Section("enrolment", "Inscription", (
        Field("service", "Service"), Field("period", "Période"), Field("weekdays", "Jours"),
        Field("price", "Prix par jour", "money")), "child"),
    "absence": Section("absence", "Absence", (
        Field("service", "Service"), Field("period", "Dates"), Field("reason", "Motif"),
        Field("days", "Jours réservés concernés"), Field("certificate", "Justificatif")), "child"),
}
MODULE_SECTIONS = ("enrolment", "absence")
RECORD_SECTIONS = ("parent1", "parent2", "tax", "caf", "bank")
CHILD_PART = {"child_extra": "extra", "child_health": "health"}


def find_target(record: dict, section: Section, target_id) -> dict | None:
    """The person or child of this family that a section targets; None when it is not the family's."""
    if section.target is None:
        return None
    collection = record.get("persons" if section.target == "person" else "children") or []
    return next((item for item in collection if str(item.get("id")) == str(target_id)), None)


def current_values(record: dict, section: Section, target_id=None) -> dict | None:
    """The section's values now in the record (None when the target does not exist)."""
    if section.key in MODULE_SECTIONS:
        return {}  # enrolments and absences are not values of the record
    if section.target is None:
        return dict(record.get(section.key) or {})
    target = find_target(record, section, target_id)
    if target is None:
        return None
    if section.key in ("person", "child_identity"):
        return dict(target)
    if section.key == "child_photo":
        return {"photo": target.get("photo")}
    return dict(target.get(CHILD_PART[section.key]) or {})


def set_values(record: dict, section: Section, target_id, values: dict) -> None:
    """Write values into the section of record (the caller holds the family's transaction)."""
    if section.target is None:
        record[section.key] = dict(record.get(section.key) or {}, **values)
        return
    target = find_target(record, section, target_id)
    if target is None:
        raise KeyError(target_id)
    if section.key in ("person", "child_photo", "child_identity"):
        target.update(values)
    else:
        target[CHILD_PART[section.key]] = dict(target.get(CHILD_PART[section.key]) or {}, **values)


def child_label(child: dict) -> str:
    return full_name(child)


def person_label(person: dict) -> str:
    return full_name(person)


def clean_section(section: Section, form: dict, record: dict, today: date | None = None,
                  target_id=None) -> tuple[dict, dict]:
    """(clean values, errors) for a posted section form; list fields are read row by row. target_id: the person or
    child the section is about (a child's vaccinations lie between its birth and today)."""
    today = today or clock.today()
    clean, errors = clean_form(section.fields, form, today)
    child = find_target(record, section, target_id) if section.target == "child" else None
    for list_field in section.lists:
        check = vaccination_check((child or {}).get("birth_date"), today) if list_field is VACCINATIONS else None
        rows, row_errors = clean_rows(list_field, form, today, check)
        clean[list_field.name] = rows
        errors.update(row_errors)
    if section.key == "person":
        known = {str(c["id"]) for c in record.get("children", [])}
        chosen = form.get("children") or []
        chosen = [chosen] if isinstance(chosen, str) else list(chosen)
        clean["children"] = sorted({c for c in chosen if c in known}, key=chosen.index)
        if any(c not in known for c in chosen):
            errors["children"] = "Choisissez parmi vos enfants."
        if not clean["may_pick_up"] and not clean["emergency_contact"]:
            errors["may_pick_up"] = "Cochez au moins une autorisation : venir chercher l'enfant ou être appelé en urgence."
        if not (clean["phone_mobile"] or clean["phone_home"]) and "phone_mobile" not in errors:
            errors["phone_mobile"] = "Indiquez au moins un numéro de téléphone."
    if section.key in ("parent1", "parent2") and not any(clean[k] for k in ("phone_home", "phone_mobile", "phone_work")):
        errors.setdefault("phone_mobile", "Indiquez au moins un numéro de téléphone.")
    return clean, errors


def vaccination_check(birth_date: str | None, today: date) -> Callable[[dict], dict]:
    """A row check for vaccinations: the date lies between the child's birth and today (column -> French error)."""
    def check(row: dict) -> dict:
        day = row.get("date")
        if not day:
            return {}
        if day > today.isoformat():
            return {"date": "La date de vaccination ne peut pas être dans le futur."}
        if birth_date and day < birth_date:
            return {"date": "La date de vaccination ne peut pas précéder la naissance de l'enfant "
                            f"({date.fromisoformat(birth_date).strftime('%d/%m/%Y')})."}
        return {}
    return check


def clean_rows(list_field: ListField, form: dict, today: date | None = None,
               check: Callable[[dict], dict] | None = None) -> tuple[list, dict]:
    """Rows of a list field; a row whose inputs are all empty is dropped. check(row) gives more errors by column
    for a row whose values are each valid."""
    rows, errors = [], {}
    index = 0
    while any(f"{list_field.name}_{c.name}_{index}" in form for c in list_field.columns) and index < 50:
        raw = {c.name: form.get(f"{list_field.name}_{c.name}_{index}", "") for c in list_field.columns}
        if any(isinstance(v, str) and v.strip() for v in raw.values()):
            row = {}
            for column in list_field.columns:
                value, error = clean_field(column, raw[column.name], today)
                row[column.name] = value
                if error:
                    errors[f"{list_field.name}_{column.name}_{index}"] = error
            if not row[list_field.columns[0].name]:
                errors[f"{list_field.name}_{list_field.columns[0].name}_{index}"] = "Ce champ est obligatoire."
            for column, error in (check(row) if check else {}).items():
                errors.setdefault(f"{list_field.name}_{column}_{index}", error)
                row[column] = raw[column]  # shown again as typed
            rows.append(row)
        index += 1
    return rows, errors
