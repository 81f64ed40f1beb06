"""The demo commune ("Ville de Démo"): three families with children, persons, health data, invoices,
payments, messages and pending requests, so that a first look shows the portal working.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from storage.agents import Agents
from storage.counters import Numbers
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import Families
from storage.ledger import add_invoice, add_payment, invoice_line
from storage.messages import post_message
from storage.passwords import hash_password
from storage.paybox import ensure_simulator_key, simulator_public_key_setting
from storage.requests import submit_request
from storage.services import Services
from storage.settings import Settings

DEMO_ACCOUNTS = {"770400070": "demo2026", "770400080": "demo2027", "770400090": "demo2028"}
DEMO_AGENT = ("agent", "agent2026")
CANTINE, MATIN, SOIR = "Restauration scolaire", "Accueil du matin", "Accueil du soir"


def _parent(title, last, first, birth, mobile, email, profession, employer, **extra):
    parent = {"title": title, "last_name": last, "first_name": first, "birth_date": birth,
              "address1": extra.pop("address1", "12 rue des Écoles"), "address2": "", "postcode": "77000",
              "city": "Démoville", "phone_home": extra.pop("phone_home", ""), "phone_mobile": mobile,
              "phone_work": "", "email": email, "profession": profession, "employer": employer}
    parent.update(extra)
    return parent


def _child(child_id, first, last, birth, sex, school, class_name, **health):
    return {
        "id": child_id, "first_name": first, "last_name": last, "birth_date": birth, "sex": sex, "photo": None,
        "extra": {"school": school, "class_name": class_name, "diet": health.pop("diet", "standard"),
                  "insurance_company": "MAIF", "insurance_policy": f"MF{child_id}448812",
                  "image_rights": True, "may_leave_alone": False},
        "health": {"doctor_name": "Dr Claire Morel", "doctor_phone": "01 64 22 33 44", "pai": False,
                   "pai_details": "", "treatments": "", "remarks": "",
                   "vaccinations": [{"name": "DTP", "date": "2024-03-12"}, {"name": "ROR", "date": "2019-05-02"}],
                   "allergies": [], **health},
    }


def demo_families() -> dict[str, dict]:
    """The demo family records by family number."""
    return {
        "770400070": {
            "parent1": _parent("Mme", "MARTIN", "Sophie", "1986-04-17", "06 12 34 56 78", "sophie.martin@example.fr",
                               "Infirmière", "Hôpital de Démoville", phone_home="01 60 12 34 56"),
            "parent2": _parent("M.", "MARTIN", "Karim", "1984-09-02", "06 98 76 54 32", "karim.martin@example.fr",
                               "Technicien", "Transports Dupuis"),
            "tax": {"income": 41250, "parts": "3", "year": 2025},
            "caf": {"regime": "CAF", "number": "1234567", "qf": 780, "qf_date": "2026-01-01"},
            "bank": {"holder": "Sophie MARTIN", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"},
            "persons": [{"id": 1, "last_name": "DUPONT", "first_name": "Jeanne", "relationship": "Grand-mère",
                         "phone_mobile": "06 55 44 33 22", "phone_home": "", "may_pick_up": True,
                         "emergency_contact": True, "children": ["1", "2"]}],
            "children": [
                _child(1, "Léa", "MARTIN", "2017-06-21", "F", "École Jules Ferry", "CE2",
                       allergies=[{"allergen": "Arachide", "consequence": "Œdème, gêne respiratoire",
                                   "action": "Appeler le 15, stylo d'adrénaline dans le sac"}], pai=True,
                       pai_details="PAI alimentaire : panier repas fourni par la famille.", diet="pai"),
                _child(2, "Tom", "MARTIN", "2020-02-09", "M", "École maternelle Les Tilleuls", "Moyenne section"),
            ],
        },
        "770400080": {
            "parent1": _parent("Mme", "ABDEL", "Nadia", "1990-11-30", "07 11 22 33 44", "nadia.abdel@example.fr",
                               "Comptable", "Cabinet Lemaire", address1="4 allée des Cerisiers"),
            "parent2": None,
            "tax": {"income": 23900, "parts": "2,5", "year": 2025},
            "caf": {"regime": "CAF", "number": "7654321", "qf": 520, "qf_date": "2026-01-01"},
            "bank": {"holder": "Nadia ABDEL", "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR"},
            "persons": [{"id": 1, "last_name": "ABDEL", "first_name": "Youssef", "relationship": "Oncle",
                         "phone_mobile": "06 01 02 03 04", "phone_home": "", "may_pick_up": True,
                         "emergency_contact": False, "children": ["1", "2"]}],
            "children": [
                _child(1, "Olivia", "ABDEL", "2016-03-14", "F", "École Jules Ferry", "CM1"),
                _child(2, "Ahmed", "ABDEL", "2019-08-25", "M", "École Jules Ferry", "CP", diet="sans_porc"),
            ],
        },
        "770400090": {
            "parent1": _parent("M.", "LEROY", "Julien", "1982-01-08", "06 45 67 89 01", "julien.leroy@example.fr",
                               "Boulanger", "Boulangerie Leroy", address1="8 chemin du Moulin"),
            "parent2": _parent("Mme", "LEROY", "Camille", "1985-07-19", "06 23 45 67 89", "camille.leroy@example.fr",
                               "Professeure", "Éducation nationale", address1="8 chemin du Moulin"),
            "tax": {"income": 58700, "parts": "2,5", "year": 2025},
            "caf": {"regime": "MSA", "number": "889900", "qf": 1150, "qf_date": "2026-01-01"},
            "bank": {"holder": "Julien LEROY", "iban": "FR76 3000 4000 0312 3456 7890 143", "bic": "BNPAFRPP"},
            "persons": [],
            "children": [_child(1, "Inès", "LEROY", "2018-10-03", "F", "École Jules Ferry", "CE1")],
        },
    }


def _seed_ledger(families: Families, numbers: Numbers, family_id: str, record: dict, paid_share: list[float]) -> None:
    """Three months of invoices (September to November 2026) and the payments made on them."""
    number = {"770400070": 1, "770400080": 2, "770400090": 3}[family_id]
    numbers.reserve_invoices({f"2026-{month:02d}{number:03d}": family_id for month in (9, 10, 11)})
    for month_index, (period, share) in enumerate(zip(("2026-09", "2026-10", "2026-11"), paid_share)):
        lines = []
        for child in record["children"]:
            name = child["first_name"]
            lines.append(invoice_line(name, CANTINE, 14 + month_index, 385))
            lines.append(invoice_line(name, SOIR, 8 + month_index, 260))
            if child["id"] == 1:
                lines.append(invoice_line(name, MATIN, 6, 190))
        month = int(period[5:])
        invoice = add_invoice(families, family_id, number=f"2026-{month:02d}{number:03d}", period=period,
                              issued_on=f"2026-{month + 1:02d}-03" if month < 12 else "2027-01-03",
                              due_on=f"2026-{month + 1:02d}-25", lines=lines, billing_month=period)
        if share:
            add_payment(families, family_id, paid_on=f"2026-{month + 1:02d}-20",
                        amount_cents=round(invoice["total_cents"] * share), method="prelevement",
                        reference=f"PRLV {period}")


SCHOOL_PERIODS = [{"start": "2026-09-01", "end": "2026-10-16"}, {"start": "2026-11-02", "end": "2026-12-18"},
                  {"start": "2027-01-04", "end": "2027-02-12"}, {"start": "2027-03-01", "end": "2027-04-16"},
                  {"start": "2027-05-03", "end": "2027-07-03"}]
SCHOOL_CLOSED = ["2026-11-11", "2027-05-13", "2027-05-14"]


def _service(service_id, name, weekdays, prices, periods=SCHOOL_PERIODS, closed=SCHOOL_CLOSED, notice=2):
    return {"id": service_id, "name": name, "weekdays": weekdays, "periods": periods, "closed_dates": closed,
            "brackets": [{"qf_max": 600, "price_cents": prices[0]}, {"qf_max": 1000, "price_cents": prices[1]},
                         {"qf_max": None, "price_cents": prices[2]}],
            "notice_working_days": notice, "notice_time": "10:00", "active": True}


DEMO_SERVICES = [
    _service("cantine", CANTINE, [0, 1, 3, 4], (180, 300, 385)),
    _service("matin", MATIN, [0, 1, 3, 4], (120, 160, 190)),
    _service("soir", SOIR, [0, 1, 3, 4], (160, 210, 260)),
    _service("mercredi", "Accueil de loisirs du mercredi", [2], (600, 950, 1200)),
    _service("vacances-noel", "Vacances de Noël", [0, 1, 2, 3, 4], (800, 1200, 1500),
             periods=[{"start": "2026-12-21", "end": "2027-01-01"}], closed=["2026-12-25", "2027-01-01"], notice=5),
]
DEMO_ENROLMENTS = {"770400070": [(1, "cantine", [0, 1, 3, 4]), (1, "soir", [0, 1, 3, 4]), (2, "cantine", [0, 1, 3, 4])],
                   "770400080": [(1, "cantine", [0, 1, 3, 4]), (2, "cantine", [0, 1, 3, 4]), (2, "matin", [0, 1, 3, 4])],
                   "770400090": [(1, "mercredi", [2])]}


def _seed_enrolments(documents: DocumentStore, families: Families) -> None:
    """The enrolments module: services, the school year's enrolments and an absence already decided."""
    services = Services(documents)
    for service in DEMO_SERVICES:
        services.save(service)
    Settings(documents).save({"modules": {"enrolments": True}})
    for family_id, enrolments in DEMO_ENROLMENTS.items():
        with families.transaction(family_id) as db:
            for child_id, service_id, weekdays in enrolments:
                db.table("enrolments").insert({"schema": SCHEMA_VERSION, "child_id": child_id, "service_id": service_id,
                                               "start": "2026-09-01", "end": "2027-07-03", "weekdays": weekdays,
                                               "status": "active", "request_id": None, "created_at": "2026-08-25T10:00:00"})
            if family_id == "770400070":
                db.table("absences").insert({
                    "schema": SCHEMA_VERSION, "child_id": 1, "service_id": "cantine", "start": "2026-11-16",
                    "end": "2026-11-17", "reason": "maladie", "comment": "angine", "certificate": None,
                    "declared_at": "2026-11-16T08:10:00", "billing_choice": "free", "request_id": None,
                    "days": [{"date": "2026-11-16", "billed": False}, {"date": "2026-11-17", "billed": False}],
                    "created_at": "2026-11-16T09:00:00"})


