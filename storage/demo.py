"""The demo commune ("Ville de Démo"): three families with children, persons, health data, enrolments, an absence,
invoices, payments, messages and pending requests, so that a first look shows the portal working.

Everything is dated relative to the day the demo is created (storage/demo_calendar.py): the last three months of
classes already past are billed by the portal's own billing run, at the prices of the services' QF brackets and only
for the services each child is enrolled in; birth dates and vaccinations follow the children's school classes.
"""
from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from pathlib import Path

from storage import clock
from storage.agents import Agents
from storage.billing import run_billing
from storage.counters import Numbers
from storage.dates import MONTHS_FR, last_day
from storage.demo_calendar import DIRECT_DEBIT_DELAY, SCHOOL_WEEKDAYS, DemoCalendar, closed_days, issue_day
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.families import Families
from storage.ledger import add_payment
from storage.messages import post_message
from storage.passwords import hash_password
from storage.payment.paybox import ensure_simulator_key, simulator_public_key_setting
from storage.requests import submit_request
from storage.services import Services, opening_days
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
    born = date.fromisoformat(birth)
    return {
        "id": child_id, "first_name": first, "last_name": last, "birth_date": birth, "sex": sex, "photo": None,
        "extra": {"school": school, "class_name": class_name, "diet": health.pop("diet", "standard"),
                  "insurance_company": "MAIF", "insurance_policy": f"MF{child_id}448812",
                  "image_rights": True, "may_leave_alone": False},
        "health": {"doctor_name": "Dr Claire Morel", "doctor_phone": "01 64 22 33 44", "pai": False,
                   "pai_details": "", "treatments": "", "remarks": "",
                   "vaccinations": [{"name": "DTP", "date": (born + timedelta(days=61)).isoformat()},
                                    {"name": "ROR", "date": (born + timedelta(days=366)).isoformat()}],
                   "allergies": [], **health},
    }


