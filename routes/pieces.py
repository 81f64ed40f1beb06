"""Supporting documents (pièces justificatives): reading the files posted with a form, opening a document (the
family its own requests', the agent every request's, the family's pièces and the pre-registrations'), and the agent's
setting of which section asks for which document."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.responses import upload_response
from routes.web import (DOCUMENTS_BODY_BYTES, flash, found, portal, posted_form, redirect, render, require_agent,
                        require_family)
from storage.photos import MAX_UPLOAD_BYTES
from storage.pieces.checks import AGAIN, MAX_FILES, Piece, PieceRefused, checked_piece
from storage.pieces.family import download_name, kept_piece, request_document
from storage.pieces.kinds import (SECTION_CHOICES, DocumentField, clean_document_rules, document_rules,
                                  missing_documents, rules_as_rows)
from storage.pieces.preregistration import preregistration_document, preregistration_files

app = Bottle()
WITH_DOCUMENTS = {"body_limit": DOCUMENTS_BODY_BYTES}  # route config of a form that carries documents (routes/web.py)


def posted_pieces(fields: tuple[DocumentField, ...]) -> tuple[list[Piece], dict[str, str], bool]:
    """(checked documents, errors keyed by file input, whether any file was sent) from the posted form: at most
    MAX_FILES files together, each checked by storage/pieces/checks.py."""
    chosen = [(field, upload) for field in fields for upload in request.files.getall(field.name)]
    if len(chosen) > MAX_FILES:
        return [], {chosen[0][0].name: f"Vous avez choisi {len(chosen)} fichiers : {MAX_FILES} au plus par demande. "
                                       f"{AGAIN}"}, True
    pieces, errors = [], {}
    for field, upload in chosen:
        try:
            pieces.append(checked_piece(upload.file.read(MAX_UPLOAD_BYTES + 1), upload.raw_filename or "",
                                        upload.content_type or "", field.name, field.key, field.label))
        except PieceRefused as refused:
            errors.setdefault(refused.field, str(refused))
    return pieces, errors, bool(chosen)


def required_missing(fields: tuple[DocumentField, ...], pieces: list[Piece], errors: dict) -> dict[str, str]:
    """The errors of the required documents not sent (a field that already has an error keeps it)."""
    return {name: text for name, text in missing_documents(fields, {p.type_key for p in pieces}).items()
            if name not in errors}


# --- opening a document ---------------------------------------------------------------------------------------------

@app.get("/mes-demandes/<request_id:int>/pieces/<name>")
def family_request_document(request_id: int, name: str):
    family_id = require_family()
    document = found(request_document(portal().families.read(family_id), request_id, name))
    return upload_response(portal().pieces, family_id, document["file"], download_name(document))


@app.get("/agent/demandes/<family_id>/<request_id:int>/pieces/<name>")
def agent_request_document(family_id: str, request_id: int, name: str):
    require_agent()
    document = found(request_document(_family_file(family_id), request_id, name))
    return upload_response(portal().pieces, family_id, document["file"], download_name(document))


@app.get("/agent/familles/<family_id>/pieces/<name>")
def agent_family_piece(family_id: str, name: str):
    require_agent()
    piece = found(kept_piece(_family_file(family_id), name))
    return upload_response(portal().pieces, family_id, piece["file"], download_name(piece))


@app.get("/agent/pre-inscriptions/<preregistration_id:int>/pieces/<name>")
def agent_preregistration_document(preregistration_id: int, name: str):
    require_agent()
    doc = portal().preregistrations.get(preregistration_id)
    document = found(preregistration_document(doc, preregistration_id, name))
    return upload_response(preregistration_files(portal().documents.root), str(preregistration_id),
                           document["file"], download_name(document))


def _family_file(family_id: str):
    """The agent's snapshot of one family's file (404 for an unknown number)."""
    db = portal().families.read(family_id)
    if db is None:
        abort(404)
    return db


# --- Paramètres › Pièces justificatives ------------------------------------------------------------------------------

@app.route("/agent/parametres/pieces-justificatives", method=["GET", "POST"])
def document_settings():
    require_agent()
    rows, errors = rules_as_rows(document_rules(portal().settings.values)), {}
    if request.method == "POST":
        rules, errors, typed = clean_document_rules(posted_form())
        if not errors:
            portal().settings.save({"documents": {"rules": rules}})
            flash("Pièces justificatives enregistrées : les formulaires des familles les demandent désormais.")
            redirect("/agent/parametres/pieces-justificatives")
        rows = typed
    return render("agent/piece_settings.tpl", title="Pièces justificatives", rows=rows, errors=errors,
                  sections=SECTION_CHOICES, max_size_mb=MAX_UPLOAD_BYTES // (1024 * 1024), max_files=MAX_FILES)
