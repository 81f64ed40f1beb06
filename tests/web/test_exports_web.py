"""The agent's Exports page through the web: reached from Paramètres, three GET forms, downloads served as dated CSV
attachments (UTF-8 with BOM or Windows-1252), "since the last export" remembered, French errors that keep what was
typed; families and visitors reach none of it."""
from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from helpers import csrf_from, logged_in
from storage import clock
from storage.demo import DEMO_ACCOUNTS, DEMO_AGENT
from storage.ledger import statement

FAMILY = "770400070"  # demo request 1: Responsable, portable 06 12 34 56 78 -> 06 12 00 11 22
OTHER = "770400080"  # demo request 1: adds the authorised person Samira BENALI
EXPORT_URLS = ("/agent/exports/modifications.csv?depuis=dernier&encodage={encoding}",
               "/agent/exports/familles.csv?encodage={encoding}",
               "/agent/exports/paiements.csv?du=2026-01-01&au=2026-12-31&encodage={encoding}")
ROUTES = ("/agent/exports", "/agent/exports/modifications.csv", "/agent/exports/familles.csv",
          "/agent/exports/paiements.csv?du=2026-01-01&au=2026-12-31")


@pytest.fixture
def agent(demo_app):
    return logged_in(demo_app, *DEMO_AGENT, agent=True)


def rows_of(answer) -> list[list[str]]:
    charset = answer.headers["Content-Type"].split("charset=")[1]
    body = answer.body
    if charset == "utf-8":
        assert body.startswith(b"\xef\xbb\xbf")
        body = body[3:]
    return list(csv.reader(io.StringIO(body.decode("cp1252" if charset == "windows-1252" else "utf-8"), newline=""),
                           delimiter=";"))


def validate(agent, family_id: str, request_id: int) -> None:
    page = agent.get(f"/agent/demandes/{family_id}")
    answer = agent.post(f"/agent/demandes/{family_id}/{request_id}/valider", {"csrf_token": csrf_from(page)})
    assert answer.status_int == 303, answer.text


def changed_fields(answer) -> list[tuple[str, str, str, str]]:
    return [(row[0], row[7], row[8], row[9]) for row in rows_of(answer)[1:]]


def test_the_exports_page_is_linked_from_the_settings_and_offers_three_get_forms(agent):
    settings = agent.get("/agent/parametres")
    assert BeautifulSoup(settings.text, "html.parser").find("a", href="/agent/exports") is not None
    page = agent.get("/agent/exports")
    soup = BeautifulSoup(page.text, "html.parser")
    forms = {form["action"]: form for form in soup.find_all("form")}
    assert set(forms) >= {"/agent/exports/modifications.csv", "/agent/exports/familles.csv",
                          "/agent/exports/paiements.csv"}
    assert all(forms[action].get("method") == "get" for action in forms if action.startswith("/agent/exports/"))
    payments = forms["/agent/exports/paiements.csv"]
    assert payments.find("input", attrs={"name": "du"})["value"] == "2026-11-01"  # the previous month
    assert payments.find("input", attrs={"name": "au"})["value"] == "2026-11-30"
    assert "Aucun export pour le moment" in page.text


@pytest.mark.parametrize("url", EXPORT_URLS)
@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252"])
def test_every_export_is_a_dated_csv_attachment_in_the_chosen_encoding(agent, url, encoding):
    answer = agent.get(url.format(encoding=encoding))
    assert answer.headers["Content-Type"] == f"text/csv; charset={encoding}"
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="') and disposition.endswith('.csv"')
    assert "2026-12-02" in disposition or "2026-01-01-au-2026-12-31" in disposition
    assert answer.body.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8")
    rows = rows_of(answer)
    assert rows[0][0] in ("N° famille", "Famille", "Date") and all(len(row) == len(rows[0]) for row in rows)


def test_the_register_export_lists_every_demo_child_with_accents_in_both_encodings(agent, demo_app):
    for encoding in ("utf-8", "windows-1252"):
        rows = rows_of(agent.get(f"/agent/exports/familles.csv?encodage={encoding}"))
        children = sum(len(demo_app.portal.families.record(f)["children"]) for f in demo_app.portal.families.ids())
        assert len(rows) - 1 == children
        assert any("Démoville" in row for row in rows) and any("École Jules Ferry" in row for row in rows)


