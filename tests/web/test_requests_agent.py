"""Gestion des demandes through the web: the agent sees current vs requested values, validates (once),
cancels with a reason, is warned of conflicts, validates all; htmx gets fragments; decisions are audited;
concurrent decisions never lose or double an update.
"""
from __future__ import annotations

import threading

import pytest
from bs4 import BeautifulSoup
from webtest import TestApp

from helpers import csrf_from as csrf
from helpers import logged_in as log_in
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.requests import submit_request, validate_request

FAMILY_A = "770400070"  # demo request 1: Responsable, portable 06 12 34 56 78 -> 06 12 00 11 22
FAMILY_B = "770400080"  # demo request 1: add person Samira BENALI
FAMILY_C = "770400090"  # no request


# --- helpers ---------------------------------------------------------------------------------------

def family_client(app, family_id: str = FAMILY_A) -> TestApp:
    return log_in(app, family_id, DEMO_ACCOUNTS[family_id])


@pytest.fixture
def agent(demo_app) -> TestApp:
    return log_in(demo_app, *DEMO_AGENT, agent=True)


def text(element) -> str:
    return " ".join(element.get_text(" ").split())


def norm(value: str) -> str:
    return " ".join(value.split())


def record(app, family_id: str = FAMILY_A) -> dict:
    return app.portal.families.record(family_id)


def request_doc(app, family_id: str, request_id: int):
    return app.portal.families.read(family_id).table("requests").get(doc_id=request_id)


def audit_of(app, family_id: str) -> list:
    return app.portal.families.read(family_id).table("audit").all()


def ask(app, family_id: str, section: str, target_id=None, action: str = "update", **changes) -> int:
    """Store a family's request directly (what the family's form does), returns its id."""
    from storage.sections import SECTIONS, current_values

    current = {} if action == "add" else current_values(record(app, family_id), SECTIONS[section], target_id)
    return submit_request(app.portal.families, family_id, section, dict(current, **changes), target_id=target_id,
                          action=action)


def post_decision(agent: TestApp, family_id: str, request_id: int, verb: str, headers=None, **fields):
    page = agent.get(f"/agent/demandes/{family_id}")
    return agent.post(f"/agent/demandes/{family_id}/{request_id}/{verb}", dict(fields, csrf_token=csrf(page)),
                      headers=headers or {}, status="*")


def family_rows(client: TestApp, url: str) -> dict:
    """label -> (current, pending or None) on a family section page."""
    soup = BeautifulSoup(client.get(url).text, "html.parser")
    rows = {}
    for item in soup.select("dl.data-list > div"):
        dd = item.find("dd")
        pending = dd.find("span", class_="pending-value")
        if pending is not None:
            pending.extract()
        rows[text(item.find("dt"))] = (text(dd), None if pending is None else text(pending))
    return rows


# --- Gestion des demandes --------------------------------------------------------------------------

def test_gestion_des_demandes_has_one_row_per_family_with_a_total(demo_app, agent):
    ask(demo_app, FAMILY_A, "tax", income=42000)
    ask(demo_app, FAMILY_A, "caf", qf=800)

    page = agent.get("/agent/demandes")

    table = page.html.find("table")
    headers = [text(th) for th in table.select("thead th")]
    assert headers[-1] == "Total"
    rows = {text(tr.find("td")): [text(td) for td in tr.find_all("td")] for tr in table.select("tbody tr")}
    assert set(rows) == {FAMILY_A, FAMILY_B}
    assert rows[FAMILY_A][1] == "MARTIN Sophie" and rows[FAMILY_A][-1] == "3"
    assert rows[FAMILY_B][1] == "ABDEL Nadia" and rows[FAMILY_B][-1] == "1"
    assert table.find("a", href=f"/agent/demandes/{FAMILY_A}") is not None
    assert text(page.html.find(id="total-pending")) == "4"
    assert text(page.html.find(id="nav-pending")) == "4"


