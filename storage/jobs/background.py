"""The life of a background job's thread: start it once, ask it to stop, wait for it. Each job (the mail sender, the
announcements' fan-out, the daily jobs) subclasses BackgroundJob and writes _loop(), which must return soon after
self._stop is set; _interrupt() wakes a loop that sleeps on another event."""
from __future__ import annotations

import threading


class BackgroundJob:
    """start() / stop() / running for a daemon thread running self._loop()."""

    thread_name = "job"

    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name=self.thread_name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 15.0) -> None:
        """Ask the thread to end after the work in progress; wait for it."""
        self._stop.set()
        self._interrupt()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _interrupt(self) -> None:
        """Wake the loop if it waits on something other than self._stop."""

    def _loop(self) -> None:
        raise NotImplementedError
