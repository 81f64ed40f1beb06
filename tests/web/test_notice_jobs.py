"""The notice jobs on the demo commune: the daily reminder before an invoice's due date (once per invoice, across runs,
restarts and crashes), the agent's optional daily summary, and the announcement fan-out (one mail per family, at a
bounded pace, no duplicate after a restart mid-way). Jobs are driven by hand here; create_app(start_jobs=True) runs
them in their threads."""
from __future__ import annotations

import json
import time

import pytest

from helpers import DEMO_FAMILY, logged_in
from portal import create_app, stop_jobs
from storage import clock
from storage.demo import DEMO_AGENT
from storage.ledger import add_payment
from storage.mail.preferences import save_wanted_topics
from storage.messages import post_message, publish_announcement
from storage.requests import submit_request

FAMILY, OTHER, THIRD = DEMO_FAMILY[0], "770400080", "770400090"
PUBLIC = "https://famille.ville-demo.fr"
# The demo's November invoices are due on 25/12/2026: five days before is the 20th. Family 770400090 has paid.
REMINDER_DAY = "2026-12-20T07:00:00"


@pytest.fixture
def app(demo_dir):
    app = create_app(demo_dir, {"public_url": PUBLIC})
    yield app
    app.portal.close()


def mails(app, family_id: str | None = None) -> list[dict]:
    found, _ = app.portal.outbox.page(family_id=family_id, limit=10_000)
    return list(reversed(found))


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def november(app, family_id: str = FAMILY) -> dict:
    ledger = app.portal.families.read_ledger(family_id)
    return next(doc for doc in ledger.table("invoices").all() if doc["period"] == "2026-11")


def restarted(app, demo_dir, settings=None):
    app.portal.close()
    return create_app(demo_dir, settings or {"public_url": PUBLIC})


# --- reminders ----------------------------------------------------------------------------------------------------

def test_reminder_five_days_before_the_due_date_of_each_unpaid_invoice(app):
    with clock.pinned("2026-12-19T07:00:00"):
        assert app.portal.invoice_reminders.run() == 0  # six days before: not yet
    with clock.pinned(REMINDER_DAY):
        assert app.portal.invoice_reminders.run() == 2
    assert [mail["family_id"] for mail in mails(app)] == [FAMILY, OTHER]  # 770400090 has paid
    mail = mails(app, FAMILY)[0]
    invoice = november(app)
    assert (mail["kind"], mail["to"]) == ("invoice_reminder", "sophie.martin@example.fr")
    assert mail["subject"] == "Rappel : votre facture de novembre 2026 arrive à échéance"
    assert (f"Il reste 131,70 € à payer sur votre facture de novembre 2026 (n° {invoice['number']}), avant le "
            "25/12/2026. Solde de votre compte : 172,20 € à payer.") in plain(mail["text"])
    assert f"{PUBLIC}/factures/{invoice.doc_id}" in mail["text"]
    assert invoice["reminder"]["mail_id"] == mail["id"] and invoice["reminder"]["queued_at"]


def test_a_reminder_is_sent_once_whatever_the_runs_and_restarts(app, demo_dir):
    with clock.pinned(REMINDER_DAY):
        assert app.portal.invoice_reminders.run() == 2
        assert app.portal.invoice_reminders.run() == 0
    app = restarted(app, demo_dir)
    try:
        with clock.pinned("2026-12-23T07:00:00"):
            assert app.portal.invoice_reminders.run() == 0
        assert len(mails(app)) == 2
    finally:
        app.portal.close()


def test_a_crash_after_queueing_and_before_marking_the_invoice_sends_no_second_reminder(app, demo_dir):
    """The job stores the stamp on the invoice, queues, then marks it queued: a crash between the last two steps
    leaves the invoice unmarked, and the next run queues under the same stamp, which writes nothing."""
    with clock.pinned(REMINDER_DAY):
        app.portal.invoice_reminders.run()
    invoice = november(app)
    with app.portal.families.ledger_transaction(FAMILY) as ledger:  # back to "planned, not marked queued"
        ledger.table("invoices").update({"reminder": dict(invoice["reminder"], queued_at=None, mail_id=None)},
                                        doc_ids=[invoice.doc_id])
    app = restarted(app, demo_dir)
    try:
        with clock.pinned(REMINDER_DAY):
            assert app.portal.invoice_reminders.run() == 1  # queued again under its stamp...
        assert len(mails(app, FAMILY)) == 1  # ...which is the same mail
        assert november(app)["reminder"]["queued_at"] is not None
    finally:
        app.portal.close()