def test_family_page_shows_current_and_requested_values_side_by_side(demo_app, agent):
    page = agent.get(f"/agent/demandes/{FAMILY_A}")

    card = page.html.find(id="demande-1")
    assert [text(th) for th in card.select("thead th")] == ["Champ", "Valeur avant", "Valeur actuelle", "Valeur demandée"]
    assert [text(c) for c in card.select("tbody tr")[0].find_all(["th", "td"])] == [
        "Téléphone portable", "06 12 34 56 78", "06 12 34 56 78", "06 12 00 11 22"]
    assert card.find("form", action=f"/agent/demandes/{FAMILY_A}/1/valider") is not None
    assert card.find("form", action=f"/agent/demandes/{FAMILY_A}/1/annuler").find("input", attrs={"name": "motif"})


def test_unknown_family_or_request_is_not_found(demo_app, agent):
    assert agent.get("/agent/demandes/999999999", status="*").status_int == 404
    assert post_decision(agent, FAMILY_A, 42, "valider").status_int == 404
    assert post_decision(agent, FAMILY_A, 42, "annuler").status_int == 404


# --- Valider / Annuler -----------------------------------------------------------------------------

def test_validating_merges_the_request_and_the_family_sees_it_validated(demo_app, agent):
    family = family_client(demo_app)
    assert family_rows(family, "/mes-informations/responsable")["Téléphone portable"] == (
        "06 12 34 56 78", "Demandé : 06 12 00 11 22 en attente")

    answer = post_decision(agent, FAMILY_A, 1, "valider")

    assert answer.status_int == 303 and answer.location.endswith(f"/agent/demandes/{FAMILY_A}")
    assert "Demande validée" in answer.follow().text
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"
    decided = request_doc(demo_app, FAMILY_A, 1)
    assert (decided["status"], decided["decided_by"]) == ("validated", "agent") and decided["decided_at"]
    assert family_rows(family, "/mes-informations/responsable")["Téléphone portable"] == ("06 12 00 11 22", None)
    assert "Validée" in text(family.get("/mes-demandes").html.find(id="demande-1"))
    listed = [text(td) for td in agent.get("/agent/demandes").html.select("tbody tr > td:first-child")]
    assert listed == [FAMILY_B]


def test_cancelling_with_a_reason_leaves_the_record_and_tells_the_family(demo_app, agent):
    family = family_client(demo_app)
    before = record(demo_app)

    answer = post_decision(agent, FAMILY_A, 1, "annuler", motif="Merci de nous appeler pour confirmer ce numéro.")

    assert answer.status_int == 303
    assert record(demo_app) == before
    assert request_doc(demo_app, FAMILY_A, 1)["status"] == "cancelled"
    card = family.get("/mes-demandes").html.find(id="demande-1")
    assert "Annulée" in text(card) and "Merci de nous appeler pour confirmer ce numéro." in text(card)
    history = agent.get(f"/agent/demandes/{FAMILY_A}")
    assert "Merci de nous appeler pour confirmer ce numéro." in text(history.html)


def test_validating_twice_applies_once_and_says_already_treated(demo_app, agent):
    page = agent.get(f"/agent/demandes/{FAMILY_B}")  # the same page open in two tabs
    token = csrf(page)

    first = agent.post(f"/agent/demandes/{FAMILY_B}/1/valider", {"csrf_token": token})
    second = agent.post(f"/agent/demandes/{FAMILY_B}/1/valider", {"csrf_token": token})

    assert first.status_int == second.status_int == 303
    assert "déjà été traitée" in second.follow().text
    persons = record(demo_app, FAMILY_B)["persons"]
    assert [(p["id"], p["last_name"]) for p in persons] == [(1, "ABDEL"), (2, "BENALI")]
    assert [a["action"] for a in audit_of(demo_app, FAMILY_B)] == ["validated"]


