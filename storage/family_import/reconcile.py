"""What importing one family changes in the portal, field by field, decided the same way for the preview and for the
import itself.

Each family file keeps, in its table "import", the values of the last import (the baseline) and which child and
person of the record each line of the files matched. A field whose value in the portal differs from the baseline was
changed in the portal since that import (a request the agent validated, or the agent's own edit): the import keeps
the portal's value and lists the difference, unless the agent chose to overwrite such fields. A field without a
baseline (a family never imported, a new column) takes the file's value. Children and persons absent from the file are
left as they are; nothing is ever removed.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

from storage.family_import.parsing import child_key, person_key
from storage.families import PARENT_FIELDS
from storage.sections import SECTIONS
from storage.wording import full_name

TITLES = {"parent1": "Responsable", "parent2": "Conjoint", "caf": "C.A.F."}


@dataclass
class Outcome:
    """The record and baseline after the import of one family, and what changed or was kept."""
    record: dict
    baseline: dict
    created: bool
    changes: list[dict] = field(default_factory=list)  # {section, target_label, field, label, before, after, detail}
    kept: list[dict] = field(default_factory=list)  # the portal's newer values kept: {label, current, imported}

    @property
    def status(self) -> str:
        return "created" if self.created else "updated" if self.changes else "unchanged"


def _norm(value):
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return [str(v) for v in value]
    return value


def same(a, b) -> bool:
    return _norm(a) == _norm(b)


def new_record() -> dict:
    """The shape storage/preregistrations.py gives a new family's record."""
    return {"parent1": dict.fromkeys(PARENT_FIELDS, ""), "parent2": None, "tax": {}, "caf": {}, "bank": {},
            "persons": [], "children": []}


def _display(section_key: str, name: str, value, record: dict) -> str:
    if name == "children":  # a person's children: their first names
        names = {str(c.get("id")): c.get("first_name", "") for c in record.get("children") or []}
        return ", ".join(names.get(str(child_id), str(child_id)) for child_id in value or [])
    definition = SECTIONS[section_key].field(name)
    return definition.display(value) if definition is not None else str(value or "")


class _Merge:
    """One family's merge: the record being changed, the baseline read and written."""

    def __init__(self, record: dict | None, baseline: dict | None, overwrite: bool):
        self.created = record is None
        self.record = new_record() if record is None else copy.deepcopy(record)
        self.old_values = dict((baseline or {}).get("values") or {})
        self.values: dict = {}
        self.overwrite = overwrite
        self.changes: list[dict] = []
        self.kept: list[dict] = []

    def put(self, target: dict, name: str, value, *, flat: str, section: str, title: str, target_label: str = "",
            fresh: bool = False) -> None:
        """Set target[name] to value unless the portal changed it since the last import (then keep and tell)."""
        self.values[flat] = value
        current = target.get(name)
        if same(current, value):
            return
        label = f"{title} : {SECTIONS[section].field(name).label if name != 'children' else 'Enfants concernés'}"
        changed_in_portal = flat in self.old_values and not same(current, self.old_values[flat])
        if changed_in_portal and not fresh and not self.overwrite:
            self.kept.append({"label": label, "current": _display(section, name, current, self.record),
                              "imported": _display(section, name, value, self.record)})
            return
        target[name] = value
        if not self.created:
            self.changes.append({"section": section, "target_label": target_label, "field": name, "label": label,
                                 "before": current, "after": value,
                                 "shown_before": _display(section, name, current, self.record),
                                 "shown_after": _display(section, name, value, self.record), "detail": fresh})


def _match(items: list[dict], known: dict, wanted: list[dict], key_of) -> dict[str, int]:
    """key -> id of each wanted item: the id the baseline knows, else an item of the record with the same key, else
    a new id after the highest."""
    ids = {int(item["id"]) for item in items}
    matched, used = {}, set()
    for item in wanted:
        known_id = known.get(item["key"])
        if known_id in ids and known_id not in used:
            matched[item["key"]] = known_id
            used.add(known_id)
    for item in wanted:
        if item["key"] in matched:
            continue
        same_key = next((int(i["id"]) for i in items if key_of(i) == item["key"] and int(i["id"]) not in used), None)
        if same_key is None:
            same_key = max(ids | used | set(matched.values()), default=0) + 1
        matched[item["key"]] = same_key
        used.add(same_key)
    return matched


