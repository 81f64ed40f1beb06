"""Mon compte › Courriels: which notices the family wants by e-mail (a plain POST form, no JavaScript needed)."""
from __future__ import annotations

from bottle import Bottle, request
from tinydb import TinyDB

from routes.web import flash, portal, redirect, require_family
from storage.families import account_of, record_of
from storage.mail.preferences import ALWAYS_SENT, TOPICS, family_address, save_wanted_topics, wanted_topics

app = Bottle()
RECORD_PAGE = "/mes-informations/responsable"  # where the account holder's e-mail address is changed


def preferences_view(db: TinyDB) -> dict:
    """What the Courriels block of Mon compte shows: the address mails go to, the topics and their state."""
    return {"mail_address": family_address(record_of(db)), "mail_topics": TOPICS,
            "mail_wanted": wanted_topics(account_of(db)), "mail_always": ALWAYS_SENT, "record_page": RECORD_PAGE}


@app.post("/mon-compte/courriels")
def save_preferences():
    family_id = require_family()
    checked = {topic for topic in request.forms.getall("avis") if topic in TOPICS}
    save_wanted_topics(portal().families, family_id, checked)
    flash("Vos choix de courriels sont enregistrés.")
    redirect("/mon-compte#courriels")
