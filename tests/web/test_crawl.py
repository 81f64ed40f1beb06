"""Follow every link and GET form from the family home, the agent dashboard and the login pages, on the demo
commune (all modules on) after a little use: every page answers 200 (a redirect only as an intended 303, never to a
login page), no link leads to a missing page, and every page route of the app is reached by some link.

A new page is covered as soon as a page links to it. A page no link leads to (the bank's return pages, a page
shown after a POST) goes in NOT_LINKED with the reason; a page that needs data the demo lacks: a step in
tests/demo_usage.py."""
from __future__ import annotations

import re
import shutil

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from demo_usage import WebTestSession, use_the_demo
from helpers import DEMO_FAMILY, FakeClock, login_agent, login_family
from portal import create_app
from site_map import crawl, webtest_fetcher
from storage.demo import DEMO_AGENT

# Page routes that no link leads to, on purpose.
NOT_LINKED = {
    "/paiement-en-ligne/<reference>": "reached by the 303 after the pay button (POST)",
    "/paiement-en-ligne/notification": "called by the bank's server",
    "/paiement-en-ligne/retour/<outcome:re:effectue|refuse|annule|attente>": "where the bank sends the browser back",
    "/pre-inscription/envoyee": "reached by the 303 after sending the pre-registration (POST)",
    "/agent/familles/<family_id>/codes-acces": "reached by the 303 after creating an account or resetting a password",
    "/mot-de-passe-oublie/envoye": "reached by the 303 after asking for a reset link (POST)",
    "/mot-de-passe/<token>": "opened from the link in a mail (account opened, reset, Mot de passe oublié)",
    "/agent/familles/acces/<run_id:re:[0-9a-f]{32}>": "reached by the 303 after sending the access (POST), and listed "
                                                      "on /agent/familles/acces while the process runs",
    "/agent/familles/acces/<run_id:re:[0-9a-f]{32}>/courriers.pdf": "linked from a finished access run's page (the "
                                                                   "crawl's app runs no background job)",
}
START_PAGES = {"family": "/accueil", "agent": "/agent", "visitor": "/connexion", "visitor (agent)": "/agent/connexion"}
LOGIN_PAGES = re.compile(r"^/(agent/)?connexion(\?|$)")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory, demo_template):
    """{who: visits} for the four starting points, on one copy of the used demo."""
    data = tmp_path_factory.mktemp("crawl") / "data"
    shutil.copytree(demo_template, data)
    clock = FakeClock()
    app = create_app(data, clock=clock)
    assert all(app.portal.settings["modules"].values()), "the crawl needs every optional module on, as the demo has"
    clients = {who: TestApp(app) for who in START_PAGES}
    assert login_family(clients["family"], *DEMO_FAMILY).status_int == 303
    assert login_agent(clients["agent"], *DEMO_AGENT).status_int == 303
    use_the_demo(*(WebTestSession(clients[who]) for who in ("visitor", "family", "agent")), wait=clock.advance)
    # The agent's validation of a photo queued the family's mail: the Courriels pages have one to show.
    assert app.portal.outbox.counts()["pending"] >= 1
    return app, {who: crawl(webtest_fetcher(clients[who]), start) for who, start in START_PAGES.items()}


def problems(visits, *, logged_in: bool) -> list[str]:
    found = []
    for visit in visits:
        answer, where = visit.answer, f"{visit.url} (linked from {visit.referrer or 'the start'})"
        if answer.status != 200:
            found.append(f"{where} -> {answer.status}")
        for status, location in answer.redirects:
            if status != 303:
                found.append(f"{where} -> a {status} redirect to {location}; only 303 is intended")
        if logged_in and answer.redirects and LOGIN_PAGES.match(answer.url):
            found.append(f"{where} -> sent to the login page {answer.url}: a link to another area or a lost session")
        if answer.status == 200 and not answer.content_type:
            found.append(f"{where} has no Content-Type")
    return found


@pytest.mark.parametrize("who", list(START_PAGES))
def test_every_linked_page_answers(crawled, who):
    _, visits = crawled
    assert len(visits[who]) > 2, f"the crawl from {START_PAGES[who]} found almost nothing"
    assert problems(visits[who], logged_in=who in ("family", "agent")) == []


def test_pages_are_reached_breadth_first_each_once(crawled):
    _, visits = crawled
    for who, pages in visits.items():
        urls = [visit.url for visit in pages]
        assert len(urls) == len(set(urls)), f"{who}: a URL fetched twice"


