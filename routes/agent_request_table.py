"""Gestion des demandes, par rubrique: one section's pending requests of every family in one table (the seed's
layout: the decision boxes at the start of the row, the changed fields as columns), decided in batches."""
from __future__ import annotations

from urllib.parse import urlencode

from bottle import Bottle, abort
from bottle import request as http_request

from routes.account_mail import confirm_email_change
from routes.display import display_value, request_title
from routes.host import public_url
from routes.web import (current_session, flash, form_text, is_fragment, portal, posted_form, redirect, render_page,
                        require_agent)
from storage.batch_decisions import BatchResult, FamilyDecisions, decide_batch, request_key
from storage.families import record_of
from storage.fields import Field, clean_field
from storage.request_table import SORTS, STATES, TableQuery, pending_rows
from storage.requests import conflicts_of, request_by_id
from storage.sections import SECTIONS, current_values
from views.formats import plural

app = Bottle()
URL = "/agent/demandes/rubrique"
PAGE_SIZES = (50, 100, 200)
DATE_FILTERS = (Field("du", "Envoyées à partir du", "date"), Field("au", "Envoyées jusqu'au", "date"))
SET_ASIDE_REASONS = {"target_missing": "La fiche visée par cette demande n'existe plus : annulez la demande.",
                     "conflict": "La fiche a changé depuis la demande ({fields}) : vérifiez-la et validez-la seule."}
RESULT_KEY = "request-batch"
FILTERS = ("rubrique", "du", "au", "famille", "etat", "tri", "par", "page")  # the table's query, kept by its forms


def _section_of(key: str):
    section = SECTIONS.get(key or "")
    if section is None:
        abort(404)
    return section


def _query(values) -> tuple[TableQuery, dict, dict]:
    """(the table's query, the filters as typed, French errors per filter) from the GET or POST values."""
    typed = {name: (values.getunicode(name) or "").strip()[:100] for name in FILTERS}
    errors, days = {}, {}
    for field in DATE_FILTERS:
        day, error = clean_field(field, typed[field.name])
        days[field.name] = "" if error else day or ""
        if error:
            errors[field.name] = error
    if days["du"] and days["au"] and days["du"] > days["au"]:
        errors["au"] = "Cette date précède la date de début."
        days["au"] = ""
    sort = typed["tri"] if typed["tri"] in SORTS else "date"
    if typed["etat"] not in STATES:
        typed["etat"] = ""
    return TableQuery(typed["rubrique"], days["du"], days["au"], typed["famille"], sort, typed["etat"]), typed, errors


def _page_size(typed: dict) -> int:
    return int(typed["par"]) if typed["par"] in {str(size) for size in PAGE_SIZES} else PAGE_SIZES[0]


def _table_url(typed: dict, **changes) -> str:
    values = {name: typed.get(name, "") for name in FILTERS}
    values.update(changes)
    return URL + "?" + urlencode({name: value for name, value in values.items() if value})


def _row(summary, pending: dict, section, checked: bool) -> dict | None:
    """One request as a row: its changed fields as current → requested, the others as they are now."""
    db = portal().families.read(summary.family_id)
    request = request_by_id(db, pending["id"]) if db is not None else None
    if request is None or request["status"] != "pending" or request["section"] != section.key:
        return None  # decided or gone since the index was read
    record = record_of(db)
    exists, conflicts = conflicts_of(record, request)
    current = current_values(record, section, request.get("target_id")) or {}
    changes = {change["field"]: change for change in request["changes"]}
    return {"key": request_key(summary.family_id, request.doc_id), "family_id": summary.family_id,
            "name": summary.name, "created_at": request["created_at"], "title": request_title(request),
            "target": request.get("target_label", ""), "checked": checked,
            "changes": {name: (display_value(section, name, current.get(name), record),
                               display_value(section, name, change["after"], record))
                        for name, change in changes.items()},
            "current": current, "record": record,
            "conflicts": [c["label"] for c in conflicts], "missing": not exists}


def _columns(section, rows: list[dict]) -> list[tuple[str, str]]:
    """(field, label) of every field that one of the rows changes, in the section's order."""
    changed = {name for row in rows for name in row["changes"]}
    names = [(f.name, f.label) for f in section.all_fields]
    if section.key == "person":
        names.append(("children", "Enfants concernés"))
    return [(name, label) for name, label in names if name in changed]


def _cells(section, row: dict, columns: list) -> list[dict]:
    cells = []
    for name, label in columns:
        if name in row["changes"]:
            now, asked = row["changes"][name]
            cells.append({"label": label, "changed": True, "current": now, "requested": asked})
        else:
            cells.append({"label": label, "changed": False,
                          "current": display_value(section, name, row["current"].get(name), row["record"])})
    return cells


