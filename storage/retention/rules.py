"""The retention rules: each removes one kind of data kept longer than allowed, and says how many things it removed.

A family rule sees one family's file and ledger (FamilyData). In a preview they are snapshots whose changes are
thrown away; in a run they are the open transactions of both files. The same code counts both ways, so a preview
announces exactly what a run on the same day does. A family rule changes the documents and lists the uploads and
mails to delete once the files are written (a crash in between leaves unused files, which the next run removes).
A commune rule works on the commune's files and counts without changing anything when asked for a dry run.

A new kind of data (the validated documents, "pièces", kept as the family's files) is one more Kind, one more rule in
FAMILY_RULES (and its Period in periods.py); anonymisation already drops every table of the family file but the
record and the account, so it takes the new table with it.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Callable

from tinydb import TinyDB
from tinydb.table import Document, Table

from storage.certificates import KEPT_STATUSES
from storage.counters import Numbers
from storage.documents import SCHEMA_VERSION
from storage.families import RECORD_ID, Families, account_of, is_family_id, record_of
from storage.index import FamilyIndex
from storage.mail.outbox import Outbox
from storage.messages import threads_of
from storage.photos import FamilyFiles
from storage.preregistrations import Preregistrations
from storage.sessions import SessionStore

UPLOAD_GRACE_SECONDS = 3600  # a photo is saved just before its request is written: never take a file that young
DECIDED = ("validated", "cancelled", "withdrawn")
ANONYMISED, DELETED = "anonymised", "deleted"
# The dates a family's documents carry: the latest of them is the family's last activity.
ACTIVITY_FIELDS = ("created_at", "decided_at", "at", "read_at", "issued_on", "paid_on", "password_changed_at",
                   "deactivated_at", "validated_at")
MAIL_PERIODS = {"sent": "mails_sent", "failed": "mails_failed"}


@dataclass(frozen=True)
class Kind:
    """One kind of data the purge counts: its French label and when it goes ({period} names a cut-off day)."""
    key: str
    label: str
    when: str


KINDS: tuple[Kind, ...] = (
    Kind("families_anonymised", "Familles anonymisées",
         "compte désactivé, aucune activité depuis le {families}, avec des factures ou des paiements"),
    Kind("families_deleted", "Familles supprimées",
         "compte désactivé, aucune activité depuis le {families}, sans facture ni paiement"),
    Kind("conversations", "Conversations", "dernier message avant le {messages}"),
    Kind("certificates", "Justificatifs d'absence", "absence terminée et validée avant le {certificates}"),
    Kind("requests", "Demandes traitées", "décidées avant le {requests}"),
    Kind("audit_details", "Lignes d'historique allégées (valeurs, motif et nom retirés)", "avant le {requests}"),
    Kind("unused_files", "Fichiers inutilisés",
         "photos et justificatifs de demandes retirées ou annulées, ou d'une famille supprimée : sans délai"),
    Kind("password_links", "Liens « choisir un mot de passe » expirés", "dès leur expiration"),
    Kind("sessions", "Sessions de connexion expirées", "dès leur expiration"),
    Kind("mails_sent", "Courriels envoyés", "créés avant le {mails_sent}"),
    Kind("mails_failed", "Courriels en échec", "créés avant le {mails_failed}"),
    Kind("preregistrations", "Pré-inscriptions traitées", "décidées avant le {preregistrations}"),
)
KIND_LABELS = {kind.key: kind.label for kind in KINDS}


@dataclass(frozen=True)
class Limits:
    """What one run (or preview) compares dates with: the cut-off day of each period, and now."""
    today: date
    now: str                 # local ISO time, for the marks the purge leaves (anonymised_at…)
    timestamp: float         # the calendar clock's instant: expiry of password links
    before: dict[str, str]   # period key -> ISO day; data dated before it goes
    upload_grace_ts: float = field(default_factory=lambda: time.time() - UPLOAD_GRACE_SECONDS)  # files' mtimes


@dataclass(frozen=True)
class Stores:
    """The commune's stores the rules read and change."""
    families: Families
    index: FamilyIndex
    numbers: Numbers
    photos: FamilyFiles
    certificates: FamilyFiles
    outbox: Outbox
    sessions: SessionStore
    preregistrations: Preregistrations


