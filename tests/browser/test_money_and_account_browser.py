"""Money and the account in a real Chromium, JavaScript on (htmx boost) and off (plain HTML): the family reads its
invoices, one invoice and its PDF, the relevé; the agent records a counter payment and the family sees its new
balance; a family changes its password.

The demo server is shared by every browser test of the session: these tests change only the Leroy family's balance
(relative checks) and a family they create themselves.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def log_in(page, identifiant: str, password: str, agent: bool = False, lands_on: str | None = None) -> None:
    page.goto("/agent/connexion" if agent else "/connexion")
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(lands_on or (r"/agent$" if agent else r"/accueil$")))


def cents(text: str) -> int:
    """'1 234,56 € à payer' -> 123456; '19,80 € en crédit' -> -1980; 'rien à payer' -> 0."""
    if text.strip() == "rien à payer":
        return 0
    match = re.search(r"([0-9][0-9\s\u202f\u00a0]*),([0-9]{2})", text)
    assert match, text
    value = int(re.sub(r"\D", "", match[1])) * 100 + int(match[2])
    return -value if "en crédit" in text else value


def euros(amount: int) -> str:
    whole, rest = divmod(abs(amount), 100)
    return f"{whole:,}".replace(",", "\u202f") + f",{rest:02d}\u00a0€"


def shot(page, name: str, javascript: bool) -> None:
    """Save tests/browser/screenshots/name-js.png (or -nojs). caret="initial": Playwright's default caret hiding
    leaves style="" on the inputs, which htmx's settling then copies, tripping the CSP (a test artifact)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-{'js' if javascript else 'nojs'}.png"), full_page=True,
                    caret="initial")


