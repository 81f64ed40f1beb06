"""Accounts and the agent's directory through the web: password changes (family and agent) that end the other
sessions, the agent's password reset, deactivation and reactivation, the directory search, the family page,
direct audited edits, new children, persons and families, the JSON export (RGPD), and the family's home page.
"""
from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, csrf_from, login_agent, login_family
from storage.demo import DEMO_AGENT
from storage.passwords import AGENT_PASSWORD_RULE, FAMILY_PASSWORD_RULE

FAMILY, FAMILY_PASSWORD = DEMO_FAMILY
OTHER = OTHER_FAMILY[0]
NEW_PASSWORD = "Soleil2027"


# --- helpers ---------------------------------------------------------------------------------------------

def norm(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def page_text(page) -> str:
    soup = BeautifulSoup(page.text, "html.parser")
    return norm((soup.find("main") or soup).get_text(" "))


def flashes(page) -> list[str]:
    return [norm(div.get_text(" ")) for div in BeautifulSoup(page.text, "html.parser").select("div.flash")]


def error_of(page, element_id: str) -> str | None:
    element = BeautifulSoup(page.text, "html.parser").find(id=element_id)
    return norm(element.get_text()) if element is not None else None


def family_login(app, family_id: str = FAMILY, password: str = FAMILY_PASSWORD) -> TestApp:
    client = TestApp(app)
    answer = login_family(client, family_id, password)
    assert answer.status_int == 303, page_text(answer)
    return client


def agent_login(app, password: str = DEMO_AGENT[1]) -> TestApp:
    client = TestApp(app)
    answer = login_agent(client, DEMO_AGENT[0], password)
    assert answer.status_int == 303, page_text(answer)
    return client


def login_error(app, family_id: str, password: str) -> str | None:
    """None when the family logs in, else the French message of the login page."""
    answer = login_family(TestApp(app), family_id, password)
    if answer.status_int == 303:
        return None
    return norm(BeautifulSoup(answer.text, "html.parser").find(attrs={"role": "alert"}).get_text())


def logged_in(client: TestApp, url: str = "/accueil") -> bool:
    answer = client.get(url, status="*")
    assert answer.status_int in (200, 303)
    return answer.status_int == 200


def change_password(client: TestApp, current: str, new: str, confirmation: str | None = None,
                    url: str = "/mon-compte/mot-de-passe", page_url: str = "/mon-compte"):
    token = csrf_from(client.get(page_url))
    return client.post(url, {"csrf_token": token, "actuel": current, "nouveau": new,
                             "confirmation": new if confirmation is None else confirmation}, status="*")


@pytest.fixture
def agent(demo_app) -> TestApp:
    return agent_login(demo_app)


def agent_post(agent: TestApp, url: str, fields=None, page_url: str | None = None):
    """POST with the agent's CSRF token (taken from page_url, or the directory page)."""
    token = csrf_from(agent.get(page_url or "/agent/familles"))
    items = list(fields.items()) if isinstance(fields, dict) else list(fields or [])
    return agent.post(url, items + [("csrf_token", token)], status="*")


def record(app, family_id: str = FAMILY) -> dict:
    return app.portal.families.record(family_id)


def audit(app, family_id: str = FAMILY) -> list[dict]:
    return app.portal.families.read(family_id).table("audit").all()


# --- the family's password ------------------------------------------------------------------------------------

def test_password_page_explains_the_rule(family_client):
    page = family_client.get("/mon-compte")
    assert FAMILY_PASSWORD_RULE in page_text(page)
    soup = BeautifulSoup(page.text, "html.parser")
    for name in ("actuel", "nouveau", "confirmation"):
        field = soup.find("input", attrs={"name": name})
        assert field["type"] == "password" and soup.find("label", attrs={"for": field["id"]}) is not None


def test_wrong_current_password_is_refused(family_client, demo_app):
    answer = change_password(family_client, "pasLeBon1", NEW_PASSWORD)
    assert answer.status_int == 200
    assert error_of(answer, "actuel-error") == "Le mot de passe actuel est incorrect."
    assert "Le mot de passe n'a pas été changé" in page_text(answer)
    assert login_error(demo_app, FAMILY, NEW_PASSWORD) == "Identifiant ou mot de passe incorrect."


RULE_VIOLATIONS = [
    ("abc1234", "Le mot de passe doit comporter au moins 8 caractères."),
    ("abcdefghij0123456789x", "Le mot de passe doit comporter au plus 20 caractères."),
    ("été2027soleil", "Le mot de passe ne doit contenir que des lettres (sans accent) et des chiffres."),
    ("mot de passe 1", "Le mot de passe ne doit contenir que des lettres (sans accent) et des chiffres."),
    ("soleil-2027", "Le mot de passe ne doit contenir que des lettres (sans accent) et des chiffres."),
    ("soleilsoleil", "Le mot de passe doit contenir au moins un chiffre."),
    ("2027202720", "Le mot de passe doit contenir au moins une lettre."),
    ("", "Le mot de passe doit comporter au moins 8 caractères."),
]


def test_new_password_breaking_the_rule_is_refused_with_a_french_reason(family_client, demo_app):
    for new, message in RULE_VIOLATIONS:
        answer = change_password(family_client, FAMILY_PASSWORD, new)
        assert answer.status_int == 200, new
        assert message in error_of(answer, "nouveau-error"), new
        assert error_of(answer, "actuel-error") is None  # the current password was right
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) is None  # unchanged


