"""Supporting documents (pièces justificatives) through the web: a family attaches a PDF, a JPEG or a PNG to a change
(multipart form), every refusal is explained in French next to the file field with everything else typed kept, the
required document is asked for; the agent opens each document (an attachment, nosniff, a sandboxing policy, never
cached), asks for a missing one by cancelling, and a validated request's documents become the family's pièces, shown on
the agent's family page; a withdrawn or cancelled request's documents are deleted. Another family and an anonymous
visitor never fetch a document, by URL or by id. The pré-inscription carries a justificatif de domicile to the new
family. The agent sets which section asks for which document in Paramètres.

The clock is pinned on Wednesday 02/12/2026 at 09:00.
"""
from __future__ import annotations

import io

import pytest
from PIL import Image
from webtest import TestApp

from demo_usage import NEW_FAMILY
from helpers import FAMILY_A, FAMILY_B, FakeClock, csrf_from, logged_in
from portal import create_app
from routes.web import DOCUMENTS_BODY_BYTES, ERROR_TEXTS
from pages import PDF, UPLOAD_HEADERS, field_error
from storage.demo import DEMO_AGENT
from storage.pieces.preregistration import preregistration_files
from storage.protection.submissions import MIN_FILL_SECONDS

pytestmark = pytest.mark.usefixtures("frozen_clock")
CAF_FORM, CAF_PAGE = "/mes-informations/caf/modifier", "/mes-informations/caf"
CAF_FIELD = "piece-attestation-de-quotient-familial-caf"
RIB_FIELD = "piece-rib-releve-d-identite-bancaire"
BANK_FORM = "/mes-informations/coordonnees-bancaires/modifier"
HOME_FIELD = "piece-justificatif-de-domicile"
CAF_LABEL = "Attestation de quotient familial (CAF)"
SCRIPT_PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n"
              b"2 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def picture(kind: str, size=(1200, 900)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (240, 240, 230)).save(buffer, kind)
    return buffer.getvalue()


def form_of(page, action: str):
    return next(form for form in page.forms.values() if form.action == action)


def send(client, url: str, values: dict, files: dict[str, list[tuple]] | None = None):
    """Open the form at url as the family sees it, type values, choose files (input name -> [(name, content)]), send."""
    form = form_of(client.get(url), url)
    for name, value in values.items():
        form[name] = value
    for name, chosen in (files or {}).items():
        form[name] = chosen
    return form.submit(status="*")


def send_caf(client, qf: str = "810", files=None, **values):
    return send(client, CAF_FORM, {"qf": qf, **values}, {CAF_FIELD: files} if files is not None else None)


def requests_of(app, family_id: str = FAMILY_A) -> list:
    return app.portal.families.read(family_id).table("requests").all()


def newest(app, family_id: str = FAMILY_A):
    return max(requests_of(app, family_id), key=lambda r: r.doc_id)


def stored_files(app, family_id: str = FAMILY_A) -> list[str]:
    return app.portal.pieces.names(family_id)


def piece_links(page) -> list[str]:
    return [a["href"] for a in page.html.select("a[href]") if "/pieces/" in a["href"]]


def decide(agent, request_id: int, verb: str, family_id: str = FAMILY_A, **fields):
    page = agent.get(f"/agent/demandes/{family_id}")
    return agent.post(f"/agent/demandes/{family_id}/{request_id}/{verb}", dict(fields, csrf_token=csrf_from(page)),
                      status="*")


def assert_served_inert(answer, filename: str) -> None:
    assert answer.status_int == 200
    assert answer.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    for name, value in UPLOAD_HEADERS.items():
        assert answer.headers[name] == value, name


# --- each format ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("filename, content, stored_as", [
    ("attestation.pdf", PDF, "pdf"), ("attestation.jpg", picture("JPEG"), "jpg"),
    ("attestation.png", picture("PNG"), "jpg")], ids=["PDF", "JPEG", "PNG"])