def test_no_reminder_for_a_paid_invoice_nor_for_a_family_that_turned_reminders_off(app):
    add_payment(app.portal.families, FAMILY, paid_on="2026-12-10", amount_cents=27_345, method="cheque")
    save_wanted_topics(app.portal.families, OTHER, {"invoices", "messages"})
    with clock.pinned(REMINDER_DAY):
        assert app.portal.invoice_reminders.run() == 0
    assert mails(app) == []
    assert november(app, OTHER)["reminder"]["mail_id"] is None  # decided once: not looked at again every day
    assert "reminder" not in november(app)


def test_the_reminder_delay_is_a_setting_and_zero_turns_reminders_off(app):
    app.portal.settings.save({"notices": {"reminder_days": 0}})
    with clock.pinned(REMINDER_DAY):
        assert app.portal.invoice_reminders.run() == 0
    app.portal.settings.save({"notices": {"reminder_days": 10}})
    with clock.pinned("2026-12-15T07:00:00"):
        assert app.portal.invoice_reminders.run() == 2


def test_an_invoice_issued_inside_the_reminder_window_gets_no_reminder(app):
    from storage.ledger import add_invoice, invoice_line
    add_invoice(app.portal.families, FAMILY, number="F2026-000950", period="2026-12", issued_on="2026-12-18",
                due_on="2026-12-21", lines=[invoice_line("Léa", "Mercredi", 1, 1200)])
    with clock.pinned("2026-12-19T07:00:00"):  # 2 days before its due date, but its own mail said it yesterday
        assert app.portal.invoice_reminders.run() == 0
    add_invoice(app.portal.families, FAMILY, number="F2026-000951", period="2026-12", issued_on="2026-12-10",
                due_on="2026-12-21", lines=[invoice_line("Tom", "Mercredi", 1, 1200)])
    with clock.pinned("2026-12-19T07:00:00"):
        assert app.portal.invoice_reminders.run() == 1


def test_the_agent_sets_the_reminder_delay_and_the_summary_in_parametres(app):
    agent = logged_in(app, *DEMO_AGENT, agent=True)
    page = agent.get("/agent/parametres")
    form = page.forms[next(key for key, f in page.forms.items() if f.action == "/agent/parametres")]
    assert form["reminder_days"].value == "5" and form["agent_summary"].checked is False
    form["reminder_days"] = "8"
    form["agent_summary"].checked = True
    assert form.submit().status_int == 303
    assert app.portal.settings["notices"] == {"reminder_days": 8, "agent_summary": True}
    form = agent.get("/agent/parametres").forms[next(key for key, f in page.forms.items()
                                                     if f.action == "/agent/parametres")]
    form["reminder_days"] = "trois"
    refused = form.submit()
    assert refused.status_int == 200 and "Indiquez un nombre de jours entre 0 et 60" in refused.text
    assert app.portal.settings["notices"]["reminder_days"] == 8


# --- the agent's summary --------------------------------------------------------------------------------------

def test_the_agents_summary_is_off_by_default(app):
    assert app.portal.agent_summary.run() is None and mails(app) == []


def test_the_agents_daily_summary_lists_new_requests_and_messages_once_a_day(app, demo_dir):
    settings = {"public_url": PUBLIC, "notices": {"agent_summary": True}}
    app = restarted(app, demo_dir, settings)
    try:
        families = app.portal.families
        submit_request(families, THIRD, "tax", dict(families.record(THIRD)["tax"], parts="3"))
        post_message(families, OTHER, author="family", author_name="Nadia ABDEL", subject="Allergie d'Ahmed",
                     body="Ahmed est allergique.")
        with clock.pinned("2026-12-02T18:00:00"):
            mail_id = app.portal.agent_summary.run()
        (mail,) = mails(app)
        assert mail["id"] == mail_id and mail["to"] == "enfance@ville-demo.fr" and mail["family_id"] is None
        assert mail["kind"] == "agent_summary" and mail["subject"] == "Portail famille : 4 nouveautés à traiter"
        lines = [line for line in mail["text"].splitlines() if line.startswith("- ")]
        assert lines == ["- Famille 770400070 (MARTIN Sophie) — Responsable",
                         "- Famille 770400080 (ABDEL Nadia) — Personne autorisée : Samira BENALI",
                         "- Famille 770400090 (LEROY Julien) — Données fiscales",
                         "- Famille 770400080 (ABDEL Nadia) — une conversation attend votre réponse"]
        assert "Allergie" not in mail["text"] and f"{PUBLIC}/agent" in mail["text"]
        with clock.pinned("2026-12-02T18:30:00"):
            assert app.portal.agent_summary.run() is None  # the same day again
            app = restarted(app, demo_dir, settings)
            assert app.portal.agent_summary.run() is None and len(mails(app)) == 1  # nor after a restart
        with clock.pinned("2026-12-03T06:30:00"):
            assert app.portal.agent_summary.run() is None  # the next day: nothing new, no mail
            submit_request(app.portal.families, THIRD, "caf", dict(app.portal.families.record(THIRD)["caf"], qf=1200))
        with clock.pinned("2026-12-04T06:30:00"):
            app.portal.agent_summary.run()
        assert [line for line in mails(app)[-1]["text"].splitlines() if line.startswith("- ")] == [
            "- Famille 770400090 (LEROY Julien) — C.A.F."]
    finally:
        app.portal.close()


