"""Field validation: clean values in the stored shape, or a French message for the family."""
from __future__ import annotations

from datetime import date

import pytest

from storage.fields import Field, clean_field, clean_form, mask_iban

TODAY = date(2026, 11, 28)


def clean(kind, raw, **options):
    return clean_field(Field("f", "Champ", kind, **options), raw, TODAY)


def accepted(kind, raw, **options):
    value, error = clean(kind, raw, **options)
    assert error is None, f"{raw!r} refused: {error}"
    return value


def refused(kind, raw, **options):
    value, error = clean(kind, raw, **options)
    assert error, f"{raw!r} accepted as {value!r}"
    return error


# --- IBAN / BIC -------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["FR76 3000 6000 0112 3456 7890 189", "fr7630006000011234567890189",
                                 "FR14 2004 1010 0505 0001 3M02 606", "DE89 3704 0044 0532 0130 00"])
def test_iban_with_right_checksum_is_accepted_and_formatted(raw):
    value = accepted("iban", raw)
    assert value == value.upper()
    assert value.replace(" ", "") == raw.replace(" ", "").upper()
    assert value.split(" ")[0] == raw.replace(" ", "")[:4].upper()


@pytest.mark.parametrize("raw", ["FR76 3000 6000 0112 3456 7890 188", "FR00 3000 6000 0112 3456 7890 189",
                                 "FR76", "XX76 3000 6000 0112 3456 7890 189", "not an iban"])
def test_iban_with_wrong_checksum_or_shape_is_refused_in_french(raw):
    assert "IBAN invalide" in refused("iban", raw)


@pytest.mark.parametrize("raw, expected", [("AGRIFRPP", "AGRIFRPP"), ("agrifrpp", "AGRIFRPP"),
                                           ("PSSTFRPPPAR", "PSSTFRPPPAR"), ("BNPAFRPP", "BNPAFRPP")])
def test_bic_accepted(raw, expected):
    assert accepted("bic", raw) == expected


@pytest.mark.parametrize("raw", ["AGRI", "AGRIFRPPX", "1234FRPP", "AGRIFRPP12345"])
def test_bic_refused(raw):
    assert "BIC invalide" in refused("bic", raw)


def test_iban_is_displayed_masked_except_last_four():
    assert mask_iban("FR76 3000 6000 0112 3456 7890 189") == "•" * 23 + "0189"
    field = Field("iban", "IBAN", "iban")
    assert field.display("FR76 3000 6000 0112 3456 7890 189").endswith("0189")
    assert "3000" not in field.display("FR76 3000 6000 0112 3456 7890 189")


# --- phones, postcode, email ------------------------------------------------------------------------

@pytest.mark.parametrize("raw", ["06 12 34 56 78", "0612345678", "06.12.34.56.78", "06-12-34-56-78",
                                 "+33 6 12 34 56 78", "+33612345678", "0033 6 12 34 56 78"])
def test_french_phone_numbers_are_accepted_and_normalised(raw):
    assert accepted("phone", raw) == "06 12 34 56 78"


@pytest.mark.parametrize("raw", ["12345", "06 12 34 56", "00 12 34 56 78", "06 12 34 56 78 9", "telephone",
                                 "+33 6 12 34", "+", "++32 470 12 34 56"])
def test_bad_phone_numbers_are_refused_in_french(raw):
    assert "Numéro de téléphone invalide" in refused("phone", raw)


@pytest.mark.parametrize("raw, shown", [
    ("+32 470 12 34 56", "+32 470 12 34 56"),     # Belgium, mobile
    ("0032470123456", "+32 470 12 34 56"),
    ("+41 79 123 45 67", "+41 79 123 45 67"),     # Switzerland
    ("0041 (0)79 123 45 67", "+41 79 123 45 67"),
    ("+44 7911 123456", "+44 7911 123456"),       # United Kingdom, mobile
    ("+44 20 7946 0958", "+44 20 7946 0958"),     # London
    ("+49 1512 3456789", "+49 1512 3456789"),     # Germany
    ("+262 692 12 34 56", "+262 692 12 34 56"),   # La Réunion, dialled from abroad
])
def test_foreign_phone_numbers_are_accepted_in_international_format(raw, shown):
    assert accepted("phone", raw) == shown


@pytest.mark.parametrize("raw", ["0690 12 34 56", "05.90.12.34.56", "02 62 12 34 56"])
def test_overseas_french_numbers_keep_the_french_format(raw):
    assert accepted("phone", raw) == " ".join(raw.replace(".", "").replace(" ", "")[i:i + 2] for i in range(0, 10, 2))


def test_a_foreign_number_too_short_for_its_country_is_refused_with_an_example_of_that_country():
    assert refused("phone", "+32 470 12") == ("Numéro de téléphone invalide pour l'indicatif +32 "
                                              "(exemple : +32 450 00 12 34).")
    assert refused("phone", "+999 123 456") == ("Numéro de téléphone invalide : indicatif de pays inconnu "
                                                "(exemple : +32 470 12 34 56).")
    assert refused("phone", "12345").startswith("Numéro de téléphone invalide : 10 chiffres commençant par 0 "
                                                "(exemple : 06 12 34 56 78), ou + et l'indicatif du pays")


@pytest.mark.parametrize("raw", ["77000", "01000", "97411"])
def test_postcode_accepted(raw):
    assert accepted("postcode", raw) == raw