@dataclass
class FamilyData:
    """One family as the family rules see it, and what they leave to do once its files are written. Its ledger is read
    (or its transaction opened) only when a rule asks for it: most families' rules never do."""
    family_id: str
    db: TinyDB
    open_ledger: Callable[[], TinyDB]
    stores: Stores
    doomed_files: list[tuple[FamilyFiles, str]] = field(default_factory=list)
    doomed_mails: list[tuple[str, str]] = field(default_factory=list)  # (status, mail id)
    doomed_preregistrations: list[int] = field(default_factory=list)
    closed: str = ""  # ANONYMISED or DELETED: no other rule looks at the family
    also_counted: Counter = field(default_factory=Counter)  # kinds besides the rule's own (a closed family's mails)

    _ledger: TinyDB | None = None

    @property
    def ledger(self) -> TinyDB:
        if self._ledger is None:
            self._ledger = self.open_ledger()
        return self._ledger

    @property
    def uploads(self) -> tuple[FamilyFiles, FamilyFiles]:
        return self.stores.photos, self.stores.certificates


@dataclass(frozen=True)
class FamilyRule:
    kind: str
    apply: Callable[[FamilyData, Limits], int]


@dataclass(frozen=True)
class CommuneRule:
    kind: str
    apply: Callable[[Stores, Limits, bool], int]  # (stores, limits, dry_run) -> how many


def _replace(table: Table, document: dict) -> None:
    """Make document the table's single document (TinyDB's update cannot remove fields)."""
    table.truncate()
    table.insert(Document(document, doc_id=RECORD_ID))


# --- families whose account is deactivated ---------------------------------------------------------------

def last_activity(data: FamilyData) -> str:
    """The latest date any document of the family's two files carries ('' when none does)."""
    latest = ""
    for db in (data.db, data.ledger):
        for name in db.tables():
            for document in db.table(name).all():
                for name_of_date in ACTIVITY_FIELDS:
                    value = document.get(name_of_date)
                    if isinstance(value, str) and value > latest:
                        latest = value
    return latest


def _inactive(data: FamilyData, limits: Limits) -> bool:
    account = account_of(data.db)
    return (account.get("active", True) is False and not account.get("anonymised_at")
            and last_activity(data) < limits.before["families"])


def _has_accounts(ledger: TinyDB) -> bool:
    """Invoices or payments, which accounting must keep."""
    return bool(len(ledger.table("invoices")) or len(ledger.table("payments")))


def _close(data: FamilyData, limits: Limits, how: str) -> None:
    """Everything else the family leaves: every upload, its mails, its pre-registration (those of them the age rules
    do not take anyway, so that no mail or pre-registration is counted twice)."""
    data.closed = how
    for files in data.uploads:
        data.doomed_files += [(files, name) for name in files.names(data.family_id)]
    outbox = data.stores.outbox
    for status, period in MAIL_PERIODS.items():
        old = set(outbox.ids_created_before(status, _local_midnight(limits.before[period])))
        young = [mail_id for mail_id in outbox.family_mail_ids(status, data.family_id) if mail_id not in old]
        data.doomed_mails += [(status, mail_id) for mail_id in young]
        data.also_counted[period] += len(young)
    kept = data.stores.preregistrations.decided_of_family(data.family_id, since=limits.before["preregistrations"])
    data.doomed_preregistrations += kept
    data.also_counted["preregistrations"] += len(kept)


def delete_inactive_family(data: FamilyData, limits: Limits) -> int:
    """A deactivated family without invoice or payment, inactive for the period: it goes entirely."""
    if not _inactive(data, limits) or _has_accounts(data.ledger):
        return 0
    _close(data, limits, DELETED)
    return 1


def anonymise_inactive_family(data: FamilyData, limits: Limits) -> int:
    """A deactivated family with invoices or payments, inactive for the period: only its accounts stay, nameless."""
    if not _inactive(data, limits) or not _has_accounts(data.ledger):
        return 0
    anonymise(data, limits.now)
    _close(data, limits, ANONYMISED)
    return 1


