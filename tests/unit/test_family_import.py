"""The family import's rules: reading the files (encodings, separators), bad lines with their numbers, idempotence,
and re-imports that keep what families changed through validated requests."""
from __future__ import annotations

from pathlib import Path

import pytest

from storage.documents import DocumentStore
from storage.exports.csv_file import unneutralised
from storage.family_import.parsing import parse_import
from storage.family_import.preview import build_preview
from storage.family_import.store import awaiting_access, baseline_of, import_family
from storage.families import Families, account_of, record_of
from storage.requests import submit_request, validate_request

from family_import_cases import HEADER, LINES, PERSONS, csv_bytes


@pytest.fixture
def families(tmp_path: Path) -> Families:
    return Families(DocumentStore(tmp_path / "data"))


def run_import(families: Families, raw: bytes, persons: bytes | None = None, overwrite: bool = False) -> dict:
    parsed = parse_import(raw, persons)
    assert parsed.errors == []
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for family in parsed.families.values():
        counts[import_family(families, family, overwrite=overwrite, agent="agent")] += 1
    return counts


@pytest.mark.parametrize("encoding, bom, separator", [("utf-8", False, ";"), ("utf-8", True, ";"),
                                                     ("cp1252", False, ";"), ("utf-8", True, ",")])
def test_files_in_utf8_or_windows_1252_with_either_separator_read_the_same(encoding, bom, separator):
    lines = [line.replace("3 rue de l'Église", '"3, rue de l\'Église"') if separator == "," else line for line in LINES]
    parsed = parse_import(csv_bytes(lines, separator, encoding, bom))
    assert parsed.errors == []
    family = parsed.families["1001"]
    assert family["parent1"]["last_name"] == "Hébert" and family["parent1"]["title"] == "Mme"
    assert family["parent1"]["phone_mobile"] == "06 12 34 56 78"
    assert family["parent2"]["address1"].endswith("rue de l'Église")  # the conjoint takes the responsable's address
    assert [c["values"]["first_name"] for c in family["children"]] == ["Léo", "Zoé"]
    assert family["children"][0]["values"] == {"last_name": "HÉBERT", "first_name": "Léo", "sex": "M",
                                               "birth_date": "2019-05-04"}
    assert family["caf"] == {"qf": 650, "qf_date": "2026-01-01"}
    assert parsed.encodings["familles"] == {"utf-8": "UTF-8 (avec BOM)" if bom else "UTF-8",
                                            "cp1252": "Windows-1252"}[encoding]


def test_every_bad_line_is_reported_with_its_number_and_nothing_is_kept():
    lines = LINES + [
        "1003;Mme;Petit;Lou;2 rue;7700;Melun;123;lou@;;;;;;PETIT;Max;X;31/02/2019;;",
        "abc;Mme;Petit;Lou;2 rue;77000;Melun;;;;;;;;PETIT;Max;M;01/02/2019;;",
        "1001;Madame;Hébert;Anne;3 rue de l'Église;77000;Melun;0699999999;anne@example.fr;M.;Hébert;Noël;650;"
        "01/01/2026;HÉBERT;Max;M;01/01/2020;;",
        "1002;M.;Martin;Paul;1 place du Marché;77190;Dammarie-les-Lys;01 60 00 00 00;;;;;;;MARTIN;Inès;F;03/10/2018;;",
    ]
    parsed = parse_import(csv_bytes(lines))
    by_line = {}
    for name, line, reason in parsed.errors:
        by_line.setdefault(line, []).append(reason)
    assert sorted(by_line) == [5, 6, 7, 8]
    assert any(r.startswith("resp1_code_postal : Le code postal") for r in by_line[5])
    assert any(r.startswith("resp1_tel_portable : Numéro de téléphone invalide") for r in by_line[5])
    assert any(r.startswith("resp1_email : Adresse e-mail invalide") for r in by_line[5])
    assert any(r.startswith("enfant_sexe") for r in by_line[5]) and any(r.startswith("enfant_date_naissance")
                                                                         for r in by_line[5])
    assert by_line[6] == ["famille : numéro « abc » invalide (des chiffres seulement, 12 au plus)"]
    assert "diffèrent de celles de la ligne 2" in by_line[7][0]
    assert "enfant déjà présent à la ligne 4" in by_line[8][0]
    assert build_preview(None, parsed)["created"] == []


