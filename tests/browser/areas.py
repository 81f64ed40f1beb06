"""The three users of the portal in a real browser, each in its own Playwright context (its cookies, its JavaScript
setting, its screen size), and the HTML pages each reaches: the crawl of tests/site_map.py run against the real
server. Shared by the accessibility check (tests/browser/test_accessibility.py) and the phone layout check
(tests/browser/test_phone_layout.py); the demo is "used" once per session first (conftest.py's used_demo)."""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from demo_usage import PlaywrightSession, submit
from site_map import REDIRECTS, Answer, crawl

ACCOUNTS = {"family": ("/connexion", "770400070", "demo2026"), "agent": ("/agent/connexion", "agent", "agent2026")}
START_PAGES = {"family": "/accueil", "agent": "/agent", "visitor": "/connexion"}
EXTRA_PAGES = {"visitor": ["/agent/connexion", "/pre-inscription", "/page-qui-n-existe-pas"]}  # no link leads there
PAGES_PER_SHAPE = 1
DESKTOP = {"width": 1024, "height": 768}


class Area:
    """One user's browser context and session: logged in as the family or the agent, or a visitor."""

    def __init__(self, browser, server_url: str, who: str, *, javascript: bool = True, viewport: dict = DESKTOP,
                 init_script: str | None = None):
        self.who, self.base = who, server_url
        self.context = browser.new_context(base_url=server_url, locale="fr-FR", viewport=viewport,
                                           java_script_enabled=javascript)
        if init_script:
            self.context.add_init_script(path=init_script)  # an init script: the page's CSP does not apply to it
        self.context.set_default_timeout(15_000)
        self.session = PlaywrightSession(self.context.request, server_url)
        if who in ACCOUNTS:
            page, login, password = ACCOUNTS[who]
            submit(self.session, page, page, {"identifiant": login, "mot_de_passe": password})

    def fetch(self, url: str) -> Answer:
        hops, current = [], url
        answer = self.context.request.get(self.base + current, max_redirects=0)
        while answer.status in REDIRECTS and len(hops) < 5:
            location = answer.headers.get("location", "")
            hops.append((answer.status, location))
            current = urlunsplit(("", "", *urlsplit(location)[2:4], ""))
            answer = self.context.request.get(self.base + current, max_redirects=0)
        content_type = answer.headers.get("content-type", "")
        return Answer(answer.status, content_type, answer.text() if content_type.startswith("text/html") else "",
                      current, hops, len(answer.body()))

    def close(self) -> None:
        self.context.close()


def html_pages(area: Area) -> list[str]:
    """The HTML pages the crawl finds, at most PAGES_PER_SHAPE per URL shape (/factures/1 and /factures/2 are the
    same template with other data)."""
    visits = crawl(area.fetch, START_PAGES[area.who])
    urls, shapes = [], {}
    for visit in visits:
        if not visit.is_html or visit.answer.status != 200 or visit.url.startswith("/static/"):
            continue
        shape = re.sub(r"\d+", "N", visit.url.split("?")[0])
        shapes[shape] = shapes.get(shape, 0) + 1
        if shapes[shape] <= PAGES_PER_SHAPE:
            urls.append(visit.url)
    return urls + EXTRA_PAGES.get(area.who, [])