def demo_families(calendar: DemoCalendar | None = None) -> dict[str, dict]:
    """The demo family records by family number; children born in the years that fit their school classes."""
    calendar = calendar or DemoCalendar.created_on(clock.today())
    born = calendar.birth_date
    this_year = calendar.today.year
    return {
        "770400070": {
            "parent1": _parent("Mme", "MARTIN", "Sophie", "1986-04-17", "06 12 34 56 78", "sophie.martin@example.fr",
                               "Infirmière", "Hôpital de Démoville", phone_home="01 60 12 34 56"),
            "parent2": _parent("M.", "MARTIN", "Karim", "1984-09-02", "06 98 76 54 32", "karim.martin@example.fr",
                               "Technicien", "Transports Dupuis"),
            "tax": {"income": 41250, "parts": "3", "year": this_year - 1},
            "caf": {"regime": "CAF", "number": "1234567", "qf": 780, "qf_date": f"{this_year}-01-01"},
            "bank": {"holder": "Sophie MARTIN", "iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP"},
            "persons": [{"id": 1, "last_name": "DUPONT", "first_name": "Jeanne", "relationship": "Grand-mère",
                         "phone_mobile": "06 55 44 33 22", "phone_home": "", "may_pick_up": True,
                         "emergency_contact": True, "children": ["1", "2"]}],
            "children": [
                _child(1, "Léa", "MARTIN", born(8, 6, 21), "F", "École Jules Ferry", "CE2",
                       allergies=[{"allergen": "Arachide", "consequence": "Œdème, gêne respiratoire",
                                   "action": "Appeler le 15, stylo d'adrénaline dans le sac"}], pai=True,
                       pai_details="PAI alimentaire : panier repas fourni par la famille.", diet="pai"),
                _child(2, "Tom", "MARTIN", born(4, 2, 9), "M", "École maternelle Les Tilleuls", "Moyenne section"),
            ],
        },
        "770400080": {
            "parent1": _parent("Mme", "ABDEL", "Nadia", "1990-11-30", "07 11 22 33 44", "nadia.abdel@example.fr",
                               "Comptable", "Cabinet Lemaire", address1="4 allée des Cerisiers"),
            "parent2": None,
            "tax": {"income": 23900, "parts": "2,5", "year": this_year - 1},
            "caf": {"regime": "CAF", "number": "7654321", "qf": 520, "qf_date": f"{this_year}-01-01"},
            "bank": {"holder": "Nadia ABDEL", "iban": "FR14 2004 1010 0505 0001 3M02 606", "bic": "PSSTFRPPPAR"},
            "persons": [{"id": 1, "last_name": "ABDEL", "first_name": "Youssef", "relationship": "Oncle",
                         "phone_mobile": "06 01 02 03 04", "phone_home": "", "may_pick_up": True,
                         "emergency_contact": False, "children": ["1", "2"]}],
            "children": [
                _child(1, "Olivia", "ABDEL", born(9, 3, 14), "F", "École Jules Ferry", "CM1"),
                _child(2, "Ahmed", "ABDEL", born(6, 8, 25), "M", "École Jules Ferry", "CP", diet="sans_porc"),
            ],
        },
        "770400090": {
            "parent1": _parent("M.", "LEROY", "Julien", "1982-01-08", "06 45 67 89 01", "julien.leroy@example.fr",
                               "Boulanger", "Boulangerie Leroy", address1="8 chemin du Moulin"),
            "parent2": _parent("Mme", "LEROY", "Camille", "1985-07-19", "06 23 45 67 89", "camille.leroy@example.fr",
                               "Professeure", "Éducation nationale", address1="8 chemin du Moulin"),
            "tax": {"income": 58700, "parts": "2,5", "year": this_year - 1},
            "caf": {"regime": "MSA", "number": "889900", "qf": 1150, "qf_date": f"{this_year}-01-01"},
            "bank": {"holder": "Julien LEROY", "iban": "FR76 3000 4000 0312 3456 7890 143", "bic": "BNPAFRPP"},
            "persons": [],
            "children": [_child(1, "Inès", "LEROY", born(7, 10, 3), "F", "École Jules Ferry", "CE1")],
        },
    }


# What each family paid of the billed months, oldest first: a share of the invoice by direct debit a week after it
# was issued, or (the Leroys, last month) a cheque of a round amount brought to the town hall the day it was issued.
DEMO_PAYMENTS = {"770400070": (1, 0.5, 0), "770400080": (1, 1, 0), "770400090": (1, 1, "cheque")}


def _service(service_id, name, weekdays, prices, periods, closed, notice=2):
    return {"id": service_id, "name": name, "weekdays": weekdays, "periods": periods, "closed_dates": closed,
            "brackets": [{"qf_max": 600, "price_cents": prices[0]}, {"qf_max": 1000, "price_cents": prices[1]},
                         {"qf_max": None, "price_cents": prices[2]}],
            "notice_working_days": notice, "notice_time": "10:00", "active": True}


def demo_services(calendar: DemoCalendar) -> list[dict]:
    """The catalogue: school-day services over the school years the demo needs, and the coming Christmas holidays."""
    periods = calendar.periods()
    closed = closed_days(periods)
    weekdays = list(SCHOOL_WEEKDAYS)
    christmas = date(calendar.school_year, 12, 21)
    new_year = date(calendar.school_year + 1, 1, 1)
    return [
        _service("cantine", CANTINE, weekdays, (180, 300, 385), periods, closed),
        _service("matin", MATIN, weekdays, (120, 160, 190), periods, closed),
        _service("soir", SOIR, weekdays, (160, 210, 260), periods, closed),
        _service("mercredi", "Accueil de loisirs du mercredi", [2], (600, 950, 1200), periods, closed),
        _service("vacances-noel", "Vacances de Noël", [0, 1, 2, 3, 4], (800, 1200, 1500),
                 [{"start": christmas.isoformat(), "end": new_year.isoformat()}],
                 [date(calendar.school_year, 12, 25).isoformat(), new_year.isoformat()], notice=5),
    ]