def test_a_document_of_each_format_goes_with_the_change_and_the_agent_opens_it(demo_app, family, agent, filename,
                                                                                content, stored_as):
    answer = send_caf(family, files=[(filename, content)])
    assert answer.status_int == 303 and answer.location.endswith(CAF_PAGE)
    request = newest(demo_app)
    (document,) = request["documents"]
    assert (document["type"], document["name"], document["content"]) == (CAF_LABEL, filename, stored_as)
    assert stored_files(demo_app) == [document["file"]]

    card = agent.get(f"/agent/demandes/{FAMILY_A}").html.find(id=f"demande-{request.doc_id}")
    link = card.find("a", href=f"/agent/demandes/{FAMILY_A}/{request.doc_id}/pieces/{document['file']}")
    assert link is not None and CAF_LABEL in link.get_text() and filename in card.get_text()
    opened = agent.get(link["href"])
    assert_served_inert(opened, f"attestation-de-quotient-familial-caf.{stored_as}")
    if stored_as == "pdf":
        assert opened.body == PDF and opened.headers["Content-Type"] == "application/pdf"
    else:
        assert opened.body[:3] == b"\xff\xd8\xff" and opened.headers["Content-Type"] == "image/jpeg"
    mine = family.get(f"/mes-demandes/{request.doc_id}/pieces/{document['file']}")
    assert mine.body == opened.body
    assert f"/mes-demandes/{request.doc_id}/pieces/{document['file']}" in piece_links(family.get("/mes-demandes"))


def test_three_documents_may_go_together_and_the_form_says_what_it_asks_for(demo_app, family):
    page = family.get(CAF_FORM)
    form = page.html.find("form", action=CAF_FORM)
    assert form["enctype"] == "multipart/form-data"
    field = form.find("input", attrs={"name": CAF_FIELD})
    assert field["type"] == "file" and field.has_attr("multiple")
    assert form.find("label", attrs={"for": f"f-{CAF_FIELD}"}).get_text(" ", strip=True) == f"{CAF_LABEL} — facultatif"
    answer = send_caf(family, files=[("p1.pdf", PDF), ("p2.jpg", picture("JPEG")), ("p3.png", picture("PNG"))])
    assert answer.status_int == 303
    assert [d["name"] for d in newest(demo_app)["documents"]] == ["p1.pdf", "p2.jpg", "p3.png"]


# --- each refusal ---------------------------------------------------------------------------------------------------

REFUSALS = {
    "too big": ([("attestation.pdf", PDF + b"\0" * (5 * 1024 * 1024))], "dépasse 5 Mo"),
    "not a PDF, JPEG or PNG": ([("attestation.gif", b"GIF89a" + b"\0" * 100)], "seuls les PDF et les images JPEG"),
    "disguised": ([("attestation.pdf", picture("PNG"))], "il se présente comme un PDF, mais c'est en réalité une image"),
    "PDF with JavaScript": ([("attestation.pdf", SCRIPT_PDF)], "ce PDF contient du code ou des actions automatiques"),
    "too many": ([("p1.pdf", PDF), ("p2.pdf", PDF), ("p3.pdf", PDF), ("p4.pdf", PDF)],
                 "Vous avez choisi 4 fichiers : 3 au plus par demande."),
}


@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_refused_document_is_explained_next_to_its_field_and_everything_typed_is_kept(demo_app, family, case):
    files, says = REFUSALS[case]
    before = requests_of(demo_app)
    answer = send_caf(family, files=files, number="998877", qf_date="2026-09-01")
    assert answer.status_int == 200
    error = field_error(answer, f"f-{CAF_FIELD}")
    assert says in error and error.endswith("choisissez-les de nouveau.")
    assert "Rien n'a été enregistré" in answer.text
    form = answer.html.find("form", action=CAF_FORM)
    assert form.find(id="f-qf")["value"] == "810" and form.find(id="f-number")["value"] == "998877"
    assert form.find(id="f-qf_date")["value"] == "2026-09-01"
    assert form.find(id=f"f-{CAF_FIELD}")["aria-describedby"].endswith(f"f-{CAF_FIELD}-error")
    assert requests_of(demo_app) == before
    assert stored_files(demo_app) == []


