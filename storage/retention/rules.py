"""The retention rules: each removes one kind of data kept longer than allowed, and says how many things it removed.

A family rule sees one family's file and ledger (FamilyData). In a preview they are snapshots whose changes are
thrown away; in a run they are the open transactions of both files. The same code counts both ways, so a preview
announces exactly what a run on the same day does. A family rule changes the documents and lists the uploads and
mails to delete once the files are written (a crash in between leaves unused files, which the next run removes).
A commune rule works on the commune's files and counts without changing anything when asked for a dry run.

A new kind of data is one more Kind, one more rule in FAMILY_RULES (and its Period in periods.py); anonymisation
already drops every table of the family file but the record and the account, so it takes a new table with it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from storage.certificates import KEPT_STATUSES
from storage.families import RECORD_ID, account_of, is_family_id, record_of
from storage.messages import threads_of
from storage.payment.of_the_day import DAYS_KEPT, day_lists_before
from storage.photos import FamilyFiles
from storage.retention.inactive_families import MAIL_PERIODS, anonymise_inactive_family, delete_inactive_family
from storage.retention.scope import CommuneRule, FamilyData, FamilyRule, Limits, Stores, local_midnight

DECIDED = ("validated", "cancelled", "withdrawn")


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
    Kind("pieces", "Pièces justificatives validées", "validées avant le {pieces}"),
    Kind("requests", "Demandes traitées", "décidées avant le {requests}"),
    Kind("audit_details", "Lignes d'historique allégées (valeurs, motif et nom retirés)", "avant le {requests}"),
    Kind("unused_files", "Fichiers inutilisés",
         "photos et justificatifs de demandes retirées ou annulées, ou d'une famille supprimée : sans délai"),
    Kind("password_links", "Liens « choisir un mot de passe » expirés", "dès leur expiration"),
    Kind("sessions", "Sessions de connexion expirées", "dès leur expiration"),
    Kind("mails_sent", "Courriels envoyés", "créés avant le {mails_sent}"),
    Kind("mails_failed", "Courriels en échec", "créés avant le {mails_failed}"),
    Kind("preregistrations", "Pré-inscriptions traitées", "décidées avant le {preregistrations}"),
    Kind("payments_of_day", "Listes des paiements en ligne du jour", f"au bout de {DAYS_KEPT} jours"),
)
KIND_LABELS = {kind.key: kind.label for kind in KINDS}


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


def remove_old_pieces(data: FamilyData, limits: Limits) -> int:
    """The family's pièces validated before the period: the file, its row and the validated request's mention of it
    (so that neither the family nor the agent is offered a document that is gone)."""
    pieces, requests = data.db.table("pieces"), data.db.table("requests")
    old = [piece for piece in pieces.all()
           if (piece.get("validated_at") or piece.get("created_at") or "") < limits.before["pieces"]]
    if not old:
        return 0
    pieces.remove(doc_ids=[piece.doc_id for piece in old])
    gone = {piece["file"] for piece in old}
    for request in requests.all():
        documents = request.get("documents") or []
        if any(document.get("file") in gone for document in documents):
            requests.update({"documents": [d for d in documents if d.get("file") not in gone]},
                            doc_ids=[request.doc_id])
    data.doomed_files += [(data.stores.pieces, name) for name in sorted(gone)]
    return len(old)


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
    """Photos, certificates and supporting documents no document of the family points to (a request withdrawn or
    cancelled, a photo replaced, a pièce over its period) whose deletion a crash interrupted; files younger than an hour may be waiting for their request."""
    record, requests = record_of(data.db), data.db.table("requests").all()
    photos = {child.get("photo") for child in record.get("children", [])}
    photos |= {change.get("after") for request in requests
               if request.get("section") == "child_photo" and request.get("status") == "pending"
               for change in request.get("changes", [])}
    certificates = {(request.get("payload") or {}).get("certificate") for request in requests
                    if request.get("section") == "absence" and request.get("status") in KEPT_STATUSES}
    certificates |= {absence.get("certificate") for absence in data.db.table("absences").all()}
    pieces = {document.get("file") for request in requests if request.get("status") in KEPT_STATUSES
              for document in request.get("documents") or []}
    pieces |= {piece.get("file") for piece in data.db.table("pieces").all()}
    already = {(files.folder, name) for files, name in data.doomed_files}
    unused = 0
    for files, used in ((data.stores.photos, photos), (data.stores.certificates, certificates),
                        (data.stores.pieces, pieces)):
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
    FamilyRule("pieces", remove_old_pieces),
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



def _old_mails(status: str) -> Callable[[Stores, Limits, bool], int]:
    def remove(stores: Stores, limits: Limits, dry_run: bool) -> int:
        old = stores.outbox.ids_created_before(status, local_midnight(limits.before[MAIL_PERIODS[status]]))
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
    for files in (stores.photos, stores.certificates, stores.pieces):
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


def remove_old_payment_lists(stores: Stores, limits: Limits, dry_run: bool) -> int:
    """The dashboard's lists of the day's card payments, a week on (the ledgers keep the payments)."""
    old = day_lists_before(stores.families.documents, limits.today)
    if not dry_run:
        for path in old:
            path.unlink(missing_ok=True)
    return len(old)


COMMUNE_RULES: tuple[CommuneRule, ...] = (
    CommuneRule("mails_sent", _old_mails("sent")),
    CommuneRule("mails_failed", _old_mails("failed")),
    CommuneRule("preregistrations", remove_decided_preregistrations),
    CommuneRule("sessions", remove_expired_sessions),
    CommuneRule("unused_files", remove_uploads_without_family),
    CommuneRule("payments_of_day", remove_old_payment_lists),
)
