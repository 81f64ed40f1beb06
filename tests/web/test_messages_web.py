"""Messages through the web, without JavaScript: the family's inbox, threads, replies and Contacter la collectivité;
the agent's inbox, replies, messages to one family and announcements to all; unread counts; a family reaches
only its own threads; messages are shown escaped; bad input re-renders the form in French with the values kept.
"""
from __future__ import annotations

import pytest
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, csrf_from, login_agent, login_family
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.messages import announcements_path, post_message
from storage.wording import plural

FAMILY_A, FAMILY_B, FAMILY_C = "770400070", "770400080", "770400090"
# Demo messages. A: thread 1 (town hall welcome, unread), thread 2 (A's question, message 3 the unread reply).
# B: thread 1 (town hall, unread). C: none.
PAYLOAD = "<script>alert(1)</script>"
QUESTION = {"subject": "Cantine du mercredi", "category": "inscriptions", "body": "Bonjour,\nEst-ce possible ?\nMerci."}


# --- helpers ---------------------------------------------------------------------------------------

def family(app, family_id: str = FAMILY_A) -> TestApp:
    client = TestApp(app)
    assert login_family(client, family_id, DEMO_ACCOUNTS[family_id]).status_int == 303
    return client


def agent(app) -> TestApp:
    client = TestApp(app)
    assert login_agent(client, *DEMO_AGENT).status_int == 303
    return client


def text(element) -> str:
    return " ".join(element.get_text(" ").split()) if element is not None else ""


def rows(page) -> list[str]:
    """The text of each row of the page's inbox table."""
    table = page.html.find("table", class_="inbox")
    return [text(tr) for tr in table.find("tbody").find_all("tr")] if table else []


def nav_badge(page) -> str:
    return text(page.html.find(id="nav-messages"))


def post_form(client, url: str, values: dict, page_url: str | None = None, **kwargs):
    """POST values with the CSRF token of the page at page_url (default: url)."""
    token = csrf_from(client.get(page_url or url))
    return client.post(url, dict(values, csrf_token=token), **kwargs)


def stored(app, family_id: str) -> list[dict]:
    return [dict(m, _id=m.doc_id) for m in app.portal.families.read(family_id).table("messages").all()]


def files_of_families(app) -> dict:
    return {path.name: path.read_bytes() for path in app.portal.families.folder.glob("*.json")}


# --- the family -------------------------------------------------------------------------------------

def test_family_inbox_lists_threads_newest_first_with_unread_marked(demo_app):
    page = family(demo_app).get("/messages")
    assert page.html.find("h1").get_text() == "Boîte de réception"
    assert "2 messages non lus." in text(page.html.find("p", class_="lead"))
    subjects = [row.split(" non lu")[0] for row in rows(page)]
    assert subjects == ["Prélèvement d'octobre", "Bienvenue sur le portail famille"]
    assert all("non lu" in row for row in rows(page))
    assert "Répondu" in rows(page)[0]
    assert nav_badge(page) == "2 non lus"
    assert page.html.find("a", href="/messages/nouveau") is not None


def test_opening_a_thread_marks_it_read_and_lowers_the_counts(demo_app):
    client = family(demo_app)
    thread = client.get("/messages/2")
    articles = thread.html.find_all("article", class_="message")
    assert [text(a.find("h2")) for a in articles] == ["Vous", "Mairie — Marie Agent nouveau"]
    assert nav_badge(client.get("/messages")) == "1 non lu"
    assert demo_app.portal.index.unread_messages(FAMILY_A) == 1
    client.get("/messages/1")
    page = client.get("/messages")
    assert page.html.find(id="nav-messages") is None
    assert "Aucun message non lu." in text(page.html.find("p", class_="lead"))
    assert not any("non lu" in row for row in rows(page))
    assert text(client.get("/messages/2").html.find("article", id="message-2").find("h2")) == "Mairie — Marie Agent"


def test_thread_shows_line_breaks_and_escapes_html(demo_app):
    client = family(demo_app)
    answer = post_form(client, "/messages/nouveau", dict(QUESTION, subject=f"Objet {PAYLOAD}",
                                                          body=f"Ligne 1\n{PAYLOAD}\nLigne 3"))
    agent_url = answer.location.replace("/messages/", f"/agent/messages/{FAMILY_A}/")
    for page in (answer.follow(), agent(demo_app).get(agent_url)):
        assert PAYLOAD not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        body = page.html.find("article", id="message-1").find("div", class_="pre-line")
        assert body.get_text() == f"Ligne 1\n{PAYLOAD}\nLigne 3"
        assert text(page.html.find("h1")) == f"Objet {PAYLOAD}"


