"""Dates at the edges of the calendar, through the web: no date or month a family or the agent types makes the portal
walk centuries of days or overflow past year 9999. An enrolment lies inside its service's opening periods, an
absence lasts at most 31 days, a planning or billing month lies within three years of today, a service's periods
and closed dates within three years of today too: outside, a French message next to the field (or a French 404 for
a month in a URL), in well under a second, and nothing stored.

The clock is pinned on Wednesday 02/12/2026 at 09:00 (the demo's school year runs from 01/09/2026 to 03/07/2027).
"""
from __future__ import annotations

import time

import pytest

from helpers import csrf_from as csrf
from pages import field_error, flashes, soup
from routes.web import ERROR_TEXTS

FAMILY = "770400070"  # MARTIN: Léa (1: cantine + soir, Mon/Tue/Thu/Fri), Tom (2: cantine)
pytestmark = pytest.mark.usefixtures("frozen_clock")
FAST_SECONDS = 1.0  # the 1900-9999 enrolment used to take 13-15 s of CPU
EDGE_DATES = ["0001-01-01", "1900-01-01", "9999-12-31", "2027-02-31", "31/02/2027", "", "2" * 10_000]
EDGE_MONTHS = ["9999-12", "0001-01", "1900-01", "2100-01", "10000-01", "2026-00", "2027-02-31", "",
               "1" * 10_000, "2023-11", "2030-01"]
SERVICE_SPAN = "Le service est ouvert du 01/09/2026 au 03/07/2027 : choisissez des dates dans cette période."


def stored(demo_dir) -> dict:
    """Every data file but the sessions (a login, a flash) and the logs."""
    return {str(p.relative_to(demo_dir)): p.read_bytes() for p in sorted(demo_dir.rglob("*"))
            if p.is_file() and p.name != "sessions.json" and "logs" not in p.relative_to(demo_dir).parts}


def timed_post(client, url: str, fields, upload_files=None):
    """(answer, seconds) of one POST of url's form."""
    fields = [("csrf_token", csrf(client.get(url)))] + list(fields)
    started = time.perf_counter()
    answer = client.post(url, fields, upload_files=upload_files or [], status="*", expect_errors=True)
    return answer, time.perf_counter() - started


def enrol(client, start: str, end: str, service: str = "soir"):
    return timed_post(client, "/inscriptions/nouvelle", [("children", "1"), ("service", service),
                                                         ("start", start), ("end", end)])


def declare(client, start: str, end: str, service: str = "cantine"):
    return timed_post(client, "/absences/nouvelle", [("child_service", f"1:{service}"), ("start", start),
                                                     ("end", end), ("reason", "maladie"), ("comment", "")])


def assert_french_refusal(answer, seconds, demo_dir, before):
    assert answer.status_int == 200, answer.status
    assert seconds < FAST_SECONDS, f"{seconds:.1f} s"
    assert soup(answer).select(".error-text"), answer.text[:2000]
    assert stored(demo_dir) == before


# --- enrolments ------------------------------------------------------------------------------------------------------

def test_enrolment_from_1900_to_9999_is_refused_at_once_in_french(family, demo_dir):
    before = stored(demo_dir)
    answer, seconds = enrol(family, "1900-01-01", "9999-12-31")
    assert_french_refusal(answer, seconds, demo_dir, before)
    assert field_error(answer, "f-start") == SERVICE_SPAN
    assert field_error(answer, "f-end") == SERVICE_SPAN
    html = soup(answer)  # what was typed is kept
    assert html.find(id="f-start")["value"] == "1900-01-01" and html.find(id="f-end")["value"] == "9999-12-31"


def test_two_hundred_year_enrolment_is_refused(family, demo_dir):
    before = stored(demo_dir)
    answer, seconds = enrol(family, "1900-01-01", "2100-12-31")
    assert_french_refusal(answer, seconds, demo_dir, before)
    assert field_error(answer, "f-start") == SERVICE_SPAN and field_error(answer, "f-end") == SERVICE_SPAN


@pytest.mark.parametrize("start, end, field", [
    ("2026-12-07", "2027-07-05", "f-end"),    # two days past the end of the school year
    ("2026-08-31", "2026-12-18", "f-start"),  # the day before it starts
])
def test_enrolment_must_lie_inside_the_service_opening_periods(family, demo_dir, start, end, field):
    before = stored(demo_dir)
    answer, seconds = enrol(family, start, end)
    assert_french_refusal(answer, seconds, demo_dir, before)
    assert field_error(answer, field) == SERVICE_SPAN


