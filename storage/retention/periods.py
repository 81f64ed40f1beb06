"""The retention periods the agent sets in Paramètres › Conservation des données: their lawful defaults, why, their
bounds, the form's validation, and the cut-off dates they give on a day.

settings["retention"] holds one whole number per period (months or days, as the period says) and the hour of the
daily purge. A new kind of data with its own period adds one Period here and one rule in rules.py.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS, DAYS = "mois", "jours"


@dataclass(frozen=True)
class Period:
    """How long one kind of data is kept after the moment given by `after`."""
    key: str        # in settings["retention"] and the form
    label: str      # French: what is kept
    unit: str       # MONTHS or DAYS
    default: int
    minimum: int
    maximum: int
    after: str      # French: the moment the period starts from
    hint: str       # French: why this default, what goes and what stays


PERIODS: tuple[Period, ...] = (
    Period("messages", "Conversations avec la mairie", MONTHS, 24, 6, 120, "après le dernier message",
           "Le temps de répondre et de retrouver un échange en cas de réclamation. Passé ce délai, toute la "
           "conversation est supprimée (les annonces à toutes les familles ne sont pas concernées)."),
    Period("requests", "Détail des demandes traitées", MONTHS, 24, 3, 120, "après la décision",
           "Les demandes validées, annulées ou retirées sont supprimées, et l'historique de la famille ne garde "
           "que qui a décidé quoi, quand, et quels champs ont changé, sans les anciennes ni les nouvelles valeurs "
           "(les valeurs à jour sont dans la fiche). Les demandes en attente ne sont jamais supprimées."),
    Period("certificates", "Justificatifs d'absence", MONTHS, 12, 1, 120,
           "après la fin de l'absence (ou sa validation, si elle est plus tardive)",
           "Un certificat médical est une donnée de santé : il sert seulement à justifier une absence non "
           "facturée, le temps de contester la facture du mois. L'absence elle-même reste enregistrée."),
    Period("pieces", "Pièces justificatives validées", MONTHS, 24, 3, 120,
           "après la validation de la demande (ou de la pré-inscription)",
           "Avis d'imposition, attestation CAF, RIB, carnet de vaccination, justificatif de domicile : une pièce sert "
           "à vérifier une demande, puis à répondre à un contrôle ou à une contestation du tarif ou d'une facture. "
           "Passé ce délai, le fichier est supprimé ; la fiche garde les informations validées. Les pièces des "
           "demandes en attente ne sont jamais concernées."),
    Period("families", "Familles dont le compte est désactivé", MONTHS, 36, 12, 120,
           "après leur dernière activité (demande, message, facture, paiement, désactivation)",
           "Au-delà de trois ans sans aucun contact, les données ne servent plus au service. Une famille qui a des "
           "factures ou des paiements est anonymisée, car la comptabilité doit les garder : montants, numéros et "
           "dates restent (le solde et le relevé ne changent pas) ; noms, adresses, téléphones, e-mails, données "
           "fiscales, CAF, bancaires et sanitaires, enfants, personnes autorisées, photos, justificatifs, demandes "
           "et messages sont supprimés. Une famille sans facture ni paiement est supprimée entièrement. Son numéro "
           "n'est jamais redonné. Les comptes actifs ne sont jamais concernés."),
    Period("preregistrations", "Pré-inscriptions traitées", MONTHS, 12, 1, 60, "après la décision",
           "Validée, ses informations sont déjà dans la fiche de la famille ; refusée, elles ne servent plus. Les "
           "pré-inscriptions en attente ne sont jamais supprimées."),
    Period("mails_sent", "Courriels envoyés", DAYS, 90, 7, 3650, "après leur création",
           "La trace d'un envoi récent (une décision, un lien d'accès) si la famille dit ne pas l'avoir reçu ; "
           "au-delà, elle n'apprend plus rien."),
    Period("mails_failed", "Courriels en échec", DAYS, 365, 30, 3650, "après leur création",
           "Le temps de corriger l'adresse et de renvoyer. Les courriels en attente d'envoi ne sont jamais "
           "supprimés."),
)
PERIODS_BY_KEY = {period.key: period for period in PERIODS}
HOUR_KEY = "hour"
DEFAULT_HOUR = 3  # at night, before the town hall opens
RETENTION_DEFAULTS = {**{period.key: period.default for period in PERIODS}, HOUR_KEY: DEFAULT_HOUR}
_WHOLE_NUMBER = re.compile(r"[0-9]{1,5}")


def clean_retention_form(form: Mapping) -> tuple[dict, dict]:
    """(periods and hour as whole numbers, errors in French by field name) from the Conservation form."""
    clean, errors = {}, {}
    for period in PERIODS:
        text = str(form.get(period.key) or "").strip()
        if _WHOLE_NUMBER.fullmatch(text) and period.minimum <= int(text) <= period.maximum:
            clean[period.key] = int(text)
        else:
            errors[period.key] = (f"Indiquez un nombre entier de {period.unit} entre {period.minimum} et "
                                  f"{period.maximum}.")
    text = str(form.get(HOUR_KEY) or "").strip()
    if re.fullmatch(r"[0-9]{1,2}", text) and int(text) <= 23:
        clean[HOUR_KEY] = int(text)
    else:
        errors[HOUR_KEY] = "Indiquez une heure entière entre 0 et 23."
    return clean, errors


def save_retention_settings(settings, form: Mapping) -> dict:
    """Check the form again and store it under settings["retention"]; returns the errors (nothing stored if any)."""
    clean, errors = clean_retention_form(form)
    if not errors:
        settings.save({"retention": clean})
    return errors


def retention_values(settings) -> dict:
    """The periods and hour in force: the stored ones, a missing or damaged one replaced by its default."""
    stored = settings["retention"] if isinstance(settings["retention"], dict) else {}
    clean, errors = clean_retention_form({key: str(stored.get(key, "")) for key in RETENTION_DEFAULTS})
    return {key: RETENTION_DEFAULTS[key] if key in errors else clean[key] for key in RETENTION_DEFAULTS}


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def cutoff(today: date, period: Period, value: int) -> date:
    """Data dated before this day has been kept longer than the period allows."""
    return months_before(today, value) if period.unit == MONTHS else today - timedelta(days=value)


def cutoffs(today: date, values: Mapping) -> dict[str, str]:
    """Period key -> ISO day before which its data goes, for the periods in values."""
    return {period.key: cutoff(today, period, int(values[period.key])).isoformat() for period in PERIODS}
