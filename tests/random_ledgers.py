"""Random family accounts for property tests: invoices, credit notes (negative invoices), partial and over-payments
at the counter, reversals of a payment, and online card payments of the whole balance through the real
notification path (storage.payment.online, signed with the bank simulator's key).

ledger_operations() draws the operations, apply_operations() writes them into a family's ledger file through the
portal's own storage functions, dated in the past (online payments are dated today, as the bank's notification is)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote

from hypothesis import strategies as st

from storage import clock
from storage.families import Families
from storage.ledger import add_invoice, add_payment, invoice_line, reverse_payment
from storage.payment.online import record_notification, start_attempt
from storage.payment.paybox import PayboxGateway, ensure_simulator_key, rsa_sha1_sign, simulator_public_key_setting

_line = st.tuples(st.integers(1, 20), st.integers(1, 20_000))            # quantity, unit price in cents
_discount = st.integers(1, 5_000).map(lambda price: (1, -price))
_invoice_lines = st.lists(_line, min_size=1, max_size=3)
_credit_note_lines = st.lists(_discount, min_size=1, max_size=2)          # an avoir: a negative total

OPERATION = st.one_of(
    st.tuples(st.just("invoice"), _invoice_lines),
    st.tuples(st.just("invoice"), _credit_note_lines),
    st.tuples(st.just("payment"), st.integers(1, 150_000)),              # partial, exact or overpayment
    st.tuples(st.just("reverse"), st.integers(0, 20)),                   # which earlier payment to reverse
    st.tuples(st.just("online"), st.sampled_from(["00000", "00105"])),   # paid, or refused by the card's bank
)


def ledger_operations(max_size: int = 12):
    """A list of (kind, value) operations on one family's account."""
    return st.lists(OPERATION, max_size=max_size)


def days_between(count: int):
    """Days between successive operations, all in the past: they start about 13 months ago."""
    return st.lists(st.integers(1, 30), min_size=count, max_size=count)


def simulator_gateway(data_dir: Path) -> PayboxGateway:
    """The gateway of a portal whose bank is the local simulator (its RSA key made once in data_dir/simulator/)."""
    ensure_simulator_key(data_dir)
    return PayboxGateway({"public_key_path": simulator_public_key_setting(), "simulator": True}, data_dir)


def bank_notification(data_dir: Path, reference: str, amount_cents: int, code: str) -> str:
    """The notification the bank sends for an attempt, signed with the simulator's key."""
    data = f"montant={amount_cents}&ref={quote(reference, safe='')}&auto=XXXXXX&erreur={code}&trans=1234567890"
    signature = rsa_sha1_sign(data.encode(), ensure_simulator_key(data_dir))
    return f"{data}&sign={quote(signature, safe='')}"


def apply_operations(families: Families, family_id: str, operations, steps, data_dir: Path) -> None:
    """Write the operations into the family's ledger, the first one about 13 months before today."""
    day = clock.today() - timedelta(days=400)
    gateway = simulator_gateway(data_dir)
    for index, ((kind, value), step) in enumerate(zip(operations, steps)):
        day += timedelta(days=step)
        if kind == "invoice":
            add_invoice(families, family_id, number=f"R{family_id}-{index:03d}", period=day.strftime("%Y-%m"),
                        issued_on=day.isoformat(), due_on=(day + timedelta(days=22)).isoformat(),
                        lines=[invoice_line("Léa", "Restauration scolaire", q, p) for q, p in value])
        elif kind == "payment":
            add_payment(families, family_id, paid_on=day.isoformat(), amount_cents=value, method="cheque",
                        reference=f"chèque n° {index}")
        elif kind == "reverse":
            _reverse_one(families, family_id, value, day)
        else:
            _pay_online(families, family_id, value, data_dir, gateway)


def _reverse_one(families: Families, family_id: str, which: int, day: date) -> None:
    candidates = [doc.doc_id for doc in families.read_ledger(family_id).table("payments").all()
                  if doc["amount_cents"] > 0 and not doc.get("reversed_by")]
    if candidates:
        reverse_payment(families, family_id, candidates[which % len(candidates)], reversed_on=day.isoformat(),
                        agent="agent")


def _pay_online(families: Families, family_id: str, code: str, data_dir: Path, gateway: PayboxGateway) -> None:
    attempt = start_attempt(families, family_id, "parent@example.fr")
    if attempt is not None:  # nothing owed: no pay button
        message = bank_notification(data_dir, attempt["reference"], attempt["amount_cents"], code)
        assert record_notification(families, gateway, message).accepted


def clear_ledger(families: Families, family_id: str) -> None:
    """Empty a family's account (invoices, payments, online attempts) before writing a new random one."""
    with families.ledger_transaction(family_id) as ledger:
        for table in ("invoices", "payments", "online_payments"):
            ledger.table(table).truncate()
