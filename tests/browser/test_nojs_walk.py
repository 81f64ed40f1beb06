"""Every family and agent flow, walked to the end in real Chromium with JavaScript DISABLED, on the real demo server:
plain links and forms only, as in a text browser or an old one.

The walks use the family 770400080 (ABDEL), which the other browser tests leave alone, and each walk creates what
it then uses (no walk depends on another). A new flow: one more test here, written the same way."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from storage.protection.submissions import MIN_FILL_SECONDS

from demo_usage import next_school_day, photo_png

pytestmark = pytest.mark.parametrize("javascript", [False], ids=["nojs"])  # the `page` fixture, JavaScript off
FAMILY = ("770400080", "demo2027")
AGENT = ("agent", "agent2026")
SENT = "Votre demande a été transmise à la mairie."


# --- a user's gestures, without JavaScript ------------------------------------------------------------------------

def log_in(page, who: str) -> None:
    login_page, (identifiant, password) = ("/connexion", FAMILY) if who == "family" else ("/agent/connexion", AGENT)
    page.goto(login_page)
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/accueil$" if who == "family" else r"/agent$"))


def log_out(page, who: str) -> None:
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    page.goto("/accueil" if who == "family" else "/agent")
    expect(page).to_have_url(re.compile(r"/connexion$" if who == "family" else r"/agent/connexion$"))


def nav(page, name: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation").get_by_role("link", name=re.compile("^" + re.escape(name))).click()


def flash(page, text: str) -> None:
    expect(page.locator(".flash").filter(has_text=text).first).to_be_visible()


def agent_page(browser, server_url):
    """A second, separate browser (the agent at the town hall), JavaScript off too."""
    context = browser.new_context(java_script_enabled=False, base_url=server_url, locale="fr-FR")
    context.set_default_timeout(10_000)
    return context, context.new_page()


def open_pdf(page, link) -> bytes:
    """Follow a link to a PDF (Chromium shows it in the tab, or downloads it), come back, return the PDF's bytes."""
    href, before = link.get_attribute("href"), page.url
    with page.expect_response(lambda answer: answer.url.endswith(href)) as response:
        link.click()
    assert response.value.status == 200 and response.value.headers["content-type"] == "application/pdf", href
    body = page.request.get(href).body()  # what the tab shows is Chromium's PDF viewer, not the file
    if page.url != before:
        page.go_back()
    return body


# --- the walks ----------------------------------------------------------------------------------------------------

