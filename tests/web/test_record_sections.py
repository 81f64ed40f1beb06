"""Mes informations through the web: each section's change becomes one pending request, bad input is
refused next to its field with the typed values kept, and Mes demandes lists and withdraws requests.
"""
from __future__ import annotations


import pytest
from bs4 import BeautifulSoup
from webtest import TestApp
from webtest.forms import File

from helpers import csrf_from as csrf
from helpers import logged_in as log_in
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT

FAMILY_A = "770400070"  # Sophie and Karim MARTIN, children 1 (Léa) and 2 (Tom), person 1
FAMILY_B = "770400080"  # Nadia ABDEL, no conjoint
# A change of bank details needs the RIB (Paramètres › Pièces justificatives, required by default).
RIB = {"piece-rib-releve-d-identite-bancaire": [("rib.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")]}


# --- helpers ---------------------------------------------------------------------------------------

def family_client(app, family_id: str = FAMILY_A) -> TestApp:
    return log_in(app, family_id, DEMO_ACCOUNTS[family_id])


def agent_client(app) -> TestApp:
    return log_in(app, *DEMO_AGENT, agent=True)


def form_of(page, action: str):
    """The WebTest form of a page that posts to action."""
    for form in page.forms.values():
        if form.action == action:
            return form
    raise AssertionError(f"no form posting to {action}")


def fill(form, values: dict) -> None:
    """Type values into a WebTest form; 'children' is the list of checked child ids."""
    for name, value in values.items():
        if name == "children":
            for box in form.fields.get("children", []):
                box.checked = box._value in value
        else:
            form[name] = value


def submit_form(client: TestApp, url: str, values: dict):
    """Open the form at url, type values, submit it; returns the answer (not followed)."""
    form = form_of(client.get(url), url)
    fill(form, values)
    return form.submit(status="*")


def posted(form) -> dict:
    """name -> sorted non-empty values that the form would post (what the user sees typed/checked)."""
    values: dict = {}
    for name, value in form.submit_fields():
        if name != "csrf_token" and value not in ("", None) and not isinstance(value, File):  # files are never kept
            values.setdefault(name, []).append(value)
    return {name: sorted(v) for name, v in values.items()}


def requests_of(app, family_id: str) -> list:
    return app.portal.families.read(family_id).table("requests").all()


def pending_of(app, family_id: str) -> list:
    return [r for r in requests_of(app, family_id) if r["status"] == "pending"]


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def shown_rows(html: str, scope_id: str | None = None) -> dict:
    """label -> (current value, pending value or None) of the data lists of a section page."""
    soup = BeautifulSoup(html, "html.parser")
    if scope_id:
        soup = soup.find(id=scope_id).find_parent(["section", "article"])
    rows = {}
    for item in soup.select("dl.data-list > div"):
        dd = item.find("dd")
        pending = dd.find("span", class_="pending-value")
        if pending is not None:
            pending.extract()
            pending = " ".join(pending.get_text(" ").split())
            pending = pending.removeprefix("Demandé :").removesuffix("en attente").strip()
        rows[text(item.find("dt"))] = (text(dd), pending)
    return rows


def field_error(html: str, name: str) -> str:
    """The error text shown inside the field's own block (f-name for fields, name for list rows)."""
    soup = BeautifulSoup(html, "html.parser")
    block = soup.find(id=f"f-{name}-field") or soup.find(id=f"{name}-field")
    assert block is not None, f"no field block for {name}"
    error = block.find(class_="error-text")
    assert error is not None, f"no error shown next to {name}"
    control = block.find(["input", "select", "textarea"])
    assert control.get("aria-invalid") == "true"
    return text(error)


def norm(value: str) -> str:
    return " ".join(value.split())


def validate_as_agent(app, family_id: str, request_id: int) -> None:
    agent = agent_client(app)
    page = agent.get(f"/agent/demandes/{family_id}")
    answer = agent.post(f"/agent/demandes/{family_id}/{request_id}/valider", {"csrf_token": csrf(page)})
    assert answer.status_int == 303


# --- each section: a valid change ------------------------------------------------------------------

