"""Logging in and out in a real Chromium, with JavaScript on (htmx boost) and off (plain HTML)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def log_in(page, url, identifiant, password):
    page.goto(url)
    page.get_by_label(re.compile("^Identifiant")).fill(identifiant)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_family_logs_in_sees_home_and_logs_out(page, screenshot, javascript):
    log_in(page, "/connexion", "770400070", "demo2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie MARTIN")
    expect(page).to_have_url(re.compile(r"/accueil$"))
    expect(page).to_have_title(re.compile("^Accueil"))
    expect(page.locator("#contenu").get_by_text("Famille n° 770400070")).to_be_visible()
    screenshot("family-home")

    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_text("Vous êtes déconnecté.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/connexion\?deconnecte=1$"))
    page.goto("/accueil")
    expect(page).to_have_url(re.compile(r"/connexion$"))
    assert page.problems == []


def test_agent_logs_in_and_sees_dashboard(page, screenshot):
    log_in(page, "/agent/connexion", "agent", "agent2026")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page).to_have_url(re.compile(r"/agent$"))
    screenshot("agent-dashboard")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/agent/connexion\?deconnecte=1$"))
    assert page.problems == []


def test_wrong_password_shows_french_error(page, screenshot):
    log_in(page, "/connexion", "770400090", "mauvais1")
    expect(page.get_by_role("alert")).to_have_text("Identifiant ou mot de passe incorrect.")
    expect(page.get_by_label(re.compile("^Identifiant"))).to_have_value("770400090")
    expect(page.get_by_label("Mot de passe")).to_have_value("")
    screenshot("login-error")
    assert page.problems == []


@pytest.mark.parametrize("javascript", [False], ids=["nojs"])  # CSS alone lays the page out
def test_login_page_on_a_small_phone(page, screenshot):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/connexion")
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, "the login page scrolls sideways at 320 px"
    screenshot("login-320px")


def test_skip_link_is_the_first_stop_of_the_keyboard(page):
    page.goto("/connexion")
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Aller au contenu")
    expect(focused).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#contenu$"))


@pytest.mark.parametrize("javascript", [True], ids=["js"])
def test_htmx_is_loaded_when_javascript_is_on(page):
    page.goto("/connexion")
    assert page.evaluate("window.htmx && htmx.version") == "1.9.12"
