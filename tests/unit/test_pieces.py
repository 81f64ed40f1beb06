"""Supporting documents in the storage layer (storage/pieces/): what a file may be (a passive PDF kept as sent, a JPEG
or PNG re-encoded, nothing whose content differs from its name), which section asks for which document, and how long
a document lives: with its pending request, then as one of the family's pièces once validated, deleted at once when
the request is withdrawn or cancelled, whoever calls the storage functions; at most MAX_AWAITING wait per family.
A pre-registration's documents move to the new family's pièces on validation, or go with it.
"""
from __future__ import annotations

import copy
import io

import pytest
from PIL import Image

from storage.demo import demo_families
from storage.documents import DocumentStore
from storage.families import Families
from storage.pieces.checks import MAX_FILES, Piece, PieceRefused, checked_piece, content_format, display_name
from storage.pieces.family import (MAX_AWAITING, PIECE_HOOKS, attach_pieces, awaiting_pieces, kept_pieces,
                                   piece_files, request_document)
from storage.pieces.kinds import (DEFAULT_RULES, DocumentField, clean_document_rules, document_fields,
                                  missing_documents, reminders, type_key)
from storage.pieces.preregistration import MAX_WAITING, preregistration_files
from storage.preregistrations import Preregistrations
from storage.requests import (RequestRefused, cancel_request, register_decision_hooks, submit_request,
                              validate_request, withdraw_request)
from storage.counters import Numbers

FAMILY, OTHER = "770400070", "770400080"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SCRIPT_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
              b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
LAUNCH_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /Launch /F (cmd.exe) >> >> endobj\n"
              b"trailer << /Root 1 0 R >>\n%%EOF\n")
CAF = DocumentField("attestation-de-quotient-familial-caf", "Attestation de quotient familial (CAF)")
SETTINGS = {"documents": {"rules": DEFAULT_RULES}}


def image(kind: str, size=(3000, 1500), exif: bool = False) -> bytes:
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, (30, 120, 200))
    if exif:
        data = picture.getexif()
        data[0x010F] = "Appareil de test"  # Make
        picture.save(buffer, kind, exif=data)
    else:
        picture.save(buffer, kind)
    return buffer.getvalue()


def check(raw: bytes, filename: str, media_type: str = "application/octet-stream") -> Piece:
    return checked_piece(raw, filename, media_type, "piece-caf", CAF.key, CAF.label)


def refusal(raw: bytes, filename: str, media_type: str = "application/octet-stream") -> str:
    with pytest.raises(PieceRefused) as refused:
        check(raw, filename, media_type)
    assert refused.value.field == "piece-caf"
    return str(refused.value)


# --- what a document may be ------------------------------------------------------------------------------------------

def test_a_passive_pdf_is_kept_byte_for_byte():
    piece = check(PDF, "attestation.pdf", "application/pdf")
    assert (piece.content, piece.extension, piece.name, piece.type_label) == (PDF, "pdf", "attestation.pdf", CAF.label)


@pytest.mark.parametrize("kind, filename", [("JPEG", "photo.jpg"), ("JPEG", "PHOTO.JPEG"), ("PNG", "scan.png")])
def test_a_photo_is_re_encoded_as_a_jpeg_of_2000_pixels_at_most_without_metadata(kind, filename):
    piece = check(image(kind, exif=kind == "JPEG"), filename)
    assert piece.extension == "jpg"
    with Image.open(io.BytesIO(piece.content)) as result:
        assert result.format == "JPEG" and max(result.size) == 2000 and result.size == (2000, 1000)
        assert not result.getexif()


def test_a_small_photo_keeps_its_size():
    with Image.open(io.BytesIO(check(image("PNG", (800, 600)), "rib.png").content)) as result:
        assert result.size == (800, 600)


def test_an_empty_file_is_refused():
    assert "le fichier est vide" in refusal(b"", "vide.pdf")


def test_a_file_over_5_mb_is_refused_before_anything_else():
    assert "dépasse 5 Mo" in refusal(PDF + b"\0" * (5 * 1024 * 1024), "gros.pdf")


@pytest.mark.parametrize("filename, media_type", [("document.gif", "image/gif"), ("document.docx", ""),
                                                  ("sans-extension", "application/octet-stream")])
def test_a_format_other_than_pdf_jpeg_png_is_refused(filename, media_type):
    assert "seuls les PDF et les images JPEG ou PNG sont acceptés" in refusal(PDF, filename, media_type)