def test_confirmation_must_match(family_client, demo_app):
    answer = change_password(family_client, FAMILY_PASSWORD, NEW_PASSWORD, "Soleil2028")
    assert error_of(answer, "confirmation-error") == "Les deux saisies du nouveau mot de passe sont différentes."
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) is None


def test_password_change_ends_the_other_sessions_keeps_this_one_and_retires_the_old_password(demo_app):
    here, elsewhere = family_login(demo_app), family_login(demo_app)
    other_family, agent = family_login(demo_app, *OTHER_FAMILY), agent_login(demo_app)
    answer = change_password(here, FAMILY_PASSWORD, NEW_PASSWORD)
    assert answer.status_int == 303 and answer.location.endswith("/mon-compte")
    assert "Votre mot de passe a été changé. Vos autres sessions ouvertes ont été fermées." in flashes(answer.follow())
    assert logged_in(here)
    assert not logged_in(elsewhere)
    assert logged_in(other_family) and logged_in(agent, "/agent")  # other accounts are not touched
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) == "Identifiant ou mot de passe incorrect."
    assert login_error(demo_app, FAMILY, NEW_PASSWORD) is None
    account = demo_app.portal.families.read(FAMILY).table("account").all()[0]
    assert NEW_PASSWORD not in json.dumps(account)


# --- the agent's password -------------------------------------------------------------------------------------

def test_agent_changes_own_password_with_the_rule_and_other_sessions_end(demo_app):
    here, elsewhere = agent_login(demo_app), agent_login(demo_app)
    family = family_login(demo_app)
    page = here.get("/agent/mon-compte")
    assert AGENT_PASSWORD_RULE in page_text(page)
    kwargs = {"url": "/agent/mon-compte", "page_url": "/agent/mon-compte"}
    wrong = change_password(here, "pasLeBon1", "Bureau2027Mairie", **kwargs)
    assert error_of(wrong, "actuel-error") == "Le mot de passe actuel est incorrect."
    weak = change_password(here, DEMO_AGENT[1], "court12", **kwargs)
    assert error_of(weak, "nouveau-error") == AGENT_PASSWORD_RULE
    letters = change_password(here, DEMO_AGENT[1], "seulementdeslettres", **kwargs)
    assert error_of(letters, "nouveau-error") == AGENT_PASSWORD_RULE
    mismatch = change_password(here, DEMO_AGENT[1], "Bureau2027Mairie", "Bureau2027mairie", **kwargs)
    assert error_of(mismatch, "confirmation-error") == "Les deux saisies du nouveau mot de passe sont différentes."
    done = change_password(here, DEMO_AGENT[1], "Bureau 2027 / Mairie", **kwargs)  # any character for the agent
    assert done.status_int == 303
    assert "Votre mot de passe a été changé. Vos autres sessions ont été fermées." in flashes(done.follow())
    assert logged_in(here, "/agent") and not logged_in(elsewhere, "/agent") and logged_in(family)
    assert login_agent(TestApp(demo_app), *DEMO_AGENT).status_int == 200  # old one refused
    assert login_agent(TestApp(demo_app), "agent", "Bureau 2027 / Mairie").status_int == 303


