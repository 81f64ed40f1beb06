"""The town hall hands accounts over by mail, through WebTest: a new family (Nouvelle famille, a validated
pre-registration) and the agent's "Réinitialiser le mot de passe" send the account holder a 7-day single-use link
instead of a temporary password; the codes page and the paper letter say where it went; paper stays for families
without an address or on request. And an e-mail change validated by the agent confirms to the new address and warns
the old one."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from demo_usage import NEW_FAMILY
from helpers import DEMO_FAMILY, FakeClock, csrf_from, logged_in, login_family, tool_missing
from portal import create_app
from storage import clock
from storage.demo import DEMO_AGENT
from storage.mail import MailRefused
from storage.preregistrations import clean_preregistration
from storage.requests import edit_record_directly

FAMILY, FAMILY_PASSWORD = DEMO_FAMILY
HOLDER = "sophie.martin@example.fr"
PUBLIC = "https://famille.ville-demo.fr"
LINK = re.compile(re.escape(PUBLIC) + r"(/mot-de-passe/[0-9]+\.[A-Za-z0-9_-]{43})(?=\s)")
PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture
def app(demo_dir):
    app = create_app(demo_dir, {"public_url": PUBLIC}, clock=FakeClock())
    yield app
    app.portal.close()


@pytest.fixture
def agent(app) -> TestApp:
    return logged_in(app, *DEMO_AGENT, agent=True)


def text(page) -> str:
    soup = BeautifulSoup(page.text, "html.parser")
    return " ".join((soup.find("main") or soup).get_text(" ").split())


ACCOUNT_MAIL_KINDS = ("email-change", "password-link")


def mails(app, family_id: str | None = None) -> list[dict]:
    """The account mails in the outbox, oldest first (the notices of decisions are tests/web/test_notices_web.py's)."""
    return [mail for mail in reversed(app.portal.outbox.page(family_id=family_id, limit=500)[0])
            if mail["kind"] in ACCOUNT_MAIL_KINDS]


def post(client: TestApp, url: str, fields: dict | None = None, page_url: str = "/agent/familles"):
    return client.post(url, dict(fields or {}, csrf_token=csrf_from(client.get(page_url))), status="*")


def choose_by_link(app, mail: dict, password: str = "Soleil2027"):
    path = LINK.search(mail["text"])[1]
    browser = TestApp(app)
    page = browser.get(path, status="*")
    token = csrf_from(page) if page.status_int == 200 else csrf_from(browser.get("/connexion"))
    return browser.post(path, {"csrf_token": token, "nouveau": password, "confirmation": password}, status="*")


def pdf_text(answer) -> str:
    assert answer.status_int == 200 and answer.content_type == "application/pdf"
    if PDFTOTEXT is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: PDF contents cannot be checked")
    result = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", "-", "-"], input=answer.body, capture_output=True,
                            check=True, timeout=30)
    return " ".join(result.stdout.decode("utf-8").split())


def shown_family_id(page) -> str:
    return BeautifulSoup(page.text, "html.parser").select_one("dl.data-list dd strong").get_text(strip=True)


# --- the agent resets a password -----------------------------------------------------------------------------------

def test_the_agents_reset_mails_a_link_and_shows_no_password(app, agent):
    family = logged_in(app, FAMILY, FAMILY_PASSWORD)
    posted = post(agent, f"/agent/familles/{FAMILY}/mot-de-passe", page_url=f"/agent/familles/{FAMILY}")
    assert posted.status_int == 303 and posted.headers["Location"] == f"/agent/familles/{FAMILY}/codes-acces"
    page = posted.follow()
    assert page.html.find("h1").get_text() == f"Mot de passe réinitialisé — famille {FAMILY}"
    assert ("Un courriel a été envoyé à s…@example.fr avec un lien pour choisir le mot de passe (valable 7 jours, il "
            "ne sert qu'une fois).") in text(page)
    assert page.html.select_one("dl.data-list code") is None
    assert "L'ancien mot de passe ne fonctionne plus et les sessions de la famille sont fermées." in text(page)
    assert family.get("/accueil", status="*").status_int == 303  # its session has ended
    assert login_family(TestApp(app), FAMILY, FAMILY_PASSWORD).status_int == 200  # the old password is refused
    [mail] = mails(app)
    assert (mail["to"], mail["family_id"], mail["subject"]) == \
           (HOLDER, FAMILY, "Portail famille : choisissez un nouveau mot de passe")
    assert "La mairie a réinitialisé le mot de passe" in mail["text"] and "Votre identifiant : 770400070" in mail["text"]
    assert "valable 7 jours, jusqu'au 09/12/2026" in mail["text"]
    assert choose_by_link(app, mail).status_int == 303
    assert login_family(TestApp(app), FAMILY, "Soleil2027").status_int == 303