def test_family_changes_record_agent_validates_and_cancels(page, browser, server_url):
    """Phone number changed and a person added (requests), a third request withdrawn; the agent validates the phone,
    cancels the person with a reason; the family sees both decisions."""
    log_in(page, "family")
    nav(page, "Mes informations")
    page.get_by_role("link", name="Responsable").click()
    page.get_by_role("link", name="Modifier").click()
    page.get_by_label("Téléphone portable").fill("07 55 44 33 22")
    page.get_by_role("button", name="Envoyer la demande").click()
    flash(page, SENT)

    nav(page, "Mes informations")
    page.get_by_role("link", name="Personnes autorisées").click()
    for first_name, last_name in (("Lucie", "MOREAU"), ("Marc", "RETIRE")):
        page.get_by_role("link", name="Ajouter une personne").click()
        page.get_by_label(re.compile("^Nom")).fill(last_name)
        page.get_by_label(re.compile("^Prénom")).fill(first_name)
        page.get_by_label(re.compile("^Lien de parenté")).fill("Amie de la famille")
        page.get_by_label("Téléphone portable").fill("06 44 55 66 77")
        page.get_by_label("Peut venir chercher l'enfant").check()
        page.get_by_label("Olivia ABDEL").check()
        page.get_by_role("button", name="Envoyer la demande").click()
        flash(page, SENT)
        expect(page.get_by_text(f"Ajout demandé : {first_name} {last_name}")).to_be_visible()

    nav(page, "Mes demandes")
    withdrawn = page.locator("article").filter(has_text="Marc RETIRE")
    withdrawn.get_by_role("link", name=re.compile("^Retirer cette demande")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirer cette demande ?")  # nothing withdrawn yet
    page.get_by_role("button", name="Confirmer le retrait").click()
    flash(page, "Votre demande a été retirée.")
    expect(page.locator("article").filter(has_text="Marc RETIRE")).to_contain_text("Retirée")

    context, agent = agent_page(browser, server_url)
    try:
        log_in(agent, "agent")
        nav(agent, "Gestion des demandes")
        agent.get_by_role("link", name=FAMILY[0], exact=True).first.click()
        expect(agent.get_by_role("heading", level=1)).to_contain_text(f"Famille {FAMILY[0]}")
        phone = agent.locator("article").filter(has_text="07 55 44 33 22")
        phone.get_by_role("button", name="Valider").click()
        flash(agent, "Demande validée")
        person = agent.locator("article").filter(has_text="Lucie MOREAU")
        person.get_by_label("Motif d'annulation").fill("Merci de passer en mairie avec une pièce d'identité.")
        person.get_by_role("button", name="Annuler la demande").click()
        flash(agent, "Demande annulée.")
        log_out(agent, "agent")
    finally:
        context.close()

    nav(page, "Mes demandes")
    expect(page.locator("article").filter(has_text="Lucie MOREAU")).to_contain_text("pièce d'identité")
    nav(page, "Mes informations")
    page.get_by_role("link", name="Responsable").click()
    expect(page.locator("#contenu")).to_contain_text("07 55 44 33 22")
    log_out(page, "family")
    assert page.problems == []


def test_family_reads_an_invoice_and_its_pdf(page):
    log_in(page, "family")
    nav(page, "Factures")
    page.locator("table a[href^='/factures/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Facture n°")
    pdf = open_pdf(page, page.get_by_role("link", name="Imprimer (PDF)"))
    assert pdf.startswith(b"%PDF-")
    nav(page, "Relevé de compte")
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevé de compte")
    log_out(page, "family")


def test_family_writes_agent_replies_family_reads(page, browser, server_url):
    subject = "Question sans JavaScript"
    log_in(page, "family")
    nav(page, "Messages")
    page.get_by_role("link", name="Contacter la collectivité").click()
    page.get_by_label(re.compile("^Objet")).fill(subject)
    page.get_by_label(re.compile("^Catégorie")).select_option("facturation")
    page.get_by_label(re.compile("^Votre message")).fill("Bonjour,\nPouvez-vous m'envoyer le détail de novembre ?")
    page.get_by_role("button", name="Envoyer le message").click()
    flash(page, "Votre message a été envoyé à la mairie.")
    expect(page.get_by_role("heading", level=1)).to_have_text(subject)

    context, agent = agent_page(browser, server_url)
    try:
        log_in(agent, "agent")
        nav(agent, "Messages")
        agent.get_by_role("link", name=subject).first.click()
        agent.get_by_label(re.compile("^Votre réponse")).fill("Bonjour Madame,\nLe détail est sur la facture de novembre.")
        agent.get_by_role("button", name="Envoyer la réponse").click()
        flash(agent, f"Réponse envoyée à la famille {FAMILY[0]}.")
        log_out(agent, "agent")
    finally:
        context.close()

    nav(page, "Messages")
    page.get_by_role("link", name=subject).first.click()
    expect(page.locator("#contenu")).to_contain_text("Le détail est sur la facture de novembre.")
    log_out(page, "family")
    assert page.problems == []


def test_family_enrols_a_child_and_declares_an_absence(page, browser, server_url):
    start = next_school_day()
    log_in(page, "family")
    nav(page, "Inscriptions")
    page.get_by_role("link", name="Inscrire un enfant").click()
    page.get_by_label("Ahmed ABDEL").check()
    page.get_by_label("Service").select_option("soir")
    page.get_by_label("Du").fill(start.isoformat())
    page.get_by_label("Au (inclus)").fill((start + timedelta(days=4)).isoformat())
    page.get_by_role("button", name="Envoyer la demande d'inscription").click()
    flash(page, SENT)

    page.get_by_role("link", name="Déclarer une absence").click()
    page.get_by_role("group", name="Olivia ABDEL").get_by_label("Restauration scolaire").check()
    page.get_by_label("Motif").select_option("maladie")
    page.get_by_label("Du", exact=True).fill(start.isoformat())
    page.get_by_label("Au (inclus)").fill(start.isoformat())
    page.get_by_role("button", name="Déclarer l'absence").click()
    flash(page, SENT)

    context, agent = agent_page(browser, server_url)
    try:
        log_in(agent, "agent")
        agent.goto(f"/agent/demandes/{FAMILY[0]}")
        absence = agent.locator("article").filter(has_text="Absence")
        absence.get_by_label("Facturation des jours d'absence").select_option("free")
        absence.get_by_role("button", name="Valider").click()
        flash(agent, "Demande validée")
        enrolment = agent.locator("article").filter(has_text="Inscription").filter(has_text="Ahmed")
        enrolment.get_by_role("button", name="Valider").click()
        flash(agent, "Demande validée")
        log_out(agent, "agent")
    finally:
        context.close()

    nav(page, "Inscriptions")
    expect(page.locator("#contenu")).to_contain_text("Accueil du soir")
    page.get_by_role("link", name=re.compile(r"^Planning d(e |')Ahmed")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"Planning d(e |')Ahmed"))
    log_out(page, "family")
    assert page.problems == []