def test_foreign_phone_numbers_are_checked_by_phonenumbers():
    ok = LINES[3].replace("01 60 00 00 00", "+32 470 12 34 56")
    bad = LINES[3].replace("01 60 00 00 00", "+32 1").replace("1002", "1004")
    parsed = parse_import(csv_bytes([HEADER, ok, bad]))
    assert parsed.families["1002"]["parent1"]["phone_mobile"] == "+32 470 12 34 56"
    assert [(line, reason[:40]) for _, line, reason in parsed.errors] == [(3, "resp1_tel_portable : Numéro de téléphone")]


def test_missing_columns_quotes_and_encodings_are_refused_in_french():
    assert parse_import(b"famille;nom\n1;x\n").errors[0][:2] == ("familles", 1)
    assert "Colonnes obligatoires absentes" in parse_import(b"famille;nom\n1;x\n").errors[0][2]
    assert "caractères nuls" in parse_import(b"famille\x00;x\n").errors[0][2]
    broken = csv_bytes([HEADER, '1001;"' + "a" * 140_000])
    assert "guillemets" in parse_import(broken).errors[0][2]
    assert parse_import(b"\xef\xbb\xbf" + HEADER.encode() + b"\n\xff\xfe").errors[0][1:] == (
        2, parse_import(b"\xef\xbb\xbf\xff").errors[0][2])
    assert parse_import(b"").errors[0][2] == "Le fichier est vide."


def test_import_creates_families_in_the_storage_shapes_and_twice_changes_nothing(families):
    assert run_import(families, csv_bytes(), PERSONS.encode()) == {"created": 2, "updated": 0, "unchanged": 0}
    db = families.read("1001")
    record, account = record_of(db), account_of(db)
    assert record["family_id"] == "1001" and record["schema"] == 1
    assert record["parent2"]["first_name"] == "Noël" and record["caf"]["qf"] == 650
    assert [(c["id"], c["first_name"], c["extra"]) for c in record["children"]] == [
        (1, "Léo", {"school": "École Jules Ferry", "class_name": "CP"}),
        (2, "Zoé", {"school": "École Jules Ferry", "class_name": "CE2"})]
    assert record["persons"][0]["children"] == ["1"] and record["persons"][0]["may_pick_up"] is True
    assert account["password_hash"] == "" and awaiting_access(db)
    before = {path.name: path.read_bytes() for path in families.folder.iterdir()}
    assert run_import(families, csv_bytes(), PERSONS.encode()) == {"created": 0, "updated": 0, "unchanged": 2}
    assert {path.name: path.read_bytes() for path in families.folder.iterdir()} == before


def test_a_newer_export_updates_but_keeps_what_the_family_changed_through_a_validated_request(families):
    run_import(families, csv_bytes(), PERSONS.encode())
    parent = record_of(families.read("1001"))["parent1"]
    request_id = submit_request(families, "1001", "parent1", dict(parent, phone_mobile="07 00 00 00 01"))
    validate_request(families, "1001", request_id, "agent")
    newer = [line.replace("CP", "CE1").replace("650", "700") for line in LINES]  # the back-office moved on
    parsed = parse_import(csv_bytes(newer))
    preview = build_preview(families, parsed)
    kept = {k["family_id"]: k["kept"] for k in preview["kept"]}
    assert kept == {"1001": [["Responsable : Téléphone portable", "07 00 00 00 01", "06 12 34 56 78"]]}
    changed = {u["family_id"]: u["changes"] for u in preview["updated"]}
    assert ["Enfant Léo HÉBERT : Classe", "CP", "CE1"] in changed["1001"]
    assert ["C.A.F. : Quotient familial (€)", "650\u00a0€", "700\u00a0€"] in changed["1001"]
    assert run_import(families, csv_bytes(newer)) == {"created": 0, "updated": 1, "unchanged": 1}
    record = record_of(families.read("1001"))
    assert record["parent1"]["phone_mobile"] == "07 00 00 00 01"
    assert record["children"][0]["extra"]["class_name"] == "CE1" and record["caf"]["qf"] == 700
    audit = families.read("1001").table("audit").all()
    assert any(a["action"] == "import" and a["section"] == "caf" for a in audit)
    # The agent chooses to overwrite: the file's value wins, and the baseline follows.
    assert run_import(families, csv_bytes(newer), overwrite=True) == {"created": 0, "updated": 1, "unchanged": 1}
    assert record_of(families.read("1001"))["parent1"]["phone_mobile"] == "06 12 34 56 78"
    assert baseline_of(families.read("1001"))["values"]["parent1.phone_mobile"] == "06 12 34 56 78"


