"""Generate a town of realistic French families into a data folder, fast.

    python -m tests.perf.generate_town --families 10000 --data /tmp/town
    python -m tests.perf.generate_town --families 10000 --years 5 --data /tmp/town5   # a town after five years

Each family gets one file data/families/<id>.json (tables record, account, requests, messages, audit,
announcement_reads) and one ledger data/ledgers/<id>.json (tables invoices, payments), in exactly the
shapes the storage layer writes (see storage/families.py, storage/requests.py, storage/ledger.py,
storage/messages.py); the town's announcements go to data/announcements.json, and every invoice number is
in the commune's register (data/invoice-numbers/, storage/invoice_numbers.py) as an import leaves it.
--years N gives the town N years of history: 12 × N monthly invoices per family, and each year its
messages, decided requests (with their audit lines) and announcements.
For speed the files are written directly with storage.documents.encode() and without fsync, and every
family account reuses ONE precomputed scrypt hash of "demo2026" (hashing 10,000 times takes minutes).
The agent account (data/agents.json) is created through storage.agents.Agents with a real hash of
"agent2026".

The output is deterministic for a given seed and `today`.
"""
from __future__ import annotations

import argparse
import calendar
import random
import sys
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from storage import clock
from storage.agents import Agents
from storage.documents import SCHEMA_VERSION, DocumentStore, encode, read_raw
from storage.invoice_numbers import FOLDER as NUMBER_FOLDER
from storage.invoice_numbers import TABLE as NUMBER_TABLE
from storage.invoice_numbers import shard_document, shard_name
from storage.passwords import hash_password
from storage.requests import changes_between
from storage.sections import SECTIONS, child_label, current_values, person_label

FAMILY_PASSWORD = "demo2026"
AGENT_LOGIN, AGENT_PASSWORD, AGENT_NAME = "agent", "agent2026", "Agent de la collectivité"

# --- Name and place lists ------------------------------------------------------------------------------

LAST_NAMES = (
    "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT SIMON MICHEL LEFEBVRE LEROY "
    "ROUX DAVID BERTRAND MOREL FOURNIER GIRARD BONNET DUPONT LAMBERT FONTAINE ROUSSEAU VINCENT MULLER "
    "LEFÈVRE FAURE ANDRÉ MERCIER BLANC GUÉRIN BOYER GARNIER CHEVALIER FRANÇOIS LEGRAND GAUTHIER GARCIA "
    "PERRIN ROBIN CLÉMENT MORIN NICOLAS HENRY ROUSSEL MATHIEU GAUTIER MASSON MARCHAND DUVAL DENIS DUMONT "
    "MARIE LEMAIRE NOËL MEYER DUFOUR MEUNIER BRUN BLANCHARD GIRAUD JOLY RIVIÈRE LUCAS BRUNET GAILLARD "
    "BARBIER ARNAUD MARTINEZ GÉRARD ROCHE RENARD SCHMITT ROY LEROUX COLIN VIDAL CARON PICARD ROGER FABRE "
    "AUBERT LEMOINE RENAUD DUMAS LACROIX OLIVIER PHILIPPE BOURGEOIS PIERRE BENOÎT REY LECLERC PAYET "
    "ROLLAND LECLERCQ GUILLAUME LECOMTE LOPEZ JEAN DUPUY GUILLOT HUBERT BERGER CARPENTIER SANCHEZ DUPUIS "
    "MOULIN LOUIS DESCHAMPS HUET VASSEUR PEREZ BOUCHER FLEURY ROYER KLEIN JACQUET ADAM PARIS POIRIER "
    "MARTY AUBRY GUYOT CARRÉ CHARLES RENAULT CHARPENTIER MÉNARD MAILLARD BARON BERTIN BAILLY HERVÉ "
    "SCHNEIDER FERNANDEZ LE_GALL COLLET LÉGER BOUVIER JULIEN PRÉVOST MILLET PERROT DANIEL LE_ROUX COUSIN "
    "GERMAIN BRETON BESSON LANGLOIS RÉMY LE_GOFF PELLETIER LÉVÊQUE PERRIER LEBLANC BARRÉ LEBRUN MARCHAL "
    "WEBER MALLET HAMON BOULANGER JACOB MONNIER MICHAUD RODRIGUEZ GUICHARD GILLET ÉTIENNE GRONDIN POULAIN "
    "TESSIER CHEVALLIER COLLIN CHAUVIN DA_SILVA BOUCHET GAY LEMAÎTRE BENARD MARÉCHAL HUMBERT REYNAUD "
    "ANTOINE HOARAU PERRET BARTHÉLEMY CORDIER PICHON LEJEUNE GILBERT LAMY DELAUNAY PASQUIER CARLIER "
    "LAPORTE BENALI BENSAÏD HADDAD MANSOURI NGUYEN TRAN DIALLO TRAORÉ KONÉ CISSÉ DIOP N'DIAYE BOUZIDI "
    "CHERIF AMRANI SAÏDI YILMAZ KAYA SILVA PEREIRA FERREIRA DOS_SANTOS COSTA RIBEIRO ALVES"
).split()
LAST_NAMES = [name.replace("_", " ") for name in LAST_NAMES]  # "DA_SILVA" -> "DA SILVA" after the split