def anonymise(data: FamilyData, now: str) -> None:
    """Keep the amounts, numbers and dates of the accounts; drop every name, address, contact, bank, tax, CAF and
    health datum, the children, persons, requests, messages and history. The balance and the relevé do not change."""
    db, ledger, family_id = data.db, data.ledger, data.family_id
    record, account = record_of(db), account_of(db)
    _replace(db.table("record"), {
        "schema": SCHEMA_VERSION, "family_id": family_id, "created_at": record.get("created_at", ""),
        "anonymised_at": now, "parent1": {}, "parent2": None, "tax": {}, "caf": {}, "bank": {}, "persons": [],
        "children": []})
    _replace(db.table("account"), {
        "schema": SCHEMA_VERSION, "password_hash": "", "active": False, "temporary_password": False,
        "password_link": None, "deactivated_at": account.get("deactivated_at"), "anonymised_at": now})
    for name in set(db.tables()) - {"record", "account"}:
        db.drop_table(name)
    invoices = ledger.table("invoices")
    for invoice in invoices.all():
        invoices.update({"billed_to": {"family_id": family_id, "name": "", "address": []},
                         "lines": [dict(line, child="", detail="") for line in invoice.get("lines", [])]},
                        doc_ids=[invoice.doc_id])
    attempts = ledger.table("online_payments")
    for attempt in attempts.all():
        if attempt.get("email"):
            attempts.update({"email": ""}, doc_ids=[attempt.doc_id])


# --- what a family's file holds -------------------------------------------------------------------------------

def remove_old_conversations(data: FamilyData, limits: Limits) -> int:
    """Conversations whose last message is older than the period, every message of them."""
    old = [thread for thread in threads_of(data.db) if thread.last_at < limits.before["messages"]]
    if old:
        data.db.table("messages").remove(doc_ids=[message.doc_id for thread in old for message in thread.messages])
    return len(old)


def remove_old_certificates(data: FamilyData, limits: Limits) -> int:
    """Certificates of validated absences that ended (and were validated) before the period; the absence stays."""
    absences, requests = data.db.table("absences"), data.db.table("requests")
    removed = 0
    for absence in absences.all():
        name = absence.get("certificate")
        over = max(absence.get("end") or "", (absence.get("created_at") or "")[:10])  # the absence ended, validated
        if not name or over >= limits.before["certificates"]:
            continue
        absences.update({"certificate": None, "certificate_removed_on": limits.today.isoformat()},
                        doc_ids=[absence.doc_id])
        request = requests.get(doc_id=absence["request_id"]) if isinstance(absence.get("request_id"), int) else None
        if request is not None and (request.get("payload") or {}).get("certificate") == name:
            requests.update({"payload": dict(request["payload"], certificate=None)}, doc_ids=[request.doc_id])
        data.doomed_files.append((data.stores.certificates, name))
        removed += 1
    return removed


def _keeps_certificate(request: dict) -> bool:
    """A validated absence request whose certificate is still kept: it goes with its certificate, not before."""
    return request.get("status") == "validated" and bool((request.get("payload") or {}).get("certificate"))


def remove_decided_requests(data: FamilyData, limits: Limits) -> int:
    """Requests validated, cancelled or withdrawn before the period (pending ones never)."""
    requests = data.db.table("requests")
    old = [request.doc_id for request in requests.all()
           if request.get("status") in DECIDED and not _keeps_certificate(request)
           and (request.get("decided_at") or request.get("created_at") or "") < limits.before["requests"]]
    if old:
        requests.remove(doc_ids=old)
    return len(old)


def _has_details(line: dict) -> bool:
    return bool(line.get("reason") or line.get("target_label")
                or any(set(change) - {"field", "label"} for change in line.get("changes") or []))


def remove_audit_details(data: FamilyData, limits: Limits) -> int:
    """History lines older than the period keep who, when, what action and which fields; not the values, the reason or
    the name of the child or person concerned."""
    audit = data.db.table("audit")
    lightened = 0
    for line in audit.all():
        if (line.get("at") or "") >= limits.before["requests"] or not _has_details(line):
            continue
        audit.update({"changes": [{"field": change.get("field"), "label": change.get("label", "")}
                                  for change in line.get("changes") or []],
                      "reason": "", "target_label": "", "details_removed_on": limits.today.isoformat()},
                     doc_ids=[line.doc_id])
        lightened += 1
    return lightened


def remove_expired_password_link(data: FamilyData, limits: Limits) -> int:
    """A link to choose a password that has expired (its digest is of no use any more)."""
    link = account_of(data.db).get("password_link")
    if not isinstance(link, dict) or float(link.get("expires_ts") or 0) > limits.timestamp:
        return 0
    data.db.table("account").update({"password_link": None}, doc_ids=[RECORD_ID])
    return 1


