"""Field definitions of the family record and their validation: clean values or French messages.

Validation is plain functions: each returns (clean_value, error_message_or_None). The write path
(submitting a request, an agent's direct edit) always validates again.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import phonenumbers
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError
from storage import clock
from storage.mail.addresses import valid_email
from storage.wording import last_name

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Field:
    """One input of a section form."""
    name: str
    label: str
    kind: str = "text"  # text, last_name, textarea, date, birth_date, email, phone, postcode, choice, bool, integer,
    #                     parts, iban, bic, caf_number
    required: bool = False
    choices: tuple = ()  # (value, label) pairs for kind "choice"
    max_length: int = 100
    hint: str = ""

    def display(self, value) -> str:
        """The value as a family reads it (choice labels, Oui/Non, French dates)."""
        if value in (None, ""):
            return ""
        if self.kind == "bool":
            return "Oui" if value else "Non"
        if self.kind == "last_name":
            return last_name(value)
        if self.kind == "choice":
            return dict(self.choices).get(value, str(value))
        if self.kind in ("date", "birth_date"):
            try:
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            except (TypeError, ValueError):
                return str(value)
        if self.kind == "iban":
            return mask_iban(value)
        if self.kind == "money":
            return format_euros(value)
        if self.kind == "integer" and self.name in ("income", "qf"):
            return f"{int(value):,}".replace(",", "\u202f") + "\u00a0€"
        return str(value)


def format_euros(cents: int | None) -> str:
    """1234567 -> '12 345,67 €' (narrow no-break space between thousands, no-break space before €)."""
    if cents is None or cents == "":
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(int(cents)), 100)
    grouped = f"{whole:,}".replace(",", "\u202f")
    return f"{sign}{grouped},{rest:02d}\u00a0€"


def mask_iban(value: str) -> str:
    """IBAN shown masked except its last 4 characters."""
    compact = (value or "").replace(" ", "")
    if len(compact) <= 4:
        return compact
    return "•" * (len(compact) - 4) + compact[-4:]


def clean_field(field: Field, raw, today: date | None = None):
    """(clean value, French error or None) for one posted value."""
    today = today or clock.today()
    if field.kind == "bool":
        return raw in ("1", "on", "oui", True), None
    text = CONTROL_CHARS.sub("", raw if isinstance(raw, str) else "").strip()
    if field.kind != "textarea":
        text = " ".join(text.split())
    if not text:
        return ("", "Ce champ est obligatoire.") if field.required else ("", None)
    if len(text) > field.max_length:
        return text, f"{field.max_length} caractères au plus."
    checker = _CHECKERS.get(field.kind)
    if checker is None:
        return text, None
    if field.kind == "choice":
        return text, (None if text in dict(field.choices) else "Choisissez une valeur de la liste.")
    if field.kind in ("date", "birth_date"):
        return _clean_date(text, field.kind == "birth_date", today)
    return checker(text)


def _clean_email(text):
    # The rule of the outbox (storage/mail/addresses.py): an address accepted here can always receive the portal's mails.
    text = text.lower()
    return text, (None if valid_email(text) else "Adresse e-mail invalide (exemple : nom@exemple.fr).")


def _clean_phone(text):
    """French numbers as '06 12 34 56 78' (also from +33 / 0033), foreign ones (+32, +41, +44 …) checked by the
    phonenumbers library and written in international format: '+32 470 12 34 56'."""
    compact = re.sub(r"[\s.\-()/]", "", text.replace("(0)", ""))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("+33"):
        compact = "0" + compact[3:]
    if re.fullmatch(r"0[1-9][0-9]{8}", compact):  # the French plan, overseas departments included (0590, 0692…)
        return " ".join(compact[i:i + 2] for i in range(0, 10, 2)), None
    if not re.fullmatch(r"\+[1-9][0-9]{4,16}", compact):
        return text, ("Numéro de téléphone invalide : 10 chiffres commençant par 0 (exemple : 06 12 34 56 78), ou + et "
                      "l'indicatif du pays pour un numéro étranger (exemple : +32 470 12 34 56).")
    return _clean_foreign_phone(text, compact)


def _clean_foreign_phone(text, compact):
    try:
        number = phonenumbers.parse(compact, None)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_country_code(number.country_code) if number else "ZZ"
        example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE) \
            if region != "ZZ" else None
        if example is None:
            return text, "Numéro de téléphone invalide : indicatif de pays inconnu (exemple : +32 470 12 34 56)."
        return text, (f"Numéro de téléphone invalide pour l'indicatif +{number.country_code} (exemple : "
                      f"{phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL)}).")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL), None


def _clean_postcode(text):
    return text, (None if re.fullmatch(r"[0-9]{5}", text) else "Le code postal comporte 5 chiffres.")


def _clean_date(text, is_birth_date, today):
    match = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", text)
    iso = f"{match[3]}-{int(match[2]):02d}-{int(match[1]):02d}" if match else text
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", iso):
        return text, "Date invalide : utilisez le format JJ/MM/AAAA."
    try:
        value = date.fromisoformat(iso)
    except ValueError:
        return text, "Date invalide : utilisez le format JJ/MM/AAAA."
    if value.year < 1900:
        return text, "Date invalide : l'année doit être postérieure à 1900."
    if is_birth_date and value > today:
        return text, "La date de naissance ne peut pas être dans le futur."
    return value.isoformat(), None


def _clean_integer(text):
    digits = re.sub(r"[\s\u202f\u00a0]", "", text).removesuffix("€")
    if not re.fullmatch(r"[0-9]{1,9}", digits):
        return text, "Saisissez un nombre entier positif, sans centimes."
    return int(digits), None


def _clean_parts(text):
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return text, "Nombre de parts invalide (exemple : 2,5)."
    if not value.is_finite() or value < 1 or value > 20 or (value * 4) % 1 != 0:
        return text, "Nombre de parts invalide : entre 1 et 20, par quarts de part (exemple : 2,5)."
    return f"{value.normalize():f}".replace(".", ","), None


def _clean_iban(text):
    try:
        return stdnum_iban.format(stdnum_iban.validate(text)), None
    except ValidationError:
        return text, "IBAN invalide : vérifiez les caractères saisis (clé de contrôle incorrecte)."


def _clean_bic(text):
    try:
        return stdnum_bic.validate(text), None
    except ValidationError:
        return text, "BIC invalide : 8 ou 11 caractères (exemple : AGRIFRPP)."


def _clean_caf_number(text):
    digits = re.sub(r"\s", "", text)
    if not re.fullmatch(r"[0-9]{4,13}", digits):
        return text, "Numéro d'allocataire invalide : de 4 à 13 chiffres."
    return digits, None


_CHECKERS = {
    "email": _clean_email, "phone": _clean_phone, "postcode": _clean_postcode, "integer": _clean_integer,
    "parts": _clean_parts, "iban": _clean_iban, "bic": _clean_bic, "caf_number": _clean_caf_number,
    "choice": True, "date": True, "birth_date": True,
}


def clean_form(fields: tuple[Field, ...], raw: dict, today: date | None = None) -> tuple[dict, dict]:
    """(clean values, errors by field name) for a whole form."""
    clean, errors = {}, {}
    for field in fields:
        value, error = clean_field(field, raw.get(field.name, ""), today)
        clean[field.name] = value
        if error:
            errors[field.name] = error
    return clean, errors


def parse_euros(text: str, allow_negative: bool = False) -> tuple[int | None, str | None]:
    """'1 234,56' / '3.85' / '12' -> cents; (None, French message) when it is not an amount."""
    compact = re.sub(r"[\s\u202f\u00a0€]", "", text or "").replace(",", ".")
    match = re.fullmatch(r"(-?)([0-9]{1,7})(?:\.([0-9]{1,2}))?", compact)
    if not match:
        return None, "Montant invalide (exemple : 12,50)."
    cents = int(match[2]) * 100 + int((match[3] or "0").ljust(2, "0"))
    if match[1]:
        if not allow_negative:
            return None, "Le montant doit être positif."
        cents = -cents
    return cents, None