# --- agent: reset, deactivate, reactivate --------------------------------------------------------------------------

def test_agent_resets_a_family_password_on_paper(demo_app, agent):
    family = family_login(demo_app)
    posted = agent_post(agent, f"/agent/familles/{FAMILY}/mot-de-passe", {"acces": "papier"})
    assert posted.status_int == 303 and posted.headers["Location"].endswith(f"/agent/familles/{FAMILY}/codes-acces")
    answer = posted.follow()
    temporary = BeautifulSoup(answer.text, "html.parser").select_one("dl.data-list code").get_text(strip=True)
    assert "L'ancien mot de passe ne fonctionne plus et les sessions de la famille sont fermées." in page_text(answer)
    assert "le mot de passe ne sera plus affiché" in page_text(answer)
    refreshed = agent.get(f"/agent/familles/{FAMILY}/codes-acces")  # a refresh shows it no more, resets nothing
    assert temporary not in refreshed.text and "n'est affiché qu'une fois" in page_text(refreshed)
    assert not logged_in(family)
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) == "Identifiant ou mot de passe incorrect."
    again = family_login(demo_app, FAMILY, temporary)
    assert "Votre mot de passe est provisoire" in page_text(again.get("/mon-compte"))
    assert "(provisoire)" in page_text(agent.get(f"/agent/familles/{FAMILY}"))
    assert temporary not in agent.get(f"/agent/familles/{FAMILY}").text  # shown once only
    change_password(again, temporary, NEW_PASSWORD)
    assert "provisoire" not in page_text(again.get("/mon-compte"))


def test_a_temporary_password_must_be_replaced_before_anything_else(demo_app, agent):
    posted = agent_post(agent, f"/agent/familles/{FAMILY}/mot-de-passe", {"acces": "papier"})
    temporary = BeautifulSoup(posted.follow().text, "html.parser").select_one("dl.data-list code").get_text(strip=True)
    family = family_login(demo_app, FAMILY, temporary)
    for url in ("/accueil", "/mes-informations", "/factures", "/messages", "/mon-compte/mes-donnees.json"):
        answer = family.get(url, status="*")
        assert answer.status_int == 303 and answer.headers["Location"].endswith("/mon-compte"), url
    refused = family.post("/messages/nouveau", {"csrf_token": csrf_from(family.get("/mon-compte")),
                                               "subject": "x", "body": "y", "category": "autre"}, status="*")
    assert refused.status_int == 303 and refused.headers["Location"].endswith("/mon-compte")
    assert "choisissez maintenant votre propre mot de passe" in page_text(family.get("/mon-compte"))
    done = change_password(family, temporary, NEW_PASSWORD)
    assert done.headers["Location"].endswith("/accueil")
    assert family.get("/accueil").status_int == 200
    assert not demo_app.portal.families.account(FAMILY)["temporary_password"]
    assert family_login(demo_app, FAMILY, NEW_PASSWORD).get("/factures").status_int == 200  # a new session: free


