"""Gestion des demandes, par rubrique (issue 18): the table of one section's requests across families, decided in
batches without JavaScript (POST → 303 → result) and with htmx (the table swapped in place, totals out of band); the
dashboard's figures each lead where they are handled. Only the agent reaches any of it."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import csrf_from as csrf
from helpers import logged_in
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.families import RECORD_ID, record_of
from storage.requests import submit_request
from storage.sections import SECTIONS, current_values, set_values

A, B, C = "770400070", "770400080", "770400090"
TABLE = "/agent/demandes/rubrique"


@pytest.fixture
def agent(demo_app) -> TestApp:
    return logged_in(demo_app, *DEMO_AGENT, agent=True)


def ask_quotient(app, family_id: str, qf: int) -> str:
    """The family's request for a new quotient familial; returns its checkbox value."""
    current = current_values(app.portal.families.record(family_id), SECTIONS["caf"])
    return f"{family_id}-{submit_request(app.portal.families, family_id, 'caf', dict(current, qf=qf))}"


def change_quotient_directly(app, family_id: str, qf: int) -> None:
    with app.portal.families.transaction(family_id) as db:
        record = record_of(db)
        set_values(record, SECTIONS["caf"], None, {"qf": qf})
        db.table("record").update(record, doc_ids=[RECORD_ID])


def status(app, key: str) -> str:
    family_id, request_id = key.split("-")
    return app.portal.families.read(family_id).table("requests").get(doc_id=int(request_id))["status"]


def decision_mails(app) -> list[str]:
    mails, _ = app.portal.outbox.page(limit=100)
    return sorted(mail["family_id"] for mail in mails if mail["kind"] == "request_decision")


