"""A family reaches only its own record, requests, children, persons and photos, never the agent area;
what a family types is shown escaped on the agent's screens.
"""
from __future__ import annotations

import copy
import io

import pytest
from PIL import Image
from webtest import TestApp

from helpers import csrf_from as csrf
from helpers import logged_in as log_in
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.families import RECORD_ID, record_of
from storage.requests import submit_request

FAMILY_A = "770400070"  # children 1, 2; person 1; request 1
FAMILY_B = "770400080"  # children 1, 2 (+3 below); person 1 (+7 below); requests 1 (+2, 3 below)
B_ONLY_CHILD, B_ONLY_PERSON, B_ONLY_REQUEST = 3, 7, 3
PAYLOAD = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


# --- helpers ---------------------------------------------------------------------------------------

def jpeg_bytes(color=(200, 30, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(output, "JPEG")
    return output.getvalue()


def snapshot(app, family_id: str) -> dict:
    """Everything stored for a family (record, requests, audit), to compare before and after an attack."""
    db = app.portal.families.read(family_id)
    return {name: [dict(doc, _id=doc.doc_id) for doc in db.table(name).all()] for name in ("record", "requests", "audit")}


@pytest.fixture
def commune(demo_app):
    """The demo commune where family B also has a child, a person, requests and photos that A's ids lack."""
    families = demo_app.portal.families
    photo_name = demo_app.portal.photos.save(FAMILY_B, jpeg_bytes())
    with families.transaction(FAMILY_B) as db:
        record = record_of(db)
        child = copy.deepcopy(record["children"][0])
        child.update(id=B_ONLY_CHILD, first_name="Yanis", photo=photo_name)
        record["children"].append(child)
        record["persons"].append(dict(record["persons"][0], id=B_ONLY_PERSON, first_name="Leila"))
        record["children"][0]["photo"] = photo_name
        db.table("record").update(record, doc_ids=[RECORD_ID])
    submit_request(families, FAMILY_B, "tax", {"income": 99999})
    pending_photo = demo_app.portal.photos.save(FAMILY_B, jpeg_bytes((10, 10, 200)))
    assert submit_request(families, FAMILY_B, "child_photo", {"photo": pending_photo},
                          target_id=B_ONLY_CHILD) == B_ONLY_REQUEST
    return demo_app


@pytest.fixture
def family_a(commune) -> TestApp:
    return log_in(commune, FAMILY_A, DEMO_ACCOUNTS[FAMILY_A])


# --- URLs with another family's ids ----------------------------------------------------------------

@pytest.mark.parametrize("url", [
    f"/mes-informations/enfants/{B_ONLY_CHILD}",
    f"/mes-informations/enfants/{B_ONLY_CHILD}/complementaires",
    f"/mes-informations/enfants/{B_ONLY_CHILD}/sanitaires",
    f"/mes-informations/enfants/{B_ONLY_CHILD}/photo",
    f"/mes-informations/enfants/{B_ONLY_CHILD}/photo.jpg",
    f"/mes-informations/personnes/{B_ONLY_PERSON}/modifier",
    f"/mes-informations/personnes/{B_ONLY_PERSON}/retirer",
    f"/mes-demandes/{B_ONLY_REQUEST}/photo.jpg",
    f"/mes-demandes/{B_ONLY_REQUEST}/retirer",
])
def test_family_cannot_open_another_familys_child_person_or_request(commune, family_a, url):
    answer = family_a.get(url, status="*")

    assert answer.status_int == 404
    assert "Yanis" not in answer.text and "Leila" not in answer.text
    assert answer.content_type == "text/html"


@pytest.mark.parametrize("url, fields", [
    (f"/mes-informations/enfants/{B_ONLY_CHILD}/complementaires", {"class_name": "CM2", "school": "Autre"}),
    (f"/mes-informations/enfants/{B_ONLY_CHILD}/sanitaires", {"doctor_name": "Dr X", "vaccinations_name_0": "BCG"}),
    (f"/mes-informations/personnes/{B_ONLY_PERSON}/modifier",
     {"last_name": "X", "first_name": "Y", "relationship": "Ami", "phone_mobile": "0611111111", "may_pick_up": "1"}),
    (f"/mes-informations/personnes/{B_ONLY_PERSON}/retirer", {}),
    (f"/mes-demandes/{B_ONLY_REQUEST}/retirer", {}),
])
def test_family_cannot_change_another_familys_child_person_or_request(commune, family_a, url, fields):
    token = csrf(family_a.get("/mes-informations"))
    a_before, b_before = snapshot(commune, FAMILY_A), snapshot(commune, FAMILY_B)

    answer = family_a.post(url, dict(fields, csrf_token=token), status="*")

    assert answer.status_int == 404
    assert snapshot(commune, FAMILY_A) == a_before
    assert snapshot(commune, FAMILY_B) == b_before


def test_family_cannot_upload_a_photo_for_another_familys_child(commune, family_a):
    token = csrf(family_a.get("/mes-informations"))
    b_before = snapshot(commune, FAMILY_B)

    answer = family_a.post(f"/mes-informations/enfants/{B_ONLY_CHILD}/photo", {"csrf_token": token},
                           upload_files=[("photo", "p.jpg", jpeg_bytes())], status="*")

    assert answer.status_int == 404
    assert snapshot(commune, FAMILY_B) == b_before
    assert not (commune.portal.photos.folder / FAMILY_A).exists()


def test_withdrawing_a_request_id_both_families_have_only_touches_ones_own(commune, family_a):
    token = csrf(family_a.get("/mes-demandes"))
    b_before = snapshot(commune, FAMILY_B)

    answer = family_a.post("/mes-demandes/1/retirer", {"csrf_token": token})

    assert answer.status_int == 303
    assert commune.portal.families.read(FAMILY_A).table("requests").get(doc_id=1)["status"] == "withdrawn"
    assert snapshot(commune, FAMILY_B) == b_before


def test_family_sees_only_its_own_requests_and_children(commune, family_a):
    demandes = family_a.get("/mes-demandes")
    assert [a["id"] for a in demandes.html.select("article.request-card")] == ["demande-1"]
    assert "BENALI" not in demandes.text
    overview = family_a.get("/mes-informations")
    assert "ABDEL" not in overview.text and "Yanis" not in overview.text
    for child_id in (1, 2):  # ids B also uses: A gets its own children
        page = family_a.get(f"/mes-informations/enfants/{child_id}")
        assert "MARTIN" in page.html.find("h1").get_text() and "ABDEL" not in page.text
    # B's child 1 has a photo, A's child 1 has none: the same URL never serves B's file
    assert family_a.get("/mes-informations/enfants/1/photo.jpg", status="*").status_int == 404


def test_hidden_fields_naming_another_family_or_target_are_ignored(commune, family_a):
    url = "/mes-informations/responsable/modifier"
    form = [f for f in family_a.get(url).forms.values() if f.action == url][0]
    fields = dict(form.submit_fields())
    fields.update(profession="Sage-femme", family_id=FAMILY_B, target_id=str(B_ONLY_CHILD), section="tax",
                  action="remove", status="validated", created_by=FAMILY_B)
    b_before = snapshot(commune, FAMILY_B)

    answer = family_a.post(url, fields)

    assert answer.status_int == 303
    assert snapshot(commune, FAMILY_B) == b_before
    request = commune.portal.families.read(FAMILY_A).table("requests").all()[-1]
    assert (request["section"], request["action"], request["target_id"], request["status"], request["created_by"]) == (
        "parent1", "update", None, "pending", FAMILY_A)
    assert [c["field"] for c in request["changes"]] == ["profession"]


@pytest.mark.parametrize("forged", [[str(B_ONLY_CHILD)], ["1", str(B_ONLY_CHILD)], ["../770400080/1"], ["1 "]])
def test_forged_children_checkbox_is_refused(commune, family_a, forged):
    url = "/mes-informations/personnes/ajouter"
    token = csrf(family_a.get(url))
    fields = [("csrf_token", token), ("last_name", "Durand"), ("first_name", "Paul"), ("relationship", "Voisin"),
              ("phone_mobile", "06 70 80 90 10"), ("may_pick_up", "1")] + [("children", c) for c in forged]
    a_before = snapshot(commune, FAMILY_A)

    answer = family_a.post(url, fields, status="*")

    assert answer.status_int == 200
    assert "Choisissez parmi vos enfants." in answer.html.find(id="f-children").get_text()
    assert snapshot(commune, FAMILY_A) == a_before


def test_forged_children_checkbox_on_modify_is_refused(commune, family_a):
    url = "/mes-informations/personnes/1/modifier"
    form = [f for f in family_a.get(url).forms.values() if f.action == url][0]
    fields = [(k, v) for k, v in form.submit_fields() if k != "children"] + [("children", str(B_ONLY_CHILD))]
    a_before = snapshot(commune, FAMILY_A)

    answer = family_a.post(url, fields, status="*")

    assert "Choisissez parmi vos enfants." in answer.text
    assert snapshot(commune, FAMILY_A) == a_before


# --- the agent area --------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/agent", "/agent/demandes", f"/agent/demandes/{FAMILY_B}", "/agent/journal",
                                 f"/agent/demandes/{FAMILY_B}/{B_ONLY_REQUEST}/photo.jpg"])
