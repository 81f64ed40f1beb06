"""The agent's daily summary (optional, settings["notices"]["agent_summary"], off by default): the requests and the
families' messages that arrived since the previous summary, sent to the commune's e-mail address.

Once a day at most, whatever restarts: data/jobs/agent-summary.json records the day, the period covered and the
outbox stamp before the mail is queued with that stamp (queueing it again after a crash is a no-op). No mail on a day
when nothing arrived. Nothing about health or money: family numbers, names and what kind of request waits.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

from storage import clock
from storage.atomic import write_atomically
from storage.index import FamilyIndex
from storage.mail.addresses import valid_email
from storage.mail.notices import agent_summary_notice
from storage.mail.outbox import MailRefused, Outbox
from storage.sections import SECTIONS
from storage.wording import plural

STATE_FILE = "agent-summary.json"
MAX_LINES = 30  # per list; "… et N autres" beyond


def _capped(lines: list[str]) -> list[str]:
    if len(lines) <= MAX_LINES:
        return lines
    return lines[:MAX_LINES] + [f"… et {plural(len(lines) - MAX_LINES, 'autre')}"]


def new_since(index: FamilyIndex, since: str, until: str) -> tuple[list[str], list[str]]:
    """(a line per request, a line per conversation awaiting the town hall) that arrived in [since, until)."""
    requests = []
    for summary in sorted(index.with_pending_requests(), key=lambda summary: summary.family_id):
        for pending in summary.pending:
            if since <= pending["created_at"] < until:
                section = SECTIONS.get(pending["section"])
                what = section.title if section else pending["section"]
                if pending.get("target_label"):
                    what += f" : {pending['target_label']}"
                requests.append(f"Famille {summary.family_id} ({summary.name}) — {what}")
    messages = sorted(f"Famille {summary.family_id} ({summary.name}) — une conversation attend votre réponse"
                      for summary, thread in index.conversations("open") if since <= thread.last_at < until)
    return requests, messages


class AgentSummary:
    """The daily summary job's work: run() queues today's summary if it is due and not done."""

    def __init__(self, jobs_folder: Path, index: FamilyIndex, outbox: Outbox, settings, preregistrations,
                 link_for):
        self.path = Path(jobs_folder) / STATE_FILE
        self.index = index
        self.outbox = outbox
        self.settings = settings
        self.preregistrations = preregistrations
        self.link_for = link_for

    def state(self) -> dict:
        try:
            return json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}

    def _save(self, state: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps(state, ensure_ascii=False).encode("utf-8"))

    def run(self, now: datetime | None = None) -> str | None:
        """Queue the summary of what arrived since the last one, once a day; returns the mail id or None."""
        if not self.settings["notices"]["agent_summary"]:
            return None
        address = str(self.settings["commune"].get("email") or "").strip()
        if not valid_email(address):
            return None
        now = now or clock.now()
        state = self.state()
        today = now.date().isoformat()
        if state.get("day") == today and state.get("done"):
            return None
        if state.get("day") != today:
            since = state.get("until") or (now - timedelta(days=1)).isoformat(timespec="seconds")
            state = {"day": today, "since": since, "until": now.isoformat(timespec="seconds"),
                     "stamp": self.outbox.new_stamp(), "done": False, "mail_id": None}
            self._save(state)
        requests, messages = new_since(self.index, state["since"], state["until"])
        mail_id = None
        if requests or messages:
            totals = {"requests": self.index.pending_count(), "messages": self.index.awaiting_reply_count(),
                      "preregistrations": len(self.preregistrations.pending())}
            notice = agent_summary_notice(self.settings["commune"], state["since"], _capped(requests),
                                          _capped(messages), totals, self.link_for("/agent"))
            try:
                mail_id = self.outbox.queue(kind=notice.kind, to=address, subject=notice.subject, text=notice.text,
                                            html=notice.html, stamp=state["stamp"])
            except MailRefused:
                mail_id = None
        self._save(dict(state, done=True, mail_id=mail_id))
        return mail_id