def seed_demo(data_dir: Path) -> bool:
    """Fill an empty data folder with the demo commune; returns False (and does nothing) otherwise."""
    documents = DocumentStore(Path(data_dir))
    families = Families(documents)
    if any(True for _ in families.ids()):
        return False
    agents = Agents(documents)
    if agents.get(DEMO_AGENT[0]) is None:
        agents.create(DEMO_AGENT[0], "Marie Agent", hash_password(DEMO_AGENT[1]))
    # Online payment on, through the built-in bank simulator (no real card, no internet): Paybox's published test
    # merchant ids, a fresh secret key, and trust in the simulator's own test key (data/simulator/).
    Settings(documents).save({"modules": {"payment": True}, "paybox": {
        "site": "1999888", "rang": "32", "identifiant": "110647233", "hmac_key_hex": secrets.token_hex(64),
        "public_key_path": simulator_public_key_setting(), "simulator": True}})
    ensure_simulator_key(Path(data_dir))
    records = demo_families()
    for family_id, record in records.items():
        families.create(family_id, record, hash_password(DEMO_ACCOUNTS[family_id]))
    numbers = Numbers(documents, families)
    _seed_ledger(families, numbers, "770400070", records["770400070"], [1.0, 0.5, 0])
    _seed_ledger(families, numbers, "770400080", records["770400080"], [1.0, 1.0, 0])
    _seed_ledger(families, numbers, "770400090", records["770400090"], [1.0, 1.0, 1.2])

    post_message(families, "770400070", author="agent", author_name="Marie Agent", category="autre",
                 subject="Bienvenue sur le portail famille",
                 body="Bonjour,\nVous pouvez désormais consulter vos factures et mettre à jour vos informations en ligne.\n"
                      "Le service Enfance", created_at="2026-09-01T09:00:00")
    thread = post_message(families, "770400070", author="family", author_name="Sophie MARTIN", category="facturation",
                          subject="Prélèvement d'octobre",
                          body="Bonjour,\nLe prélèvement d'octobre n'a été que partiel, pouvez-vous me dire pourquoi ?\nMerci.",
                          created_at="2026-11-10T18:42:00")
    post_message(families, "770400070", author="agent", author_name="Marie Agent", category="facturation",
                 thread_id=thread, subject="Re: Prélèvement d'octobre",
                 body="Bonjour Madame,\nLe solde restant figure sur la facture de novembre (solde antérieur).\nCordialement.",
                 created_at="2026-11-12T10:15:00")
    post_message(families, "770400080", author="agent", author_name="Marie Agent", category="inscriptions",
                 subject="Inscriptions aux vacances de Noël",
                 body="Bonjour,\nLes inscriptions pour l'accueil de loisirs des vacances de Noël sont ouvertes jusqu'au 12 décembre.",
                 created_at="2026-11-20T08:30:00")

    submit_request(families, "770400070", "parent1", dict(records["770400070"]["parent1"], phone_mobile="06 12 00 11 22"))
    submit_request(families, "770400080", "person", {
        "last_name": "BENALI", "first_name": "Samira", "relationship": "Voisine", "phone_mobile": "06 77 88 99 00",
        "phone_home": "", "may_pick_up": True, "emergency_contact": False, "children": ["1"]},
        action="add", target_label="Samira BENALI")
    _seed_enrolments(documents, families)
    return True