def test_family_contacts_the_town_hall_and_the_agent_sees_it_first(demo_app):
    client = family(demo_app)
    form = client.get("/messages/nouveau")
    for name in ("subject", "category", "body"):
        field = form.html.find(attrs={"name": name})
        assert form.html.find("label", attrs={"for": field["id"]}) is not None, name
    answer = post_form(client, "/messages/nouveau", QUESTION, status=303)
    thread_id = int(answer.location.rsplit("/", 1)[1])
    page = answer.follow()
    assert "Votre message a été envoyé à la mairie." in page.text
    assert "En attente de réponse de la mairie" in page.text
    message = stored(demo_app, FAMILY_A)[-1]
    keys = ("thread_id", "author", "author_name", "subject", "category", "body", "read_at")
    assert {k: message[k] for k in keys} == {
        "thread_id": thread_id, "author": "family", "author_name": "MARTIN Sophie", "subject": "Cantine du mercredi",
        "category": "inscriptions", "body": QUESTION["body"], "read_at": None}

    inbox = agent(demo_app).get("/agent/messages")
    first = rows(inbox)[0]
    assert first.startswith(f"{FAMILY_A} MARTIN Sophie Cantine du mercredi 1 non lu Inscriptions")
    assert first.endswith("Ouverte, à répondre")
    assert nav_badge(inbox) == "1 en attente de réponse"


def test_family_replies_in_its_own_thread(demo_app):
    client = family(demo_app)
    answer = post_form(client, "/messages/2/repondre", {"body": "Merci,\nc'est clair."}, page_url="/messages/2",
                       status=303)
    assert answer.location.endswith("/messages/2#message-3")  # lands on the new message
    page = answer.follow()
    bodies = [a.find("div", class_="pre-line").get_text() for a in page.html.find_all("article")]
    assert bodies[-1] == "Merci,\nc'est clair."
    assert "En attente de réponse de la mairie" in page.text
    assert demo_app.portal.index.awaiting_reply_count() == 1


def test_message_over_5000_characters_is_refused_with_the_values_kept(demo_app):
    client = family(demo_app)
    client.get("/messages/2")  # opening marks read: compare what is stored after that
    before = stored(demo_app, FAMILY_A)
    long_body = "Bonjour, " + "é" * 4995
    page = post_form(client, "/messages/nouveau", dict(QUESTION, body=long_body), status=200)
    message = "Le message ne peut pas dépasser 5\u202f000 caractères (il en compte 5\u202f004)."
    assert page.html.find(id="f-body-error").get_text() == message
    assert page.html.find(id="f-body")["aria-invalid"] == "true"
    assert page.html.find(id="f-body").get_text() == long_body
    assert page.html.find(id="f-subject")["value"] == "Cantine du mercredi"
    assert page.html.find(id="f-category").find("option", selected=True)["value"] == "inscriptions"
    assert message in page.html.find(id="form-errors").get_text()
    reply = post_form(client, "/messages/2/repondre", {"body": long_body}, page_url="/messages/2", status=200)
    assert reply.html.find(id="f-body-error").get_text() == message
    assert reply.html.find(id="f-body").get_text() == long_body
    assert stored(demo_app, FAMILY_A) == before


def test_empty_message_is_refused_in_french(demo_app):
    page = post_form(family(demo_app), "/messages/nouveau", {"subject": "", "category": "", "body": ""}, status=200)
    assert text(page.html.find(id="f-subject-error")) == "Indiquez l'objet du message."
    assert text(page.html.find(id="f-body-error")) == "Écrivez votre message."
    assert "Choisissez une catégorie" in text(page.html.find(id="f-category-error"))


# --- the agent --------------------------------------------------------------------------------------

def test_agent_inbox_shows_status_and_unread_and_opening_marks_read(demo_app):
    client = agent(demo_app)
    inbox = client.get("/agent/messages")
    assert rows(inbox) == [
        f"{FAMILY_A} MARTIN Sophie Prélèvement d'octobre 1 non lu (2 messages) Facturation "
        "12/11/2026 à 10h15 Répondue",
        f"{FAMILY_B} ABDEL Nadia Inscriptions aux vacances de Noël Inscriptions "
        "20/11/2026 à 08h30 Envoyée par la mairie",
        f"{FAMILY_A} MARTIN Sophie Bienvenue sur le portail famille Autre 01/09/2026 à 09h00 Envoyée par la mairie"]
    assert inbox.html.find(id="nav-messages") is None  # nothing awaits a reply
    thread = client.get(f"/agent/messages/{FAMILY_A}/2")
    authors = [text(a.find("h2")) for a in thread.html.find_all("article")]
    assert authors == ["Sophie MARTIN nouveau", "Mairie — Marie Agent"]
    assert "1 non lu" not in client.get("/agent/messages").text
    assert demo_app.portal.index.unread_from_families_count() == 0


