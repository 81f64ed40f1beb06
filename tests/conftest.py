"""Shared fixtures: a fresh portal app on a temp data folder per test (flaskr style), login helpers, CSRF."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `pytest` as well as `python -m pytest` finds portal.py, routes/, storage/
    sys.path.insert(0, str(ROOT))

from webtest import TestApp  # noqa: E402

from portal import create_app  # noqa: E402
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT, seed_demo  # noqa: E402

DEMO_FAMILY = ("770400070", DEMO_ACCOUNTS["770400070"])
OTHER_FAMILY = ("770400080", DEMO_ACCOUNTS["770400080"])


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real Chromium (Playwright) against the portal served in a subprocess")
    # WebOb (under WebTest) still imports the stdlib cgi module; not our code, not our warning.
    config.addinivalue_line("filterwarnings", "ignore:'cgi' is deprecated:DeprecationWarning")


# --- apps and clients -----------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    """A fresh portal over an empty data folder (no families, no agent)."""
    return create_app(data_dir)


@pytest.fixture
def client(app) -> TestApp:
    return TestApp(app)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo commune seeded once; each test gets its own copy (seeding hashes four passwords)."""
    folder = tmp_path_factory.mktemp("demo-template") / "data"
    assert seed_demo(folder)
    return folder


@pytest.fixture
def demo_dir(tmp_path, demo_template) -> Path:
    """A private copy of the seeded demo data folder, as seed_demo(tmp_path) would leave it."""
    folder = tmp_path / "demo-data"
    shutil.copytree(demo_template, folder)
    return folder


@pytest.fixture
def demo_app(demo_dir):
    """A fresh portal over the demo commune: families 770400070/80/90 and the agent 'agent'."""
    return create_app(demo_dir)


@pytest.fixture
def demo_client(demo_app) -> TestApp:
    return TestApp(demo_app)


# --- helpers --------------------------------------------------------------------------------------

def csrf_from(page) -> str:
    """The value of the hidden csrf_token input of a page (a WebTest response or an HTML string)."""
    from bs4 import BeautifulSoup

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


@pytest.fixture
def family_client(demo_client) -> TestApp:
    """A client logged in as the demo family 770400070 (Sophie MARTIN)."""
    answer = login_family(demo_client, *DEMO_FAMILY)
    assert answer.status_int == 303, answer.text
    return demo_client


@pytest.fixture
def agent_client(demo_client) -> TestApp:
    """A client logged in as the demo agent."""
    answer = login_agent(demo_client, *DEMO_AGENT)
    assert answer.status_int == 303, answer.text
    return demo_client