# (id, family, section page, edit form, typed values, section key, target id,
#  requested values as stored, label -> (current, requested) as the section page shows them)
VALID_CHANGES = [
    ("responsable", FAMILY_A, "/mes-informations/responsable", "/mes-informations/responsable/modifier",
     {"email": "sophie.new@example.fr", "profession": "Cadre de santé"}, "parent1", None,
     {"email": "sophie.new@example.fr", "profession": "Cadre de santé"},
     {"E-mail": ("sophie.martin@example.fr", "sophie.new@example.fr"), "Profession": ("Infirmière", "Cadre de santé")}),
    ("conjoint", FAMILY_A, "/mes-informations/conjoint", "/mes-informations/conjoint/modifier",
     {"phone_work": "01.60.99.88.77", "employer": "Transports Dupuis & Fils"}, "parent2", None,
     {"phone_work": "01 60 99 88 77", "employer": "Transports Dupuis & Fils"},
     {"Téléphone travail": ("—", "01 60 99 88 77"),
      "Employeur": ("Transports Dupuis", "Transports Dupuis & Fils")}),
    ("conjoint-ajout", FAMILY_B, "/mes-informations/conjoint", "/mes-informations/conjoint/modifier",
     {"title": "M.", "last_name": "ABDEL", "first_name": "Rachid", "birth_date": "1988-05-04",
      "address1": "4 allée des Cerisiers", "postcode": "77000", "city": "Démoville", "phone_mobile": "0611223344",
      "email": "rachid.abdel@example.fr", "profession": "Électricien"}, "parent2", None,
     {"title": "M.", "last_name": "ABDEL", "first_name": "Rachid", "birth_date": "1988-05-04",
      "address1": "4 allée des Cerisiers", "postcode": "77000", "city": "Démoville", "phone_mobile": "06 11 22 33 44",
      "email": "rachid.abdel@example.fr", "profession": "Électricien"},
     {"Prénom": ("—", "Rachid"), "Date de naissance": ("—", "04/05/1988"),
      "Téléphone portable": ("—", "06 11 22 33 44")}),
    ("donnees-fiscales", FAMILY_A, "/mes-informations/donnees-fiscales", "/mes-informations/donnees-fiscales/modifier",
     {"income": "45 000", "parts": "3.5"}, "tax", None, {"income": 45000, "parts": "3,5"},
     {"Revenu fiscal de référence (€)": ("41 250 €", "45 000 €"), "Nombre de parts": ("3", "3,5")}),
    ("caf", FAMILY_A, "/mes-informations/caf", "/mes-informations/caf/modifier",
     {"regime": "MSA", "number": "998 877", "qf": "810", "qf_date": "2026-09-01"}, "caf", None,
     {"regime": "MSA", "number": "998877", "qf": 810, "qf_date": "2026-09-01"},
     {"Régime": ("CAF", "MSA"), "Numéro d'allocataire": ("1234567", "998877"),
      "Quotient familial (€)": ("780 €", "810 €"),
      "Date du quotient familial": ("01/01/2026", "01/09/2026")}),
    ("coordonnees-bancaires", FAMILY_A, "/mes-informations/coordonnees-bancaires",
     "/mes-informations/coordonnees-bancaires/modifier",
     {"holder": "Karim MARTIN", "iban": "fr1420041010050500013m02606", "bic": "psstfrpppar", **RIB}, "bank", None,
     {"holder": "Karim MARTIN", "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR"},
     {"Titulaire du compte": ("Sophie MARTIN", "Karim MARTIN"),
      "IBAN": ("•" * 23 + "0189", "•" * 23 + "2606"), "BIC": ("AGRIFRPP", "PSSTFRPPPAR")}),
    ("enfant-complementaires", FAMILY_A, "/mes-informations/enfants/2", "/mes-informations/enfants/2/complementaires",
     {"class_name": "Grande section", "diet": "vegetarien", "may_leave_alone": True}, "child_extra", 2,
     {"class_name": "Grande section", "diet": "vegetarien", "may_leave_alone": True},
     {"Classe": ("Moyenne section", "Grande section"), "Régime alimentaire": ("Standard", "Végétarien"),
      "Autorisation de rentrer sans adulte": ("Non", "Oui")}),
    ("enfant-sanitaires", FAMILY_A, "/mes-informations/enfants/1", "/mes-informations/enfants/1/sanitaires",
     {"doctor_phone": "01 64 22 33 55", "vaccinations_name_2": "BCG", "vaccinations_date_2": "2025-01-15",
      "allergies_allergen_1": "Pollen", "allergies_consequence_1": "Rhinite",
      "allergies_action_1": "Antihistaminique"}, "child_health", 1,
     {"doctor_phone": "01 64 22 33 55",
      "vaccinations": [{"name": "DTP", "date": "2018-08-21"}, {"name": "ROR", "date": "2019-06-22"},  # Léa: 21/06/2018
                       {"name": "BCG", "date": "2025-01-15"}],
      "allergies": [{"allergen": "Arachide", "consequence": "Œdème, gêne respiratoire",
                     "action": "Appeler le 15, stylo d'adrénaline dans le sac"},
                    {"allergen": "Pollen", "consequence": "Rhinite", "action": "Antihistaminique"}]},
     {"Téléphone du médecin": ("01 64 22 33 44", "01 64 22 33 55"),
      "Vaccinations": ("DTP, 21/08/2018 ; ROR, 22/06/2019",
                       "DTP, 21/08/2018 ; ROR, 22/06/2019 ; BCG, 15/01/2025")}),
]


