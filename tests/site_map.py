"""The site as a visitor finds it: a breadth-first crawl over <a href> links and GET forms from a start page, and
the POST forms of a page. Shared by the WebTest crawl (tests/web/test_crawl.py), the form fuzzer and the real-browser
accessibility test (tests/browser/test_accessibility.py), which only differ in how a URL is fetched."""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

# Values typed into the empty text inputs of GET forms (search boxes), so that the crawl sees their results too.
# A new GET form with a free-text input that needs a realistic value: add one line here.
GET_FORM_SAMPLES = {"q": "MARTIN"}
# Links like "previous month" / "next month" never end: at most this many query strings per path are followed.
MAX_QUERIES_PER_PATH = 3
REDIRECTS = (301, 302, 303, 307, 308)
HTML = "text/html"


@dataclass
class Answer:
    """What fetching one URL gave, after following redirects."""
    status: int
    content_type: str
    text: str  # the body for HTML answers, "" otherwise
    url: str  # the final URL (path and query) after redirects
    redirects: list[tuple[int, str]] = field(default_factory=list)  # (status, Location) of each hop
    size: int = 0


@dataclass
class Visit:
    url: str
    referrer: str | None
    answer: Answer

    @property
    def is_html(self) -> bool:
        return self.answer.content_type.startswith(HTML)


def local_url(href: str, base: str) -> str | None:
    """The path?query of href as seen from the page at base, or None when it leaves the site (or is not a page)."""
    href = (href or "").strip()
    if not href or href.startswith("#") or re.match(r"^(mailto|tel|javascript|data):", href, re.I):
        return None
    absolute = urljoin("http://portal.test" + base, href)
    parts = urlsplit(absolute)
    if parts.netloc != "portal.test" or parts.scheme != "http":
        return None
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _field_value(element) -> str | None:
    """The value a browser would send for one form control with its defaults, or None if it sends nothing."""
    if element.name == "select":
        options = element.find_all("option")
        chosen = next((o for o in options if o.has_attr("selected")), options[0] if options else None)
        return None if chosen is None else chosen.get("value", chosen.get_text())
    if element.name == "textarea":
        return element.get_text()
    kind = (element.get("type") or "text").lower()
    if kind in ("submit", "button", "reset", "image", "file"):
        return None
    if kind in ("checkbox", "radio") and not element.has_attr("checked"):
        return None
    if kind in ("checkbox", "radio"):
        return element.get("value", "on")
    return element.get("value", "")


def form_fields(form) -> list[tuple[str, str]]:
    """(name, value) pairs the form sends as it stands (no button pressed, unchecked boxes absent)."""
    pairs = []
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        value = _field_value(element)
        if value is not None:
            pairs.append((name, value))
    return pairs


def get_form_urls(soup, base: str) -> list[str]:
    """The URL each GET form of the page leads to with its default values (empty text inputs get a sample)."""
    urls = []
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        action = local_url(form.get("action") or base, base)
        if action is None:
            continue
        pairs = [(name, value or GET_FORM_SAMPLES.get(name, "")) for name, value in form_fields(form)]
        urls.append(action.split("?")[0] + ("?" + urlencode(pairs) if pairs else ""))
    return urls


def links_of(html: str, base: str) -> list[str]:
    """Every same-site URL a visitor can reach from the page without JavaScript: links, GET forms, then the files
    the page loads (stylesheets, icons, scripts, images)."""
    soup = BeautifulSoup(html, "html.parser")
    found = [local_url(a.get("href"), base) for a in soup.find_all("a", href=True)]
    found += get_form_urls(soup, base)
    found += [local_url(link.get("href"), base) for link in soup.find_all("link", href=True)]
    found += [local_url(element.get("src"), base) for element in soup.find_all(["script", "img"], src=True)]
    return [url for url in found if url is not None]


def post_forms(html: str) -> list[dict]:
    """The POST forms of a page: action, enctype and the (name, value) pairs sent as they stand."""
    soup = BeautifulSoup(html, "html.parser")
    return [{"action": form.get("action") or "", "enctype": (form.get("enctype") or "").lower(),
             "fields": form_fields(form), "files": [i.get("name") for i in form.find_all("input", type="file")]}
            for form in soup.find_all("form") if (form.get("method") or "get").lower() == "post"]


def crawl(fetch: Callable[[str], Answer], start: str, *, limit: int = 1500) -> list[Visit]:
    """Breadth-first from start, each URL once; HTML pages are read for more links, other answers
    (PDF, JSON, CSS, JS, images) are only fetched. /static/ files are fetched once each, never parsed.
    POST forms are never sent (opening a message still marks it read, as a visit would)."""
    queue: deque[tuple[str, str | None]] = deque([(start, None)])
    seen = {start}
    queries_per_path: dict[str, int] = {}
    visits = []
    while queue:
        url, referrer = queue.popleft()
        answer = fetch(url)
        visits.append(Visit(url, referrer, answer))
        assert len(visits) <= limit, f"the crawl from {start} passed {limit} URLs: a link generator that never ends?"
        if not answer.content_type.startswith(HTML) or url.startswith("/static/"):
            continue
        base = answer.url or url
        for link in links_of(answer.text, base):
            if link in seen:
                continue
            path, _, query = link.partition("?")
            if query:
                queries_per_path[path] = queries_per_path.get(path, 0) + 1
                if queries_per_path[path] > MAX_QUERIES_PER_PATH:
                    continue
            seen.add(link)
            queue.append((link, url))
    return visits


def page_assets(html: str, base: str = "/") -> list[str]:
    """The stylesheets and scripts a page loads (for page weight)."""
    soup = BeautifulSoup(html, "html.parser")
    urls = [local_url(link.get("href"), base) for link in soup.find_all("link", href=True)
            if "stylesheet" in (link.get("rel") or [])]
    urls += [local_url(script.get("src"), base) for script in soup.find_all("script", src=True)]
    return [url for url in urls if url]


# --- fetching through WebTest ----------------------------------------------------------------------------------

def webtest_fetcher(client, max_redirects: int = 5) -> Callable[[str], Answer]:
    """fetch(url) for a WebTest client: follows redirects, keeps every hop."""
    def fetch(url: str) -> Answer:
        hops = []
        answer = client.get(url, status="*", expect_errors=True)
        current = url
        while answer.status_int in REDIRECTS and len(hops) < max_redirects:
            location = answer.headers.get("Location", "")
            hops.append((answer.status_int, location))
            current = urlunsplit(("", "", *urlsplit(location)[2:4], ""))
            answer = client.get(current, status="*", expect_errors=True)
        content_type = answer.headers.get("Content-Type", "")
        return Answer(answer.status_int, content_type, answer.text if content_type.startswith(HTML) else "",
                      current, hops, len(answer.body))
    return fetch
