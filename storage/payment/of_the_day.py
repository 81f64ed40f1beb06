"""The card payments recorded each day, one small file per day (data/online-payments/<day>.json), so that the agent's
dashboard counts today's without reading every family's ledger. The ledger stays the record of the money: this file
is written just after it, and a crash in between only leaves that payment out of the day's count. The lists are
kept a week (DAYS_KEPT), then the retention purge removes them (storage/retention/rules.py)."""
from __future__ import annotations

from datetime import date, timedelta

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import now_iso

FOLDER = "online-payments"
DAYS_KEPT = 7


def note_online_payment(documents: DocumentStore, family_id: str, reference: str, amount_cents: int) -> None:
    """Add a payment the bank just confirmed to today's list."""
    with documents.transaction(documents.root / FOLDER / f"{now_iso()[:10]}.json") as db:
        db.table("payments").insert({"schema": SCHEMA_VERSION, "family_id": family_id, "reference": reference,
                                     "amount_cents": amount_cents, "at": now_iso()})


def online_payments_of(documents: DocumentStore, day: date) -> list[dict]:
    """The card payments recorded on day, in the order they came."""
    return documents.read(documents.root / FOLDER / f"{day.isoformat()}.json").table("payments").all()


def day_lists_before(documents: DocumentStore, today: date) -> list:
    """The files of the days older than DAYS_KEPT before today (a name that is not a day is left alone)."""
    cut_off = (today - timedelta(days=DAYS_KEPT)).isoformat()
    folder = documents.root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.glob("????-??-??.json") if path.stem < cut_off)
