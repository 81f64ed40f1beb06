"""Login throttling per identifiant: a pause grows after repeated failures, then the identifiant locks."""
from __future__ import annotations

import threading
import time

FREE_FAILURES = 3          # failures allowed before any pause
LOCK_AFTER_FAILURES = 10   # failures that lock the identifiant
LOCK_SECONDS = 15 * 60
MAX_PAUSE_SECONDS = 60
FORGET_AFTER_SECONDS = 24 * 3600
MAX_TRACKED = 20_000  # identifiants remembered at most (someone trying many names cannot fill the memory)


class LoginThrottle:
    """In-memory failure counts; checked before the password so a right password cannot skip a lock."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # identifiant -> (count, time of last failure)
        self._lock = threading.Lock()

    def refusal(self, identifiant: str) -> str | None:
        """A French message when this identifiant may not try now, else None."""
        with self._lock:
            count, last = self._failures.get(identifiant.lower(), (0, 0.0))
        wait = self._wait_seconds(count, last)
        if wait <= 0:
            return None
        if count >= LOCK_AFTER_FAILURES:
            minutes = max(1, round(wait / 60))
            return (f"Trop d'essais infructueux : ce compte est bloqué pendant {minutes} minute(s). "
                    "Réessayez plus tard ou contactez la mairie.")
        return f"Trop d'essais infructueux. Patientez {int(wait) + 1} seconde(s) avant de réessayer."

    def failed(self, identifiant: str) -> None:
        now = self._clock()
        with self._lock:
            count, last = self._failures.get(identifiant.lower(), (0, 0.0))
            if count >= LOCK_AFTER_FAILURES and now - last >= LOCK_SECONDS:
                count = 0  # the lock has expired: start counting again
            self._failures[identifiant.lower()] = (count + 1, now)
            if len(self._failures) > MAX_TRACKED:
                self._forget_old(now)

    def succeeded(self, identifiant: str) -> None:
        with self._lock:
            self._failures.pop(identifiant.lower(), None)

    def _wait_seconds(self, count: int, last: float) -> float:
        if count >= LOCK_AFTER_FAILURES:
            pause = LOCK_SECONDS
        elif count > FREE_FAILURES:
            pause = min(MAX_PAUSE_SECONDS, 2 ** (count - FREE_FAILURES))
        else:
            return 0
        return last + pause - self._clock()

    def _forget_old(self, now: float) -> None:
        for key, (_, last) in list(self._failures.items()):
            if now - last > FORGET_AFTER_SECONDS:
                del self._failures[key]
        if len(self._failures) > MAX_TRACKED:  # still too many: keep the most recent half, locks first
            ranked = sorted(self._failures.items(), key=lambda kv: (kv[1][0] >= LOCK_AFTER_FAILURES, kv[1][1]))
            self._failures = dict(ranked[len(ranked) // 2:])