FEMALE_FIRST = (
    "Sophie Marie Nathalie Isabelle Sandrine Céline Stéphanie Aurélie Émilie Julie Camille Laura Élodie "
    "Caroline Audrey Mélanie Virginie Karine Claire Hélène Anne Laetitia Delphine Vanessa Sarah Amandine "
    "Pauline Marine Charlotte Lucie Anaïs Manon Nadia Fatima Samira Leïla Yasmina Mariama Aïcha Inès "
    "Coralie Jessica Élise Gaëlle Florence Valérie Sabrina Jennifer Agnès Mathilde Justine Chloé Océane"
).split()
MALE_FIRST = (
    "Nicolas Julien Sébastien Thomas Guillaume Christophe Jérôme Stéphane Frédéric Mickaël Romain David "
    "Alexandre Maxime Anthony Kévin Olivier Vincent Laurent Cédric Fabrice Damien Benoît Mathieu Arnaud "
    "Karim Mehdi Sofiane Rachid Youssef Moussa Mamadou Ibrahim Antoine François Pierre Jean Loïc Yann "
    "Grégory Jonathan Florian Thibault Rémi Hugo Adrien Bruno Franck Cyril Ludovic Samuel Éric"
).split()
GIRLS = (
    "Emma Jade Louise Alice Chloé Lina Rose Léa Anna Mila Inès Ambre Julia Mia Léna Manon Juliette Lou "
    "Zoé Camille Agathe Jeanne Léonie Nina Sarah Romane Iris Adèle Éva Charlotte Margaux Lucie Clémence "
    "Maëlys Lola Victoire Aya Yasmine Sofia Alicia Nour Maryam Salomé Capucine Élise Gabrielle Céleste"
).split()
BOYS = (
    "Gabriel Léo Raphaël Arthur Louis Jules Adam Maël Lucas Hugo Noah Liam Gabin Sacha Paul Nathan "
    "Aaron Mohamed Ethan Tom Éden Léon Noé Tiago Théo Isaac Marius Victor Martin Naël Mathis Axel Robin "
    "Timéo Enzo Marceau Valentin Nino Eliott Nolan Malo Milo Antoine Samuel Baptiste Amir Ayoub Ibrahim"
).split()

STREET_TYPES = ("rue", "rue", "rue", "avenue", "allée", "impasse", "chemin", "place", "boulevard", "square")
STREET_NAMES = (
    "des Écoles", "de la République", "Victor Hugo", "Jean Jaurès", "Pasteur", "de la Mairie", "du Moulin",
    "des Cerisiers", "des Lilas", "du Général de Gaulle", "Jules Ferry", "de la Gare", "des Tilleuls",
    "de Paris", "du Château", "de l'Église", "des Roses", "Gambetta", "Émile Zola", "Voltaire",
    "des Acacias", "du Stade", "de la Fontaine", "des Peupliers", "Molière", "du 8 Mai 1945",
    "Anatole France", "de Verdun", "Louis Pasteur", "des Prés", "de la Forêt", "du Bois", "des Vignes",
    "Pierre et Marie Curie", "Saint-Exupéry", "des Marronniers", "de la Libération", "Charles Péguy",
)
ADDRESS2 = ("Bâtiment A", "Bâtiment B", "Résidence Les Chênes", "Appartement 12", "Escalier 3, 2e étage",
            "Résidence du Parc", "Appartement 4")
CITIES = (  # Seine-et-Marne: the commune and its neighbours
    ("77000", "Melun"), ("77000", "Vaux-le-Pénil"), ("77190", "Dammarie-les-Lys"), ("77350", "Le Mée-sur-Seine"),
    ("77240", "Cesson"), ("77310", "Saint-Fargeau-Ponthierry"), ("77176", "Savigny-le-Temple"),
    ("77127", "Lieusaint"), ("77550", "Moissy-Cramayel"), ("77300", "Fontainebleau"), ("77210", "Avon"),
)
PROFESSIONS = (  # (for a woman, for a man, employer)
    ("Infirmière", "Infirmier", "Centre hospitalier de Melun"), ("Aide-soignante", "Aide-soignant", "EHPAD Les Tilleuls"),
    ("Comptable", "Comptable", "Cabinet Lemaire"), ("Professeure des écoles", "Professeur des écoles", "Éducation nationale"),
    ("Technicienne de maintenance", "Technicien de maintenance", "Safran"),
    ("Conductrice de bus", "Conducteur de bus", "Transdev"), ("Vendeuse", "Vendeur", "Carrefour"),
    ("Ingénieure", "Ingénieur", "Thales"), ("Boulangère", "Boulanger", "Boulangerie du Centre"),
    ("Agente administrative", "Agent administratif", "Mairie"), ("Assistante maternelle", "Assistant maternel", ""),
    ("Développeuse", "Développeur", "Capgemini"), ("Électricienne", "Électricien", "Bouygues Énergies"),
    ("Pharmacienne", "Pharmacien", "Pharmacie de la Gare"), ("Livreuse", "Chauffeur livreur", "La Poste"),
    ("Cadre commerciale", "Cadre commercial", "Orange"), ("Sans emploi", "Sans emploi", ""),
    ("Artisane", "Artisan plombier", "Indépendant"), ("Secrétaire médicale", "Secrétaire médical", "Cabinet médical"),
    ("Policière", "Policier", "Police nationale"), ("Caissière", "Caissier", "Leclerc"),
    ("Agente de sécurité", "Agent de sécurité", "Securitas"),
)
RELATIONSHIPS = ("Grand-mère", "Grand-père", "Oncle", "Tante", "Voisine", "Voisin", "Amie de la famille",
                 "Parrain", "Marraine", "Cousine", "Nourrice")
EMAIL_DOMAINS = ("example.fr", "example.com", "example.org", "example.net")
INSURERS = ("MAIF", "MACIF", "MAAF", "MATMUT", "GMF", "AXA", "Allianz", "Groupama", "MMA")
DOCTORS = ("Dr Claire Morel", "Dr Paul Girard", "Dr Anne Lefèvre", "Dr Karim Haddad", "Dr Sophie Blanc",
           "Dr Jean Roussel", "Dr Hélène Dumas", "Dr Marc Perrin", "Dr Nadia Amrani", "Maison de santé du Centre")
