"""Paying online in a real Chromium, JavaScript on (the bank form is sent by itself) and off (the family presses
"Continuer"), through the local bank simulator of the demo commune."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from helpers import demo_server

pytestmark = pytest.mark.browser


@pytest.fixture
def server_url(chromium_available, tmp_path):
    """A real server of our own (`portal.py --demo`, as in conftest.py): paying changes the demo family's balance,
    which the other browser tests on the shared server read."""
    yield from demo_server(tmp_path)


def log_in_and_go_to_the_bank(page, javascript, screenshot=None):
    page.goto("/connexion")
    page.get_by_label(re.compile("^Identifiant")).fill("770400070")
    page.get_by_label("Mot de passe").fill("demo2026")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie MARTIN")
    if screenshot:
        screenshot("payment-home")
    page.get_by_role("button", name=re.compile("^Payer en ligne 172,20")).click()
    if not javascript:  # the page stays on the redirect form: the visible button sends it
        expect(page.get_by_role("heading", level=1)).to_have_text("Paiement en ligne")
        if screenshot:
            screenshot("payment-redirect")
        page.get_by_role("button", name="Continuer vers le paiement sécurisé").click()
    expect(page).to_have_url(re.compile(r"/paiement-en-ligne/simulateur$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement sécurisé")
    expect(page.get_by_text("172,20")).to_be_visible()


def test_family_pays_online_and_sees_it_at_once(page, screenshot, javascript):
    log_in_and_go_to_the_bank(page, javascript, screenshot)
    screenshot("payment-simulator")
    page.get_by_role("button", name="Accepter le paiement").click()
    expect(page).to_have_url(re.compile(r"/paiement-en-ligne/retour/effectue\?montant=17220&"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement accepté")
    expect(page.get_by_role("status")).to_contain_text("Votre paiement de 172,20")
    screenshot("payment-accepted")
    page.get_by_role("link", name="Voir mon relevé de compte").click()
    expect(page.get_by_text("Solde du compte : rien à payer")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile(r"^Paiement \(carte bancaire\)"))).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Payer en ligne"))).to_have_count(0)
    assert page.problems == []


def test_refused_payment_is_explained_and_nothing_is_recorded(page, screenshot, javascript):
    log_in_and_go_to_the_bank(page, javascript)
    page.get_by_role("button", name="Refuser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Paiement refusé")
    expect(page.get_by_role("alert")).to_have_text("Paiement refusé par votre banque. Aucun montant n'a été débité.")
    screenshot("payment-refused")
    expect(page.get_by_role("button", name=re.compile("^Payer en ligne 172,20"))).to_be_visible()  # try again
    page.get_by_role("link", name="Retour à l'accueil").click()
    expect(page.get_by_role("button", name=re.compile("^Payer en ligne 172,20"))).to_be_visible()
    assert page.problems == []


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_back_from_the_bank_does_not_send_the_family_there_again(page, javascript):
    log_in_and_go_to_the_bank(page, javascript)
    # Back lands on the page with the pay button when the browser let the auto-sent form replace its own history
    # entry (it does when the form leaves before the page's load event), else on the redirect page itself: either
    # way the family is not sent to the bank again, and sees a button to pay if it wants to.
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"/simulateur$"))
    page.wait_for_timeout(500)
    expect(page).not_to_have_url(re.compile(r"/simulateur$"))
    expect(page.get_by_role("button", name=re.compile("^(Payer en ligne|Continuer vers le paiement sécurisé)"))
           ).to_be_visible()
