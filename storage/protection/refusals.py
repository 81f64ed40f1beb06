"""What a protection answers when it refuses a request, and how often such a refusal is reported in the log."""
from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Refusal:
    """A request refused for now: why (a reason constant of the module that refused), how long to wait, and for a
    lock its end. The route turns it into the French message, the status (429) and the Retry-After header."""
    reason: str
    wait_seconds: int
    locked_until: float | None = None  # end of a lock (epoch seconds); None for a pause or a quota

    @classmethod
    def waiting(cls, reason: str, seconds: float, locked_until: float | None = None) -> "Refusal":
        return cls(reason, max(1, math.ceil(seconds)), locked_until)


class OncePer:
    """Says whether a key was already reported in the last `seconds` (one log line per attacker and period, not one
    per request); forgets keys past max_keys so that memory stays bounded."""

    def __init__(self, seconds: float, max_keys: int = 10_000):
        self._seconds = seconds
        self._max_keys = max_keys
        self._reported: dict = {}

    def first(self, key, now: float) -> bool:
        """True (and remembered) when key was not reported in the last period. Call it under the caller's lock."""
        last = self._reported.get(key)
        if last is not None and now - last < self._seconds:
            return False
        self._reported[key] = now
        if len(self._reported) > self._max_keys:
            self._reported = {k: t for k, t in self._reported.items() if now - t < self._seconds}
            if len(self._reported) > self._max_keys:
                self._reported = {key: now}
        return True
