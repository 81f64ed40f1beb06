"""Real-browser fixtures: the real server (`python portal.py --demo`) in a subprocess on a free port, and
Debian's Chromium driven by Playwright, with JavaScript enabled and disabled."""
from __future__ import annotations

import os
from pathlib import Path

from helpers import demo_server, tool_missing

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)


def _browser_missing_reason() -> str | None:
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (Debian: apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is missing (pip install -r requirements-dev.txt)"
    return None


@pytest.fixture(scope="session")
def chromium_available():
    reason = _browser_missing_reason()
    if reason:
        tool_missing(reason)


@pytest.fixture(scope="session")
def server_url(chromium_available, tmp_path_factory):
    """The real portal with demo data, shared by the browser tests of the session."""
    yield from demo_server(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="session")
def used_demo(browser, server_url) -> str:
    """The shared server's demo after a little use (a pre-registration, photos, an absence with its certificate, an
    announcement: tests/demo_usage.py), done once per session for the tests that crawl every page."""
    from areas import START_PAGES, Area
    from demo_usage import use_the_demo

    users = {who: Area(browser, server_url, who) for who in START_PAGES}
    try:
        use_the_demo(users["visitor"].session, users["family"].session, users["agent"].session)
    finally:
        for area in users.values():
            area.close()
    return server_url


@pytest.fixture(scope="session")
def browser(chromium_available):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def javascript(request) -> bool:
    return request.param


@pytest.fixture
def page(browser, server_url, javascript):
    """A fresh browser context (no cookies) on the portal; collects console errors and failed requests."""
    context = browser.new_context(java_script_enabled=javascript, base_url=server_url, locale="fr-FR",
                                  viewport={"width": 1024, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.problems = []  # console errors (CSP violations, 404s of assets), script errors, failed requests

    def on_console(message):
        if message.type == "error":
            page.problems.append(f"console: {message.text} at {message.location.get('url', '')}")

    def on_request_failed(request):
        if request.failure != "net::ERR_ABORTED":  # a request cut short by the next navigation is no fault
            page.problems.append(f"request failed: {request.method} {request.url} ({request.failure})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.problems.append(f"script error: {error}"))
    page.on("requestfailed", on_request_failed)
    yield page
    context.close()


@pytest.fixture
def screenshot(page, javascript):
    """screenshot('name') saves tests/browser/screenshots/name-js.png (or -nojs) of the whole page."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}-{'js' if javascript else 'nojs'}.png"
        page.screenshot(path=str(path), full_page=True, caret="initial")  # "hide" leaves style="" that htmx copies
        return path

    return take