def test_family_cannot_open_agent_pages(commune, family_a, url):
    answer = family_a.get(url, status="*")

    assert answer.status_int in (303, 403, 404)
    if answer.status_int == 303:
        assert answer.location.endswith("/agent/connexion")
    assert "ABDEL" not in answer.text and "Gestion des demandes" not in answer.text


@pytest.mark.parametrize("action, fields", [
    (f"{FAMILY_B}/1/valider", {}), (f"{FAMILY_B}/1/valider", {"confirmer": "1"}),
    (f"{FAMILY_B}/1/annuler", {"motif": "x"}), (f"{FAMILY_B}/tout-valider", {}),
    (f"{FAMILY_A}/1/valider", {}), (f"{FAMILY_A}/tout-valider", {}),
])
def test_family_cannot_decide_requests(commune, family_a, action, fields):
    token = csrf(family_a.get("/mes-informations"))  # a valid token of the family's own session
    a_before, b_before = snapshot(commune, FAMILY_A), snapshot(commune, FAMILY_B)

    answer = family_a.post(f"/agent/demandes/{action}", dict(fields, csrf_token=token), status="*")

    assert answer.status_int in (303, 403, 404)
    if answer.status_int == 303:
        assert answer.location.endswith("/agent/connexion")
    assert snapshot(commune, FAMILY_A) == a_before
    assert snapshot(commune, FAMILY_B) == b_before


