"""Words the agent and the family understand (issue 13, §4): French Rubriques in every history, the sending and the
decision time of a decided request, counts written in the singular or the plural (never "(s)"), one way of showing
a name, and no word of warning that does not apply."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import csrf_from as csrf
from helpers import logged_in as log_in
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.enrolments import submit_enrolments
from storage.requests import submit_request, validate_request
from storage.sections import SECTIONS, current_values

ROOT = Path(__file__).resolve().parents[2]
FAMILY = "770400070"  # demo request 1: Responsable, portable
OTHER = "770400080"   # demo request 1: add person Samira BENALI
INTERNAL_KEYS = ("parent1", "parent2", "tax", "caf", "bank", "person", "child_identity", "child_extra", "child_health",
                 "child_photo", "enrolment", "absence")


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def soup(page) -> BeautifulSoup:
    return BeautifulSoup(page.text, "html.parser")


def agent_of(app) -> TestApp:
    return log_in(app, *DEMO_AGENT, agent=True)


def family_of(app, family_id: str = FAMILY) -> TestApp:
    return log_in(app, family_id, DEMO_ACCOUNTS[family_id])


def ask(app, section: str, family_id: str = FAMILY, **changes) -> int:
    current = current_values(app.portal.families.record(family_id), SECTIONS[section])
    return submit_request(app.portal.families, family_id, section, dict(current, **changes))


def column(table, header: str) -> list[str]:
    """The texts of one column of a table, by its header."""
    headers = [text(th) for th in table.select("thead th")]
    index = headers.index(header)
    return [text(row.find_all(["td", "th"])[index]) for row in table.select("tbody tr")]


# --- Rubriques in French ----------------------------------------------------------------------------------------

@pytest.fixture
def decided_of_every_kind(demo_app):
    """Family 770400070 after the agent decided requests of several rubriques: Responsable, Données fiscales,
    C.A.F., a new authorised person and an enrolment."""
    families = demo_app.portal.families
    ids = [1, ask(demo_app, "tax", income=45000), ask(demo_app, "caf", qf=650),
           submit_request(families, FAMILY, "person", {
               "last_name": "Benali", "first_name": "Samira", "relationship": "Tante", "phone_mobile": "06 11 22 33 44",
               "phone_home": "", "may_pick_up": True, "emergency_contact": False, "children": ["1"]},
               action="add", target_label="Samira BENALI")]
    ids += submit_enrolments(families, FAMILY, {"children": ["2"], "service_id": "vacances-noel", "start": "2026-12-21",
                                                "end": "2027-01-01", "weekdays": [0, 1, 2, 3, 4]},
                             demo_app.portal.services.get("vacances-noel"))
    for request_id in ids:
        decision = validate_request(families, FAMILY, request_id, "agent",
                                    options={"services": demo_app.portal.services})
        assert decision.outcome == "validated", decision
    return demo_app


EVERY_KIND = {"Responsable", "Données fiscales", "C.A.F.", "Personne autorisée : Samira BENALI",
              "Inscription : Tom MARTIN"}
LATEST_THREE = {"C.A.F.", "Personne autorisée : Samira BENALI", "Inscription : Tom MARTIN"}  # the journal's per family


@pytest.mark.parametrize("url, table_of, expected", [
    (f"/agent/demandes/{FAMILY}", lambda page: page.find("h2", string="Historique de la fiche").find_next("table"),
     EVERY_KIND),
    (f"/agent/familles/{FAMILY}", lambda page: page.find(id="h-historique").find_next("table"), EVERY_KIND),
    ("/agent/journal", lambda page: page.find("table"), LATEST_THREE),
], ids=["demandes de la famille", "page de la famille", "journal"])
def test_every_history_names_its_rubriques_in_french(decided_of_every_kind, url, table_of, expected):
    page = soup(agent_of(decided_of_every_kind).get(url))

    rubriques = column(table_of(page), "Rubrique")

    assert expected <= set(rubriques), rubriques
    for shown in rubriques:
        assert shown.split(" : ")[0] not in INTERNAL_KEYS, shown


def test_the_dashboard_names_the_rubrique_of_the_last_decisions(decided_of_every_kind):
    recent = text(soup(agent_of(decided_of_every_kind).get("/agent")).find(id="h-recent").parent)

    assert "Demande validée (Inscription : Tom MARTIN)" in recent
    assert "(C.A.F.)" in recent


# --- when a request was sent, when and by whom it was decided -------------------------------------------------------

def test_a_decided_request_shows_when_it_was_sent_and_when_and_by_whom_it_was_decided(demo_app):
    families = demo_app.portal.families
    with families.transaction(FAMILY) as db:  # the family sent it two days before the agent's decision
        db.table("requests").update({"created_at": "2026-11-30T18:05:00"}, doc_ids=[1])
    validate_request(families, FAMILY, 1, "agent")
    decided_at = families.read(FAMILY).table("requests").get(doc_id=1)["decided_at"]
    withdrawn = ask(demo_app, "tax", income=45000)
    family = family_of(demo_app)
    family.post(f"/mes-demandes/{withdrawn}/retirer", {"csrf_token": csrf(family.get("/mes-demandes"))})

    page = soup(agent_of(demo_app).get(f"/agent/demandes/{FAMILY}"))
    decided = [text(li) for li in page.find("h2", string="Demandes déjà traitées").find_next("ul").find_all("li")]

    day = f"{decided_at[8:10]}/{decided_at[5:7]}/{decided_at[:4]}"
    hour = f"{decided_at[11:13]}h{decided_at[14:16]}"
    assert any("Responsable" in line and "envoyée le 30/11/2026 à 18h05" in line
               and f"validée le {day} à {hour} par agent" in line for line in decided), decided
    assert any("Données fiscales" in line and "retirée le" in line and "par la famille" in line
               for line in decided), decided


# --- singular and plural ----------------------------------------------------------------------------------------

PARENTHESISED_PLURAL = re.compile(r"[A-Za-zÀ-ÿ]\((?:s|e|es)\)")


def test_no_parenthesised_plural_or_gender_in_any_text_of_the_portal():
    """'1 demande(s)', 'facturé(s)', 'inscrit(e)': never; views/formats.py's plural() writes the right form."""
    sources = [*ROOT.glob("views/**/*.tpl"), *ROOT.glob("views/**/*.py"), *ROOT.glob("routes/*.py"),
               *ROOT.glob("storage/**/*.py"), ROOT / "portal.py"]
    found = [f"{path.relative_to(ROOT)}:{number}: {line.strip()[:120]}" for path in sources
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if PARENTHESISED_PLURAL.search(line)]
    assert found == []


