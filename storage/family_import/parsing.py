"""The lines of the import files checked one by one, with the portal's own field rules (storage/fields.py), and
gathered into families: every bad line is kept with its number and a French reason; nothing is partial."""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from storage.exports.csv_file import unneutralised
from storage.family_import.columns import (ADDRESS_PARTS, FAMILY_COLUMNS, NO, PERSON_COLUMNS, YES, Column, folded,
                                           header_name, usual_spelling)
from storage.family_import.reading import CsvFile, UnreadableFile, read_csv
from storage.families import is_family_id
from storage.fields import clean_field

FAMILIES_FILE, PERSONS_FILE = "familles", "personnes"
FAMILY_PARTS = ("parent1", "parent2", "caf")


@dataclass
class ParsedImport:
    """What the files describe: families by number (plain JSON-ready dicts), bad lines, ignored columns."""
    families: dict[str, dict] = field(default_factory=dict)
    errors: list[tuple[str, int, str]] = field(default_factory=list)  # (file, line number, reason)
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (file, header of a column the import does not know)
    encodings: dict[str, str] = field(default_factory=dict)  # file -> "UTF-8", "Windows-1252"…


def child_key(first_name: str, birth_date: str) -> str:
    """How a child is recognised from one import to the next: first name (folded) and birth date."""
    return f"{folded(first_name)}|{birth_date}"


def person_key(last_name: str, first_name: str) -> str:
    return f"{folded(last_name)}|{folded(first_name)}"


def parse_import(families_raw: bytes, persons_raw: bytes | None = None, today: date | None = None) -> ParsedImport:
    """Check the families file (and the authorised persons file, if any) line by line."""
    parsed = ParsedImport()
    table = _table(parsed, FAMILIES_FILE, families_raw, FAMILY_COLUMNS)
    if table is not None:
        for line, cells in table.rows:
            _family_line(parsed, line, cells, today)
    if persons_raw:
        table = _table(parsed, PERSONS_FILE, persons_raw, PERSON_COLUMNS)
        if table is not None:
            for line, cells in table.rows:
                _person_line(parsed, line, cells, today)
    if not parsed.families and not parsed.errors:
        parsed.errors.append((FAMILIES_FILE, 2, "Le fichier ne contient aucune famille."))
    return parsed


def _table(parsed: ParsedImport, name: str, raw: bytes, columns: tuple[Column, ...]) -> CsvFile | None:
    """The file read and its header checked; None (and the reason in parsed.errors) when it cannot be used."""
    try:
        table = read_csv(raw)
    except UnreadableFile as unreadable:
        parsed.errors.append((name, unreadable.line, str(unreadable)))
        return None
    parsed.encodings[name] = table.encoding
    header = [header_name(cell) for cell in table.header]
    known = {column.name for column in columns}
    missing = [column.name for column in columns if column.required and column.name not in header]
    doubled = sorted({name for name in header if name in known and header.count(name) > 1})
    if missing or doubled:
        parsed.errors.append((name, 1, "; ".join(
            ([f"Colonnes obligatoires absentes de la première ligne : {', '.join(missing)}"] if missing else [])
            + ([f"Colonnes en double : {', '.join(doubled)}"] if doubled else []))))
        return None
    parsed.ignored += [(name, typed) for typed, normal in zip(table.header, header) if normal not in known]
    positions = {normal: index for index, normal in enumerate(header) if normal in known}
    table.rows = [(line, {column.name: unneutralised(cells[positions[column.name]].strip()) if positions[column.name] < len(cells)
                          else "" for column in columns if column.name in positions})
                  for line, cells in table.rows]
    return table


def _clean(column: Column, text: str, today: date | None, *, required: bool | None = None):
    """(value, French reason or None) of one cell, through the portal's field rule."""
    definition = column.definition
    if required is not None:
        definition = replace(definition, required=required)
    value, error = clean_field(definition, usual_spelling(column.field, text), today)
    return value, (f"{column.name} : {error}" if error else None)


def _values(columns, cells: dict, today, reasons: list, required: bool | None = None) -> dict:
    values = {}
    for column in columns:
        if column.name in cells:
            values[column.field], error = _clean(column, cells[column.name], today, required=required)
            if error:
                reasons.append(error)
    return values


