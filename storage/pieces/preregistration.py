"""The documents of a pre-registration (justificatif de domicile): stored below data/preregistration-pieces/<number>/
while the pre-registration waits, moved to the new family's pièces when the agent validates it, deleted when it is
cancelled or deleted as junk."""
from __future__ import annotations

from pathlib import Path

from storage.families import Families
from storage.photos import FamilyFiles
from storage.pieces.checks import Piece, PieceRefused
from storage.pieces.family import piece_files, piece_row, stored_piece
from storage.pieces.kinds import PREREGISTRATION

FOLDER = "preregistration-pieces"
# Documents of pending pre-registrations, all senders together. The public form is limited to 30 sendings an hour
# (storage/protection/submissions.py); this ceiling (100 x 5 MB = 500 MB) keeps a robot that passes those limits for
# days from filling the disk before the town hall sees it: past it the form asks to bring the document instead.
MAX_WAITING = 100


def preregistration_files(root: Path) -> FamilyFiles:
    """The pre-registrations' documents below a data folder, in one folder per pre-registration number."""
    return FamilyFiles(root, FOLDER)


def store_preregistration_pieces(root: Path, number: int, pending: list[dict], pieces: list[Piece],
                                 field_name: str) -> list[dict]:
    """Save a new pre-registration's documents (inside the pre-registrations' transaction, pending being the other
    pending ones); what the pre-registration records of them."""
    if not pieces:
        return []
    waiting = sum(len(doc.get("documents") or []) for doc in pending)
    if waiting + len(pieces) > MAX_WAITING:
        raise PieceRefused(field_name, "La mairie a reçu beaucoup de documents ces derniers jours : envoyez la "
                                       "pré-inscription sans le document, puis apportez-le ou envoyez-le à la mairie.")
    files = preregistration_files(root)
    return [stored_piece(files, str(number), piece) for piece in pieces]


def preregistration_document(doc: dict, number: int, file_name: str) -> dict | None:
    """A document of a pre-registration still waiting (once decided, its documents have moved or gone)."""
    if doc is None or doc["status"] != "pending":
        return None
    return next((d for d in doc.get("documents") or [] if d["file"] == file_name), None)


def delete_preregistration_pieces(root: Path, number: int, documents: list[dict]) -> None:
    """A cancelled or deleted pre-registration's documents go at once."""
    files = preregistration_files(root)
    for document in documents:
        files.delete(str(number), document.get("file"))


def keep_preregistration_pieces(families: Families, family_id: str, number: int, doc: dict, agent: str,
                                validated_at: str) -> None:
    """Copy a validated pre-registration's documents into the new family's pièces, then delete the originals.
    Safe to run again after a crash: a document already copied (its pièce names the original) is not copied twice."""
    source, target = preregistration_files(families.documents.root), piece_files(families.documents.root)
    documents = doc.get("documents") or []
    with families.transaction(family_id) as db:
        table = db.table("pieces")
        copied = {p.get("preregistration_file") for p in table.all() if p.get("preregistration_id") == number}
        for document in documents:
            path = source.path(str(number), document["file"])
            if document["file"] in copied or path is None:
                continue
            stored = dict(document, file=target.save(family_id, path.read_bytes(), document["content"]))
            table.insert(dict(piece_row(stored, section=PREREGISTRATION, validated_at=validated_at,
                                        validated_by=agent, preregistration_id=number),
                              preregistration_file=document["file"]))
    delete_preregistration_pieces(families.documents.root, number, documents)