def test_cancelling_a_validated_request_changes_nothing(demo_app, agent):
    post_decision(agent, FAMILY_A, 1, "valider")
    answer = post_decision(agent, FAMILY_A, 1, "annuler", motif="trop tard")
    assert "déjà été traitée" in answer.follow().text
    assert request_doc(demo_app, FAMILY_A, 1)["status"] == "validated"
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"


def test_family_cannot_withdraw_a_request_the_agent_already_validated(demo_app, agent):
    family = family_client(demo_app)
    page = family.get("/mes-demandes")
    post_decision(agent, FAMILY_A, 1, "valider")

    answer = family.post("/mes-demandes/1/retirer", {"csrf_token": csrf(page)})

    assert "déjà été traitée" in answer.follow().text
    assert request_doc(demo_app, FAMILY_A, 1)["status"] == "validated"


# --- conflicts -------------------------------------------------------------------------------------

def test_conflict_warns_and_merges_nothing_until_confirmed(demo_app, agent):
    later = ask(demo_app, FAMILY_A, "parent1", phone_mobile="07 00 00 00 07")  # same field, same value before
    post_decision(agent, FAMILY_A, 1, "valider")
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"

    warning = post_decision(agent, FAMILY_A, later, "valider")

    assert warning.status_int == 200
    assert "La fiche a changé depuis la demande" in warning.text
    card = warning.html.find(id=f"demande-{later}")
    assert "Téléphone portable" in text(card.find(class_="warning"))
    assert [text(c) for c in card.select("tbody tr")[0].find_all(["th", "td"])] == [
        "Téléphone portable", "06 12 34 56 78", "06 12 00 11 22", "07 00 00 00 07"]
    confirm = card.find("form", action=f"/agent/demandes/{FAMILY_A}/{later}/valider")
    assert confirm.find("input", attrs={"name": "confirmer"})["value"] == "1"
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"
    assert request_doc(demo_app, FAMILY_A, later)["status"] == "pending"

    confirmed = post_decision(agent, FAMILY_A, later, "valider", confirmer="1")

    assert confirmed.status_int == 303
    assert record(demo_app)["parent1"]["phone_mobile"] == "07 00 00 00 07"
    assert request_doc(demo_app, FAMILY_A, later)["status"] == "validated"
    assert audit_of(demo_app, FAMILY_A)[-1]["overrode_conflicts"] is True
    assert "malgré un changement" in agent.get(f"/agent/demandes/{FAMILY_A}").text


def test_a_request_on_other_fields_of_the_same_section_is_not_a_conflict(demo_app, agent):
    other = ask(demo_app, FAMILY_A, "parent1", email="sophie@example.org")
    post_decision(agent, FAMILY_A, 1, "valider")

    answer = post_decision(agent, FAMILY_A, other, "valider")

    assert answer.status_int == 303
    parent = record(demo_app)["parent1"]
    assert (parent["phone_mobile"], parent["email"]) == ("06 12 00 11 22", "sophie@example.org")


def test_request_on_a_person_removed_meanwhile_cannot_be_validated(demo_app, agent):
    update = ask(demo_app, FAMILY_A, "person", target_id=1, phone_mobile="06 00 00 00 01")
    removal = submit_request(demo_app.portal.families, FAMILY_A, "person", {}, target_id=1, action="remove")
    post_decision(agent, FAMILY_A, removal, "valider")

    page = agent.get(f"/agent/demandes/{FAMILY_A}")
    assert "n'existe plus" in text(page.html.find(id=f"demande-{update}"))
    answer = post_decision(agent, FAMILY_A, update, "valider", confirmer="1")

    assert "n'existe plus" in text(answer.follow().html.find(class_="flash-error"))
    assert record(demo_app)["persons"] == []
    assert request_doc(demo_app, FAMILY_A, update)["status"] == "pending"
    assert post_decision(agent, FAMILY_A, update, "annuler").status_int == 303
    assert request_doc(demo_app, FAMILY_A, update)["status"] == "cancelled"


