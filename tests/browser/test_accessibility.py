"""axe-core in real Chromium on every page a family, the agent and a visitor can reach (found by the same crawl as
tests/web/test_crawl.py, against the real server), plus the pages with form errors in ERROR_STATES: no violation of
impact "serious" or "critical".

axe-core comes from the npm registry, pinned in tests/browser/package.json: `cd tests/browser && npm ci` (.ci/run
does it). A new page is checked as soon as a link leads to it; a new form's error state: one line in ERROR_STATES."""
from __future__ import annotations

from pathlib import Path

import pytest

from areas import START_PAGES, Area, html_pages
from helpers import tool_missing

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
IMPACTS = ("serious", "critical")
# Forms sent empty (browser validation off, as an old browser would), to check the page that shows the errors:
# (who, page, CSS selector of the form, values typed after emptying it, for a form that accepts being empty).
# A new form: one line here.
ERROR_STATES = [
    ("visitor", "/connexion", "form[action='/connexion']"),
    ("visitor", "/pre-inscription", "form[action='/pre-inscription']"),
    ("family", "/mes-informations/responsable/modifier", "form[action='/mes-informations/responsable/modifier']"),
    ("family", "/mes-informations/personnes/ajouter", "form[action='/mes-informations/personnes/ajouter']"),
    ("family", "/mes-informations/enfants/1/sanitaires", "form[action='/mes-informations/enfants/1/sanitaires']",
     {"doctor_phone": "pas un numéro"}),
    ("family", "/mes-informations/enfants/1/photo", "form[action='/mes-informations/enfants/1/photo']"),
    ("family", "/messages/nouveau", "form[action='/messages/nouveau']"),
    ("family", "/mon-compte", "form[action='/mon-compte/mot-de-passe']"),
    ("family", "/inscriptions/nouvelle", "form[action='/inscriptions/nouvelle']"),
    ("family", "/absences/nouvelle", "form[action='/absences/nouvelle']"),
    ("agent", "/agent/messages/nouveau", "form[action='/agent/messages/nouveau']"),
    ("agent", "/agent/familles/nouvelle", "form[action='/agent/familles/nouvelle']"),
    ("agent", "/agent/familles/770400070/compte", "form[action='/agent/familles/770400070/paiements']"),
    ("agent", "/agent/familles/770400070/factures/nouvelle", "form[action='/agent/familles/770400070/factures/nouvelle']"),
    ("agent", "/agent/services/nouveau", "form[action='/agent/services/nouveau']"),
    ("agent", "/agent/parametres", "form[action='/agent/parametres']"),
    ("agent", "/agent/parametres/pages-legales", "form[action='/agent/parametres/pages-legales']",
     {"host_name": "H" * 121}),
    ("agent", "/agent/parametres/pages-legales", "form[action='/agent/parametres/pages-legales/aide']"),
    ("agent", "/agent/parametres/conservation", "form[action='/agent/parametres/conservation']"),
    ("agent", "/agent/mon-compte", "form[action='/agent/mon-compte']"),
]


@pytest.fixture(scope="module")
def axe_installed(chromium_available) -> Path:
    if not AXE.exists():
        tool_missing(f"{AXE} is missing: run `npm ci` in tests/browser (axe-core from the npm registry)")
    return AXE


@pytest.fixture(scope="module")
def areas(browser, server_url, axe_installed, used_demo):
    """The family, the agent and a visitor (axe-core loaded into every page), on the demo server after a little use
    (pages the raw demo lacks)."""
    opened = {who: Area(browser, server_url, who, init_script=str(AXE)) for who in START_PAGES}
    yield opened
    for area in opened.values():
        area.close()


def axe_violations(page, where: str) -> list[dict]:
    """Serious and critical violations on the page as it stands: rule, impact, where, which elements."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in IMPACTS:
            continue
        for node in violation["nodes"]:
            found.append({"rule": violation["id"], "impact": violation["impact"], "page": where,
                          "target": " ".join(map(str, node["target"])), "help": violation["help"],
                          "html": node["html"][:160], "summary": (node.get("failureSummary") or "")[:300]})
    return found


EMPTY_THE_FORM = """form => {
    form.noValidate = true;
    form.setAttribute('data-hx-boost', 'false');
    form.querySelectorAll('input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit]), textarea')
        .forEach(input => { input.value = ''; });
    form.querySelectorAll('select').forEach(select => { select.selectedIndex = 0; });
}"""


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['page']}: {v['rule']} ({v['impact']}) at {v['target']}\n    {v['help']}\n    {v['html']}\n"
                     f"    {v['summary']}" for v in violations)


def send_empty(page, url: str, form: str, typed: dict) -> None:
    """Open url, empty the form (browser validation and htmx off) and send it: the page then shows the errors."""
    page.goto(url, wait_until="load")
    page.eval_on_selector(form, EMPTY_THE_FORM)
    for name, value in typed.items():
        page.locator(form).locator(f"[name='{name}']").evaluate("(input, value) => { input.value = value; }", value)
    with page.expect_navigation(wait_until="load"):
        page.locator(form).locator("button[type=submit], input[type=submit]").first.click()
    assert page.locator(".flash-error, .error-text").count() > 0, \
        f"{url}: {form} sent empty showed no error (and may have stored something): fix its line in ERROR_STATES"


def violations_in(area: Area) -> list[dict]:
    """Every serious or critical violation on the area's pages, then on its forms' error pages."""
    page = area.context.new_page()
    found = []
    try:
        for url in html_pages(area):
            page.goto(url, wait_until="load")
            found += axe_violations(page, url)
        for who, url, form, *typed in ERROR_STATES:
            if who == area.who:
                send_empty(page, url, form, typed[0] if typed else {})
                found += axe_violations(page, f"{url} (form sent empty)")
    finally:
        page.close()
    return found


@pytest.mark.parametrize("who", list(START_PAGES))
def test_no_serious_accessibility_violation(areas, who):
    found = violations_in(areas[who])
    assert found == [], f"axe-core found {len(found)} serious or critical violations:\n{report(found)}"

