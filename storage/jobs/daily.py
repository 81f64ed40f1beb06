"""A job run once at start-up and then every day at a fixed local time (the calendar clock), in its own daemon
thread. The task itself must be safe to run again (a restart runs it once more the same day): each task keeps the
state that makes a second run do nothing (a flag on the invoice, a state file)."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta

from storage import clock as calendar

CHECK_EVERY_SECONDS = 3600.0  # a long sleep is cut so that a clock change or a suspended machine is noticed
log = logging.getLogger("portal.jobs")


def next_run_after(now: datetime, at: time) -> datetime:
    """The first instant after now whose local time is at."""
    today = datetime.combine(now.date(), at)
    return today if today > now else today + timedelta(days=1)


class DailyJob:
    """start() runs task() at once, then daily at `at`; stop() ends the thread; run_now() runs it in the caller's
    thread (tests, and a second call waits for a run in progress)."""

    def __init__(self, name: str, task: Callable[[], object], at: time = time(6, 30)):
        self.name = name
        self.task = task
        self.at = at
        self._stop = threading.Event()
        self._running = threading.Lock()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name=f"daily-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the thread to end after the run in progress, if any; wait for it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_now(self):
        """Run the task once; its result, or None when it failed (logged: a bug must not end the daily runs)."""
        with self._running:
            try:
                return self.task()
            except Exception:
                log.exception("Tâche quotidienne « %s » en erreur", self.name)
                return None

    def _run(self) -> None:
        self.run_now()
        due = next_run_after(calendar.now(), self.at)
        while not self._stop.is_set():
            left = (due - calendar.now()).total_seconds()
            if left > 0:
                self._stop.wait(min(left, CHECK_EVERY_SECONDS))
                continue
            self.run_now()
            due = next_run_after(calendar.now(), self.at)