def test_the_agents_link_lasts_seven_days(app, agent):
    post(agent, f"/agent/familles/{FAMILY}/mot-de-passe")
    [mail] = mails(app)
    with clock.pinned(clock.now() + timedelta(days=7, minutes=1)):
        assert choose_by_link(app, mail).status_int == 410
    with clock.pinned(clock.now() + timedelta(days=6, hours=23)):
        assert choose_by_link(app, mail).status_int == 303


def test_the_family_page_says_where_the_link_goes_and_offers_paper(app, agent):
    page = agent.get(f"/agent/familles/{FAMILY}")
    assert "Réinitialiser : un lien pour choisir un nouveau mot de passe est envoyé à s…@example.fr." in text(page)
    form = page.html.find("form", action=f"/agent/familles/{FAMILY}/mot-de-passe")
    assert [b.get_text() for b in form.find_all("button")] == ["Réinitialiser le mot de passe",
                                                               "Mot de passe provisoire (courrier papier)"]
    post(agent, f"/agent/familles/{FAMILY}/mot-de-passe")
    assert "Lien pour choisir le mot de passe envoyé le 02/12/2026" in text(agent.get(f"/agent/familles/{FAMILY}"))


def test_paper_instead_gives_a_temporary_password_and_the_mailed_link_dies(app, agent):
    codes = post(agent, f"/agent/familles/{FAMILY}/mot-de-passe").follow()
    paper_form = codes.html.find("input", attrs={"name": "acces", "value": "papier"}).find_parent("form")
    assert paper_form["action"] == f"/agent/familles/{FAMILY}/mot-de-passe"
    shown = post(agent, paper_form["action"], {"acces": "papier"}).follow()
    password = shown.html.select_one("dl.data-list code").get_text(strip=True)
    assert "le mot de passe ne sera plus affiché" in text(shown)
    assert len(mails(app)) == 1  # paper sends nothing
    assert choose_by_link(app, mails(app)[0]).status_int == 410
    family = TestApp(app)
    assert login_family(family, FAMILY, password).headers["Location"].endswith("/accueil")
    assert family.get("/accueil", status="*").headers["Location"].endswith("/mon-compte")  # temporary: its own first


def test_a_mail_the_outbox_refuses_gives_way_to_a_temporary_password(app, agent, monkeypatch):
    def refuse(**mail):
        raise MailRefused("from_name", "Le nom de la commune contient un retour à la ligne.")
    monkeypatch.setattr(app.portal.outbox, "queue", refuse)
    shown = post(agent, f"/agent/familles/{FAMILY}/mot-de-passe").follow()
    password = shown.html.select_one("dl.data-list code").get_text(strip=True)
    assert "Le courriel n'a pas pu être préparé (Le nom de la commune contient un retour à la ligne.) : un mot de " \
           "passe provisoire a été créé à la place." in text(shown)
    account = app.portal.families.account(FAMILY)
    assert account["password_link"] is None and account["temporary_password"]
    assert login_family(TestApp(app), FAMILY, password).status_int == 303


def test_a_family_without_an_address_keeps_the_temporary_password(app, agent):
    edit_record_directly(app.portal.families, FAMILY, "parent1", {"email": ""}, agent="agent")
    page = agent.get(f"/agent/familles/{FAMILY}")
    assert "la famille n'a pas d'adresse e-mail valable, un mot de passe provisoire s'affichera" in text(page)
    shown = post(agent, f"/agent/familles/{FAMILY}/mot-de-passe").follow()
    assert shown.html.select_one("dl.data-list code") is not None and "Un courriel" not in text(shown)
    assert mails(app) == []


