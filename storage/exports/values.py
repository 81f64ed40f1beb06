"""A stored value as the text of an export's cell: French dates, Oui/Non, choice labels, the full IBAN (the back-office
needs it for direct debits, where the screens mask it), amounts and numbers without spaces or units."""
from __future__ import annotations

from datetime import date, datetime

from storage.fields import Field
from storage.sections import SECTIONS, ListField
from storage.wording import full_name, last_name


def date_cell(iso: str | None) -> str:
    """'2026-12-02' (or an instant) -> '02/12/2026'; '' for nothing; an unreadable value as it is."""
    if not iso:
        return ""
    try:
        return date.fromisoformat(str(iso)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(iso)


def instant_cell(iso: str | None) -> str:
    """'2026-12-02T09:05:00' -> '02/12/2026 09:05'."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(str(iso)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(iso)


def field_cell(field: Field | ListField | None, value) -> str:
    """A field's value as the back-office reads it (a value of no known field as it is)."""
    if value is None or value == "" or value == []:
        return ""
    if isinstance(field, ListField):
        return field.display(value)
    if field is None:
        if isinstance(value, list):
            return ", ".join(str(item) for item in value)
        return "Oui" if value is True else "Non" if value is False else str(value)
    if field.kind == "bool":
        return "Oui" if value else "Non"
    if field.kind == "choice":
        return dict(field.choices).get(value, str(value))
    if field.kind in ("date", "birth_date"):
        return date_cell(value)
    if field.kind == "last_name":
        return last_name(value)
    if field.kind == "money":
        whole, rest = divmod(abs(int(value)), 100)
        return f"{'-' if int(value) < 0 else ''}{whole},{rest:02d}"
    return str(value)


def change_cell(section_key: str, field_name: str, value, record: dict | None = None) -> str:
    """The value of one changed field of a section (the children of an authorised person by their names)."""
    section = SECTIONS.get(section_key)
    if section_key == "person" and field_name == "children":
        children = {str(c.get("id")): full_name(c) for c in (record or {}).get("children", [])}
        return ", ".join(children.get(str(child), f"enfant n° {child}") for child in value or [])
    return field_cell(section.field(field_name) if section else None, value)
