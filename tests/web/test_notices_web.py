"""What families receive, through WebTest on the demo commune: each event queues exactly one mail in the outbox, to
the account holder, with its subject and a link on the public URL, right when the action answers; the family's
choices in Mon compte; a family without an address gets no mail and is told so on its home page."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from helpers import DEMO_FAMILY, csrf_from, logged_in
from portal import create_app
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.requests import edit_record_directly, pending_requests, submit_request

FAMILY, OTHER, THIRD = DEMO_FAMILY[0], "770400080", "770400090"
PUBLIC = "https://famille.ville-demo.fr"
SOPHIE = "sophie.martin@example.fr"


@pytest.fixture
def app(demo_dir):
    """The demo commune with a public URL: links in mails are absolute on it."""
    app = create_app(demo_dir, {"public_url": PUBLIC})
    yield app
    app.portal.close()


@pytest.fixture
def agent(app):
    return logged_in(app, *DEMO_AGENT, agent=True)


@pytest.fixture
def family(app):
    return logged_in(app, *DEMO_FAMILY)


def mails(app, family_id: str | None = None) -> list[dict]:
    """The outbox's mails (for one family), oldest first."""
    found, _ = app.portal.outbox.page(family_id=family_id, limit=10_000)
    return list(reversed(found))


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def pending_ids(app, family_id: str = FAMILY) -> list[int]:
    return [r.doc_id for r in pending_requests(app.portal.families.read(family_id))]


def decide(agent, family_id: str, request_id: int, verb: str = "valider", **fields):
    page = agent.get(f"/agent/demandes/{family_id}")
    return agent.post(f"/agent/demandes/{family_id}/{request_id}/{verb}", dict(fields, csrf_token=csrf_from(page)),
                      status="*")


# --- decisions ----------------------------------------------------------------------------------------------------

def test_validating_a_request_mails_the_account_holder_once(app, agent):
    (request_id,) = pending_ids(app)
    assert mails(app) == []
    assert decide(agent, FAMILY, request_id).status_int == 303
    (mail,) = mails(app)
    assert (mail["to"], mail["family_id"], mail["kind"]) == (SOPHIE, FAMILY, "request_decision")
    assert mail["subject"] == "Votre demande a été validée"
    assert "- Modification — Responsable : validée." in mail["text"]
    assert f"{PUBLIC}/mes-demandes" in mail["text"] and f'href="{PUBLIC}/mes-demandes"' in mail["html"]
    assert "06 12 00 11 22" not in mail["text"]  # the values themselves never travel by mail
    assert decide(agent, FAMILY, request_id).status_int == 303  # already decided: no second mail
    assert len(mails(app)) == 1


def test_cancelling_with_a_reason_tells_the_family_the_reason(app, agent):
    (request_id,) = pending_ids(app, OTHER)
    decide(agent, OTHER, request_id, "annuler", motif="Merci de joindre l'attestation <CAF>")
    (mail,) = mails(app)
    assert mail["to"] == "nadia.abdel@example.fr" and mail["subject"] == "Votre demande a été annulée"
    assert ("Ajout — Personne autorisée : Samira BENALI : annulée. Motif de la mairie : « Merci de joindre "
            "l'attestation <CAF> »." in mail["text"])
    assert "&lt;CAF&gt;" in mail["html"] and "<CAF>" not in mail["html"]


def test_validating_all_sends_one_mail_listing_every_decision(app, agent):
    record = app.portal.families.record(FAMILY)
    submit_request(app.portal.families, FAMILY, "parent2", dict(record["parent2"], profession="Ingénieur"))
    submit_request(app.portal.families, FAMILY, "tax", dict(record["tax"], parts="3,5"))
    page = agent.get(f"/agent/demandes/{FAMILY}")
    assert agent.post(f"/agent/demandes/{FAMILY}/tout-valider", {"csrf_token": csrf_from(page)}).status_int == 303
    (mail,) = mails(app)
    assert mail["subject"] == "3 demandes traitées par la mairie"
    assert [line for line in mail["text"].splitlines() if line.startswith("- ")] == [
        "- Modification — Responsable : validée.", "- Modification — Conjoint : validée.",
        "- Modification — Données fiscales : validée."]


def test_a_conflict_mails_nothing_until_the_agent_confirms(app, agent):
    (request_id,) = pending_ids(app)
    edit_record_directly(app.portal.families, FAMILY, "parent1",
                         dict(app.portal.families.record(FAMILY)["parent1"], phone_mobile="07 00 00 00 00"),
                         agent="agent")
    answer = decide(agent, FAMILY, request_id)
    assert answer.status_int == 200 and "La fiche a changé depuis la demande" in answer.text
    assert mails(app) == []
    assert decide(agent, FAMILY, request_id, confirmer="1").status_int == 303  # confirmed: now decided
    assert [mail["subject"] for mail in mails(app)] == ["Votre demande a été validée"]