VACCINES = ("DTP", "ROR", "Coqueluche", "Hépatite B", "Méningocoque C", "Pneumocoque")
ALLERGIES = (
    ("Arachide", "Œdème, gêne respiratoire", "Appeler le 15, stylo d'adrénaline dans le sac"),
    ("Lait de vache", "Troubles digestifs", "Éviction des produits laitiers"),
    ("Œuf", "Urticaire", "Antihistaminique selon l'ordonnance"),
    ("Pollens", "Rhinite, yeux qui piquent", "Collyre et antihistaminique"),
    ("Piqûres de guêpe", "Gonflement important", "Appeler le 15"),
    ("Gluten", "Douleurs abdominales", "Repas sans gluten"),
)
TREATMENTS = ("Ventoline en cas de crise d'asthme", "Lunettes à porter en classe", "Crème pour eczéma le matin")
REMARKS = ("Porte des lunettes.", "Enfant timide, a besoin d'être rassuré le matin.", "Asthme d'effort léger.",
           "Doit boire régulièrement.", "Suivi orthophonique le mardi.")
BANKS = (  # bank code, BIC
    ("30006", "AGRIFRPP"), ("30004", "BNPAFRPP"), ("30003", "SOGEFRPP"), ("20041", "PSSTFRPPPAR"),
    ("10278", "CMCIFR2A"), ("10107", "BREDFRPP"), ("17515", "CEPAFRPP751"), ("18206", "AGRIFRPP882"),
    ("30002", "CRLYFRPP"), ("16958", "QNTOFRP1"),
)
ELEMENTARY = ("École élémentaire Jules Ferry", "École élémentaire Jean Jaurès", "École élémentaire Pasteur",
              "École élémentaire Les Tilleuls", "École élémentaire Victor Hugo")
NURSERY = ("École maternelle Les Tilleuls", "École maternelle Les Lilas", "École maternelle Pauline Kergomard",
           "École maternelle du Centre")
CLASSES = {2: ("Toute petite section", NURSERY), 3: ("Petite section", NURSERY), 4: ("Moyenne section", NURSERY),
           5: ("Grande section", NURSERY), 6: ("CP", ELEMENTARY), 7: ("CE1", ELEMENTARY), 8: ("CE2", ELEMENTARY),
           9: ("CM1", ELEMENTARY), 10: ("CM2", ELEMENTARY)}
DIETS = ("standard",) * 14 + ("sans_porc",) * 3 + ("sans_viande", "vegetarien")

FAMILY_MESSAGES = (
    ("Question sur ma facture", "Bonjour,\nJe ne comprends pas le montant de la dernière facture, "
     "pouvez-vous m'expliquer ?\nMerci.", "facturation"),
    ("Changement de prélèvement", "Bonjour,\nJe souhaite changer la date de prélèvement.\nCordialement.",
     "facturation"),
    ("Absence de mon enfant", "Bonjour,\nMon enfant sera absent la semaine prochaine, faut-il annuler la "
     "cantine ?\nMerci.", "autre"),
    ("Inscription au centre de loisirs", "Bonjour,\nEst-il encore possible d'inscrire mes enfants pour les "
     "vacances ?\nBien cordialement.", "inscriptions"),
)
AGENT_MESSAGES = (
    ("Attestation d'assurance", "Bonjour,\nMerci de nous faire parvenir l'attestation d'assurance scolaire "
     "de votre enfant.\nLe service Enfance", "inscriptions"),
    ("Rappel : facture en attente", "Bonjour,\nSauf erreur de notre part, votre dernière facture reste à "
     "régler.\nLe service Enfance", "facturation"),
)
AGENT_REPLIES = (
    "Bonjour,\nNous avons bien pris en compte votre message.\nCordialement,\nLe service Enfance",
    "Bonjour,\nLe détail figure sur la facture (solde antérieur et prestations du mois).\nCordialement.",
    "Bonjour,\nC'est noté, la modification sera faite dans la semaine.\nBonne journée.",
)
ANNOUNCEMENTS = (  # (days before today, subject, body, category), published to every family at once
    (320, "Rentrée scolaire : inscriptions périscolaires", "Bonjour,\nLes inscriptions à la cantine et aux "
     "accueils du matin et du soir sont ouvertes.\nLe service Enfance", "inscriptions"),
    (250, "Vacances de la Toussaint", "Bonjour,\nL'accueil de loisirs est ouvert pendant les vacances ; "
     "inscriptions jusqu'au vendredi précédent.\nLe service Enfance", "inscriptions"),
    (180, "Nouveau portail famille", "Bonjour,\nVous pouvez désormais consulter vos factures et mettre à jour "
     "vos informations en ligne.\nLe service Enfance", "autre"),
    (120, "Tarifs au quotient familial", "Bonjour,\nPensez à transmettre votre attestation de quotient "
     "familial avant la fin du mois.\nLe service Enfance", "facturation"),
    (45, "Vacances d'été", "Bonjour,\nLes inscriptions pour l'été ouvrent lundi.\nLe service Enfance",
     "inscriptions"),
    (10, "Fermeture exceptionnelle", "Bonjour,\nLe service Enfance sera fermé vendredi après-midi.\n"
     "Merci de votre compréhension.", "autre"),
)

CANTINE, MATIN, SOIR, LOISIRS, ETUDE = ("Restauration scolaire", "Accueil du matin", "Accueil du soir",
                                        "Accueil de loisirs", "Étude surveillée")
METHODS = ("prelevement",) * 6 + ("carte", "carte", "cheque", "especes")


# --- Small helpers ------------------------------------------------------------------------------------

def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class FastRandom(random.Random):
    """random.Random with cheaper randint/choice (the generator draws millions of them); still seeded."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def french_phone(rng: random.Random, prefix: str) -> str:
    """'06 12 34 56 78' style: 10 digits starting with a 2-digit prefix ('06', '07', '01')."""
    digits = f"{prefix}{int(rng.random() * 1e8):08d}"
    return f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:8]} {digits[8:]}"


RIB_LETTERS = {c: str(d) for d, group in enumerate(("", "AJ", "BKS", "CLT", "DMU", "ENV", "FOW", "GPX", "HQY", "IRZ"))
               for c in group}


def rib_key(bank: str, branch: str, account: str) -> str:
    """The French RIB key (letters of an account number count as the digits the banks give them)."""
    account_digits = "".join(RIB_LETTERS.get(c, c) for c in account)
    return f"{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account_digits)) % 97:02d}"


def iban_fr(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN, grouped by 4 as stdnum.iban.format() prints it."""
    bban = bank + branch + account + rib_key(bank, branch, account)
    numeric = "".join(str(int(c, 36)) for c in bban + "FR00")
    compact = f"FR{98 - int(numeric) % 97:02d}{bban}"
    return " ".join(compact[i:i + 4] for i in range(0, len(compact), 4))


