"""The agent's messages: the inbox of family conversations, reading and replying, writing to one family or to all."""
from __future__ import annotations

from bottle import Bottle, abort, request

from routes.family_messages import CATEGORY_FIELD, SUBJECT_FIELD, posted
from routes.host import public_url
from routes.web import flash, found, portal, redirect, render, require_agent
from storage.families import is_family_id, record_of
from storage.fields import Field
from storage.messages import (BODY_MAX, CATEGORIES, announcement, announcements, open_thread, publish_announcement,
                              reply, start_thread, thread_of, threads_of, validate_agent_message, validate_reply)

app = Bottle()
INBOX_ROWS = 200
INBOX_FILTERS = {"": "Toutes", "non-lues": "Non lues", "en-attente": "En attente de réponse"}
INDEX_FILTERS = {"": "", "non-lues": "unread", "en-attente": "open"}
BODY_HINT = "Texte simple, 5 000 caractères au plus. Les retours à la ligne sont conservés."
REPLY_FIELD = Field("body", "Votre réponse", "textarea", required=True, max_length=BODY_MAX, hint=BODY_HINT)
FAMILY_FIELD = Field("family_id", "Numéro de la famille", max_length=12,
                     hint="Obligatoire pour écrire à une seule famille (par exemple 770400070).")
AGENT_BODY_FIELD = Field("body", "Message", "textarea", required=True, max_length=BODY_MAX, hint=BODY_HINT)


def agent_name(login: str) -> str:
    """The name families see under the agent's messages."""
    agent = portal().agents.get(login) or {}
    return agent.get("name") or login


@app.get("/agent/messages")
def inbox_page():
    require_agent()
    chosen = request.query.get("filtre", "")
    if chosen not in INBOX_FILTERS:
        chosen = ""
    index = portal().index
    rows = index.conversations(INDEX_FILTERS[chosen])
    return render("agent/messages.tpl", title="Messages des familles", rows=rows[:INBOX_ROWS], total=len(rows),
                  filters=INBOX_FILTERS, chosen=chosen, awaiting=index.awaiting_reply_count(),
                  unread=index.unread_from_families_count(), categories=CATEGORIES,
                  announcements=announcements(portal().documents)[:10])


def _family_file(family_id: str):
    return found(portal().families.read(family_id))


@app.get("/agent/messages/<family_id:re:[0-9]+>")
def family_conversations(family_id: str):
    require_agent()
    db = _family_file(family_id)
    return render("agent/messages_family.tpl", title=f"Messages de la famille {family_id}", family_id=family_id,
                  record=record_of(db), threads=threads_of(db), categories=CATEGORIES)


def _thread_page(family_id: str, thread, values: dict, errors: dict):
    record = record_of(_family_file(family_id))
    return render("agent/messages_thread.tpl", title=thread.subject, family_id=family_id, record=record,
                  thread=thread, categories=CATEGORIES, reply_field=REPLY_FIELD, values=values, errors=errors,
                  refusal=None)


@app.get("/agent/messages/<family_id:re:[0-9]+>/<thread_id:int>")
def thread_page(family_id: str, thread_id: int):
    require_agent()
    try:
        thread = open_thread(portal().families, family_id, thread_id, reader="agent")
    except KeyError:
        abort(404)
    return _thread_page(family_id, thread, {}, {})


@app.post("/agent/messages/<family_id:re:[0-9]+>/<thread_id:int>/repondre")
def reply_in_thread(family_id: str, thread_id: int):
    login = require_agent()
    try:
        thread = thread_of(_family_file(family_id), thread_id)
    except KeyError:
        abort(404)
    values = posted("body")
    clean, errors = validate_reply(values)
    if errors:
        return _thread_page(family_id, thread, values, errors)
    try:
        reply(portal().families, family_id, thread_id, clean["body"], author="agent", author_name=agent_name(login))
    except KeyError:
        abort(404)
    portal().family_mail.town_hall_wrote(family_id, thread_id, public_url)
    flash(f"Réponse envoyée à la famille {family_id}.")
    redirect(f"/agent/messages/{family_id}/{thread_id}#message-{len(thread.messages) + 1}")


@app.route("/agent/messages/nouveau", method=["GET", "POST"])
def new_message():
    login = require_agent()
    family_id = request.query.get("famille", "")
    values = {"recipient": "family" if family_id else "", "family_id": family_id if is_family_id(family_id) else ""}
    errors, confirm = {}, False
    if request.method == "POST":
        values = posted("recipient", "family_id", "subject", "category", "body")
        clean, errors = validate_agent_message(values, portal().families.exists)
        if not errors and clean["recipient"] == "family":
            thread_id = start_thread(portal().families, clean["family_id"], clean, author="agent",
                                     author_name=agent_name(login))
            portal().family_mail.town_hall_wrote(clean["family_id"], thread_id, public_url)
            flash(f"Message envoyé à la famille {clean['family_id']}.")
            redirect(f"/agent/messages/{clean['family_id']}/{thread_id}")
        if not errors and request.forms.get("confirm") == "1":
            announcement_id = publish_announcement(portal().documents, clean, author_name=agent_name(login))
            portal().announcement_mailings.plan(announcement_id)  # one small file; a job sends the mails
            flash(f"Annonce publiée pour les {len(portal().index)} familles.")
            redirect(f"/agent/messages/annonces/{announcement_id}")
        confirm = not errors
    return render("agent/messages_new.tpl", title="Écrire aux familles", values=values, errors=errors, refusal=None,
                  confirm=confirm, families_count=len(portal().index), family_field=FAMILY_FIELD,
                  fields=(SUBJECT_FIELD, CATEGORY_FIELD, AGENT_BODY_FIELD))


@app.get("/agent/messages/annonces/<announcement_id:int>")
def announcement_page(announcement_id: int):
    require_agent()
    try:
        doc = announcement(portal().documents, announcement_id)
    except KeyError:
        abort(404)
    return render("agent/messages_announcement.tpl", title=doc["subject"], announcement=doc, categories=CATEGORIES,
                  families_count=len(portal().index),
                  mailing=portal().announcement_mailings.mailing(announcement_id))
