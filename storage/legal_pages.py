"""The pages a public site must publish (mentions légales, accessibilité, données personnelles, aide): which exist,
the texts the agent wrote in place of the defaults (data/legal_pages.json), the legal details the defaults use
(settings "legal"), and the validation of both.

A page without a text of the agent's shows its default (storage/legal_texts.py), built afresh from the settings.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from tinydb import Query

from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import now_iso
from storage.fields import CONTROL_CHARS, Field, clean_form
from storage.legal_texts import RETENTION_VARIABLE, default_text, retention_periods_text


@dataclass(frozen=True)
class LegalPage:
    slug: str  # its address (/aide) and its key in data/legal_pages.json
    title: str  # the page's title and h1, and the footer link's text


LEGAL_PAGES = (LegalPage("mentions-legales", "Mentions légales"), LegalPage("accessibilite", "Accessibilité"),
               LegalPage("donnees-personnelles", "Données personnelles"), LegalPage("aide", "Aide"))
PAGES_BY_SLUG = {page.slug: page for page in LEGAL_PAGES}
SLUG_RULE = "|".join(PAGES_BY_SLUG)  # for route rules: <slug:re:mentions-legales|…>
MAX_TEXT_LENGTH = 15_000

# The legal details the default texts need besides the commune's (settings "legal"); empty: a placeholder is shown.
LEGAL_FIELDS = (
    Field("publication_director", "Directeur ou directrice de la publication", max_length=120,
          hint="En général le maire, par exemple : Mme Claire Dupont, maire. Vide : « Le maire de la commune »."),
    Field("host_name", "Hébergeur du portail : nom", max_length=120,
          hint="La société ou le service qui héberge le serveur du portail (la mairie elle-même, un prestataire…)."),
    Field("host_address", "Hébergeur du portail : adresse et téléphone", "textarea", max_length=300,
          hint="Adresse postale et téléphone de l'hébergeur, sur deux ou trois lignes."),
    Field("dpo_contact", "Délégué à la protection des données (DPO) : contact", "textarea", max_length=300,
          hint="Nom ou service, adresse e-mail ou postale. Vide : le délégué joignable à l'adresse de la mairie."),
)


def clean_legal_details(form: dict) -> tuple[dict, dict]:
    """(the legal details, errors by field name) from the posted form."""
    return clean_form(LEGAL_FIELDS, {name: form.get(name, "") for name in (f.name for f in LEGAL_FIELDS)})


def clean_page_text(raw: str) -> tuple[str, str | None]:
    """(the text as stored, French error or None): line ends made \\n, control characters and spaces at line ends
    removed."""
    text = CONTROL_CHARS.sub("", (raw or "").replace("\r\n", "\n").replace("\r", "\n"))
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    if not text.strip():
        return "", "Le texte est vide. Pour revenir au texte proposé, utilisez « Rétablir le texte par défaut »."
    if len(text) > MAX_TEXT_LENGTH:
        return text, f"Le texte est trop long : {MAX_TEXT_LENGTH:,} caractères au plus.".replace(",", "\u202f")
    return text + "\n", None


def with_variables(text: str, settings: dict) -> str:
    """The text as families read it: the retention-periods line replaced by the periods in words."""
    return text.replace(RETENTION_VARIABLE, retention_periods_text(settings))


class LegalPages:
    """The agent's texts of the legal pages, one document per page in data/legal_pages.json."""

    def __init__(self, documents: DocumentStore):
        self._documents = documents
        self._path = documents.root / "legal_pages.json"

    def edited(self) -> dict[str, dict]:
        """{slug: {"text", "updated_at", "updated_by"}} of the pages the agent wrote."""
        return {doc["slug"]: dict(doc) for doc in self._documents.read(self._path).table("pages").all()
                if doc.get("slug") in PAGES_BY_SLUG}

    def text(self, slug: str, settings: dict, services: list[dict]) -> str:
        """The page's text in the markup: the agent's, else the default (variables not yet replaced)."""
        edited = self.edited().get(slug)
        return edited["text"] if edited else default_text(slug, settings, services)

    def save(self, slug: str, text: str, agent: str, default: str) -> bool:
        """Store the agent's text (already cleaned); the default text itself stores nothing, so that the page keeps
        following the settings. True when the page changed."""
        if same_text(text, default):
            return self.restore_default(slug)
        with self._documents.transaction(self._path) as db:
            pages = db.table("pages")
            current = pages.get(Query().slug == slug)
            if current is not None and current.get("text") == text:
                return False
            pages.upsert({"schema": SCHEMA_VERSION, "slug": slug, "text": text, "updated_at": now_iso(),
                          "updated_by": agent}, Query().slug == slug)
        return True

    def restore_default(self, slug: str) -> bool:
        """Forget the agent's text: the page shows its default again. True when there was one."""
        with self._documents.transaction(self._path) as db:
            pages = db.table("pages")
            if not pages.contains(Query().slug == slug):
                return False  # nothing to write
            pages.remove(Query().slug == slug)
        return True


def same_text(one: str, other: str) -> bool:
    """Whether two texts differ only by spaces at the ends of lines or blank lines at the end."""
    def norm(text: str) -> str:
        return re.sub(r"[ \t]+\n", "\n", text.replace("\r\n", "\n")).strip()
    return norm(one) == norm(other)
