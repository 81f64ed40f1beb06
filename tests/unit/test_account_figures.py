"""Amounts that never contradict each other, on many random accounts (tests/random_ledgers.py): the solde du compte
= the relevé's last line = the sum of the restes à payer - the unallocated credit; no reste à payer is negative, the
relevé's débit and crédit never are, and the words for a balance never show a negative number.

The same invariant is checked through the real pages in tests/web/test_money_words.py."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from random_ledgers import apply_operations, days_between, ledger_operations, simulator_gateway
from storage import clock
from storage.account_summary import AccountSummaries, AccountSummary
from storage.documents import DocumentStore
from storage.families import Families
from storage.ledger import (account_figures, add_invoice, add_payment, balance_cents, invoice_line,
                            recent_statement_start, reverse_payment, statement, statement_since)
from views.formats import amount_due_fr, amount_fr, balance_fr

FAMILY = "770400070"
FAST_TEMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
KEYS = Path(tempfile.mkdtemp(prefix="pf-bank-key-", dir=FAST_TEMP))  # one simulator RSA key for every example


@contextmanager
def one_family():
    with tempfile.TemporaryDirectory(dir=FAST_TEMP, prefix="pf-figures-") as folder:
        families = Families(DocumentStore(Path(folder)))
        families.create(FAMILY, {"children": []}, "scrypt$unused")
        yield families


def check_figures(ledger) -> None:
    figures = account_figures(ledger)
    invoices = {doc["number"]: doc for doc in ledger.table("invoices").all()}
    remaining = sum(f.remaining_cents for f in figures.invoices.values())
    assert figures.balance_cents == balance_cents(ledger)
    assert figures.balance_cents == remaining - figures.unallocated_credit_cents
    entries = statement(ledger)
    assert (entries[-1]["balance_cents"] if entries else 0) == figures.balance_cents
    assert all(e["debit_cents"] >= 0 and e["credit_cents"] >= 0 for e in entries)
    recent, _ = statement_since(ledger, recent_statement_start(clock.today()))  # the relevé's usual 12 months
    assert (recent[-1]["balance_cents"] if recent else 0) == figures.balance_cents
    if figures.unallocated_credit_cents > 0:
        assert remaining == 0  # credit is left only once every invoice is paid
    for number, figure in figures.invoices.items():
        doc = invoices[number]
        assert (figure.amount_cents, figure.previous_balance_cents, figure.due_at_issue_cents) == \
               (doc["total_cents"], doc["previous_balance_cents"], doc["amount_due_cents"])
        assert 0 <= figure.remaining_cents <= max(0, figure.amount_cents)
        assert figure.state == ("credit_note" if figure.amount_cents < 0 else "paid" if not figure.remaining_cents
                                else "unpaid" if figure.remaining_cents == figure.amount_cents else "partial")
    for words in [balance_fr(figures.balance_cents), *(balance_fr(e["balance_cents"]) for e in entries),
                  *(amount_fr(f.amount_cents) for f in figures.invoices.values()),
                  *(amount_due_fr(f.due_at_issue_cents) for f in figures.invoices.values())]:
        assert "-" not in words, words


@settings(max_examples=150, deadline=None)
@given(operations=ledger_operations(max_size=14), data=st.data())
def test_balance_relevé_and_restes_à_payer_always_agree(operations, data):
    steps = data.draw(days_between(len(operations)), label="days between")
    with one_family() as families:
        apply_operations(families, FAMILY, operations, steps, KEYS)
        check_figures(families.read_ledger(FAMILY))


@pytest.mark.parametrize("cents, words", [(27_345, "273,45\u00a0€ à payer"), (-1_980, "19,80\u00a0€ en crédit"),
                                          (0, "rien à payer"), (123_456, "1\u202f234,56\u00a0€ à payer")])
def test_a_balance_is_said_à_payer_or_en_crédit_never_negative(cents, words):
    assert balance_fr(cents) == words


def test_amounts_of_an_invoice_in_words():
    assert amount_fr(18_660) == "186,60\u00a0€" and amount_fr(-1_980) == "19,80\u00a0€ en crédit"
    assert amount_due_fr(27_345) == "273,45\u00a0€" and amount_due_fr(0) == "rien à payer"
    assert amount_due_fr(-980) == "rien à payer (9,80\u00a0€ en crédit)"


def test_the_demo_martin_case_half_paid_october_and_november_due_then_everything_paid():
    """September 160,80 € paid, October 173,70 € half paid, November 186,60 € unpaid: October has 86,85 € left (not
    the 173,70 € of its amount), November all of it; once the whole balance is paid, every invoice is paid."""
    with one_family() as families:
        for number, period, issued, cents in (("S", "2026-09", "2026-10-01", 16_080), ("O", "2026-10", "2026-11-02", 17_370),
                                              ("N", "2026-11", "2026-12-01", 18_660)):
            add_invoice(families, FAMILY, number=number, period=period, issued_on=issued, due_on=issued[:8] + "25",
                        lines=[invoice_line("Léa", "Restauration scolaire", 1, cents)])
            if number == "S":
                add_payment(families, FAMILY, paid_on="2026-10-20", amount_cents=16_080, method="prelevement")
            if number == "O":
                add_payment(families, FAMILY, paid_on="2026-11-20", amount_cents=8_685, method="prelevement")
        figures = account_figures(families.read_ledger(FAMILY))
        assert [(f.remaining_cents, f.state) for f in figures.invoices.values()] == \
               [(0, "paid"), (8_685, "partial"), (18_660, "unpaid")]
        assert (figures.balance_cents, figures.unallocated_credit_cents) == (27_345, 0)
        assert figures.invoices["N"].due_at_issue_cents == 27_345  # the November invoice as issued: unchanged
        add_payment(families, FAMILY, paid_on="2026-12-02", amount_cents=27_345, method="carte")
        figures = account_figures(families.read_ledger(FAMILY))
        assert [f.state for f in figures.invoices.values()] == ["paid", "paid", "paid"]
        assert figures.invoices["N"].due_at_issue_cents == 27_345
        assert figures.balance_cents == 0 and statement(families.read_ledger(FAMILY))[-1]["balance_cents"] == 0


def test_credit_left_after_an_overpayment_is_unallocated_and_a_reversal_takes_it_back():
    with one_family() as families:
        add_invoice(families, FAMILY, number="A", period="2026-10", issued_on="2026-11-02", due_on="2026-11-25",
                    lines=[invoice_line("Inès", "Accueil de loisirs", 4, 1_200)])
        add_payment(families, FAMILY, paid_on="2026-11-20", amount_cents=6_000, method="cheque")
        figures = account_figures(families.read_ledger(FAMILY))
        assert (figures.balance_cents, figures.unallocated_credit_cents) == (-1_200, 1_200)
        assert figures.invoices["A"].state == "paid"
        reverse_payment(families, FAMILY, 1, reversed_on="2026-11-28", agent="agent")
        figures = account_figures(families.read_ledger(FAMILY))
        assert (figures.balance_cents, figures.unallocated_credit_cents) == (4_800, 0)
        assert (figures.invoices["A"].remaining_cents, figures.invoices["A"].state) == (4_800, "unpaid")
        entries = statement(families.read_ledger(FAMILY))
        assert [(e["debit_cents"], e["credit_cents"]) for e in entries] == [(4_800, 0), (0, 6_000), (6_000, 0)]


def test_a_credit_note_is_a_crédit_on_the_relevé_and_settles_older_invoices():
    with one_family() as families:
        add_invoice(families, FAMILY, number="A", period="2026-10", issued_on="2026-11-02", due_on="2026-11-25",
                    lines=[invoice_line("Léa", "Restauration scolaire", 10, 300)])
        add_invoice(families, FAMILY, number="AV", period="2026-10", issued_on="2026-11-10", due_on="2026-11-25",
                    lines=[invoice_line("Léa", "Absences remboursées", 1, -1_200)])
        ledger = families.read_ledger(FAMILY)
        figures = account_figures(ledger)
        assert (figures.invoices["A"].remaining_cents, figures.invoices["A"].state) == (1_800, "partial")
        assert (figures.invoices["AV"].remaining_cents, figures.invoices["AV"].state) == (0, "credit_note")
        credit_note = statement(ledger)[-1]
        assert (credit_note["label"], credit_note["debit_cents"], credit_note["credit_cents"]) == ("Avoir AV", 0, 1_200)


def test_an_online_payment_of_the_whole_balance_settles_every_invoice(tmp_path):
    from random_ledgers import bank_notification
    from storage.payment.online import record_notification, start_attempt

    with one_family() as families:
        add_invoice(families, FAMILY, number="A", period="2026-10", issued_on="2026-11-02", due_on="2026-11-25",
                    lines=[invoice_line("Léa", "Restauration scolaire", 10, 300)])
        add_payment(families, FAMILY, paid_on="2026-11-20", amount_cents=1_000, method="cheque")
        attempt = start_attempt(families, FAMILY, "parent@example.fr")
        assert attempt["amount_cents"] == 2_000
        message = bank_notification(KEYS, attempt["reference"], 2_000, "00000")
        assert record_notification(families, simulator_gateway(KEYS), message).status == "paid"
        figures = account_figures(families.read_ledger(FAMILY))
        assert figures.balance_cents == 0 and figures.invoices["A"].state == "paid"


def test_the_money_pages_summary_follows_every_write_of_the_ledger_and_is_kept_while_nothing_changes():
    """storage/account_summary.py keeps the home page's and the invoice list's figures per version of the ledger file:
    the same figures as account_figures() after each write, the same object while the file and the window are
    unchanged, the invoices split at the window's first day, at most max_entries families."""
    with one_family() as families:
        summaries = AccountSummaries(families, max_entries=1)
        assert summaries.of(FAMILY, "2026-01-01") == AccountSummary(0, "2026-01-01", (), None, 0)  # no ledger yet
        for number, period, issued, cents in (("S", "2025-09", "2025-10-01", 16_080),
                                              ("O", "2026-10", "2026-11-02", 17_370)):
            add_invoice(families, FAMILY, number=number, period=period, issued_on=issued, due_on=issued[:8] + "25",
                        lines=[invoice_line("Léa", "Restauration scolaire", 1, cents)])
        first = summaries.of(FAMILY, "2026-01-01")
        assert [row.number for row in first.recent] == ["O"] and first.older == 1
        assert (first.balance_cents, first.latest.period, first.latest.due_on, first.latest.figures.state) == \
               (33_450, "2026-10", "2026-11-25", "unpaid")
        assert summaries.of(FAMILY, "2026-01-01") is first  # unchanged file: not read again
        assert [row.number for row in summaries.of(FAMILY, "2025-01-01").recent] == ["O", "S"]  # another window
        for paid_on, cents in (("2026-11-20", 16_080), ("2026-11-21", 17_370)):
            add_payment(families, FAMILY, paid_on=paid_on, amount_cents=cents, method="carte")
            figures = account_figures(families.read_ledger(FAMILY))
            summary = summaries.of(FAMILY, "2025-01-01")
            assert summary.balance_cents == figures.balance_cents
            assert [row.figures for row in summary.recent] == [figures.invoices["O"], figures.invoices["S"]]
        assert summary.balance_cents == 0 and summary.latest.figures.state == "paid"
        families.create("770400080", {"children": []}, "scrypt$unused")
        add_payment(families, "770400080", paid_on="2026-11-20", amount_cents=500, method="carte")
        assert summaries.of("770400080", "2025-01-01").balance_cents == -500
        assert summaries.of(FAMILY, "2025-01-01") is not summary  # one entry kept: the other family's pushed it out