def test_counts_on_the_agents_requests_page_agree_with_their_number(demo_app):
    agent = agent_of(demo_app)
    lead = text(soup(agent.get("/agent/demandes")).find("p", class_="lead"))
    assert re.fullmatch(r"2 demandes en attente pour 2 familles\.", lead), lead

    validate_request(demo_app.portal.families, OTHER, 1, "agent")
    lead = text(soup(agent.get("/agent/demandes")).find("p", class_="lead"))
    assert lead == "1 demande en attente pour 1 famille.", lead


def test_the_notice_period_of_a_service_is_written_in_the_plural(demo_app):
    settings = text(soup(agent_of(demo_app).get("/agent/parametres")))
    assert "2 jours ouvrés avant" in settings and "(s)" not in settings


# --- one way of showing a name ------------------------------------------------------------------------------------

def test_an_authorised_person_is_shown_with_the_same_name_in_its_title_and_its_fields(demo_app):
    family = family_of(demo_app)
    page = family.get("/mes-informations/personnes/ajouter")
    form = page.forms[[f.action for f in page.forms.values()].index("/mes-informations/personnes/ajouter")]
    for name, value in {"last_name": "Durand", "first_name": "Paul", "relationship": "Voisin",
                        "phone_mobile": "06 70 80 90 10"}.items():
        form[name] = value
    form["may_pick_up"] = True
    assert form.submit().status_int == 303
    request_id = max(r.doc_id for r in demo_app.portal.families.read(FAMILY).table("requests").all())

    assert "Ajout demandé : Paul DURAND" in text(soup(family.get("/mes-informations/personnes")))
    asked = soup(family.get("/mes-demandes")).find(id=f"demande-{request_id}")
    assert "Personne autorisée : Paul DURAND" in text(asked.h2)
    assert {text(row.th): text(row.find_all("td")[-1]) for row in asked.select("tbody tr")}["Nom"] == "DURAND"

    validate_request(demo_app.portal.families, FAMILY, request_id, "agent")
    card = soup(family.get("/mes-informations/personnes")).find("h2", string="Paul DURAND").parent
    assert {text(div.dt): text(div.dd) for div in card.find_all("div")}["Nom"] == "DURAND"
    agent_page = soup(agent_of(demo_app).get(f"/agent/familles/{FAMILY}"))
    person = agent_page.find("h3", string="Paul DURAND")
    assert person is not None
    rows = {text(div.dt): text(div.dd) for div in person.find_next("dl").find_all("div")}
    assert rows["Nom"] == "DURAND" and rows["Prénom"] == "Paul"
    assert demo_app.portal.families.record(FAMILY)["persons"][-1]["last_name"] == "Durand"  # kept as typed


def test_a_child_typed_in_small_letters_is_named_like_the_others(demo_app):
    families = demo_app.portal.families
    with families.transaction(FAMILY) as db:
        record = db.table("record").all()[0]
        record["children"][0]["last_name"] = "Martin-Leroy"
        db.table("record").update(record, doc_ids=[record.doc_id])
    demo_app.portal.index.rebuild()

    home = text(soup(family_of(demo_app).get("/accueil")))
    child_page = soup(family_of(demo_app).get("/mes-informations/enfants/1"))

    assert "Léa MARTIN-LEROY" in home
    assert text(child_page.h1) == "Léa MARTIN-LEROY"
    assert "Léa MARTIN-LEROY" in text(soup(agent_of(demo_app).get("/agent/familles?q=Martin")))
