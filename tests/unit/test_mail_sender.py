"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1): one mail arrives once with the right headers, a
server down or a 4xx is retried on the back-off schedule, a 5xx fails at once, STARTTLS/AUTH and implicit TLS with a
self-signed certificate, and a restart sends what was pending exactly once. Time is a FakeClock: no test sleeps."""
from __future__ import annotations

import time
from datetime import datetime
from email.utils import parseaddr, parsedate_to_datetime
from itertools import pairwise

import pytest

from helpers import FakeClock
from mail_server import SmtpServer, running_smtp_server
from storage import clock as calendar
from storage.mail import Outbox
from storage.mail.config import smtp_config
from storage.mail.sender import GIVE_UP_AFTER_SECONDS, MailSender

START = datetime(2026, 12, 2, 9, 0).timestamp()
COMMUNE = {"name": "Ville de Démo", "email": "enfance@ville-demo.fr"}
TO = "sophie.martin@example.fr"


@pytest.fixture
def smtp_server(tmp_path):
    """A plain SMTP server on 127.0.0.1 for the test."""
    with running_smtp_server(tmp_path) as server:
        yield server

class Portal:
    """The two things a sender needs from the portal: an outbox and settings that can change."""

    def __init__(self, root, mail_settings: dict, clock=None, commune=COMMUNE):
        self.clock = clock or FakeClock(START)
        self.settings = {"mail": mail_settings}
        self.outbox = Outbox(root, self.clock, commune=lambda: commune)
        self.sender = MailSender(self.outbox, lambda: self.settings, self.clock, timeout=5)

    def queue(self, **changes) -> str:
        fields = dict(kind="decision", to=TO, subject="Votre demande a été validée", family_id="770400070",
                      text="Bonjour,\nVotre changement d'adresse a été validé.\n", html="<p>Bonjour,</p>")
        fields.update(changes)
        return self.outbox.queue(**fields)

    def status(self, mail_id: str) -> str:
        return self.outbox.get(mail_id)["status"]

    def run_until(self, mail_id: str, status: str, passes: int = 200) -> list[float]:
        """Pass after pass, the clock moved to each next attempt, until the mail has that status; the attempt times."""
        for _ in range(passes):
            self.sender.deliver_due()
            mail = self.outbox.get(mail_id)
            if mail["status"] == status:
                return [attempt["ts"] for attempt in mail["attempts"]]
            self.clock.now = max(self.clock.now, mail["next_attempt_ts"])
        raise AssertionError(f"{mail_id} never became {status}: {self.outbox.get(mail_id)}")


def test_a_queued_mail_arrives_once_with_the_right_headers(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", smtp_server.settings())
    mail_id = portal.queue()
    portal.sender.deliver_due()
    portal.sender.deliver_due()  # a second pass sends nothing more
    [received] = smtp_server.mailbox.received
    message = received.message
    assert (received.mail_from, received.rcpt_tos) == ("portail@ville-demo.fr", [TO])
    assert message["From"].addresses[0].display_name == "Ville de Démo"
    assert message["From"].addresses[0].addr_spec == "portail@ville-demo.fr"
    assert b"=?utf-8?" in received.content.split(b"\r\n\r\n")[0]  # the accent encoded, headers stay ASCII
    assert message["To"] == TO and message["Reply-To"] == "enfance@ville-demo.fr"
    assert message["Subject"] == "Votre demande a été validée"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].startswith(f"<{mail_id}.") and message["Message-ID"].endswith("@ville-demo.fr>")
    assert parsedate_to_datetime(message["Date"]).timestamp() == pytest.approx(START)
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert text == "Bonjour,\nVotre changement d'adresse a été validé.\n"
    assert message.get_body(("html",)).get_content().strip() == "<p>Bonjour,</p>"
    mail = portal.outbox.get(mail_id)
    assert mail["status"] == "sent" and [a["answer"] for a in mail["attempts"]] == ["250 2.0.0 Ok: queued as TEST"]
    assert portal.outbox.counts() == {"pending": 0, "sent": 1, "failed": 0}


def test_a_plain_text_mail_has_no_html_part_and_a_tricky_commune_name_is_quoted(tmp_path, smtp_server):
    name = 'Mairie de Saint-Denis, service "Enfance"'
    portal = Portal(tmp_path / "outbox", smtp_server.settings(), commune={"name": name, "email": ""})
    portal.queue(html=None)
    portal.sender.deliver_due()
    message = smtp_server.mailbox.received[0].message
    assert parseaddr(str(message["From"])) == (name, "portail@ville-demo.fr")
    assert message.get_content_type() == "text/plain" and message["Reply-To"] is None


def test_smtp_down_is_retried_on_the_back_off_schedule_and_delivered_when_it_is_back(tmp_path):
    server = SmtpServer(tmp_path)  # not started: connections are refused
    portal = Portal(tmp_path / "outbox", server.settings())
    mail_id = portal.queue()
    portal.sender.deliver_due()
    mail = portal.outbox.get(mail_id)
    assert mail["status"] == "pending" and len(mail["attempts"]) == 1
    assert "Connexion refusée" in mail["attempts"][0]["answer"] and mail["next_attempt_ts"] == START + 60
    portal.sender.deliver_due()  # not due yet: no new attempt
    assert len(portal.outbox.get(mail_id)["attempts"]) == 1
    portal.clock.advance(60)
    portal.sender.deliver_due()
    assert portal.outbox.get(mail_id)["next_attempt_ts"] == START + 60 + 300
    server.start()
    try:
        portal.clock.advance(300)
        portal.sender.deliver_due()
        assert portal.status(mail_id) == "sent"
        assert len(server.mailbox.received) == 1
        assert [a["result"] for a in portal.outbox.get(mail_id)["attempts"]] == ["temporary", "temporary", "accepted"]
    finally:
        server.stop()


def test_retries_back_off_then_give_up_three_days_after_the_mail_was_queued(tmp_path):
    portal = Portal(tmp_path / "outbox", SmtpServer(tmp_path).settings())  # a server that never answers
    mail_id = portal.queue()
    times = portal.run_until(mail_id, "failed")
    gaps = [round(later - earlier) for earlier, later in pairwise(times)]
    assert gaps[:5] == [60, 300, 1800, 7200, 21600]
    assert all(gap <= 21600 for gap in gaps[5:])
    assert times[-1] == START + GIVE_UP_AFTER_SECONDS
    mail = portal.outbox.get(mail_id)
    assert mail["attempts"][-1]["result"] == "abandoned" and "Connexion refusée" in mail["last_error"]


def test_a_permanent_refusal_fails_at_once_and_is_not_retried(tmp_path, smtp_server):
    smtp_server.mailbox.refuse[TO] = "550 5.1.1 Mailbox unknown"
    portal = Portal(tmp_path / "outbox", smtp_server.settings())
    refused, other = portal.queue(), portal.queue(to="karim.martin@example.fr")
    portal.sender.deliver_due()
    mail = portal.outbox.get(refused)
    assert mail["status"] == "failed" and "550 5.1.1 Mailbox unknown" in mail["last_error"]
    assert portal.status(other) == "sent"  # the refusal did not stop the next mail
    portal.clock.advance(86400)
    portal.sender.deliver_due()
    assert len(portal.outbox.get(refused)["attempts"]) == 1
    assert [r.rcpt_tos for r in smtp_server.mailbox.received] == [["karim.martin@example.fr"]]


def test_a_temporary_refusal_is_retried(tmp_path, smtp_server):
    smtp_server.mailbox.refuse[TO] = "451 4.3.0 Try again later"
    portal = Portal(tmp_path / "outbox", smtp_server.settings())
    mail_id = portal.queue()
    portal.sender.deliver_due()
    mail = portal.outbox.get(mail_id)
    assert mail["status"] == "pending" and "451 4.3.0" in mail["last_error"]
    del smtp_server.mailbox.refuse[TO]
    portal.clock.advance(60)
    portal.sender.deliver_due()
    assert portal.status(mail_id) == "sent" and len(smtp_server.mailbox.received) == 1


def test_starttls_and_auth_with_a_self_signed_certificate(tmp_path):
    server = SmtpServer(tmp_path, tls="starttls").start()
    try:
        portal = Portal(tmp_path / "outbox", server.settings())
        mail_id = portal.queue()
        portal.sender.deliver_due()
        assert portal.status(mail_id) == "sent", portal.outbox.get(mail_id)["attempts"]
        assert [r.rcpt_tos for r in server.mailbox.received] == [[TO]]
    finally:
        server.stop()


@pytest.mark.parametrize("changes, error", [
    ({"password": "wrong"}, "Identifiant ou mot de passe SMTP refusé"),
    ({"ca_file": ""}, "Certificat du serveur SMTP 127.0.0.1"),  # verification stays on without a CA file
    ({"user": "", "password": ""}, "530"),  # the server requires AUTH
])
def test_a_refused_login_or_an_untrusted_certificate_keeps_the_mail_for_later(tmp_path, changes, error):
    server = SmtpServer(tmp_path, tls="starttls").start()
    try:
        portal = Portal(tmp_path / "outbox", server.settings(**changes))
        mail_id = portal.queue()
        portal.sender.deliver_due()
        mail = portal.outbox.get(mail_id)
        assert mail["status"] == "pending" and error in mail["last_error"], mail["last_error"]
        assert server.mailbox.received == []
    finally:
        server.stop()


def test_starttls_asked_of_a_server_without_it_sends_nothing_in_clear(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", smtp_server.settings(security="starttls"))
    mail_id = portal.queue()
    portal.sender.deliver_due()
    assert "ne propose pas STARTTLS" in portal.outbox.get(mail_id)["last_error"]
    assert smtp_server.mailbox.received == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # aiosmtpd: implicit TLS is TLS too
def test_implicit_tls_ssl_mode(tmp_path):
    server = SmtpServer(tmp_path, tls="ssl").start()
    try:
        portal = Portal(tmp_path / "outbox", server.settings())
        mail_id = portal.queue()
        portal.sender.deliver_due()
        assert portal.status(mail_id) == "sent", portal.outbox.get(mail_id)["attempts"]
        assert len(server.mailbox.received) == 1
    finally:
        server.stop()


def test_without_smtp_settings_mails_wait_untouched_and_go_once_configured(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", {})
    mail_id = portal.queue()
    portal.sender.deliver_due()
    assert portal.outbox.get(mail_id)["attempts"] == [] and portal.status(mail_id) == "pending"
    portal.settings["mail"] = smtp_server.settings()
    portal.sender.deliver_due()
    assert portal.status(mail_id) == "sent" and len(smtp_server.mailbox.received) == 1


def test_new_settings_try_again_at_once_what_failed_with_the_old_ones(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", smtp_server.settings(port=SmtpServer(tmp_path).port))  # nobody there
    mail_id = portal.queue()
    portal.sender.deliver_due()
    assert portal.status(mail_id) == "pending"
    portal.settings["mail"] = smtp_server.settings()  # the agent fixes the port; the clock has not moved
    portal.sender.deliver_due()
    assert portal.status(mail_id) == "sent"


def test_a_restart_sends_pending_mails_exactly_once(tmp_path, smtp_server):
    before = Portal(tmp_path / "outbox", {})  # the portal that queued them never sent them (SMTP off, or killed)
    ids = [before.queue(to=f"parent{number}@example.fr") for number in range(3)]
    after = Portal(tmp_path / "outbox", smtp_server.settings())
    after.sender.deliver_due()
    again = Portal(tmp_path / "outbox", smtp_server.settings())
    again.sender.deliver_due()
    assert sorted(r.rcpt_tos[0] for r in smtp_server.mailbox.received) == [f"parent{n}@example.fr" for n in range(3)]
    assert [again.status(mail_id) for mail_id in ids] == ["sent"] * 3


def test_the_sender_thread_delivers_without_being_asked_and_stops_cleanly(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", smtp_server.settings(), clock=calendar.timestamp)
    portal.sender.start()
    try:
        portal.queue()
        assert len(smtp_server.mailbox.wait_for(1, timeout=10)) == 1
    finally:
        portal.sender.stop()
    assert not portal.sender.running


@pytest.mark.parametrize("changes", [{"mail_from": "portail@ville-demo.fr\r\nBcc: x@example.org"},
                                     {"host": "mail.example.fr\r\nRCPT TO:<x@example.org>"},
                                     {"user": "portail\nx", "password": "p"}])
def test_a_line_break_in_the_smtp_settings_stops_sending(changes):
    config = smtp_config(dict({"host": "127.0.0.1", "port": 25, "security": "none",
                               "mail_from": "portail@ville-demo.fr"}, **changes))
    assert not config.ready and config.problem


def test_after_a_restart_mails_waiting_for_their_next_attempt_are_tried_at_once(tmp_path):
    server = SmtpServer(tmp_path)
    before = Portal(tmp_path / "outbox", server.settings())
    mail_id = before.queue()
    before.sender.deliver_due()  # server down: next attempt planned in a minute
    assert before.outbox.get(mail_id)["next_attempt_ts"] == START + 60
    server.start()
    try:
        after = Portal(tmp_path / "outbox", server.settings(), clock=before.clock)  # the clock has not moved
        after.sender.deliver_due()
        assert after.status(mail_id) == "sent" and len(server.mailbox.received) == 1
    finally:
        server.stop()


def test_the_sending_rate_can_be_bounded(tmp_path, smtp_server):
    portal = Portal(tmp_path / "outbox", smtp_server.settings())
    portal.sender.max_per_second = 20
    for number in range(5):
        portal.queue(to=f"parent{number}@example.fr")
    started = time.monotonic()
    portal.sender.deliver_due()
    assert len(smtp_server.mailbox.received) == 5
    assert time.monotonic() - started >= 5 / 20


def test_a_long_queue_is_sent_in_passes_that_each_look_at_the_settings_again(tmp_path, smtp_server, monkeypatch):
    monkeypatch.setattr("storage.mail.sender.MAILS_PER_PASS", 3)
    portal = Portal(tmp_path / "outbox", smtp_server.settings())
    for number in range(5):
        portal.queue(to=f"parent{number}@example.fr")
    assert portal.sender.deliver_due() == 0  # more are due: the thread comes back at once
    assert len(smtp_server.mailbox.received) == 3
    portal.settings["mail"] = {}  # SMTP switched off between two passes
    portal.sender.deliver_due()
    assert len(smtp_server.mailbox.received) == 3 and portal.outbox.counts()["pending"] == 2