def _family_line(parsed: ParsedImport, line: int, cells: dict, today) -> None:
    reasons: list[str] = []
    family_id = cells["famille"]
    if not is_family_id(family_id):
        reasons.append(f"famille : numéro « {family_id[:20]} » invalide (des chiffres seulement, 12 au plus)")
    by_section = {section: [c for c in FAMILY_COLUMNS if c.section == section]
                  for section in ("parent1", "parent2", "caf", "child", "child_extra")}
    parent1 = _values(by_section["parent1"], cells, today, reasons)
    parent2 = None
    if any(cells.get(c.name) for c in by_section["parent2"]):
        address = [c.name for c in by_section["parent2"] if c.field in ADDRESS_PARTS]
        if not any(cells.get(name) for name in address):  # the conjoint lives at the responsable's address
            cells = dict(cells, **{name: cells.get("resp1_" + name[len("resp2_"):], "") for name in address})
        parent2 = _values(by_section["parent2"], cells, today, reasons)
    caf = _values(by_section["caf"], cells, today, reasons, required=False)
    child = None
    if any(cells.get(c.name) for c in by_section["child"] + by_section["child_extra"]):
        identity = _values(by_section["child"], cells, today, reasons)
        extra = _values(by_section["child_extra"], cells, today, reasons)
        child = {"key": child_key(identity.get("first_name", ""), identity.get("birth_date", "")), "line": line,
                 "values": identity, "extra": extra}
    if not reasons and is_family_id(family_id):
        reasons = _gather(parsed, family_id, line, {"parent1": parent1, "parent2": parent2, "caf": caf}, child)
    parsed.errors += [(FAMILIES_FILE, line, reason) for reason in reasons]


def _gather(parsed: ParsedImport, family_id: str, line: int, parts: dict, child: dict | None) -> list[str]:
    """Add a valid line to its family: the family's data must be the same on each of its lines."""
    family = parsed.families.get(family_id)
    if family is None:
        family = parsed.families[family_id] = {"family_id": family_id, "line": line, **parts, "children": [],
                                               "persons": []}
    else:
        differing = [section for section in FAMILY_PARTS if family[section] != parts[section]]
        if differing:
            names = {"parent1": "responsable", "parent2": "conjoint", "caf": "régime, allocataire et QF"}
            return [f"les informations de la famille {family_id} ({', '.join(names[s] for s in differing)}) diffèrent "
                    f"de celles de la ligne {family['line']}"]
    if child is not None:
        twin = next((c for c in family["children"] if c["key"] == child["key"]), None)
        if twin is not None:
            return [f"enfant déjà présent à la ligne {twin['line']} (même prénom et même date de naissance)"]
        family["children"].append(child)
    return []


def _yes_no(column: Column, cells: dict, default: bool, reasons: list) -> bool:
    if column.name not in cells:
        return default
    answer = folded(cells[column.name])
    if answer in YES:
        return True
    if answer not in NO:
        reasons.append(f"{column.name} : répondez oui ou non")
    return False


def _person_line(parsed: ParsedImport, line: int, cells: dict, today) -> None:
    reasons: list[str] = []
    family = parsed.families.get(cells["famille"])
    if family is None:
        reasons.append(f"famille : « {cells['famille'][:20]} » absente du fichier des familles (ou ses lignes sont "
                       "en erreur)")
    columns = {c.name: c for c in PERSON_COLUMNS}
    texts = [columns[name] for name in ("nom", "prenom", "lien", "tel_portable", "tel_autre")]
    values = _values(texts, cells, today, reasons)
    values["may_pick_up"] = _yes_no(columns["peut_venir_chercher"], cells, True, reasons)
    values["emergency_contact"] = _yes_no(columns["a_appeler_en_urgence"], cells, False, reasons)
    if not values["may_pick_up"] and not values["emergency_contact"]:
        reasons.append("peut_venir_chercher, a_appeler_en_urgence : au moins une des deux autorisations")
    if not values.get("phone_mobile") and not values.get("phone_home") \
            and not any(r.startswith(("tel_portable", "tel_autre")) for r in reasons):
        reasons.append("tel_portable : indiquez au moins un numéro de téléphone")
    children = None
    if family is not None and cells.get("enfants"):
        by_name = {folded(c["values"].get("first_name", "")): c["key"] for c in family["children"]}
        named = [folded(n) for n in re.split(r"[,/+]", cells["enfants"]) if n.strip()]
        unknown = [n for n in named if n not in by_name]
        if unknown:
            reasons.append(f"enfants : {', '.join(unknown)} ne figure pas parmi les enfants de la famille")
        children = [by_name[n] for n in named if n in by_name]
    if not reasons:
        key = person_key(values["last_name"], values["first_name"])
        twin = next((p for p in family["persons"] if p["key"] == key), None)
        if twin is not None:
            reasons.append(f"personne déjà présente à la ligne {twin['line']} pour cette famille")
        else:
            family["persons"].append({"key": key, "line": line, "values": values, "children": children})
    parsed.errors += [(PERSONS_FILE, line, reason) for reason in reasons]
