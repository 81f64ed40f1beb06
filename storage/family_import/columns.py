"""The documented columns of the two import files and how a cell becomes a value of the family record.

Families file: one line per child, the family's data repeated on each of its lines. Authorised persons file
(optional): one line per person. Header names are compared without case, accents or spaces ("Resp1 Civilité" is
resp1_civilite). A column that is absent is not imported (the portal keeps its value); an empty cell in a present
column is an empty value.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storage.fields import Field
from storage.sections import SECTIONS


@dataclass(frozen=True)
class Column:
    """One column: its header, where its value goes (section key and field name) and its French description."""
    name: str
    section: str  # "family" (the number), "parent1", "parent2", "caf", "child", "child_extra", "person"
    field: str
    description: str
    required: bool = False

    @property
    def definition(self) -> Field:
        """The portal's field, whose validation the cell goes through (storage/fields.py)."""
        if self.section == "child":
            return SECTIONS["child_identity"].field(self.field)
        return SECTIONS[self.section].field(self.field)


PARENT_PARTS = (
    ("civilite", "title", "civilité : Mme ou M. (Madame, Monsieur acceptés)"),
    ("nom", "last_name", "nom"), ("prenom", "first_name", "prénom"),
    ("adresse", "address1", "adresse (numéro et voie)"), ("complement_adresse", "address2", "complément d'adresse"),
    ("code_postal", "postcode", "code postal (5 chiffres)"), ("commune", "city", "commune"),
    ("tel_domicile", "phone_home", "téléphone domicile"), ("tel_portable", "phone_mobile", "téléphone portable"),
    ("tel_travail", "phone_work", "téléphone travail"), ("email", "email", "adresse e-mail"),
)
PARENT1_REQUIRED = {"civilite", "nom", "prenom", "adresse", "code_postal", "commune"}
ADDRESS_PARTS = ("address1", "address2", "postcode", "city")

FAMILY_COLUMNS = (
    Column("famille", "family", "family_id", "numéro de famille : l'identifiant de connexion au portail (chiffres)",
           True),
    *(Column(f"resp1_{part}", "parent1", field, f"responsable : {text}", part in PARENT1_REQUIRED)
      for part, field, text in PARENT_PARTS),
    *(Column(f"resp2_{part}", "parent2", field, f"conjoint (facultatif) : {text}" + (
        " ; vide : celle du responsable" if field in ADDRESS_PARTS else "")) for part, field, text in PARENT_PARTS),
    Column("regime", "caf", "regime", "régime : CAF, MSA ou autre"),
    Column("numero_allocataire", "caf", "number", "numéro d'allocataire (4 à 13 chiffres)"),
    Column("qf", "caf", "qf", "quotient familial en euros (nombre entier)"),
    Column("qf_date", "caf", "qf_date", "date du quotient familial (JJ/MM/AAAA)"),
    Column("enfant_nom", "child", "last_name", "nom de l'enfant", True),
    Column("enfant_prenom", "child", "first_name", "prénom de l'enfant", True),
    Column("enfant_sexe", "child", "sex", "sexe : F ou M (Fille, Garçon acceptés)", True),
    Column("enfant_date_naissance", "child", "birth_date", "date de naissance (JJ/MM/AAAA)", True),
    Column("enfant_ecole", "child_extra", "school", "école"),
    Column("enfant_classe", "child_extra", "class_name", "classe"),
)
PERSON_COLUMNS = (
    Column("famille", "family", "family_id", "numéro de famille (présent dans le fichier des familles)", True),
    Column("nom", "person", "last_name", "nom", True),
    Column("prenom", "person", "first_name", "prénom", True),
    Column("lien", "person", "relationship", "lien avec l'enfant (grand-mère, voisin…)", True),
    Column("tel_portable", "person", "phone_mobile", "téléphone portable"),
    Column("tel_autre", "person", "phone_home", "autre téléphone (au moins un des deux)"),
    Column("peut_venir_chercher", "person", "may_pick_up", "oui ou non : peut venir chercher l'enfant"),
    Column("a_appeler_en_urgence", "person", "emergency_contact", "oui ou non : à appeler en cas d'urgence"),
    Column("enfants", "person", "children", "prénoms des enfants concernés, séparés par « , » ; vide : tous"),
)

_WORDS = {
    "title": {"mme": "Mme", "madame": "Mme", "mlle": "Mme", "mademoiselle": "Mme", "m": "M.", "m.": "M.",
              "mr": "M.", "mr.": "M.", "monsieur": "M."},
    "sex": {"f": "F", "fille": "F", "feminin": "F", "m": "M", "g": "M", "garcon": "M", "masculin": "M"},
    "regime": {"caf": "CAF", "msa": "MSA", "autre": "autre"},
}
YES = {"oui", "o", "x", "1", "vrai", "yes", "y"}
NO = {"non", "n", "0", "faux", "no", ""}


def folded(text: str) -> str:
    """Lower case, without accents nor repeated spaces: how headers and names are compared."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())


def header_name(cell: str) -> str:
    """'Resp1 Civilité' -> 'resp1_civilite'."""
    return re.sub(r"[\s\-]+", "_", folded(cell.replace("\ufeff", "")))


def usual_spelling(field: str, text: str) -> str:
    """The portal's value for the usual spellings of a civilité, a sex or a régime ('Madame' -> 'Mme'); other text
    as it is (the field's validation then says what is wrong)."""
    words = _WORDS.get(field)
    if words is None:
        return text
    return words.get(folded(text), text)
