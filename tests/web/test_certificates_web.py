"""Absence certificates through the web: a PDF with JavaScript or a launch action is refused in French (the values
typed kept), a certificate goes when its request is withdrawn or cancelled and its URLs answer 404, a validated one
stays; an identical pending absence and a 21st waiting certificate are refused; every upload (certificate, photo) is
served as an attachment (PDF) with nosniff, a sandboxing policy and no caching; a family never reaches another
family's certificate.

The clock is pinned on Wednesday 02/12/2026 at 09:00.
"""
from __future__ import annotations

import io
import zlib
from datetime import date, timedelta

import pytest
from PIL import Image

from helpers import csrf_from as csrf
from helpers import FAMILY_A, FAMILY_B
from pages import PDF, UPLOAD_HEADERS, field_error, soup

pytestmark = pytest.mark.usefixtures("frozen_clock")
# FAMILY_A: Léa (1) at the canteen Mon/Tue/Thu/Fri; FAMILY_B: Ahmed (2) morning care
HOSTILE_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
               b"2 0 obj << /S /JavaScript /JS (app.alert(1)) /Next << /S /Launch /F (cmd.exe) >> >> endobj\n"
               b"trailer << /Root 1 0 R >>\n%%EOF\n")
HIDDEN_JS = zlib.compress(b"3 0 << /S /JavaScript /JS (app.alert(1)) >>")
HIDDEN_PDF = (b"%PDF-1.5\n1 0 obj << /Type /Catalog /OpenAction 3 0 R >> endobj\n"
              + b"2 0 obj << /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(HIDDEN_JS)
              + HIDDEN_JS + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
ACTIVE_PDF = ("Justificatif refusé : ce PDF contient du code ou des actions automatiques (JavaScript, lancement d'un "
              "programme ou d'une adresse web, fichier joint). Envoyez un PDF simple ou une photo du certificat.")


def declare(client, day: str = "2026-12-07", certificate=("certificat.pdf", PDF), child: str = "1",
            service: str = "cantine", comment: str = ""):
    page = client.get("/absences/nouvelle")
    fields = {"csrf_token": csrf(page), "child_service": f"{child}:{service}", "start": day, "end": day,
              "reason": "maladie", "comment": comment}
    return client.post("/absences/nouvelle", fields, upload_files=[("certificate",) + certificate] if certificate else [],
                       status="*")


def newest_absence(app, family_id: str = FAMILY_A):
    return max((r for r in app.portal.families.read(family_id).table("requests").all() if r["section"] == "absence"),
               key=lambda r: r.doc_id)


def certificate_files(app, family_id: str = FAMILY_A) -> list:
    folder = app.portal.certificates.folder / family_id
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def decide(agent, request_id: int, verb: str, family_id: str = FAMILY_A):
    page = agent.get(f"/agent/demandes/{family_id}")
    return agent.post(f"/agent/demandes/{family_id}/{request_id}/{verb}", {"csrf_token": csrf(page)}, status="*")


def withdraw(client, request_id: int):
    page = client.get("/mes-demandes")
    return client.post(f"/mes-demandes/{request_id}/retirer", {"csrf_token": csrf(page)}, status="*")


def school_days(count: int) -> list[str]:
    """count canteen days (Mon, Tue, Thu, Fri) from Monday 04/01/2027, inside the demo's school periods."""
    days, day = [], date(2027, 1, 4)
    while len(days) < count:
        if day.weekday() in (0, 1, 3, 4):
            days.append(day.isoformat())
        day += timedelta(days=1)
    return days


# --- what a certificate may be -------------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [HOSTILE_PDF, HIDDEN_PDF], ids=["open action script and launch",
                                                                    "script in a compressed object stream"])
def test_pdf_with_javascript_or_launch_is_refused_in_french_keeping_the_values(demo_app, family, content):
    before = len(demo_app.portal.families.read(FAMILY_A).table("requests"))
    page = declare(family, certificate=("certificat.pdf", content), comment="angine")
    assert page.status_int == 200
    assert field_error(page, "f-certificate") == ACTIVE_PDF
    html = soup(page)
    assert html.find(id="f-start")["value"] == "2026-12-07" and html.find(id="f-comment")["value"] == "angine"
    assert len(demo_app.portal.families.read(FAMILY_A).table("requests")) == before
    assert certificate_files(demo_app) == []


def test_pdf_whose_objects_cannot_be_read_is_refused_in_french(demo_app, family):
    hidden = HIDDEN_PDF.replace(b"/FlateDecode", b"/LZWDecode")
    page = declare(family, certificate=("certificat.pdf", hidden))
    assert field_error(page, "f-certificate") == (
        "Justificatif refusé : ce PDF ne peut pas être vérifié (fichier protégé, endommagé ou compressé d'une façon "
        "non prise en charge). Envoyez une photo du certificat ou un autre PDF.")
    assert certificate_files(demo_app) == []


# --- how long it lives ----------------------------------------------------------------------------------------------

def test_withdrawn_absence_deletes_its_certificate_and_its_urls_answer_404(demo_app, family, agent):
    assert declare(family).status_int == 303
    request_id = newest_absence(demo_app).doc_id
    assert family.get(f"/absences/{request_id}/justificatif").body == PDF
    assert withdraw(family, request_id).status_int == 303
    assert certificate_files(demo_app) == []
    assert family.get(f"/absences/{request_id}/justificatif", status="*").status_int == 404
    assert agent.get(f"/agent/demandes/{FAMILY_A}/{request_id}/justificatif", status="*").status_int == 404