def test_deactivated_family_cannot_log_in_and_its_sessions_end_then_reactivation(demo_app, agent):
    family, other = family_login(demo_app), family_login(demo_app, *OTHER_FAMILY)
    answer = agent_post(agent, f"/agent/familles/{FAMILY}/desactiver")
    assert answer.status_int == 303 and answer.location.endswith(f"/agent/familles/{FAMILY}")
    page = answer.follow()
    assert "Compte désactivé : la famille ne peut plus se connecter ; ses données sont conservées." in flashes(page)
    assert "Réactiver le compte" in page_text(page)
    assert not logged_in(family) and logged_in(other)
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) == \
        "Ce compte est désactivé. Contactez la mairie pour le réactiver."
    assert record(demo_app)["parent1"]["last_name"] == "MARTIN"  # data kept
    assert len(demo_app.portal.families.read_ledger(FAMILY).table("invoices")) == 3
    listing = page_text(agent.get("/agent/familles?q=martin"))
    assert "770400070 MARTIN Sophie Léa MARTIN, Tom MARTIN désactivé" in listing

    answer = agent_post(agent, f"/agent/familles/{FAMILY}/reactiver")
    assert "Compte réactivé : la famille peut de nouveau se connecter." in flashes(answer.follow())
    assert login_error(demo_app, FAMILY, FAMILY_PASSWORD) is None


def test_only_the_agent_resets_deactivates_and_exports(family_client):
    token = csrf_from(family_client.get("/mon-compte"))
    for url in (f"/agent/familles/{OTHER}/mot-de-passe", f"/agent/familles/{OTHER}/desactiver"):
        answer = family_client.post(url, {"csrf_token": token}, status="*")
        assert answer.status_int == 303 and answer.location.endswith("/agent/connexion")
    answer = family_client.get(f"/agent/familles/{OTHER}/export.json", status="*")
    assert answer.status_int == 303 and answer.location.endswith("/agent/connexion")
    assert login_error(family_client.app, *OTHER_FAMILY) is None


# --- the directory -------------------------------------------------------------------------------------------

def search(agent: TestApp, query: str) -> list[str]:
    page = agent.get("/agent/familles", {"q": query})
    return [tr.find("td").get_text(strip=True) for tr in BeautifulSoup(page.text, "html.parser").select("tbody tr")]


@pytest.mark.parametrize("query, found", [
    ("770400080", ["770400080"]),
    ("7704000", ["770400080", "770400090", "770400070"]),  # sorted by name: ABDEL, LEROY, MARTIN
    ("martin", ["770400070"]),
    ("Abdel Nadia", ["770400080"]),
    ("camille", ["770400090"]),        # the second parent
    ("Olivia", ["770400080"]),         # a child
    ("ines", ["770400090"]),           # Inès, without the accent
    ("LÉA", ["770400070"]),            # Léa, with it and in capitals
    ("tom martin", ["770400070"]),
    ("dupont", []),                    # an authorised person is not a family
    ("zzz", []),
])
def test_directory_search_by_number_parent_or_child_ignoring_accents(agent, query, found):
    assert search(agent, query) == found


def test_directory_lists_the_new_family_at_once(demo_app, agent):
    fields = {"p1_title": "M.", "p1_last_name": "Lefèvre", "p1_first_name": "Étienne", "p1_address1": "2 rue Haute",
              "p1_postcode": "77000", "p1_city": "Démoville", "p1_phone_mobile": "0611223344",
              "p1_email": "etienne@example.fr", "c0_first_name": "Anaïs", "c0_last_name": "Lefèvre",
              "c0_birth_date": "2018-02-03", "c0_sex": "F"}
    bad = agent_post(agent, "/agent/familles/nouvelle", dict(fields, p1_postcode="abc", c0_sex=""),
                     page_url="/agent/familles/nouvelle")
    assert bad.status_int == 200
    assert error_of(bad, "f-p1_postcode-error") and error_of(bad, "f-c0_sex-error")
    assert BeautifulSoup(bad.text, "html.parser").find(id="f-p1_last_name")["value"] == "Lefèvre"
    assert sum(1 for _ in demo_app.portal.families.ids()) == 3
    posted = agent_post(agent, "/agent/familles/nouvelle", fields, page_url="/agent/familles/nouvelle")
    assert posted.status_int == 303  # a refresh or a double click cannot create a second family
    done = posted.follow()
    assert "créée" in page_text(done) and "Un courriel a été envoyé à e…@example.fr" in page_text(done)
    family_id = BeautifulSoup(done.text, "html.parser").select_one("dl.data-list dd strong").get_text(strip=True)
    assert search(agent, "anais") == [family_id] and search(agent, "lefevre etienne") == [family_id]
    paper = agent_post(agent, f"/agent/familles/{family_id}/mot-de-passe", {"acces": "papier"}).follow()
    password = BeautifulSoup(paper.text, "html.parser").select_one("dl.data-list code").get_text(strip=True)
    newcomer = family_login(demo_app, family_id, password)
    assert change_password(newcomer, password, NEW_PASSWORD).status_int == 303  # first login: its own password
    assert "Bonjour Étienne LEFÈVRE" in page_text(newcomer.get("/accueil"))


