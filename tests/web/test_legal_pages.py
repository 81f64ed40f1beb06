"""The pages a public site must publish (issue 14 §2): mentions légales, accessibilité, données personnelles and aide,
open to everyone with the commune's details; edited by the agent in Paramètres (escaped, Rétablir); the notice on
the pré-inscription form; the footer of the bank simulator; Mon compte's data download and its PDF summary."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import DEMO_FAMILY, OTHER_FAMILY, csrf_from, login_agent, login_family, tool_missing
from storage.accounts.password_links import FORGOTTEN, issue_link
from storage.demo import DEMO_AGENT
from views.formats import balance_fr, euros
from storage.families import account_of

PAGES = {"/mentions-legales": "Mentions légales", "/accessibilite": "Accessibilité",
         "/donnees-personnelles": "Données personnelles", "/aide": "Aide"}
EDITOR = "/agent/parametres/pages-legales"
COMMUNE = {"name": "Saint-Essai-sur-Loire", "service": "Pôle Jeunesse", "address1": "3 rue du Lavoir",
           "postcode": "45999", "city": "Saint-Essai", "phone": "02 38 11 22 33", "email": "jeunesse@saint-essai.fr"}
PDFTOTEXT = shutil.which("pdftotext")


def text_of(page) -> str:
    """The visible text of the page's main content, spaces collapsed."""
    main = BeautifulSoup(page.text, "html.parser").find("main")
    return " ".join(main.get_text(" ").replace("\u202f", " ").replace("\u00a0", " ").split())


def clients(app) -> dict[str, TestApp]:
    """A visitor, the demo family and the agent, each in their own browser."""
    visitor, family, agent = TestApp(app), TestApp(app), TestApp(app)
    assert login_family(family, *DEMO_FAMILY).status_int == 303
    assert login_agent(agent, *DEMO_AGENT).status_int == 303
    return {"visitor": visitor, "family": family, "agent": agent}


@pytest.fixture
def commune_app(demo_app):
    """The demo portal with a commune whose details appear nowhere else, and its optional modules on."""
    demo_app.portal.settings.save({"commune": COMMUNE, "modules": {"enrolments": True, "payment": True}})
    return demo_app


@pytest.fixture
def agent(demo_app) -> TestApp:
    client = TestApp(demo_app)
    assert login_agent(client, *DEMO_AGENT).status_int == 303
    return client


def save_text(agent: TestApp, slug: str, text: str, action: str = "enregistrer", status: int = 303):
    token = csrf_from(agent.get(EDITOR))
    return agent.post(f"{EDITOR}/{slug}", {"csrf_token": token, "texte": text, "action": action}, status=status)


# --- the four pages, for everyone -------------------------------------------------------------------------------

EXPECTED = {
    "/mentions-legales": ["Éditeur du portail", "Directeur ou directrice de la publication",
                          "Le maire de Saint-Essai-sur-Loire",
                          "Hébergement", "à compléter", "Cookies"],
    "/accessibilite": ["article 47 de la loi n° 2005-102", "non conforme", "RGAA", "axe-core",
                       "aucune erreur d'accessibilité grave ou critique", "Pages vérifiées", "Non-conformités",
                       "Défenseur des droits", "Libre réponse 71120"],
    "/donnees-personnelles": ["Responsable du traitement", "Finalités et bases légales", "mission d'intérêt public",
                              "Facturation", "consentement", "comptable public", "la banque", "Combien de temps",
                              "10 ans", "rectifier", "effacer", "limiter", "vous opposer", "portabilité",
                              "Délégué à la protection des données", "CNIL", "https://www.cnil.fr/fr/plaintes"],
    "/aide": ["identifiant", "Mot de passe oublié", "Mes demandes", "En attente", "Payer en ligne",
              "Restauration scolaire : au plus tard 2 jours ouvrés avant, avant 10:00",
              "Vacances de Noël : au plus tard 5 jours ouvrés avant, avant 10:00"],
}