def test_enrolment_for_the_whole_school_year_is_accepted(demo_app, family):
    answer, _ = enrol(family, "2026-12-03", "2027-07-03", service="matin")
    assert answer.status_int == 303, field_error(answer, "f-start") + field_error(answer, "f-end")


def edge_ranges(valid_start: str, valid_end: str) -> list[tuple[str, str]]:
    """Each edge date as the start (with a valid end), then as the end (with a valid start)."""
    return [(edge, valid_end) for edge in EDGE_DATES] + [(valid_start, edge) for edge in EDGE_DATES]


@pytest.mark.parametrize("start, end", edge_ranges("2026-12-07", "2026-12-18"))
def test_enrolment_dates_at_the_edges_get_a_french_error(family, demo_dir, start, end):
    before = stored(demo_dir)
    answer, seconds = enrol(family, start, end)
    assert_french_refusal(answer, seconds, demo_dir, before)


# --- absences ------------------------------------------------------------------------------------------------------

def test_absence_of_more_than_31_days_is_refused_in_french(family, demo_dir):
    before = stored(demo_dir)
    answer, seconds = declare(family, "2026-12-07", "2027-01-07")  # 32 days
    assert_french_refusal(answer, seconds, demo_dir, before)
    assert field_error(answer, "f-end") == ("Une absence dure au plus 31 jours : déclarez une absence plus longue "
                                            "en plusieurs fois.")


def test_absence_of_31_days_is_accepted(family):
    answer, _ = declare(family, "2026-12-07", "2027-01-06")
    assert answer.status_int == 303, field_error(answer, "f-start") + field_error(answer, "f-end")


def test_absence_from_1900_to_9999_is_refused_at_once(family, demo_dir):
    before = stored(demo_dir)
    answer, seconds = declare(family, "1900-01-01", "9999-12-31")
    assert_french_refusal(answer, seconds, demo_dir, before)


@pytest.mark.parametrize("start, end", edge_ranges("2026-12-07", "2026-12-10"))
def test_absence_dates_at_the_edges_get_a_french_error(family, demo_dir, start, end):
    before = stored(demo_dir)
    answer, seconds = declare(family, start, end)
    assert_french_refusal(answer, seconds, demo_dir, before)


# --- planning --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("month", EDGE_MONTHS)
def test_planning_of_a_month_out_of_range_is_a_french_404(family, month):
    started = time.perf_counter()
    answer = family.get(f"/planning/1?mois={month}", status="*", expect_errors=True)
    assert time.perf_counter() - started < FAST_SECONDS
    if month == "":  # no month: this month
        assert answer.status_int == 200
        return
    assert answer.status_int == 404, answer.status
    assert ERROR_TEXTS[404][0] in answer.text


@pytest.mark.parametrize("month, previous, following", [
    ("2023-12", None, "2024-01"),   # first month of the window: no link further back
    ("2029-12", "2029-11", None),   # last month of the window
    ("2026-12", "2026-11", "2027-01"),
])
def test_planning_links_stop_at_the_edges_of_the_window(family, month, previous, following):
    page = soup(family.get(f"/planning/1?mois={month}"))
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select("p.actions a")}
    assert links.get("← Mois précédent") == (previous and f"/planning/1?mois={previous}")
    assert links.get("Mois suivant →") == (following and f"/planning/1?mois={following}")


# --- the agent's monthly billing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1900-01", "2100-01", "2023-11", "2030-01"])
def test_billing_preview_of_a_month_out_of_range_says_so_next_to_the_field(agent, demo_dir, month):
    before = stored(demo_dir)
    page = agent.get(f"/agent/facturation?mois={month}", status="*", expect_errors=True)
    assert page.status_int == 200, page.status
    assert field_error(page, "f-mois") == ("Mois hors de la période permise : choisissez un mois entre "
                                           "décembre 2023 et décembre 2029.")
    assert soup(page).find("h2") is None  # no preview
    assert soup(page).find(id="f-mois")["value"] == month  # what was typed is kept
    assert stored(demo_dir) == before


@pytest.mark.parametrize("month", ["10000-01", "2026-00", "", "1" * 10_000, "2026-1"])
def test_billing_preview_of_a_month_that_is_no_month_says_so(agent, month):
    page = agent.get(f"/agent/facturation?mois={month}", status="*", expect_errors=True)
    assert page.status_int == 200, page.status
    if month:
        assert field_error(page, "f-mois") == "Mois invalide (exemple : 2026-11)."
    assert soup(page).find("h2") is None


