"""Daily jobs (the retention purge, invoice reminders, the agent's summary): a task run once a day in a thread of the portal process, whose last run is kept in data/jobs.json.

A job runs at start-up when it has not run yet on today's date (the portal was stopped at its hour, or this is a first
start), then every day at its hour; a run asked by the agent counts as the day's run, so the task never runs twice on
one date by itself. The last run (date, instant, who asked, the task's short result) survives restarts; a failed run
is logged, noted, and tried again an hour later. Dates and hours follow the calendar clock (storage/clock.py), which
tests pin. Jobs are registered by create_app in app.portal.jobs, started with start_jobs=True and stopped by
stop_jobs(app), like the mail sender.
"""
from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time, timedelta
from typing import Callable

from tinydb.table import Document

from storage import clock as calendar
from storage.documents import SCHEMA_VERSION, DocumentStore
from storage.jobs.background import BackgroundJob

JOBS_FILE = "jobs.json"
SCHEDULED = "portail"  # who asked for a run the job started by itself
RETRY_SECONDS = 3600  # after a failed run
LONGEST_SLEEP_SECONDS = 300.0  # the clock is looked at again at least this often (a suspended machine, a new hour)
log = logging.getLogger("portal")


def next_run_at(now: datetime, last_run_on: date | None, hour: int) -> datetime:
    """When a job that last ran on last_run_on (None: never) is next due, given that it runs daily at hour:
    today at that hour unless it already ran today (then tomorrow's); now when that hour has passed."""
    today_at = datetime.combine(now.date(), time(hour))
    if last_run_on is not None and last_run_on >= now.date():
        return today_at + timedelta(days=1)
    return max(today_at, now)


class DailyJob(BackgroundJob):
    """One named task run daily at an hour (an int, or a function returning the hour the settings give now)."""

    def __init__(self, name: str, task: Callable[[str], dict | None], documents: DocumentStore, *,
                 hour: int | Callable[[], int] = 3):
        """task(by) does the work and returns a short summary to keep (counts, never personal data); by is who asked:
        SCHEDULED or the agent's login."""
        self.name = name
        self._task = task
        self._documents = documents
        self._path = documents.root / JOBS_FILE
        self._hour = hour if callable(hour) else (lambda: hour)
        super().__init__()
        self.thread_name = f"job-{name}"
        self._running = threading.Lock()  # one run at a time: the scheduled one and the agent's wait for each other
        self._retry_at: datetime | None = None

    # --- state ----------------------------------------------------------------------------------------

    def last_run(self) -> dict:
        """The job's saved state: last_run_on, last_run_at, last_run_by, last_result, last_failure_at ({} if never)."""
        return dict(self._documents.read(self._path).table(self.name).get(doc_id=1) or {})

    def last_run_on(self) -> date | None:
        saved = self.last_run().get("last_run_on")
        return date.fromisoformat(saved) if saved else None

    def hour(self) -> int:
        return int(self._hour())

    def next_run(self) -> datetime:
        """When the job will next run by itself (if the portal is running then)."""
        due = next_run_at(calendar.now(), self.last_run_on(), self.hour())
        return max(due, self._retry_at) if self._retry_at else due

    def _save(self, changes: dict) -> None:
        with self._documents.transaction(self._path) as db:
            table = db.table(self.name)
            table.upsert(Document(dict(table.get(doc_id=1) or {"schema": SCHEMA_VERSION}, **changes), doc_id=1))

    # --- running ------------------------------------------------------------------------------------------

    def run_now(self, by: str = SCHEDULED) -> dict | None:
        """Run the task at once (waiting for a run in progress to end) and note it as today's run; returns its result.
        An exception is noted as a failure (tried again by the thread an hour later) and raised again."""
        with self._running:
            started = calendar.now()
            try:
                result = self._task(by)
            except Exception as error:
                self._retry_at = calendar.now() + timedelta(seconds=RETRY_SECONDS)
                self._save({"last_failure_at": started.isoformat(), "last_error": type(error).__name__})
                raise
            self._save({"last_run_on": started.date().isoformat(), "last_run_at": started.isoformat(),
                        "last_run_by": by, "last_result": result, "last_failure_at": None, "last_error": None})
            self._retry_at = None
            return result

    def _run_scheduled(self) -> None:
        try:
            self.run_now(SCHEDULED)
        except Exception:  # a bug or a full disk must not kill the thread: log it; run_now() set the retry time
            log.exception("Tâche quotidienne « %s » en échec ; nouvel essai dans une heure", self.name)

    def _loop(self) -> None:
        if self.last_run_on() != calendar.today():  # at start-up: the day's run, if it has not been done
            self._run_scheduled()
        while not self._stop.is_set():
            try:
                wait = (self.next_run() - calendar.now()).total_seconds()
            except Exception:  # an unreadable jobs.json: say so, and look again later
                log.exception("Tâche quotidienne « %s » : état illisible dans %s", self.name, JOBS_FILE)
                wait = LONGEST_SLEEP_SECONDS
            if wait > 0:
                self._stop.wait(min(wait, LONGEST_SLEEP_SECONDS))
                continue
            self._run_scheduled()