def test_enrolment_and_absence_decisions_say_whether_the_absence_is_billed(app, agent, family):
    page = family.get("/inscriptions/nouvelle")
    assert family.post("/inscriptions/nouvelle", [("csrf_token", csrf_from(page)), ("children", "1"),
                                                  ("service", "matin"), ("weekdays", "0"), ("start", "2026-12-07"),
                                                  ("end", "2026-12-11")]).status_int == 303
    for day in ("2026-12-03", "2026-12-04"):  # Thursday: too late to be free; Friday: also late (notice 2 days)
        page = family.get("/absences/nouvelle")
        assert family.post("/absences/nouvelle", {"csrf_token": csrf_from(page), "child_service": "1:cantine",
                                                  "start": day, "end": day, "reason": "maladie"}).status_int == 303
    enrolment, free, billed = pending_ids(app)[1:]
    decide(agent, FAMILY, enrolment)
    decide(agent, FAMILY, free, facturation="free")
    decide(agent, FAMILY, billed, facturation="bill")
    texts = [mail["text"] for mail in mails(app)]
    assert len(texts) == 3
    assert "- Ajout — Inscription : Léa MARTIN : validée." in texts[0]
    assert "- Ajout — Absence : Léa MARTIN : validée (1 jour non facturé)." in texts[1]
    assert "- Ajout — Absence : Léa MARTIN : validée (1 jour facturé)." in texts[2]
    assert all("maladie" not in text.lower() for text in texts)  # the reason of an absence is health data


# --- messages --------------------------------------------------------------------------------------------------

def test_a_reply_from_the_town_hall_mails_a_link_to_the_thread_but_not_the_message(app, agent, family):
    page = family.get("/messages/nouveau")
    sent = family.post("/messages/nouveau", {"csrf_token": csrf_from(page), "subject": "Allergie de Léa",
                                             "category": "autre", "body": "Léa est allergique aux kiwis."})
    thread_id = int(sent.headers["Location"].rstrip("/").split("/")[-1])
    assert mails(app) == []  # the family's own message: nothing to tell it
    page = agent.get(f"/agent/messages/{FAMILY}/{thread_id}")
    agent.post(f"/agent/messages/{FAMILY}/{thread_id}/repondre",
               {"csrf_token": csrf_from(page), "body": "Bien noté pour le PAI de Léa."})
    (mail,) = mails(app)
    assert (mail["kind"], mail["subject"]) == ("message_reply", "Nouveau message de la mairie")
    assert f"{PUBLIC}/messages/{thread_id}" in mail["text"]
    for private in ("PAI", "kiwis", "Allergie"):
        assert private not in mail["text"] and private not in mail["html"]


def test_a_new_message_from_the_agent_to_one_family_mails_it(app, agent):
    page = agent.get("/agent/messages/nouveau")
    answer = agent.post("/agent/messages/nouveau", {"csrf_token": csrf_from(page), "recipient": "family",
                                                    "family_id": OTHER, "subject": "Dossier", "category": "autre",
                                                    "body": "Bonjour, votre dossier est complet."})
    thread_id = answer.headers["Location"].rstrip("/").split("/")[-1]
    (mail,) = mails(app)
    assert mail["to"] == "nadia.abdel@example.fr" and f"{PUBLIC}/messages/{thread_id}\n" in mail["text"]


def test_an_announcement_writes_no_mail_in_the_request_and_its_job_sends_one_per_family(app, agent):
    page = agent.get("/agent/messages/nouveau")
    answer = agent.post("/agent/messages/nouveau", {"csrf_token": csrf_from(page), "recipient": "all",
                                                    "subject": "Fermeture exceptionnelle", "category": "autre",
                                                    "body": "L'accueil du soir fermera à 17 h.", "confirm": "1"})
    announcement_id = int(answer.headers["Location"].rstrip("/").split("/")[-1])
    assert mails(app) == []
    assert app.portal.announcement_mailings.mailing(announcement_id)["done"] is False
    assert app.portal.announcement_mailings.drain() == 3
    assert sorted(mail["family_id"] for mail in mails(app)) == [FAMILY, OTHER, THIRD]
    assert all(mail["subject"] == "Fermeture exceptionnelle" and "L'accueil du soir fermera à 17 h." in mail["text"]
               and f"{PUBLIC}/messages/annonces/{announcement_id}" in mail["text"] for mail in mails(app))
    progress = BeautifulSoup(agent.get(answer.headers["Location"]).text, "html.parser").find(id="envoi-courriels")
    assert "3 courriels mis en file d'envoi, envoi terminé" in progress.get_text(" ")


