"""The demo commune ("Ville de Démo"): three families with children, persons, health data, invoices,
payments, messages and pending requests, so that a first look shows the portal working.
"""
from __future__ import annotations

from pathlib import Path

from storage.agents import Agents
from storage.counters import Numbers
from storage.documents import DocumentStore
from storage.families import Families
from storage.ledger import add_invoice, add_payment, invoice_line
from storage.messages import post_message
from storage.passwords import hash_password
from storage.requests import submit_request

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
                              due_on=f"2026-{month + 1:02d}-25", lines=lines)
        if share:
            add_payment(families, family_id, paid_on=f"2026-{month + 1:02d}-20",
                        amount_cents=round(invoice["total_cents"] * share), method="prelevement",
                        reference=f"PRLV {period}")


def seed_demo(data_dir: Path) -> bool:
    """Fill an empty data folder with the demo commune; returns False (and does nothing) otherwise."""
    documents = DocumentStore(Path(data_dir))
    families = Families(documents)
    if any(True for _ in families.ids()):
        return False
    agents = Agents(documents)
    if agents.get(DEMO_AGENT[0]) is None:
        agents.create(DEMO_AGENT[0], "Marie Agent", hash_password(DEMO_AGENT[1]))
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
    return True