def test_agent_replies_and_the_family_sees_it_unread(demo_app):
    someone = family(demo_app)
    thread_id = int(post_form(someone, "/messages/nouveau", QUESTION).location.rsplit("/", 1)[1])
    client = agent(demo_app)
    url = f"/agent/messages/{FAMILY_A}/{thread_id}"
    answer = post_form(client, url + "/repondre", {"body": "Bonjour,\nOui, c'est possible."}, page_url=url, status=303)
    assert answer.location.endswith(url + "#message-2")
    assert "Réponse envoyée à la famille 770400070." in answer.follow().text
    assert rows(client.get("/agent/messages"))[0].endswith("Répondue")
    assert nav_badge(someone.get("/messages")) == "3 non lus"
    page = someone.get(f"/messages/{thread_id}")
    last = page.html.find_all("article")[-1]
    assert text(last.find("h2")) == "Mairie — Marie Agent nouveau"
    assert last.find("div", class_="pre-line").get_text() == "Bonjour,\nOui, c'est possible."
    assert nav_badge(page) == "2 non lus"


def test_agent_reply_too_long_is_refused_with_the_value_kept(demo_app):
    client = agent(demo_app)
    url = f"/agent/messages/{FAMILY_A}/2"
    token = csrf_from(client.get(url))
    before = stored(demo_app, FAMILY_A)
    page = client.post(url + "/repondre", {"body": "x" * 5001, "csrf_token": token}, status=200)
    assert "ne peut pas dépasser 5\u202f000 caractères" in page.html.find(id="f-body-error").get_text()
    assert page.html.find(id="f-body").get_text() == "x" * 5001
    assert stored(demo_app, FAMILY_A) == before


def test_agent_writes_to_one_family_by_number(demo_app):
    client = agent(demo_app)
    form = client.get(f"/agent/messages/nouveau?famille={FAMILY_C}")
    assert form.html.find(id="f-family_id")["value"] == FAMILY_C
    assert form.html.find(id="f-recipient-family").has_attr("checked")
    values = dict(QUESTION, recipient="family", family_id=FAMILY_C, subject="Dossier incomplet")
    answer = post_form(client, "/agent/messages/nouveau", values, status=303)
    assert answer.location.endswith(f"/agent/messages/{FAMILY_C}/1")
    assert stored(demo_app, FAMILY_C)[0]["author"] == "agent"
    page = family(demo_app, FAMILY_C).get("/messages")
    assert nav_badge(page) == "1 non lu"
    assert rows(page)[0].startswith("Dossier incomplet non lu Inscriptions")
    assert "Message de la mairie" in rows(page)[0]


def test_agent_message_to_an_unknown_family_is_refused_with_the_values_kept(demo_app):
    values = dict(QUESTION, recipient="family", family_id="123456")
    page = post_form(agent(demo_app), "/agent/messages/nouveau", values, status=200)
    assert text(page.html.find(id="f-family_id-error")) == "Aucune famille ne porte le numéro « 123456 »."
    assert page.html.find(id="f-subject")["value"] == QUESTION["subject"]
    assert page.html.find(id="f-body").get_text() == QUESTION["body"]


def test_announcement_is_confirmed_then_reaches_every_family_without_writing_their_files(demo_app):
    client = agent(demo_app)
    families_before = files_of_families(demo_app)
    values = dict(QUESTION, recipient="all", subject="Fermeture le 24 décembre",
                  body="Bonjour,\nL'accueil de loisirs sera fermé le 24 décembre.")
    confirm = post_form(client, "/agent/messages/nouveau", values, status=200)
    assert "visible dans la boîte de réception des 3 familles" in confirm.text
    assert confirm.html.find("input", attrs={"name": "confirm"})["value"] == "1"
    assert not announcements_path(demo_app.portal.documents).exists()
    answer = client.post("/agent/messages/nouveau", dict(values, confirm="1", csrf_token=csrf_from(confirm)),
                         status=303)
    assert answer.location.endswith("/agent/messages/annonces/1")
    assert "Annonce publiée pour les 3 familles." in answer.follow().text
    assert files_of_families(demo_app) == families_before
    assert "Fermeture le 24 décembre" in client.get("/agent/messages").text

    expected_unread = {FAMILY_A: 3, FAMILY_B: 2, FAMILY_C: 1}
    clients = {family_id: family(demo_app, family_id) for family_id in expected_unread}
    for family_id, someone in clients.items():
        page = someone.get("/messages")
        assert rows(page)[0].startswith("Fermeture le 24 décembre non lu")
        assert "Annonce à toutes les familles" in rows(page)[0]
        assert nav_badge(page) == plural(expected_unread[family_id], "non lu", "non lus")
    page = clients[FAMILY_B].get("/messages/annonces/1")
    assert page.html.find("div", class_="pre-line").get_text() == values["body"]
    assert nav_badge(page) == "1 non lu"
    assert nav_badge(clients[FAMILY_A].get("/messages")) == "3 non lus"
    assert demo_app.portal.families.read(FAMILY_B).table("announcement_reads").all()[0]["announcement_id"] == 1