# --- tout valider ----------------------------------------------------------------------------------

def test_validate_all_applies_every_pending_request_of_the_family(demo_app, agent):
    ask(demo_app, FAMILY_A, "tax", income=42000)
    ask(demo_app, FAMILY_A, "child_extra", target_id=2, class_name="Grande section")
    page = agent.get(f"/agent/demandes/{FAMILY_A}")

    answer = agent.post(f"/agent/demandes/{FAMILY_A}/tout-valider", {"csrf_token": csrf(page)})

    assert answer.status_int == 303 and answer.location.endswith("/agent/demandes")
    assert "3 demandes validées." in answer.follow().text
    current = record(demo_app)
    assert current["parent1"]["phone_mobile"] == "06 12 00 11 22"
    assert current["tax"]["income"] == 42000
    assert current["children"][1]["extra"]["class_name"] == "Grande section"
    assert demo_app.portal.index.get(FAMILY_A).pending == []
    assert request_doc(demo_app, FAMILY_B, 1)["status"] == "pending"  # other families untouched


def test_validate_all_leaves_conflicting_requests_for_one_by_one_review(demo_app, agent):
    later = ask(demo_app, FAMILY_A, "parent1", phone_mobile="07 00 00 00 07")
    ask(demo_app, FAMILY_A, "tax", income=42000)
    page = agent.get(f"/agent/demandes/{FAMILY_A}")

    answer = agent.post(f"/agent/demandes/{FAMILY_A}/tout-valider", {"csrf_token": csrf(page)})

    assert answer.location.endswith(f"/agent/demandes/{FAMILY_A}")
    after = answer.follow()
    assert "2 demandes validées." in after.text and "1 demande non validée" in after.text
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"
    assert request_doc(demo_app, FAMILY_A, later)["status"] == "pending"
    assert after.html.find(id=f"demande-{later}") is not None


# --- htmx ------------------------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_htmx_validation_returns_only_the_card_and_out_of_band_totals(demo_app, agent):
    ask(demo_app, FAMILY_A, "tax", income=42000)

    answer = post_decision(agent, FAMILY_A, 1, "valider", headers=HX)

    assert answer.status_int == 200
    assert "<html" not in answer.text and "<main" not in answer.text
    soup = BeautifulSoup(answer.text, "html.parser")
    card = soup.find(id="demande-1")
    assert "Validée" in text(card) and card.find("form") is None
    family_total = soup.find(id="family-total")
    assert family_total["data-hx-swap-oob"] == "true" and text(family_total) == "1"
    nav_total = soup.find(id="nav-pending")
    assert nav_total["data-hx-swap-oob"] == "true" and text(nav_total) == "2"
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"
    assert "HX-Request" in answer.headers.get("Vary", "")


def test_htmx_cancellation_returns_the_cancelled_card_with_its_reason(demo_app, agent):
    answer = post_decision(agent, FAMILY_A, 1, "annuler", headers=HX, motif="Doublon")

    assert answer.status_int == 200 and "<html" not in answer.text
    soup = BeautifulSoup(answer.text, "html.parser")
    assert "Annulée" in text(soup.find(id="demande-1")) and "Doublon" in text(soup.find(id="demande-1"))
    assert text(soup.find(id="family-total")) == "0"


def test_htmx_second_decision_returns_the_card_saying_already_treated(demo_app, agent):
    post_decision(agent, FAMILY_A, 1, "valider")

    answer = post_decision(agent, FAMILY_A, 1, "valider", headers=HX)

    assert answer.status_int == 200 and "<html" not in answer.text
    card = BeautifulSoup(answer.text, "html.parser").find(id="demande-1")
    assert "déjà été traitée" in text(card) and card.find("form") is None
    assert [a["action"] for a in audit_of(demo_app, FAMILY_A)] == ["validated"]