def test_children_and_persons_are_matched_across_imports_and_new_ones_added(families):
    run_import(families, csv_bytes(), PERSONS.encode())
    more = LINES + [LINES[1].replace("Léo;Garçon;04/05/2019", "Mia;F;01/09/2021")]
    persons = PERSONS + "1001;Durand;Marc;Voisin;06 22 33 44 55;oui;oui;\n"
    parsed = parse_import(csv_bytes(more), persons.encode())
    changes = {u["family_id"]: [c[0] for c in u["changes"]] for u in build_preview(families, parsed)["updated"]}
    assert changes == {"1001": ["Enfant ajouté", "Personne autorisée ajoutée"]}
    run_import(families, csv_bytes(more), persons.encode())
    record = record_of(families.read("1001"))
    assert [(c["id"], c["first_name"]) for c in record["children"]] == [(1, "Léo"), (2, "Zoé"), (3, "Mia")]
    assert [(p["id"], p["last_name"], p["children"]) for p in record["persons"]] == [
        (1, "Dupont", ["1"]), (2, "Durand", ["1", "2", "3"])]


def test_persons_file_lines_are_checked_against_the_families_file():
    persons = (PERSONS + "9999;Durand;Marc;Voisin;06 22 33 44 55;oui;oui;\n"
               "1001;Durand;Marc;Voisin;;peut-être;non;Tom\n")
    parsed = parse_import(csv_bytes(), persons.encode())
    errors = [(name, line, reason.split(" :")[0]) for name, line, reason in parsed.errors]
    assert ("personnes", 3, "famille") in errors
    assert {("personnes", 4, "peut_venir_chercher"), ("personnes", 4, "enfants"),
            ("personnes", 4, "tel_portable")} <= set(errors)


def test_an_import_interrupted_by_a_restart_can_be_confirmed_again_and_ends_the_same(tmp_path):
    from storage.family_import.jobs import FamilyImports
    from storage.mail.outbox import Outbox
    data = tmp_path / "data"
    families = Families(DocumentStore(data))
    imports = FamilyImports(data, families, Outbox(data / "outbox"))
    parsed = parse_import(csv_bytes(), PERSONS.encode())
    token = imports.save_preview(parsed.families, build_preview(families, parsed), "agent")
    assert imports.queue_import(token, overwrite=False, agent="agent")
    assert not imports.queue_import(token, overwrite=False, agent="agent")  # a second confirmation does nothing
    import_family(families, parsed.families["1001"], overwrite=False, agent="agent")  # the crash came after one family
    restarted = FamilyImports(data, families, Outbox(data / "outbox"))  # the queued run was lost with the process
    assert restarted.state(token)["status"] == "interrupted"
    assert restarted.queue_import(token, overwrite=False, agent="agent") and restarted.run_queued() == 1
    state = restarted.state(token)
    assert (state["status"], state["created"], state["unchanged"], state["done"]) == ("done", 1, 1, 2)
    assert [u["status"] for u in restarted.recent()] == ["done"]
    assert restarted.upload(token)["families"] == {}  # imported: the upload keeps its preview, not the data


def test_two_access_runs_give_each_family_one_access(tmp_path):
    from storage.family_import.access import hand_over
    from storage.mail.outbox import Outbox
    data = tmp_path / "data"
    families = Families(DocumentStore(data))
    outbox = Outbox(data / "outbox")
    run_import(families, csv_bytes())
    first = hand_over(families, ["1001", "1002"], outbox, lambda token: "https://portail.test/" + token, {})
    again = hand_over(families, ["1001", "1002"], outbox, lambda token: "https://portail.test/" + token, {})
    assert (first.mailed, [letter[0] for letter in first.letters]) == (["1001"], ["1002"])
    assert (again.mailed, again.letters) == ([], [])
    assert outbox.counts()["pending"] == 1
    account = account_of(families.read("1002"))
    assert account["temporary_password"] and account["password_hash"].startswith("scrypt$")
    assert not awaiting_access(families.read("1001")) and account_of(families.read("1001"))["password_link"]


def test_a_cell_our_export_neutralised_reads_back_as_typed():
    """The exports put an apostrophe before a text a spreadsheet would take for a formula (storage/exports/csv_file.py):
    a foreign number exported as '+32 … imports as +32 …, and an apostrophe that neutralises nothing stays."""
    exported = LINES[3].replace("01 60 00 00 00", "'+32 470 12 34 56")
    parsed = parse_import(csv_bytes([HEADER, exported]))
    assert parsed.errors == []
    assert parsed.families["1002"]["parent1"]["phone_mobile"] == "+32 470 12 34 56"
    assert unneutralised("'=1+1") == "=1+1" and unneutralised("'O'Neil") == "'O'Neil" and unneutralised("'") == "'"