@pytest.mark.parametrize("raw, filename, says", [
    (image("PNG"), "attestation.pdf", "il se présente comme un PDF, mais c'est en réalité une image PNG"),
    (PDF, "photo.jpg", "il se présente comme une image JPEG, mais c'est en réalité un PDF"),
    (b"<html><script>alert(1)</script></html>", "attestation.pdf",
     "il se présente comme un PDF, mais son contenu n'est ni un PDF, ni une image"),
    (b"MZ\x90\x00" + b"\0" * 200, "photo.png", "il se présente comme une image PNG, mais son contenu n'est ni"),
], ids=["PNG named .pdf", "PDF named .jpg", "HTML named .pdf", "executable named .png"])
def test_a_file_whose_content_is_not_what_its_name_says_is_refused_in_french(raw, filename, says):
    message = refusal(raw, filename)
    assert says in message and f"« {filename} » refusé" in message


def test_a_name_and_a_declared_type_that_disagree_are_refused():
    assert "son nom et le type annoncé" in refusal(PDF, "attestation.pdf", "image/png")


def test_the_declared_type_stands_for_a_missing_extension():
    assert check(PDF, "attestation", "application/pdf").extension == "pdf"


@pytest.mark.parametrize("raw", [SCRIPT_PDF, LAUNCH_PDF], ids=["JavaScript", "Launch"])
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(raw):
    assert "ce PDF contient du code ou des actions automatiques" in refusal(raw, "attestation.pdf")


def test_a_pdf_that_cannot_be_inspected_is_refused():
    encrypted = PDF.replace(b"trailer << /Root 1 0 R >>", b"trailer << /Root 1 0 R /Encrypt 5 0 R >>")
    assert "ce PDF ne peut pas être vérifié" in refusal(encrypted, "attestation.pdf")


def test_a_refusal_asks_to_choose_the_files_again():
    assert refusal(b"", "x.pdf").endswith("choisissez-les de nouveau.")


def test_the_shown_name_loses_folders_and_control_characters():
    assert display_name("C:\\Users\\moi\\avis\x00 2025.pdf") == "avis 2025.pdf"
    assert len(display_name("a" * 300 + ".pdf")) == 80
    assert content_format(b"GIF89a") is None


# --- which section asks for which document ---------------------------------------------------------------------------

def test_the_defaults_ask_for_the_documents_of_the_brief_and_require_only_the_rib():
    asked = {key: [(f.label, f.required) for f in document_fields(SETTINGS, key)]
             for key in ("tax", "caf", "bank", "child_health", "preregistration", "parent1")}
    assert asked == {
        "tax": [("Avis d'imposition", False)],
        "caf": [("Attestation de quotient familial (CAF)", False)],
        "bank": [("RIB (relevé d'identité bancaire)", True)],
        "child_health": [("Carnet de vaccination", False), ("PAI (projet d'accueil individualisé)", False)],
        "preregistration": [("Justificatif de domicile", False)],
        "parent1": [],
    }
    assert document_fields({}, "bank") == document_fields(SETTINGS, "bank")


def test_a_type_key_has_no_digits_so_form_anchors_stay_distinct():
    assert type_key("Attestation CAF 2025 (n°2)") == "attestation-caf-n"
    assert type_key("Avis d'impôt") == "avis-d-impot"
    assert type_key("2025") == "document"


def test_a_required_document_not_sent_is_named():
    rib = document_fields(SETTINGS, "bank")[0]
    assert missing_documents((rib,), set()) == {
        rib.name: "Joignez ce document : « RIB (relevé d'identité bancaire) » est obligatoire pour cette demande."}
    assert missing_documents((rib,), {rib.key}) == {}


def test_the_agent_may_ask_for_each_document_of_the_section():
    assert reminders(SETTINGS, "child_health") == ["Merci de joindre : Carnet de vaccination.",
                                                   "Merci de joindre : PAI (projet d'accueil individualisé)."]
    assert reminders(SETTINGS, "parent1") == []