@pytest.mark.parametrize("url", sorted(PAGES))
def test_each_legal_page_answers_everyone_with_the_commune_details(commune_app, url):
    for who, client in clients(commune_app).items():
        page = client.get(url)
        assert page.status_int == 200, who
        html = page.html
        assert html.find("html")["lang"] == "fr"
        assert html.find("title").get_text() == f"{PAGES[url]} — Portail Famille · {COMMUNE['name']}"
        assert [h1.get_text() for h1 in html.find_all("h1")] == [PAGES[url]]
        text = text_of(page)
        for detail in ("name", "phone", "email"):
            assert COMMUNE[detail] in text, f"{who} {url}: {detail}"
        if url != "/aide":
            assert COMMUNE["address1"] in text and "45999 Saint-Essai" in text, f"{who} {url}"
        for expected in EXPECTED[url]:
            assert expected.lower() in text.lower(), f"{who} {url}: {expected!r} missing"


@pytest.mark.parametrize("url", sorted(PAGES))
def test_legal_page_headings_are_in_order(demo_client, url):
    levels = [int(h.name[1]) for h in demo_client.get(url).html.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and levels.count(1) == 1 and len(levels) > 3
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:])), levels


def test_retention_periods_are_the_variable_of_the_personal_data_text(agent, demo_client):
    """The periods are not frozen in the agent's text: the variable's line is replaced at display."""
    editor = agent.get(EDITOR).html.find("textarea", id="t-donnees-personnelles").get_text()
    assert "{{durees_de_conservation}}" in editor
    text = text_of(demo_client.get("/donnees-personnelles"))
    assert "{{" not in text and "10 ans, pour la comptabilité publique" in text


def test_aide_without_the_enrolments_module_says_to_warn_the_town_hall(demo_app, demo_client):
    demo_app.portal.settings.save({"modules": {"enrolments": False, "payment": False}})
    text = text_of(demo_client.get("/aide"))
    assert "Prévenez la mairie au plus tôt" in text and "jours ouvrés" not in text and "Payer en ligne" not in text


def test_aide_links_the_forgotten_password_and_preregistration_pages(demo_client):
    links = {a["href"] for a in demo_client.get("/aide").html.find("main").find_all("a")}
    assert {"/mot-de-passe-oublie", "/pre-inscription", "/donnees-personnelles"} <= links


# --- the agent writes the pages ----------------------------------------------------------------------------------

def test_agent_settings_link_the_legal_pages_editor(agent):
    assert agent.get("/agent/parametres").html.find("a", href=EDITOR)


def test_editor_shows_each_page_default_text_and_its_restore_button(agent):
    page = agent.get(EDITOR)
    for url, title in PAGES.items():
        form = page.html.find("form", action=f"{EDITOR}{url}")
        assert form is not None, url
        textarea = form.find("textarea", attrs={"name": "texte"})
        assert page.html.find("label", attrs={"for": textarea["id"]})
        assert textarea.get_text().startswith(("## ", "Ville de Démo"))
        assert [b.get_text() for b in form.find_all("button")] == ["Enregistrer", "Rétablir le texte par défaut"]
    assert page.text.count("Texte par défaut, construit") == 4


def test_agent_edit_shows_to_families_escaped(agent, demo_app):
    answer = save_text(agent, "aide", "## Horaires d'été\nLa mairie ferme à 12 h.\n\n- <script>alert('x')</script>\n"
                                      "- <b>gras</b> [Écrire](javascript:alert(1))\n\nVoir [l'aide](/aide).")
    assert answer.headers["Location"].startswith(EDITOR)
    assert "Page « Aide » enregistrée." in answer.follow().text
    family = TestApp(demo_app)
    login_family(family, *DEMO_FAMILY)
    page = family.get("/aide")
    main = page.html.find("main")
    assert [h.get_text() for h in main.find_all("h2")] == ["Horaires d'été"]
    assert [li.get_text() for li in main.find_all("li")] == ["<script>alert('x')</script>",
                                                             "<b>gras</b> [Écrire](javascript:alert(1))"]
    assert main.find("script") is None and main.find("b") is None
    assert "&lt;script&gt;alert(&#039;x&#039;)&lt;/script&gt;" in page.text
    assert [a["href"] for a in main.find_all("a")] == ["/aide"]
    assert "Je ne connais pas mon identifiant" not in page.text  # the default text is replaced
    editor = agent.get(EDITOR)
    assert "<script>alert('x')</script>" in editor.html.find("textarea", id="t-aide").get_text()
    assert "Texte modifié le 02/12/2026" in editor.text and "par agent" in editor.text