def iso_at(day: date, rng: random.Random, first_hour: int = 7, last_hour: int = 21) -> str:
    return f"{day.isoformat()}T{rng.randint(first_hour, last_hour):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"


def add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def birth_date(rng: random.Random, today: date, min_age: int, max_age: int) -> str:
    start = date(today.year - max_age - 1, today.month, 1)
    span = (date(today.year - min_age, today.month, 1) - start).days
    return (start + timedelta(days=rng.randrange(span))).isoformat()


# --- One family ---------------------------------------------------------------------------------------

@dataclass
class TownStats:
    data_dir: Path
    years: int = 1
    families: int = 0
    children: int = 0
    persons: int = 0
    invoices: int = 0
    payments: int = 0
    messages: int = 0
    pending_requests: int = 0
    decided_requests: int = 0
    bytes_written: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # process CPU time: what the generation costs on a busy machine
    family_ids: list[str] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (f"{self.years} year(s): {self.families} families, {self.children} children, "
                f"{self.persons} authorised persons, "
                f"{self.invoices} invoices, {self.payments} payments, {self.messages} messages, "
                f"{self.pending_requests} pending requests ({self.decided_requests} decided), "
                f"{self.bytes_written / 1e6:.1f} MB in {self.seconds:.1f} s ({self.cpu_seconds:.1f} s CPU) -> {self.data_dir}")


