"""The request lifecycle: a family's change is stored as a separate pending request document, then the
agent validates it (merged into the family record, atomically, with an audit entry) or cancels it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from tinydb import TinyDB
from tinydb.table import Document

from storage.documents import SCHEMA_VERSION
from storage.families import RECORD_ID, Families, now_iso, record_of
from storage.sections import SECTIONS, Section, current_values, find_target, set_values

STATUS_LABELS = {"pending": "En attente", "validated": "Validée", "cancelled": "Annulée", "withdrawn": "Retirée"}
ACTION_LABELS = {"update": "Modification", "add": "Ajout", "remove": "Suppression"}
AUDIT_LABELS = {"validated": "Demande validée", "cancelled": "Demande annulée", "withdrawn": "Demande retirée par la famille",
                "direct_edit": "Modification directe par l'agent", "import": "Import des familles (CSV)"}


class RequestRefused(Exception):
    """A request that cannot be stored or decided; the message is for the user, in French."""


@dataclass
class Decision:
    outcome: str  # "validated", "cancelled", "already_decided", "conflict", "target_missing", "refused"
    request: dict
    conflicts: list = field(default_factory=list)
    obsolete_files: list = field(default_factory=list)  # photos no longer referenced once decided
    message: str = ""  # why a request of another kind cannot be validated


@dataclass(frozen=True)
class RequestKind:
    """A kind of request that is not a change of the record (enrolment, absence): how to check and apply it, and what
    to do once it is withdrawn or cancelled (after that write: e.g. delete the absence's certificate)."""
    problem: Callable[[TinyDB, dict, dict, dict], str | None]  # (db, record, request, options) -> reason to refuse
    apply: Callable[[TinyDB, dict, dict, dict], None]          # (db, record, request, options: the agent's choices)
    closed: Callable[[Families, str, dict], None] | None = None  # (families, family_id, the closed request)


REQUEST_KINDS: dict[str, RequestKind] = {}  # filled by create_app through register_request_kind


def register_request_kind(section: str, kind: RequestKind) -> None:
    """Let requests of that section (not a record section) be checked and applied by kind when validated."""
    REQUEST_KINDS[section] = kind


@dataclass(frozen=True)
class DecisionHooks:
    """What a capability that rides on every kind of request (supporting documents) does when one is decided:
    validated(db, request) inside the validating transaction, so that its writes and the decision are one write;
    closed(families, family_id, request) once a withdrawal or cancellation is written (e.g. delete its files)."""
    validated: Callable[[TinyDB, dict], None] | None = None
    closed: Callable[[Families, str, dict], None] | None = None


DECISION_HOOKS: dict[str, DecisionHooks] = {}  # filled by create_app through register_decision_hooks


def register_decision_hooks(name: str, hooks: DecisionHooks) -> None:
    """Let hooks follow the decisions on every request (registering again under the same name replaces them)."""
    DECISION_HOOKS[name] = hooks


def _empty(value) -> bool:
    """No value at all (0 is a value: a quotient familial of 0 is real)."""
    return value is None or value is False or value == "" or value == []


def _same(a, b) -> bool:
    return a == b or (_empty(a) and _empty(b))


def changes_between(section: Section, current: dict, requested: dict) -> list[dict]:
    """Each field whose requested value differs from the current one, with both values."""
    changes = []
    names = [(f.name, f.label) for f in section.all_fields]
    if section.key == "person":
        names.append(("children", "Enfants concernés"))
    for name, label in names:
        if name not in requested:
            continue
        before, after = current.get(name), requested[name]
        if _same(before, after):
            continue
        changes.append({"field": name, "label": label, "before": before, "after": after})
    return changes


def requested_changes(record: dict, section_key: str, requested: dict, target_id, action: str) -> list[dict]:
    """The field changes an update, addition or removal makes to the record; refused when there are none."""
    section = SECTIONS[section_key]
    current = {} if action == "add" else current_values(record, section, target_id)
    if current is None:
        raise RequestRefused("Cette fiche n'existe pas ou plus.")
    if action == "remove":
        changes = [{"field": f.name, "label": f.label, "before": current.get(f.name), "after": None}
                   for f in section.fields if not _empty(current.get(f.name))]
    else:
        changes = changes_between(section, current, requested)
    if not changes:
        raise RequestRefused("Aucune modification : les valeurs saisies sont identiques aux informations actuelles.")
    return changes


def submit_request(families: Families, family_id: str, section_key: str, requested: dict, *,
                   target_id=None, action: str = "update", target_label: str = "",
                   attach: Callable[[TinyDB], list[dict]] | None = None) -> int:
    """Store a pending request for the changes in requested; the family record itself is not touched.

    attach(db), called in the same transaction once the change is accepted, stores the supporting documents sent
    with it and returns what the request records of them (storage/pieces/family.py)."""
    with families.transaction(family_id) as db:
        changes = requested_changes(record_of(db), section_key, requested, target_id, action)
        if any(r["section"] == section_key and r["action"] == action and str(r.get("target_id")) == str(target_id)
               and r["changes"] == changes for r in pending_requests(db)):
            raise RequestRefused("Une demande identique est déjà en attente de validation.")
        return insert_request(db, family_id, section_key, changes, action=action, target_id=target_id,
                              target_label=target_label, documents=attach(db) if attach is not None else None)


def insert_request(db: TinyDB, family_id: str, section_key: str, changes: list[dict], *, action: str = "update",
                   target_id=None, target_label: str = "", payload: dict | None = None,
                   documents: list[dict] | None = None) -> int:
    """Store one pending request document in the family's file (inside the caller's transaction)."""
    return db.table("requests").insert({
        "schema": SCHEMA_VERSION, "section": section_key, "action": action,
        "target_id": target_id, "target_label": target_label, "changes": changes, "payload": payload,
        "status": "pending", "created_at": now_iso(), "created_by": family_id,
        "decided_at": None, "decided_by": None, "reason": "",
        **({"documents": documents} if documents else {}),
    })


def pending_requests(db: TinyDB) -> list[dict]:
    return [r for r in db.table("requests").all() if r["status"] == "pending"]


def request_by_id(db: TinyDB, request_id: int) -> dict | None:
    """One of the family's requests (ids from URLs are only looked up inside the family's own file)."""
    return db.table("requests").get(doc_id=request_id)


def recent_audit(db: TinyDB, limit: int) -> list[dict]:
    """The family's latest audit lines, newest first."""
    return sorted(db.table("audit").all(), key=lambda a: a.doc_id, reverse=True)[:limit]


def all_requests(db: TinyDB) -> list[dict]:
    """Every request of the family, newest first."""
    return sorted(db.table("requests").all(), key=lambda r: (r["created_at"], r.doc_id), reverse=True)


def pending_values(db: TinyDB, section_key: str, target_id=None) -> dict:
    """field -> requested value of the pending updates of one section (the latest request wins)."""
    values = {}
    for request in sorted(pending_requests(db), key=lambda r: r.doc_id):
        if request["section"] == section_key and request["action"] == "update" \
                and str(request.get("target_id")) == str(target_id):
            values.update({c["field"]: c["after"] for c in request["changes"]})
    return values


def conflicts_of(record: dict, request: dict) -> tuple[bool, list[dict]]:
    """(target exists, changes whose value before no longer matches the record)."""
    if request["action"] == "add" or request["section"] in REQUEST_KINDS:
        return True, []
    section = SECTIONS[request["section"]]
    current = current_values(record, section, request.get("target_id"))
    if current is None:
        return False, []
    stale = [dict(c, current=current.get(c["field"])) for c in request["changes"]
             if not (_same(current.get(c["field"]), c["before"]) or _same(current.get(c["field"]), c["after"]))]
    return True, stale


def withdraw_request(families: Families, family_id: str, request_id: int) -> Decision:
    """The family takes back a request that is still pending."""
    return _close(families, family_id, request_id, "withdrawn", by=family_id, by_kind="family")


def cancel_request(families: Families, family_id: str, request_id: int, agent: str, reason: str = "") -> Decision:
    """The agent refuses a request, with an optional reason shown to the family."""
    return _close(families, family_id, request_id, "cancelled", by=agent, by_kind="agent", reason=reason)


def validate_request(families: Families, family_id: str, request_id: int, agent: str,
                     confirm_conflicts: bool = False, options: dict | None = None) -> Decision:
    """Merge a pending request into the record; stale values need confirm_conflicts.

    Requests of another kind (enrolment, absence) are checked and applied by their RequestKind;
    options carry the agent's choices for them (e.g. whether an absence is billed).
    """
    with families.transaction(family_id) as db:
        return validate_in(db, get_request(db, request_id), agent, confirm_conflicts, options)


def validate_in(db: TinyDB, request: dict, agent: str, confirm_conflicts: bool = False,
                options: dict | None = None) -> Decision:
    """validate_request inside the caller's transaction on the family's file (several decisions, one write)."""
    if request["status"] != "pending":
        return Decision("already_decided", request)
    record = record_of(db)
    kind = REQUEST_KINDS.get(request["section"])
    if kind is not None:
        problem = kind.problem(db, record, request, options or {})
        if problem:
            return Decision("refused", request, message=problem)
        kind.apply(db, record, request, options or {})
        return Decision("validated", _validated(db, request, agent))
    exists, stale = conflicts_of(record, request)
    if not exists:
        return Decision("target_missing", request)
    if stale and not confirm_conflicts:
        return Decision("conflict", request, stale)
    replaced = _replaced_values(record, request)
    obsolete = _apply(record, request)
    db.table("record").update(record, doc_ids=[RECORD_ID])
    decided = _validated(db, request, agent, conflicts=stale, replaced=replaced)
    return Decision("validated", decided, stale, obsolete)


def _validated(db: TinyDB, request: dict, agent: str, conflicts: list | None = None,
               replaced: dict | None = None) -> dict:
    """Mark the request validated and let the decision hooks write with it (inside the validating transaction)."""
    decided = _decide(db, request, "validated", agent, "agent", conflicts=conflicts, replaced=replaced)
    for hooks in DECISION_HOOKS.values():
        if hooks.validated is not None:
            hooks.validated(db, decided)
    return decided


def _replaced_values(record: dict, request: dict) -> dict:
    """field -> the record's value that validating the request replaces. It differs from the change's value before
    when the record changed since the request was made (a conflict the agent overrode): the audit keeps both, and the
    back-office export (storage/exports/changes.py) shows what the record really held."""
    if request["action"] == "add":
        return {c["field"]: None for c in request["changes"]}
    current = current_values(record, SECTIONS[request["section"]], request.get("target_id")) or {}
    return {c["field"]: current.get(c["field"]) for c in request["changes"]}


def _apply(record: dict, request: dict) -> list:
    """Change record as the request asks; returns files the change leaves unused (a replaced photo)."""
    section = SECTIONS[request["section"]]
    values = {c["field"]: c["after"] for c in request["changes"]}
    if request["action"] == "add":
        collection = record.setdefault("persons" if section.target == "person" else "children", [])
        new_id = max((int(item["id"]) for item in collection), default=0) + 1
        added = dict(values, id=new_id)
        if section.target == "child":
            added.update(photo=None, extra={}, health={})
        collection.append(added)
        request["target_id"] = new_id
        return []
    if request["action"] == "remove":
        record["persons"] = [p for p in record.get("persons", []) if str(p["id"]) != str(request["target_id"])]
        return []
    obsolete = []
    if section.key == "child_photo":
        old = (find_target(record, section, request["target_id"]) or {}).get("photo")
        obsolete = [old] if old else []
    set_values(record, section, request.get("target_id"), values)
    return obsolete


def _close(families: Families, family_id: str, request_id: int, status: str, *, by: str, by_kind: str,
           reason: str = "") -> Decision:
    with families.transaction(family_id) as db:
        decision = close_in(db, get_request(db, request_id), status, by=by, by_kind=by_kind, reason=reason)
    if decision.outcome == status:
        after_closed(families, family_id, decision.request)
    return decision


def close_in(db: TinyDB, request: dict, status: str, *, by: str, by_kind: str, reason: str = "") -> Decision:
    """Withdraw or cancel a pending request inside the caller's transaction; once written, call after_closed."""
    if request["status"] != "pending":
        return Decision("already_decided", request)
    decided = _decide(db, request, status, by, by_kind, reason=reason)
    photos = [c["after"] for c in request["changes"] if request["section"] == "child_photo" and c["after"]]
    return Decision(status, decided, obsolete_files=photos)


def after_closed(families: Families, family_id: str, decided: dict) -> None:
    """What follows a withdrawal or cancellation once it is written (its kind's and the hooks' clean-up)."""
    kind = REQUEST_KINDS.get(decided["section"])
    if kind is not None and kind.closed is not None:
        kind.closed(families, family_id, decided)
    for hooks in DECISION_HOOKS.values():
        if hooks.closed is not None:
            hooks.closed(families, family_id, decided)


def get_request(db: TinyDB, request_id: int) -> dict:
    """One request of the family's file; KeyError when it has none with that id."""
    request = db.table("requests").get(doc_id=int(request_id))
    if request is None:
        raise KeyError(request_id)
    return request


def _decide(db: TinyDB, request: dict, status: str, by: str, by_kind: str, reason: str = "",
            conflicts: list | None = None, replaced: dict | None = None) -> dict:
    now = now_iso()
    update = {"status": status, "decided_at": now, "decided_by": by, "reason": reason,
              "target_id": request.get("target_id")}
    db.table("requests").update(update, doc_ids=[request.doc_id])
    changes = request["changes"] if replaced is None else \
        [dict(c, replaced=replaced.get(c["field"])) for c in request["changes"]]
    add_audit(db, action=status, by=by, by_kind=by_kind, section=request["section"],
              target_label=request.get("target_label", ""), changes=changes, reason=reason,
              request_id=request.doc_id, overrode_conflicts=bool(conflicts), target_id=request.get("target_id"),
              operation=request.get("action", "update"))
    return Document(dict(request, **update), doc_id=request.doc_id)


def add_audit(db: TinyDB, *, action: str, by: str, by_kind: str, section: str, target_label: str = "",
              changes: list | None = None, reason: str = "", request_id: int | None = None,
              overrode_conflicts: bool = False, target_id=None, operation: str = "update") -> None:
    """One line of the family's audit trail (who, when, what changed), in the same write as the change. A change made
    by a validation also keeps "replaced", the record's value it replaced; target_id names the child or person and
    operation says whether it was an update, an addition or a removal (ACTION_LABELS)."""
    db.table("audit").insert({
        "schema": SCHEMA_VERSION, "at": now_iso(), "by": by, "by_kind": by_kind, "action": action,
        "section": section, "target_label": target_label, "changes": changes or [], "reason": reason,
        "request_id": request_id, "overrode_conflicts": overrode_conflicts, "target_id": target_id,
        "operation": operation,
    })


def edit_record_directly(families: Families, family_id: str, section_key: str, values: dict, *, agent: str,
                         target_id=None, action: str = "update", target_label: str = "") -> list[dict]:
    """The agent changes the record without a request; the change and its audit line are one write."""
    with families.transaction(family_id) as db:
        record = record_of(db)
        changes = requested_changes(record, section_key, values, target_id, action)
        edit = {"section": section_key, "action": action, "target_id": target_id, "changes": changes}
        _apply(record, edit)  # an addition gives edit its new target_id
        db.table("record").update(record, doc_ids=[RECORD_ID])
        add_audit(db, action="direct_edit", by=agent, by_kind="agent", section=section_key,
                  target_label=target_label, changes=changes, target_id=edit["target_id"], operation=action)
        return changes
