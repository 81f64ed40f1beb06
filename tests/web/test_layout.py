"""Layout and rendering: French accessible pages, full page vs htmx fragment, French 404."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import DEMO_FAMILY, PUBLIC_ROUTES, concrete_url, get_page, login_family
from webtest import TestApp

from routes import web

TEST_TEMPLATES = Path(__file__).resolve().parent / "templates"
HX = {"HX-Request": "true"}


@pytest.fixture
def htmx_app(demo_app, monkeypatch):
    """The demo app plus a test page whose list is a fragment htmx may ask for alone."""
    monkeypatch.setattr(web, "TEMPLATE_LOOKUP", web.TEMPLATE_LOOKUP + [str(TEST_TEMPLATES)])

    @demo_app.get("/essai/liste")
    def page_with_fragment():
        return web.render_page("test_page.tpl", "_test_part.tpl", title="Essai", items=["Léa", "<Tom>"])

    @demo_app.get("/essai/est-fragment")
    def fragment_flag():
        return "fragment" if web.is_fragment() else "page"

    @demo_app.get("/essai/message")
    def flash_then_redirect():
        web.require_family()
        web.flash("Modification envoyée.")
        web.redirect("/essai/liste")

    return demo_app


@pytest.fixture
def htmx_client(htmx_app):
    return TestApp(htmx_app)


def is_full_page(answer) -> bool:
    return answer.text.lstrip().startswith("<!DOCTYPE html>") and "<header" in answer.text


# --- fragment rule --------------------------------------------------------------------------------

def test_plain_request_gets_the_full_page_including_the_fragment(htmx_client):
    answer = htmx_client.get("/essai/liste")
    assert is_full_page(answer)
    assert "Page d'essai" in answer.text
    assert [li.get_text() for li in answer.html.select("#liste li")] == ["Léa", "<Tom>"]


def test_htmx_request_gets_only_the_fragment(htmx_client):
    answer = htmx_client.get("/essai/liste", headers=HX)
    assert not is_full_page(answer)
    assert "<html" not in answer.text and "Page d'essai" not in answer.text
    assert answer.text.strip().startswith('<ul class="test-part">')
    assert "&lt;Tom&gt;" in answer.text


def test_boosted_request_gets_the_full_page(htmx_client):
    answer = htmx_client.get("/essai/liste", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert is_full_page(answer)


def test_history_restore_gets_the_full_page(htmx_client):
    answer = htmx_client.get("/essai/liste", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert is_full_page(answer)


@pytest.mark.parametrize("headers, expected", [
    ({}, "page"),
    ({"HX-Request": "true"}, "fragment"),
    ({"HX-Request": "false"}, "page"),
    ({"HX-Boosted": "true"}, "page"),
    ({"HX-Request": "true", "HX-Boosted": "true"}, "page"),
    ({"HX-Request": "true", "HX-Boosted": "false"}, "fragment"),
    ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, "page"),
])
def test_is_fragment(htmx_client, headers, expected):
    assert htmx_client.get("/essai/est-fragment", headers=headers).text == expected


@pytest.mark.parametrize("headers", [{}, HX, {"HX-Request": "true", "HX-Boosted": "true"}])
def test_vary_names_every_header_the_answer_depends_on(htmx_client, headers):
    vary = {v.strip().lower() for v in htmx_client.get("/essai/liste", headers=headers).headers["Vary"].split(",")}
    assert {"hx-request", "hx-boosted", "hx-history-restore-request"} <= vary


def test_pages_without_a_fragment_stay_full_for_htmx(demo_client):
    assert is_full_page(demo_client.get("/connexion", headers=HX))


def test_fragment_request_does_not_swallow_flash_messages(htmx_client):
    login_family(htmx_client, *DEMO_FAMILY)
    htmx_client.get("/essai/message")
    assert "Modification envoyée." not in htmx_client.get("/essai/liste", headers=HX).text
    page = htmx_client.get("/essai/liste")
    assert "Modification envoyée." in page.text
    assert "Modification envoyée." not in htmx_client.get("/essai/liste").text  # shown once


# --- layout -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/connexion", "/agent/connexion"])
def test_login_pages_are_french_with_skip_link_and_labels(demo_client, url):
    page = demo_client.get(url)
    html = page.html
    assert html.find("html")["lang"] == "fr"
    assert html.find("meta", attrs={"charset": True})["charset"].lower() == "utf-8"
    assert html.find("meta", attrs={"name": "viewport"})
    assert html.title.get_text().startswith("Connexion")

    first_link = html.body.find("a")
    assert first_link["href"] == "#contenu" and "contenu" in first_link.get_text().lower()
    assert html.find(id="contenu").name == "main"

    form = html.find("form", attrs={"method": "post"})
    for field in form.find_all(["input", "select", "textarea"]):
        if field.get("type") == "hidden":
            continue
        label = html.find("label", attrs={"for": field.get("id")})
        assert field.get("id") and label and label.get_text(strip=True), f"no label for {field}"
    assert html.find("input", id="mot_de_passe")["type"] == "password"
    assert html.find("input", id="identifiant")["autocomplete"] == "username"
    assert form.find("button", attrs={"type": "submit"}).get_text(strip=True) == "Se connecter"
    assert form["action"] == url  # works as a plain form without JavaScript


def test_pages_load_only_our_own_scripts_and_styles(demo_client):
    html = demo_client.get("/connexion").html
    sources = [s["src"] for s in html.find_all("script", src=True)]
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".", source) for source in sources] == ["/static/js/htmx-1.9.12.min.js"]
    assert not html.find_all("script", src=False), "inline script would be blocked by the CSP"
    assert not html.find_all(style=True), "inline style would be blocked by the CSP"
    assert not html.find_all("style")
    assert [re.sub(r"\.[0-9a-f]{12}\.", ".", link["href"]) for link in html.find_all("link", rel="stylesheet")] \
        == ["/static/css/portal.css"]
    assert not re.search(r"(src|href)=\"(https?:)?//", demo_client.get("/connexion").text)


def test_vendored_htmx_and_css_are_served(demo_client):
    htmx = demo_client.get("/static/js/htmx-1.9.12.min.js")
    assert "javascript" in htmx.content_type
    assert '"1.9.12"' in htmx.text
    css = demo_client.get("/static/css/portal.css")
    assert css.content_type == "text/css"


def test_body_is_boosted_so_links_and_forms_work_with_and_without_javascript(demo_client):
    assert demo_client.get("/connexion").html.body["data-hx-boost"] == "true"


def test_family_page_has_family_navigation_and_post_logout(demo_client):
    login_family(demo_client, *DEMO_FAMILY)
    html = demo_client.get("/accueil").html
    nav = html.find("nav")
    assert nav["aria-label"] == "Espace famille"
    assert nav.find("a", href="/accueil")["aria-current"] == "page"
    logout = html.find("form", action="/deconnexion")
    assert logout["method"] == "post" and logout.find("button").get_text(strip=True) == "Se déconnecter"
    assert html.find("html")["lang"] == "fr"


def test_agent_page_has_agent_navigation(agent_client):
    html = agent_client.get("/agent").html
    assert html.find("nav")["aria-label"] == "Espace agent"
    assert html.find("form", action="/agent/deconnexion")


def test_page_title_names_the_page_and_the_commune(family_client):
    assert family_client.get("/accueil").html.title.get_text() == "Accueil — Portail Famille · Ville de Démo"


# --- 404 --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/nulle-part", "/static/absent.css", "/accueil/../../etc/passwd"])
def test_unknown_address_gets_french_404(demo_client, url):
    answer = demo_client.get(url, status=404)
    assert answer.html.find("html")["lang"] == "fr"
    assert answer.html.find("h1").get_text() == "Page introuvable"
    assert "Not Found" not in answer.text and "Traceback" not in answer.text
    assert answer.html.find("a", href="/")


def test_404_for_a_logged_in_family_keeps_the_navigation(family_client):
    answer = family_client.get("/nulle-part", status=404)
    assert answer.html.find("nav") is not None


def test_405_is_french(demo_client):
    answer = demo_client.get("/deconnexion", status=405)
    assert answer.html.find("h1").get_text() == "Action impossible"


def test_empty_data_folder_app_serves_the_login_page(client):
    page = get_page(client, "/")
    assert page.status_int == 200
    assert "Connexion à votre espace famille" in page.text


# --- every page of the app --------------------------------------------------------------------------

def html_pages(client, app, *, agent: bool):
    """(url, answer) of every GET route of one area that answers an HTML page for this client."""
    pages = []
    for route in app.routes:
        if route.method != "GET" or PUBLIC_ROUTES.match(route.rule) or route.rule.startswith("/agent") != agent:
            continue
        url = concrete_url(route.rule)
        answer = client.get(url, status="*")
        if answer.status_int == 200 and answer.content_type == "text/html":
            pages.append((url, answer))
    return pages


def page_problems(url, answer) -> list[str]:
    """What breaks our page rules: French, skip link, labelled fields, CSRF on POST forms, no inline code."""
    html, problems = answer.html, []
    if html.find("html") is None or html.find("html").get("lang") != "fr":
        problems.append(f"{url}: not lang=fr")
    if not html.find("a", href="#contenu") or not html.find(id="contenu"):
        problems.append(f"{url}: no skip link to #contenu")
    if len(html.find_all("h1")) != 1:
        problems.append(f"{url}: {len(html.find_all('h1'))} h1")
    for form in html.find_all("form"):
        if (form.get("method") or "get").lower() == "post" and not form.find("input", attrs={"name": "csrf_token"}):
            problems.append(f"{url}: POST form to {form.get('action')} without csrf_token")
        if not form.get("action"):
            problems.append(f"{url}: form without action")
    for field in html.find_all(["input", "select", "textarea"]):
        if field.get("type") in ("hidden", "submit", "button", "image", "reset"):
            continue
        labelled = (field.get("id") and html.find("label", attrs={"for": field["id"]})) or field.find_parent("label") \
            or field.get("aria-label") or field.get("aria-labelledby") or field.get("title")
        if not labelled:
            problems.append(f"{url}: field {field.get('name')} has no label")
    ids = [tag["id"] for tag in html.find_all(id=True)]
    if len(ids) != len(set(ids)):
        problems.append(f"{url}: duplicate ids {sorted({i for i in ids if ids.count(i) > 1})}")
    if html.find_all("script", src=False) or html.find_all(style=True) or html.find_all("style"):
        problems.append(f"{url}: inline script or style (blocked by the CSP)")
    for tag in html.find_all(attrs={"data-hx-get": True}) + html.find_all(attrs={"data-hx-post": True}):
        fallback = tag.get("href") or tag.get("action") or tag.find_parent("form", action=True)
        if not fallback or tag.get("href") == "#":
            problems.append(f"{url}: {tag.name} with hx-* and no working href/action underneath")
    return problems


def test_every_family_page_follows_the_page_rules(family_client, demo_app):
    pages = html_pages(family_client, demo_app, agent=False)
    assert len(pages) >= 1
    assert [p for url, answer in pages for p in page_problems(url, answer)] == []


def test_every_agent_page_follows_the_page_rules(agent_client, demo_app):
    pages = html_pages(agent_client, demo_app, agent=True)
    assert len(pages) >= 1
    assert [p for url, answer in pages for p in page_problems(url, answer)] == []


@pytest.mark.parametrize("url", ["/connexion", "/agent/connexion", "/nulle-part"])
def test_public_pages_follow_the_page_rules(demo_client, url):
    answer = demo_client.get(url, status="*")
    assert page_problems(url, answer) == []
