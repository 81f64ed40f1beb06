"""The family's account, exactly: every invoice carries the solde antérieur (earlier invoices minus every payment
recorded before it), the relevé ends at the balance, payments settle the oldest invoices first; invoice numbers are
unique in the commune; the billing software's CSV is checked line by line and imported all or nothing, once.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage.counters import Numbers
from storage.documents import DocumentStore
from storage.families import Families
from storage.invoice_import import COLUMNS, import_invoices, parse_invoice_csv
from storage.ledger import (account_figures, add_invoice, add_payment, balance_cents, invoice_line, invoices,
                            reverse_payment, statement, statement_since)

FAMILY = "770400070"
OTHER = "770400080"
START = date(2026, 9, 1)
# Each hypothesis example writes a few dozen small files; on tmpfs that is ~1 ms a write instead of ~15 ms.
FAST_TEMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


@contextmanager
def fresh_families():
    """A data folder with two empty families (one per hypothesis example: no leftovers between examples)."""
    with tempfile.TemporaryDirectory(dir=FAST_TEMP, prefix="pf-ledger-") as folder:
        families = Families(DocumentStore(Path(folder)))
        for family_id in (FAMILY, OTHER):
            families.create(family_id, {"children": []}, "scrypt$unused")
        yield families


@pytest.fixture
def store(tmp_path):
    documents = DocumentStore(tmp_path)
    families = Families(documents)
    for family_id in (FAMILY, OTHER):
        families.create(family_id, {"children": [{"id": 1, "first_name": "Léa", "last_name": "MARTIN"}]},
                        "scrypt$unused")
    return families, Numbers(documents, families)


def is_int(value) -> bool:
    return type(value) is int  # noqa: E721 - bool and float are not amounts


# --- the account as random sequences of invoices, payments and reversals ------------------------------------

line = st.builds(lambda quantity, price: (quantity, price), st.integers(1, 30), st.integers(1, 25_000))
discount = st.builds(lambda price: (1, -price), st.integers(1, 5_000))
positive_lines = st.tuples(st.lists(line, min_size=1, max_size=4), st.lists(discount, max_size=1)) \
    .map(lambda parts: parts[0] + parts[1]).filter(lambda lines: sum(q * p for q, p in lines) > 0)
any_lines = st.lists(st.one_of(line, discount), min_size=1, max_size=4)  # credit notes (total <= 0) too


def operations(lines_strategy):
    return st.lists(st.one_of(
        st.tuples(st.just("invoice"), lines_strategy),
        st.tuples(st.just("payment"), st.integers(1, 600_000)),  # up to 6 000 €: partial, exact and overpayments
        st.tuples(st.just("reverse"), st.integers(0, 50)),      # which payment entry the agent tries to cancel
    ), max_size=14)


def run(families: Families, ops, day_steps) -> dict:
    """Apply ops in order on FAMILY; returns what a by-hand model expects (balance before each invoice…)."""
    expected_previous, payment_ids, paid_net, invoiced = {}, [], 0, 0
    day = START
    for index, ((kind, value), step) in enumerate(zip(ops, day_steps)):
        day += timedelta(days=step)
        if kind == "invoice":
            number = f"F2026-{index + 1:06d}"
            lines = [invoice_line("Léa", "Restauration scolaire", q, p) for q, p in value]
            invoice = add_invoice(families, FAMILY, number=number, period=day.strftime("%Y-%m"),
                                  issued_on=day.isoformat(), due_on=(day + timedelta(days=20)).isoformat(), lines=lines)
            expected_previous[number] = invoiced - paid_net
            assert invoice["previous_balance_cents"] == invoiced - paid_net
            invoiced += sum(q * p for q, p in value)
        elif kind == "payment":
            add_payment(families, FAMILY, paid_on=day.isoformat(), amount_cents=value, method="cheque",
                        reference=f"chèque {index}")
            paid_net += value
            payment_ids.append(max(d.doc_id for d in families.read_ledger(FAMILY).table("payments").all()))
        elif payment_ids:
            target = payment_ids[value % len(payment_ids)]
            doc = families.read_ledger(FAMILY).table("payments").get(doc_id=target)
            if doc["amount_cents"] > 0 and not doc.get("reversed_by"):
                reversal = reverse_payment(families, FAMILY, target, reversed_on=day.isoformat(), agent="agent")
                assert reversal["amount_cents"] == -doc["amount_cents"]
                paid_net -= doc["amount_cents"]
                payment_ids.append(max(d.doc_id for d in families.read_ledger(FAMILY).table("payments").all()))
            else:
                with pytest.raises(ValueError, match="déjà été annulé"):
                    reverse_payment(families, FAMILY, target, reversed_on=day.isoformat(), agent="agent")
    return {"previous": expected_previous, "paid_net": paid_net, "invoiced": invoiced}


def check_invoices_and_balance(families: Families, model: dict) -> None:
    ledger = families.read_ledger(FAMILY)
    stored = {doc["number"]: doc for doc in ledger.table("invoices").all()}
    assert set(stored) == set(model["previous"])
    for number, doc in stored.items():
        assert doc["previous_balance_cents"] == model["previous"][number], number
        assert doc["total_cents"] == sum(line["amount_cents"] for line in doc["lines"])
        assert doc["amount_due_cents"] == doc["previous_balance_cents"] + doc["total_cents"]
        amounts = [doc["previous_balance_cents"], doc["total_cents"], doc["amount_due_cents"]]
        amounts += [v for line in doc["lines"] for v in (line["amount_cents"], line["unit_price_cents"])]
        assert all(is_int(a) for a in amounts), amounts
    assert all(is_int(p["amount_cents"]) for p in ledger.table("payments").all())
    assert balance_cents(ledger) == model["invoiced"] - model["paid_net"]
    assert is_int(balance_cents(ledger))
    assert families.read_ledger(OTHER).table("invoices").all() == []  # nothing leaks to another family


def check_statement(families: Families) -> list[dict]:
    ledger = families.read_ledger(FAMILY)
    entries = statement(ledger)
    assert len(entries) == len(ledger.table("invoices")) + len(ledger.table("payments"))
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)
    running = 0
    for entry in entries:
        running += entry["debit_cents"] - entry["credit_cents"]
        assert entry["balance_cents"] == running
        assert all(is_int(entry[k]) for k in ("debit_cents", "credit_cents", "balance_cents"))
    assert running == balance_cents(ledger)
    for first_day in sorted({e["date"] for e in entries} | {"2000-01-01", "2999-12-31"}):
        check_statement_since(ledger, entries, first_day)
    return entries


def check_statement_since(ledger, entries: list[dict], first_day: str) -> None:
    """The relevé of the last months: the later entries unchanged, the earlier ones as one balance brought forward."""
    shown, earlier = statement_since(ledger, first_day)
    assert earlier == sum(1 for e in entries if e["date"] < first_day)
    assert shown[1 if earlier else 0:] == entries[earlier:]
    if earlier:
        assert shown[0]["kind"] == "opening" and shown[0]["date"] == first_day
        assert shown[0]["balance_cents"] == entries[earlier - 1]["balance_cents"]
    if entries:
        assert shown[-1]["balance_cents"] == balance_cents(ledger)


def paid_on(figures, ledger) -> dict[str, int]:
    """number -> what payments and credit notes settled of each invoice (amount - reste à payer)."""
    return {doc["number"]: doc["total_cents"] - figures.invoices[doc["number"]].remaining_cents
            for doc in ledger.table("invoices").all() if doc["total_cents"] >= 0}


def check_fifo_statuses(families: Families) -> None:
    """Positive invoices only: payments settle the oldest first, exactly as far as the net payments go."""
    ledger = families.read_ledger(FAMILY)
    figures = account_figures(ledger)
    paid = paid_on(figures, ledger)
    net_paid = sum(p["amount_cents"] for p in ledger.table("payments").all())
    available = net_paid
    for doc in sorted(ledger.table("invoices").all(), key=lambda d: (d["issued_on"], d.doc_id)):
        expected = max(0, min(doc["total_cents"], available))
        available -= expected
        state = figures.invoices[doc["number"]].state
        assert paid[doc["number"]] == expected, (doc["number"], paid, expected)
        assert state == ("paid" if expected == doc["total_cents"] else "partial" if expected else "unpaid")
        assert is_int(paid[doc["number"]])
    assert sum(paid.values()) <= max(0, net_paid)
    if balance_cents(ledger) <= 0:
        assert all(f.state == "paid" for f in figures.invoices.values())


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations(positive_lines), data=st.data())
def test_every_invoice_carries_the_solde_anterieur_and_payments_settle_oldest_first(ops, data):
    steps = data.draw(st.lists(st.integers(1, 40), min_size=len(ops), max_size=len(ops)), label="days between")
    with fresh_families() as families:
        model = run(families, ops, steps)
        check_invoices_and_balance(families, model)
        entries = check_statement(families)
        check_fifo_statuses(families)
        # Every operation on its own, later date: the relevé's balance just before an invoice is its solde antérieur.
        before = 0
        for entry in entries:
            if entry["kind"] == "invoice":
                assert model["previous"][entry["number"]] == before
            before = entry["balance_cents"]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=operations(any_lines), data=st.data())
def test_solde_anterieur_and_statement_hold_with_credit_notes_and_backdated_entries(ops, data):
    """Any order of dates (a cheque typed in late, a payment the same day as an invoice) and invoices that are
    credit notes: the solde antérieur still counts what was recorded before, the relevé still ends at the balance."""
    steps = data.draw(st.lists(st.integers(-40, 40), min_size=len(ops), max_size=len(ops)), label="days between")
    with fresh_families() as families:
        model = run(families, ops, steps)
        check_invoices_and_balance(families, model)
        check_statement(families)
        ledger = families.read_ledger(FAMILY)
        credits = -sum(d["total_cents"] for d in ledger.table("invoices").all() if d["total_cents"] < 0)
        positive_paid = sum(paid_on(account_figures(ledger), ledger).values())
        assert 0 <= positive_paid <= max(0, model["paid_net"]) + credits


def test_overpayment_leaves_the_family_in_credit_and_the_next_invoice_deducts_it():
    with fresh_families() as families:
        add_invoice(families, FAMILY, number="A1", period="2026-09", issued_on="2026-10-03", due_on="2026-10-25",
                    lines=[invoice_line("Léa", "Cantine", 10, 385)])
        add_payment(families, FAMILY, paid_on="2026-10-10", amount_cents=5_000, method="especes")
        assert balance_cents(families.read_ledger(FAMILY)) == -1_150
        second = add_invoice(families, FAMILY, number="A2", period="2026-10", issued_on="2026-11-03",
                             due_on="2026-11-25", lines=[invoice_line("Léa", "Cantine", 4, 385)])
        assert second["previous_balance_cents"] == -1_150
        assert second["amount_due_cents"] == 1_540 - 1_150 == 390
        figures = account_figures(families.read_ledger(FAMILY)).invoices
        assert (figures["A1"].remaining_cents, figures["A1"].state) == (0, "paid")
        assert (figures["A2"].remaining_cents, figures["A2"].state) == (390, "partial")


def test_a_credit_note_settles_the_older_invoice_when_the_account_is_even():
    with fresh_families() as families:
        add_invoice(families, FAMILY, number="A1", period="2026-09", issued_on="2026-10-03", due_on="2026-10-25",
                    lines=[invoice_line("Léa", "Cantine", 10, 1_000)])
        add_payment(families, FAMILY, paid_on="2026-10-10", amount_cents=5_000, method="cheque")
        add_invoice(families, FAMILY, number="AV1", period="2026-10", issued_on="2026-11-03", due_on="2026-11-25",
                    lines=[invoice_line("Léa", "Remboursement absences", 1, -5_000)])
        ledger = families.read_ledger(FAMILY)
        assert balance_cents(ledger) == 0
        assert account_figures(ledger).invoices["A1"].state == "paid"
        assert account_figures(ledger).invoices["AV1"].state == "credit_note"


def test_a_reversal_is_a_negative_entry_and_a_payment_cannot_be_reversed_twice():
    with fresh_families() as families:
        add_payment(families, FAMILY, paid_on="2026-10-10", amount_cents=2_500, method="cheque", reference="n° 42")
        reversal = reverse_payment(families, FAMILY, 1, reversed_on="2026-10-12", agent="agent")
        payments = families.read_ledger(FAMILY).table("payments")
        assert reversal["amount_cents"] == -2_500 and reversal["reverses"] == 1
        assert len(payments) == 2 and payments.get(doc_id=1)["reversed_by"] == 2  # history kept
        with pytest.raises(ValueError):
            reverse_payment(families, FAMILY, 1, reversed_on="2026-10-13", agent="agent")
        with pytest.raises(ValueError):
            reverse_payment(families, FAMILY, 2, reversed_on="2026-10-13", agent="agent")  # a reversal itself
        with pytest.raises(KeyError):
            reverse_payment(families, FAMILY, 99, reversed_on="2026-10-13", agent="agent")
        assert len(families.read_ledger(FAMILY).table("payments")) == 2
        assert balance_cents(families.read_ledger(FAMILY)) == 0
        labels = [e["label"] for e in statement(families.read_ledger(FAMILY))]
        assert labels[0].startswith("Paiement (chèque)") and labels[1].startswith("Annulation d'un paiement")


def test_an_invoice_number_is_stored_once_per_ledger():
    with fresh_families() as families:
        lines = [invoice_line("Léa", "Cantine", 1, 385)]
        add_invoice(families, FAMILY, number="F2026-000001", period="2026-09", issued_on="2026-10-03",
                    due_on="2026-10-25", lines=lines)
        with pytest.raises(FileExistsError):
            add_invoice(families, FAMILY, number="F2026-000001", period="2026-10", issued_on="2026-11-03",
                        due_on="2026-11-25", lines=lines)
        assert [d["number"] for d in invoices(families.read_ledger(FAMILY))] == ["F2026-000001"]


# --- invoice numbers ------------------------------------------------------------------------------------------

def test_invoice_numbers_are_unique_sequential_per_year_and_survive_a_restart(store, tmp_path):
    families, numbers = store
    made = [numbers.next_invoice_number(2026, FAMILY if i % 2 else OTHER) for i in range(25)]
    assert made[:3] == ["F2026-000001", "F2026-000002", "F2026-000003"]
    assert len(set(made)) == 25
    assert numbers.next_invoice_number(2027, FAMILY) == "F2027-000001"
    assert numbers.invoice_owner("F2026-000002") == FAMILY and numbers.invoice_owner("F2026-000001") == OTHER
    again = Numbers(DocumentStore(tmp_path), families)  # after a restart
    assert again.invoice_owner("F2026-000025") == OTHER
    assert again.next_invoice_number(2026, FAMILY) == "F2026-000026"


def test_reserve_refuses_a_number_of_another_family_and_keeps_nothing(store):
    families, numbers = store
    numbers.reserve_invoices({"2026-11001": FAMILY})
    numbers.reserve_invoices({"2026-11001": FAMILY})  # the same family again: fine (an import run twice)
    with pytest.raises(ValueError, match="déjà utilisé.*2026-11001"):
        numbers.reserve_invoices({"2026-11002": OTHER, "2026-11001": OTHER})
    assert numbers.invoice_owner("2026-11001") == FAMILY
    assert numbers.invoice_owner("2026-11002") is None  # all or nothing


def test_generated_numbers_skip_numbers_already_imported(store):
    _, numbers = store
    numbers.reserve_invoices({"F2026-000002": OTHER})
    assert [numbers.next_invoice_number(2026, FAMILY) for _ in range(2)] == ["F2026-000001", "F2026-000003"]


def test_batch_numbers_one_per_family_in_one_write(store, tmp_path):
    families, numbers = store
    batch = numbers.next_invoice_numbers(2026, [FAMILY, OTHER, FAMILY])
    assert batch == ["F2026-000001", "F2026-000002", "F2026-000003"]
    again = Numbers(DocumentStore(tmp_path), families)
    assert [again.invoice_owner(n) for n in batch] == [FAMILY, OTHER, FAMILY]


# --- CSV import -----------------------------------------------------------------------------------------------

HEADER = ";".join(COLUMNS)
GOOD_ROWS = [
    "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Léa;Restauration scolaire;;15;3,85",
    "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Léa;Accueil du soir;lundi et jeudi;8;2,60",
    "770400080;2026-12002;2026-12;05/01/2027;25/01/2027;Olivia;Restauration scolaire;;12;3,00",
    "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Tom;Remise fratrie;;1;-5,00",
]


def csv_bytes(rows, header=HEADER, encoding="utf-8", separator=";", newline="\n") -> bytes:
    text = newline.join([header] + list(rows)) + newline
    if separator != ";":
        text = text.replace(";", separator)
    return text.encode(encoding)


def parse(store, raw: bytes):
    families, numbers = store
    return parse_invoice_csv(raw, families, numbers)


def test_good_file_gives_invoices_grouped_by_number(store):
    preview = parse(store, csv_bytes(GOOD_ROWS))
    assert preview.errors == []
    by_number = {i["number"]: i for i in preview.invoices}
    assert list(by_number) == ["2026-12001", "2026-12002"]
    first = by_number["2026-12001"]
    assert (first["family_id"], first["period"], first["issued_on"], first["due_on"]) == \
           ("770400070", "2026-12", "2027-01-05", "2027-01-25")
    assert [(line["child"], line["service"], line["quantity"], line["unit_price_cents"], line["amount_cents"])
            for line in first["lines"]] == [("Léa", "Restauration scolaire", 15, 385, 5_775),
                                            ("Léa", "Accueil du soir", 8, 260, 2_080),
                                            ("Tom", "Remise fratrie", 1, -500, -500)]
    assert first["lines"][1]["detail"] == "lundi et jeudi"
    assert first["total_cents"] == 7_355 and by_number["2026-12002"]["total_cents"] == 3_600
    assert preview.total_cents == 10_955
    assert all(is_int(line["amount_cents"]) for i in preview.invoices for line in i["lines"])


def test_every_bad_line_is_reported_with_its_number_and_a_french_reason(store):
    rows = [
        GOOD_ROWS[0],
        "770400999;2026-12003;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;1;3,85",          # line 3
        "770400070;;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;1;3,85",                    # line 4
        "770400070;2026-12004;12/2026;05/01/2027;25/01/2027;Léa;Cantine;;1;3,85",          # line 5
        "770400070;2026-12005;2026-12;31/02/2027;2027-01-25;Léa;Cantine;;1;3,85",          # line 6
        "",                                                                                # line 7 (blank)
        "770400070;2026-12006;2026-12;05/01/2027;25/01/2027;;Cantine;;1;3,85",             # line 8
        "770400070;2026-12007;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;0;3,85",          # line 9
        "770400070;2026-12008;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;2;trois euros",   # line 10
        "770400070;2026-12009;2026-13;05/01/2027;pas une date;Léa;;;1000;3,85",            # line 11: four reasons
    ]
    preview = parse(store, csv_bytes(rows))
    by_line: dict[int, list[str]] = {}
    for number, reason in preview.errors:
        by_line.setdefault(number, []).append(reason)
    assert sorted(by_line) == [3, 4, 5, 6, 8, 9, 10, 11]
    assert by_line[3] == ["famille « 770400999 » inconnue"]
    assert "numéro de facture manquant ou invalide" in by_line[4][0]
    assert by_line[5] == ["période invalide (format AAAA-MM, exemple : 2026-11)"]
    assert by_line[6] == ["date d'émission invalide (JJ/MM/AAAA)"]
    assert by_line[8] == ["enfant et prestation obligatoires"]
    assert by_line[9] == ["quantité invalide (nombre entier de 1 à 999)"]
    assert by_line[10] == ["prix unitaire invalide (exemple : 3,85)"]
    assert len(by_line[11]) == 4
    assert set(by_line[11]) == {"période invalide (format AAAA-MM, exemple : 2026-11)",
                                "date d'échéance invalide (JJ/MM/AAAA)", "enfant et prestation obligatoires",
                                "quantité invalide (nombre entier de 1 à 999)"}


def test_missing_columns_and_empty_files_are_refused_on_line_one_or_two(store):
    preview = parse(store, csv_bytes(GOOD_ROWS, header="famille;numero;periode;enfant"))
    assert preview.errors == [(1, "Colonnes manquantes dans la première ligne : date_emission, date_echeance, "
                                  "prestation, detail, quantite, prix_unitaire")]
    assert preview.invoices == []
    assert parse(store, csv_bytes([])).errors == [(2, "Le fichier ne contient aucune ligne de facture.")]
    assert parse(store, b"").errors[0][0] == 1


def test_a_number_already_in_use_is_refused(store):
    families, numbers = store
    numbers.reserve_invoices({"2026-12002": OTHER})
    preview = parse(store, csv_bytes(GOOD_ROWS))
    assert preview.errors == [(4, "la facture 2026-12002 existe déjà")]


def test_lines_of_one_invoice_must_agree_on_family_period_and_dates(store):
    rows = [GOOD_ROWS[0],
            GOOD_ROWS[1].replace(";2026-12;", ";2026-11;"),
            GOOD_ROWS[2].replace("2026-12002", "2026-12001")]
    preview = parse(store, csv_bytes(rows))
    assert [line for line, _ in preview.errors] == [3, 4]
    assert all("apparaît avec une autre famille, période ou date" in reason for _, reason in preview.errors)


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-8"])
@pytest.mark.parametrize("separator", [";", ","])
def test_windows_and_utf8_files_with_either_separator(store, encoding, separator):
    rows = [row.replace("3,85", "3.85").replace("2,60", "2.60").replace("3,00", "3").replace("-5,00", "-5")
            for row in GOOD_ROWS]
    rows[0] = rows[0].replace("Restauration scolaire", "Restauration élémentaire (goûter)")
    preview = parse(store, csv_bytes(rows, encoding=encoding, separator=separator, newline="\r\n"))
    assert preview.errors == []
    first = preview.invoices[0]
    assert first["lines"][0]["child"] == "Léa"
    assert first["lines"][0]["service"] == "Restauration élémentaire (goûter)"
    assert first["total_cents"] == 7_355


def test_columns_in_another_order_with_extra_columns_and_quoted_decimal_comma(store):
    header = "Prix_Unitaire,quantite,famille,numero,periode,date_emission,date_echeance,enfant,prestation,detail,TVA"
    raw = (header + "\n" + '"3,85",15,770400070,2026-12001,2026-12,2027-01-05,2027-01-25,Léa,"Cantine, midi",,0\n')
    preview = parse(store, raw.encode("utf-8"))
    assert preview.errors == []
    assert preview.invoices[0]["lines"][0]["service"] == "Cantine, midi"
    assert preview.invoices[0]["total_cents"] == 5_775


def test_parsing_stores_nothing_even_when_part_of_the_file_is_valid(store):
    families, numbers = store
    preview = parse(store, csv_bytes(GOOD_ROWS + ["770400999;X1;2026-12;05/01/2027;25/01/2027;Léa;Cantine;;1;1"]))
    assert preview.errors == [(6, "famille « 770400999 » inconnue")]
    assert numbers.invoice_owner("2026-12001") is None
    assert families.read_ledger(FAMILY).table("invoices").all() == []


def test_import_creates_invoices_with_solde_anterieur_and_a_second_run_adds_nothing(store):
    families, numbers = store
    add_invoice(families, FAMILY, number="2026-11001", period="2026-11", issued_on="2026-12-03",
                due_on="2026-12-25", lines=[invoice_line("Léa", "Cantine", 10, 385)])
    add_payment(families, FAMILY, paid_on="2026-12-20", amount_cents=1_000, method="cheque")
    preview = parse(store, csv_bytes(GOOD_ROWS))
    assert import_invoices(preview.invoices, families, numbers) == 2
    assert import_invoices(preview.invoices, families, numbers) == 0  # same preview confirmed twice
    ledger = families.read_ledger(FAMILY)
    imported = next(d for d in ledger.table("invoices").all() if d["number"] == "2026-12001")
    assert len(ledger.table("invoices")) == 2
    assert imported["previous_balance_cents"] == 3_850 - 1_000
    assert imported["amount_due_cents"] == 2_850 + 7_355
    assert numbers.invoice_owner("2026-12001") == FAMILY and numbers.invoice_owner("2026-12002") == OTHER
    assert len(families.read_ledger(OTHER).table("invoices")) == 1
    # The same file again: every number is now in use, nothing more can be imported.
    again = parse(store, csv_bytes(GOOD_ROWS))
    assert {reason for _, reason in again.errors} == {"la facture 2026-12001 existe déjà",
                                                      "la facture 2026-12002 existe déjà"}