DEMO_ENROLMENTS = {"770400070": [(1, "cantine"), (1, "soir"), (2, "cantine")],
                   "770400080": [(1, "cantine"), (2, "cantine"), (2, "matin")],
                   "770400090": [(1, "mercredi")]}


def _seed_enrolments(documents: DocumentStore, families: Families, calendar: DemoCalendar) -> dict[str, dict]:
    """The enrolments module: services, the enrolments from the first billed school year on, and an absence of Léa
    at the canteen in the last billed month, decided not billed. Returns the services by id."""
    services = Services(documents)
    for service in demo_services(calendar):
        services.save(service)
    Settings(documents).save({"modules": {"enrolments": True}})
    catalogue = {service["id"]: service for service in services.all()}
    start, end = calendar.enrolment_span()
    for family_id, enrolments in DEMO_ENROLMENTS.items():
        with families.transaction(family_id) as db:
            for child_id, service_id in enrolments:
                db.table("enrolments").insert({
                    "schema": SCHEMA_VERSION, "child_id": child_id, "service_id": service_id, "start": start,
                    "end": end, "weekdays": catalogue[service_id]["weekdays"], "status": "active", "request_id": None,
                    "created_at": f"{start[:4]}-08-25T10:00:00"})
            if family_id == "770400070":
                db.table("absences").insert(_absence(catalogue["cantine"], calendar.billed_months[-1]))
    return catalogue