def test_htmx_conflict_returns_the_card_with_the_warning_and_the_confirm_button(demo_app, agent):
    later = ask(demo_app, FAMILY_A, "parent1", phone_mobile="07 00 00 00 07")
    post_decision(agent, FAMILY_A, 1, "valider")

    answer = post_decision(agent, FAMILY_A, later, "valider", headers=HX)

    assert answer.status_int == 200 and "<html" not in answer.text
    card = BeautifulSoup(answer.text, "html.parser").find(id=f"demande-{later}")
    assert card.find("input", attrs={"name": "confirmer", "value": "1"}) is not None
    assert card.find("form")["data-hx-target"] == f"#demande-{later}"
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"


@pytest.mark.parametrize("headers", [{}, {"HX-Request": "true", "HX-Boosted": "true"},
                                     {"HX-Request": "true", "HX-History-Restore-Request": "true"}],
                         ids=["no-js", "boosted", "history-restore"])
def test_without_a_partial_htmx_request_a_decision_redirects_to_the_family_page(demo_app, agent, headers):
    answer = post_decision(agent, FAMILY_A, 1, "valider", headers=headers)

    assert answer.status_int == 303
    assert answer.location.endswith(f"/agent/demandes/{FAMILY_A}")
    assert record(demo_app)["parent1"]["phone_mobile"] == "06 12 00 11 22"


def test_decision_buttons_are_plain_forms_that_htmx_enhances(demo_app, agent):
    card = agent.get(f"/agent/demandes/{FAMILY_A}").html.find(id="demande-1")
    for form in card.find_all("form"):
        assert form["method"] == "post" and form["action"] == form["data-hx-post"]
        assert form["data-hx-target"] == "#demande-1"
        assert form.find("input", attrs={"name": "csrf_token"}) is not None


# --- audit trail -----------------------------------------------------------------------------------

def test_decisions_appear_in_the_family_history_and_the_journal(demo_app, agent):
    post_decision(agent, FAMILY_A, 1, "valider")
    post_decision(agent, FAMILY_B, 1, "annuler", motif="Personne inconnue")

    history = agent.get(f"/agent/demandes/{FAMILY_A}").html
    heading = history.find("h2", string="Historique de la fiche")
    assert heading is not None
    rows = [[text(td) for td in tr.find_all("td")] for tr in heading.find_next("table").select("tbody tr")]
    assert len(rows) == 1
    assert rows[0][1:] == ["agent", "Demande validée", "Responsable", "Téléphone portable"]

    journal = agent.get("/agent/journal").html
    lines = [[text(td) for td in tr.find_all("td")] for tr in journal.select("tbody tr")]
    assert sorted((line[1], line[3]) for line in lines) == [(FAMILY_A, "Demande validée"),
                                                            (FAMILY_B, "Demande annulée")]
    assert all(line[2] == "agent" for line in lines)
    assert journal.find("a", href=f"/agent/demandes/{FAMILY_B}") is not None
    entry = audit_of(demo_app, FAMILY_B)[0]
    assert (entry["action"], entry["by"], entry["reason"], entry["request_id"]) == (
        "cancelled", "agent", "Personne inconnue", 1)


def test_family_withdrawal_is_audited_too(demo_app, agent):
    family = family_client(demo_app)
    family.post("/mes-demandes/1/retirer", {"csrf_token": csrf(family.get("/mes-demandes"))})

    entry = audit_of(demo_app, FAMILY_A)[-1]
    assert (entry["action"], entry["by"], entry["by_kind"]) == ("withdrawn", FAMILY_A, "family")
    assert "Demande retirée par la famille" in agent.get("/agent/journal").text