# --- money ----------------------------------------------------------------------------------------------------

def post_invoice(agent, family_id: str = FAMILY):
    page = agent.get(f"/agent/familles/{family_id}/factures/nouvelle")
    return agent.post(f"/agent/familles/{family_id}/factures/nouvelle", {
        "csrf_token": csrf_from(page), "period": "2026-12", "issued_on": "2027-01-05", "due_on": "2027-01-25",
        "line_child_0": "Léa", "line_service_0": "Restauration scolaire", "line_quantity_0": "12",
        "line_price_0": "3,85"})


def test_an_invoice_typed_by_the_agent_mails_the_amount_to_pay_and_the_due_date(app, agent):
    assert post_invoice(agent).status_int == 303
    (mail,) = mails(app)
    invoice = max(app.portal.families.read_ledger(FAMILY).table("invoices").all(), key=lambda doc: doc.doc_id)
    assert (mail["kind"], mail["subject"]) == ("invoice", "Votre facture de décembre 2026 est disponible")
    assert "Votre facture de décembre 2026 est disponible : 218,40 € à payer avant le 25/01/2027." in plain(mail["text"])
    assert f"{PUBLIC}/factures/{invoice.doc_id}" in mail["text"]


CSV = ("famille;numero;periode;date_emission;date_echeance;enfant;prestation;detail;quantite;prix_unitaire\n"
       "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Léa;Restauration scolaire;;15;3,85\n"
       "770400070;2026-12001;2026-12;05/01/2027;25/01/2027;Tom;Accueil du soir;;8;2,60\n"
       "770400080;2026-12002;2026-12;05/01/2027;25/01/2027;Olivia;Restauration scolaire;;12;3,00\n")


def test_imported_invoices_mail_each_family_once_per_invoice(app, agent):
    page = agent.get("/agent/factures/import")
    preview = agent.post("/agent/factures/import", {"csrf_token": csrf_from(page)},
                         upload_files=[("fichier", "factures.csv", CSV.encode("utf-8"))])
    assert mails(app) == []  # a preview creates nothing
    action = BeautifulSoup(preview.text, "html.parser").find("form", action=re.compile("/confirmer$"))["action"]
    assert agent.post(action, {"csrf_token": csrf_from(preview)}).status_int == 303
    assert [(mail["family_id"], plain(mail["text"]).split("\n\n")[1]) for mail in mails(app)] == [
        (FAMILY, "Votre facture de décembre 2026 est disponible : 250,75 € à payer avant le 25/01/2027."),
        (OTHER, "Votre facture de décembre 2026 est disponible : 117,60 € à payer avant le 25/01/2027.")]
    agent.post(action, {"csrf_token": csrf_from(preview)})  # the same import again: nothing new
    assert len(mails(app)) == 2


def test_the_billing_run_mails_one_notice_per_invoice(app, agent):
    page = agent.get("/agent/facturation?mois=2026-12")
    assert agent.post("/agent/facturation", {"csrf_token": csrf_from(page), "mois": "2026-12",
                                             "issued_on": "2027-01-04", "due_on": "2027-01-25"}).status_int == 303
    assert sorted(mail["family_id"] for mail in mails(app)) == [FAMILY, OTHER, THIRD]
    assert all(mail["kind"] == "invoice" and "décembre 2026" in mail["subject"] for mail in mails(app))
    agent.post("/agent/facturation", {"csrf_token": csrf_from(page), "mois": "2026-12", "issued_on": "2027-01-04",
                                      "due_on": "2027-01-25"})  # run again: every family already billed
    assert len(mails(app)) == 3


def test_the_banks_notification_of_a_payment_mails_a_receipt_once(app, family):
    from test_online_payment import bank_signed, ipn, reference_of, start_payment
    reference = reference_of(start_payment(family))
    message = bank_signed(app, 17_220, reference)
    assert ipn(family, message).status_int == 200
    (mail,) = mails(app)
    assert (mail["kind"], mail["to"], mail["subject"]) == ("payment_receipt", SOPHIE, "Reçu de votre paiement en ligne")
    assert "Votre paiement par carte de 172,20 € a bien été enregistré le 02/12/2026." in plain(mail["text"])
    assert f"Référence du paiement : {reference}." in mail["text"] and f"{PUBLIC}/releve" in mail["text"]
    assert ipn(family, message).status_int == 200  # the bank repeats itself: recorded once, one receipt
    assert len(mails(app)) == 1