def test_the_settings_form_keeps_named_lines_and_refuses_doubles_and_missing_sections():
    form = {"doc_label_0": " Avis  d'imposition ", "doc_section_0": "tax", "doc_required_0": "1",
            "doc_label_1": "", "doc_section_1": "caf",
            "doc_label_2": "Justificatif de domicile", "doc_section_2": "parent1"}
    rules, errors, _ = clean_document_rules(form)
    assert errors == {}
    assert rules == [{"label": "Avis d'imposition", "section": "tax", "required": True},
                     {"label": "Justificatif de domicile", "section": "parent1", "required": False}]
    _, errors, rows = clean_document_rules({"doc_label_0": "RIB", "doc_section_0": "bank",
                                            "doc_label_1": "rib", "doc_section_1": "bank",
                                            "doc_label_2": "Facture", "doc_section_2": "",
                                            "doc_label_3": "Bulletin\x01", "doc_section_3": "tax"})
    assert set(errors) == {"doc_label_1", "doc_section_2", "doc_label_3"}
    assert rows[2] == {"label": "Facture", "section": "", "required": False}


# --- a request's documents -------------------------------------------------------------------------------------------

@pytest.fixture
def families(tmp_path):
    register_decision_hooks("pieces", PIECE_HOOKS)  # as create_app does
    families = Families(DocumentStore(tmp_path / "data"))
    for family_id in (FAMILY, OTHER):
        families.create(family_id, copy.deepcopy(demo_families()[FAMILY]), "hash")
    return families


def send(families, qf: int, pieces: list[Piece], family_id: str = FAMILY) -> int:
    files = piece_files(families.documents.root)
    return submit_request(families, family_id, "caf", {"qf": qf}, attach=attach_pieces(files, family_id, pieces, "f"))


def attestation(name: str = "attestation.pdf") -> Piece:
    return check(PDF, name)


def files_of(families, family_id: str = FAMILY) -> list[str]:
    return piece_files(families.documents.root).names(family_id)


def documents_of(families, request_id: int) -> list[dict]:
    return families.read(FAMILY).table("requests").get(doc_id=request_id)["documents"]


def test_a_request_records_its_documents_and_stores_them_in_the_family_folder(families):
    request_id = send(families, 810, [attestation(), check(image("PNG"), "page2.png")])
    documents = documents_of(families, request_id)
    assert [(d["type"], d["name"], d["content"]) for d in documents] == [
        (CAF.label, "attestation.pdf", "pdf"), (CAF.label, "page2.png", "jpg")]
    assert sorted(d["file"] for d in documents) == files_of(families)
    assert all(d["created_at"] and d["size"] > 0 for d in documents)


def test_a_refused_change_stores_no_document(families):
    with pytest.raises(RequestRefused, match="Aucune modification"):
        send(families, 780, [attestation()])  # the demo's current quotient: no change
    assert files_of(families) == []


@pytest.mark.parametrize("close", [
    lambda f, r: withdraw_request(f, FAMILY, r),
    lambda f, r: cancel_request(f, FAMILY, r, "agent", "Merci de joindre")], ids=["withdrawn", "cancelled"])
def test_a_withdrawn_or_cancelled_request_deletes_its_documents_at_once(families, close):
    request_id = send(families, 810, [attestation()])
    kept_id = send(families, 820, [attestation("autre.pdf")], family_id=FAMILY)
    close(families, request_id)
    assert files_of(families) == [documents_of(families, kept_id)[0]["file"]]
    assert request_document(families.read(FAMILY), request_id, documents_of(families, request_id)[0]["file"]) is None
    assert kept_pieces(families.read(FAMILY)) == []


def test_a_validated_request_keeps_its_documents_as_the_family_pieces(families):
    request_id = send(families, 810, [attestation()])
    assert validate_request(families, FAMILY, request_id, "agent").outcome == "validated"
    db = families.read(FAMILY)
    (piece,) = kept_pieces(db)
    document = documents_of(families, request_id)[0]
    assert {k: piece[k] for k in ("type", "section", "file", "name", "created_at", "request_id", "validated_by")} == {
        "type": CAF.label, "section": "caf", "file": document["file"], "name": "attestation.pdf",
        "created_at": document["created_at"], "request_id": request_id, "validated_by": "agent"}
    assert piece["validated_at"] == db.table("requests").get(doc_id=request_id)["decided_at"]
    assert files_of(families) == [document["file"]]
    assert awaiting_pieces(db) == []


