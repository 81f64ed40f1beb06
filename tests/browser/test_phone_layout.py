"""The portal on a 320 x 640 phone screen, in real Chromium with JavaScript on and off (issue 13, §2).

- No page scrolls sideways and no table hides columns in a sideways scroll box: every page the crawl finds for the
  family, the agent and a visitor (tests/browser/areas.py, the same crawl as the accessibility check).
- The header and the folded menu take a few lines, not 260 px; the "Menu" link opens the navigation without
  JavaScript, moves the keyboard there, and the current page stays marked; on a wide screen the menu is simply there.
- Screenshots of the main pages at 320 px in tests/browser/screenshots/ (phone-*-js.png / -nojs.png), to look at.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from areas import START_PAGES, Area, html_pages

PHONE = {"width": 320, "height": 640}
# Header + menu at 320 px: 260 px before the menu was folded; a brand line, an account line and the Menu link now.
MAX_HEADER_PX = 120
MAIN_PAGES = {"family": ["/accueil", "/factures", "/releve", "/mes-demandes", "/mes-informations",
                         "/absences/nouvelle"],
              "agent": ["/agent/demandes", "/agent/familles/770400070", "/agent/demandes/770400070"]}
ACCOUNTS = {"family": ("/connexion", "770400070", "demo2026"), "agent": ("/agent/connexion", "agent", "agent2026")}

# What sticks out of the screen: the page's width, each element whose right edge passes the screen (the deepest
# ones: an element whose children stick out too is left to them), and each scroll box whose content is wider than
# the box (a table cut in its table-wrap).
WHAT_STICKS_OUT = """() => {
    const screen = window.innerWidth;
    const classes = el => typeof el.className === 'string' && el.className.trim()
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
    const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + classes(el)
        + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60) + '"';
    const all = [...document.body.querySelectorAll('*')];
    const outside = all.filter(el => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > screen + 1;
    });
    const deepest = outside.filter(el => !outside.some(other => other !== el && el.contains(other)));
    const cut = all.filter(el => {
        const overflow = getComputedStyle(el).overflowX;
        return (overflow === 'auto' || overflow === 'scroll') && el.clientWidth > 1
            && el.scrollWidth > el.clientWidth + 1;
    });
    return {page: document.documentElement.scrollWidth, screen: screen,
            outside: deepest.slice(0, 5).map(el => name(el) + ' ends at '
                                                   + Math.round(el.getBoundingClientRect().right) + ' px'),
            cut: cut.slice(0, 5).map(el => name(el) + ' holds ' + el.scrollWidth + ' px in ' + el.clientWidth + ' px')};
}"""


def sideways_problems(page, url: str) -> list[str]:
    """What makes the page at url wider than the screen, or hides part of it in a sideways scroll box."""
    page.goto(url, wait_until="load")
    found = page.evaluate(WHAT_STICKS_OUT)
    problems = []
    if found["page"] > found["screen"]:
        problems.append(f"{url}: the page is {found['page']} px wide on a {found['screen']} px screen; sticking out: "
                        + "; ".join(found["outside"]))
    problems += [f"{url}: cut in a sideways scroll box: {box}" for box in found["cut"]]
    return problems


@pytest.fixture(scope="module")
def crawled_pages(browser, used_demo):
    """who -> the HTML pages its crawl finds (the crawl reads HTML only: JavaScript does not change what it finds)."""
    pages = {}
    for who in START_PAGES:
        area = Area(browser, used_demo, who)
        try:
            pages[who] = html_pages(area)
        finally:
            area.close()
    return pages


@pytest.mark.parametrize("who", list(START_PAGES))
def test_no_page_is_wider_than_a_phone(browser, used_demo, crawled_pages, who, javascript):
    area = Area(browser, used_demo, who, javascript=javascript, viewport=PHONE)
    page = area.context.new_page()
    try:
        problems = [problem for url in crawled_pages[who] for problem in sideways_problems(page, url)]
    finally:
        area.close()
    assert len(crawled_pages[who]) > (2 if who == "visitor" else 15), crawled_pages[who]
    assert problems == [], "\n".join(problems)


def log_in(page, who: str) -> None:
    url, login, password = ACCOUNTS[who]
    page.goto(url)
    page.get_by_label(re.compile("^Identifiant")).fill(login)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("a.menu-link")).to_be_attached()  # logged in (the link is hidden on a wide screen)


def test_on_a_phone_the_menu_is_one_link_that_opens_it_without_javascript(page, javascript):
    page.set_viewport_size(PHONE)
    log_in(page, "family")
    page.goto("/factures")
    navigation = page.get_by_role("navigation", name="Espace famille")

    assert page.locator("header").bounding_box()["height"] <= MAX_HEADER_PX
    expect(navigation).to_be_hidden()
    page.get_by_role("link", name="Menu").focus()
    page.keyboard.press("Enter")  # the keyboard alone opens it

    expect(navigation).to_be_visible()
    assert page.evaluate("document.activeElement.id") == "menu"  # the next Tab goes into the menu
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Accueil"
    expect(navigation.get_by_role("link", name="Factures")).to_have_attribute("aria-current", "page")
    assert page.evaluate("window.scrollY") == 0  # the page stays where it was: the header is still in view
    navigation.get_by_role("link", name="Relevé de compte").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Relevé de compte")
    expect(navigation).to_be_hidden()  # folded again on the next page
    page.get_by_role("link", name="Menu").click()
    navigation.get_by_role("link", name="Fermer le menu").click()
    expect(navigation).to_be_hidden()
    assert page.problems == []


def test_on_a_wide_screen_the_menu_is_shown_and_the_menu_link_is_not(page, javascript):
    log_in(page, "agent")
    navigation = page.get_by_role("navigation", name="Espace agent")
    expect(navigation).to_be_visible()
    expect(navigation.get_by_role("link", name="Tableau de bord")).to_have_attribute("aria-current", "page")
    expect(page.locator("a.menu-link")).to_be_hidden()
    expect(navigation.locator(".menu-close a")).to_be_hidden()


@pytest.mark.parametrize("who", list(MAIN_PAGES))
def test_screenshots_of_the_main_pages_on_a_phone(page, screenshot, used_demo, who):
    page.set_viewport_size(PHONE)
    log_in(page, who)
    for url in MAIN_PAGES[who]:
        page.goto(url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        screenshot("phone-" + (url.strip("/").replace("/", "-") or "accueil"))
    assert page.problems == []