class _Town:
    """Draws one family after another from a seeded generator."""

    def __init__(self, rng: random.Random, today: date, pending_ratio: float, years: int = 1):
        self.rng = rng
        self.today = today
        self.pending_ratio = pending_ratio
        self.years = years
        # The 12 × years monthly invoices already issued (on the 3rd of the following month) by today.
        year, month = add_months(today.year, today.month, -1 if today.day >= 3 else -2)
        self.periods = [add_months(year, month, -k) for k in range(12 * years - 1, -1, -1)]
        # Each year the same announcements, oldest first: (subject, body, category, created_at).
        self.announcements = [(subject, body, category,
                               f"{(today - timedelta(days=days + 365 * ago)).isoformat()}T09:30:00")
                              for ago in range(years - 1, -1, -1) for days, subject, body, category in ANNOUNCEMENTS]
        self.announcement_dates = [created_at for *_, created_at in self.announcements]
        self.ledger_periods = []
        for year, month in self.periods:
            issued = date(*add_months(year, month, 1), 3)
            self.ledger_periods.append({
                "month": month, "period": f"{year}-{month:02d}", "issued": issued,
                "issued_on": issued.isoformat(), "issued_at": f"{issued.isoformat()}T06:00:00",
                "due_on": issued.replace(day=25).isoformat(), "debit_on": issued.replace(day=20),
                "debit_reference": f"PRLV {year}-{month:02d}",
                # Days with school services (Monday, Tuesday, Thursday, Friday) in the month.
                "days": sum(1 for d in range(1, calendar.monthrange(year, month)[1] + 1)
                            if date(year, month, d).weekday() in (0, 1, 3, 4)),
            })

    # Parents, persons, children ---------------------------------------------------------------------

    def parent(self, title: str, last_name: str, address: dict) -> dict:
        rng = self.rng
        first = rng.choice(FEMALE_FIRST if title == "Mme" else MALE_FIRST)
        for_woman, for_man, employer = rng.choice(PROFESSIONS)
        profession = for_woman if title == "Mme" else for_man
        email_name = ascii_fold(f"{first}.{last_name}").lower().replace(" ", "-").replace("'", "")
        if rng.random() < 0.3:
            email_name += str(rng.randint(1, 99))
        return {
            "title": title, "last_name": last_name, "first_name": first,
            "birth_date": birth_date(rng, self.today, 26, 52), **address,
            "phone_home": french_phone(rng, "01") if rng.random() < 0.35 else "",
            "phone_mobile": french_phone(rng, rng.choice(("06", "07"))),
            "phone_work": french_phone(rng, "01") if rng.random() < 0.2 else "",
            "email": f"{email_name}@{rng.choice(EMAIL_DOMAINS)}" if rng.random() < 0.95 else "",
            "profession": profession, "employer": employer,
        }

    def address(self) -> dict:
        rng = self.rng
        postcode, city = rng.choice(CITIES[:3]) if rng.random() < 0.85 else rng.choice(CITIES)
        return {"address1": f"{rng.randint(1, 140)} {rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}",
                "address2": rng.choice(ADDRESS2) if rng.random() < 0.15 else "",
                "postcode": postcode, "city": city}

    def child(self, child_id: int, last_name: str) -> dict:
        rng = self.rng
        sex = rng.choice("FM")
        birth = birth_date(rng, self.today, 3, 10)
        # The school year starts in September: the class follows the age reached by 31 December.
        school_year = self.today.year if self.today.month >= 9 else self.today.year - 1
        class_name, schools = CLASSES[max(2, min(10, school_year - int(birth[:4])))]
        allergies = [dict(zip(("allergen", "consequence", "action"), rng.choice(ALLERGIES)))] \
            if rng.random() < 0.12 else []
        pai = bool(allergies) and allergies[0]["allergen"] in ("Arachide", "Gluten", "Lait de vache") \
            and rng.random() < 0.7
        born = date.fromisoformat(birth)
        vaccinations = [{"name": name, "date": (born + timedelta(days=rng.randint(60, 60 + 365 * 2))).isoformat()}
                        for name in rng.sample(VACCINES, rng.randint(1, 3))]
        return {
            "id": child_id, "first_name": rng.choice(GIRLS if sex == "F" else BOYS), "last_name": last_name,
            "birth_date": birth, "sex": sex, "photo": None,
            "extra": {
                "school": rng.choice(schools), "class_name": class_name,
                "diet": "pai" if pai and allergies[0]["allergen"] != "Gluten" else rng.choice(DIETS),
                "insurance_company": rng.choice(INSURERS),
                "insurance_policy": f"{rng.choice('ABCDEFGHJKLMNPRSTUVW')}{rng.choice('ABCDEFGHJKLMNPRSTUVW')}"
                                    f"{rng.randint(100000, 99999999)}",
                "image_rights": rng.random() < 0.8, "may_leave_alone": class_name in ("CM1", "CM2") and rng.random() < 0.3,
            },
            "health": {
                "doctor_name": rng.choice(DOCTORS), "doctor_phone": french_phone(rng, "01"), "pai": pai,
                "pai_details": f"PAI : allergie {allergies[0]['allergen'].lower()}, trousse d'urgence à l'école." if pai else "",
                "treatments": rng.choice(TREATMENTS) if rng.random() < 0.08 else "",
                "remarks": rng.choice(REMARKS) if rng.random() < 0.15 else "",
                "vaccinations": vaccinations, "allergies": allergies,
            },
        }

    def person(self, person_id: int, family_last_name: str, children: list[dict]) -> dict:
        rng = self.rng
        relationship = rng.choice(RELATIONSHIPS)
        female = relationship in ("Grand-mère", "Tante", "Voisine", "Amie de la famille", "Marraine", "Cousine",
                                  "Nourrice")
        same_name = relationship in ("Grand-mère", "Grand-père", "Oncle", "Tante") and rng.random() < 0.6
        may_pick_up = rng.random() < 0.85
        return {
            "id": person_id, "last_name": family_last_name if same_name else rng.choice(LAST_NAMES),
            "first_name": rng.choice(FEMALE_FIRST if female else MALE_FIRST), "relationship": relationship,
            "phone_mobile": french_phone(rng, rng.choice(("06", "07"))),
            "phone_home": french_phone(rng, "01") if rng.random() < 0.3 else "",
            "may_pick_up": may_pick_up, "emergency_contact": (not may_pick_up) or rng.random() < 0.5,
            "children": [str(c["id"]) for c in children if rng.random() < 0.9] or [str(children[0]["id"])],
        }

    def record(self, family_id: str) -> dict:
        rng = self.rng
        last_name = rng.choice(LAST_NAMES)
        address = self.address()
        single = rng.random() < 0.22
        title1 = "Mme" if single and rng.random() < 0.85 or not single and rng.random() < 0.7 else "M."
        parent1 = self.parent(title1, last_name, address)
        parent2 = None
        if not single:
            title2 = "M." if title1 == "Mme" else "Mme"
            other_name = last_name if rng.random() < 0.7 else rng.choice(LAST_NAMES)
            parent2 = self.parent(title2, other_name, address if rng.random() < 0.95 else self.address())
        count = rng.choices((1, 2, 3, 4), weights=(33, 44, 18, 5))[0]  # 1.95 children on average
        children = [self.child(i + 1, last_name) for i in range(count)]
        persons = [self.person(i + 1, last_name, children) for i in range(rng.choices((0, 1, 2), (30, 45, 25))[0])]
        adults = 1 if single else 2
        parts = adults + sum(0.5 if i < 2 else 1 for i in range(count)) + (0.5 if single else 0)
        income = rng.randint(9, 95) * 1000 + rng.randint(0, 999)
        qf = int(income / 12 / parts)
        regime = rng.choices(("CAF", "MSA", "autre"), (90, 7, 3))[0]
        bank_code, bic = rng.choice(BANKS)
        account = f"{int(rng.random() * 1e11):011d}"
        holder = parent1 if rng.random() < 0.8 or parent2 is None else parent2
        return {
            "parent1": parent1, "parent2": parent2,
            "tax": {"income": income, "parts": f"{parts:g}".replace(".", ","), "year": self.today.year - 1},
            "caf": {"regime": regime, "number": str(rng.randint(1000000, 9999999)) if regime != "autre" else "",
                    "qf": qf, "qf_date": f"{self.today.year}-01-01"},
            "bank": {"holder": f"{holder['first_name']} {holder['last_name']}",
                     "iban": iban_fr(bank_code, f"{rng.randint(1, 99999):05d}", account), "bic": bic},
            "persons": persons, "children": children,
            "schema": SCHEMA_VERSION, "family_id": family_id,
            # Every account is older than the ledger's first invoice.
            "created_at": iso_at(self.today - timedelta(days=rng.randint(400 + 365 * (self.years - 1),
                                                                         3000 + 365 * (self.years - 1))), rng),
        }

    # Ledger -----------------------------------------------------------------------------------------

    def ledger(self, sequence: int, record: dict) -> tuple[dict, dict]:
        """Twelve monthly invoices and the payments made on them, balance chained as storage.ledger does."""
        rng = self.rng
        invoices, payments = {}, {}
        payer = rng.choices(("full", "late", "partial"), (80, 12, 8))[0]
        method = rng.choice(METHODS)
        recorded_by = "" if method in ("prelevement", "carte") else AGENT_LOGIN
        qf = record["caf"]["qf"]
        rate = 1.0 if qf > 1200 else 0.8 if qf > 800 else 0.6 if qf > 500 else 0.4
        prices = {service: int(price * rate) for service, price in
                  ((CANTINE, 425), (SOIR, 290), (MATIN, 210), (ETUDE, 250), (LOISIRS, 1650))}
        children = [(c["first_name"], c["extra"]["class_name"] in ("CE1", "CE2", "CM1", "CM2"))
                    for c in record["children"]]
        invoiced = paid = 0
        for period in self.ledger_periods:
            days, month = period["days"], period["month"]
            lines = []
            for name, elementary in children:
                if month in (7, 8):
                    if rng.random() < 0.5:
                        lines.append(_line(name, LOISIRS, rng.randint(3, 15), prices[LOISIRS], "Journée"))
                    continue
                if month == 9 and rng.random() < 0.1:
                    continue
                lines.append(_line(name, CANTINE, max(1, days - rng.randint(0, 4)), prices[CANTINE]))
                if rng.random() < 0.45:
                    lines.append(_line(name, SOIR, rng.randint(2, days), prices[SOIR]))
                if rng.random() < 0.25:
                    lines.append(_line(name, MATIN, rng.randint(2, days), prices[MATIN]))
                if elementary and rng.random() < 0.2:
                    lines.append(_line(name, ETUDE, rng.randint(2, days), prices[ETUDE]))
            if not lines:  # every month has an invoice: in summer at least one child goes to the centre
                lines.append(_line(children[0][0], LOISIRS, rng.randint(3, 15), prices[LOISIRS], "Journée"))
            total = sum(line["amount_cents"] for line in lines)
            previous = invoiced - paid
            invoices[str(len(invoices) + 1)] = {
                "schema": SCHEMA_VERSION, "number": f"{period['period']}{sequence:05d}",
                "period": period["period"], "issued_on": period["issued_on"], "due_on": period["due_on"],
                "lines": lines, "total_cents": total, "previous_balance_cents": previous,
                "amount_due_cents": previous + total, "created_at": period["issued_at"],
            }
            invoiced += total
            # What the family pays on this invoice (a partial payer leaves something each month);
            # a payment is always recorded before the next invoice is issued.
            if payer == "full":
                amount = previous + total
            elif payer == "late":
                amount = previous + total if rng.random() < 0.7 else 0
            else:
                amount = int((previous + total) * rng.choice((0.5, 0.7, 0.9)))
            if method == "prelevement":
                paid_on = period["debit_on"]
            else:
                paid_on = period["issued"] + timedelta(days=rng.randint(5, 25))
            if amount > 0 and paid_on <= self.today:
                paid_iso = paid_on.isoformat()
                payments[str(len(payments) + 1)] = {
                    "schema": SCHEMA_VERSION, "paid_on": paid_iso, "amount_cents": amount, "method": method,
                    "reference": period["debit_reference"] if method == "prelevement"
                    else f"CHQ {rng.randint(1000000, 9999999)}" if method == "cheque" else "",
                    "recorded_by": recorded_by,
                    "created_at": f"{paid_iso}T{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}:00",
                }
                paid += amount
        return invoices, payments

    # Messages ---------------------------------------------------------------------------------------

    def messages(self, record: dict) -> dict:
        """A few conversations in storage.messages' shape (a reply keeps its thread's subject)."""
        rng = self.rng
        table: dict[str, dict] = {}
        parent = record["parent1"]
        family_author = f"{parent['first_name']} {parent['last_name']}"

        def post(author, subject, body, category, thread_id, at, read):
            doc_id = len(table) + 1
            table[str(doc_id)] = {
                "schema": SCHEMA_VERSION, "thread_id": thread_id or doc_id, "author": author,
                "author_name": AGENT_NAME if author == "agent" else family_author, "subject": subject,
                "body": body, "category": category, "created_at": at, "read_at": read}
            return doc_id

        # Each year a few conversations; those of earlier years were all answered and read long ago.
        for ago in range(self.years - 1, -1, -1):
            for _ in range(rng.choices((0, 1, 2, 3), (35, 35, 20, 10))[0]):
                self.conversation(table, post, ago)
        return table

    def conversation(self, table: dict, post, ago: int) -> None:
        """One conversation of the year `ago` years before this one."""
        rng = self.rng
        old = ago > 0
        day = self.today - timedelta(days=rng.randint(6, 330) + 365 * ago)  # replies and readings stay in the past
        if rng.random() < 0.25:
            subject, body, category = rng.choice(AGENT_MESSAGES)
            post("agent", subject, body, category, None, iso_at(day, rng, 8, 17),
                 iso_at(day + timedelta(days=rng.randint(0, 4)), rng) if rng.random() < 0.75 or old else None)
            return
        subject, body, category = rng.choice(FAMILY_MESSAGES)
        thread = post("family", subject, body, category, None, iso_at(day, rng), None)
        if rng.random() < 0.85 or old:  # answered (most are): the agent read it before replying
            reply_day = day + timedelta(days=rng.randint(0, 4))
            table[str(thread)]["read_at"] = iso_at(reply_day, rng, 8, 9)
            post("agent", subject, rng.choice(AGENT_REPLIES), category, thread, iso_at(reply_day, rng, 10, 17),
                 iso_at(reply_day + timedelta(days=1), rng) if rng.random() < 0.8 or old else None)
        elif rng.random() < 0.5:  # still waiting for the town hall, maybe already opened
            table[str(thread)]["read_at"] = iso_at(day + timedelta(days=1), rng, 8, 17)

    def announcement_reads(self, record: dict) -> dict:
        """Which of the town's announcements (published after the account existed) the family opened."""
        rng = self.rng
        reads = {}
        for doc_id, published in enumerate(self.announcement_dates, start=1):
            if published >= record["created_at"] and rng.random() < 0.6:
                read_day = min(self.today, date.fromisoformat(published[:10]) + timedelta(days=rng.randint(0, 10)))
                reads[str(len(reads) + 1)] = {"schema": SCHEMA_VERSION, "announcement_id": doc_id,
                                              "read_at": iso_at(read_day, rng, 18, 23)}
        return reads

    # Requests ---------------------------------------------------------------------------------------

    def request(self, family_id: str, record: dict) -> dict | None:
        """One change request in submit_request's shape (status pending; the caller may decide it)."""
        rng = self.rng
        # At the rentrée most families send their new quotient familial: C.A.F. is the largest section (~600 of the
        # 10,000-family town's ~2,000 pending requests), the agent's batch benchmark (tests/perf/bench_rentree.py).
        kind = rng.choices(("phone", "address", "bank", "caf", "health", "diet", "person"),
                           (25, 15, 12, 40, 16, 8, 12))[0]
        action, target_id, label = "update", None, ""
        if kind == "phone":
            section = "parent1" if record["parent2"] is None or rng.random() < 0.6 else "parent2"
            requested = {"phone_mobile": french_phone(rng, rng.choice(("06", "07")))}
        elif kind == "address":
            section = "parent1"
            requested = self.address()
        elif kind == "bank":
            section = "bank"
            bank_code, bic = rng.choice(BANKS)
            account = f"{int(rng.random() * 1e11):011d}"
            requested = {"iban": iban_fr(bank_code, f"{rng.randint(1, 99999):05d}", account), "bic": bic}
        elif kind == "caf":
            section = "caf"
            requested = {"qf": max(100, record["caf"]["qf"] + rng.randint(-150, 150)),
                         "qf_date": f"{self.today.year}-{self.today.month:02d}-01"}
        elif kind in ("health", "diet"):
            child = rng.choice(record["children"])
            target_id, label = child["id"], child_label(child)
            if kind == "diet":
                section = "child_extra"
                requested = {"diet": rng.choice([d for d in ("standard", "sans_porc", "sans_viande", "vegetarien")
                                                 if d != child["extra"]["diet"]])}
            else:
                section = "child_health"
                requested = {"doctor_name": rng.choice([d for d in DOCTORS if d != child["health"]["doctor_name"]]),
                             "doctor_phone": french_phone(rng, "01")}
        else:
            section, action = "person", "add"
            person = self.person(0, record["parent1"]["last_name"], record["children"])
            del person["id"]
            requested, label = person, person_label(person)
        current = {} if action == "add" else current_values(record, SECTIONS[section], target_id)
        changes = changes_between(SECTIONS[section], current, requested)
        if not changes:
            return None
        created = self.today - timedelta(days=rng.randint(0, 30))
        return {
            "schema": SCHEMA_VERSION, "section": section, "action": action, "target_id": target_id,
            "target_label": label, "changes": changes, "status": "pending", "created_at": iso_at(created, rng),
            "created_by": family_id, "decided_at": None, "decided_by": None, "reason": "",
        }

    def decided(self, family_id: str, record: dict, doc_id: int, ago: int = 0) -> tuple[dict, dict] | None:
        """An older request (of the year `ago` years before this one) already validated or cancelled, and its
        audit line.

        The record is left as it is: a validated change is taken to be what the record already holds,
        so its 'after' values are today's and its 'before' values are plausible older ones.
        """
        request = self.request(family_id, record)
        if request is None or request["action"] == "add":
            return None
        rng = self.rng
        status = "validated" if rng.random() < 0.85 else "cancelled"
        if status == "validated":
            request["changes"] = [dict(c, before=c["after"], after=c["before"]) for c in request["changes"]]
        created = self.today - timedelta(days=rng.randint(40, 330) + 365 * ago)
        decided_at = iso_at(created + timedelta(days=rng.randint(0, 6)), rng, 8, 17)
        reason = "" if status == "validated" else "Merci de joindre un justificatif à votre demande."
        request.update(status=status, created_at=iso_at(created, rng), decided_at=decided_at,
                       decided_by=AGENT_LOGIN, reason=reason)
        audit = {"schema": SCHEMA_VERSION, "at": decided_at, "by": AGENT_LOGIN, "by_kind": "agent",
                 "action": status, "section": request["section"], "target_label": request["target_label"],
                 "changes": request["changes"], "reason": reason, "request_id": doc_id,
                 "overrode_conflicts": False}
        return request, audit

    # The two files of one family ------------------------------------------------------------------

    def family_files(self, family_id: str, sequence: int, password_hash: str,
                     stats: TownStats) -> tuple[bytes, bytes, list[str]]:
        """The encoded family file and ledger file of one new family, and its invoice numbers; counts what it
        holds into stats."""
        rng = self.rng
        record = self.record(family_id)
        account = {"schema": SCHEMA_VERSION, "password_hash": password_hash, "active": rng.random() > 0.01,
                   "password_changed_at": record["created_at"]}
        tables = {"record": {"1": record}, "account": {"1": account}}
        requests, audit = {}, {}
        for ago in range(self.years - 1, -1, -1):  # oldest first, as the audit trail grows
            if rng.random() < 0.25:
                decided = self.decided(family_id, record, len(requests) + 1, ago)
                if decided:
                    requests[str(len(requests) + 1)], audit[str(len(audit) + 1)] = decided
                    stats.decided_requests += 1
        if rng.random() < self.pending_ratio:
            pending = self.request(family_id, record)
            if pending:
                requests[str(len(requests) + 1)] = pending
                stats.pending_requests += 1
                stale_quotient(rng, record, pending)
        messages = self.messages(record)
        reads = self.announcement_reads(record)
        for name, table in (("requests", requests), ("messages", messages), ("audit", audit),
                            ("announcement_reads", reads)):
            if table:
                tables[name] = table
        invoices, payments = self.ledger(sequence, record)
        family_bytes = encode(tables)
        ledger_bytes = encode({"invoices": invoices, "payments": payments})

        stats.family_ids.append(family_id)
        stats.families += 1
        stats.children += len(record["children"])
        stats.persons += len(record["persons"])
        stats.invoices += len(invoices)
        stats.payments += len(payments)
        stats.messages += len(messages)
        stats.bytes_written += len(family_bytes) + len(ledger_bytes)
        return family_bytes, ledger_bytes, [invoice["number"] for invoice in invoices.values()]


