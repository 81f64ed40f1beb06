"""Boîte de réception and Contacter la collectivité: the family's conversations with the town hall and announcements."""
from __future__ import annotations

from urllib.parse import urlencode

from bottle import Bottle, abort, request

from routes.web import flash, portal, posted_form, redirect, render, require_family
from storage.families import family_name, record_of
from storage.fields import Field
from storage.messages import (BODY_MAX, CATEGORIES, SUBJECT_MAX, announcement, announcements, inbox,
                              open_announcement, open_thread, reply, start_thread, thread_of, validate_message,
                              validate_reply)

app = Bottle()
POSTED_TEXT_MAX = 4 * BODY_MAX  # read more than allowed, so that a too long message is refused, not cut
CATEGORY_CHOICES = tuple(CATEGORIES.items())
BODY_HINT = "Texte simple, 5 000 caractères au plus. Les retours à la ligne sont conservés."
SUBJECT_FIELD = Field("subject", "Objet", required=True, max_length=SUBJECT_MAX)
CATEGORY_FIELD = Field("category", "Catégorie", "choice", required=True, choices=CATEGORY_CHOICES)
BODY_FIELD = Field("body", "Votre message", "textarea", required=True, max_length=BODY_MAX, hint=BODY_HINT)
REPLY_FIELD = Field("body", "Votre réponse", "textarea", required=True, max_length=BODY_MAX, hint=BODY_HINT)


def posted(*names: str) -> dict:
    """The posted text fields, UTF-8 decoded, not yet cleaned (validation does that)."""
    form = posted_form()
    return {name: form.get(name, "")[:POSTED_TEXT_MAX] for name in names}


@app.get("/messages")
def inbox_page():
    family_id = require_family()
    db = portal().families.read(family_id)
    items = inbox(db, announcements(portal().documents))
    return render("family/messages.tpl", title="Boîte de réception", items=items,
                  unread=sum(1 for item in items if item.unread), categories=CATEGORIES)


def _thread_page(thread, values: dict, errors: dict):
    return render("family/messages_thread.tpl", title=thread.subject, thread=thread, categories=CATEGORIES,
                  reply_field=REPLY_FIELD, values=values, errors=errors, refusal=None)


@app.get("/messages/<thread_id:int>")
def thread_page(thread_id: int):
    family_id = require_family()
    try:
        thread = open_thread(portal().families, family_id, thread_id, reader="family")
    except KeyError:
        abort(404)
    return _thread_page(thread, {}, {})


@app.post("/messages/<thread_id:int>/repondre")
def reply_in_thread(thread_id: int):
    family_id = require_family()
    db = portal().families.read(family_id)
    try:
        thread = thread_of(db, thread_id)
    except KeyError:
        abort(404)
    values = posted("body")
    clean, errors = validate_reply(values)
    if errors:
        return _thread_page(thread, values, errors)
    try:
        reply(portal().families, family_id, thread_id, clean["body"], author="family",
              author_name=family_name(record_of(db)))
    except KeyError:
        abort(404)
    flash("Votre message a été envoyé à la mairie.")
    redirect(f"/messages/{thread_id}#message-{len(thread.messages) + 1}")


@app.route("/messages/nouveau", method=["GET", "POST"])
def new_message():
    family_id = require_family()
    values, errors = {"subject": request.query.getunicode("objet", default="")[:SUBJECT_MAX]}, {}
    if request.method == "POST":
        values = posted("subject", "category", "body")
        clean, errors = validate_message(values)
        if not errors:
            record = record_of(portal().families.read(family_id))
            thread_id = start_thread(portal().families, family_id, clean, author="family",
                                     author_name=family_name(record))
            flash("Votre message a été envoyé à la mairie. Sa réponse apparaîtra dans votre boîte de réception.")
            redirect(f"/messages/{thread_id}")
    return render("family/messages_new.tpl", title="Contacter la collectivité", values=values, errors=errors,
                  refusal=None, fields=(SUBJECT_FIELD, CATEGORY_FIELD, BODY_FIELD))


@app.get("/messages/annonces/<announcement_id:int>")
def announcement_page(announcement_id: int):
    family_id = require_family()
    try:
        doc = announcement(portal().documents, announcement_id)
    except KeyError:
        abort(404)
    was_unread = open_announcement(portal().families, family_id, doc)
    ask_url = "/messages/nouveau?" + urlencode({"objet": ("Question : " + doc["subject"])[:SUBJECT_MAX]})
    return render("family/messages_announcement.tpl", title=doc["subject"], announcement=doc, was_unread=was_unread,
                  categories=CATEGORIES, ask_url=ask_url)