@pytest.mark.parametrize("case", VALID_CHANGES, ids=[c[0] for c in VALID_CHANGES])
def test_valid_change_creates_one_pending_request_and_agent_validation_applies_it(demo_app, case):
    _, family_id, page_url, edit_url, typed, section_key, target_id, requested, shown = case
    client = family_client(demo_app, family_id)
    record_before = demo_app.portal.families.record(family_id)
    requests_before = requests_of(demo_app, family_id)

    answer = submit_form(client, edit_url, typed)

    assert answer.status_int == 303 and answer.location.endswith(page_url)
    assert "transmise à la mairie" in answer.follow().text
    assert demo_app.portal.families.record(family_id) == record_before
    new = [r for r in requests_of(demo_app, family_id) if r.doc_id not in {o.doc_id for o in requests_before}]
    assert len(new) == 1
    request = new[0]
    assert (request["status"], request["section"], request["target_id"]) == ("pending", section_key, target_id)
    assert {c["field"]: c["after"] for c in request["changes"]} == requested
    rows = shown_rows(client.get(page_url).text)
    for label, (current, pending) in shown.items():
        assert rows[label] == (norm(current), norm(pending)), label

    validate_as_agent(demo_app, family_id, request.doc_id)

    rows = shown_rows(client.get(page_url).text)
    for label, (_, pending) in shown.items():
        assert rows[label] == (norm(pending), None), label
    demandes = BeautifulSoup(client.get("/mes-demandes").text, "html.parser")
    assert "Validée" in text(demandes.find(id=f"demande-{request.doc_id}"))


def test_bank_details_show_only_the_last_four_iban_characters(demo_app):
    client = family_client(demo_app)
    submit_form(client, "/mes-informations/coordonnees-bancaires/modifier",
                {"iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR", **RIB})
    for url in ("/mes-informations/coordonnees-bancaires", "/mes-demandes"):
        page = client.get(url).text
        compact = page.replace(" ", "")
        for iban in ("FR7630006000011234567890189", "FR1420041010050500013M02606"):
            assert iban[:-4] not in compact, url
            assert iban[-4:] in compact, url


def test_family_without_conjoint_is_offered_to_add_one(demo_app):
    client = family_client(demo_app, FAMILY_B)
    page = client.get("/mes-informations/conjoint")
    assert "Aucun conjoint renseigné." in page.text
    assert page.html.find("a", href="/mes-informations/conjoint/modifier").get_text(strip=True) == "Ajouter un conjoint"
    form = form_of(client.get("/mes-informations/conjoint/modifier"), "/mes-informations/conjoint/modifier")
    assert posted(form) == {}


# --- authorised persons ----------------------------------------------------------------------------

NEW_PERSON = {"last_name": "Durand", "first_name": "Paul", "relationship": "Voisin", "phone_mobile": "06 70 80 90 10",
              "may_pick_up": True, "children": ["2"]}