def stale_quotient(rng: random.Random, record: dict, request: dict) -> None:
    """For about 1 in 20 pending C.A.F. requests, the town hall changed the quotient since the family asked (the record
    no longer holds the value the request started from): the agent must see the conflict, a batch must not validate it."""
    change = next((c for c in request["changes"] if c["field"] == "qf"), None)
    if request["section"] == "caf" and change is not None and rng.random() < 0.05:
        record["caf"]["qf"] = min(change["before"], change["after"]) - 1


class _NumberRegisterWriter:
    """Writes the register of invoice numbers (storage/invoice_numbers.py) while the families are drawn.

    A family's numbers continue the previous family's (same periods, next sequence), so a shard file that the
    current family does not touch gets no more numbers: it is written then, and memory stays flat.
    """

    def __init__(self, data_dir: Path):
        self.folder = data_dir / NUMBER_FOLDER
        self.folder.mkdir(exist_ok=True)
        self.pending: dict[str, dict[str, str]] = {}
        self.bytes_written = 0

    def add(self, family_id: str, numbers: list[str]) -> None:
        touched = set()
        for number in numbers:
            name = shard_name(number)
            touched.add(name)
            self.pending.setdefault(name, {})[number] = family_id
        for name in [name for name in self.pending if name not in touched]:
            self._write(name, self.pending.pop(name))

    def close(self) -> None:
        for name, owners in self.pending.items():
            self._write(name, owners)
        self.pending = {}

    def _write(self, name: str, owners: dict[str, str]) -> None:
        path = self.folder / f"{name}.json"
        earlier = read_raw(path)  # a shard met again (another numbering than this generator's): merge
        if earlier:
            owners = dict(earlier[NUMBER_TABLE]["1"]["owners"], **owners)
        data = encode(shard_document(owners))
        path.write_bytes(data)
        self.bytes_written += len(data)