def test_at_most_max_awaiting_documents_wait_per_family(families):
    for qf in range(MAX_AWAITING // MAX_FILES):
        send(families, 1000 + qf, [attestation()] * MAX_FILES)
    assert len(awaiting_pieces(families.read(FAMILY))) == MAX_AWAITING
    with pytest.raises(PieceRefused) as refused:
        send(families, 999, [attestation()])
    assert f"déjà {MAX_AWAITING} pièces justificatives en attente" in str(refused.value)
    assert len(files_of(families)) == MAX_AWAITING
    send(families, 999, [attestation()], family_id=OTHER)  # another family is not counted
    validate_request(families, FAMILY, 1, "agent")
    send(families, 998, [attestation()])  # a decision frees places


def test_files_no_request_points_to_are_swept_at_the_next_sending(families):
    stray = piece_files(families.documents.root).save(FAMILY, PDF, "pdf")
    request_id = send(families, 810, [attestation()])
    assert stray not in files_of(families)
    assert files_of(families) == [documents_of(families, request_id)[0]["file"]]


def test_a_document_is_found_only_in_the_request_that_carries_it(families):
    request_id = send(families, 810, [attestation()])
    name = documents_of(families, request_id)[0]["file"]
    other_request = send(families, 810, [attestation()], family_id=OTHER)
    assert request_document(families.read(FAMILY), request_id, name)["file"] == name
    assert request_document(families.read(OTHER), other_request, name) is None
    assert request_document(families.read(OTHER), request_id, name) is None


# --- a pre-registration's documents ----------------------------------------------------------------------------------

NEW_FAMILY = {"parent1": {"title": "Mme", "last_name": "NOUVEL", "first_name": "Anne", "email": "a@example.fr"},
              "parent2": None, "children": [{"first_name": "Paul", "last_name": "NOUVEL", "birth_date": "2019-05-04",
                                             "sex": "M"}], "message": ""}
DOMICILE = DocumentField("justificatif-de-domicile", "Justificatif de domicile")


def proof() -> Piece:
    return checked_piece(PDF, "facture-edf.pdf", "", "piece-" + DOMICILE.key, DOMICILE.key, DOMICILE.label)


@pytest.fixture
def registry(families):
    return Preregistrations(families.documents)


def test_a_validated_pre_registration_moves_its_documents_to_the_new_family(families, registry):
    number = registry.submit(NEW_FAMILY, [proof()], "piece-justificatif-de-domicile")
    folder = preregistration_files(families.documents.root)
    assert len(folder.names(str(number))) == 1
    registry.validate(number, "agent", families, Numbers(families.documents, families))
    family_id = registry.get(number)["family_id"]
    (piece,) = kept_pieces(families.read(family_id))
    assert (piece["type"], piece["section"], piece["preregistration_id"], piece["name"]) == (
        "Justificatif de domicile", "preregistration", number, "facture-edf.pdf")
    assert folder.names(str(number)) == []
    assert piece_files(families.documents.root).path(family_id, piece["file"]).read_bytes() == PDF


def test_moving_a_pre_registration_documents_again_after_a_crash_copies_nothing_twice(families, registry):
    from storage.pieces.preregistration import keep_preregistration_pieces
    number = registry.submit(NEW_FAMILY, [proof()], "f")
    doc = registry.get(number)
    families.create("770400099", {"children": []}, "hash")
    keep_preregistration_pieces(families, "770400099", number, doc, "agent", "2026-12-02T09:00:00")
    keep_preregistration_pieces(families, "770400099", number, doc, "agent", "2026-12-02T09:00:00")
    assert len(kept_pieces(families.read("770400099"))) == 1
    assert len(files_of(families, "770400099")) == 1


def test_a_cancelled_or_deleted_pre_registration_deletes_its_documents(families, registry):
    first = registry.submit(NEW_FAMILY, [proof()], "f")
    second = registry.submit(NEW_FAMILY, [proof()], "f")
    folder = preregistration_files(families.documents.root)
    assert registry.cancel(first, "agent", "doublon")
    assert registry.delete_pending([second], "agent") == [second]
    assert folder.names(str(first)) == [] and folder.names(str(second)) == []


def test_at_most_max_waiting_documents_wait_with_pre_registrations(families, registry, monkeypatch):
    monkeypatch.setattr("storage.pieces.preregistration.MAX_WAITING", 2)
    registry.submit(NEW_FAMILY, [proof(), proof()], "piece-x")
    with pytest.raises(PieceRefused) as refused:
        registry.submit(NEW_FAMILY, [proof()], "piece-x")
    assert refused.value.field == "piece-x" and "apportez-le" in str(refused.value)
    assert len(registry.pending()) == 1
    registry.submit(NEW_FAMILY, [], "piece-x")  # without the document, the pre-registration goes
    assert MAX_WAITING == 100