def test_adding_a_person_is_a_pending_request_until_the_agent_validates_it(demo_app):
    client = family_client(demo_app)
    record_before = demo_app.portal.families.record(FAMILY_A)

    answer = submit_form(client, "/mes-informations/personnes/ajouter", NEW_PERSON)

    assert answer.status_int == 303 and answer.location.endswith("/mes-informations/personnes")
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    request = requests_of(demo_app, FAMILY_A)[-1]
    assert (request["section"], request["action"], request["status"]) == ("person", "add", "pending")
    assert {c["field"]: c["after"] for c in request["changes"]} == {
        "last_name": "Durand", "first_name": "Paul", "relationship": "Voisin", "phone_mobile": "06 70 80 90 10",
        "may_pick_up": True, "children": ["2"]}
    assert "Ajout demandé : Paul DURAND" in text(client.get("/mes-informations/personnes").html)

    validate_as_agent(demo_app, FAMILY_A, request.doc_id)

    persons = demo_app.portal.families.record(FAMILY_A)["persons"]
    assert [p["id"] for p in persons] == [1, 2]
    assert persons[1]["last_name"] == "Durand" and persons[1]["children"] == ["2"]
    page = client.get("/mes-informations/personnes")
    assert "Ajout demandé" not in page.text
    rows = shown_rows(page.text, "p-2")
    assert rows["Enfants concernés"] == ("Tom MARTIN", None)
    assert rows["Lien de parenté"] == ("Voisin", None)


def test_modifying_a_person_shows_the_pending_values_in_its_card(demo_app):
    client = family_client(demo_app)
    record_before = demo_app.portal.families.record(FAMILY_A)

    answer = submit_form(client, "/mes-informations/personnes/1/modifier",
                         {"phone_mobile": "06 55 44 33 11", "emergency_contact": False, "children": ["1"]})

    assert answer.status_int == 303
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    (request,) = [r for r in pending_of(demo_app, FAMILY_A) if r["section"] == "person"]
    assert (request["action"], request["target_id"]) == ("update", 1)
    assert {c["field"]: (c["before"], c["after"]) for c in request["changes"]} == {
        "phone_mobile": ("06 55 44 33 22", "06 55 44 33 11"), "emergency_contact": (True, False),
        "children": (["1", "2"], ["1"])}
    rows = shown_rows(client.get("/mes-informations/personnes").text, "p-1")
    assert rows["Téléphone portable"] == ("06 55 44 33 22", "06 55 44 33 11")
    assert rows["À appeler en cas d'urgence"] == ("Oui", "Non")
    assert rows["Enfants concernés"] == ("Léa MARTIN, Tom MARTIN", "Léa MARTIN")


def test_removing_a_person_asks_for_confirmation_then_stores_a_removal_request(demo_app):
    client = family_client(demo_app)
    record_before = demo_app.portal.families.record(FAMILY_A)
    page = client.get("/mes-informations/personnes/1/retirer")
    assert "Retirer Jeanne DUPONT ?" in text(page.html)

    answer = form_of(page, "/mes-informations/personnes/1/retirer").submit(status="*")

    assert answer.status_int == 303
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    (request,) = [r for r in pending_of(demo_app, FAMILY_A) if r["section"] == "person"]
    assert (request["action"], request["target_id"], request["target_label"]) == ("remove", 1, "Jeanne DUPONT")
    assert "Retrait demandé, en attente de validation." in client.get("/mes-informations/personnes").text

    validate_as_agent(demo_app, FAMILY_A, request.doc_id)

    assert demo_app.portal.families.record(FAMILY_A)["persons"] == []
    assert "Aucune personne autorisée" in client.get("/mes-informations/personnes").text


def test_removing_a_vaccination_row_is_requested_as_the_shorter_list(demo_app):
    client = family_client(demo_app)
    answer = submit_form(client, "/mes-informations/enfants/2/sanitaires",
                         {"vaccinations_name_1": "", "vaccinations_date_1": ""})
    assert answer.status_int == 303
    (request,) = [r for r in pending_of(demo_app, FAMILY_A) if r["section"] == "child_health"]
    assert request["changes"] == [{"field": "vaccinations", "label": "Vaccinations",  # Tom, born on 09/02/2022
                                   "before": [{"name": "DTP", "date": "2022-04-11"}, {"name": "ROR", "date": "2023-02-10"}],
                                   "after": [{"name": "DTP", "date": "2022-04-11"}]}]


# --- invalid input ---------------------------------------------------------------------------------