def test_a_valid_document_sent_with_a_wrong_value_must_be_chosen_again(demo_app, family):
    answer = send_caf(family, qf="beaucoup", files=[("attestation.pdf", PDF)])
    assert answer.status_int == 200 and field_error(answer, "f-qf")
    assert "Les fichiers choisis n'ont pas été conservés : choisissez-les de nouveau" in answer.text
    assert stored_files(demo_app) == []
    assert "Les fichiers choisis" not in send_caf(family, qf="beaucoup").text  # nothing chosen, nothing to say


# --- the required rule ----------------------------------------------------------------------------------------------

NEW_BANK = {"holder": "Karim MARTIN", "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR"}


def test_a_change_of_bank_details_needs_the_rib(demo_app, family):
    page = family.get(BANK_FORM)
    label = page.html.find("label", attrs={"for": f"f-{RIB_FIELD}"})
    assert "RIB (relevé d'identité bancaire) — obligatoire" in label.get_text()
    answer = send(family, BANK_FORM, NEW_BANK)
    assert answer.status_int == 200
    assert field_error(answer, f"f-{RIB_FIELD}") == ("Joignez ce document : « RIB (relevé d'identité bancaire) » est "
                                              "obligatoire pour cette demande.")
    assert answer.html.find(id="f-holder")["value"] == "Karim MARTIN"
    assert len(requests_of(demo_app)) == 1  # the demo's own
    answer = send(family, BANK_FORM, NEW_BANK, {RIB_FIELD: [("rib.pdf", PDF)]})
    assert answer.status_int == 303
    assert [d["type"] for d in newest(demo_app)["documents"]] == ["RIB (relevé d'identité bancaire)"]


def test_an_unchanged_form_says_so_before_asking_for_the_rib(family):
    answer = send(family, BANK_FORM, {})
    assert "Aucune modification" in answer.html.find(id="form-errors").get_text()
    assert field_error(answer, f"f-{RIB_FIELD}") == ""


def test_the_agent_decides_which_section_asks_for_which_document(demo_app, family, agent):
    page = agent.get("/agent/parametres")
    assert page.html.find("a", href="/agent/parametres/pieces-justificatives")
    settings = agent.get("/agent/parametres/pieces-justificatives")
    form = form_of(settings, "/agent/parametres/pieces-justificatives")
    assert form["doc_label_1"].value == CAF_LABEL and form["doc_section_1"].value == "caf"
    form["doc_required_1"] = True  # the CAF attestation becomes required
    form["doc_label_0"] = ""  # the avis d'imposition is no longer asked for
    form["doc_label_6"], form["doc_section_6"] = "Justificatif de domicile", "parent1"
    answer = form.submit(status="*")
    assert answer.status_int == 303
    assert "Pièces justificatives enregistrées" in answer.follow().text

    assert family.get("/mes-informations/donnees-fiscales/modifier").html.find("fieldset", class_="pieces") is None
    assert family.get("/mes-informations/responsable/modifier").html.find(
        "input", attrs={"name": "piece-justificatif-de-domicile", "type": "file"}) is not None
    refused = send_caf(family)
    assert "est obligatoire pour cette demande" in field_error(refused, f"f-{CAF_FIELD}")
    assert send_caf(family, files=[("a.pdf", PDF)]).status_int == 303


def test_a_settings_line_without_section_is_explained_and_nothing_changes(demo_app, agent):
    form = form_of(agent.get("/agent/parametres/pieces-justificatives"), "/agent/parametres/pieces-justificatives")
    form["doc_label_6"] = "Bulletin de salaire"
    answer = form.submit(status="*")
    assert answer.status_int == 200
    assert "Choisissez la rubrique qui demande « Bulletin de salaire »" in \
        answer.html.find(id="form-errors").get_text()
    assert answer.html.find(id="doc_label_6")["value"] == "Bulletin de salaire"
    saved = demo_app.portal.documents.read(demo_app.portal.documents.root / "settings.json").table("settings")
    assert "documents" not in (saved.get(doc_id=1) or {})


# --- how long a document lives --------------------------------------------------------------------------------------

