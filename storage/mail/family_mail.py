"""Queueing a family's notices: each event of the portal (a decision, a reply, an invoice, a payment...) calls one
method here right after its own transaction committed, before the answer; the mail is durable when it returns.

Here is decided who gets it (the account holder's address, see preferences.py), whether the family wants it, and
which portal page it links to. A notice that cannot be queued (no address, a refused address, a full disk) never
undoes or fails the action that caused it: it is logged, and the action's answer goes on.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from tinydb import TinyDB

from storage.families import Families, account_of, record_of
from storage.ledger import invoices
from storage.mail.notices import (DecisionLine, Notice, absence_detail, decisions_notice, invoice_notice,
                                  message_notice, receipt_notice)
from storage.mail.outbox import MailRefused, Outbox
from storage.mail.preferences import family_address, wants
from storage.payment.online import PAID, find_attempt
from storage.public_address import public_url

log = logging.getLogger("portal.mail")
LinkFor = Callable[[str], str]  # a portal path -> the link written in the mail


def decision_line(db: TinyDB, request: dict, title: str) -> DecisionLine:
    """How a decided request reads in the family's mail; a validated absence says how many days are billed."""
    detail = ""
    if request["section"] == "absence" and request["status"] == "validated":
        absence = next((a for a in db.table("absences").all() if a.get("request_id") == request.doc_id), None)
        detail = absence_detail(absence["days"]) if absence else ""
    return DecisionLine(title, request["status"], request.get("reason") or "", detail)


class FamilyMail:
    """The notices of every family, queued in the outbox."""

    def __init__(self, families: Families, outbox: Outbox, settings):
        self.families = families
        self.outbox = outbox
        self.settings = settings

    def job_link(self, path: str) -> str:
        """A link built outside any request (a background job): on the public URL, else the bare path."""
        return public_url(self.settings, path)

    def send(self, family_id: str, topic: str | None, notice_for: Callable[[dict], Notice], *,
             stamp: str | None = None, db: TinyDB | None = None) -> str | None:
        """Queue notice_for(commune) for the family if it has an address and wants the topic (None: always sent);
        returns the mail id, or None when nothing was queued. stamp: see Outbox.queue."""
        db = db if db is not None else self.families.read(family_id)
        if db is None:
            return None
        address = family_address(record_of(db))
        if address is None or not wants(account_of(db), topic):
            return None
        notice = notice_for(self.settings["commune"])
        try:
            return self.outbox.queue(kind=notice.kind, to=address, subject=notice.subject, text=notice.text,
                                     html=notice.html, family_id=family_id, stamp=stamp)
        except MailRefused as refusal:
            log.warning("Courriel « %s » non mis en file pour la famille %s : %s", notice.kind, family_id, refusal)
        except OSError:
            log.exception("Courriel « %s » non mis en file pour la famille %s", notice.kind, family_id)
        return None

    # --- one method per event -------------------------------------------------------------------------

    def requests_decided(self, family_id: str, decided: list[tuple[dict, str]], link_for: LinkFor) -> str | None:
        """One mail for one action of the agent: the (request, title) pairs it validated or cancelled."""
        decided = [(request, title) for request, title in decided if request["status"] in ("validated", "cancelled")]
        if not decided:
            return None
        db = self.families.read(family_id)
        if db is None:
            return None
        lines = [decision_line(db, request, title) for request, title in decided]
        return self.send(family_id, None, lambda commune: decisions_notice(commune, lines, link_for("/mes-demandes")),
                         db=db)

    def town_hall_wrote(self, family_id: str, thread_id: int, link_for: LinkFor) -> str | None:
        """The agent replied in a thread or started one with the family."""
        return self.send(family_id, "messages",
                         lambda commune: message_notice(commune, link_for(f"/messages/{thread_id}")))

    def invoice_issued(self, family_id: str, number: str, link_for: LinkFor) -> str | None:
        """A new invoice (typed, imported or made by the billing run), found in the ledger by its number."""
        invoice = next((doc for doc in invoices(self.families.read_ledger(family_id)) if doc["number"] == number),
                       None)
        if invoice is None:
            return None
        return self.send(family_id, "invoices",
                         lambda commune: invoice_notice(commune, invoice, link_for(f"/factures/{invoice.doc_id}")))

    def payment_received(self, family_id: str, reference: str, link_for: LinkFor) -> str | None:
        """The receipt of the online payment that the bank's notification just recorded (its attempt, now paid)."""
        attempt = find_attempt(self.families.read_ledger(family_id), reference)
        if attempt is None or attempt["status"] != PAID:
            return None
        return self.send(family_id, "invoices",
                         lambda commune: receipt_notice(commune, attempt["amount_cents"], attempt["paid_at"], reference,
                                                        link_for("/releve")))
