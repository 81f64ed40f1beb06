"""Helpers for web tests: the demo accounts, the CSRF token of a page, logging in through the forms.

(Not in conftest.py: tests/browser has its own conftest, and `from conftest import` would be ambiguous.)
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from storage.demo import DEMO_ACCOUNTS
from tests.perf.live import Server

SERVER_START_SECONDS = 30
DEMO_FAMILY = ("770400070", DEMO_ACCOUNTS["770400070"])
FAMILY_A, FAMILY_B = "770400070", "770400080"  # the demo families MARTIN and ABDEL
OTHER_FAMILY = ("770400080", DEMO_ACCOUNTS["770400080"])


def tools_required() -> bool:
    """Under CI (CI=true, or PORTAL_REQUIRE_BROWSER=1 as .ci/run sets) a missing test tool is a failure."""
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("PORTAL_REQUIRE_BROWSER") == "1"


def tool_missing(reason: str) -> None:
    """A test cannot run without a tool (Chromium, pdftotext, axe-core): a visible skip here, a failure under CI."""
    if tools_required():
        pytest.fail(f"required under CI: {reason}", pytrace=False)
    pytest.skip(reason)


class FakeClock:
    """A clock the test moves by hand (sessions, throttling): clock() is the time, advance(s) moves it."""

    def __init__(self, now: float = 1_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def csrf_from(page) -> str:
    """The value of the hidden csrf_token input of a page (a WebTest response or an HTML string)."""
    html = page if isinstance(page, str) else page.text
    field = BeautifulSoup(html, "html.parser").find("input", attrs={"name": "csrf_token"})
    assert field is not None, "no csrf_token input on this page"
    return field["value"]


def get_page(client: TestApp, url: str):
    """GET url following redirects, whatever the final status."""
    page = client.get(url, status="*")
    while page.status_int in (301, 302, 303, 307):
        page = page.follow(status="*")
    return page


def login_family(client: TestApp, family_id: str, password: str):
    """Log in through the family login form; returns the (unfollowed) answer to the POST."""
    token = csrf_from(get_page(client, "/connexion"))
    return client.post("/connexion", {"identifiant": family_id, "mot_de_passe": password, "csrf_token": token},
                       status="*")


def login_agent(client: TestApp, login: str, password: str):
    """Log in through the agent login form; returns the (unfollowed) answer to the POST."""
    token = csrf_from(get_page(client, "/agent/connexion"))
    return client.post("/agent/connexion", {"identifiant": login, "mot_de_passe": password, "csrf_token": token},
                       status="*")


def logged_in(app, account: str, password: str, *, agent: bool = False) -> TestApp:
    """A new browser (its own cookie jar) logged in through the family or the agent login form."""
    client = TestApp(app)
    answer = (login_agent if agent else login_family)(client, account, password)
    assert answer.status_int == 303, answer.text
    return client


def demo_server(folder: Path):
    """Serve the real portal with demo data (`portal.py --demo`, Waitress, its own process) from folder; yields its
    URL and stops it afterwards."""
    log_path = folder / "server.log"
    with Server.portal(folder / "data", log_path=log_path, demo=True) as server:
        try:
            server.start(timeout=SERVER_START_SECONDS)
        except (RuntimeError, TimeoutError) as error:
            pytest.fail(f"{error}\n{log_path.read_text() if log_path.exists() else ''}", pytrace=False)
        yield f"http://127.0.0.1:{server.port}"


# --- routes -----------------------------------------------------------------------------------------

# Pages anyone may open; every other route needs a family or an agent session.
PUBLIC_ROUTES = re.compile(r"^/($|connexion$|agent/connexion$|deconnexion$|agent/deconnexion$|static/|pre-inscription"
                           r"|paiement-en-ligne/(notification|retour/|simulateur)|mot-de-passe-oublie|mot-de-passe/"
                           r"|(mentions-legales|accessibilite|donnees-personnelles|aide)$)")
SAMPLE_VALUES = {"family_id": DEMO_FAMILY[0], "token": "0" * 32, "path": "css/portal.css"}


def concrete_url(rule: str, values: dict | None = None, number: str = "1") -> str:
    """A URL that matches a Bottle route rule, with plausible values for its wildcards (values and number, for
    ids, override them)."""
    samples = dict(SAMPLE_VALUES, **(values or {}))

    def fill(match):
        name, _, rest = match.group(1).partition(":")
        kind, _, config = rest.partition(":")
        if name in samples:
            return samples[name]
        if kind == "re" and re.fullmatch(r"[\w|-]+", config):
            return config.split("|")[0]
        return number
    return re.sub(r"<([^>]+)>", fill, rule)


# --- answers as they go over the wire ---------------------------------------------------------------------------

def wire_answer(client: TestApp, url: str, headers: dict | None = None, method: str = "GET"):
    """The answer to a request sent with client's cookies, as it goes over the wire: a WebOb response whose body is
    still gzipped when the app gzipped it (WebTest's own answers are always decoded)."""
    from webob import Request

    request = Request.blank(url, method=method, headers=headers or {})
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    if cookies:
        request.headers["Cookie"] = cookies
    return request.get_response(client.app)