def test_documents_and_files_answer_with_their_type(crawled):
    """PDFs, JSON exports, photos and the static files are fetched (not parsed) and answer 200 with their type."""
    _, visits = crawled
    kinds = {}
    for visit in [v for pages in visits.values() for v in pages]:
        kinds.setdefault(visit.answer.content_type.split(";")[0], []).append(visit.url)
    for expected in ("application/pdf", "application/json", "text/css", "image/jpeg"):
        assert kinds.get(expected), f"the crawl met no {expected} (found: {sorted(kinds)})"
    assert any(url.startswith("/static/js/htmx") for url in kinds.get("application/javascript", kinds.get("text/javascript", [])))


def reached_routes(app, visits) -> set[str]:
    reached = set()
    for visit in [v for pages in visits.values() for v in pages]:
        for url in [visit.url] + [visit.answer.url]:
            try:
                route, _ = app.router.match({"PATH_INFO": url.split("?")[0], "REQUEST_METHOD": "GET"})
            except Exception:  # noqa: BLE001 - Bottle signals "no route" with an HTTPError
                continue
            reached.add(route.rule)
    return reached


def test_every_page_route_is_linked_from_somewhere(crawled):
    """A new GET route no link leads to is either a forgotten link or belongs in NOT_LINKED."""
    app, visits = crawled
    rules = {route.rule for route in app.routes if route.method == "GET"}
    missing = sorted(rules - reached_routes(app, visits) - set(NOT_LINKED) - {"/static/<path:path>"})
    assert missing == [], "no link leads to these pages: link them, or list them in NOT_LINKED with the reason"
    assert sorted(set(NOT_LINKED) - rules) == [], "NOT_LINKED names routes that no longer exist"



LEGAL_PAGES = {"/mentions-legales", "/accessibilite", "/donnees-personnelles", "/aide"}


def footer_links(html: str) -> set[str]:
    from bs4 import BeautifulSoup
    footer = BeautifulSoup(html, "html.parser").find("footer")
    return {a["href"] for a in footer.find_all("a", href=True)} if footer else set()


def test_every_page_footer_links_the_legal_pages(crawled):
    """Every HTML page a family, the agent or a visitor reaches links, in its footer, the four pages a public site
    must publish (the legal pages themselves included)."""
    _, visits = crawled
    pages = [visit for who in visits for visit in visits[who]
             if visit.is_html and not visit.url.startswith("/static/") and visit.answer.status == 200]
    assert len(pages) > 50
    missing = sorted({visit.answer.url for visit in pages if not LEGAL_PAGES <= footer_links(visit.answer.text)})
    assert missing == [], "these pages lack a footer link to a legal page"
    reached = {visit.answer.url for visit in pages}
    assert LEGAL_PAGES <= reached


def column_names(table) -> list[str]:
    """The header text of each column of a table (a header spanning n columns names all n)."""
    rows, names = table.select("thead tr"), []
    for header in rows[-1].find_all(["th", "td"]) if rows else []:
        names += [" ".join(header.get_text(" ").split())] * int(header.get("colspan", 1))
    return names


def unlabelled_cells(url: str, html: str) -> list[str]:
    """Cells of the page's tables that do not name their column in data-label (what a phone shows before each
    value, tables being stacked rows there: static/css/portal.css)."""
    found = []
    for number, table in enumerate(BeautifulSoup(html, "html.parser").find_all("table"), 1):
        names = column_names(table)
        for section in table.find_all(["tbody", "tfoot"]):
            for row in section.find_all("tr"):
                column = 0
                for cell in row.find_all(["td", "th"], recursive=False):
                    label = cell.get("data-label")
                    expected = names[column] if section.name == "tbody" and column < len(names) else None
                    if label is None and not (cell.name == "th" and cell.get("colspan")):
                        found.append(f"{url}, table {number}: a cell without data-label: {str(cell)[:100]}")
                    elif expected is not None and label != expected:
                        found.append(f"{url}, table {number}: data-label {label!r} under the column {expected!r}")
                    column += int(cell.get("colspan", 1))
    return found


def test_every_table_cell_names_its_column_for_phones(crawled):
    """On a phone a table is a pile of rows where each value follows its column name (data-label); a cell without it,
    or naming another column, would show a bare or a wrong name."""
    _, visits = crawled
    pages = [(visit.url, visit.answer.text) for pages in visits.values() for visit in pages if visit.is_html]
    with_tables = [url for url, html in pages if "<table" in html]
    assert len(with_tables) > 15, with_tables
    assert [problem for url, html in pages for problem in unlabelled_cells(url, html)] == []