def test_a_refused_card_payment_mails_nothing_and_the_next_accepted_one_a_receipt(app, family):
    from test_online_payment import bank_signed, ipn, reference_of, start_payment
    reference = reference_of(start_payment(family))
    assert ipn(family, bank_signed(app, 17_220, reference, code="00021", authorization="")).status_int == 200
    assert mails(app) == []
    accepted = reference_of(start_payment(family))
    assert ipn(family, bank_signed(app, 17_220, accepted)).status_int == 200
    assert [accepted in mail["text"] for mail in mails(app)] == [True]


# --- the family's choices ---------------------------------------------------------------------------------------

def choose(family, *topics: str):
    page = family.get("/mon-compte")
    form = page.html.find("form", action="/mon-compte/courriels")
    assert form is not None and form["method"] == "post"
    answer = family.post("/mon-compte/courriels", [("csrf_token", csrf_from(page))] + [("avis", t) for t in topics])
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/mon-compte#courriels")
    return answer.follow()


def checked(page) -> dict[str, bool]:
    form = page.html.find("form", action="/mon-compte/courriels")
    return {box["value"]: box.has_attr("checked") for box in form.find_all("input", attrs={"name": "avis"})}


def test_mon_compte_shows_the_address_and_every_notice_on_by_default(family):
    page = family.get("/mon-compte")
    block = page.html.find(id="courriels").parent
    assert SOPHIE in block.get_text(" ")
    assert block.find("a", string=re.compile("modifier"))["href"] == "/mes-informations/responsable"
    assert checked(page) == {"invoices": True, "reminders": True, "messages": True}
    assert "Toujours envoyés : décisions sur vos demandes" in block.get_text(" ")


def test_invoices_turned_off_means_no_invoice_mail_but_decisions_still_come(app, agent, family):
    page = choose(family, "reminders", "messages")
    assert "Vos choix de courriels sont enregistrés." in page.text
    assert checked(page) == {"invoices": False, "reminders": True, "messages": True}
    post_invoice(agent)
    assert mails(app) == []
    (request_id,) = pending_ids(app)
    decide(agent, FAMILY, request_id)
    assert [mail["kind"] for mail in mails(app)] == ["request_decision"]


def test_messages_turned_off_means_no_reply_mail(app, agent, family):
    choose(family)  # everything off
    assert checked(family.get("/mon-compte")) == {"invoices": False, "reminders": False, "messages": False}
    page = agent.get(f"/agent/messages/{FAMILY}")
    thread_id = app.portal.families.read(FAMILY).table("messages").all()[0]["thread_id"]
    agent.post(f"/agent/messages/{FAMILY}/{thread_id}/repondre", {"csrf_token": csrf_from(page), "body": "Bonjour."})
    assert mails(app) == []
    choose(family, "messages", "invoices", "reminders", "n'importe-quoi")
    assert checked(family.get("/mon-compte")) == {"invoices": True, "reminders": True, "messages": True}


def test_a_family_without_an_address_gets_no_mail_and_its_home_page_says_where_to_add_one(app, agent, family):
    home = family.get("/accueil")
    assert home.html.find(id="sans-courriel") is None and home.html.find(class_="lead") is not None
    parent = dict(app.portal.families.record(FAMILY)["parent1"], email="")
    edit_record_directly(app.portal.families, FAMILY, "parent1", parent, agent="agent")
    notice = family.get("/accueil").html.find(id="sans-courriel")
    assert "la mairie ne peut pas vous prévenir par courriel" in notice.get_text(" ")
    assert notice.find("a")["href"] == "/mes-informations/responsable"
    assert "aucune adresse e-mail valide" in family.get("/mon-compte").html.find(id="courriels").parent.get_text(" ")
    submit_request(app.portal.families, FAMILY, "parent2",
                   dict(app.portal.families.record(FAMILY)["parent2"], profession="Ingénieur"))
    for request_id in pending_ids(app):
        decide(agent, FAMILY, request_id)
    post_invoice(agent)
    assert mails(app) == []
    other = logged_in(app, OTHER, DEMO_ACCOUNTS[OTHER])  # a family with an address is not bothered
    assert other.get("/accueil").html.find(id="sans-courriel") is None


def test_the_courriels_page_names_each_kind_in_french(app, agent):
    post_invoice(agent)
    (mail,) = mails(app)
    page = agent.get(f"/agent/courriels/{mail['id']}")
    assert "type : Nouvelle facture" in page.html.find("h1").find_next("p").get_text(" ")