# --- announcements --------------------------------------------------------------------------------------------

def announce(app) -> int:
    announcement_id = publish_announcement(app.portal.documents, {"subject": "Fermeture exceptionnelle",
                                                                  "category": "autre", "body": "Fermé vendredi."},
                                           author_name="Marie Agent")
    app.portal.announcement_mailings.plan(announcement_id)
    return announcement_id


def test_a_restart_in_the_middle_of_an_announcement_sends_no_duplicate(app, demo_dir):
    mailings = app.portal.announcement_mailings
    mailings.batch = 2
    announcement_id = announce(app)
    planned = mailings.mailing(announcement_id)
    assert mailings.expand_batch(planned) == 2
    assert sorted(mail["family_id"] for mail in mails(app)) == [FAMILY, OTHER]
    # A crash after the batch's mails and before its cursor: the stored mailing is still the planned one.
    (mailings.folder / f"{announcement_id}.json").write_text(json.dumps(planned), "utf-8")
    app = restarted(app, demo_dir)
    try:
        app.portal.announcement_mailings.drain()
        assert sorted(mail["family_id"] for mail in mails(app)) == [FAMILY, OTHER, THIRD]
        assert app.portal.announcement_mailings.mailing(announcement_id)["done"] is True
        assert app.portal.announcement_mailings.drain() == 0 and len(mails(app)) == 3
    finally:
        app.portal.close()


def test_an_announcement_skips_families_without_address_or_that_turned_messages_off(app):
    save_wanted_topics(app.portal.families, OTHER, {"invoices", "reminders"})
    from storage.requests import edit_record_directly
    edit_record_directly(app.portal.families, THIRD, "parent1",
                         dict(app.portal.families.record(THIRD)["parent1"], email=""), agent="agent")
    announcement_id = announce(app)
    with clock.pinned("2026-12-02T10:00:00"):  # an account opened after the announcement: it counts as read there
        app.portal.families.create("770400100", {"parent1": {"last_name": "NOUVEL", "email": "n@example.fr"}}, "x")
    app.portal.announcement_mailings.drain()
    assert [mail["family_id"] for mail in mails(app)] == [FAMILY]
    assert app.portal.announcement_mailings.mailing(announcement_id)["skipped"] == 3


def test_the_fan_out_waits_while_the_outbox_holds_its_backlog(app):
    mailings = app.portal.announcement_mailings
    mailings.max_backlog = 1
    app.portal.outbox.queue(kind="invoice", to="a@example.fr", subject="Objet", text="Texte", family_id=FAMILY)
    announce(app)
    assert mailings.step() == mailings.batch / mailings.mails_per_second and len(mails(app)) == 1
    mailings.max_backlog = 200
    assert mailings.step() == 3 / mailings.mails_per_second and len(mails(app)) == 4
    assert mailings.step() is None  # nothing left: the thread sleeps until the next announcement


# --- the jobs in their threads ------------------------------------------------------------------------------------

def wait_for(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_create_app_registers_the_notice_jobs_which_run_at_start_up(demo_dir, app):
    with clock.pinned(REMINDER_DAY):
        submit_request(app.portal.families, THIRD, "tax", dict(app.portal.families.record(THIRD)["tax"], parts="3"))
    app.portal.close()
    with clock.pinned("2026-12-20T07:05:00"):
        app = create_app(demo_dir, {"public_url": PUBLIC, "notices": {"agent_summary": True}}, start_jobs=True)
        try:
            names = [getattr(job, "name", type(job).__name__) for job in app.portal.jobs]
            assert names == ["MailSender", "FamilyImports", "AnnouncementMailings", "invoice-reminders", "agent-summary",
                             "conservation", "sauvegarde", "SnapshotRequests"]
            assert wait_for(lambda: {m["kind"] for m in mails(app)} == {"invoice_reminder", "agent_summary"})
            announce(app)
            assert wait_for(lambda: sum(m["kind"] == "announcement" for m in mails(app)) == 3)
        finally:
            stop_jobs(app)
            app.portal.close()
        assert not any(job.running for job in app.portal.jobs)
