"""Export « Familles »: the whole register, one line per child with its family's data (a family without a child has
one line with the child's columns empty), for a mail-merge or a re-import elsewhere.

The columns are those the family import reads (issue 15 §1, storage/family_import/columns.py on the import branch:
headers compared without case, accents or spaces, "Resp1 Tél portable" is resp1_tel_portable), so that an export
imports back unchanged. Civilité, sexe and régime are written as the import's codes (Mme / M., F / M, CAF / MSA /
autre), dates as JJ/MM/AAAA. Neither bank details nor health data: they have no place in a mail-merge file."""
from __future__ import annotations

from typing import Iterator

from storage.families import record_of
from storage.exports.scan import family_files
from storage.exports.values import date_cell
from storage.wording import last_name

PARENT_COLUMNS = (("title", "Civilité"), ("last_name", "Nom"), ("first_name", "Prénom"), ("address1", "Adresse"),
                  ("address2", "Complément adresse"), ("postcode", "Code postal"), ("city", "Commune"),
                  ("phone_home", "Tél domicile"), ("phone_mobile", "Tél portable"), ("phone_work", "Tél travail"),
                  ("email", "Email"))
CAF_COLUMNS = (("regime", "Régime"), ("number", "Numéro allocataire"), ("qf", "QF"), ("qf_date", "QF date"))
CHILD_COLUMNS = ("Enfant nom", "Enfant prénom", "Enfant sexe", "Enfant date naissance", "Enfant école",
                 "Enfant classe")
HEADER = (("Famille",)
          + tuple(f"Resp1 {label}" for _, label in PARENT_COLUMNS)
          + tuple(f"Resp2 {label}" for _, label in PARENT_COLUMNS)
          + tuple(label for _, label in CAF_COLUMNS) + CHILD_COLUMNS)
DATES = {"qf_date"}


def _value(values: dict, name: str):
    value = values.get(name)
    if name in DATES:
        return date_cell(value)
    if name == "last_name":
        return last_name(value)
    if name == "qf" and isinstance(value, int):
        return value
    return "" if value is None else str(value)


def child_cells(child: dict | None) -> list:
    if child is None:
        return [""] * len(CHILD_COLUMNS)
    extra = child.get("extra") or {}
    return [last_name(child.get("last_name")), child.get("first_name", ""), child.get("sex", ""),
            date_cell(child.get("birth_date")), extra.get("school", ""), extra.get("class_name", "")]


def family_rows(record: dict, family_id: str) -> list[list]:
    """The lines of one family: its data repeated on the line of each child."""
    parents = [_value(record.get(key) or {}, name) for key in ("parent1", "parent2") for name, _ in PARENT_COLUMNS]
    caf = [_value(record.get("caf") or {}, name) for name, _ in CAF_COLUMNS]
    children = sorted(record.get("children") or [], key=lambda c: int(c.get("id") or 0)) or [None]
    return [[family_id] + parents + caf + child_cells(child) for child in children]


def register_rows(families) -> Iterator[list]:
    """The header, then every family's lines in family-number order (read as the file is streamed)."""
    yield list(HEADER)
    for family_id, parsed in family_files(families):
        yield from family_rows(record_of(parsed), family_id)