def _line(child: str, service: str, quantity: int, unit_price_cents: int, detail: str = "") -> dict:
    # Same shape as storage.ledger.invoice_line (inlined: it is called ~600,000 times for 10,000 families).
    return {"child": child, "service": service, "detail": detail, "quantity": quantity,
            "unit_price_cents": unit_price_cents, "amount_cents": quantity * unit_price_cents}


# --- The town -----------------------------------------------------------------------------------------

def generate_town(data_dir, families: int = 10000, seed: int = 1, pending_ratio: float = 0.2,
                  today: date | None = None, password_hash: str | None = None,
                  agent_password_hash: str | None = None, years: int = 1) -> TownStats:
    """Write `families` generated families (plus the agent account) into an empty data folder.

    About pending_ratio of the families have one pending request; each year about a quarter have a
    request decided (with its audit line). years: how much history (invoices, messages, decisions,
    announcements) the town has. password_hash / agent_password_hash let a caller reuse hashes it
    already has (each scrypt hash costs ~50 ms).
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    data_dir = Path(data_dir)
    family_folder, ledger_folder = data_dir / "families", data_dir / "ledgers"
    family_folder.mkdir(parents=True, exist_ok=True)
    ledger_folder.mkdir(parents=True, exist_ok=True)
    if any(family_folder.glob("*.json")):
        raise FileExistsError(f"{family_folder} already holds families")
    rng = FastRandom(seed)
    town = _Town(rng, today or clock.today(), pending_ratio, years)
    stats = TownStats(data_dir, years)
    register = _NumberRegisterWriter(data_dir)
    password_hash = password_hash or hash_password(FAMILY_PASSWORD)

    numbers = sorted(rng.sample(range(10_000_000), families))
    # Creating 2 files per family costs about as much as drawing it: one writer thread overlaps the two
    # (file I/O releases the GIL); a bounded backlog keeps memory flat.
    backlog: list = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="town-writer") as writer:
        for sequence, number in enumerate(numbers, start=1):
            family_id = f"77{number:07d}"
            family_bytes, ledger_bytes, invoice_numbers = town.family_files(family_id, sequence, password_hash, stats)
            register.add(family_id, invoice_numbers)
            backlog.append(writer.submit(_write_pair, family_folder / f"{family_id}.json", family_bytes,
                                         ledger_folder / f"{family_id}.json", ledger_bytes))
            if len(backlog) >= 512:
                for done in backlog[:256]:
                    done.result()
                del backlog[:256]
        for done in backlog:
            done.result()
    register.close()
    stats.bytes_written += register.bytes_written

    announcements = data_dir / "announcements.json"  # storage.messages: one global file for every family
    if not announcements.exists():
        announcements.write_bytes(encode({"announcements": {
            str(doc_id): {"schema": SCHEMA_VERSION, "author_name": AGENT_NAME, "subject": subject, "body": body,
                          "category": category, "created_at": created_at}
            for doc_id, (subject, body, category, created_at) in enumerate(town.announcements, start=1)}}))
    agents = Agents(DocumentStore(data_dir))
    if agents.get(AGENT_LOGIN) is None:
        agents.create(AGENT_LOGIN, AGENT_NAME, agent_password_hash or hash_password(AGENT_PASSWORD))
    stats.seconds = time.perf_counter() - started
    stats.cpu_seconds = time.process_time() - cpu_started
    return stats


def _write_pair(path1: Path, data1: bytes, path2: Path, data2: bytes) -> None:
    path1.write_bytes(data1)
    path2.write_bytes(data2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate a town of realistic families into a data folder.")
    parser.add_argument("--families", type=int, default=10000, help="number of families (default 10000)")
    parser.add_argument("--data", required=True, help="data folder to fill (must hold no families)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pending-ratio", type=float, default=0.2, help="share of families with a pending request")
    parser.add_argument("--years", type=int, default=1, help="years of history: 12 invoices a year per family, "
                                                              "messages, decisions, announcements (default 1)")
    args = parser.parse_args(argv)
    try:
        stats = generate_town(args.data, args.families, args.seed, args.pending_ratio, years=args.years)
    except FileExistsError as error:
        print(f"Refused: {error}", file=sys.stderr)
        return 1
    print(stats.summary())
    print(f"Every family's password: {FAMILY_PASSWORD}; agent: {AGENT_LOGIN} / {AGENT_PASSWORD}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
