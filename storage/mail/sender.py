"""The sender thread: delivers the outbox's due mails over SMTP, never in a request thread. A 250 moves the mail to
sent/ at once; a permanent refusal (5xx to RCPT or DATA) to failed/ at once; anything else is retried after about
1 min, 5 min, 30 min, 2 h, then every 6 h, until 3 days after the mail was queued (or retried by the agent)."""
from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable

from storage.mail.addresses import valid_email
from storage.mail.config import SEND_TIMEOUT_SECONDS, SmtpConfig, smtp_config
from storage.mail.message import build_message
from storage.mail.outbox import Outbox, local_iso
from storage.mail.smtp import Outcome, SmtpFailure, close_connection, open_connection, send_message
from storage.jobs.background import BackgroundJob

BACKOFF_SECONDS = (60, 5 * 60, 30 * 60, 2 * 3600)
LATER_EVERY_SECONDS = 6 * 3600
GIVE_UP_AFTER_SECONDS = 3 * 24 * 3600
POLL_SECONDS = 60.0  # the longest sleep: settings saved elsewhere are seen within a minute
MAILS_PER_CONNECTION = 100  # many servers close a session after about a hundred messages
MAILS_PER_PASS = 200  # then the settings and the queue are looked at again
log = logging.getLogger("portal.mail")


def retry_delay(failures: int) -> int:
    """Seconds to wait after the n-th failed attempt of a round (n >= 1)."""
    return BACKOFF_SECONDS[failures - 1] if failures <= len(BACKOFF_SECONDS) else LATER_EVERY_SECONDS


class MailSender(BackgroundJob):
    """A daemon thread that delivers the outbox: start(), stop(), wake() to look at the outbox at once."""

    def __init__(self, outbox: Outbox, settings_getter: Callable[[], dict], clock: Callable[[], float] | None = None,
                 *, timeout: float = SEND_TIMEOUT_SECONDS, max_per_second: float | None = None):
        """settings_getter returns the portal's settings (their "mail" part is read before each pass);
        max_per_second bounds the sending rate (None: as fast as the server takes them)."""
        self.outbox = outbox
        self._settings = settings_getter
        self.clock = clock or outbox.clock
        self.timeout = timeout
        self.max_per_second = max_per_second
        super().__init__()
        self._config: SmtpConfig | None = None
        self._hurry: set[str] = set()  # pending when the settings changed: tried again at once

    # --- the thread ---------------------------------------------------------------------------------

    thread_name = "mail-sender"

    def _interrupt(self) -> None:
        self.outbox.changed.set()  # the thread sleeps on the outbox's event: it finishes its message and ends

    def wake(self) -> None:
        """Look at the outbox and the settings now rather than at the next planned time."""
        self.outbox.changed.set()

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.outbox.changed.clear()
            try:
                wait = self.deliver_due()
            except Exception:  # a bug must not kill the thread: log it and look again later
                log.exception("Erreur dans l'envoi des courriels")
                wait = POLL_SECONDS
            if not self._stop.is_set():
                self.outbox.changed.wait(wait)

    # --- one pass -----------------------------------------------------------------------------------

    def current_config(self) -> SmtpConfig:
        return smtp_config(self._settings()["mail"])

    def deliver_due(self) -> float:
        """Send the mails that are due (MAILS_PER_PASS at most); returns the seconds until the next one is due (0 when
        more are waiting, at most POLL_SECONDS)."""
        now = self.clock()
        config = self.current_config()
        if config != self._config:
            # First pass (a start or restart) or new settings: what failed before is tried again now, not at its
            # planned time, so that mails left by a crash or a wrong setting leave as soon as they can.
            self._hurry = set(self.outbox.due(float("inf")))
            self.outbox.forget_schedule()
            self._config = config
        if not config.ready:
            return POLL_SECONDS  # mails stay pending, shown "non envoyé (SMTP non configuré)"
        client, on_client, failure = None, 0, None
        try:
            for mail_id in self.outbox.due(now)[:MAILS_PER_PASS]:
                if self._stop.is_set():
                    break
                mail = self.outbox.pending_mail(mail_id)
                if mail is None or not self._is_due(mail, now):
                    continue
                if failure is None and client is None:
                    try:
                        client, on_client = open_connection(config, self.timeout), 0
                    except SmtpFailure as error:  # the server is down for every mail of this pass
                        failure = str(error)
                outcome = Outcome(False, failure) if failure else self._send(client, mail, config)
                self._record(mail, outcome, config)
                on_client += 1
                if client is not None and (outcome.connection_lost or on_client >= MAILS_PER_CONNECTION):
                    close_connection(client)
                    client = None
                if self.max_per_second and not failure:
                    self._stop.wait(1 / self.max_per_second)
        finally:
            close_connection(client)
        next_due = self.outbox.next_due()
        if next_due is None:
            return POLL_SECONDS
        return max(0.0, min(POLL_SECONDS, next_due - self.clock()))

    def _is_due(self, mail: dict, now: float) -> bool:
        return mail["id"] in self._hurry or mail["next_attempt_ts"] <= now

    def _send(self, client: smtplib.SMTP, mail: dict, config: SmtpConfig) -> Outcome:
        if not valid_email(mail["to"]):
            return Outcome(False, f"Adresse du destinataire invalide : « {mail['to']} ».", permanent=True)
        try:
            message = build_message(mail, config)
        except (ValueError, TypeError) as error:  # a hand-edited file: sending it again would not help
            return Outcome(False, f"Courriel impossible à composer : {error}", permanent=True)
        return send_message(client, message, config.mail_from, mail["to"], config)

    def _record(self, mail: dict, outcome: Outcome, config: SmtpConfig) -> None:
        self._hurry.discard(mail["id"])
        now = self.clock()
        result = "accepted" if outcome.accepted else "permanent" if outcome.permanent else "temporary"
        attempt = {"at": local_iso(now), "ts": now, "server": f"{config.host}:{config.port}",
                   "answer": outcome.answer, "result": result}
        if outcome.accepted:
            self.outbox.mark_sent(mail, attempt)
            log.info("Courriel %s accepté : %s", mail["id"], outcome.answer)
            return
        log.warning("Courriel %s non remis : %s", mail["id"], outcome.answer)
        deadline = mail["round_start_ts"] + GIVE_UP_AFTER_SECONDS
        if outcome.permanent:
            self.outbox.mark_failed(mail, attempt)
        elif now >= deadline:
            self.outbox.mark_failed(mail, dict(attempt, result="abandoned"))
        else:
            failures = 1 + sum(1 for earlier in mail["attempts"] if earlier["ts"] >= mail["round_start_ts"])
            self.outbox.record_attempt(mail, attempt, min(now + retry_delay(failures), deadline))
