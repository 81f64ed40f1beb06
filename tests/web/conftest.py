"""Fixtures of the web tests that act as the demo's people: the family MARTIN (770400070), the family ABDEL
(770400080) and the agent, each with its own logged-in client on the same demo app; and the clock held still on
the suite's pinned instant, for the files that compare times to the minute (`pytestmark = usefixtures(...)`)."""
from __future__ import annotations

from datetime import datetime

import pytest
from webtest import TestApp

from helpers import FAMILY_A, FAMILY_B, logged_in
from storage import clock
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT

NOW = datetime(2026, 12, 2, 9, 0)  # a Wednesday, the instant tests/conftest.py pins


@pytest.fixture
def frozen_clock():
    with clock.pinned(NOW):
        yield


@pytest.fixture
def family(demo_app) -> TestApp:
    return logged_in(demo_app, FAMILY_A, DEMO_ACCOUNTS[FAMILY_A])


@pytest.fixture
def family_b(demo_app) -> TestApp:
    return logged_in(demo_app, FAMILY_B, DEMO_ACCOUNTS[FAMILY_B])


@pytest.fixture
def agent(demo_app) -> TestApp:
    return logged_in(demo_app, *DEMO_AGENT, agent=True)