def test_cancelled_absence_deletes_its_certificate(demo_app, family, agent):
    assert declare(family).status_int == 303
    request_id = newest_absence(demo_app).doc_id
    assert decide(agent, request_id, "annuler").status_int == 303
    assert certificate_files(demo_app) == []
    assert family.get(f"/absences/{request_id}/justificatif", status="*").status_int == 404
    assert agent.get(f"/agent/demandes/{FAMILY_A}/{request_id}/justificatif", status="*").status_int == 404


def test_validated_absence_keeps_its_certificate(demo_app, family, agent):
    assert declare(family).status_int == 303
    request_id = newest_absence(demo_app).doc_id
    assert decide(agent, request_id, "valider").status_int == 303
    assert len(certificate_files(demo_app)) == 1
    assert family.get(f"/absences/{request_id}/justificatif").body == PDF
    assert agent.get(f"/agent/demandes/{FAMILY_A}/{request_id}/justificatif").body == PDF


def test_certificate_left_by_a_withdrawal_before_the_fix_is_not_served(demo_app, family):
    assert declare(family).status_int == 303
    request = newest_absence(demo_app)
    with demo_app.portal.families.transaction(FAMILY_A) as db:  # withdrawn, its file still there
        db.table("requests").update({"status": "withdrawn"}, doc_ids=[request.doc_id])
    assert len(certificate_files(demo_app)) == 1
    assert family.get(f"/absences/{request.doc_id}/justificatif", status="*").status_int == 404


# --- how many -----------------------------------------------------------------------------------------------------

def test_identical_pending_absence_is_refused_in_french(demo_app, family):
    assert declare(family).status_int == 303
    page = declare(family, certificate=("autre.pdf", PDF))
    assert page.status_int == 200
    assert field_error(page, "f-start") == ("Une absence identique (même enfant, même service, mêmes dates) est déjà "
                                            "en attente de validation : Léa, Restauration scolaire.")
    assert len(certificate_files(demo_app)) == 1
    assert len([r for r in demo_app.portal.families.read(FAMILY_A).table("requests").all()
                if r["section"] == "absence" and r["status"] == "pending"]) == 1


def test_a_twenty_first_waiting_certificate_is_refused_in_french(demo_app, family):
    days = school_days(21)
    for day in days[:20]:
        assert declare(family, day).status_int == 303, day
    page = declare(family, days[20])
    assert page.status_int == 200
    assert field_error(page, "f-certificate") == (
        "Vous avez déjà 20 justificatifs en attente de validation : attendez la réponse de la mairie ou retirez une "
        "demande avant d'en envoyer un autre.")
    assert len(certificate_files(demo_app)) == 20
    assert declare(family, days[20], certificate=None).status_int == 303  # without a certificate: accepted


# --- how it is served ------------------------------------------------------------------------------------------------

def png() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def test_certificates_and_photos_are_served_as_inert_private_files(demo_app, family, agent):
    assert declare(family).status_int == 303
    pdf_id = newest_absence(demo_app).doc_id
    assert declare(family, "2026-12-08", certificate=("scan.png", png())).status_int == 303
    jpg_id = newest_absence(demo_app).doc_id
    page = family.get("/mes-informations/enfants/1/photo")
    assert family.post("/mes-informations/enfants/1/photo", {"csrf_token": csrf(page)},
                       upload_files=[("photo", "lea.png", png())]).status_int == 303
    photo_request = max(demo_app.portal.families.read(FAMILY_A).table("requests").all(), key=lambda r: r.doc_id)
    answers = {
        "pdf": family.get(f"/absences/{pdf_id}/justificatif"),
        "pdf (agent)": agent.get(f"/agent/demandes/{FAMILY_A}/{pdf_id}/justificatif"),
        "jpg": family.get(f"/absences/{jpg_id}/justificatif"),
        "photo": family.get(f"/mes-demandes/{photo_request.doc_id}/photo.jpg"),
        "photo (agent)": agent.get(f"/agent/demandes/{FAMILY_A}/{photo_request.doc_id}/photo.jpg"),
    }
    for what, answer in answers.items():
        for name, value in UPLOAD_HEADERS.items():
            assert answer.headers.get(name) == value, (what, name, answer.headers.get(name))
    for what in ("pdf", "pdf (agent)"):
        assert answers[what].content_type == "application/pdf"
        assert answers[what].headers["Content-Disposition"] == 'attachment; filename="justificatif.pdf"'
    assert answers["jpg"].content_type == "image/jpeg" and answers["photo"].content_type == "image/jpeg"
    # The portal's own pages keep their policy.
    assert "default-src 'self'" in family.get("/inscriptions").headers["Content-Security-Policy"]


# --- whose it is -------------------------------------------------------------------------------------------------------

def test_another_family_never_reaches_a_certificate_by_number_or_url(demo_app, family, family_b):
    secret = PDF.replace(b"Catalog", b"Secret!")
    assert declare(family_b, child="2", service="matin", certificate=("b.pdf", secret)).status_int == 303
    theirs = newest_absence(demo_app, FAMILY_B).doc_id
    for number in range(0, theirs + 3):
        answer = family.get(f"/absences/{number}/justificatif", status="*")
        assert answer.status_int == 404 and secret not in answer.body, number
    answer = family.get(f"/agent/demandes/{FAMILY_B}/{theirs}/justificatif", status="*")
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion")
    assert secret not in answer.body
    assert family_b.get(f"/absences/{theirs}/justificatif").body == secret