RESPONSABLE = "/mes-informations/responsable/modifier"
BANK = "/mes-informations/coordonnees-bancaires/modifier"
TAX = "/mes-informations/donnees-fiscales/modifier"

# (id, family, form url, typed values (one bad, others good and changed), bad field, words of the message)
INVALID_INPUTS = [
    ("email", FAMILY_A, RESPONSABLE, {"email": "sophie.martin@", "profession": "Cadre de santé"}, "email",
     "Adresse e-mail invalide"),
    ("phone", FAMILY_A, RESPONSABLE, {"phone_mobile": "12 34 5", "employer": "Clinique du Parc"}, "phone_mobile",
     "Numéro de téléphone invalide"),
    ("postcode", FAMILY_A, RESPONSABLE, {"postcode": "7700", "city": "Autreville"}, "postcode",
     "Le code postal comporte 5 chiffres"),
    ("future-birth-date", FAMILY_A, RESPONSABLE, {"birth_date": "2999-01-01", "first_name": "Sophia"}, "birth_date",
     "ne peut pas être dans le futur"),
    ("required-name", FAMILY_A, RESPONSABLE, {"last_name": "", "address2": "Bâtiment B"}, "last_name",
     "Ce champ est obligatoire"),
    ("conjoint-email", FAMILY_A, "/mes-informations/conjoint/modifier", {"email": "karim at example.fr",
                                                                          "profession": "Chef d'équipe"},
     "email", "Adresse e-mail invalide"),
    ("iban-checksum", FAMILY_A, BANK, {"iban": "FR76 3000 6000 0112 3456 7890 188", "holder": "Karim MARTIN"}, "iban",
     "IBAN invalide"),
    ("bic", FAMILY_A, BANK, {"bic": "AGRI", "holder": "Karim MARTIN"}, "bic", "BIC invalide"),
    ("caf-number", FAMILY_A, "/mes-informations/caf/modifier", {"number": "12AB34", "qf": "810"}, "number",
     "Numéro d'allocataire invalide"),
    ("income", FAMILY_A, TAX, {"income": "abc", "year": "2024"}, "income", "nombre entier"),
    ("parts", FAMILY_A, TAX, {"parts": "0", "income": "50000"}, "parts", "Nombre de parts invalide"),
    ("person-phone", FAMILY_A, "/mes-informations/personnes/ajouter", dict(NEW_PERSON, phone_mobile="06 12"),
     "phone_mobile", "Numéro de téléphone invalide"),
    ("person-no-authorisation", FAMILY_A, "/mes-informations/personnes/ajouter", dict(NEW_PERSON, may_pick_up=False),
     "may_pick_up", "Cochez au moins une autorisation"),
    ("child-extra-too-long", FAMILY_A, "/mes-informations/enfants/1/complementaires",
     {"class_name": "C" * 41, "school": "École Victor Hugo"}, "class_name", "40 caractères au plus"),
    ("vaccination-date", FAMILY_A, "/mes-informations/enfants/1/sanitaires",
     {"vaccinations_name_2": "BCG", "vaccinations_date_2": "31/02/2024", "doctor_name": "Dr Martin"},
     "vaccinations_date_2", "Date invalide"),
    ("vaccination-before-birth", FAMILY_A, "/mes-informations/enfants/2/sanitaires",  # Tom, born on 09/02/2022
     {"vaccinations_name_2": "BCG", "vaccinations_date_2": "02/05/2019", "doctor_name": "Dr Martin"},
     "vaccinations_date_2", "La date de vaccination ne peut pas précéder la naissance de l'enfant (09/02/2022)."),
    ("vaccination-in-the-future", FAMILY_A, "/mes-informations/enfants/2/sanitaires",  # the clock says 02/12/2026
     {"vaccinations_name_2": "Grippe", "vaccinations_date_2": "03/12/2026", "remarks": "Lunettes"},
     "vaccinations_date_2", "La date de vaccination ne peut pas être dans le futur."),
    ("allergy-without-allergen", FAMILY_A, "/mes-informations/enfants/1/sanitaires",
     {"allergies_consequence_1": "Urticaire", "allergies_action_1": "Appeler les parents", "remarks": "Lunettes"},
     "allergies_allergen_1", "Ce champ est obligatoire"),
    ("doctor-phone", FAMILY_A, "/mes-informations/enfants/2/sanitaires",
     {"doctor_phone": "+44 20 79", "treatments": "Ventoline\nle matin"}, "doctor_phone",
     "Numéro de téléphone invalide"),
]