def test_family_page_shows_record_children_persons_account_and_audit(demo_app, agent):
    pending = sum(1 for r in demo_app.portal.families.read(FAMILY).table("requests").all() if r["status"] == "pending")
    page = agent.get(f"/agent/familles/{FAMILY}")
    text = page_text(page)
    for expected in ("Famille 770400070 — Sophie MARTIN", "Solde 172,20 € à payer", f"Demandes en attente {pending}",
                     "Responsable", "06 12 34 56 78", "sophie.martin@example.fr", "Conjoint", "Karim",
                     "Données fiscales", "41 250 €", "C.A.F.", "1234567", "Coordonnées bancaires", "AGRIFRPP",
                     "Personnes autorisées", "Jeanne DUPONT", "Grand-mère", "Enfants", "Léa MARTIN", "Tom MARTIN",
                     "Arachide", "École Jules Ferry", "Compte de connexion", "Identifiant : 770400070"):
        assert expected in text, expected
    assert "FR76 3000 6000 0112 3456 7890 189" not in text  # the IBAN is masked here too
    assert f'href="/agent/familles/{FAMILY}/enfants/1/fiche-complete.pdf"' in page.text
    assert f'href="/agent/familles/{FAMILY}/export.json"' in page.text
    assert agent.get("/agent/familles/770400999", status="*").status_int == 404


def test_the_agent_removes_an_authorised_person_only_after_confirming(demo_app, agent):
    page = agent.get(f"/agent/familles/{FAMILY}")
    assert page.html.find("form", action=f"/agent/familles/{FAMILY}/personnes/1/retirer") is None

    confirmation = page.click(href=f"^/agent/familles/{FAMILY}/personnes/1/retirer$")

    assert [p["id"] for p in record(demo_app)["persons"]] == [1]  # nothing removed yet
    assert "Retirer Jeanne DUPONT ?" in page_text(confirmation)
    answer = confirmation.forms[[f.action for f in confirmation.forms.values()].index(
        f"/agent/familles/{FAMILY}/personnes/1/retirer")].submit()
    assert answer.status_int == 303
    assert "Jeanne DUPONT ne fait plus partie des personnes autorisées." in flashes(answer.follow())
    assert record(demo_app)["persons"] == []
    assert agent.get(f"/agent/familles/{FAMILY}/personnes/1/retirer", status="*").status_int == 404