def test_restore_brings_back_the_default_text(agent, demo_client):
    save_text(agent, "mentions-legales", "Texte provisoire.")
    assert "Texte provisoire." in demo_client.get("/mentions-legales").text
    answer = save_text(agent, "mentions-legales", "Texte provisoire modifié", action="retablir")
    assert "Texte par défaut rétabli pour la page « Mentions légales »." in answer.follow().text
    page = demo_client.get("/mentions-legales")
    assert "Texte provisoire" not in page.text and "Éditeur du portail" in page.text
    again = save_text(agent, "mentions-legales", "", action="retablir").follow()
    assert "La page « Mentions légales » affiche déjà le texte par défaut." in again.text


def test_default_text_saved_unchanged_keeps_following_the_settings(agent, demo_app, demo_client):
    default = agent.get(EDITOR).html.find("textarea", id="t-mentions-legales").get_text()
    save_text(agent, "mentions-legales", default.replace("\n", "\r\n"))
    demo_app.portal.settings.save({"commune": {"phone": "09 87 65 43 21"}})
    assert "09 87 65 43 21" in demo_client.get("/mentions-legales").text
    assert not (demo_app.portal.documents.root / "legal_pages.json").exists()


@pytest.mark.parametrize("typed, error", [(" \r\n \t", "Le texte est vide"), ("é" * 15_001, "trop long")],
                         ids=["empty", "too long"])
def test_empty_or_too_long_text_is_refused_in_french_and_kept(agent, demo_app, typed, error):
    answer = save_text(agent, "aide", typed, status=200)
    field = answer.html.find("textarea", id="t-aide")
    assert error in answer.html.find(id="t-aide-error").get_text()
    assert field["aria-invalid"] == "true" and "t-aide-error" in field["aria-describedby"]
    assert field.get_text() == typed.strip() or typed.strip() == ""
    assert demo_app.portal.legal_pages.edited() == {}


def test_legal_details_replace_the_placeholders(agent, demo_client):
    assert "à compléter" in agent.get(EDITOR).text
    token = csrf_from(agent.get(EDITOR))
    answer = agent.post(EDITOR, {"csrf_token": token, "publication_director": "Mme Claire Dupont, maire",
                                 "host_name": "Hébergeur Exemple SAS",
                                 "host_address": "2 rue des Serveurs\r\n59100 Roubaix",
                                 "dpo_contact": "dpo@agglo-exemple.fr"})
    assert "Informations légales enregistrées" in answer.follow().text
    mentions = text_of(demo_client.get("/mentions-legales"))
    assert "Mme Claire Dupont, maire" in mentions
    assert "Hébergeur Exemple SAS 2 rue des Serveurs 59100 Roubaix" in mentions
    assert "à compléter" not in mentions
    personal = demo_client.get("/donnees-personnelles")
    assert "Hébergeur Exemple SAS" in personal.text
    assert personal.html.find("a", href="mailto:dpo@agglo-exemple.fr")


def test_legal_details_too_long_are_refused_next_to_the_field(agent, demo_app):
    token = csrf_from(agent.get(EDITOR))
    answer = agent.post(EDITOR, {"csrf_token": token, "host_name": "H" * 121})
    assert answer.status_int == 200
    assert "120 caractères au plus." in answer.html.find(id="f-host_name-error").get_text()
    assert demo_app.portal.settings["legal"]["host_name"] == ""


# --- where families meet them ------------------------------------------------------------------------------------

def test_preregistration_form_shows_the_data_notice_before_its_button(demo_client):
    form = demo_client.get("/pre-inscription").html.find("form", action="/pre-inscription")
    notice = form.find(id="notice-donnees")
    assert notice is not None and "Ville de Démo" in notice.get_text() and "enfance@ville-demo.fr" in notice.get_text()
    assert notice.find("a", href="/donnees-personnelles")
    order = [tag for tag in form.find_all(True) if tag is notice or tag.name == "button"]
    assert order[0] is notice, "the notice comes before the submit button"


def test_bank_simulator_pages_link_the_legal_pages_too(family_client):
    home = family_client.get("/accueil")
    bank = family_client.post("/paiement-en-ligne", {"csrf_token": csrf_from(home)}).follow()
    form = bank.html.find("form", id="bank-form")
    fields = [(i["name"], i.get("value", "")) for i in form.find_all("input") if i.get("name")]
    simulator = family_client.post("/paiement-en-ligne/simulateur", fields)
    refused = family_client.post("/paiement-en-ligne/simulateur", [("PBX_SITE", "1")], status="*")
    for page in (simulator, refused):
        footer = page.html.find("footer")
        assert {a["href"] for a in footer.find_all("a")} == set(PAGES), page.text[:500]