@pytest.mark.parametrize("case", INVALID_INPUTS, ids=[c[0] for c in INVALID_INPUTS])
def test_invalid_input_is_explained_next_to_the_field_keeps_typed_values_and_stores_nothing(demo_app, case):
    _, family_id, url, typed, bad_field, message = case
    client = family_client(demo_app, family_id)
    record_before = demo_app.portal.families.record(family_id)
    requests_before = requests_of(demo_app, family_id)
    form = form_of(client.get(url), url)
    fill(form, typed)

    answer = form.submit(status="*")

    assert answer.status_int == 200
    assert message in field_error(answer.text, bad_field)
    assert "Rien n'a été enregistré" in answer.text
    assert posted(form_of(answer, url)) == posted(form), "every typed value is shown again"
    assert demo_app.portal.families.record(family_id) == record_before
    assert requests_of(demo_app, family_id) == requests_before


# --- nothing changed -------------------------------------------------------------------------------

UNCHANGED_FORMS = [
    "/mes-informations/responsable/modifier",
    "/mes-informations/conjoint/modifier",
    "/mes-informations/donnees-fiscales/modifier",
    "/mes-informations/caf/modifier",
    "/mes-informations/coordonnees-bancaires/modifier",
    "/mes-informations/personnes/1/modifier",
    "/mes-informations/enfants/1/complementaires",
    "/mes-informations/enfants/1/sanitaires",
]


@pytest.mark.parametrize("url", UNCHANGED_FORMS)
def test_a_submission_that_changes_nothing_is_refused_politely(demo_app, url):
    client = family_client(demo_app)
    requests_before = requests_of(demo_app, FAMILY_A)

    answer = submit_form(client, url, {})

    assert answer.status_int == 200
    refusal = answer.html.find(id="form-errors")
    assert refusal is not None and "Aucune modification" in text(refusal)
    assert requests_of(demo_app, FAMILY_A) == requests_before


def test_a_change_with_only_different_spacing_or_case_is_not_a_change(demo_app):
    client = family_client(demo_app)
    answer = submit_form(client, "/mes-informations/coordonnees-bancaires/modifier",
                         {"iban": "fr76300060000112345678901 89", "bic": "agrifrpp", "holder": "  Sophie   MARTIN "})
    assert answer.status_int == 200 and "Aucune modification" in answer.text
    assert len(requests_of(demo_app, FAMILY_A)) == 1  # only the demo's own request


# --- Mes demandes ----------------------------------------------------------------------------------

def test_mes_demandes_lists_requests_newest_first_with_what_changes(demo_app):
    client = family_client(demo_app)
    submit_form(client, TAX, {"income": "42000"})
    submit_form(client, "/mes-informations/caf/modifier", {"qf": "800"})

    page = client.get("/mes-demandes")

    cards = page.html.select("article.request-card")
    assert [c["id"] for c in cards] == ["demande-3", "demande-2", "demande-1"]
    assert "C.A.F." in text(cards[0].h2) and "Données fiscales" in text(cards[1].h2)
    assert "Responsable" in text(cards[2].h2)
    for card in cards:
        assert "En attente" in text(card)
    cells = [text(td) for td in cards[1].select("tbody td")]
    assert cells == [norm("41 250 €"), norm("42 000 €")]


def test_withdrawing_a_request_asks_for_confirmation_first(demo_app):
    """Retirer leads to a page (a plain link, so without JavaScript too) that shows the request and changes nothing;
    only its form withdraws, and Ne pas retirer goes back."""
    client = family_client(demo_app)
    page = client.get("/mes-demandes")
    before = requests_of(demo_app, FAMILY_A)
    assert page.html.find("form", action="/mes-demandes/1/retirer") is None

    confirmation = page.click(href="^/mes-demandes/1/retirer$")

    assert requests_of(demo_app, FAMILY_A) == before
    assert "Retirer cette demande ?" in text(confirmation.html.h1)
    assert "Téléphone portable" in text(confirmation.html.find(id="demande-1"))
    assert confirmation.html.find("form", action="/mes-demandes/1/retirer") is not None
    assert confirmation.html.find("a", string="Ne pas retirer")["href"].startswith("/mes-demandes")