def test_direct_edit_is_applied_at_once_and_audited(demo_app, agent):
    family = family_login(demo_app)
    url = f"/agent/familles/{FAMILY}/modifier/responsable"
    form = {k: ("" if v is None else v) for k, v in record(demo_app)["parent1"].items()}
    bad = agent_post(agent, url, dict(form, phone_mobile="06 12"), page_url=url)
    assert bad.status_int == 200 and error_of(bad, "f-phone_mobile-error")
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 34 56 78"
    same = agent_post(agent, url, form, page_url=url)
    assert "Aucune modification" in page_text(same)
    answer = agent_post(agent, url, dict(form, phone_mobile="07 00 00 00 01", city="Melun"), page_url=url)
    assert answer.status_int == 303 and answer.location.endswith(f"/agent/familles/{FAMILY}")
    page = answer.follow()
    assert "Fiche modifiée ; la modification est inscrite à l'historique." in flashes(page)
    parent = record(demo_app)["parent1"]
    assert (parent["phone_mobile"], parent["city"]) == ("07 00 00 00 01", "Melun")
    [entry] = [a for a in audit(demo_app) if a["action"] == "direct_edit"]
    assert (entry["by"], entry["by_kind"], entry["section"]) == ("agent", "agent", "parent1")
    assert {(c["field"], c["before"], c["after"]) for c in entry["changes"]} == {
        ("phone_mobile", "06 12 34 56 78", "07 00 00 00 01"), ("city", "Démoville", "Melun")}
    history = BeautifulSoup(page.text, "html.parser").find(id="h-historique").find_parent("section")
    assert "Modification directe par l'agent Responsable Commune; Téléphone portable" in norm(history.get_text(" "))
    assert "07 00 00 00 01" in page_text(family.get("/mes-informations/responsable"))  # no request, no waiting


def test_agent_edits_a_childs_health_data_directly(demo_app, agent):
    url = f"/agent/familles/{FAMILY}/enfants/2/sanitaires"
    page = agent.get(url)
    assert agent.get(f"/agent/familles/{FAMILY}/enfants/9/sanitaires", status="*").status_int == 404
    form = next(f for f in page.forms.values() if f.action == url)
    assert form["doctor_name"].value == "Dr Claire Morel"  # filled with the record's values
    fields = dict(form.submit_fields())
    fields.pop("csrf_token")
    fields["treatments"] = "Ventoline en cas de crise"
    answer = agent_post(agent, url, fields, page_url=url)
    assert answer.status_int == 303
    assert record(demo_app)["children"][1]["health"]["treatments"] == "Ventoline en cas de crise"
    assert audit(demo_app)[-1]["target_label"] == "Tom MARTIN"


def test_agent_adds_a_child_and_an_authorised_person(demo_app, agent):
    url = f"/agent/familles/{FAMILY}/enfants/ajouter"
    answer = agent_post(agent, url, {"first_name": "Chloé", "last_name": "MARTIN", "birth_date": "04/07/2023",
                                     "sex": "F"}, page_url=url)
    assert answer.status_int == 303
    child = record(demo_app)["children"][-1]
    assert (child["id"], child["first_name"], child["birth_date"]) == (3, "Chloé", "2023-07-04")
    assert audit(demo_app)[-1]["action"] == "direct_edit" and audit(demo_app)[-1]["section"] == "child_identity"
    assert search(agent, "chloe") == [FAMILY]

    url = f"/agent/familles/{FAMILY}/personnes/ajouter"
    missing = agent_post(agent, url, {"first_name": "Paul", "last_name": "Girard", "relationship": "Voisin"},
                         page_url=url)
    assert "Cochez au moins une autorisation" in page_text(missing)
    assert "Indiquez au moins un numéro de téléphone." in page_text(missing)
    answer = agent_post(agent, url, [("first_name", "Paul"), ("last_name", "Girard"), ("relationship", "Voisin"),
                                     ("phone_mobile", "06 10 20 30 40"), ("may_pick_up", "1"), ("children", "1"),
                                     ("children", "3")], page_url=url)
    assert answer.status_int == 303
    person = record(demo_app)["persons"][-1]
    assert (person["first_name"], person["last_name"], person["children"], person["may_pick_up"]) == \
           ("Paul", "Girard", ["1", "3"], True)
    page = page_text(agent.get(f"/agent/familles/{FAMILY}"))
    assert "Paul GIRARD" in page and "Chloé MARTIN" in page
    family = family_login(demo_app)
    assert "Chloé" in page_text(family.get("/accueil"))


# --- JSON export ---------------------------------------------------------------------------------------------