def test_a_withdrawn_request_deletes_its_documents_and_their_urls_answer_404(demo_app, family, agent):
    send_caf(family, files=[("attestation.pdf", PDF)])
    request = newest(demo_app)
    name = request["documents"][0]["file"]
    page = family.get("/mes-demandes")
    assert family.post(f"/mes-demandes/{request.doc_id}/retirer", {"csrf_token": csrf_from(page)}).status_int == 303
    assert stored_files(demo_app) == []
    assert family.get(f"/mes-demandes/{request.doc_id}/pieces/{name}", status="*").status_int == 404
    assert agent.get(f"/agent/demandes/{FAMILY_A}/{request.doc_id}/pieces/{name}", status="*").status_int == 404
    assert piece_links(family.get("/mes-demandes")) == []


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_cancelling_may_ask_for_the_missing_document_and_deletes_those_sent(demo_app, family, agent, htmx):
    send_caf(family, files=[("illisible.jpg", picture("JPEG"))])
    request = newest(demo_app)
    card = agent.get(f"/agent/demandes/{FAMILY_A}").html.find(id=f"demande-{request.doc_id}")
    choices = [o["value"] for o in card.find("select", attrs={"name": "motif_piece"}).find_all("option")]
    assert choices == ["", f"Merci de joindre : {CAF_LABEL}."]
    headers = {"HX-Request": "true"} if htmx else {}
    page = agent.get(f"/agent/demandes/{FAMILY_A}")
    answer = agent.post(f"/agent/demandes/{FAMILY_A}/{request.doc_id}/annuler",
                        {"csrf_token": csrf_from(page), "motif_piece": choices[1], "motif": "La photo est floue."},
                        headers=headers, status="*")
    assert answer.status_int == (200 if htmx else 303)
    assert stored_files(demo_app) == []
    reason = f"Merci de joindre : {CAF_LABEL}. La photo est floue."
    assert newest(demo_app)["reason"] == reason
    shown = family.get("/mes-demandes").html.find(id=f"demande-{request.doc_id}").get_text(" ")
    assert reason in " ".join(shown.split()) and "supprimées avec la demande" in shown


def test_a_reason_not_offered_for_the_section_is_not_recorded(demo_app, family, agent):
    send_caf(family, files=[("a.pdf", PDF)])
    request_id = newest(demo_app).doc_id
    decide(agent, request_id, "annuler", motif_piece="Merci de joindre : un chèque de 500 €.")
    assert newest(demo_app)["reason"] == ""


def test_a_validated_request_keeps_its_documents_as_pieces_on_the_family_page(demo_app, family, agent):
    send_caf(family, files=[("attestation.pdf", PDF)])
    request = newest(demo_app)
    name = request["documents"][0]["file"]
    assert decide(agent, request.doc_id, "valider").status_int == 303
    assert stored_files(demo_app) == [name]
    page = agent.get(f"/agent/familles/{FAMILY_A}")
    section = page.html.find(id="h-pieces").find_parent("section")
    (row,) = section.select("tbody tr")
    cells = [" ".join(td.get_text(" ").split()) for td in row.find_all("td")]
    assert cells[0] == CAF_LABEL and cells[1].startswith("attestation.pdf (PDF")
    assert cells[2] == cells[3] == "02/12/2026 à 09h00"
    assert cells[4] == f"C.A.F. (demande n° {request.doc_id})"
    opened = agent.get(row.find("a")["href"])
    assert opened.body == PDF and row.find("a")["href"] == f"/agent/familles/{FAMILY_A}/pieces/{name}"
    assert_served_inert(opened, "attestation-de-quotient-familial-caf.pdf")
    assert family.get(f"/mes-demandes/{request.doc_id}/pieces/{name}").body == PDF
    assert "Aucune pièce justificative" in agent.get(f"/agent/familles/{FAMILY_B}").text


def test_the_family_export_lists_its_pieces(demo_app, family, agent):
    send_caf(family, files=[("attestation.pdf", PDF)])
    decide(agent, newest(demo_app).doc_id, "valider")
    exported = agent.get(f"/agent/familles/{FAMILY_A}/export.json").json
    assert [p["type"] for p in exported["pieces"]] == [CAF_LABEL]


