"""Decisions on many requests at once (the agent's table by section): one transaction, hence one write, per family
file, each decision audited exactly as a single one. Requests in conflict are never validated here: they stay pending
for the agent to look at one by one. Deciding the same batch twice decides nothing twice.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from storage.families import Families, is_family_id
from storage.requests import Decision, after_closed, close_in, validate_in

REQUEST_KEY = re.compile(r"^([0-9]{1,12})-([0-9]{1,9})$")  # "<family number>-<request id>", a checkbox's value
MAX_BATCH = 500
WORKERS = 4


@dataclass
class FamilyDecisions:
    """What one batch did in one family's file."""
    family_id: str
    decided: list[Decision] = field(default_factory=list)      # validated or cancelled now
    already: list[Decision] = field(default_factory=list)      # decided before this batch (a repeated POST)
    set_aside: list[Decision] = field(default_factory=list)    # conflict, target missing, refused: still pending


@dataclass
class BatchResult:
    families: list[FamilyDecisions] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # keys naming no request of the section (forged, deleted)

    def count(self, part: str) -> int:
        return sum(len(getattr(family, part)) for family in self.families)


def request_key(family_id: str, request_id: int) -> str:
    return f"{family_id}-{request_id}"


def parse_keys(values: list[str]) -> tuple[dict[str, list[int]], list[str]]:
    """({family: [request ids]} in the order given, without repeats; the malformed values)."""
    grouped: dict[str, list[int]] = {}
    malformed = []
    for value in values[:MAX_BATCH]:
        match = REQUEST_KEY.match(value or "")
        if match is None or not is_family_id(match.group(1)):
            malformed.append(value)
            continue
        ids = grouped.setdefault(match.group(1), [])
        if int(match.group(2)) not in ids:
            ids.append(int(match.group(2)))
    return grouped, malformed


def decide_batch(families: Families, keys: list[str], section: str, verdict: str, agent: str, *,
                 reason: str = "", options: dict | None = None,
                 after_family: Callable[[FamilyDecisions], None] | None = None, workers: int = WORKERS) -> BatchResult:
    """Validate (verdict "validate") or cancel ("cancel", with one reason) the requests named by keys, all of
    section; a key of another section or of no request is reported unknown and decides nothing.

    after_family(decisions) runs once each family's file is written (the family's mail). The families are decided
    by a few threads at once: each family's file is its own, and their fsyncs then overlap (the file system commits
    them together), so 50 families' writes take the time of a few."""
    grouped, malformed = parse_keys(keys)

    def one_family(item: tuple[str, list[int]]) -> tuple[FamilyDecisions | None, list[str]]:
        family_id, request_ids = item
        if not families.exists(family_id):
            return None, [request_key(family_id, request_id) for request_id in request_ids]
        outcome, unknown = FamilyDecisions(family_id), []
        with families.transaction(family_id) as db:
            for request_id in request_ids:
                request = db.table("requests").get(doc_id=request_id)
                if request is None or request["section"] != section:
                    unknown.append(request_key(family_id, request_id))
                    continue
                if verdict == "validate":
                    decision = validate_in(db, request, agent, options=options)
                else:
                    decision = close_in(db, request, "cancelled", by=agent, by_kind="agent", reason=reason)
                if decision.outcome in ("validated", "cancelled"):
                    outcome.decided.append(decision)
                elif decision.outcome == "already_decided":
                    outcome.already.append(decision)
                else:
                    outcome.set_aside.append(decision)
        for decision in outcome.decided:
            if decision.outcome == "cancelled":
                after_closed(families, family_id, decision.request)
        if after_family is not None:
            after_family(outcome)
        return outcome, unknown

    result = BatchResult(unknown=list(malformed))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch-decisions") as pool:
        for outcome, unknown in pool.map(one_family, grouped.items()):
            result.unknown += unknown
            if outcome is not None:
                result.families.append(outcome)
    return result