def test_dashboard_counts_pending_requests_by_section(demo_app, agent):
    ask(demo_app, FAMILY_A, "tax", income=42000)
    ask(demo_app, FAMILY_B, "tax", income=25000)

    page = agent.get("/agent").html

    counts = {text(d.dt): text(d.dd) for d in page.select("dl.stats > div")}
    assert counts["Demandes en attente"] == "4"
    by_section = {text(tr.th): text(tr.td) for tr in page.select("tbody tr")}
    assert by_section == {"Responsable": "1", "Personne autorisée": "1", "Données fiscales": "2"}
    assert page.find("a", href="/agent/demandes") is not None


# --- concurrency -----------------------------------------------------------------------------------

def run_together(functions) -> list:
    """Start every function at the same instant in its own thread; their results in order."""
    barrier = threading.Barrier(len(functions))
    results = [None] * len(functions)
    errors = []

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


def test_two_requests_of_one_family_validated_in_parallel_both_apply(demo_app):
    families = demo_app.portal.families
    email = ask(demo_app, FAMILY_A, "parent1", email="sophie@example.org")  # same section as request 1
    income = ask(demo_app, FAMILY_A, "tax", income=42000)

    decisions = run_together([lambda rid=rid: validate_request(families, FAMILY_A, rid, "agent")
                              for rid in (1, email, income)])

    assert [d.outcome for d in decisions] == ["validated"] * 3
    current = record(demo_app)
    assert current["parent1"]["phone_mobile"] == "06 12 00 11 22"
    assert current["parent1"]["email"] == "sophie@example.org"
    assert current["tax"]["income"] == 42000
    assert len(audit_of(demo_app, FAMILY_A)) == 3
    assert demo_app.portal.index.get(FAMILY_A).pending == []


def test_one_request_validated_from_ten_threads_applies_once(demo_app):
    families = demo_app.portal.families

    decisions = run_together([lambda: validate_request(families, FAMILY_B, 1, "agent")] * 10)

    assert sorted(d.outcome for d in decisions) == ["already_decided"] * 9 + ["validated"]
    persons = record(demo_app, FAMILY_B)["persons"]
    assert [p["last_name"] for p in persons] == ["ABDEL", "BENALI"]
    assert [a["action"] for a in audit_of(demo_app, FAMILY_B)] == ["validated"]


def test_parallel_web_decisions_on_one_request_apply_once(demo_app):
    """Ten agent tabs (each its own session) post Valider at the same instant through the WSGI app."""
    clients = [log_in(demo_app, *DEMO_AGENT, agent=True) for _ in range(10)]
    tokens = [csrf(c.get(f"/agent/demandes/{FAMILY_B}")) for c in clients]
    calls = [lambda c=c, t=t: c.post(f"/agent/demandes/{FAMILY_B}/1/valider", {"csrf_token": t}, status="*")
             for c, t in zip(clients, tokens)]

    answers = run_together(calls)

    assert {a.status_int for a in answers} == {303}
    assert len(record(demo_app, FAMILY_B)["persons"]) == 2
    assert [a["action"] for a in audit_of(demo_app, FAMILY_B)] == ["validated"]


def test_family_submissions_and_agent_validations_in_parallel_lose_nothing(demo_app):
    families = demo_app.portal.families
    ids = [ask(demo_app, FAMILY_A, "child_extra", target_id=2, class_name=f"Classe {n}") for n in range(3)]
    submit = [lambda n=n: ask(demo_app, FAMILY_A, "caf", qf=900 + n) for n in range(5)]
    validate = [lambda rid=rid: validate_request(families, FAMILY_A, rid, "agent", confirm_conflicts=True).outcome
                for rid in ids]

    results = run_together(submit + validate)

    assert results[5:] == ["validated"] * 3
    all_requests = families.read(FAMILY_A).table("requests").all()
    assert len(all_requests) == 1 + 3 + 5
    assert sorted(r.doc_id for r in all_requests) == list(range(1, 10))
    assert record(demo_app)["children"][1]["extra"]["class_name"] in {"Classe 0", "Classe 1", "Classe 2"}
