"""kill -9 of the real portal (its own process, Waitress, the sender thread started by main()) while mails are
pending and the SMTP server is down: after the restart, with the server back, every mail arrives exactly once.

The kill lands while the sender records failed attempts (server down), so the test is deterministic: the one window
where a mail could go twice (the server's 250 received, the portal killed before the mail reaches sent/) is not
exercised here; it lasts one fsynced file write, and test_outbox covers what a restart does after it."""
from __future__ import annotations

import json
import time

import pytest

from helpers import SERVER_START_SECONDS
from mail_server import SmtpServer
from storage.mail import Outbox
from tests.perf.live import Server

MAILS = 120


def attempted(outbox_dir) -> int:
    """How many pending mails have at least one attempt recorded (files read as they are, mid-write or not)."""
    count = 0
    for path in (outbox_dir / "pending").glob("*.json"):
        try:
            count += bool(json.loads(path.read_bytes())["attempts"])
        except (FileNotFoundError, ValueError):
            continue
    return count


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.01)
    pytest.fail(f"timed out waiting for {what}")


def test_kill_9_with_mails_pending_loses_none_and_sends_none_twice(tmp_path):
    data, outbox_dir = tmp_path / "data", tmp_path / "data" / "outbox"
    outbox = Outbox(outbox_dir, commune=lambda: {"name": "Ville de Démo", "email": "enfance@ville-demo.fr"})
    addresses = [f"parent{number}@example.fr" for number in range(MAILS)]
    ids = [outbox.queue(kind="decision", to=to, subject=f"Courriel {number}", text="Bonjour.",
                        family_id=str(770400000 + number)) for number, to in enumerate(addresses)]
    smtp = SmtpServer(tmp_path)  # down for now: every attempt is refused
    portal = Server.portal(data, log_path=tmp_path / "portal.log")
    portal.env = smtp.environment()
    portal.start(timeout=SERVER_START_SECONDS)
    try:
        wait_until(lambda: attempted(outbox_dir) > 0, 20, "the sender's first failed attempt")
    finally:
        portal.kill()
    killed_after = attempted(outbox_dir)
    smtp.start()
    try:
        portal.start(timeout=SERVER_START_SECONDS)
        try:
            # well before the minute the failed ones were told to wait: a restart tries them at once
            # (a sent mail is written to sent/ first, then its pending file removed: wait for both)
            wait_until(lambda: len(list((outbox_dir / "sent").glob("*.json"))) == MAILS
                       and not any((outbox_dir / "pending").iterdir()), 30, "every mail sent")
        finally:
            portal.stop()
        received = smtp.mailbox.received
    finally:
        smtp.stop()
    recipients = sorted(r.rcpt_tos[0] for r in received)
    assert recipients == sorted(addresses), f"{len(received)} received for {MAILS} queued (killed after {killed_after})"
    assert len({r.message["Message-ID"] for r in received}) == MAILS
    assert list((outbox_dir / "pending").iterdir()) == [] and list((outbox_dir / "failed").iterdir()) == []
    assert list(data.rglob("*.tmp")) == []
    for mail_id in ids:
        assert json.loads((outbox_dir / "sent" / f"{mail_id}.json").read_bytes())["status"] == "sent"