def _absence(canteen: dict, month: date) -> dict:
    """Two days of canteen in the middle of month, for an angina: reported in the morning, not billed."""
    days = opening_days(canteen, month, last_day(month), canteen["weekdays"])
    first, second = days[len(days) // 2], days[len(days) // 2 + 1]
    return {"schema": SCHEMA_VERSION, "child_id": 1, "service_id": "cantine", "start": first.isoformat(),
            "end": second.isoformat(), "reason": "maladie", "comment": "angine", "certificate": None,
            "declared_at": f"{first.isoformat()}T08:10:00", "billing_choice": "free", "request_id": None,
            "days": [{"date": first.isoformat(), "billed": False}, {"date": second.isoformat(), "billed": False}],
            "created_at": f"{first.isoformat()}T09:00:00"}


def _bill_and_collect(families: Families, numbers: Numbers, services: dict[str, dict], calendar: DemoCalendar) -> None:
    """Each billed month in turn: the billing run, then the payments received before the next month's invoices."""
    for index, month in enumerate(calendar.billed_months):
        issued = issue_day(month)
        run_billing(families, services, numbers, month.isoformat()[:7], issued_on=issued.isoformat(),
                    due_on=issued.replace(day=25).isoformat())
        for family_id, shares in DEMO_PAYMENTS.items():
            _pay(families, family_id, month, issued, shares[index])


def _pay(families: Families, family_id: str, month: date, issued: date, share) -> None:
    period = month.isoformat()[:7]
    invoice = next((doc for doc in families.read_ledger(family_id).table("invoices").all()
                    if doc.get("billing_month") == period), None)
    if invoice is None or not share:
        return
    if share == "cheque":
        amount = (invoice["total_cents"] // 1000 + 1) * 1000  # the next round ten euros: the family is in credit
        add_payment(families, family_id, paid_on=issued.isoformat(), amount_cents=amount, method="cheque",
                    reference=f"Chèque n° {4_471_200 + month.month}")
        return
    add_payment(families, family_id, paid_on=(issued + DIRECT_DEBIT_DELAY).isoformat(),
                amount_cents=round(invoice["total_cents"] * share), method="prelevement", reference=f"PRLV {period}")


def _seed_messages(families: Families, calendar: DemoCalendar) -> None:
    """A welcome at the start of the school year, a question about the partial direct debit and its answer, and
    the town hall's news about the holidays."""
    months = calendar.billed_months
    post_message(families, "770400070", author="agent", author_name="Marie Agent", category="autre",
                 subject="Bienvenue sur le portail famille",
                 body="Bonjour,\nVous pouvez désormais consulter vos factures et mettre à jour vos informations en ligne.\n"
                      "Le service Enfance", created_at=f"{calendar.enrolment_span()[0]}T09:00:00")
    if len(months) >= 2:
        debited = issue_day(months[-2]) + DIRECT_DEBIT_DELAY
        asked = max(debited + timedelta(days=1), months[-1].replace(day=10))  # in the last billed month, as it ends
        debit_month, next_month = _of_month(months[-2]), MONTHS_FR[months[-1].month - 1]
        thread = post_message(families, "770400070", author="family", author_name="Sophie MARTIN",
                              category="facturation", subject=f"Prélèvement {debit_month}",
                              body=f"Bonjour,\nLe prélèvement {debit_month} n'a été que partiel, pouvez-vous me dire "
                                   "pourquoi ?\nMerci.", created_at=f"{asked.isoformat()}T18:42:00")
        post_message(families, "770400070", author="agent", author_name="Marie Agent", category="facturation",
                     thread_id=thread, subject=f"Re: Prélèvement {debit_month}",
                     body=f"Bonjour Madame,\nLe solde restant figurera sur la facture de {next_month} (solde antérieur)."
                          "\nCordialement.", created_at=f"{(asked + timedelta(days=2)).isoformat()}T10:15:00")
    news = datetime.combine(calendar.today - timedelta(days=12), time(8, 30))
    post_message(families, "770400080", author="agent", author_name="Marie Agent", category="inscriptions",
                 subject="Inscriptions aux vacances de Noël",
                 body="Bonjour,\nLes inscriptions pour l'accueil de loisirs des vacances de Noël sont ouvertes jusqu'au "
                      "12 décembre.", created_at=news.isoformat())


def _of_month(month: date) -> str:
    """"d'octobre", "de novembre"."""
    name = MONTHS_FR[month.month - 1]
    return f"d'{name}" if name[0] in "aeiou" else f"de {name}"


def seed_demo(data_dir: Path) -> bool:
    """Fill an empty data folder with the demo commune, dated from today; returns False (and does nothing) otherwise."""
    documents = DocumentStore(Path(data_dir))
    families = Families(documents)
    if any(True for _ in families.ids()):
        return False
    calendar = DemoCalendar.created_on(clock.today())
    agents = Agents(documents)
    if agents.get(DEMO_AGENT[0]) is None:
        agents.create(DEMO_AGENT[0], "Marie Agent", hash_password(DEMO_AGENT[1]))
    # Online payment on, through the built-in bank simulator (no real card, no internet): Paybox's published test
    # merchant ids, a fresh secret key, and trust in the simulator's own test key (data/simulator/).
    Settings(documents).save({"modules": {"payment": True}, "paybox": {
        "site": "1999888", "rang": "32", "identifiant": "110647233", "hmac_key_hex": secrets.token_hex(64),
        "public_key_path": simulator_public_key_setting(), "simulator": True}})
    ensure_simulator_key(Path(data_dir))
    records = demo_families(calendar)
    for family_id, record in records.items():
        families.create(family_id, record, hash_password(DEMO_ACCOUNTS[family_id]))
    services = _seed_enrolments(documents, families, calendar)
    _bill_and_collect(families, Numbers(documents, families), services, calendar)
    _seed_messages(families, calendar)
    submit_request(families, "770400070", "parent1", dict(records["770400070"]["parent1"], phone_mobile="06 12 00 11 22"))
    submit_request(families, "770400080", "person", {
        "last_name": "BENALI", "first_name": "Samira", "relationship": "Voisine", "phone_mobile": "06 77 88 99 00",
        "phone_home": "", "may_pick_up": True, "emergency_contact": False, "children": ["1"]},
        action="add", target_label="Samira BENALI")
    return True