@pytest.mark.parametrize("fields", [
    {"mois": "9999-12", "issued_on": "2027-01-04", "due_on": "2027-01-25"},
    {"mois": "0001-01", "issued_on": "2027-01-04", "due_on": "2027-01-25"},
    {"mois": "2026-12", "issued_on": "9999-12-31", "due_on": "9999-12-31"},
    {"mois": "2026-12", "issued_on": "2027-01-04", "due_on": "0001-01-01"},
    {"mois": "2026-12", "issued_on": "2027-01-25", "due_on": "2027-01-04"},  # due before issued
    {"mois": "2026-12", "issued_on": "1" * 10_000, "due_on": "2027-01-25"},
])
def test_billing_run_out_of_range_is_refused_in_french_and_bills_nothing(agent, demo_dir, fields):
    before = stored(demo_dir)
    page = agent.get("/agent/facturation?mois=2026-12")
    answer = agent.post("/agent/facturation", dict(fields, csrf_token=csrf(page)), status="*", expect_errors=True)
    assert answer.status_int == 303, answer.status
    assert "Mois ou dates invalides." in flashes(answer.follow())
    assert stored(demo_dir) == before


# --- the agent's service editor -------------------------------------------------------------------------------------

def post_service(agent, **changes):
    fields = {"id": "etude", "name": "Étude surveillée", "periods": "01/12/2026 - 18/12/2026", "closed_dates": "",
              "brackets": "; 2,50", "notice_working_days": "2", "notice_time": "10:00", "active": "1"}
    fields.update(changes)
    page = agent.get("/agent/services/nouveau")
    return agent.post("/agent/services/nouveau", [("csrf_token", csrf(page)), ("weekdays", "0")] + list(fields.items()),
                      status="*", expect_errors=True)


@pytest.mark.parametrize("periods, message", [
    ("01/01/0001 - 31/12/9999", "Période invalide : « 01/01/0001 - 31/12/9999 » (JJ/MM/AAAA - JJ/MM/AAAA)."),
    ("01/01/1900 - 31/12/9999", "Période trop longue : « 01/01/1900 - 31/12/9999 » (un an au plus)."),
    ("01/09/2026 - 31/12/2100", "Période trop longue : « 01/09/2026 - 31/12/2100 » (un an au plus)."),
    ("01/09/2026 - 03/09/2027", "Période trop longue : « 01/09/2026 - 03/09/2027 » (un an au plus)."),
    ("01/09/2100 - 30/09/2100", "Période trop éloignée : « 01/09/2100 - 30/09/2100 » (entre le 01/12/2023 et le "
                                "31/12/2029)."),
    ("01/09/1990 - 30/09/1990", "Période trop éloignée : « 01/09/1990 - 30/09/1990 » (entre le 01/12/2023 et le "
                                "31/12/2029)."),
])
def test_service_period_over_centuries_or_far_away_is_refused_in_french(agent, demo_dir, periods, message):
    before = stored(demo_dir)
    page = post_service(agent, periods=periods)
    assert page.status_int == 200
    assert field_error(page, "f-periods") == message
    assert soup(page).find(id="f-periods").get_text() == periods  # what was typed is kept
    assert stored(demo_dir) == before


@pytest.mark.parametrize("closed, message", [
    ("31/12/9999", "Date trop éloignée : « 31/12/9999 » (entre le 01/12/2023 et le 31/12/2029)."),
    ("01/01/1900", "Date trop éloignée : « 01/01/1900 » (entre le 01/12/2023 et le 31/12/2029)."),
    ("31/02/2027", "Date invalide : « 31/02/2027 » (JJ/MM/AAAA)."),
])
def test_service_closed_date_far_away_is_refused_in_french(agent, demo_dir, closed, message):
    before = stored(demo_dir)
    page = post_service(agent, closed_dates=closed)
    assert page.status_int == 200
    assert field_error(page, "f-closed_dates") == message
    assert stored(demo_dir) == before


def test_service_with_a_school_year_period_is_accepted(agent, demo_app):
    answer = post_service(agent, periods="01/09/2026 - 03/07/2027\n01/09/2027 - 02/07/2028", closed_dates="11/11/2026")
    assert answer.status_int == 303
    assert demo_app.portal.services.get("etude")["periods"][-1] == {"start": "2027-09-01", "end": "2028-07-02"}
