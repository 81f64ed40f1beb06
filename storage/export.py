"""A family's data as one JSON document: its right of access (RGPD), for the family and the agent."""
from __future__ import annotations

from storage.families import Families, account_of, now_iso, record_of


def family_export(families: Families, family_id: str) -> dict:
    """Everything stored about the family, except its password hash and its password link's digest."""
    db = families.read(family_id)
    ledger = families.read_ledger(family_id)
    account = {k: v for k, v in account_of(db).items() if k != "password_hash"}
    if isinstance(account.get("password_link"), dict):
        account["password_link"] = {k: v for k, v in account["password_link"].items() if k != "sha256"}
    tables = {name: [dict(doc, id=doc.doc_id) for doc in db.table(name).all()]
              for name in ("requests", "messages", "audit", "pieces", "import")}
    return {
        "exported_at": now_iso(), "family_id": family_id, "record": dict(record_of(db)), "account": account,
        **tables,
        "invoices": [dict(doc, id=doc.doc_id) for doc in ledger.table("invoices").all()],
        "payments": [dict(doc, id=doc.doc_id) for doc in ledger.table("payments").all()],
    }
