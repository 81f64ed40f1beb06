"""A family's supporting documents: stored with a pending request (below data/pieces/<family>/, names nobody can
guess), kept as the family's pièces when the agent validates the request, deleted when it is withdrawn or cancelled.

The pièces are rows of the family file's "pieces" table, each with its type, section, file name, the name the family's
device gave it, created_at, validated_at and the request's id (or the pre-registration's), which is what the retention
job reads. Files no request or pièce points to any more (a crash between two writes) are swept away when the family
next sends documents.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from tinydb import TinyDB

from storage.documents import SCHEMA_VERSION
from storage.families import Families, now_iso
from storage.photos import FamilyFiles
from storage.pieces.checks import Piece, PieceRefused
from storage.requests import DecisionHooks

FOLDER = "pieces"
# Documents waiting for the agent's decision, per family: ten requests of three documents, more than a family sends
# in a year, and a ceiling (30 x 5 MB = 150 MB) that stops one account from filling the disk unnoticed. A decision
# frees the places: a validated document becomes a pièce (kept until the retention period), a refused one is deleted.
MAX_AWAITING = 30
KEPT_STATUSES = ("pending", "validated")
CONTENT_LABELS = {"pdf": "PDF", "jpg": "image"}


def piece_files(root: Path) -> FamilyFiles:
    """The supporting documents below a data folder."""
    return FamilyFiles(root, FOLDER)


def awaiting_pieces(db: TinyDB) -> list[dict]:
    """The documents of the family's requests that wait for the agent."""
    return [d for r in db.table("requests").all() if r["status"] == "pending" for d in r.get("documents") or []]


def stored_piece(files: FamilyFiles, family_id: str, piece: Piece) -> dict:
    """Save one checked document; what a request or a pièce records of it."""
    return {"file": files.save(family_id, piece.content, piece.extension), "type": piece.type_label,
            "type_key": piece.type_key, "name": piece.name, "content": piece.extension, "size": len(piece.content),
            "created_at": now_iso()}


def attach_pieces(files: FamilyFiles, family_id: str, pieces: list[Piece], field_name: str
                  ) -> Callable[[TinyDB], list[dict]]:
    """The attach step of storage.requests.submit_request: inside the request's transaction, refuse past
    MAX_AWAITING waiting documents (PieceRefused on field_name), then store the documents."""
    def attach(db: TinyDB) -> list[dict]:
        waiting = len(awaiting_pieces(db))
        if waiting + len(pieces) > MAX_AWAITING:
            raise PieceRefused(field_name, f"Vous avez déjà {waiting} pièces justificatives en attente de "
                                           f"validation ({MAX_AWAITING} au plus) : attendez la réponse de la mairie "
                                           "ou retirez une demande avant d'en envoyer d'autres.")
        _forget_unused_pieces(files, family_id, db)
        return [stored_piece(files, family_id, piece) for piece in pieces]
    return attach


def _forget_unused_pieces(files: FamilyFiles, family_id: str, db: TinyDB) -> None:
    """Delete the family's document files that no pending or validated request, and no pièce, points to."""
    used = {d["file"] for r in db.table("requests").all() if r["status"] in KEPT_STATUSES
            for d in r.get("documents") or []}
    used |= {p["file"] for p in db.table("pieces").all()}
    for name in files.names(family_id):
        if name not in used:
            files.delete(family_id, name)


def keep_validated_pieces(db: TinyDB, request: dict) -> None:
    """Decision hook, inside the validating transaction: the request's documents become the family's pièces."""
    table = db.table("pieces")
    for document in request.get("documents") or []:
        table.insert(piece_row(document, section=request["section"], validated_at=request["decided_at"],
                               validated_by=request["decided_by"], request_id=request.doc_id,
                               target_id=request.get("target_id"), target_label=request.get("target_label", "")))


def piece_row(document: dict, *, section: str, validated_at: str, validated_by: str, request_id: int | None = None,
              preregistration_id: int | None = None, target_id=None, target_label: str = "") -> dict:
    """One pièce of the family: the document, where it comes from and when it was validated."""
    return {"schema": SCHEMA_VERSION, "type": document["type"], "type_key": document.get("type_key", ""),
            "section": section, "file": document["file"], "name": document["name"], "content": document["content"],
            "size": document["size"], "created_at": document["created_at"], "validated_at": validated_at,
            "validated_by": validated_by, "request_id": request_id, "preregistration_id": preregistration_id,
            "target_id": target_id, "target_label": target_label}


def delete_closed_pieces(families: Families, family_id: str, request: dict) -> None:
    """Decision hook, once a withdrawal or cancellation is written: the request's documents go at once."""
    files = piece_files(families.documents.root)
    for document in request.get("documents") or []:
        files.delete(family_id, document.get("file"))


PIECE_HOOKS = DecisionHooks(validated=keep_validated_pieces, closed=delete_closed_pieces)


def request_document(db: TinyDB, request_id: int, file_name: str) -> dict | None:
    """A document of one of the family's requests, while it exists (the request pending or validated)."""
    request = db.table("requests").get(doc_id=request_id)
    if request is None or request["status"] not in KEPT_STATUSES:
        return None
    return next((d for d in request.get("documents") or [] if d["file"] == file_name), None)


def kept_pieces(db: TinyDB) -> list[dict]:
    """The family's pièces, the latest validated first."""
    return sorted(db.table("pieces").all(), key=lambda p: (p["validated_at"], p.doc_id), reverse=True)


def kept_piece(db: TinyDB, file_name: str) -> dict | None:
    """One of the family's pièces, by its file name."""
    return next((p for p in db.table("pieces").all() if p["file"] == file_name), None)


def download_name(document: dict) -> str:
    """The name a document is saved under: its type and extension ('attestation-de-quotient-familial-caf.pdf')."""
    return f"{document.get('type_key') or 'piece'}.{document['content']}"