# --- security ---------------------------------------------------------------------------------------

@pytest.fixture
def b_threads(demo_app):
    """Family B gets threads 2 to 5: ids 4 and 5 exist only in B (A has messages 1 to 3)."""
    for n in range(4):
        post_message(demo_app.portal.families, FAMILY_B, author="family", author_name="ABDEL Nadia",
                     subject=f"Question privée {n}", body="Secret de B")
    return stored(demo_app, FAMILY_B)


def test_family_cannot_read_or_post_into_another_familys_thread(demo_app, b_threads):
    client = family(demo_app)
    a_before = stored(demo_app, FAMILY_A)
    token = csrf_from(client.get("/messages"))
    for thread_id in (4, 5, 3, 999):  # 3 is a reply of A, not a thread
        assert client.get(f"/messages/{thread_id}", status=404).status_int == 404
        client.post(f"/messages/{thread_id}/repondre", {"body": "Intrusion", "csrf_token": token}, status=404)
    assert "Secret de B" not in client.get("/messages").text
    client.get("/messages/annonces/1", status=404)
    assert client.get(f"/agent/messages/{FAMILY_B}/1", status=303).location.endswith("/agent/connexion")
    assert stored(demo_app, FAMILY_B) == b_threads
    assert stored(demo_app, FAMILY_A) == a_before


def test_forged_hidden_fields_only_reach_the_familys_own_thread(demo_app, b_threads):
    client = family(demo_app)
    token = csrf_from(client.get("/messages/2"))
    forged = {"thread_id": "5", "family_id": FAMILY_B, "famille": FAMILY_B, "author": "agent", "csrf_token": token}
    client.post("/messages/2/repondre", dict(forged, body="Réponse de A"), status=303)
    client.post("/messages/nouveau", dict(forged, **QUESTION), status=303)
    assert stored(demo_app, FAMILY_B) == b_threads
    mine = stored(demo_app, FAMILY_A)[-2:]
    assert [(m["thread_id"], m["author"], m["body"]) for m in mine] == [
        (2, "family", "Réponse de A"), (mine[1]["_id"], "family", QUESTION["body"])]


def test_other_family_sees_none_of_family_a_messages(demo_app):
    post_form(family(demo_app), "/messages/nouveau", dict(QUESTION, subject="Sujet de A"))
    page = family(demo_app, FAMILY_B).get("/messages")
    assert [row.split(" non lu")[0] for row in rows(page)] == ["Inscriptions aux vacances de Noël"]
    assert "Sujet de A" not in family(demo_app, FAMILY_B).get("/messages/2", status=404).text


def test_agent_gets_404_for_unknown_family_or_thread(demo_app):
    client = agent(demo_app)
    client.get(f"/agent/messages/{FAMILY_A}/99", status=404)
    client.get("/agent/messages/123/1", status=404)
    client.get("/agent/messages/123", status=404)
    client.get("/agent/messages/annonces/7", status=404)
    token = csrf_from(client.get("/agent/messages"))
    client.post(f"/agent/messages/{FAMILY_C}/1/repondre", {"body": "x", "csrf_token": token}, status=404)


def test_posts_without_csrf_token_are_refused(demo_app):
    someone, town_hall = family(demo_app), agent(demo_app)
    a_before = stored(demo_app, FAMILY_A)
    assert someone.post("/messages/nouveau", QUESTION, status=403).status_int == 403
    someone.post("/messages/2/repondre", {"body": "x", "csrf_token": "faux"}, status=403)
    town_hall.post(f"/agent/messages/{FAMILY_A}/2/repondre", {"body": "x"}, status=403)
    town_hall.post("/agent/messages/nouveau", dict(QUESTION, recipient="all", confirm="1"), status=403)
    assert stored(demo_app, FAMILY_A) == a_before
    assert not announcements_path(demo_app.portal.documents).exists()


def test_pages_need_the_right_login(demo_client):
    assert demo_client.get("/messages", status=303).location.endswith("/connexion")
    assert demo_client.get("/agent/messages", status=303).location.endswith("/agent/connexion")
    assert login_family(demo_client, *OTHER_FAMILY).status_int == 303
    assert demo_client.get("/agent/messages/nouveau", status=303).location.endswith("/agent/connexion")
    assert DEMO_FAMILY[0] == FAMILY_A
