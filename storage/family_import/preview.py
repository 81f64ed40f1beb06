"""The preview of an import: the families it creates, those it updates with each change, those it leaves unchanged,
the portal's newer values it keeps, and every bad line; built once after the upload and kept with it."""
from __future__ import annotations

from storage.family_import.parsing import ParsedImport
from storage.family_import.store import preview_family
from storage.families import Families
from storage.wording import full_name, listed_name


def build_preview(families: Families, parsed: ParsedImport) -> dict:
    """A JSON-ready summary of what importing parsed would do now (nothing when a line is bad)."""
    summary = {"created": [], "updated": [], "unchanged": [], "kept": [],
               "errors": [list(error) for error in parsed.errors],
               "ignored": [list(column) for column in parsed.ignored], "encodings": parsed.encodings}
    if parsed.errors:
        return summary
    for family_id in sorted(parsed.families, key=lambda f: (len(f), f)):
        family = parsed.families[family_id]
        outcome = preview_family(families, family)
        name = listed_name(outcome.record.get("parent1"))
        children = ", ".join(full_name(c["values"]) for c in family["children"])
        if outcome.status == "created":
            summary["created"].append({"family_id": family_id, "name": name, "children": children,
                                       "email": bool((family["parent1"] or {}).get("email")),
                                       "persons": len(family["persons"])})
        elif outcome.status == "updated":
            summary["updated"].append({"family_id": family_id, "name": name, "changes": [
                [c["label"], c["shown_before"], c["shown_after"]] for c in outcome.changes if not c.get("detail")]})
        else:
            summary["unchanged"].append(family_id)
        if outcome.kept:
            summary["kept"].append({"family_id": family_id, "name": name, "kept": [
                [k["label"], k["current"], k["imported"]] for k in outcome.kept]})
    return summary
