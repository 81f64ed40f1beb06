"""Shared fixtures: a fresh portal app on a temp data folder per test (flaskr style), demo data, logged-in clients."""
from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
for folder in (TESTS, ROOT):  # `pytest` as well as `python -m pytest` finds portal.py, routes/, storage/, helpers.py
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

# The suite runs on a pinned calendar clock (storage/clock.py), the same in this process and in the servers the
# browser tests start: expectations computed from "today" hold whatever the machine's date. Another instant can be
# tried, e.g. the last day of a month: PORTAL_NOW=2027-02-28T23:30:00 python -m pytest -q
os.environ.setdefault("PORTAL_NOW", "2026-12-02T09:00:00")  # a Wednesday in the demo's school year

# Hypothesis draws the same examples on every run (and keeps no database between runs): the suite is a gate, it must
# not pass or fail by luck. HYPOTHESIS_PROFILE=thorough searches at random, with more examples.
settings.register_profile("default", derandomize=True, database=None, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", derandomize=False, max_examples=500, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# WebOb (under WebTest) still imports the stdlib cgi module: not our code, not our warning.
warnings.filterwarnings("ignore", "'cgi' is deprecated", DeprecationWarning)
from webtest import TestApp  # noqa: E402

from helpers import DEMO_FAMILY, login_agent, login_family  # noqa: E402
from portal import create_app  # noqa: E402
from storage.demo import DEMO_AGENT, seed_demo  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real Chromium (Playwright) against the portal served in a subprocess")


# --- apps and clients -----------------------------------------------------------------------------

@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app(data_dir):
    """A fresh portal over an empty data folder (no families, no agent); closed after the test (its folder lock and
    log file released)."""
    app = create_app(data_dir)
    yield app
    app.portal.close()


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
    """A fresh portal over the demo commune: families 770400070/80/90 and the agent 'agent'; closed after the test."""
    app = create_app(demo_dir)
    yield app
    app.portal.close()


@pytest.fixture
def demo_client(demo_app) -> TestApp:
    return TestApp(demo_app)


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