def _table(query: TableQuery, typed: dict, errors: dict, select_all: bool, outcome: dict | None):
    section = _section_of(query.section)
    matching = pending_rows(portal().index, query)
    size = _page_size(typed)
    pages = max(1, -(-len(matching) // size))
    page = min(int(typed["page"]), pages) if typed["page"].isdigit() and int(typed["page"]) >= 1 else 1
    typed = dict(typed, page=str(page) if page > 1 else "")
    rows = [row for row in (_row(summary, pending, section, select_all)
                            for summary, pending in matching[(page - 1) * size:page * size]) if row]
    columns = _columns(section, rows)
    for row in rows:
        row["cells"] = _cells(section, row, columns)
    sections = {key: (SECTIONS[key].title, count) for key, count in portal().index.pending_by_section().items()}
    return render_page("agent/section_requests.tpl", "agent/_section_table.tpl",
                       title=f"Demandes en attente — {section.title}", section=section, rows=rows,
                       columns=columns, matching=len(matching), page_number=page, pages=pages, typed=typed, errors=errors,
                       filters=DATE_FILTERS, sizes=PAGE_SIZES, size=size, sections=dict(sorted(sections.items(),
                                                                                   key=lambda s: s[1][0])),
                       table_url=lambda **changes: _table_url(typed, **changes), outcome=outcome, filters_kept=FILTERS,
                       total=portal().index.pending_count(), oob=is_fragment())


@app.get(URL)
def section_table():
    require_agent()
    query, typed, errors = _query(http_request.query)
    session = current_session()
    outcome = session.take_shown_once(RESULT_KEY) if session is not None else None
    return _table(query, typed, errors, http_request.query.get("tout") == "1", outcome)


def _set_aside_reason(decision) -> str:
    if decision.outcome == "conflict":
        return SET_ASIDE_REASONS["conflict"].format(fields=", ".join(c["label"] for c in decision.conflicts))
    return decision.message or SET_ASIDE_REASONS.get(decision.outcome, "")


def _outcome(result: BatchResult, verdict: str) -> dict:
    """What the page after the batch says: counts, and each request left pending with the reason."""
    names = {summary.family_id: summary.name for summary in
             (portal().index.get(family.family_id) for family in result.families) if summary is not None}
    set_aside = [{"family_id": family.family_id, "name": names.get(family.family_id, ""),
                  "title": request_title(decision.request), "created_at": decision.request["created_at"],
                  "reason": _set_aside_reason(decision)}
                 for family in result.families for decision in family.set_aside]
    word = ("demande validée", "demandes validées") if verdict == "validate" else ("demande annulée", "demandes annulées")
    families = sum(1 for family in result.families if family.decided)
    return {"summary": f"{plural(result.count('decided'), *word)} pour {plural(families, 'famille')}",
            "decided": result.count("decided"), "already": result.count("already"), "unknown": len(result.unknown),
            "set_aside": set_aside}


@app.post(URL + "/decider")
def decide():
    agent = require_agent()
    query, typed, errors = _query(http_request.forms)
    _section_of(query.section)
    verdicts = {"valider": "validate", "annuler": "cancel"}
    one_row = form_text("une").partition(":")  # a row's own Valider / Annuler button: that request alone
    if one_row[2]:
        verdict, keys = verdicts.get(one_row[0]), [one_row[2]]
    else:
        verdict, keys = verdicts.get(form_text("decision")), posted_form("demande")["demande"]
    if verdict is None or not keys:
        message = "Cochez au moins une demande, puis choisissez Valider ou Annuler." if verdict else \
            "Choisissez Valider ou Annuler la sélection."
        if is_fragment():
            return _table(query, typed, errors, False, {"error": message})
        flash(message, "error")
        redirect(_table_url(typed))
    mail, requests_page = portal().family_mail, public_url("/mes-demandes")  # the threads below see no request

    def tell(family: FamilyDecisions) -> None:  # the family's mail, as for a single decision
        mail.requests_decided(family.family_id, [(d.request, request_title(d.request)) for d in family.decided],
                              lambda path: requests_page)
    result = decide_batch(portal().families, keys, query.section, verdict, agent, reason=form_text("motif", 500),
                          options={"services": portal().services, "billing": "auto"}, after_family=tell)
    for family in result.families:
        for decision in family.decided:
            confirm_email_change(family.family_id, decision)
            for name in decision.obsolete_files:
                portal().photos.delete(family.family_id, name)
    outcome = _outcome(result, verdict)
    if is_fragment():
        return _table(query, typed, errors, False, outcome)
    current_session().show_once(RESULT_KEY, outcome)
    redirect(_table_url(typed))

