"""The reminder before an invoice's due date: a daily job looks at every family's ledger and queues one mail per
invoice still (partly) unpaid whose due date is settings["notices"]["reminder_days"] days away or less.

Never twice, whatever crashes: the invoice document first gets a "reminder" entry with a fresh outbox stamp (a ledger
transaction, under the ledger's lock), then the mail is queued with that stamp (a second queueing with it is a no-op),
then the entry is marked queued. A crash between the steps leaves an entry not yet marked: the next run queues it with
the same stamp. An invoice issued within the reminder window is not reminded: its own mail gave the due date days ago
at most.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta

from tinydb import TinyDB

from storage import clock
from storage.families import Families, now_iso
from storage.ledger import account_figures, balance_cents
from storage.mail.family_mail import FamilyMail
from storage.mail.notices import reminder_notice
from storage.wording import plural

log = logging.getLogger("portal.mail")


def invoices_to_remind(ledger: TinyDB, today: date, days: int) -> list[tuple[dict, int]]:
    """(invoice, reste à payer in cents) of the invoices due within `days` days, not paid, never reminded."""
    figures = account_figures(ledger).invoices
    found = []
    for invoice in ledger.table("invoices").all():
        if invoice.get("reminder") or invoice["total_cents"] <= 0:
            continue
        remaining = figures[invoice["number"]].remaining_cents
        due = date.fromisoformat(invoice["due_on"])
        remind_from = due - timedelta(days=days)
        if not remaining or not remind_from <= today <= due or invoice["issued_on"] >= remind_from.isoformat():
            continue
        found.append((invoice, remaining))
    return found


class InvoiceReminders:
    """The daily reminder job's work; run() goes through every family, remind_family() one ledger."""

    def __init__(self, families: Families, family_mail: FamilyMail, settings):
        self.families = families
        self.family_mail = family_mail
        self.settings = settings

    def run(self, today: date | None = None) -> int:
        """Queue every reminder that is due today; returns how many mails were queued."""
        days = int(self.settings["notices"]["reminder_days"] or 0)
        if days <= 0:
            return 0
        today = today or clock.today()
        queued = 0
        for family_id in sorted(self.families.ids()):
            try:
                queued += self.remind_family(family_id, today, days)
            except (KeyError, ValueError, OSError):  # one damaged ledger must not stop the others' reminders
                log.exception("Rappels d'échéance de la famille %s", family_id)
        if queued:
            log.info("Rappels d'échéance : %s en file", plural(queued, "courriel mis", "courriels mis"))
        return queued

    def remind_family(self, family_id: str, today: date, days: int) -> int:
        """Plan the family's due reminders, then queue every planned one; returns how many mails were queued."""
        ledger = self.families.read_ledger(family_id)
        if invoices_to_remind(ledger, today, days):
            with self.families.ledger_transaction(family_id) as ledger:  # checked again under the ledger's lock
                balance = balance_cents(ledger)
                for invoice, remaining in invoices_to_remind(ledger, today, days):
                    reminder = {"stamp": self.family_mail.outbox.new_stamp(), "remaining_cents": remaining,
                                "balance_cents": balance, "planned_at": now_iso(), "queued_at": None,
                                "mail_id": None}
                    ledger.table("invoices").update({"reminder": reminder}, doc_ids=[invoice.doc_id])
        elif not any(_unqueued(invoice) for invoice in ledger.table("invoices").all()):
            return 0
        queued = 0
        for invoice in self.families.read_ledger(family_id).table("invoices").all():
            if _unqueued(invoice):
                queued += self._queue(family_id, invoice)
        return queued

    def _queue(self, family_id: str, invoice) -> int:
        reminder = invoice["reminder"]
        link = self.family_mail.job_link(f"/factures/{invoice.doc_id}")
        mail_id = self.family_mail.send(
            family_id, "reminders",
            lambda commune: reminder_notice(commune, invoice, reminder["remaining_cents"], reminder["balance_cents"],
                                            link),
            stamp=reminder["stamp"])
        # Marked even when nothing was queued (no address, reminders turned off): decided once, not every day.
        with self.families.ledger_transaction(family_id) as ledger:
            ledger.table("invoices").update({"reminder": dict(reminder, queued_at=now_iso(), mail_id=mail_id)},
                                            doc_ids=[invoice.doc_id])
        return 1 if mail_id else 0


def _unqueued(invoice: dict) -> bool:
    return bool(invoice.get("reminder")) and invoice["reminder"].get("queued_at") is None