def test_thirty_documents_wait_at_most_per_family(demo_app, family, monkeypatch):
    monkeypatch.setattr("storage.pieces.family.MAX_AWAITING", 2)
    assert send_caf(family, "801", files=[("a.pdf", PDF), ("b.pdf", PDF)]).status_int == 303
    answer = send_caf(family, "802", files=[("c.pdf", PDF)])
    assert "Vous avez déjà 2 pièces justificatives en attente de validation" in field_error(answer, f"f-{CAF_FIELD}")
    assert answer.html.find(id="f-qf")["value"] == "802"
    assert len(stored_files(demo_app)) == 2


# --- nobody else reaches a document ---------------------------------------------------------------------------------

def test_another_family_never_fetches_a_document_by_url_or_id(demo_app, family, family_b, agent):
    send_caf(family, files=[("attestation.pdf", PDF)])
    request = newest(demo_app)
    name = request["documents"][0]["file"]
    own_id = request.doc_id
    # B's own requests carry the same ids (1 is the demo's, 2 is made here): A's file is never found through them
    send_caf(family_b, "650", files=[("b.pdf", PDF)])
    b_request = newest(demo_app, FAMILY_B)
    assert b_request.doc_id == own_id
    for url in (f"/mes-demandes/{own_id}/pieces/{name}", f"/mes-demandes/1/pieces/{name}",
                f"/mes-demandes/{own_id}/pieces/..%2F..%2F{FAMILY_A}%2F{name}"):
        answer = family_b.get(url, status="*")
        assert answer.status_int == 404 and PDF not in answer.body, url
    for url in (f"/agent/demandes/{FAMILY_A}/{own_id}/pieces/{name}", f"/agent/familles/{FAMILY_A}/pieces/{name}"):
        answer = family_b.get(url, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/agent/connexion") and PDF not in answer.body
    # the agent too finds a file only under the family that owns it
    assert agent.get(f"/agent/demandes/{FAMILY_B}/{own_id}/pieces/{name}", status="*").status_int == 404
    decide(agent, own_id, "valider")
    assert agent.get(f"/agent/familles/{FAMILY_B}/pieces/{name}", status="*").status_int == 404
    assert family_b.get(f"/mes-demandes/{own_id}/pieces/{name}", status="*").status_int == 404


def test_an_anonymous_visitor_never_fetches_a_document(demo_app, family, agent):
    send_caf(family, files=[("attestation.pdf", PDF)])
    request = newest(demo_app)
    name = request["documents"][0]["file"]
    decide(agent, request.doc_id, "valider")
    anonymous = TestApp(demo_app)
    for url, login in ((f"/mes-demandes/{request.doc_id}/pieces/{name}", "/connexion"),
                       (f"/agent/demandes/{FAMILY_A}/{request.doc_id}/pieces/{name}", "/agent/connexion"),
                       (f"/agent/familles/{FAMILY_A}/pieces/{name}", "/agent/connexion"),
                       ("/agent/pre-inscriptions/1/pieces/" + name, "/agent/connexion")):
        answer = anonymous.get(url, status="*")
        assert answer.status_int == 303 and answer.location.endswith(login), url
        assert PDF not in answer.body


# --- body size ------------------------------------------------------------------------------------------------------

def test_three_documents_of_nearly_5_mb_fit_but_a_bigger_body_gets_a_413(demo_app, family):
    big = PDF + b"%" + b"0" * (5 * 1024 * 1024 - len(PDF) - 200) + b"\n"
    assert send_caf(family, files=[("a.pdf", big), ("b.pdf", big), ("c.pdf", big)]).status_int == 303
    assert len(newest(demo_app)["documents"]) == 3
    page = family.get(CAF_FORM)
    answer = family.post(CAF_FORM, {"csrf_token": csrf_from(page), "qf": "830"},
                         upload_files=[(CAF_FIELD, "a.pdf", b"\0" * DOCUMENTS_BODY_BYTES)], status="*")
    assert answer.status_int == 413 and ERROR_TEXTS[413][0] in answer.text
    page = family.get("/messages/nouveau")  # a form without documents keeps the usual limit
    answer = family.post("/messages/nouveau", {"csrf_token": csrf_from(page), "body": "x" * (9 * 1024 * 1024)},
                         status="*")
    assert answer.status_int == 413


# --- the pré-inscription --------------------------------------------------------------------------------------------

@pytest.fixture
def town(demo_dir):
    """The demo commune with a clock the pre-registration's minimum fill time can be waited on."""
    moved = FakeClock(2_000_000.0)
    app = create_app(demo_dir, clock=moved)
    yield app, moved
    app.portal.close()


def preregister(app, moved, files=None):
    visitor = TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.30"})
    page = visitor.get("/pre-inscription")
    form = form_of(page, "/pre-inscription")
    for name, value in NEW_FAMILY.items():
        form[name] = value
    if files is not None:
        form[HOME_FIELD] = files
    moved.advance(MIN_FILL_SECONDS)
    return form.submit(status="*")


def test_a_pre_registration_carries_its_justificatif_de_domicile_to_the_new_family(town):
    app, moved = town
    page = TestApp(app).get("/pre-inscription")
    assert page.html.find("form", action="/pre-inscription")["enctype"] == "multipart/form-data"
    assert preregister(app, moved, [("facture-edf.pdf", PDF)]).status_int == 303
    (doc,) = app.portal.preregistrations.pending()
    (document,) = doc["documents"]
    folder = preregistration_files(app.portal.documents.root)
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    detail = agent.get(f"/agent/pre-inscriptions/{doc.doc_id}")
    link = f"/agent/pre-inscriptions/{doc.doc_id}/pieces/{document['file']}"
    assert link in piece_links(detail)
    assert_served_inert(agent.get(link), "justificatif-de-domicile.pdf")

    answer = agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/valider", {"csrf_token": csrf_from(detail)})
    assert answer.status_int == 303
    family_id = app.portal.preregistrations.get(doc.doc_id)["family_id"]
    assert folder.names(str(doc.doc_id)) == []
    assert agent.get(link, status="*").status_int == 404
    family_page = agent.get(f"/agent/familles/{family_id}")
    (row,) = family_page.html.find(id="h-pieces").find_parent("section").select("tbody tr")
    assert "Justificatif de domicile" in row.get_text() and f"pré-inscription n° {doc.doc_id}" in row.get_text()
    assert agent.get(row.find("a")["href"]).body == PDF


def test_a_refused_justificatif_keeps_the_pre_registration_typed(town):
    app, moved = town
    answer = preregister(app, moved, [("domicile.pdf", SCRIPT_PDF)])
    assert answer.status_int == 200
    assert "ce PDF contient du code" in field_error(answer, f"f-{HOME_FIELD}")
    assert answer.html.find(id="f-p1_last_name")["value"] == NEW_FAMILY["p1_last_name"]
    assert answer.html.find(id="f-message").get_text() == NEW_FAMILY["message"]
    assert app.portal.preregistrations.all() == []


def test_the_justificatif_is_optional_unless_the_agent_requires_it(town):
    app, moved = town
    assert preregister(app, moved).status_int == 303
    app.portal.settings.save({"documents": {"rules": [
        {"label": "Justificatif de domicile", "section": "preregistration", "required": True}]}})
    answer = preregister(app, moved)
    assert answer.status_int == 200 and "est obligatoire" in field_error(answer, f"f-{HOME_FIELD}")
    assert len(app.portal.preregistrations.all()) == 1


@pytest.mark.parametrize("how", ["cancelled", "deleted"])
def test_a_cancelled_or_deleted_pre_registration_deletes_its_justificatif(town, how):
    app, moved = town
    preregister(app, moved, [("facture.pdf", PDF)])
    (doc,) = app.portal.preregistrations.pending()
    folder = preregistration_files(app.portal.documents.root)
    assert len(folder.names(str(doc.doc_id))) == 1
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    token = csrf_from(agent.get("/agent/pre-inscriptions"))
    if how == "cancelled":
        agent.post(f"/agent/pre-inscriptions/{doc.doc_id}/annuler", {"csrf_token": token, "motif": "doublon"})
    else:
        agent.post("/agent/pre-inscriptions/supprimer", {"csrf_token": token, "selection": str(doc.doc_id),
                                                         "confirmer": "1"})
    assert folder.names(str(doc.doc_id)) == []