def test_a_change_validated_by_the_agent_is_in_the_next_export_and_only_there(agent, demo_app):
    """Done when: a family changes its phone, the agent validates it and finds it in the changes export; the next
    export since the last one holds only what was validated since."""
    family = logged_in(demo_app, FAMILY, DEMO_ACCOUNTS[FAMILY])
    with clock.pinned("2026-12-02T09:30:00"):
        page = family.get("/mes-informations/responsable/modifier")
        form = next(f for f in page.forms.values() if f.action.endswith("/responsable/modifier"))
        form["phone_mobile"] = "07 00 00 00 09"
        assert form.submit(status="*").status_int == 303
    request_id = max(r.doc_id for r in demo_app.portal.families.read(FAMILY).table("requests").all())
    with clock.pinned("2026-12-02T10:00:00"):
        validate(agent, FAMILY, request_id)
    with clock.pinned("2026-12-02T11:00:00"):
        first = agent.get("/agent/exports/modifications.csv")
    rows = rows_of(first)
    assert [FAMILY, "MARTIN Sophie", "Responsable", "MARTIN Sophie", "", "Responsable", "Modification",
            "Téléphone portable", "06 12 34 56 78", "07 00 00 00 09", "02/12/2026 09:30", "02/12/2026 10:00",
            demo_app.portal.agents.get(DEMO_AGENT[0])["name"], "Demande de la famille"] in rows
    assert "modifications-validees-2026-12-02-11h00.csv" in first.headers["Content-Disposition"]
    with clock.pinned("2026-12-02T12:00:00"):
        assert changed_fields(agent.get("/agent/exports/modifications.csv?depuis=dernier")) == []
        validate(agent, OTHER, 1)
    with clock.pinned("2026-12-02T13:00:00"):
        third = changed_fields(agent.get("/agent/exports/modifications.csv?depuis=dernier&encodage=windows-1252"))
    assert {row[0] for row in third} == {OTHER} and (OTHER, "Prénom", "", "Samira") in third
    page = agent.get("/agent/exports")
    assert "jusqu'au 02/12/2026 à 13h00" in page.text
    history = BeautifulSoup(page.text, "html.parser").find("table")
    assert len(history.find("tbody").find_all("tr")) == 3
    again = agent.get(history.find("a", href=lambda h: h and "export=1&" in h)["href"])
    assert again.body == first.body  # the same window again; the journal does not move
    assert "jusqu'au 02/12/2026 à 13h00" in agent.get("/agent/exports").text
    assert agent.get("/agent/exports/modifications.csv?export=99", status="*").status_int == 404
    assert agent.get("/agent/exports/modifications.csv?export=abc", status="*").status_int == 404
    with clock.pinned("2026-12-02T14:00:00"):
        since_day = changed_fields(agent.get("/agent/exports/modifications.csv?depuis=date&depuis_le=02/12/2026"))
    assert {row[0] for row in since_day} == {FAMILY, OTHER}


def test_the_payments_export_totals_match_the_demo_relevés(agent, demo_app):
    rows = rows_of(agent.get("/agent/exports/paiements.csv?du=2026-01-01&au=2026-12-31"))
    families = demo_app.portal.families
    credits = sum(entry["credit_cents"] - entry["debit_cents"] for family_id in families.ids()
                  for entry in statement(families.read_ledger(family_id))
                  if entry["kind"] == "payment" and "2026-01-01" <= entry["date"] <= "2026-12-31")
    net = next(row for row in rows if row[:1] == ["Total"] and row[3] == "Total net des paiements")
    assert int(net[5].replace(",", "")) == credits > 0


@pytest.mark.parametrize("url, field, message", [
    ("/agent/exports/modifications.csv?depuis=date&depuis_le=31/02/2026", "depuis_le", "Date invalide"),
    ("/agent/exports/modifications.csv?depuis=date&depuis_le=01/01/2027", "depuis_le", "dans le futur"),
    ("/agent/exports/modifications.csv?depuis=hier", None, "depuis le dernier export"),
    ("/agent/exports/paiements.csv?du=30/11/2026&au=01/11/2026", "au", "après la date de début"),
    ("/agent/exports/paiements.csv?du=&au=01/11/2026", "du", "obligatoire"),
    ("/agent/exports/familles.csv?encodage=latin-9", None, "Choisissez un encodage"),
])
def test_bad_choices_show_a_french_error_and_keep_what_was_typed(agent, demo_app, url, field, message):
    answer = agent.get(url)
    assert answer.content_type == "text/html"
    soup = BeautifulSoup(answer.text, "html.parser")
    assert any(message in error.get_text() for error in soup.select(".error-text"))
    if field:
        typed = url.split(f"{field}=")[1].split("&")[0]
        assert soup.find("input", attrs={"name": field})["value"] == typed
    assert not (demo_app.portal.documents.root / "exports.json").exists()  # nothing remembered


@pytest.mark.parametrize("who", ["family", "visitor"])
def test_families_and_visitors_reach_no_export(demo_app, demo_client, who):
    client = logged_in(demo_app, FAMILY, DEMO_ACCOUNTS[FAMILY]) if who == "family" else demo_client
    for url in ROUTES:
        answer = client.get(url, status="*")
        assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion"), url
        assert b"770400" not in answer.body
    assert not (demo_app.portal.documents.root / "exports.json").exists()