def test_account_page_says_what_the_download_holds(family_client):
    section = family_client.get("/mon-compte").html.find("section", attrs={"aria-labelledby": "h-donnees"})
    words = " ".join(section.get_text(" ").split())
    for part in ("vos enfants (avec leurs données de santé)", "vos factures et vos paiements",
                 "Votre mot de passe n'y figure pas", "format JSON"):
        assert part in words
    links = {a["href"]: a.get_text() for a in section.find_all("a")}
    assert links["/mon-compte/mes-donnees.json"].startswith("Télécharger mes données")
    assert "Résumé" in links["/mon-compte/mes-donnees.pdf"] and "/donnees-personnelles" in links


def pdf_text(answer) -> str:
    assert answer.status_int == 200 and answer.content_type == "application/pdf"
    assert answer.body.startswith(b"%PDF-")
    if PDFTOTEXT is None:
        tool_missing("pdftotext (Debian package poppler-utils) is missing: PDF contents cannot be checked")
    result = subprocess.run([PDFTOTEXT, "-layout", "-enc", "UTF-8", "-", "-"], input=answer.body,
                            capture_output=True, check=True, timeout=30)
    return " ".join(result.stdout.decode("utf-8").replace("\u202f", " ").replace("\u00a0", " ").split())


def norm(text: str) -> str:
    """Amounts as pdf_text() gives them (narrow and non-breaking spaces as plain ones)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def test_pdf_summary_holds_the_family_data_and_nothing_of_another(family_client, demo_app):
    text = pdf_text(family_client.get("/mon-compte/mes-donnees.pdf"))
    first = demo_app.portal.families.record("770400070")["children"][0]["health"]["vaccinations"][0]
    vaccination = f"{first['name']}, {first['date'][8:10]}/{first['date'][5:7]}/{first['date'][:4]}"
    ledger = demo_app.portal.families.read_ledger("770400070")  # the demo's figures depend on the day it is made
    invoices, payments = ledger.table("invoices").all(), ledger.table("payments").all()
    billed, paid = sum(i["total_cents"] for i in invoices), sum(p["amount_cents"] for p in payments)
    for expected in ("Mes données", "famille n° 770400070", "Sophie", "sophie.martin@example.fr", "Karim",
                     "Revenu fiscal de référence", "41 250 €", "Enfant : Léa MARTIN", "Enfant : Tom MARTIN",
                     "PAI alimentaire", "Arachide", vaccination, "Jeanne DUPONT", "Grand-mère",
                     "Demandes (1)", "Responsable - Téléphone portable", "En attente",
                     "Messages (3, en 2 conversations)", "Prélèvement d'octobre", f"Factures ({len(invoices)})",
                     invoices[0]["number"], f"Total facturé : {norm(euros(billed))}",
                     f"Paiements ({len(payments)})", f"Total payé : {norm(euros(paid))}",
                     f"Solde du compte : {norm(balance_fr(billed - paid))}"):
        assert expected in text, f"{expected!r} not in the summary:\n{text}"
    other = demo_app.portal.families.record(OTHER_FAMILY[0])
    for absent in (OTHER_FAMILY[0], other["parent1"]["first_name"], other["parent1"]["email"],
                   *(child["first_name"] for child in other["children"])):
        assert absent not in text
    assert "FR76 3000 6000 0112 3456 7890 189" not in text  # the IBAN is masked, as on the pages


def test_pdf_summary_never_prints_the_password_hash_nor_a_password_link(family_client, demo_app):
    token, _ = issue_link(demo_app.portal.families, DEMO_FAMILY[0], FORGOTTEN)
    account = account_of(demo_app.portal.families.read(DEMO_FAMILY[0]))
    text = pdf_text(family_client.get("/mon-compte/mes-donnees.pdf"))
    secrets = [account["password_hash"], *re.split(r"[$:]", account["password_hash"]), token,
               account["password_link"]["sha256"]]
    assert [s for s in secrets if len(s) > 8 and s in text] == []
    assert "scrypt" not in text.lower()


def test_pdf_summary_is_the_logged_in_family_s_own(demo_app):
    other = TestApp(demo_app)
    login_family(other, *OTHER_FAMILY)
    text = pdf_text(other.get("/mon-compte/mes-donnees.pdf"))
    assert f"famille n° {OTHER_FAMILY[0]}" in text and "Sophie" not in text and "770400070" not in text
