"""Supporting documents in a real Chromium, JavaScript on (htmx boosts the multipart form) and off (plain HTML): on a
phone-sized screen a parent attaches an attestation CAF to a CAF change, after a disguised file is refused with the
values kept; the agent opens the document from the request card, validates the request, and the document appears among
the pièces of the family's page.

The demo server is shared by every browser test of the session: this test changes only the LEROY family's CAF data
(a quotient familial of its own per run) and reads only the cards and pièces it made.
"""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
FAMILY, PASSWORD = "770400090", "demo2028"  # LEROY
CAF_LABEL = "Attestation de quotient familial (CAF)"


def attestation_photo() -> bytes:
    """A phone's photo of the attestation (PNG here; JPEG works the same)."""
    buffer = io.BytesIO()
    Image.new("RGB", (1500, 2000), (250, 250, 245)).save(buffer, "PNG")
    return buffer.getvalue()


def log_in(page, identifiant: str, password: str, agent: bool = False) -> None:
    page.goto("/agent/connexion" if agent else "/connexion")
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/agent$" if agent else r"/accueil$"))


def open_menu(page, link: str) -> None:
    """On a phone the menu is folded under its "Menu" link (no JavaScript needed): open it, then follow link."""
    page.get_by_role("link", name="Menu", exact=True).click()
    page.get_by_role("navigation", name="Espace famille").get_by_role("link", name=link).click()


def test_parent_attaches_an_attestation_caf_the_agent_opens_it_validates_and_sees_it_on_the_family_page(
        page, browser, server_url, javascript):
    qf = "911" if javascript else "912"  # each run a change of its own on the shared server
    page.set_viewport_size({"width": 375, "height": 740})
    sent = []  # the form's POSTs: (multipart?, sent by htmx's boost?)
    page.on("request", lambda r: sent.append((r.headers.get("content-type", "").startswith("multipart/form-data"),
                                              r.headers.get("hx-boosted") == "true"))
            if r.method == "POST" and r.url.endswith("/mes-informations/caf/modifier") else None)
    log_in(page, FAMILY, PASSWORD)
    open_menu(page, "Mes informations")
    page.get_by_role("link", name="C.A.F.").click()
    page.get_by_role("link", name="Modifier").click()
    expect(page).to_have_url(re.compile(r"/mes-informations/caf/modifier$"))
    expect(page.locator("form.form")).to_have_attribute("enctype", "multipart/form-data")
    document = page.get_by_label(f"{CAF_LABEL} — facultatif")

    # a disguised file first: refused next to the field, the quotient typed is kept, the file must be chosen again
    page.get_by_label("Quotient familial (€)").fill(qf)
    document.set_input_files({"name": "attestation.pdf", "mimeType": "application/pdf", "buffer": attestation_photo()})
    page.get_by_role("button", name="Envoyer la demande").click()
    error = page.locator("#f-piece-attestation-de-quotient-familial-caf-error")
    expect(error).to_contain_text("« attestation.pdf » refusé : il se présente comme un PDF")
    expect(error).to_contain_text("choisissez-les de nouveau")
    expect(page.get_by_label("Quotient familial (€)")).to_have_value(qf)

    document = page.get_by_label(f"{CAF_LABEL} — facultatif")
    document.set_input_files({"name": "attestation-caf.png", "mimeType": "image/png", "buffer": attestation_photo()})
    page.get_by_role("button", name="Envoyer la demande").click()
    expect(page).to_have_url(re.compile(r"/mes-informations/caf$"))
    expect(page.locator(".flash-success")).to_contain_text("transmise à la mairie")
    assert sent == [(True, javascript)] * 2, "htmx 1.9 boosts the multipart form (JavaScript on), the browser sends it"
    open_menu(page, "Mes demandes")
    card = page.locator("article.request-card", has_text="C.A.F.").first
    expect(card).to_contain_text("attestation-caf.png")
    expect(card.get_by_role("link", name=f"Ouvrir : {CAF_LABEL}")).to_be_visible()
    assert page.problems == []

    agent_context = browser.new_context(java_script_enabled=javascript, base_url=server_url, locale="fr-FR",
                                        viewport={"width": 1024, "height": 768}, accept_downloads=True)
    agent_context.set_default_timeout(10_000)
    agent = agent_context.new_page()
    try:
        log_in(agent, "agent", "agent2026", agent=True)
        agent.goto(f"/agent/demandes/{FAMILY}")
        card = agent.locator("article.request-card", has_text=f"{qf}").filter(has_text="C.A.F.")
        expect(card).to_have_count(1)
        with agent.expect_download() as opening:
            card.get_by_role("link", name=f"Ouvrir : {CAF_LABEL}").click()
        download = opening.value
        assert download.suggested_filename == "attestation-de-quotient-familial-caf.jpg"
        with open(download.path(), "rb") as opened:
            with Image.open(opened) as image:
                assert image.format == "JPEG" and image.size == (1500, 2000)

        card.get_by_role("button", name="Valider").click()
        if javascript:  # htmx swaps the card in place
            expect(agent.locator("article.request-card", has_text=f"{qf}")).to_contain_text("Demande validée")
        else:
            expect(agent.locator(".flash-success")).to_contain_text("Demande validée")
        agent.goto(f"/agent/familles/{FAMILY}")
        pieces = agent.locator("section", has=agent.locator("#h-pieces"))
        row = pieces.locator("tbody tr", has_text="attestation-caf.png").last
        expect(row).to_contain_text(CAF_LABEL)
        expect(row).to_contain_text("C.A.F.")
        with agent.expect_download() as opening:
            row.get_by_role("link", name=CAF_LABEL).click()
        assert opening.value.suggested_filename == "attestation-de-quotient-familial-caf.jpg"
    finally:
        agent_context.close()
    page.reload()
    expect(page.locator("article.request-card", has_text="C.A.F.").first).to_contain_text("Validée")
    assert page.problems == []