def new_context(browser, server_url, javascript):
    context = browser.new_context(java_script_enabled=javascript, base_url=server_url, locale="fr-FR",
                                  viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    return context


def assert_pdf_response(response, disposition: str) -> None:
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith(disposition)
    assert response.body().startswith(b"%PDF-")


# --- the family reads its invoices -------------------------------------------------------------------------------

def test_family_reads_invoices_an_invoice_its_pdf_and_the_statement(page, javascript):
    log_in(page, "770400070", "demo2026")
    page.get_by_role("navigation", name="Espace famille").get_by_role("link", name="Factures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes factures")
    expect(page).to_have_url(re.compile(r"/factures$"))
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("F2026-000007")
    expect(rows.first).to_contain_text("131,70\u00a0€")
    expect(rows.nth(1)).to_contain_text("Partiellement payée")
    expect(rows.nth(1)).to_contain_text("40,50\u00a0€")  # what is left of October's 81,00 €
    shot(page, "family-invoices", javascript)

    page.get_by_role("link", name="novembre 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Facture n° F2026-000007")
    expect(page).to_have_url(re.compile(r"/factures/3$"))
    expect(page.get_by_role("row", name=re.compile("^Solde antérieur"))).to_contain_text("40,50\u00a0€")
    expect(page.get_by_role("row", name=re.compile("^Montant à payer à l'émission"))).to_contain_text("172,20\u00a0€")
    shot(page, "family-invoice", javascript)

    # The PDF behind the two buttons, fetched with the family's session cookie.
    print_href = page.get_by_role("link", name="Imprimer (PDF)").get_attribute("href")
    archive_href = page.get_by_role("link", name="Archiver (télécharger le PDF)").get_attribute("href")
    assert print_href == "/factures/3/facture.pdf" and archive_href == "/factures/3/facture.pdf?telecharger=1"
    assert_pdf_response(page.request.get(print_href), "inline")
    assert_pdf_response(page.request.get(archive_href), "attachment")

    page.get_by_role("navigation", name="Espace famille").get_by_role("link", name="Relevé de compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Relevé de compte")
    first = page.locator("table tbody tr").first
    expect(first).to_contain_text("Facture F2026-000007 (novembre 2026)")
    expect(first).to_contain_text("172,20\u00a0€ à payer")
    expect(page.locator("table tbody tr")).to_have_count(5)
    shot(page, "family-statement", javascript)
    assert page.problems == []


def test_clicking_the_invoice_pdf_buttons_opens_and_downloads_the_pdf(page, javascript):
    log_in(page, "770400070", "demo2026")
    page.goto("/factures/3")
    for name in ("Imprimer (PDF)", "Archiver (télécharger le PDF)"):  # a PDF is no page for htmx to swap in
        boost = page.get_by_role("link", name=name).evaluate(
            "a => { const b = a.closest('[data-hx-boost]'); return b ? b.getAttribute('data-hx-boost') : null; }")
        assert not javascript or boost != "true", f"{name}: data-hx-boost={boost}"
    with page.expect_download(timeout=5_000) as download:
        page.get_by_role("link", name="Archiver (télécharger le PDF)").click()
    assert download.value.suggested_filename == "facture-F2026-000007.pdf"
    with open(download.value.path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"
    page.goto("/factures/3")
    page.get_by_role("link", name="Imprimer (PDF)").click()
    expect(page).to_have_url(re.compile(r"/factures/3/facture\.pdf$"), timeout=5_000)  # the browser's PDF viewer


# --- the agent records a payment ------------------------------------------------------------------------------------

def test_agent_records_a_payment_and_the_family_sees_the_new_balance(page, browser, server_url, javascript):
    family_context = new_context(browser, server_url, javascript)
    try:
        family = family_context.new_page()
        log_in(family, "770400090", "demo2028")
        before = cents(family.locator("#h-solde ~ p.amount").inner_text())

        log_in(page, "agent", "agent2026", agent=True)
        page.get_by_role("link", name="Familles", exact=True).click()
        page.get_by_label("Rechercher une famille").fill("leroy")
        page.get_by_role("button", name="Rechercher").click()
        page.get_by_role("link", name="770400090").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Famille 770400090 — Julien LEROY")
        page.get_by_role("link", name="Factures et paiements").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Compte de la famille 770400090")

        reference = f"Chèque n° {'41' if javascript else '42'}7755"
        page.get_by_label("Montant (€)").fill("douze")
        page.get_by_label("Mode").select_option(label="Chèque")
        page.get_by_label("Référence (n° de chèque…)").fill(reference)
        page.get_by_role("button", name="Enregistrer le paiement").click()
        expect(page.locator("#amount-error")).to_have_text("Montant invalide (exemple : 12,50).")
        expect(page.get_by_label("Référence (n° de chèque…)")).to_have_value(reference)  # typed values kept

        page.get_by_label("Montant (€)").fill("12,34")
        page.get_by_role("button", name="Enregistrer le paiement").click()
        expect(page.get_by_role("status").filter(has_text="Paiement enregistré.")).to_be_visible()
        expect(page.locator("section[aria-labelledby=h-paiements] tbody tr", has_text=reference)).to_contain_text(
            "12,34\u00a0€")
        shot(page, "agent-counter-payment", javascript)

        after = before - 1_234
        family.goto("/accueil")
        expect(family.locator("#h-solde ~ p.amount")).to_contain_text(euros(after))
        expect(family.locator("#h-solde ~ p.amount")).to_contain_text("en crédit" if after < 0 else "à payer")
        family.get_by_role("link", name="Relevé de compte").first.click()
        expect(family.get_by_role("heading", level=1)).to_have_text("Relevé de compte")
        expect(family.locator("table tbody tr").filter(has_text=reference)).to_contain_text("12,34\u00a0€")
        shot(family, "family-statement-after-payment", javascript)
        assert page.problems == []
    finally:
        family_context.close()


# --- a family changes its password -----------------------------------------------------------------------------------

def create_family(browser, server_url, last_name: str) -> tuple[str, str]:
    """The agent creates a family through the 'Nouvelle famille' form and gives it a temporary password on paper;
    returns (identifiant, password)."""
    context = new_context(browser, server_url, False)
    try:
        agent = context.new_page()
        log_in(agent, "agent", "agent2026", agent=True)
        agent.goto("/agent/familles/nouvelle")
        token = agent.locator("form[action='/agent/familles/nouvelle'] input[name=csrf_token]").get_attribute("value")
        answer = context.request.post("/agent/familles/nouvelle", form={
            "csrf_token": token, "p1_title": "Mme", "p1_last_name": last_name, "p1_first_name": "Alice",
            "p1_address1": "3 rue Neuve", "p1_postcode": "77000", "p1_city": "Démoville",
            "p1_phone_mobile": "0611223344", "p1_email": "alice@example.fr", "c0_first_name": "Jules",
            "c0_last_name": last_name, "c0_birth_date": "2019-04-05", "c0_sex": "M"})
        assert answer.status == 200, answer.text()
        family_id = re.search(r"<dd><strong>([0-9]+)</strong></dd>", answer.text())[1]
        # The family has an e-mail address, so a link went by mail: ask for a temporary password on paper instead.
        answer = context.request.post(f"/agent/familles/{family_id}/mot-de-passe",
                                      form={"csrf_token": token, "acces": "papier"})
        assert answer.status == 200, answer.text()
        password = html.unescape(re.search(r"<code>([^<]+)</code>", answer.text())[1])
        return family_id, password
    finally:
        context.close()


def test_family_changes_its_password(page, browser, server_url, javascript):
    family_id, password = create_family(browser, server_url, "JAVASCRIPT" if javascript else "SANSJS")
    log_in(page, family_id, password, lands_on=r"/mon-compte$")  # a temporary password: first, its own
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Votre mot de passe est provisoire")).to_be_visible()
    page.get_by_role("link", name="Factures").click()  # nothing else until it is changed
    expect(page).to_have_url(re.compile(r"/mon-compte$"))
    expect(page.get_by_text("uniquement des lettres et des chiffres")).to_be_visible()  # the rule is explained

    page.get_by_label("Mot de passe actuel").fill("pasLeBon1")
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Soleil2027")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("Soleil2027")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#actuel-error")).to_have_text("Le mot de passe actuel est incorrect.")
    expect(page.get_by_label("Mot de passe actuel")).to_have_attribute("aria-invalid", "true")
    shot(page, "family-password-error", javascript)

    page.get_by_label("Mot de passe actuel").fill(password)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Soleil 2027")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("Soleil 2027")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.locator("#nouveau-error")).to_contain_text("que des lettres (sans accent) et des chiffres")

    page.get_by_label("Mot de passe actuel").fill(password)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("Soleil2027")
    page.get_by_label("Nouveau mot de passe (confirmation)").fill("Soleil2027")
    page.get_by_role("button", name="Changer le mot de passe").click()
    expect(page.get_by_role("status").filter(has_text="Votre mot de passe est enregistré.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accueil$"))
    shot(page, "family-password-changed", javascript)

    page.get_by_role("button", name="Se déconnecter").click()
    page.get_by_label(re.compile("^Identifiant")).fill(family_id)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    log_in(page, family_id, "Soleil2027")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour Alice")
    assert page.problems == [], "\n".join(page.problems)
