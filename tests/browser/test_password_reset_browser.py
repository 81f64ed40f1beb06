"""Mot de passe oublié end to end in a real Chromium, with JavaScript on and off: the family asks on /connexion, the
portal (its own server process, its mail sender thread running, PORTAL_SMTP_* pointing at a real aiosmtpd in this
process) delivers the mail, the family follows the link, chooses a password and logs in with it."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from helpers import SERVER_START_SECONDS
from mail_server import running_smtp_server
from tests.perf.live import Server

pytestmark = pytest.mark.browser
# One family per run, so that the two runs do not share a link: (family number, holder's address, what is typed).
FAMILIES = {True: ("770400080", "nadia.abdel@example.fr", "770400080"),
            False: ("770400090", "julien.leroy@example.fr", "Julien.Leroy@example.fr")}
NEW_PASSWORDS = {True: "Printemps2027", False: "Automne2027"}
DEMO_PASSWORDS = {"770400080": "demo2027", "770400090": "demo2028"}


@pytest.fixture(scope="module")
def mail_portal(chromium_available, tmp_path_factory):
    """(the portal's URL, the SMTP server): `portal.py --demo` served by Waitress in its own process, sending its mail
    to an aiosmtpd on 127.0.0.1; its public URL is its own address."""
    folder = tmp_path_factory.mktemp("password-reset")
    with running_smtp_server(folder) as smtp:
        server = Server.portal(folder / "data", log_path=folder / "server.log", demo=True)
        url = f"http://127.0.0.1:{server.port}"
        server.env = dict(smtp.environment(), PORTAL_PUBLIC_URL=url)
        with server:
            try:
                server.start(timeout=SERVER_START_SECONDS)
            except (RuntimeError, TimeoutError) as error:
                pytest.fail(f"{error}\n{(folder / 'server.log').read_text()}", pytrace=False)
            yield url, smtp


@pytest.fixture
def mail_page(browser, mail_portal, javascript):
    """A fresh browser context on the mail-sending portal; collects console errors and failed requests."""
    context = browser.new_context(java_script_enabled=javascript, base_url=mail_portal[0], locale="fr-FR")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    yield page
    context.close()


def mail_to(smtp, address: str, timeout: float = 20.0):
    """The first message the SMTP server received for address (waits for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp.mailbox.received):
            if address in received.rcpt_tos:
                return received.message
        time.sleep(0.1)
    pytest.fail(f"no mail for {address} within {timeout} s (received: {len(smtp.mailbox.received)})")


def test_a_family_resets_its_password_by_mail_and_logs_in(mail_page, mail_portal, javascript):
    page, (url, smtp) = mail_page, mail_portal
    family_id, address, typed = FAMILIES[javascript]
    new_password = NEW_PASSWORDS[javascript]

    page.goto("/connexion")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe oublié")
    page.get_by_label("Identifiant ou adresse e-mail").fill(typed)
    page.get_by_role("button", name="Recevoir un lien par courriel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Demande envoyée")
    expect(page).to_have_url(re.compile(r"/mot-de-passe-oublie/envoye$"))

    message = mail_to(smtp, address)
    assert message["To"] == address and message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "Portail famille : réinitialisation de votre mot de passe"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert f"Votre identifiant : {family_id}" in body
    link = re.search(re.escape(url) + r"/mot-de-passe/[0-9]+\.[A-Za-z0-9_-]{43}", body)[0]
    assert DEMO_PASSWORDS[family_id] not in message.as_string()

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisir un nouveau mot de passe")
    page.get_by_label("Nouveau mot de passe", exact=True).fill(new_password)
    page.get_by_label("Nouveau mot de passe (confirmation)").fill(new_password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page).to_have_url(re.compile(rf"/connexion\?mot-de-passe=choisi&identifiant={family_id}$"))
    expect(page.get_by_text("Votre mot de passe est enregistré.")).to_be_visible()
    expect(page.get_by_label(re.compile("^Identifiant"))).to_have_value(family_id)
    page.get_by_label("Mot de passe").fill(new_password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page).to_have_url(re.compile(r"/accueil$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")

    assert page.problems == []

    assert page.goto(link).status == 410  # the link served once (Chromium logs the 410 in its console)
    expect(page.get_by_role("heading", level=1)).to_have_text("Lien expiré ou déjà utilisé")
