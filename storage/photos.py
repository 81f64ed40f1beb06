"""Uploaded files: children's photos and absence certificates, checked and re-encoded by Pillow (JPEG, no
metadata) or, for a certificate, kept as an inspected PDF (storage/certificates.py); stored per family under names
nobody can guess."""
from __future__ import annotations

import io
import threading
import re
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from storage.atomic import write_atomically
from storage.families import is_family_id

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_SIDE = 600
MAX_SOURCE_PIXELS = 24_000_000  # larger images are refused before decoding (decompression bombs)
_DECODING = threading.BoundedSemaphore(2)  # a full-size decode costs ~100 MB: at most two at once
CERTIFICATE_SIDE = 1600  # readable when printed
FILE_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|pdf)$")


class PhotoRefused(Exception):
    """An upload that is not an acceptable photo; the message is for the family, in French."""


def reencode_photo(raw: bytes, max_side: int = MAX_SIDE) -> bytes:
    """A clean JPEG from an uploaded JPEG or PNG: decoded, rotated upright, resized, metadata dropped."""
    if not raw:
        raise PhotoRefused("Choisissez un fichier photo.")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise PhotoRefused("La photo dépasse 5 Mo. Choisissez une image plus légère.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                if image.format not in ("JPEG", "PNG"):
                    raise PhotoRefused("Format non accepté : envoyez une photo JPEG ou PNG.")
                if image.width * image.height > MAX_SOURCE_PIXELS:
                    raise PhotoRefused("L'image est trop grande (24 millions de pixels au plus).")
                with _DECODING:
                    return _resized_jpeg(image, max_side)
    except PhotoRefused:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("Ce fichier n'est pas une image valide : envoyez une photo JPEG ou PNG.")
    except (OSError, ValueError, SyntaxError):
        raise PhotoRefused("L'image est illisible ou endommagée : envoyez une autre photo JPEG ou PNG.")


def _resized_jpeg(image: Image.Image, max_side: int) -> bytes:
    """Decode (a JPEG directly at a reduced scale), turn upright, flatten, shrink and save without metadata."""
    if image.format == "JPEG":
        image.draft("RGB", (max_side * 2, max_side * 2))
    image.load()
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    image.thumbnail((max_side, max_side))
    output = io.BytesIO()
    image.save(output, "JPEG", quality=85, optimize=True)
    return output.getvalue()


class FamilyFiles:
    """Files below data/<folder>/<family>/, named at random so names cannot be guessed."""

    def __init__(self, root: Path, folder: str):
        self.folder = Path(root) / folder

    def save(self, family_id: str, content: bytes, extension: str = "jpg") -> str:
        folder = self._family_folder(family_id)
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_hex(16)}.{extension}"
        write_atomically(folder / name, content)
        return name

    def path(self, family_id: str, name: str | None) -> Path | None:
        """The file of one of this family's uploads, or None (also for a forged name)."""
        if not name or not FILE_NAME.match(name):
            return None
        path = self._family_folder(family_id) / name
        return path if path.exists() else None

    def names(self, family_id: str) -> list[str]:
        """The names of this family's files."""
        folder = self._family_folder(family_id)
        return sorted(p.name for p in folder.iterdir() if FILE_NAME.match(p.name)) if folder.is_dir() else []

    def delete(self, family_id: str, name: str | None) -> None:
        path = self.path(family_id, name)
        if path is not None:
            path.unlink(missing_ok=True)

    def _family_folder(self, family_id: str) -> Path:
        if not is_family_id(family_id):
            raise KeyError(family_id)
        return self.folder / family_id