def test_anonymous_visitor_reaches_no_family_or_agent_data(commune):
    visitor = TestApp(commune)
    for url in ("/mes-informations", "/mes-demandes", "/mes-informations/enfants/1", "/mes-informations/enfants/1/photo.jpg",
                f"/mes-demandes/{B_ONLY_REQUEST}/photo.jpg"):
        answer = visitor.get(url, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/connexion"), url
    for url in ("/agent/demandes", f"/agent/demandes/{FAMILY_B}/{B_ONLY_REQUEST}/photo.jpg"):
        answer = visitor.get(url, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/agent/connexion"), url


def test_agent_session_does_not_open_family_pages(commune):
    agent = log_in(commune, *DEMO_AGENT, agent=True)
    answer = agent.get("/mes-informations", status="*")
    assert answer.status_int == 303 and answer.location.endswith("/connexion")


def test_post_without_the_sessions_csrf_token_is_refused(commune, family_a):
    other = log_in(commune, FAMILY_B, DEMO_ACCOUNTS[FAMILY_B])
    b_token = csrf(other.get("/mes-demandes"))
    a_before = snapshot(commune, FAMILY_A)

    for fields in ({}, {"csrf_token": b_token}):
        answer = family_a.post("/mes-demandes/1/retirer", fields, status="*")
        assert answer.status_int == 403

    assert snapshot(commune, FAMILY_A) == a_before


# --- escaping --------------------------------------------------------------------------------------

def test_html_typed_by_a_family_is_escaped_on_the_agents_screens(commune, family_a):
    url = "/mes-informations/responsable/modifier"
    form = [f for f in family_a.get(url).forms.values() if f.action == url][0]
    form["profession"] = PAYLOAD
    form["last_name"] = '"><img src=x onerror=alert(2)>'
    assert form.submit().status_int == 303
    url = "/mes-informations/personnes/ajouter"
    form = [f for f in family_a.get(url).forms.values() if f.action == url][0]
    for name, value in {"last_name": PAYLOAD, "first_name": "<b>Bob</b>", "relationship": "<i>voisin</i>",
                        "phone_mobile": "0611111111"}.items():
        form[name] = value
    form["may_pick_up"] = True
    assert form.submit().status_int == 303
    agent = log_in(commune, *DEMO_AGENT, agent=True)

    pages = {"family requests": agent.get(f"/agent/demandes/{FAMILY_A}").text}
    validate_token = csrf(agent.get(f"/agent/demandes/{FAMILY_A}"))
    agent.post(f"/agent/demandes/{FAMILY_A}/tout-valider", {"csrf_token": validate_token})
    pages["gestion"] = agent.get("/agent/demandes").text  # family B still pending; A listed if not all validated
    pages["after"] = agent.get(f"/agent/demandes/{FAMILY_A}").text
    pages["journal"] = agent.get("/agent/journal").text
    pages["dashboard"] = agent.get("/agent").text

    assert ESCAPED in pages["family requests"]
    assert "&lt;b&gt;Bob&lt;/b&gt;" in pages["family requests"]
    assert "&lt;IMG SRC=X ONERROR=ALERT(2)&gt;" in pages["family requests"]
    assert "&lt;b&gt;Bob&lt;/b&gt; &lt;SCRIPT&gt;ALERT(1)&lt;/SCRIPT&gt;" in pages["journal"]
    for name, html in pages.items():
        lowered = html.lower()
        assert "<script>alert" not in lowered, name
        assert "<img src=x" not in lowered and "<b>bob" not in lowered and "<i>voisin" not in lowered, name
    for url in ("/mes-informations/responsable", "/mes-demandes", "/mes-informations/personnes"):
        html = family_a.get(url).text.lower()
        assert "<script>alert" not in html and "<img src=x" not in html, url


def test_html_in_a_cancellation_reason_is_escaped_for_the_family(commune, family_a):
    agent = log_in(commune, *DEMO_AGENT, agent=True)
    token = csrf(agent.get(f"/agent/demandes/{FAMILY_A}"))
    agent.post(f"/agent/demandes/{FAMILY_A}/1/annuler", {"csrf_token": token, "motif": PAYLOAD})

    html = family_a.get("/mes-demandes").text

    assert ESCAPED in html and "<script>alert" not in html