def test_agent_records_a_payment_and_previews_billing(page):
    log_in(page, "agent")
    nav(page, "Familles")
    page.get_by_label("Rechercher une famille").fill("ABDEL")
    page.get_by_role("button", name=re.compile("Rechercher")).click()
    page.get_by_role("link", name=re.compile(FAMILY[0])).first.click()
    page.get_by_role("link", name="Factures et paiements").click()
    page.get_by_label("Montant (€)").fill("12,50")
    page.get_by_label("Mode").select_option("especes")
    page.get_by_label(re.compile("^Référence")).fill("Reçu 42")
    page.get_by_role("button", name="Enregistrer le paiement").click()
    flash(page, "Paiement enregistré.")
    expect(page.locator("#contenu")).to_contain_text("Reçu 42")

    nav(page, "Facturation")
    page.get_by_label(re.compile("^Mois à facturer")).fill(next_school_day().strftime("%Y-%m"))
    page.get_by_role("button", name="Voir l'aperçu").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Aperçu pour")
    log_out(page, "agent")
    assert page.problems == []


def test_family_pays_online_through_the_bank_simulator(page):
    """The pay button, the page that sends the browser to the bank (a button when JavaScript is off), the bank's
    page, back to the portal with the payment recorded."""
    log_in(page, "family")
    page.get_by_role("button", name=re.compile("^Payer en ligne")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement en ligne")
    page.get_by_role("button", name="Continuer vers le paiement sécurisé").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement sécurisé")
    page.get_by_role("button", name="Accepter le paiement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement accepté")
    nav(page, "Relevé de compte")
    expect(page.locator("#contenu")).to_contain_text(re.compile("carte bancaire", re.I))
    log_out(page, "family")


def test_family_sends_a_photo_the_agent_validates_it(page, browser, server_url):
    log_in(page, "family")
    nav(page, "Mes informations")
    page.get_by_role("link", name="Olivia ABDEL").click()
    page.get_by_role("link", name="Envoyer une photo").click()
    page.get_by_label(re.compile("^Photo")).set_input_files(
        {"name": "olivia.png", "mimeType": "image/png", "buffer": photo_png()})
    page.get_by_role("button", name="Envoyer la photo").click()
    flash(page, SENT)
    expect(page.get_by_alt_text("Nouvelle photo d'Olivia, en attente").or_(
        page.get_by_alt_text("Nouvelle photo de Olivia, en attente"))).to_be_visible()

    context, agent = agent_page(browser, server_url)
    try:
        log_in(agent, "agent")
        agent.goto(f"/agent/demandes/{FAMILY[0]}")
        agent.locator("article").filter(has_text="Photo").get_by_role("button", name="Valider").click()
        flash(agent, "Demande validée")
        log_out(agent, "agent")
    finally:
        context.close()

    page.reload()
    photo = page.locator("img.photo").first
    expect(photo).to_be_visible()
    assert page.evaluate("img => img.naturalWidth", photo.element_handle()) > 0
    log_out(page, "family")
    assert page.problems == []


def test_visitor_preregisters_the_agent_creates_the_family_and_prints_the_letter(page, browser, server_url):
    page.goto("/connexion")
    page.get_by_role("link", name="Remplir la fiche de pré-inscription").click()
    parent = page.get_by_role("group", name="Responsable")
    parent.get_by_label("Civilité").select_option("Mme")
    for label, value in (("Nom", "SANSJS"), ("Prénom", "Inès"), ("Adresse", "5 rue du Texte"), ("Code postal", "77000"),
                         ("Commune", "Démoville"), ("Téléphone portable", "06 12 12 12 12"),
                         ("E-mail", "ines.sansjs@example.fr")):
        parent.get_by_label(re.compile(f"^{label}")).fill(value)
    child = page.get_by_role("group", name="Enfant 1")
    child.get_by_label(re.compile("^Prénom")).fill("Noé")
    child.get_by_label(re.compile("^Nom")).fill("SANSJS")
    child.get_by_label(re.compile("^Date de naissance")).fill("2019-03-04")
    child.get_by_label(re.compile("^Sexe")).select_option("M")
    page.wait_for_timeout(MIN_FILL_SECONDS * 1000)  # a person takes that long; a form sent faster is refused as a bot's
    page.get_by_role("button", name=re.compile("^Envoyer")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pré-inscription envoyée")

    context, agent = agent_page(browser, server_url)
    try:
        log_in(agent, "agent")
        nav(agent, "Gestion des demandes")
        agent.get_by_role("link", name="Examiner les pré-inscriptions").click()
        agent.get_by_role("row").filter(has_text="SANSJS").get_by_role("link", name=re.compile(
            "^Examiner la pré-inscription")).click()
        agent.get_by_role("button", name="Valider : créer la famille et son compte").click()
        expect(agent.get_by_role("heading", level=1)).to_contain_text("créée")
        with agent.expect_response(lambda answer: "courrier-acces.pdf" in answer.url) as letter:
            agent.get_by_role("button", name="Imprimer le courrier pour la famille (PDF)").click()
        assert letter.value.status == 200 and letter.value.headers["content-type"] == "application/pdf"
    finally:
        context.close()
    assert page.problems == []


def test_agent_imports_invoices_from_a_csv_file(page):
    log_in(page, "agent")
    nav(page, "Import factures")
    csv = ("famille;numero;periode;date_emission;date_echeance;enfant;prestation;detail;quantite;prix_unitaire\n"
           f"{FAMILY[0]};NOJS-2026-12;2026-12;03/01/2027;25/01/2027;Olivia;Restauration scolaire;;3;3,00\n")
    page.get_by_label("Fichier CSV").set_input_files(
        {"name": "factures.csv", "mimeType": "text/csv", "buffer": csv.encode("utf-8")})
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=2).first).to_contain_text("1 facture,")
    page.get_by_role("button", name="Importer cette facture").click()
    flash(page, "1 facture importée.")
    log_out(page, "agent")
    assert page.problems == []
