"""What a supporting document may be: a PDF without active content (storage/pdf_check.py) kept as sent, or a JPEG or
PNG photo re-encoded as a clean JPEG still readable when printed (storage/photos.py); 5 MB at most each, 3 at most
per request, and its content must be what its name (or declared type) says."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from storage.pdf_check import ACTIVE, pdf_problem
from storage.photos import MAX_UPLOAD_BYTES, PhotoRefused, reencode_photo

MAX_FILES = 3  # per request: a two-page avis d'imposition photographed, and one more
DOCUMENT_SIDE = 2000  # pixels: a photographed A4 page stays legible, printed or on screen
AGAIN = "Les fichiers ne sont pas conservés quand le formulaire est renvoyé : choisissez-les de nouveau."
FORMATS = {"pdf": "un PDF", "jpeg": "une image JPEG", "png": "une image PNG"}
EXTENSIONS = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png"}
MEDIA_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpeg", "image/pjpeg": "jpeg", "image/jpg": "jpeg",
               "image/png": "png", "image/x-png": "png"}
MAX_NAME = 80


class PieceRefused(Exception):
    """A document that cannot be accepted; field is the form input it came from, the message is French."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Piece:
    """A checked document, ready to be stored: its type (key and label), content, extension ("pdf" or "jpg") and
    the file name the family's device gave it (for display only)."""
    type_key: str
    type_label: str
    content: bytes
    extension: str
    name: str


def display_name(filename: str) -> str:
    """The sent file's name without its folders or control characters, MAX_NAME characters at most."""
    name = re.split(r"[/\\]", filename or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip()
    return (name[:MAX_NAME - 1] + "…" if len(name) > MAX_NAME else name) or "document"


def content_format(raw: bytes) -> str | None:
    """'pdf', 'jpeg' or 'png' from the file's first bytes (its real format, whatever its name says)."""
    if raw[:5] == b"%PDF-":
        return "pdf"
    if raw[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if raw[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    return None


def declared_formats(filename: str, media_type: str) -> set[str]:
    """The formats the file claims to be: by its extension, and by the type the browser declared for it (a
    generic type such as application/octet-stream claims nothing)."""
    base = re.split(r"[/\\]", filename or "")[-1]
    extension = base.rsplit(".", 1)[-1].strip().lower() if "." in base else ""
    claimed = {EXTENSIONS[extension]} if extension in EXTENSIONS else set()
    media = (media_type or "").split(";")[0].strip().lower()
    if media in MEDIA_TYPES:
        claimed.add(MEDIA_TYPES[media])
    return claimed


def checked_piece(raw: bytes, filename: str, media_type: str, field_name: str, type_key: str,
                  type_label: str) -> Piece:
    """The document as it will be kept, or PieceRefused with a French message naming the file."""
    name = display_name(filename)

    def refuse(text: str) -> PieceRefused:
        return PieceRefused(field_name, f"« {name} » refusé : {text} {AGAIN}")

    if not raw:
        raise refuse("le fichier est vide.")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise refuse("le fichier dépasse 5 Mo. Envoyez une photo moins lourde ou un PDF plus léger.")
    claimed, actual = declared_formats(filename, media_type), content_format(raw)
    if not claimed:
        raise refuse("seuls les PDF et les images JPEG ou PNG sont acceptés.")
    if len(claimed) > 1:
        raise refuse("son nom et le type annoncé par votre appareil ne correspondent pas. Vérifiez que vous avez "
                     "choisi le bon fichier.")
    if actual not in claimed:
        said = FORMATS[next(iter(claimed))]
        found = f"c'est en réalité {FORMATS[actual]}" if actual else "son contenu n'est ni un PDF, ni une image"
        raise refuse(f"il se présente comme {said}, mais {found}. Vérifiez que vous avez choisi le bon fichier.")
    if actual == "pdf":
        problem = pdf_problem(raw)
        if problem == ACTIVE:
            raise refuse("ce PDF contient du code ou des actions automatiques (JavaScript, lancement d'un programme "
                         "ou d'une adresse web, fichier joint). Envoyez un PDF simple ou une photo du document.")
        if problem:
            raise refuse("ce PDF ne peut pas être vérifié (protégé, endommagé ou compressé d'une façon non prise en "
                         "charge). Envoyez une photo du document ou un autre PDF.")
        return Piece(type_key, type_label, raw, "pdf", name)
    try:
        return Piece(type_key, type_label, reencode_photo(raw, DOCUMENT_SIDE), "jpg", name)
    except PhotoRefused as refused:
        reason = str(refused)
        raise refuse(reason[:1].lower() + reason[1:])
