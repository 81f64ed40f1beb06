"""The agent's table of one section's pending requests across families, read from the in-memory index (storage/index.py):
filtering and sorting thousands of families' requests reads no file; only the rows of the page shown are read.
"""
from __future__ import annotations

from dataclasses import dataclass

from storage.index import FamilyIndex, FamilySummary, folded

SORTS = ("date", "famille")
STATES = {"": None, "sans-conflit": False, "conflit": True}  # all rows, only those a batch can validate, the others


@dataclass(frozen=True)
class TableQuery:
    section: str
    since: str = ""   # ISO day, included
    until: str = ""   # ISO day, included
    family: str = ""  # words of the family number or of a parent's or child's name
    sort: str = "date"
    state: str = ""  # a key of STATES


def pending_rows(index: FamilyIndex, query: TableQuery) -> list[tuple[FamilySummary, dict]]:
    """(family summary, pending request {id, section, target_label, created_at}) of the section matching query;
    oldest first, or by family name (then number, then date)."""
    words = folded(query.family).split()
    stale = STATES.get(query.state)
    rows = []
    for summary in index.with_pending_requests():
        if words and not all(word in summary.search_text for word in words):
            continue
        for pending in summary.pending:
            day = pending["created_at"][:10]
            if pending["section"] != query.section or (query.since and day < query.since) \
                    or (query.until and day > query.until) or (stale is not None and pending["stale"] != stale):
                continue
            rows.append((summary, pending))
    if query.sort == "famille":
        rows.sort(key=lambda row: (folded(row[0].name), row[0].family_id, row[1]["created_at"], row[1]["id"]))
    else:
        rows.sort(key=lambda row: (row[1]["created_at"], row[0].family_id, row[1]["id"]))
    return rows


def oldest_pending(index: FamilyIndex) -> tuple[FamilySummary, dict] | None:
    """The request that has waited longest over every family and section (the dashboard's oldest item)."""
    waiting = index.with_pending_requests()  # sorted by each family's oldest request
    if not waiting:
        return None
    first = waiting[0]
    return first, min(first.pending, key=lambda pending: pending["created_at"])
