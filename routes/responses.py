"""Answers that are files: a PDF the portal made, and a family's uploaded file served so that it can do no harm."""
from __future__ import annotations

import re
import unicodedata

import bottle
from bottle import abort, request


def ascii_filename(name: str) -> str:
    """name as a Content-Disposition filename every browser takes: accents dropped, anything else a dash."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode())


def pdf_response(data: bytes, filename: str, download: bool = False):
    """A PDF answer: shown in the browser (Imprimer) or saved (Archiver / télécharger)."""
    disposition = "attachment" if download else "inline"
    ascii_name = ascii_filename(filename)
    return bottle.HTTPResponse(data, **{"Content-Type": "application/pdf",
                                        "Content-Disposition": f'{disposition}; filename="{ascii_name}"'})


# An uploaded file, opened on its own in a browser, runs nothing, loads nothing and reaches no page of ours.
UPLOAD_POLICY = "sandbox; default-src 'none'"


def upload_response(files, family_id: str, name: str | None, download_name: str | None = None):
    """One of a family's uploaded files (photo, certificate, supporting document); 404 when absent. A PDF, and any
    file given a download_name, is a download, never shown in the page; no upload is sniffed as another type, run
    with our origin, or kept by any cache."""
    path = files.path(family_id, name)
    if path is None:
        abort(404)
    request.environ["portal.upload"] = True
    headers = {"Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store",
               "Content-Security-Policy": UPLOAD_POLICY}
    if path.suffix == ".pdf":
        headers.update({"Content-Type": "application/pdf",
                        "Content-Disposition": 'attachment; filename="justificatif.pdf"'})
    if download_name:
        headers["Content-Disposition"] = f'attachment; filename="{ascii_filename(download_name)[:80] or "document"}"'
    return bottle.HTTPResponse(path.read_bytes(), **headers)