def check_export(answer, family_id: str) -> dict:
    assert answer.status_int == 200
    assert answer.content_type == "application/json" and answer.charset.lower() == "utf-8"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "password_hash" not in answer.text and "scrypt$" not in answer.text
    data = json.loads(answer.text)
    for key in ("record", "account", "requests", "messages", "audit", "invoices", "payments"):
        assert key in data, key
    assert data["family_id"] == family_id and data["record"]["family_id"] == family_id
    return data


def test_family_downloads_its_own_data_without_password_hash(family_client):
    data = check_export(family_client.get("/mon-compte/mes-donnees.json"), FAMILY)
    assert data["record"]["parent1"]["first_name"] == "Sophie"
    assert [i["number"] for i in data["invoices"]] == ["F2026-000001", "F2026-000004", "F2026-000007"]
    assert [p["amount_cents"] for p in data["payments"]] == [13_770, 4_050]
    assert len(data["requests"]) == len(family_client.app.portal.families.read(FAMILY).table("requests")) >= 1
    assert any(m["subject"] == "Prélèvement d'octobre" for m in data["messages"])
    assert "Nadia" not in json.dumps(data, ensure_ascii=False)  # nothing of another family
    assert "Léa" in family_client.get("/mon-compte/mes-donnees.json").text  # UTF-8, not \u escapes


def test_agent_exports_a_familys_data_without_password_hash(demo_app, agent):
    agent_post(agent, f"/agent/familles/{OTHER}/mot-de-passe", {"acces": "papier"})  # more fields set
    data = check_export(agent.get(f"/agent/familles/{OTHER}/export.json"), OTHER)
    assert data["account"]["temporary_password"] is True
    assert [c["first_name"] for c in data["record"]["children"]] == ["Olivia", "Ahmed"]
    assert agent.get("/agent/familles/770400999/export.json", status="*").status_int == 404


def test_mes_informations_offers_the_data_export(family_client):
    assert 'href="/mon-compte/mes-donnees.json"' in family_client.get("/mes-informations").text


# --- the home page -----------------------------------------------------------------------------------------------

def test_home_shows_balance_pending_requests_unread_messages_and_children_with_sheets(family_client):
    page = family_client.get("/accueil")
    text = page_text(page)
    assert "Bonjour Sophie MARTIN" in text and "Famille n° 770400070" in text
    assert "172,20 € à payer" in text
    assert "Dernière facture : novembre 2026 (131,70 €) : reste 131,70 € à payer avant le 25/12/2026" in text
    soup = BeautifulSoup(page.text, "html.parser")
    links = {a["href"] for a in soup.select("main a[href]")}
    assert {"/releve", "/factures", "/factures/3", "/mes-demandes", "/mes-informations/enfants/1/fiche-simple.pdf",
            "/mes-informations/enfants/1/fiche-complete.pdf", "/mes-informations/enfants/2/fiche-simple.pdf",
            "/mes-informations/enfants/2/fiche-complete.pdf"} <= links
    pending = norm(soup.find(id="h-demandes").find_parent("section").get_text(" "))
    assert "Modification — Responsable — En attente" in pending
    assert "Aucune demande en attente" not in pending
    assert "messages non lus" in norm(soup.find(id="h-messages").find_parent("section").get_text(" "))
    children = norm(soup.find(id="h-enfants").find_parent("section").get_text(" "))
    assert "Léa MARTIN" in children and "Tom MARTIN" in children and "Fiche simple" in children


def test_home_of_a_family_with_nothing_due_nor_pending(demo_app):
    page = family_login(demo_app, "770400090", "demo2028").get("/accueil")
    text = page_text(page)
    assert "4,00 € en crédit" in text  # paid a 40,00 € cheque for a 36,00 € invoice
    assert "Dernière facture : novembre 2026 (36,00 €) : payée" in text
    assert "Aucune demande en attente." in text
    assert "/mes-informations/enfants/1/fiche-complete.pdf" in page.text
    assert "/mes-informations/enfants/2/" not in page.text
