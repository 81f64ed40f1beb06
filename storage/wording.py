"""The portal's writing rules, shared by the texts the storage layer writes (request summaries, invoice lines) and by
the views (views/formats.py): counted words in French, and people's names.

- A count agrees with its words: "1 demande", "2 demandes", "0 demande" (in French, under two is singular); never
  a "(s)" form.
- A last name is shown in capitals, whatever was typed ("Durand" is shown "DURAND"; the record keeps what was typed):
  "Paul DURAND" in sentences and titles, "DURAND Paul" in the agent's lists sorted by name.
"""
from __future__ import annotations


def plural(count: int, singular: str, plural_form: str | None = None, *, with_count: bool = True) -> str:
    """'1 demande', '2 demandes'; plural_form for phrases and irregular words ('message non lu' -> 'messages non
    lus'), else singular + 's'; with_count=False gives the words alone ('Numéros de facture')."""
    words = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{count} {words}" if with_count else words


def last_name(value: str | None) -> str:
    """A last name as shown: in capitals."""
    return " ".join((value or "").split()).upper()


def full_name(person: dict | None) -> str:
    """'Paul DURAND': first name as typed, last name in capitals (a parent, a child, an authorised person)."""
    person = person or {}
    return " ".join(part for part in (" ".join((person.get("first_name") or "").split()),
                                      last_name(person.get("last_name"))) if part)


def listed_name(person: dict | None) -> str:
    """'DURAND Paul': the same name in the order of a list sorted by last name."""
    person = person or {}
    return " ".join(part for part in (last_name(person.get("last_name")),
                                      " ".join((person.get("first_name") or "").split())) if part)