def test_the_letter_without_password_sends_the_family_to_its_mail(app, agent):
    codes = post(agent, f"/agent/familles/{FAMILY}/mot-de-passe").follow()
    form = codes.html.find("form", action=f"/agent/familles/{FAMILY}/courrier-acces.pdf")
    assert form.find("input", attrs={"name": "mot_de_passe"}) is None
    letter = pdf_text(agent.post(form["action"], {"csrf_token": csrf_from(codes)}))
    assert f"Identifiant {FAMILY}" in letter and "courriel envoyé à s…@example.fr" in letter
    assert "Mot de passe oublié" in letter and "Mot de passe provisoire" not in letter
    assert "01 60 00 00 00" in letter or "contactez la mairie" in letter


# --- new families ---------------------------------------------------------------------------------------------------

def test_a_new_family_created_by_the_agent_receives_its_link(app, agent):
    fields = {"p1_title": "M.", "p1_last_name": "Lefèvre", "p1_first_name": "Étienne", "p1_address1": "2 rue Haute",
              "p1_postcode": "77000", "p1_city": "Démoville", "p1_phone_mobile": "0611223344",
              "p1_email": "Etienne.Lefevre@Example.fr", "c0_first_name": "Anaïs", "c0_last_name": "Lefèvre",
              "c0_birth_date": "2018-02-03", "c0_sex": "F"}
    done = post(agent, "/agent/familles/nouvelle", fields, page_url="/agent/familles/nouvelle").follow()
    family_id = shown_family_id(done)
    assert done.html.find("h1").get_text() == f"Famille {family_id} créée"
    assert "Un courriel a été envoyé à e…@example.fr avec un lien pour choisir le mot de passe" in text(done)
    [mail] = mails(app, family_id)
    assert mail["to"] == "etienne.lefevre@example.fr"
    assert mail["subject"] == "Votre compte sur le portail famille : choisissez votre mot de passe"
    assert mail["text"].startswith("Bonjour Étienne Lefèvre,") and f"Votre identifiant : {family_id}" in mail["text"]
    account = app.portal.families.account(family_id)
    assert not account["temporary_password"] and account["password_link"]["purpose"] == "account_opened"
    page = TestApp(app).get(LINK.search(mail["text"])[1])
    assert page.html.find("h1").get_text() == "Choisir votre mot de passe"
    assert choose_by_link(app, mail).status_int == 303
    family = TestApp(app)
    assert login_family(family, family_id, "Soleil2027").status_int == 303
    assert "Bonjour Étienne LEFÈVRE" in text(family.get("/accueil"))


def test_a_validated_preregistration_mails_the_link(app, agent):
    clean, errors = clean_preregistration(NEW_FAMILY)
    assert not errors
    number = app.portal.preregistrations.submit(clean)
    detail = agent.get(f"/agent/pre-inscriptions/{number}")
    done = agent.post(f"/agent/pre-inscriptions/{number}/valider", {"csrf_token": csrf_from(detail)}).follow()
    family_id = shown_family_id(done)
    assert "Un courriel a été envoyé à a…@example.fr avec un lien pour choisir le mot de passe" in text(done)
    [mail] = mails(app, family_id)
    assert mail["to"] == NEW_FAMILY["p1_email"] and "valable 7 jours" in mail["text"]
    assert "mot de passe provisoire" not in mail["text"].lower()
    assert agent.get(f"/agent/familles/{family_id}/codes-acces").html.find("h1").get_text() == \
        f"Codes d'accès — famille {family_id}"  # shown once: a refresh shows nothing and sends nothing
    assert len(mails(app, family_id)) == 1


# --- e-mail address change ------------------------------------------------------------------------------------------

def requests_of(app, family_id: str = FAMILY) -> list:
    return app.portal.families.read(family_id).table("requests").all()


def ask_change(app, **values):
    """The demo family asks for a change of its Responsable section through Mes informations; the answer."""
    family = logged_in(app, FAMILY, FAMILY_PASSWORD)
    page = family.get("/mes-informations/responsable/modifier")
    form = page.forms[[key for key, f in page.forms.items() if f.action.endswith("/responsable/modifier")][0]]
    for name, value in values.items():
        form[name] = value
    return form.submit(status="*")


def ask_email_change(app, new: str = "S.Martin@Nouveau.fr") -> int:
    """The family asks for a new e-mail address; the pending request's id."""
    assert ask_change(app, email=new).status_int == 303
    return max(r.doc_id for r in requests_of(app))