def remove_unused_uploads(data: FamilyData, limits: Limits) -> int:
    """Photos and certificates no document of the family points to (a request withdrawn or cancelled, a photo
    replaced) whose deletion a crash interrupted; files younger than an hour may be waiting for their request."""
    record, requests = record_of(data.db), data.db.table("requests").all()
    photos = {child.get("photo") for child in record.get("children", [])}
    photos |= {change.get("after") for request in requests
               if request.get("section") == "child_photo" and request.get("status") == "pending"
               for change in request.get("changes", [])}
    certificates = {(request.get("payload") or {}).get("certificate") for request in requests
                    if request.get("section") == "absence" and request.get("status") in KEPT_STATUSES}
    certificates |= {absence.get("certificate") for absence in data.db.table("absences").all()}
    already = {(files.folder, name) for files, name in data.doomed_files}
    unused = 0
    for files, used in ((data.stores.photos, photos), (data.stores.certificates, certificates)):
        for name in files.names(data.family_id):
            path = files.path(data.family_id, name)
            if name in used or (files.folder, name) in already or path is None \
                    or path.stat().st_mtime > limits.upload_grace_ts:
                continue
            data.doomed_files.append((files, name))
            unused += 1
    return unused


# Deactivated families first: a family they close is not looked at by the other rules.
FAMILY_RULES: tuple[FamilyRule, ...] = (
    FamilyRule("families_deleted", delete_inactive_family),
    FamilyRule("families_anonymised", anonymise_inactive_family),
    FamilyRule("conversations", remove_old_conversations),
    FamilyRule("certificates", remove_old_certificates),
    FamilyRule("requests", remove_decided_requests),
    FamilyRule("audit_details", remove_audit_details),
    FamilyRule("password_links", remove_expired_password_link),
    FamilyRule("unused_files", remove_unused_uploads),
)


def apply_family_rules(data: FamilyData, limits: Limits) -> Counter:
    """Apply every family rule to one family; how many things of each kind they removed."""
    counts: Counter = Counter()
    if account_of(data.db).get("anonymised_at"):
        return counts
    for rule in FAMILY_RULES:
        counts[rule.kind] += rule.apply(data, limits)
        if data.closed:
            break
    counts.update(data.also_counted)
    return +counts


# --- the commune's files ------------------------------------------------------------------------------------

def _local_midnight(day: str) -> float:
    return datetime.fromisoformat(day).timestamp()


def _old_mails(status: str) -> Callable[[Stores, Limits, bool], int]:
    def remove(stores: Stores, limits: Limits, dry_run: bool) -> int:
        old = stores.outbox.ids_created_before(status, _local_midnight(limits.before[MAIL_PERIODS[status]]))
        return len(old) if dry_run else stores.outbox.delete(status, old)
    remove.__doc__ = f"{status.capitalize()} mails created before their period (pending mails never)."
    return remove


def remove_decided_preregistrations(stores: Stores, limits: Limits, dry_run: bool) -> int:
    """Pre-registrations validated or cancelled before the period (pending ones never)."""
    old = stores.preregistrations.decided_before(limits.before["preregistrations"])
    return len(old) if dry_run else len(stores.preregistrations.forget(old))


def remove_expired_sessions(stores: Stores, limits: Limits, dry_run: bool) -> int:
    """Login sessions past their idle or absolute expiry, still in sessions.json."""
    return stores.sessions.forget_expired(dry_run=dry_run)


def remove_uploads_without_family(stores: Stores, limits: Limits, dry_run: bool) -> int:
    """Upload folders of a family that no longer exists (its deletion was interrupted)."""
    removed = 0
    for files in (stores.photos, stores.certificates):
        if not files.folder.is_dir():
            continue
        for folder in sorted(files.folder.iterdir()):
            if not folder.is_dir() or not is_family_id(folder.name) or stores.families.exists(folder.name):
                continue
            names = files.names(folder.name)
            removed += len(names)
            if not dry_run:
                for name in names:
                    files.delete(folder.name, name)
                remove_empty_folder(files, folder.name)
    return removed


def remove_empty_folder(files: FamilyFiles, family_id: str) -> None:
    try:
        (files.folder / family_id).rmdir()
    except OSError:  # absent, or not empty (a file arrived meanwhile): nothing to do
        pass


COMMUNE_RULES: tuple[CommuneRule, ...] = (
    CommuneRule("mails_sent", _old_mails("sent")),
    CommuneRule("mails_failed", _old_mails("failed")),
    CommuneRule("preregistrations", remove_decided_preregistrations),
    CommuneRule("sessions", remove_expired_sessions),
    CommuneRule("unused_files", remove_uploads_without_family),
)
