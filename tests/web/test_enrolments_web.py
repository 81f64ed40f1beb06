"""The enrolments module through the web: a family enrols (seeing the price of its QF bracket), declares absences
(with a PDF or image certificate, other files refused in French), reads its children's planning; the agent
validates or refuses, runs the monthly billing (preview then invoices, never twice), switches the module off and on
(404 everywhere when off, data kept) and edits the service catalogue. A family reaches only its own children and
certificates.

The family pages read the clock (storage/clock.py): these tests pin it on Wednesday 02/12/2026 at 09:00.
"""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from helpers import csrf_from as csrf
from helpers import FAMILY_A, FAMILY_B
from pages import PDF, field_error, flashes, soup, text
from tests.perf.live import form_fields
from storage.families import record_of

# FAMILY_A: MARTIN, QF 780: Léa (1: cantine + soir) and Tom (2: cantine); request 1 pending (parent1)
# FAMILY_B: ABDEL, QF 520: Olivia (1: cantine), Ahmed (2: cantine + matin)
FAMILY_C = "770400090"  # LEROY, QF 1150: Inès (1: mercredi)
pytestmark = pytest.mark.usefixtures("frozen_clock")
SENT = "Votre demande a été transmise à la mairie. Elle sera prise en compte après validation."


# --- helpers ---------------------------------------------------------------------------------------

def requests_of(app, family_id: str, section: str | None = None) -> list:
    requests = app.portal.families.read(family_id).table("requests").all()
    return [r for r in requests if section is None or r["section"] == section]


def newest(app, family_id: str, section: str):
    return max(requests_of(app, family_id, section), key=lambda r: r.doc_id)


def enrol(client, fields: list[tuple[str, str]]):
    page = client.get("/inscriptions/nouvelle")
    return client.post("/inscriptions/nouvelle", [("csrf_token", csrf(page))] + fields, status="*")


def declare(client, child="1", service="cantine", start="2026-12-07", end=None, reason="maladie", comment="",
            certificate=None, covers=None):
    """Send the absence form: the child and service ticked (or every 'child:service' of covers), dates, reason."""
    page = client.get("/absences/nouvelle")
    fields = [("csrf_token", csrf(page))] + [("child_service", value) for value in covers or [f"{child}:{service}"]]
    fields += [("start", start), ("end", end or start), ("reason", reason), ("comment", comment)]
    files = [("certificate",) + certificate] if certificate else []
    return client.post("/absences/nouvelle", fields, upload_files=files, status="*")


def decide(agent, family_id: str, request_id: int, verb: str = "valider", **fields):
    page = agent.get(f"/agent/demandes/{family_id}")
    return agent.post(f"/agent/demandes/{family_id}/{request_id}/{verb}", dict(fields, csrf_token=csrf(page)),
                      status="*")


def planning(client, child_id: int, month: str) -> dict[str, list[str]]:
    """Row label ('lundi 7') -> the texts of its cells, and '' -> the column headers."""
    page = client.get(f"/planning/{child_id}?mois={month}")
    table = soup(page).find("table", class_="planning")
    rows = {"": [text(th) for th in table.thead.find_all("th")][1:]}
    for row in table.tbody.find_all("tr"):
        rows[text(row.th)] = [text(td) for td in row.find_all("td")]
    return rows