def validate(agent, request_id: int, family_id: str = FAMILY) -> None:
    page = agent.get(f"/agent/demandes/{family_id}")
    answer = agent.post(f"/agent/demandes/{family_id}/{request_id}/valider", {"csrf_token": csrf_from(page)})
    assert answer.status_int == 303, answer.text


def validate_everything(agent, family_id: str = FAMILY) -> None:
    """"Tout valider" (the demo's own pending phone change goes with it)."""
    page = agent.get(f"/agent/demandes/{family_id}")
    assert agent.post(f"/agent/demandes/{family_id}/tout-valider", {"csrf_token": csrf_from(page)}).status_int == 303


@pytest.mark.parametrize("one_by_one", [True, False], ids=["valider", "tout-valider"])
def test_a_validated_email_change_confirms_the_new_address_and_warns_the_old(app, agent, one_by_one):
    request_id = ask_email_change(app)
    assert mails(app) == []  # nothing until the town hall validates
    validate(agent, request_id) if one_by_one else validate_everything(agent)
    assert app.portal.families.record(FAMILY)["parent1"]["email"] == "s.martin@nouveau.fr"
    new, old = mails(app, FAMILY)
    assert (new["to"], new["subject"], new["kind"]) == \
           ("s.martin@nouveau.fr", "Portail famille : votre adresse e-mail est enregistrée", "email-change")
    assert f"{PUBLIC}/connexion" in new["text"] and "identifiant 770400070" in new["text"]
    assert (old["to"], old["subject"]) == (HOLDER, "Portail famille : votre adresse e-mail a été changée")
    assert "a été changée pour s…@nouveau.fr" in old["text"] and "s.martin@nouveau.fr" not in old["text"] + old["html"]


def test_the_new_address_then_receives_the_links(app, agent):
    validate(agent, ask_email_change(app))
    client = TestApp(app, extra_environ={"REMOTE_ADDR": "203.0.113.5"})
    page = client.get("/mot-de-passe-oublie")
    client.post("/mot-de-passe-oublie", {"csrf_token": csrf_from(page), "identifiant": "s.martin@nouveau.fr"})
    assert mails(app, FAMILY)[-1]["to"] == "s.martin@nouveau.fr"
    assert mails(app, FAMILY)[-1]["kind"] == "password-link"


def test_no_mail_for_a_cancelled_change_or_another_field(app, agent):
    request_id = ask_email_change(app)
    page = agent.get(f"/agent/demandes/{FAMILY}")
    agent.post(f"/agent/demandes/{FAMILY}/{request_id}/annuler", {"csrf_token": csrf_from(page), "motif": "Erreur"})
    assert requests_of(app)[-1]["status"] == "cancelled"
    edit_record_directly(app.portal.families, FAMILY, "parent2", {"email": "karim@nouveau.fr"}, agent="agent")
    assert ask_change(app, profession="Cadre de santé").status_int == 303
    validate_everything(agent)
    assert app.portal.families.record(FAMILY)["parent1"]["profession"] == "Cadre de santé"
    assert mails(app) == []


def test_the_agents_direct_edit_of_the_address_sends_the_same_mails(app, agent):
    url = f"/agent/familles/{FAMILY}/modifier/responsable"
    page = agent.get(url)
    form = page.forms[[key for key, f in page.forms.items() if f.action == url][0]]
    form["email"] = "sophie@autre.fr"
    assert form.submit().status_int == 303
    assert [m["to"] for m in mails(app, FAMILY)] == ["sophie@autre.fr", HOLDER]


# Addresses the entry rule let through before the outbox's rule (storage/mail/addresses.py) applied to it.
@pytest.mark.parametrize("bad", ["é@example.fr", "a,b@example.fr", "a;b@example.fr", "a..b@example.fr"])
def test_an_address_no_mail_can_reach_is_refused_at_entry(app, bad):
    before = len(requests_of(app))
    answer = ask_change(app, email=bad)
    assert answer.status_int == 200
    assert "Adresse e-mail invalide (exemple : nom@exemple.fr)." in answer.html.find(id="f-email-error").get_text()
    assert len(requests_of(app)) == before
