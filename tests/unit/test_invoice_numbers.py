"""Invoice numbers at a commune's scale: a reservation costs the same after years of invoices, an older
numbers.json is migrated, a crash at any write never lets a number be given twice, odd imported numbers stay
inside the register's folder."""
from __future__ import annotations

import json

import pytest

from storage import documents as documents_module
from storage.counters import Numbers
from storage.documents import DocumentStore, read_raw
from storage.families import Families
from storage.invoice_numbers import shard_name

FAMILY = "770400070"
OTHER = "770400080"
SMALL_WRITE = 40_000  # bytes: one register file (a thousand numbers at most) and the sequences


class Crash(Exception):
    """Stands for the process dying at that instant."""


@pytest.fixture
def documents(tmp_path):
    return DocumentStore(tmp_path)


@pytest.fixture
def families(documents):
    families = Families(documents)
    for family_id in (FAMILY, OTHER):
        families.create(family_id, {"children": []}, "scrypt$unused")
    return families


@pytest.fixture
def writes(monkeypatch):
    """Every file the document store writes, as (path, size in bytes)."""
    seen = []
    real = documents_module.write_atomically

    def spy(path, data):
        seen.append((path, len(data)))
        real(path, data)

    monkeypatch.setattr(documents_module, "write_atomically", spy)
    return seen


def test_a_reservation_writes_a_few_small_files_whatever_the_history(documents, families, writes):
    """numbers.json used to hold every number ever issued and be rewritten whole at each reservation."""
    numbers = Numbers(documents, families)
    numbers.next_invoice_numbers(2026, [FAMILY, OTHER] * 10_000)  # this year's billing runs
    numbers.reserve_invoices({f"2025-{month:02d}{n:05d}": OTHER for month in range(1, 13) for n in range(3_000)})
    writes.clear()  # 56,000 numbers issued: the old numbers.json rewrote 1.7 MB at every reservation
    number = numbers.next_invoice_number(2026, FAMILY)
    assert number == "F2026-020001"
    assert len(writes) == 2 and sum(size for _, size in writes) < SMALL_WRITE, writes
    writes.clear()
    numbers.reserve_invoices({"2026-12000999": FAMILY})  # one imported invoice
    assert len(writes) == 1 and sum(size for _, size in writes) < SMALL_WRITE, writes
    assert numbers.invoice_owner("2025-0702999") == OTHER and numbers.invoice_owner(number) == FAMILY


def test_numbers_json_of_the_older_shape_is_migrated_into_the_register(documents, families, tmp_path):
    old = {"schema": 1, "invoices": {"F2026-000001": FAMILY, "F2026-000002": OTHER, "2026-11001": FAMILY},
           "sequences": {"invoice:2026": 2, "family": 770400090}}
    (tmp_path / "numbers.json").write_text(json.dumps({"numbers": {"1": old}}), encoding="utf-8")
    numbers = Numbers(documents, families)
    assert read_raw(tmp_path / "numbers.json")["numbers"]["1"] == {
        "schema": 1, "sequences": {"invoice:2026": 2, "family": 770400090}}
    for restarted in (numbers, Numbers(DocumentStore(tmp_path), families)):
        assert [restarted.invoice_owner(n) for n in old["invoices"]] == [FAMILY, OTHER, FAMILY]
    assert numbers.next_invoice_number(2026, OTHER) == "F2026-000003"
    with pytest.raises(ValueError, match="2026-11001"):
        numbers.reserve_invoices({"2026-11001": OTHER})


@pytest.mark.parametrize("crash_at", [1, 2], ids=["register", "sequences"])
def test_a_crash_at_any_write_of_a_reservation_never_gives_a_number_twice(documents, families, tmp_path,
                                                                          monkeypatch, crash_at):
    numbers = Numbers(documents, families)
    given = {numbers.next_invoice_number(2026, FAMILY): FAMILY for _ in range(3)}
    real, calls = documents_module.write_atomically, []

    def dies_at_one_write(path, data):
        calls.append(path)
        if len(calls) == crash_at:
            raise Crash(path)
        real(path, data)

    monkeypatch.setattr(documents_module, "write_atomically", dies_at_one_write)
    with pytest.raises(Crash):
        numbers.next_invoice_number(2026, OTHER)
    monkeypatch.undo()
    restarted = Numbers(DocumentStore(tmp_path), families)
    after = {restarted.next_invoice_number(2026, OTHER): OTHER for _ in range(3)}
    assert not set(after) & set(given)
    assert all(restarted.invoice_owner(number) == family for number, family in (given | after).items())


def test_odd_imported_numbers_stay_in_the_register_folder(documents, families, tmp_path):
    numbers = Numbers(documents, families)
    odd = {"../../etc/passwd": FAMILY, "A/B/C/2026.001": OTHER, ".hidden": FAMILY, "F1": OTHER, "f1": FAMILY,
           "Éte-2026-1": OTHER}
    numbers.reserve_invoices(odd)
    assert {n: numbers.invoice_owner(n) for n in odd} == odd
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parent.name == "invoice-numbers"]
    assert sorted(p.name for p in written) == sorted({f"{shard_name(n)}.json" for n in odd})
    assert all(not p.name.startswith(".") for p in written)
    assert {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p.is_file()} == {
        "families", "invoice-numbers"}
