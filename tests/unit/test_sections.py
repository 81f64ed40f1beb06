"""Sections of the family record: whole-form validation, where values live, targets inside the family only."""
from __future__ import annotations

import copy
from datetime import date

import pytest

from storage.demo import demo_families
from storage.sections import (SECTIONS, clean_rows, clean_section, current_values, find_target, set_values,
                              VACCINATIONS)

TODAY = date(2026, 11, 28)


@pytest.fixture
def record():
    return copy.deepcopy(demo_families()["770400070"])


def parent_form(**changes):
    form = {"title": "Mme", "last_name": "MARTIN", "first_name": "Sophie", "birth_date": "17/04/1986",
            "address1": "12 rue des Écoles", "address2": "", "postcode": "77000", "city": "Démoville",
            "phone_home": "", "phone_mobile": "06 12 34 56 78", "phone_work": "", "email": "sophie@example.fr",
            "profession": "", "employer": ""}
    form.update(changes)
    return form


def person_form(**changes):
    form = {"last_name": "BENALI", "first_name": "Samira", "relationship": "Voisine", "phone_mobile": "0677889900",
            "phone_home": "", "may_pick_up": "1", "children": ["1"]}
    form.update(changes)
    return form


def test_parent_form_is_cleaned(record):
    values, errors = clean_section(SECTIONS["parent1"], parent_form(phone_mobile="+33612345678"), record, TODAY)
    assert errors == {}
    assert values["birth_date"] == "1986-04-17"
    assert values["phone_mobile"] == "06 12 34 56 78"


def test_parent_needs_at_least_one_phone(record):
    _, errors = clean_section(SECTIONS["parent1"], parent_form(phone_mobile=""), record, TODAY)
    assert errors == {"phone_mobile": "Indiquez au moins un numéro de téléphone."}


def test_parent_form_reports_every_bad_field_at_once(record):
    form = parent_form(last_name="", postcode="7700", email="x", birth_date="01/01/2030", title="Dr")
    values, errors = clean_section(SECTIONS["parent1"], form, record, TODAY)
    assert set(errors) == {"last_name", "postcode", "email", "birth_date", "title"}
    assert values["city"] == "Démoville"  # the good values are kept for the form


def test_tax_section(record):
    values, errors = clean_section(SECTIONS["tax"], {"income": "41 250", "parts": "2,5", "year": "2025"}, record)
    assert errors == {}
    assert values == {"income": 41250, "parts": "2,5", "year": 2025}


def test_bank_section_checks_iban_and_bic(record):
    form = {"holder": "Sophie MARTIN", "iban": "FR76 3000 6000 0112 3456 7890 188", "bic": "AGRI"}
    _, errors = clean_section(SECTIONS["bank"], form, record)
    assert set(errors) == {"iban", "bic"}


def test_person_form_is_cleaned(record):
    values, errors = clean_section(SECTIONS["person"], person_form(children=["2", "1"]), record, TODAY)
    assert errors == {}
    assert values["may_pick_up"] is True and values["emergency_contact"] is False
    assert values["children"] == ["2", "1"]
    assert values["phone_mobile"] == "06 77 88 99 00"


def test_person_needs_one_permission_and_one_phone(record):
    form = person_form(may_pick_up="", phone_mobile="")
    _, errors = clean_section(SECTIONS["person"], form, record, TODAY)
    assert "may_pick_up" in errors and "au moins une autorisation" in errors["may_pick_up"]
    assert errors["phone_mobile"] == "Indiquez au moins un numéro de téléphone."


def test_person_children_must_be_the_familys_own(record):
    values, errors = clean_section(SECTIONS["person"], person_form(children=["1", "99"]), record, TODAY)
    assert values["children"] == ["1"]
    assert errors["children"] == "Choisissez parmi vos enfants."


def test_person_single_child_given_as_a_string(record):
    values, errors = clean_section(SECTIONS["person"], person_form(children="2"), record, TODAY)
    assert errors == {} and values["children"] == ["2"]


def test_list_rows_drop_empty_rows_and_check_each_cell():
    form = {"vaccinations_name_0": "DTP", "vaccinations_date_0": "12/03/2024",
            "vaccinations_name_1": "", "vaccinations_date_1": "",
            "vaccinations_name_2": "ROR", "vaccinations_date_2": "31/02/2019",
            "vaccinations_name_3": "", "vaccinations_date_3": "01/01/2020"}
    rows, errors = clean_rows(VACCINATIONS, form, TODAY)
    assert rows[0] == {"name": "DTP", "date": "2024-03-12"}
    assert len(rows) == 3  # the wholly empty row is dropped
    assert set(errors) == {"vaccinations_date_2", "vaccinations_name_3"}
    assert errors["vaccinations_name_3"] == "Ce champ est obligatoire."


def test_child_health_section_reads_lists(record):
    form = {"doctor_name": "Dr Morel", "doctor_phone": "01 64 22 33 44", "pai": "",
            "allergies_allergen_0": "Arachide", "allergies_consequence_0": "Œdème", "allergies_action_0": "15"}
    values, errors = clean_section(SECTIONS["child_health"], form, record, TODAY)
    assert errors == {}
    assert values["allergies"] == [{"allergen": "Arachide", "consequence": "Œdème", "action": "15"}]
    assert values["vaccinations"] == []


def test_find_target_only_inside_the_family(record):
    assert find_target(record, SECTIONS["child_extra"], "1")["first_name"] == "Léa"
    assert find_target(record, SECTIONS["child_extra"], 2)["first_name"] == "Tom"
    assert find_target(record, SECTIONS["child_extra"], "3") is None
    assert find_target(record, SECTIONS["person"], "1")["last_name"] == "DUPONT"
    assert find_target(record, SECTIONS["person"], "2") is None
    assert find_target(record, SECTIONS["tax"], "1") is None


def test_current_values_of_each_kind_of_section(record):
    assert current_values(record, SECTIONS["tax"]) == {"income": 41250, "parts": "3", "year": 2025}
    assert current_values(record, SECTIONS["child_extra"], "1")["class_name"] == "CE2"
    assert current_values(record, SECTIONS["child_health"], "1")["pai"] is True
    assert current_values(record, SECTIONS["child_photo"], "1") == {"photo": None}
    assert current_values(record, SECTIONS["person"], "1")["relationship"] == "Grand-mère"
    assert current_values(record, SECTIONS["child_extra"], "42") is None


def test_current_values_of_absent_parent2_is_empty():
    record = copy.deepcopy(demo_families()["770400080"])
    assert current_values(record, SECTIONS["parent2"]) == {}


def test_current_values_is_a_copy(record):
    values = current_values(record, SECTIONS["tax"])
    values["income"] = 1
    assert record["tax"]["income"] == 41250


def test_set_values_merges_into_the_section(record):
    set_values(record, SECTIONS["tax"], None, {"income": 50000})
    assert record["tax"] == {"income": 50000, "parts": "3", "year": 2025}
    set_values(record, SECTIONS["child_extra"], "2", {"class_name": "Grande section"})
    assert record["children"][1]["extra"]["class_name"] == "Grande section"
    assert record["children"][1]["extra"]["school"] == "École maternelle Les Tilleuls"
    set_values(record, SECTIONS["person"], "1", {"phone_home": "01 02 03 04 05"})
    assert record["persons"][0]["phone_home"] == "01 02 03 04 05"


def test_set_values_on_a_missing_target_refuses(record):
    with pytest.raises(KeyError):
        set_values(record, SECTIONS["child_health"], "9", {"remarks": "x"})