def soup(page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def decide(agent, keys, decision="valider", headers=None, **fields):
    page = agent.get(f"{TABLE}?rubrique=caf")
    form = [("csrf_token", csrf(page)), ("rubrique", "caf"), ("decision", decision)]
    form += [("demande", key) for key in keys] + list(fields.items())
    return agent.post(f"{TABLE}/decider", form, headers=headers or {}, status="*")


def test_each_section_of_par_rubrique_and_of_the_dashboard_links_to_its_table(demo_app, agent):
    ask_quotient(demo_app, A, 555)
    for url in ("/agent/demandes", "/agent"):
        links = {a["href"] for a in soup(agent.get(url)).find_all("a", href=True)}
        assert f"{TABLE}?rubrique=caf" in links and f"{TABLE}?rubrique=parent1" in links, url


def test_the_table_shows_each_request_as_a_row_current_to_requested_oldest_first(demo_app, agent):
    from datetime import datetime

    from storage import clock
    with clock.pinned(datetime(2026, 11, 20, 9, 0)):
        later = ask_quotient(demo_app, B, 666)
    with clock.pinned(datetime(2026, 11, 10, 9, 0)):
        first = ask_quotient(demo_app, A, 555)
    page = soup(agent.get(f"{TABLE}?rubrique=caf"))
    table = page.find("table", class_="request-table")
    assert "C.A.F." in table.caption.get_text()
    assert [th.get("scope") for th in table.thead.find_all("th")] == ["col"] * len(table.thead.find_all("th"))
    rows = table.tbody.find_all("tr")
    assert [row["id"] for row in rows] == [f"ligne-{first}", f"ligne-{later}"]
    cells = rows[0].find_all(["td", "th"])
    assert all(cell.get("data-label") for cell in cells)
    assert cells[0].find("input", type="checkbox")["value"] == first  # the decision at the start of the row
    header = rows[0].find("th", scope="row")
    assert header.a["href"] == f"/agent/demandes/{A}"
    quotient = rows[0].find("td", attrs={"data-label": "Quotient familial (€)"})
    assert " ".join(quotient.get_text(" ").split()) == "780 € → devient 555 €"
    label = rows[0].find("label", attrs={"for": f"choix-{first}"})
    assert A in label.get_text() and "MARTIN Sophie" in label.get_text()


def test_a_row_in_conflict_says_so_and_the_filters_find_it(demo_app, agent):
    stale = ask_quotient(demo_app, A, 555)
    fresh = ask_quotient(demo_app, B, 666)
    change_quotient_directly(demo_app, A, 700)
    row = soup(agent.get(f"{TABLE}?rubrique=caf")).find("tr", id=f"ligne-{stale}")
    assert "conflict" in row["class"] and "la fiche a changé depuis la demande" in row.get_text()

    def shown(query: str) -> list[str]:
        return [tr["id"][6:] for tr in soup(agent.get(f"{TABLE}?rubrique=caf&{query}")).select("table.request-table tbody tr")]
    assert shown("etat=conflit") == [stale]
    assert shown("etat=sans-conflit") == [fresh]
    assert shown(f"famille={B}") == [fresh]
    assert shown("famille=abdel") == [fresh]
    assert shown("du=2026-12-03") == []


def test_a_bad_date_filter_is_said_next_to_the_field_and_the_rest_kept(agent, demo_app):
    ask_quotient(demo_app, A, 555)
    page = soup(agent.get(f"{TABLE}?rubrique=caf&du=31/02/2026&famille=martin"))
    assert page.find(id="filtre-du-error").get_text().strip()
    assert page.find(id="filtre-famille")["value"] == "martin"
    assert page.select("table.request-table tbody tr")  # the filter that was wrong is left out


def test_a_batch_without_javascript_validates_sets_conflicts_aside_and_mails_each_family(demo_app, agent):
    keys = [ask_quotient(demo_app, family_id, qf) for family_id, qf in ((A, 555), (B, 666), (C, 777))]
    change_quotient_directly(demo_app, C, 700)
    answer = decide(agent, keys)
    assert answer.status_int == 303 and answer.location.endswith(f"{TABLE}?rubrique=caf")
    result = soup(answer.follow())
    box = result.find(class_="batch-result")
    assert "2 demandes validées pour 2 familles" in box.get_text()
    aside = box.find("table")
    assert C in aside.get_text() and "Quotient familial" in aside.get_text()
    assert [status(demo_app, key) for key in keys] == ["validated", "validated", "pending"]
    assert demo_app.portal.families.record(A)["caf"]["qf"] == 555
    assert decision_mails(demo_app) == [A, B]
    assert soup(agent.get(f"{TABLE}?rubrique=caf")).find(class_="batch-result") is None  # shown once


def test_the_same_batch_posted_again_decides_nothing_twice(demo_app, agent):
    keys = [ask_quotient(demo_app, A, 555), ask_quotient(demo_app, B, 666)]
    decide(agent, keys)
    audit = {f: len(demo_app.portal.families.read(f).table("audit")) for f in (A, B)}
    again = soup(decide(agent, keys).follow()).find(class_="batch-result").get_text()
    assert "0 demande validée" in again and "2 demandes étaient déjà traitées" in again
    assert {f: len(demo_app.portal.families.read(f).table("audit")) for f in (A, B)} == audit
    assert decision_mails(demo_app) == [A, B]


def test_a_batch_cancels_with_one_reason_shown_to_each_family(demo_app, agent):
    keys = [ask_quotient(demo_app, A, 555), ask_quotient(demo_app, B, 666)]
    decide(agent, keys, "annuler", motif="Merci de joindre l'attestation CAF")
    for key in keys:
        family_id, request_id = key.split("-")
        request = demo_app.portal.families.read(family_id).table("requests").get(doc_id=int(request_id))
        assert (request["status"], request["reason"]) == ("cancelled", "Merci de joindre l'attestation CAF")
    family = logged_in(demo_app, A, DEMO_ACCOUNTS[A])
    assert "Merci de joindre l&#039;attestation CAF" in family.get("/mes-demandes").text


def test_a_row_button_decides_that_request_alone(demo_app, agent):
    keys = [ask_quotient(demo_app, A, 555), ask_quotient(demo_app, B, 666)]
    page = agent.get(f"{TABLE}?rubrique=caf")
    answer = agent.post(f"{TABLE}/decider", {"csrf_token": csrf(page), "rubrique": "caf", "une": f"valider:{keys[1]}",
                                             "demande": keys[0]})
    assert answer.status_int == 303
    assert [status(demo_app, key) for key in keys] == ["pending", "validated"]


def test_with_htmx_the_table_is_swapped_in_place_and_the_totals_follow(demo_app, agent):
    keys = [ask_quotient(demo_app, A, 555), ask_quotient(demo_app, B, 666)]
    answer = decide(agent, keys[:1], headers={"HX-Request": "true"})
    assert answer.status_int == 200 and "<html" not in answer.text
    fragment = soup(answer)
    assert fragment.find(id="tableau-demandes").find(class_="batch-result")
    assert fragment.find(id="section-total").get_text() == "1"
    badge = fragment.find(id="nav-pending")
    assert badge["data-hx-swap-oob"] == "true" and badge.get_text() == str(demo_app.portal.index.pending_count())


def test_select_all_ticks_every_row_of_the_page(demo_app, agent):
    keys = [ask_quotient(demo_app, A, 555), ask_quotient(demo_app, B, 666)]
    page = soup(agent.get(f"{TABLE}?rubrique=caf"))
    assert not page.select("input[name=demande][checked]")
    link = page.find("a", string="Tout sélectionner sur la page")["href"]
    ticked = soup(agent.get(link)).select("input[name=demande][checked]")
    assert sorted(box["value"] for box in ticked) == sorted(keys)


def test_forged_keys_of_no_request_or_another_section_decide_nothing(demo_app, agent):
    phone = f"{A}-1"  # the demo's pending request of section Responsable
    answer = decide(agent, [phone, f"{B}-99", "999999999-1", "../../x-1"])
    text = answer.follow().text
    assert "4 demandes introuvables" in text
    assert status(demo_app, phone) == "pending"
    assert decision_mails(demo_app) == []


def test_an_empty_selection_or_no_decision_is_said_in_french(demo_app, agent):
    ask_quotient(demo_app, A, 555)
    assert "Cochez au moins une demande" in decide(agent, []).follow().text
    assert "Choisissez Valider ou Annuler" in decide(agent, [f"{A}-2"], decision="").follow().text


def test_an_unknown_section_is_not_found(demo_app, agent):
    assert agent.get(f"{TABLE}?rubrique=nope", status="*").status_int == 404
    assert agent.get(TABLE, status="*").status_int == 404
    page = agent.get(f"{TABLE}?rubrique=caf")
    assert agent.post(f"{TABLE}/decider", {"csrf_token": csrf(page), "rubrique": "nope", "decision": "valider",
                                           "demande": f"{A}-1"}, status="*").status_int == 404


@pytest.mark.parametrize("who", ["family", "anonymous"])
def test_families_and_visitors_never_reach_the_table_nor_decide(demo_app, who):
    key = ask_quotient(demo_app, A, 555)
    client = logged_in(demo_app, B, DEMO_ACCOUNTS[B]) if who == "family" else TestApp(demo_app)
    page = client.get(f"{TABLE}?rubrique=caf", status="*")
    assert page.status_int in (303, 403) and "request-table" not in page.text
    token = csrf(client.get("/accueil" if who == "family" else "/connexion"))
    answer = client.post(f"{TABLE}/decider", {"csrf_token": token, "rubrique": "caf", "decision": "valider",
                                              "demande": key}, status="*")
    assert answer.status_int in (303, 403)
    assert status(demo_app, key) == "pending"


def test_the_dashboard_says_what_waits_and_links_where_it_is_handled(demo_app, agent):
    ask_quotient(demo_app, A, 555)
    page = soup(agent.get("/agent"))
    figures = {div.dt.get_text(): div.dd.a["href"] for div in page.select("dl.stats > div")}
    assert figures["Demandes en attente"] == "/agent/demandes"
    assert figures["Pré-inscriptions à examiner"] == "/agent/pre-inscriptions"
    assert figures["Messages non lus des familles"] == "/agent/messages?filtre=non-lues"
    assert figures["Courriels en échec"] == "/agent/courriels?statut=echec"
    lead = page.find("p", class_="lead").get_text()
    assert re.search(r"Plus ancienne attente : .+ \(\d+ (jour|heure|minute)s?\)", " ".join(lead.split()))
    for href in figures.values():
        assert agent.get(href).status_int == 200


def test_the_payments_of_the_day_are_counted_on_the_dashboard_when_the_module_is_on(demo_app, agent):
    from storage.payment.of_the_day import note_online_payment
    demo_app.portal.settings.save({"modules": {"enrolments": True, "payment": False}})
    assert agent.get("/agent/paiements-du-jour", status="*").status_int == 404
    assert "Paiements en ligne du jour" not in agent.get("/agent").text
    demo_app.portal.settings.save({"modules": {"enrolments": True, "payment": True}})
    note_online_payment(demo_app.portal.documents, A, "770400070-20261202090000-0a1b2c3d", 4250)
    page = soup(agent.get("/agent"))
    payments = next(div for div in page.select("dl.stats > div") if div.dt.get_text() == "Paiements en ligne du jour")
    assert payments.dd.get_text() == "1"
    day = agent.get(payments.dd.a["href"]).text
    assert "42,50" in day and A in day
