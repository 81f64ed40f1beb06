"""Absence certificates (justificatifs): what a family may send, how many may wait for the town hall, where they are
kept, and when they go.

A certificate is a photo (re-encoded by Pillow, storage/photos.py) or a PDF without active content
(storage/pdf_check.py), 5 MB at most. It lives below data/certificates/<family>/ as long as its absence request is
pending or validated: withdrawing or cancelling the request deletes it (the request kind's `closed` hook, called by
storage/requests.py), and files no request points to any more (a crash between two writes) are swept away when the
family sends its next certificate.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tinydb import TinyDB

from storage.families import Families
from storage.pdf_check import ACTIVE, pdf_problem
from storage.photos import CERTIFICATE_SIDE, MAX_UPLOAD_BYTES, FamilyFiles, PhotoRefused, reencode_photo

FOLDER = "certificates"
# Certificates waiting for the agent's decision, per family: enough for every child's absences of a term, few enough
# that one account cannot fill the disk (20 x 5 MB = 100 MB at most) without the town hall seeing it; a decision
# frees the place (a validated certificate is the absence's evidence and no longer counts).
MAX_AWAITING = 20
KEPT_STATUSES = ("pending", "validated")
NOT_ACCEPTED = ("Justificatif refusé : envoyez un PDF, ou une photo JPEG ou PNG, de 5 Mo au plus. "
                "Choisissez de nouveau le fichier.")
ACTIVE_PDF = ("Justificatif refusé : ce PDF contient du code ou des actions automatiques (JavaScript, lancement d'un "
              "programme ou d'une adresse web, fichier joint). Envoyez un PDF simple ou une photo du certificat.")
UNREADABLE_PDF = ("Justificatif refusé : ce PDF ne peut pas être vérifié (fichier protégé, endommagé ou compressé "
                  "d'une façon non prise en charge). Envoyez une photo du certificat ou un autre PDF.")


class CertificateRefused(Exception):
    """An upload that is not an acceptable certificate; the message is for the family, in French."""


@dataclass(frozen=True)
class Certificate:
    """A checked certificate, ready to be stored."""
    content: bytes
    extension: str  # "pdf" or "jpg"


def clean_certificate(raw: bytes) -> Certificate:
    """A PDF without active content as sent, or a photo of the certificate re-encoded as JPEG."""
    if len(raw) > MAX_UPLOAD_BYTES:
        raise CertificateRefused(NOT_ACCEPTED)
    if raw[:5] == b"%PDF-":
        problem = pdf_problem(raw)
        if problem:
            raise CertificateRefused(ACTIVE_PDF if problem == ACTIVE else UNREADABLE_PDF)
        return Certificate(raw, "pdf")
    try:
        return Certificate(reencode_photo(raw, CERTIFICATE_SIDE), "jpg")
    except PhotoRefused:
        raise CertificateRefused(NOT_ACCEPTED)


def certificate_files(root: Path) -> FamilyFiles:
    """The certificates below a data folder."""
    return FamilyFiles(root, FOLDER)


def certificate_of(db: TinyDB, request_id: int) -> str | None:
    """The certificate of an absence request still pending or validated (a withdrawn or cancelled one has none)."""
    request = db.table("requests").get(doc_id=request_id)
    if request is None or request["section"] != "absence" or request["status"] not in KEPT_STATUSES:
        return None
    return (request.get("payload") or {}).get("certificate")


def awaiting_certificates(db: TinyDB) -> list[str]:
    """The certificates of the family's absence requests that wait for the agent."""
    return [r["payload"]["certificate"] for r in db.table("requests").all()
            if r["section"] == "absence" and r["status"] == "pending" and (r.get("payload") or {}).get("certificate")]


def store_certificate(files: FamilyFiles, family_id: str, db: TinyDB, certificate: Certificate) -> str:
    """Save a family's certificate (inside the caller's transaction on db); its file name."""
    if len(awaiting_certificates(db)) >= MAX_AWAITING:
        raise CertificateRefused(f"Vous avez déjà {MAX_AWAITING} justificatifs en attente de validation : attendez "
                                 "la réponse de la mairie ou retirez une demande avant d'en envoyer un autre.")
    _forget_unused_certificates(files, family_id, db)
    return files.save(family_id, certificate.content, certificate.extension)


def _forget_unused_certificates(files: FamilyFiles, family_id: str, db: TinyDB) -> None:
    """Delete the family's certificate files that no pending or validated absence points to."""
    kept = {(r.get("payload") or {}).get("certificate") for r in db.table("requests").all()
            if r["section"] == "absence" and r["status"] in KEPT_STATUSES}
    kept |= {a.get("certificate") for a in db.table("absences").all()}
    for name in files.names(family_id):
        if name not in kept:
            files.delete(family_id, name)


def delete_certificate(families: Families, family_id: str, request: dict) -> None:
    """Once an absence request is withdrawn or cancelled, its certificate goes (a validated one stays)."""
    if request["status"] not in KEPT_STATUSES:
        certificate_files(families.documents.root).delete(family_id, (request.get("payload") or {}).get("certificate"))