def reconcile(record: dict | None, baseline: dict | None, family: dict, overwrite: bool = False) -> Outcome:
    """The outcome of importing family (from parsing.py) over record (None: a new family) and its baseline."""
    merge = _Merge(record, baseline, overwrite)
    new = merge.record
    for section in ("parent1", "parent2", "caf"):
        values = family.get(section)
        if not values:
            continue
        fresh = new.get(section) is None
        if fresh:
            new[section] = dict.fromkeys(PARENT_FIELDS, "")
            if not merge.created:
                merge.changes.append({"section": section, "target_label": "", "field": "", "label": "Conjoint ajouté",
                                      "before": None, "after": full_name(values), "shown_before": "",
                                      "shown_after": full_name(values)})
        for name, value in values.items():
            merge.put(new[section], name, value, flat=f"{section}.{name}", section=section, title=TITLES[section],
                      fresh=fresh)
    child_ids = _children(merge, (baseline or {}).get("children") or {}, family["children"])
    person_ids = _persons(merge, (baseline or {}).get("persons") or {}, family, child_ids)
    new_baseline = {"values": {**merge.old_values, **merge.values},
                    "children": {**((baseline or {}).get("children") or {}), **child_ids},
                    "persons": {**((baseline or {}).get("persons") or {}), **person_ids}}
    return Outcome(new, new_baseline, merge.created, merge.changes, merge.kept)


def _children(merge: _Merge, known: dict, wanted: list[dict]) -> dict[str, int]:
    children = merge.record.setdefault("children", [])
    ids = _match(children, known, wanted, lambda c: child_key(c.get("first_name", ""), c.get("birth_date", "")))
    for item in wanted:
        child = next((c for c in children if int(c["id"]) == ids[item["key"]]), None)
        fresh = child is None
        if fresh:
            child = {"id": ids[item["key"]], "first_name": "", "last_name": "", "birth_date": "", "sex": "",
                     "photo": None, "extra": {}, "health": {}}
            children.append(child)
            if not merge.created:
                merge.changes.append({"section": "child_identity", "target_label": full_name(item["values"]),
                                      "field": "", "label": "Enfant ajouté", "before": None,
                                      "after": full_name(item["values"]), "shown_before": "",
                                      "shown_after": full_name(item["values"])})
        label = full_name(item["values"])
        for name, value in item["values"].items():
            merge.put(child, name, value, flat=f"child:{item['key']}.{name}", section="child_identity",
                      title=f"Enfant {label}", target_label=label, fresh=fresh)
        extra = child.setdefault("extra", {})
        for name, value in item["extra"].items():
            merge.put(extra, name, value, flat=f"child:{item['key']}.extra.{name}", section="child_extra",
                      title=f"Enfant {label}", target_label=label, fresh=fresh)
    return ids


def _persons(merge: _Merge, known: dict, family: dict, child_ids: dict) -> dict[str, int]:
    persons = merge.record.setdefault("persons", [])
    wanted = family.get("persons") or []
    ids = _match(persons, known, wanted, lambda p: person_key(p.get("last_name", ""), p.get("first_name", "")))
    every_child = [str(child_ids[c["key"]]) for c in family["children"]]
    for item in wanted:
        person = next((p for p in persons if int(p["id"]) == ids[item["key"]]), None)
        fresh = person is None
        label = full_name(item["values"])
        if fresh:
            person = {"id": ids[item["key"]], "phone_mobile": "", "phone_home": "", "children": []}
            persons.append(person)
            if not merge.created:
                merge.changes.append({"section": "person", "target_label": label, "field": "",
                                      "label": "Personne autorisée ajoutée", "before": None, "after": label,
                                      "shown_before": "", "shown_after": label})
        children = every_child if item["children"] is None else [str(child_ids[k]) for k in item["children"]]
        for name, value in [*item["values"].items(), ("children", children)]:
            merge.put(person, name, value, flat=f"person:{item['key']}.{name}", section="person",
                      title=f"Personne autorisée {label}", target_label=label, fresh=fresh)
    return ids