def png(size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(output, "PNG")
    return output.getvalue()


def certificate_files(app, family_id: str) -> list:
    folder = app.portal.certificates.folder / family_id
    return sorted(folder.iterdir()) if folder.exists() else []


def ledger_files(app) -> dict:
    root = app.portal.documents.root / "ledgers"
    return {p.name: p.read_bytes() for p in sorted(root.iterdir())}


# --- family: enrolment ------------------------------------------------------------------------------------

def test_enrol_page_shows_the_price_of_the_family_qf_bracket(family, family_b):
    page = soup(family.get("/inscriptions/nouvelle"))
    assert "Votre quotient familial : 780 €." in text(page)
    prices = {text(row.th): text(row.find("td")) for row in page.find_all("table")[-1].tbody.find_all("tr")}
    assert prices["Restauration scolaire"] == "3,00 €"       # 601-1000 bracket
    assert prices["Accueil du soir"] == "2,10 €"
    assert prices["Accueil de loisirs du mercredi"] == "9,50 €"
    assert "QF de 0 à 600 € : 1,80 € ; QF de 601 à 1000 € : 3,00 € ; QF à partir de 1001 € : 3,85 €" in text(page)
    page_b = soup(family_b.get("/inscriptions/nouvelle"))
    prices_b = {text(row.th): text(row.find("td")) for row in page_b.find_all("table")[-1].tbody.find_all("tr")}
    assert prices_b["Restauration scolaire"] == "1,80 €"      # QF 520


def test_family_without_qf_is_told_the_highest_price_applies(demo_app, family):
    with demo_app.portal.families.transaction(FAMILY_A) as db:
        record = record_of(db)
        record["caf"]["qf"] = None
        db.table("record").update(record, doc_ids=[record.doc_id])
    page = soup(family.get("/inscriptions/nouvelle"))
    assert "Quotient familial non renseigné : le tarif le plus élevé s'applique" in text(page)
    prices = {text(row.th): text(row.find("td")) for row in page.find_all("table")[-1].tbody.find_all("tr")}
    assert prices["Restauration scolaire"] == "3,85 €"


def test_family_enrols_two_children_at_once_one_request_each(demo_app, family):
    before = len(requests_of(demo_app, FAMILY_A, "enrolment"))
    answer = enrol(family, [("children", "1"), ("children", "2"), ("service", "mercredi"),
                            ("start", "2026-12-02"), ("end", "2026-12-16")])
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/inscriptions")
    page = answer.follow()
    assert SENT in flashes(page)
    created = sorted(requests_of(demo_app, FAMILY_A, "enrolment"), key=lambda r: r.doc_id)[before:]
    assert [(r["target_id"], r["payload"]["service_id"], r["status"]) for r in created] == \
        [(1, "mercredi", "pending"), (2, "mercredi", "pending")]
    listed = text(soup(page))
    assert "Ajout — Inscription : Léa MARTIN — En attente" in listed
    assert "Ajout — Inscription : Tom MARTIN — En attente" in listed
    # The family's "Mes demandes" shows the price per day of its bracket too.
    assert "9,50 €" in text(soup(family.get("/mes-demandes")))


def test_enrol_errors_are_french_next_to_the_fields_and_keep_the_values(demo_app, family):
    before = len(requests_of(demo_app, FAMILY_A))
    page = enrol(family, [("children", "2"), ("service", ""), ("start", "2026-12-18"), ("end", "2026-12-01"),
                          ("weekdays", "1"), ("weekdays", "3")])
    assert page.status_int == 200
    assert field_error(page, "f-service-field") == "Choisissez un service."
    assert field_error(page, "f-end") == "La date de fin doit être après la date de début."
    assert "Le formulaire contient 2 erreurs. Rien n'a été enregistré" in text(soup(page).find(id="form-errors"))
    html = soup(page)
    assert [box["value"] for box in html.select("input[name=children][checked]")] == ["2"]
    assert [box["value"] for box in html.select("input[name=weekdays][checked]")] == ["1", "3"]
    assert html.find(id="f-start")["value"] == "2026-12-18" and html.find(id="f-end")["value"] == "2026-12-01"
    assert len(requests_of(demo_app, FAMILY_A)) == before


def test_enrol_in_a_period_already_over_or_when_the_service_is_closed(family):
    page = enrol(family, [("children", "1"), ("service", "cantine"), ("start", "2026-11-02"), ("end", "2026-11-30")])
    assert field_error(page, "f-end") == "La période est déjà passée."
    page = enrol(family, [("children", "1"), ("service", "cantine"), ("start", "2026-12-21"), ("end", "2026-12-31")])
    assert field_error(page, "f-start") == \
        "Le service n'est ouvert aucun de ces jours : vérifiez les dates et les jours choisis."


def test_forged_empty_weekday_on_the_enrol_form_is_not_a_server_error(family):
    page = enrol(family, [("children", "1"), ("service", "mercredi"), ("start", "2026-12-02"), ("end", "2026-12-16"),
                          ("weekdays", "")])
    assert page.status_int in (200, 303)


# --- family: absences -----------------------------------------------------------------------------------

def test_declare_absence_in_time_without_certificate(demo_app, family):
    answer = declare(family, start="2026-12-07", reason="convenance", comment="rendez-vous")
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/inscriptions")
    assert flashes(answer.follow()) == [SENT]  # declared in time: no word about late absences being billed
    request = newest(demo_app, FAMILY_A, "absence")
    # Monday 07/12: deadline Thursday 03/12 at 10:00, declared Wednesday 02/12 at 09:00 -> in time.
    assert request["payload"]["days"] == [{"date": "2026-12-07", "billed": False}]
    assert request["payload"]["certificate"] is None
    assert request["payload"]["declared_at"] == "2026-12-02T09:00:00"
    assert (request["target_id"], request["payload"]["reason"], request["payload"]["comment"]) == \
        (1, "convenance", "rendez-vous")


def test_late_absence_is_marked_billed(demo_app, family):
    # Thursday 03/12: deadline Tuesday 01/12 at 10:00 -> late. Friday 04/12: deadline today 10:00 -> in time.
    answer = declare(family, start="2026-12-03", end="2026-12-04")
    assert answer.status_int == 303
    assert flashes(answer.follow()) == [SENT + " Attention : 1 jour signalé après le délai de prévenance reste "
                                               "facturé, sauf décision de la mairie."]
    request = newest(demo_app, FAMILY_A, "absence")
    assert request["payload"]["days"] == [{"date": "2026-12-03", "billed": True},
                                          {"date": "2026-12-04", "billed": False}]
    rows = {c["label"]: c["after"] for c in request["changes"]}
    assert rows["Jours réservés concernés"] == "2 jours, dont 1 hors délai (facturé sauf décision de la mairie)"


def test_absence_with_pdf_certificate_is_kept_and_served_to_the_family_and_the_agent(demo_app, family, agent):
    assert declare(family, certificate=("certificat.pdf", PDF)).status_int == 303
    request = newest(demo_app, FAMILY_A, "absence")
    name = request["payload"]["certificate"]
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", name)
    served = family.get(f"/absences/{request.doc_id}/justificatif")
    assert served.content_type == "application/pdf" and served.body == PDF
    assert served.headers["Content-Disposition"].startswith("attachment")
    card = soup(agent.get(f"/agent/demandes/{FAMILY_A}")).find(id=f"demande-{request.doc_id}")
    link = card.find("a", string="Voir le justificatif")
    assert link["href"] == f"/agent/demandes/{FAMILY_A}/{request.doc_id}/justificatif"
    assert agent.get(link["href"]).body == PDF


def test_absence_with_image_certificate_is_reencoded_as_jpeg(demo_app, family):
    assert declare(family, certificate=("photo-certificat.png", png())).status_int == 303
    request = newest(demo_app, FAMILY_A, "absence")
    assert request["payload"]["certificate"].endswith(".jpg")
    served = family.get(f"/absences/{request.doc_id}/justificatif")
    assert served.content_type == "image/jpeg" and served.body[:3] == b"\xff\xd8\xff"


CERTIFICATE_REFUSED = ("Justificatif refusé : envoyez un PDF, ou une photo JPEG ou PNG, de 5 Mo au plus. "
                       "Choisissez de nouveau le fichier.")


@pytest.mark.parametrize("filename, content, message", [
    ("certificat.txt", b"Je certifie que l'enfant est malade.",
     CERTIFICATE_REFUSED),
    ("certificat.gif", b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
                       b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;",
     CERTIFICATE_REFUSED),
])
def test_other_certificate_files_are_refused_in_french_with_nothing_stored(demo_app, family, filename, content,
                                                                           message):
    before = len(requests_of(demo_app, FAMILY_A))
    page = declare(family, start="2026-12-10", reason="maladie", comment="grippe", certificate=(filename, content))
    assert page.status_int == 200
    assert field_error(page, "f-certificate") == message
    html = soup(page)
    assert [box["value"] for box in html.select("input[name=child_service][checked]")] == ["1:cantine"]
    assert html.find(id="f-reason").find("option", selected=True)["value"] == "maladie"
    assert html.find(id="f-start")["value"] == "2026-12-10" and html.find(id="f-comment")["value"] == "grippe"
    assert len(requests_of(demo_app, FAMILY_A)) == before
    assert certificate_files(demo_app, FAMILY_A) == []


def test_absence_form_errors_keep_the_values(demo_app, family):
    before = len(requests_of(demo_app, FAMILY_A))
    page = declare(family, covers=["2:cantine", "1:soir"], start="2026-12-07", reason="")
    assert page.status_int == 200
    assert field_error(page, "f-reason") == "Choisissez le motif de l'absence."
    html = soup(page)
    assert [box["value"] for box in html.select("input[name=child_service][checked]")] == ["1:soir", "2:cantine"]
    page = declare(family, covers=["1:soir", "2:cantine"], start="2026-12-09")  # a Wednesday: nothing booked
    assert field_error(page, "f-start") == ("Aucun jour réservé à ces dates pour Léa à « Accueil du soir » ni pour "
                                            "Tom à « Restauration scolaire » : vérifiez les dates ou décochez ces "
                                            "services.")
    assert len(requests_of(demo_app, FAMILY_A)) == before


def test_the_absence_form_lists_each_child_with_only_the_services_it_is_enrolled_in(family):
    form = soup(family.get("/absences/nouvelle")).find("form", action="/absences/nouvelle")
    offered = {text(fieldset.legend): [text(label) for label in fieldset.find_all("label")]
               for fieldset in form.select("fieldset.child-services")}
    assert offered == {
        "Léa MARTIN": ["Restauration scolaire (prévenir 2 jours ouvrés avant, 10:00)",
                       "Accueil du soir (prévenir 2 jours ouvrés avant, 10:00)"],
        "Tom MARTIN": ["Restauration scolaire (prévenir 2 jours ouvrés avant, 10:00)"]}
    assert [box["value"] for box in form.select("input[name=child_service]")] == ["1:cantine", "1:soir", "2:cantine"]


def test_one_declaration_for_two_children_and_two_services_is_one_request_each(demo_app, family, agent):
    before = {r.doc_id for r in requests_of(demo_app, FAMILY_A)}

    answer = declare(family, covers=["1:cantine", "1:soir", "2:cantine"], start="2026-12-07", end="2026-12-08",
                     comment="varicelle", certificate=("certificat.pdf", PDF))

    assert answer.status_int == 303
    assert flashes(answer.follow()) == ["Vos 3 demandes d'absence (une par enfant et par service) ont été transmises "
                                        "à la mairie. Elles seront prises en compte après validation."]
    created = sorted((r for r in requests_of(demo_app, FAMILY_A) if r.doc_id not in before), key=lambda r: r.doc_id)
    assert [(r["target_label"], r["payload"]["service_id"], r["payload"]["start"], r["payload"]["end"])
            for r in created] == [("Léa MARTIN", "cantine", "2026-12-07", "2026-12-08"),
                                  ("Léa MARTIN", "soir", "2026-12-07", "2026-12-08"),
                                  ("Tom MARTIN", "cantine", "2026-12-07", "2026-12-08")]
    names = [r["payload"]["certificate"] for r in created]
    assert len(set(names)) == 3 and sorted(p.name for p in certificate_files(demo_app, FAMILY_A)) == sorted(names)
    for request in created:  # each request serves its own copy
        assert family.get(f"/absences/{request.doc_id}/justificatif").body == PDF

    assert decide(agent, FAMILY_A, created[0].doc_id).status_int == 303                       # the agent decides each
    refused = decide(agent, FAMILY_A, created[1].doc_id, "annuler", motif="Pas d'accueil du soir ce jour-là")
    assert refused.status_int == 303
    statuses = {r.doc_id: r["status"] for r in requests_of(demo_app, FAMILY_A)}
    assert [statuses[r.doc_id] for r in created] == ["validated", "cancelled", "pending"]
    assert sorted(p.name for p in certificate_files(demo_app, FAMILY_A)) == sorted([names[0], names[2]])


def test_a_declaration_with_a_forged_or_no_service_stores_nothing(demo_app, family):
    before = len(requests_of(demo_app, FAMILY_A))
    forged = declare(family, covers=["1:cantine", "2:soir"])  # Tom is not enrolled in the evenings
    assert field_error(forged, "f-child_service") == "Cochez seulement des services auxquels vos enfants sont inscrits."
    nothing = declare(family, covers=[""])
    assert field_error(nothing, "f-child_service") == "Cochez au moins un service pour l'un de vos enfants."
    assert len(requests_of(demo_app, FAMILY_A)) == before


# --- family: planning ---------------------------------------------------------------------------------------

def test_planning_shows_booked_absent_and_closed_days(demo_app, family, agent):
    declare(family, start="2026-12-07")
    assert decide(agent, FAMILY_A, newest(demo_app, FAMILY_A, "absence").doc_id).status_int == 303
    rows = planning(family, 1, "2026-12")
    assert rows[""] == ["Restauration scolaire", "Accueil du soir"]
    assert rows["mardi 1"] == ["réservé", "réservé"]
    assert rows["mercredi 2"] == ["", ""]                # no canteen nor evening care on Wednesdays: blank
    assert rows["samedi 5"] == ["", ""]                  # weekends: blank
    assert rows["lundi 7"] == ["absent", "réservé"]      # the absence concerns the canteen only
    assert rows["lundi 21"] == ["fermé", "fermé"]        # Christmas holidays
    assert len(rows) == 1 + 31


def test_planning_of_november_shows_the_demo_absence_and_11_november(family):
    rows = planning(family, 1, "2026-11")
    assert rows["lundi 16"] == ["absent", "réservé"] and rows["mardi 17"] == ["absent", "réservé"]
    assert rows["mercredi 11"] == ["", ""] and rows["jeudi 12"] == ["réservé", "réservé"]
    tom = planning(family, 2, "2026-11")
    assert tom[""] == ["Restauration scolaire"] and tom["lundi 16"] == ["réservé"]


def test_planning_defaults_to_this_month_and_links_the_neighbours(family):
    page = soup(family.get("/planning/1"))
    assert text(page.h1) == "Planning de Léa — décembre 2026"
    hrefs = [a["href"] for a in page.select("p.actions a")]
    assert hrefs == ["/planning/1?mois=2026-11", "/planning/1?mois=2027-01", "/planning/2?mois=2026-12"]
    assert page.find("table", class_="planning").caption


@pytest.mark.parametrize("url", ["/planning/9", "/planning/1?mois=2026-13", "/planning/1?mois=décembre",
                                 "/planning/1?mois=2026-1"])
def test_planning_of_an_unknown_child_or_month_is_404(family, url):
    assert family.get(url, status="*").status_int == 404


# --- agent: decisions -----------------------------------------------------------------------------------------

def christmas_holidays_for_olivia(family_b):
    answer = enrol(family_b, [("children", "1"), ("service", "vacances-noel"), ("start", "2026-12-21"),
                              ("end", "2027-01-01")])
    assert answer.status_int == 303


def test_agent_validates_an_enrolment_and_the_family_sees_it(demo_app, agent, family_b):
    christmas_holidays_for_olivia(family_b)
    request = newest(demo_app, FAMILY_B, "enrolment")
    answer = decide(agent, FAMILY_B, request.doc_id)
    assert answer.status_int == 303
    assert "Demande validée : la fiche de la famille est mise à jour." in flashes(answer.follow())
    page = soup(family_b.get("/inscriptions"))
    olivia = page.find(id="h-child-1").find_parent("section")
    assert "Vacances de Noël du 21/12/2026 au 01/01/2027" in text(olivia)
    rows = planning(family_b, 1, "2026-12")
    assert rows["lundi 21"][rows[""].index("Vacances de Noël")] == "réservé"
    assert rows["vendredi 25"][rows[""].index("Vacances de Noël")] == "fermé"


def test_agent_refuses_with_a_reason_the_family_reads(demo_app, agent, family_b):
    christmas_holidays_for_olivia(family_b)
    request = newest(demo_app, FAMILY_B, "enrolment")
    answer = decide(agent, FAMILY_B, request.doc_id, "annuler", motif="Plus de place pendant les vacances de Noël.")
    assert "Demande annulée." in flashes(answer.follow())
    assert "Annulée : Plus de place pendant les vacances de Noël." in text(soup(family_b.get("/inscriptions")))
    assert not demo_app.portal.families.read(FAMILY_B).table("enrolments").search(
        lambda e: e["service_id"] == "vacances-noel")


def test_overlapping_enrolment_is_refused_with_the_reason_and_stays_pending(demo_app, family, agent):
    enrol(family, [("children", "1"), ("service", "cantine"), ("start", "2026-12-03"), ("end", "2026-12-18"),
                   ("weekdays", "3")])
    request = newest(demo_app, FAMILY_A, "enrolment")
    page = decide(agent, FAMILY_A, request.doc_id).follow()
    assert ("Inscription impossible : elle chevauche l'inscription existante du 01/09/2026 au 03/07/2027 au même "
            "service.") in flashes(page)
    assert newest(demo_app, FAMILY_A, "enrolment")["status"] == "pending"
    assert soup(page).find(id=f"demande-{request.doc_id}") is not None  # still there to be cancelled


def test_agent_sees_the_billing_choice_only_on_absences(demo_app, family, agent):
    declare(family, start="2026-12-07")
    page = soup(agent.get(f"/agent/demandes/{FAMILY_A}"))
    absence = newest(demo_app, FAMILY_A, "absence")
    card = page.find(id=f"demande-{absence.doc_id}")
    options = [(o["value"], text(o)) for o in card.find("select", attrs={"name": "facturation"}).find_all("option")]
    assert options == [("auto", "Selon le délai de prévenance"),
                       ("free", "Ne pas facturer (ex. maladie avec certificat)"), ("bill", "Facturer tous les jours")]
    assert card.find("label", attrs={"for": f"facturation-{absence.doc_id}"})
    parent_card = page.find(id="demande-1")
    assert parent_card.find("select") is None


@pytest.mark.parametrize("choice, start, expected", [
    ("auto", "2026-12-03", [True]),     # late, billed as declared
    ("free", "2026-12-03", [False]),    # late but waived
    ("bill", "2026-12-07", [True]),     # in time but billed anyway
    ("auto", "2026-12-07", [False]),
])
def test_agent_billing_choice_decides_the_absence(demo_app, family, agent, choice, start, expected):
    declare(family, start=start)
    request = newest(demo_app, FAMILY_A, "absence")
    assert decide(agent, FAMILY_A, request.doc_id, facturation=choice).status_int == 303
    absence = next(a for a in demo_app.portal.families.read(FAMILY_A).table("absences").all()
                   if a["request_id"] == request.doc_id)
    assert [d["billed"] for d in absence["days"]] == expected and absence["billing_choice"] == choice
    rows = [text(tr) for tr in soup(family.get("/inscriptions")).find_all("tr")]
    assert f"Léa Restauration scolaire du {start[8:]}/12/2026 au {start[8:]}/12/2026 Maladie " \
           f"{sum(expected)} sur 1 —" in rows  # no certificate sent


def test_htmx_validation_of_an_absence_swaps_the_card(demo_app, family, agent):
    declare(family, child="2", start="2026-12-03", end="2026-12-04")  # Tom, late on the 3rd, in time on the 4th
    absence = newest(demo_app, FAMILY_A, "absence")
    page = agent.get(f"/agent/demandes/{FAMILY_A}")
    answer = agent.post(f"/agent/demandes/{FAMILY_A}/{absence.doc_id}/valider",
                        {"csrf_token": csrf(page), "facturation": "free"}, headers={"HX-Request": "true"})
    assert answer.status_int == 200 and "<html" not in answer.text
    card = soup(answer).find(id=f"demande-{absence.doc_id}")
    assert "Validée" in text(card)
    (stored,) = [a for a in demo_app.portal.families.read(FAMILY_A).table("absences").all()
                 if a["request_id"] == absence.doc_id]
    assert [d["billed"] for d in stored["days"]] == [False, False]


def test_unknown_billing_choice_does_not_waive_the_absence(demo_app, family, agent):
    declare(family, start="2026-12-03")  # late: billed
    request = newest(demo_app, FAMILY_A, "absence")
    decide(agent, FAMILY_A, request.doc_id, facturation="gratuit")
    absences = [a for a in demo_app.portal.families.read(FAMILY_A).table("absences").all()
                if a["request_id"] == request.doc_id]
    assert absences == [] or [d["billed"] for d in absences[0]["days"]] == [True]


# --- agent: billing run ---------------------------------------------------------------------------------------

# December 2026 for the demo commune. School days Mon/Tue/Thu/Fri from Tue 1 to Fri 18 (no closed date):
# 1, 3, 4, 7, 8, 10, 11, 14, 15, 17, 18 = 11 days; Wednesdays 2, 9, 16 = 3 days. No absence in December.
#   770400070 (QF 780): Léa canteen 11 x 3,00 = 33,00; Léa evening 11 x 2,10 = 23,10; Tom canteen 11 x 3,00 = 33,00
#                       -> 89,10 €
#   770400080 (QF 520): Olivia canteen 11 x 1,80 = 19,80; Ahmed canteen 19,80; Ahmed morning 11 x 1,20 = 13,20
#                       -> 52,80 €
#   770400090 (QF 1150): Inès Wednesday 3 x 12,00 = 36,00 €
# Per service: canteen 33 + 33 + 19,80 + 19,80 = 105,60; evening 23,10; morning 13,20; Wednesday 36,00.
# Total 89,10 + 52,80 + 36,00 = 177,90 €.
DECEMBER_TOTALS = {"Accueil de loisirs du mercredi": "36,00 €", "Accueil du matin": "13,20 €",
                   "Accueil du soir": "23,10 €", "Restauration scolaire": "105,60 €"}
DECEMBER_INVOICES = {FAMILY_A: 8910, FAMILY_B: 5280, FAMILY_C: 3600}


def test_billing_preview_matches_the_hand_computed_month_and_writes_nothing(demo_app, agent):
    before = ledger_files(demo_app)
    page = soup(agent.get("/agent/facturation?mois=2026-12"))
    assert text(page.find("h2")) == "Aperçu pour décembre 2026"
    assert "3 factures à créer, pour un total de 177,90 €." in text(page).replace(" .", ".")
    tables = page.find_all("table")
    assert {text(r.th): text(r.td) for r in tables[0].tbody.find_all("tr")} == DECEMBER_TOTALS
    by_family = {text(r.find_all("td")[0]): text(r.find_all("td")[2]) for r in tables[1].tbody.find_all("tr")}
    assert by_family == {FAMILY_A: "89,10 €", FAMILY_B: "52,80 €", FAMILY_C: "36,00 €"}
    assert "Léa — Restauration scolaire × 11; Léa — Accueil du soir × 11; Tom — Restauration scolaire × 11" in \
        text(tables[1])
    assert text(page.find("button", string=re.compile("Créer"))) == "Créer les 3 factures"
    assert ledger_files(demo_app) == before


def test_billing_run_creates_the_invoices_once(demo_app, agent, family):
    page = agent.get("/agent/facturation?mois=2026-12")
    form = {"csrf_token": csrf(page), "mois": "2026-12", "issued_on": "2027-01-04", "due_on": "2027-01-25"}
    answer = agent.post("/agent/facturation", form)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/facturation?mois=2026-12")
    page = answer.follow()
    assert ("3 factures créées pour 2026-12. Les familles déjà facturées pour ce mois ont été laissées de côté."
            in flashes(page))
    assert "0 facture à créer, pour un total de 0,00 €. 3 familles déjà facturées pour ce mois seront " \
           "laissées de côté. Rien à facturer pour ce mois." in text(soup(page)).replace(" .", ".")
    for family_id, total in DECEMBER_INVOICES.items():
        ledger = demo_app.portal.families.read_ledger(family_id)
        (invoice,) = [i for i in ledger.table("invoices").all() if i["billing_month"] == "2026-12"]
        assert invoice["total_cents"] == total and invoice["issued_on"] == "2027-01-04"
    # The solde antérieur of family A: November's invoices (demo) not fully paid.
    ledger = demo_app.portal.families.read_ledger(FAMILY_A)
    earlier = [i for i in ledger.table("invoices").all() if i["billing_month"] != "2026-12"]
    paid = sum(p["amount_cents"] for p in ledger.table("payments").all())
    (december,) = [i for i in ledger.table("invoices").all() if i["billing_month"] == "2026-12"]
    assert december["previous_balance_cents"] == sum(i["total_cents"] for i in earlier) - paid > 0
    assert december["amount_due_cents"] == december["previous_balance_cents"] + 8910
    assert december["number"] in text(soup(family.get("/factures")))
    # Run again: nothing more.
    before = ledger_files(demo_app)
    again = agent.post("/agent/facturation", dict(form, csrf_token=csrf(page))).follow()
    assert any(f.startswith("0 facture créée pour 2026-12.") for f in flashes(again))
    assert ledger_files(demo_app) == before


def test_month_already_billed_by_the_demo_is_not_billed_again(demo_app, agent):
    page = soup(agent.get("/agent/facturation?mois=2026-11"))
    assert "0 facture à créer" in text(page) and "3 familles déjà facturées" in text(page)


def test_billing_page_rejects_a_bad_month(demo_app, agent):
    page = agent.get("/agent/facturation?mois=2026-13")
    assert field_error(page, "f-mois") == "Mois invalide (exemple : 2026-11)."
    before = ledger_files(demo_app)
    answer = agent.post("/agent/facturation", {"csrf_token": csrf(page), "mois": "décembre", "issued_on": "2027-01-04",
                                               "due_on": "2027-01-25"}).follow()
    assert "Mois ou dates invalides." in flashes(answer)
    answer = agent.post("/agent/facturation", {"csrf_token": csrf(page), "mois": "2026-12", "issued_on": "04/01/2027",
                                               "due_on": ""}).follow()
    assert "Mois ou dates invalides." in flashes(answer)
    assert ledger_files(demo_app) == before


def test_billing_page_without_month_shows_no_preview(agent):
    page = soup(agent.get("/agent/facturation"))
    assert page.find(id="f-mois")["value"] and page.find("h2") is None


def test_family_cannot_open_the_billing_run(family):
    assert family.get("/agent/facturation", status="*").headers["Location"].endswith("/agent/connexion")


# --- module on / off ------------------------------------------------------------------------------------------

def set_modules(agent, **modules):
    page = agent.get("/agent/parametres")
    fields = {name: value for name, value in form_fields(page.text, "/agent/parametres").items()
              if name not in modules}  # the whole form as the browser sends it, the modules' boxes as asked
    fields.update({key: "1" for key, on in modules.items() if on})
    answer = agent.post("/agent/parametres", fields)
    assert answer.status_int == 303
    assert "Paramètres enregistrés." in flashes(answer.follow())


FAMILY_MODULE_URLS = [("GET", "/inscriptions"), ("GET", "/inscriptions/nouvelle"), ("POST", "/inscriptions/nouvelle"),
                      ("GET", "/absences/nouvelle"), ("POST", "/absences/nouvelle"), ("GET", "/planning/1"),
                      ("GET", "/planning/1?mois=2026-11"), ("GET", "/absences/{absence}/justificatif")]
AGENT_MODULE_URLS = [("GET", "/agent/facturation"), ("GET", "/agent/facturation?mois=2026-12"),
                     ("POST", "/agent/facturation")]


def test_the_module_urls_listed_here_are_all_the_module_routes(demo_app):
    rules = {r.rule for r in demo_app.routes
             if re.match(r"^/(inscriptions|absences|planning|agent/facturation)", r.rule)}
    listed = {re.sub(r"\?.*", "", url) for _, url in FAMILY_MODULE_URLS + AGENT_MODULE_URLS}
    assert {re.sub(r"<[^>]+>", "x", r) for r in rules} == {re.sub(r"/(1|\{absence\})(/|$)", r"/x\2", u)
                                                            for u in listed}


def hit(client, method, url, token):
    if method == "GET":
        return client.get(url, status="*")
    return client.post(url, {"csrf_token": token, "mois": "2026-12", "issued_on": "2027-01-04",
                             "due_on": "2027-01-25", "children": "1", "service": "cantine", "start": "2026-12-07",
                             "end": "2026-12-07", "child": "1", "reason": "maladie"}, status="*")


def test_module_off_every_page_is_404_no_link_and_the_data_is_kept(demo_app, family, agent):
    declare(family, start="2026-12-07", certificate=("c.pdf", PDF))
    absence = newest(demo_app, FAMILY_A, "absence").doc_id
    enrolments_before = demo_app.portal.families.read(FAMILY_A).table("enrolments").all()
    set_modules(agent, enrolments=False, payment=True)
    assert demo_app.portal.settings["modules"] == {"enrolments": False, "payment": True}

    family_token, agent_token = csrf(family.get("/accueil")), csrf(agent.get("/agent"))
    before = ledger_files(demo_app)
    requests_before = len(requests_of(demo_app, FAMILY_A))
    wrong = []
    for client, token, urls in ((family, family_token, FAMILY_MODULE_URLS), (agent, agent_token, AGENT_MODULE_URLS)):
        for method, url in urls:
            answer = hit(client, method, url.format(absence=absence), token)
            if answer.status_int != 404:
                wrong.append(f"{method} {url} -> {answer.status}")
    assert wrong == []
    assert ledger_files(demo_app) == before and len(requests_of(demo_app, FAMILY_A)) == requests_before
    assert not soup(family.get("/accueil")).select('a[href^="/inscriptions"], a[href^="/planning"]')
    assert not soup(agent.get("/agent")).select('a[href^="/agent/facturation"]')
    assert "Inscriptions" not in text(soup(family.get("/accueil")).nav)
    assert demo_app.portal.families.read(FAMILY_A).table("enrolments").all() == enrolments_before

    set_modules(agent, enrolments=True, payment=True)
    assert soup(family.get("/accueil")).select('nav a[href="/inscriptions"]')
    assert soup(agent.get("/agent")).select('nav a[href="/agent/facturation"]')
    assert planning(family, 1, "2026-12")["mardi 1"] == ["réservé", "réservé"]
    assert family.get(f"/absences/{absence}/justificatif").body == PDF


def test_settings_page_shows_the_modules_state(agent):
    html = soup(agent.get("/agent/parametres"))
    modules = ("enrolments", "payment")
    boxes = {box["name"]: box.has_attr("checked") for box in html.select("fieldset input[type=checkbox]")
             if box["name"] in modules}
    assert boxes == {"enrolments": True, "payment": True}
    set_modules(agent, enrolments=False, payment=False)
    html = soup(agent.get("/agent/parametres"))
    assert {box["name"]: box.has_attr("checked") for box in html.select("fieldset input[type=checkbox]")
            if box["name"] in modules} == {"enrolments": False, "payment": False}


def test_module_off_agent_certificate_url_is_404_too(demo_app, family, agent):
    declare(family, start="2026-12-07", certificate=("c.pdf", PDF))
    absence = newest(demo_app, FAMILY_A, "absence").doc_id
    set_modules(agent, enrolments=False, payment=True)
    assert agent.get(f"/agent/demandes/{FAMILY_A}/{absence}/justificatif", status="*").status_int == 404


# --- agent: the service catalogue -----------------------------------------------------------------------------

def service_form(agent, url, **fields):
    page = agent.get(url)
    values = [("csrf_token", csrf(page))]
    for name, value in fields.items():
        values += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    return agent.post(url, values, status="*")


GARDERIE = {"id": "garderie", "name": "Garderie du midi", "weekdays": ["0", "1", "3", "4"],
            "periods": "02/11/2026 - 18/12/2026", "closed_dates": "", "brackets": "700 ; 0,50\n; 1,00",
            "notice_working_days": "1", "notice_time": "08:30", "active": "1"}


def test_agent_adds_a_service_offered_to_families_at_their_price(demo_app, agent, family):
    form = agent.get("/agent/services/nouveau")
    html = soup(form)
    assert html.find(id="f-notice_working_days")["value"] == "2" and html.find(id="f-notice_time")["value"] == "10:00"
    answer = service_form(agent, "/agent/services/nouveau", **GARDERIE)
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/parametres")
    page = answer.follow()
    assert "Service « Garderie du midi » enregistré." in flashes(page)
    row = soup(page).find("a", href="/agent/services/garderie").find_parent("tr")
    assert text(row) == "Garderie du midi lundi, mardi, jeudi, vendredi 0,50 € / 1,00 € 1 jour ouvré avant, " \
                        "08:30 proposé"
    stored = demo_app.portal.services.get("garderie")
    assert stored["brackets"] == [{"qf_max": 700, "price_cents": 50}, {"qf_max": None, "price_cents": 100}]
    enrol_page = soup(family.get("/inscriptions/nouvelle"))
    assert enrol_page.find(id="f-service").find("option", value="garderie")
    prices = {text(r.th): text(r.find("td")) for r in enrol_page.find_all("table")[-1].tbody.find_all("tr")}
    assert prices["Garderie du midi"] == "1,00 €"  # QF 780 > 700
    assert "Garderie du midi" not in text(soup(family.get("/absences/nouvelle")))  # no child is enrolled in it yet


def test_a_new_service_is_closed_on_public_holidays_unless_the_agent_unticks_the_box(demo_app, agent):
    box = soup(agent.get("/agent/services/nouveau")).find("input", attrs={"name": "add_holidays"})
    assert box.has_attr("checked")

    answer = service_form(agent, "/agent/services/nouveau", **dict(GARDERIE, periods="04/01/2027 - 02/07/2027",
                                                                    closed_dates="02/04/2027", add_holidays="1"))

    assert answer.status_int == 303
    assert demo_app.portal.services.get("garderie")["closed_dates"] == [
        "2027-03-29", "2027-04-02", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17"]
    shown = soup(agent.get("/agent/services/garderie"))
    assert "06/05/2027" in shown.find(id="f-closed_dates").text
    assert not shown.find("input", attrs={"name": "add_holidays"}).has_attr("checked")
    assert "Le service est déjà fermé tous les jours fériés de ses périodes." in text(shown)


def test_the_agent_opens_a_service_on_a_public_holiday_and_adds_them_again_with_the_box(demo_app, agent):
    service_form(agent, "/agent/services/nouveau", **dict(GARDERIE, periods="04/01/2027 - 02/07/2027",
                                                          add_holidays="1"))
    html = soup(agent.get("/agent/services/garderie"))
    fields = {"name": html.find(id="f-name")["value"], "weekdays": GARDERIE["weekdays"],
              "periods": html.find(id="f-periods").text, "brackets": html.find(id="f-brackets").text,
              "closed_dates": html.find(id="f-closed_dates").text.replace("06/05/2027\n", ""),  # open on Ascension
              "notice_working_days": "1", "notice_time": "08:30", "active": "1"}

    assert service_form(agent, "/agent/services/garderie", **fields).status_int == 303

    assert "2027-05-06" not in demo_app.portal.services.get("garderie")["closed_dates"]
    hint = text(soup(agent.get("/agent/services/garderie")).find(id="add_holidays-hint"))
    assert "Jours fériés où le service n'est pas fermé : 06/05/2027 (Ascension)." in hint
    assert service_form(agent, "/agent/services/garderie", **dict(fields, add_holidays="1")).status_int == 303
    assert "2027-05-06" in demo_app.portal.services.get("garderie")["closed_dates"]


def test_service_form_errors_are_french_and_keep_the_values(demo_app, agent):
    answer = service_form(agent, "/agent/services/nouveau", **dict(
        GARDERIE, id="cantine", name="", weekdays=[], periods="18/12/2026 - 02/11/2026",
        brackets="700 ; 0,50\n300 ; 0,40\n; 1,00", notice_time="8h30"))
    assert answer.status_int == 200
    assert field_error(answer, "f-id") == \
        "Identifiant invalide ou déjà utilisé : lettres minuscules, chiffres et tirets."
    assert field_error(answer, "f-name") == "Ce champ est obligatoire."
    assert field_error(answer, "f-weekdays") == "Cochez au moins un jour d'ouverture."
    assert field_error(answer, "f-periods") == \
        "Période invalide : « 18/12/2026 - 02/11/2026 » (JJ/MM/AAAA - JJ/MM/AAAA)."
    assert field_error(answer, "f-brackets") == \
        "Les QF maximum doivent être croissants, et seule la dernière tranche en est dépourvue."
    assert field_error(answer, "f-notice_time") == "Heure invalide (format HH:MM, exemple : 10:00)."
    html = soup(answer)
    assert html.find(id="f-periods").text == "18/12/2026 - 02/11/2026"
    assert html.find(id="f-brackets").text == "700 ; 0,50\n300 ; 0,40\n; 1,00"
    assert html.find(id="f-notice_time")["value"] == "8h30"
    assert "Le formulaire contient 6 erreurs" in text(html.find(id="form-errors"))
    assert demo_app.portal.services.get("cantine")["name"] == "Restauration scolaire"
    answer = service_form(agent, "/agent/services/nouveau", **dict(GARDERIE, brackets="700 ; 0,50"))
    assert field_error(answer, "f-brackets") == "La dernière tranche n'a pas de QF maximum (exemple : « ; 3,85 »)."


def test_agent_edits_a_service_the_form_round_trips_and_prices_change(demo_app, agent, family):
    before = demo_app.portal.services.get("cantine")
    html = soup(agent.get("/agent/services/cantine"))
    assert html.find(id="f-id") is None  # the id of an existing service is fixed
    fields = {"name": html.find(id="f-name")["value"],
              "weekdays": [b["value"] for b in html.select("input[name=weekdays][checked]")],
              "periods": html.find(id="f-periods").text, "closed_dates": html.find(id="f-closed_dates").text,
              "brackets": html.find(id="f-brackets").text,
              "notice_working_days": html.find(id="f-notice_working_days")["value"],
              "notice_time": html.find(id="f-notice_time")["value"], "active": "1"}
    assert fields["brackets"] == "600 ; 1,80\n1000 ; 3,00\n ; 3,85"
    assert service_form(agent, "/agent/services/cantine", **fields).status_int == 303
    assert demo_app.portal.services.get("cantine") == before  # saved unchanged
    answer = service_form(agent, "/agent/services/cantine", **dict(fields, brackets="600 ; 1,80\n1000 ; 3,20\n; 3,85"))
    assert answer.status_int == 303
    prices = {text(r.th): text(r.find("td"))
              for r in soup(family.get("/inscriptions/nouvelle")).find_all("table")[-1].tbody.find_all("tr")}
    assert prices["Restauration scolaire"] == "3,20 €"


def test_withdrawn_service_is_no_longer_offered_but_stays_listed(demo_app, agent, family):
    html = soup(agent.get("/agent/services/matin"))
    fields = {"name": html.find(id="f-name")["value"],
              "weekdays": [b["value"] for b in html.select("input[name=weekdays][checked]")],
              "periods": html.find(id="f-periods").text, "closed_dates": html.find(id="f-closed_dates").text,
              "brackets": html.find(id="f-brackets").text, "notice_working_days": "2", "notice_time": "10:00"}
    assert service_form(agent, "/agent/services/matin", **fields).status_int == 303  # "active" unchecked
    row = soup(agent.get("/agent/parametres")).find("a", href="/agent/services/matin").find_parent("tr")
    assert text(row).endswith("retiré")
    assert soup(family.get("/inscriptions/nouvelle")).find(id="f-service").find("option", value="matin") is None
    page = enrol(family, [("children", "1"), ("service", "matin"), ("start", "2026-12-03"), ("end", "2026-12-18")])
    assert field_error(page, "f-service-field") == "Choisissez un service."


def test_unknown_service_is_404_and_new_service_page_exists(agent):
    assert agent.get("/agent/services/piscine", status="*").status_int == 404
    assert agent.get("/agent/services/nouveau").status_int == 200


def test_forged_empty_weekday_on_the_service_form_is_not_a_server_error(agent):
    answer = service_form(agent, "/agent/services/nouveau", **dict(GARDERIE, weekdays=["0", ""]))
    assert answer.status_int in (200, 303)


# --- security -------------------------------------------------------------------------------------------------

def test_family_cannot_enrol_or_declare_for_a_child_that_is_not_its_own(demo_app, family):
    before = len(requests_of(demo_app, FAMILY_A))
    for forged in ("3", "99", "-1", "1 OR 1=1"):
        page = enrol(family, [("children", forged), ("service", "cantine"), ("start", "2026-12-03"),
                              ("end", "2026-12-18")])
        assert field_error(page, "f-children") == "Choisissez au moins un de vos enfants."
        page = enrol(family, [("children", "1"), ("children", forged), ("service", "cantine"),
                              ("start", "2026-12-03"), ("end", "2026-12-18")])
        assert field_error(page, "f-children") == "Choisissez au moins un de vos enfants."
        page = declare(family, child=forged)
        assert field_error(page, "f-child_service") == "Cochez seulement des services auxquels vos enfants sont inscrits."
    assert family.get("/planning/3", status="*").status_int == 404
    assert len(requests_of(demo_app, FAMILY_A)) == before
    for other in (FAMILY_B, FAMILY_C):  # their files are untouched
        assert all(r["created_by"] == other for r in requests_of(demo_app, other))


def test_family_cannot_fetch_another_family_certificate(demo_app, family, family_b):
    secret = PDF.replace(b"Catalog", b"Secret!")
    assert declare(family_b, child="2", service="matin", start="2026-12-07", certificate=("b.pdf", secret)) \
        .status_int == 303
    rid = newest(demo_app, FAMILY_B, "absence").doc_id
    assert family.get(f"/absences/{rid}/justificatif", status="*").status_int == 404
    # Family A's own certificate: whatever request number it gets (each family file numbers its own requests, so
    # numbers collide across families), A's URLs serve A's file or nothing, never B's.
    declare(family, start="2026-12-07", certificate=("a.pdf", PDF))
    own = newest(demo_app, FAMILY_A, "absence").doc_id
    for number in range(1, max(rid, own) + 3):
        answer = family.get(f"/absences/{number}/justificatif", status="*")
        assert answer.status_int == 404 or (number == own and answer.body == PDF), number
    assert family_b.get(f"/absences/{rid}/justificatif").body == secret
    # Nor the agent's URL, which names the family.
    answer = family.get(f"/agent/demandes/{FAMILY_B}/{rid}/justificatif", status="*")
    assert answer.status_int == 303 and answer.headers["Location"].endswith("/agent/connexion")


def test_visitor_is_sent_to_the_login_page(demo_client):
    for url in ("/inscriptions", "/inscriptions/nouvelle", "/absences/nouvelle", "/planning/1",
                "/absences/1/justificatif"):
        answer = demo_client.get(url, status="*")
        assert answer.status_int == 303 and answer.headers["Location"].endswith("/connexion"), url