def test_confirming_the_withdrawal_of_a_decided_or_unknown_request(demo_app):
    client = family_client(demo_app)
    client.post("/mes-demandes/1/retirer", {"csrf_token": csrf(client.get("/mes-demandes"))})

    decided = client.get("/mes-demandes/1/retirer", status="*")
    assert decided.status_int == 303 and "déjà été traitée" in decided.follow().text

    assert client.get("/mes-demandes/99/retirer", status="*").status_int == 404


def test_family_withdraws_a_pending_request_once(demo_app):
    client = family_client(demo_app)
    page = client.get("/mes-demandes/1/retirer")
    record_before = demo_app.portal.families.record(FAMILY_A)

    answer = form_of(page, "/mes-demandes/1/retirer").submit(status="*")

    assert answer.status_int == 303 and answer.location.endswith("/mes-demandes")
    after = answer.follow()
    assert "Votre demande a été retirée." in after.text
    assert "Retirée" in text(after.html.find(id="demande-1"))
    assert after.html.find("a", href="/mes-demandes/1/retirer") is None
    assert requests_of(demo_app, FAMILY_A)[0]["status"] == "withdrawn"
    assert demo_app.portal.families.record(FAMILY_A) == record_before
    assert shown_rows(client.get("/mes-informations/responsable").text)["Téléphone portable"] == ("06 12 34 56 78", None)

    second = client.post("/mes-demandes/1/retirer", {"csrf_token": csrf(after)}, status="*")

    assert second.status_int == 303
    assert "déjà été traitée" in second.follow().text
    assert requests_of(demo_app, FAMILY_A)[0]["status"] == "withdrawn"


def test_withdrawing_an_unknown_request_is_not_found(demo_app):
    client = family_client(demo_app)
    answer = client.post("/mes-demandes/99/retirer", {"csrf_token": csrf(client.get("/mes-demandes"))}, status="*")
    assert answer.status_int == 404
    assert "Page introuvable" in answer.text


def test_family_sees_cancellation_reason_in_mes_demandes(demo_app):
    client = family_client(demo_app)
    agent = agent_client(demo_app)
    page = agent.get(f"/agent/demandes/{FAMILY_A}")
    agent.post(f"/agent/demandes/{FAMILY_A}/1/annuler", {"csrf_token": csrf(page), "motif": "Numéro déjà utilisé"})

    card = client.get("/mes-demandes").html.find(id="demande-1")

    assert "Annulée" in text(card)
    assert "Motif de la mairie : Numéro déjà utilisé" in text(card)
    assert card.find("form") is None
    assert shown_rows(client.get("/mes-informations/responsable").text)["Téléphone portable"] == ("06 12 34 56 78", None)


def test_a_quotient_familial_of_zero_can_be_requested_where_none_was_known(demo_app):
    from storage.families import RECORD_ID, record_of

    with demo_app.portal.families.transaction("770400090") as db:
        record = record_of(db)
        record["caf"]["qf"] = None
        db.table("record").update(record, doc_ids=[RECORD_ID])
    client = family_client(demo_app, "770400090")

    answer = submit_form(client, "/mes-informations/caf/modifier", {"qf": "0"})

    assert answer.status_int == 303, "refused as 'Aucune modification'"
    (request,) = pending_of(demo_app, "770400090")
    assert request["changes"] == [{"field": "qf", "label": "Quotient familial (€)", "before": None, "after": 0}]


def test_a_foreign_phone_number_is_accepted_and_kept_in_international_format(demo_app):
    """A grandmother living in Brussels: her Belgian mobile, typed with 0032, is stored as +32 470 12 34 56."""
    client = family_client(demo_app)
    answer = submit_form(client, "/mes-informations/personnes/ajouter", dict(NEW_PERSON, phone_mobile="0032 470 12 34 56"))
    assert answer.status_int == 303
    (request,) = [r for r in pending_of(demo_app, FAMILY_A) if r["section"] == "person"]
    assert {c["field"]: c["after"] for c in request["changes"]}["phone_mobile"] == "+32 470 12 34 56"
    assert "+32 470 12 34 56" in text(BeautifulSoup(client.get("/mes-demandes").text, "html.parser"))