@pytest.mark.parametrize("raw", ["7700", "770000", "77 000", "ABCDE"])
def test_postcode_refused(raw):
    assert refused("postcode", raw) == "Le code postal comporte 5 chiffres."


def test_email_is_lowercased_and_checked():
    assert accepted("email", "Sophie.Martin@Example.FR") == "sophie.martin@example.fr"
    assert "Adresse e-mail invalide" in refused("email", "sophie.martin")
    assert "Adresse e-mail invalide" in refused("email", "a@b")
    assert "Adresse e-mail invalide" in refused("email", "<script>@x.fr")


# --- dates --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [("21/06/2017", "2017-06-21"), ("1/2/2020", "2020-02-01"),
                                           ("2017-06-21", "2017-06-21"), ("29/02/2024", "2024-02-29")])
def test_dates_in_french_or_iso_are_stored_iso(raw, expected):
    assert accepted("date", raw) == expected
    assert accepted("birth_date", raw) == expected


@pytest.mark.parametrize("raw", ["31/02/2020", "29/02/2023", "32/01/2020", "21-06-2017x", "demain", "06/21/2017"])
def test_impossible_dates_are_refused_in_french(raw):
    assert refused("date", raw).startswith("Date invalide")


def test_dates_before_1900_are_refused():
    assert "1900" in refused("date", "31/12/1899")


def test_birth_date_in_the_future_is_refused_but_other_future_dates_are_not():
    assert refused("birth_date", "29/11/2026") == "La date de naissance ne peut pas être dans le futur."
    assert accepted("birth_date", "28/11/2026") == "2026-11-28"
    assert accepted("date", "01/01/2027") == "2027-01-01"


def test_dates_are_displayed_in_french():
    assert Field("d", "D", "date").display("2017-06-21") == "21/06/2017"
    assert Field("d", "D", "date").display("n'importe quoi") == "n'importe quoi"


# --- numbers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [("41250", 41250), ("41 250", 41250), ("41250 €", 41250),
                                           ("41\u202f250\u00a0€", 41250), ("0", 0)])
def test_integers_accepted(raw, expected):
    assert accepted("integer", raw) == expected


@pytest.mark.parametrize("raw", ["41,5", "41.5", "-5", "1234567890", "quarante", "4e3"])
def test_integers_refused_in_french(raw):
    assert refused("integer", raw) == "Saisissez un nombre entier positif, sans centimes."


def test_income_is_displayed_with_thousands_and_euro():
    assert Field("income", "Revenu", "integer").display(41250) == "41\u202f250\u00a0€"


@pytest.mark.parametrize("raw, expected", [("3", "3"), ("2,5", "2,5"), ("2.5", "2,5"), ("2,25", "2,25"),
                                           ("1,75", "1,75"), ("1,0", "1"), ("1", "1")])
def test_tax_parts_accepted_in_quarters(raw, expected):
    assert accepted("parts", raw) == expected


@pytest.mark.parametrize("raw, expected", [("10", "10"), ("20", "20")])
def test_tax_parts_of_ten_or_more_keep_plain_digits(raw, expected):
    assert accepted("parts", raw) == expected


@pytest.mark.parametrize("raw", ["0", "0,5", "21", "2,3", "deux", "NaN", "Infinity", "-2"])
def test_tax_parts_refused_in_french(raw):
    assert "Nombre de parts invalide" in refused("parts", raw)


def test_caf_number_digits_only():
    assert accepted("caf_number", "1234 567") == "1234567"
    assert "allocataire" in refused("caf_number", "12AB567")
    assert "allocataire" in refused("caf_number", "123")


# --- generic rules ----------------------------------------------------------------------------------

def test_required_field_left_empty_is_refused():
    assert refused("text", "   ", required=True) == "Ce champ est obligatoire."
    assert clean("text", "", required=False) == ("", None)
    assert clean("phone", "", required=False) == ("", None)


def test_too_long_text_is_refused_with_the_limit():
    assert refused("text", "x" * 41, max_length=40) == "40 caractères au plus."


def test_control_characters_are_removed_and_spaces_collapsed():
    assert accepted("text", "  Jean\x00\x07   Pierre\t ") == "Jean Pierre"
    assert accepted("textarea", "ligne 1\n\nligne\x1b 2") == "ligne 1\n\nligne 2"


def test_choice_must_be_one_of_the_list():
    choices = (("CAF", "CAF"), ("MSA", "MSA"))
    assert accepted("choice", "MSA", choices=choices) == "MSA"
    assert refused("choice", "RSI", choices=choices) == "Choisissez une valeur de la liste."
    assert Field("r", "R", "choice", choices=choices).display("MSA") == "MSA"


@pytest.mark.parametrize("raw, expected", [("1", True), ("on", True), ("oui", True), ("", False), ("0", False),
                                           (None, False)])
def test_checkboxes(raw, expected):
    assert clean("bool", raw) == (expected, None)
    assert Field("b", "B", "bool").display(expected) == ("Oui" if expected else "Non")


def test_clean_form_returns_values_and_errors_by_field():
    fields = (Field("name", "Nom", required=True), Field("postcode", "CP", "postcode"),
              Field("phone", "Tél", "phone"))
    values, errors = clean_form(fields, {"name": "Martin", "postcode": "7700", "phone": "+33612345678"}, TODAY)
    assert values == {"name": "Martin", "postcode": "7700", "phone": "06 12 34 56 78"}
    assert errors == {"postcode": "Le code postal comporte 5 chiffres."}
