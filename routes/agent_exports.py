"""The agent's Exports page: CSV files for the back-office (validated changes, the family register) and the accountant
(payments), chosen with GET forms and downloaded as dated attachments."""
from __future__ import annotations

from bottle import Bottle, HTTPResponse, abort, request

from routes.web import portal, render, require_agent
from storage import clock
from storage.exports.changes import Window, change_rows
from storage.exports.choices import (FIRST_DAY, LAST_DAY, SINCE_DATE, SINCE_DAY, SINCE_LAST, clean_changes_choice,
                                     clean_encoding, clean_payments_choice, previous_month)
from storage.exports.csv_file import DEFAULT_ENCODING, ENCODINGS, csv_chunks
from storage.exports.payments import payment_rows
from storage.exports.register import register_rows

app = Bottle()
QUERY_NAMES = ("depuis", "depuis_le", "du", "au", "encodage", "export")


def _query() -> dict:
    """The form's values ("" when absent; all ASCII when valid, anything else is refused by the cleaning), cut short."""
    return {name: (request.query.getunicode(name) or "").strip()[:40] for name in QUERY_NAMES}


def _typed() -> dict:
    """The values the agent sent, to show again next to the errors (the other forms keep their defaults)."""
    return {name: value for name, value in _query().items() if name in request.query}


def csv_download(rows, filename: str, encoding: str) -> HTTPResponse:
    """rows streamed as a CSV attachment named filename."""
    charset = ENCODINGS[encoding][2]
    return HTTPResponse(csv_chunks(rows, encoding), **{
        "Content-Type": f"text/csv; charset={charset}",
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _agent_names():
    """login -> the agent's name (the login itself for an unknown one), each agents.json lookup made once."""
    agents, known = portal().agents, {}

    def name(login: str) -> str:
        if login not in known:
            agent = agents.get(login) if login else None
            known[login] = agent["name"] if agent else login
        return known[login]
    return name


def _page(errors: dict | None = None, values: dict | None = None, form: str = ""):
    today = clock.today()
    first_day, last_day = previous_month(today)
    journal = portal().export_journal
    last_until = journal.last_until()
    defaults = {"depuis": SINCE_LAST, "depuis_le": (last_until or today.isoformat())[:10], "du": first_day,
                "au": last_day, "encodage": DEFAULT_ENCODING}
    return render("agent/exports.tpl", title="Exports", errors=errors or {}, form=form,
                  values=dict(defaults, **(values or {})), encodings=ENCODINGS,
                  since_last=SINCE_LAST, since_date=SINCE_DATE, since_day=SINCE_DAY, first_day=FIRST_DAY,
                  last_day=LAST_DAY, last_until=last_until, history=journal.recent(),
                  agent_name=_agent_names())


@app.get("/agent/exports")
def exports_page():
    require_agent()
    return _page()


@app.get("/agent/exports/modifications.csv")
def changes_export():
    agent = require_agent()
    query = _query()
    journal = portal().export_journal
    if query["export"]:  # the same window as an earlier export, downloaded again: the journal does not move
        earlier = journal.get(int(query["export"])) if query["export"].isdigit() else None
        if earlier is None:
            abort(404)
        encoding, errors = clean_encoding(query["encodage"] or DEFAULT_ENCODING)
        window = Window(earlier["since"], earlier["until"])
    else:
        choice, errors = clean_changes_choice(query, clock.today())
        encoding = choice["encoding"]
        since = journal.last_until() if choice["since"] == SINCE_LAST else f"{choice['day']}T00:00:00"
        window = Window(since, clock.now().isoformat())
    if errors:
        return _page(errors, _typed(), "changes")
    rows = change_rows(portal().families, portal().preregistrations.all(), window, _agent_names())
    if not query["export"] and request.method == "GET":
        journal.record(agent, window.since, window.until, len(rows) - 1)
    stamp = window.until[:16].replace("T", "-").replace(":", "h")
    return csv_download(rows, f"modifications-validees-{stamp}.csv", encoding)


@app.get("/agent/exports/familles.csv")
def register_export():
    require_agent()
    encoding, errors = clean_encoding(_query()["encodage"] or DEFAULT_ENCODING)
    if errors:
        return _page(errors, _typed(), "register")
    return csv_download(register_rows(portal().families), f"familles-{clock.today().isoformat()}.csv", encoding)


@app.get("/agent/exports/paiements.csv")
def payments_export():
    require_agent()
    query = _query()
    choice, errors = clean_payments_choice(query, clock.today())
    if errors:
        return _page(errors, _typed(), "payments")
    index = portal().index

    def family_name(family_id: str) -> str:
        summary = index.get(family_id)
        return summary.name if summary else ""
    rows = payment_rows(portal().families, choice["first_day"], choice["last_day"], family_name)
    return csv_download(rows, f"paiements-{choice['first_day']}-au-{choice['last_day']}.csv", choice["encoding"])
