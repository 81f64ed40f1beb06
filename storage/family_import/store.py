"""The import's reads and writes of family files: the preview of one family, its import (one transaction per family,
with its audit line and its baseline), and the marker of accounts that still wait for their access."""
from __future__ import annotations

from tinydb import TinyDB
from tinydb.table import Document

from storage.family_import.reconcile import Outcome, reconcile
from storage.documents import SCHEMA_VERSION
from storage.families import RECORD_ID, Families, account_of, now_iso, record_of
from storage.requests import add_audit

IMPORT_TABLE = "import"  # one document: the baseline (values of the last import), matched ids, access marker
NO_PASSWORD = ""  # an imported account has no password until its family chooses one (never matches: routes/auth.py)
ACCESS_PENDING = "pending"
IMPORT_ACTION = "import"


def baseline_of(db) -> dict | None:
    """The family's import document, or None for a family never imported."""
    return db.table(IMPORT_TABLE).get(doc_id=RECORD_ID)


def awaiting_access(db) -> bool:
    """True for an imported family that has been given no way in yet (no password, no link)."""
    marker = baseline_of(db) or {}
    account = account_of(db)
    return (marker.get("access") == ACCESS_PENDING and not account.get("password_hash")
            and not account.get("password_link"))


def preview_family(families: Families, family: dict, overwrite: bool = False) -> Outcome:
    """What importing family would do now (nothing is written)."""
    db = families.read(family["family_id"])
    if db is None:
        return reconcile(None, None, family, overwrite)
    return reconcile(record_of(db), baseline_of(db), family, overwrite)


def import_family(families: Families, family: dict, *, overwrite: bool, agent: str) -> str:
    """Create or update one family from the files; 'created', 'updated' or 'unchanged'. A file imported twice writes
    nothing the second time."""
    family_id = family["family_id"]
    if not families.exists(family_id):
        outcome = reconcile(None, None, family, overwrite)
        try:
            families.create(family_id, outcome.record, NO_PASSWORD, documents={
                IMPORT_TABLE: dict(outcome.baseline, imported_at=now_iso(), access=ACCESS_PENDING),
                "audit": {"at": now_iso(), "by": agent, "by_kind": "agent", "action": IMPORT_ACTION, "section": "",
                          "target_label": "", "changes": [], "reason": "Famille créée par l'import des familles",
                          "request_id": None, "overrode_conflicts": False}})
            return outcome.status
        except FileExistsError:  # created meanwhile: updated below like any other
            pass
    with families.transaction(family_id) as db:
        return _update(db, family, overwrite, agent)


def _update(db: TinyDB, family: dict, overwrite: bool, agent: str) -> str:
    record, baseline = record_of(db), baseline_of(db)
    outcome = reconcile(record, baseline, family, overwrite)
    if outcome.changes:
        db.table("record").update(outcome.record, doc_ids=[RECORD_ID])
        groups: dict[tuple[str, str], list[dict]] = {}
        for change in outcome.changes:
            groups.setdefault((change["section"], change["target_label"]), []).append(
                {"field": change["field"], "label": change["label"], "before": change["before"],
                 "after": change["after"]})
        for (section, target_label), changes in groups.items():
            add_audit(db, action=IMPORT_ACTION, by=agent, by_kind="agent", section=section,
                      target_label=target_label, changes=changes, reason="Import des familles")
    known = {k: (baseline or {}).get(k) for k in ("values", "children", "persons")}
    if known != outcome.baseline:
        document = dict(baseline or {}, **outcome.baseline, imported_at=now_iso())
        table = db.table(IMPORT_TABLE)
        if baseline is None:
            table.insert(Document(dict(document, schema=SCHEMA_VERSION), doc_id=RECORD_ID))
        else:
            table.update(document, doc_ids=[RECORD_ID])
    return outcome.status
