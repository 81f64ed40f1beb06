"""Who receives a family's notices and which ones it wants: the account holder's address, the topics it can turn off
(stored on the family's account document), and the commune's notice settings (reminder delay, agent's summary).

Mails go to the account holder (Responsable, parent1) only: the town hall bills and answers that parent, and a second
parent living elsewhere is not always entitled to every message. A family without a valid address gets no mail and is
told so on its home page.
"""
from __future__ import annotations

from storage.families import RECORD_ID, Families
from storage.mail.addresses import valid_email

# Topics a family may turn off, each on by default: (label, hint). Decisions on its requests and security mails
# (password, address change) are always sent and are not listed here.
TOPICS = {
    "invoices": ("Nouvelles factures et reçus de paiement", "un courriel à chaque facture émise et à chaque paiement "
                                                             "en ligne enregistré"),
    "reminders": ("Rappels avant l'échéance", "un rappel quelques jours avant la date limite d'une facture non payée"),
    "messages": ("Messages et annonces de la mairie", "un courriel quand la mairie vous répond ou écrit à toutes les "
                                                      "familles"),
}
ALWAYS_SENT = ("Décisions sur vos demandes (modifications, inscriptions, absences)",
               "Sécurité de votre compte (mot de passe, adresse e-mail)")
# The commune's settings["notices"]: days before the due date for the reminder (0: no reminder), the agent's daily
# summary of new requests and messages (sent to the commune's e-mail address).
NOTICE_DEFAULTS = {"reminder_days": 5, "agent_summary": False}
MAX_REMINDER_DAYS = 60


def family_address(record: dict) -> str | None:
    """The address a family's notices go to: the account holder's e-mail, when it is a valid one."""
    address = str((record.get("parent1") or {}).get("email") or "").strip()
    return address if valid_email(address) else None


def wanted_topics(account: dict) -> dict[str, bool]:
    """topic -> whether the family wants it (a topic never chosen is on)."""
    chosen = account.get("notices") or {}
    return {topic: bool(chosen.get(topic, True)) for topic in TOPICS}


def wants(account: dict, topic: str | None) -> bool:
    """Whether a notice of that topic goes to the family; None is a notice that is always sent."""
    return topic is None or wanted_topics(account)[topic]


def save_wanted_topics(families: Families, family_id: str, checked: set[str]) -> dict[str, bool]:
    """Store the family's choice (the topics in checked are on, the others off) on its account; returns it."""
    choice = {topic: topic in checked for topic in TOPICS}
    with families.transaction(family_id) as db:
        db.table("account").update({"notices": choice}, doc_ids=[RECORD_ID])
    return choice


def clean_notice_settings(form: dict, current: dict) -> tuple[dict, dict]:
    """(settings["notices"] to store, errors by field) from the Paramètres form; a blank delay keeps the current one."""
    text = str(form.get("reminder_days") or "").strip()
    if not text:
        return {"reminder_days": current["reminder_days"], "agent_summary": form.get("agent_summary") == "1"}, {}
    errors = {}
    if not (text.isdigit() and len(text) <= 3 and int(text) <= MAX_REMINDER_DAYS):
        errors["reminder_days"] = (f"Indiquez un nombre de jours entre 0 et {MAX_REMINDER_DAYS} "
                                   "(0 : pas de rappel).")
    days = int(text) if not errors else current["reminder_days"]
    return {"reminder_days": days, "agent_summary": form.get("agent_summary") == "1"}, errors
