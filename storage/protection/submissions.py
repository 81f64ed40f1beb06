"""Limits on the public pre-registration form, which anyone may send without an account.

A person filling the form never meets them; a robot does:
- the form carries a time stamp of when it was shown, signed with the data folder's secret: a form sent back
  sooner than MIN_FILL_SECONDS after it was shown, without a valid stamp, or older than MAX_FORM_AGE_SECONDS is
  refused and shown again with every typed value (a person just sends it again);
- at most PER_ADDRESS_PER_HOUR forms are accepted from one address (an IPv6 /64 counts as one) and PER_HOUR from
  everyone in any sliding hour; the check and the count are one step, so parallel posts cannot pass together.
The honeypot field (hidden from people, filled by robots) is checked by the route before all this.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from storage.protection.addresses import address_group
from storage.protection.refusals import OncePer, Refusal
from storage.protection.signing import Signer

MIN_FILL_SECONDS = 5
MAX_FORM_AGE_SECONDS = 24 * 3600
PER_ADDRESS_PER_HOUR = 3
PER_HOUR = 30
WINDOW_SECONDS = 3600
STAMP_PURPOSE = "preregistration-form"

FORM_TOO_FAST = "form_too_fast"
FORM_EXPIRED = "form_expired"  # no stamp, a forged one, or one older than MAX_FORM_AGE_SECONDS
ADDRESS_QUOTA = "address_quota"
TOTAL_QUOTA = "total_quota"

log = logging.getLogger("portal")


class PreregistrationGuard:
    """The minimum fill time and the hourly quotas of the pre-registration form (in memory: a restart resets them)."""

    def __init__(self, signer: Signer, clock=time.time):
        self._signer = signer
        self._clock = clock
        self._accepted: deque[float] = deque()  # times of the forms accepted in the last hour, oldest first
        self._by_address: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._reported = OncePer(WINDOW_SECONDS)

    # --- minimum fill time -----------------------------------------------------------------------------------------

    def form_stamp(self, sent: str = "") -> str:
        """The stamp for the form shown now: the one sent back if it is still valid (the fill time keeps running
        from the first display), else a new one."""
        if self._stamp_time(sent) is not None:
            return sent
        return self._signer.sign(STAMP_PURPOSE, f"{self._clock():.3f}")

    def fill_refusal(self, stamp: str) -> Refusal | None:
        """None when the form was shown long enough ago, else why not (too fast, expired or forged)."""
        shown_at = self._stamp_time(stamp)
        if shown_at is None:
            return Refusal.waiting(FORM_EXPIRED, MIN_FILL_SECONDS)
        elapsed = self._clock() - shown_at
        if elapsed < MIN_FILL_SECONDS:
            return Refusal.waiting(FORM_TOO_FAST, MIN_FILL_SECONDS - elapsed)
        return None

    def _stamp_time(self, stamp: str) -> float | None:
        """When a valid stamp was issued; None when it is missing, forged, from the future or too old."""
        value = self._signer.unsign(STAMP_PURPOSE, stamp)
        try:
            shown_at = float(value) if value is not None else None
        except ValueError:
            return None
        if shown_at is None or not 0 <= self._clock() - shown_at <= MAX_FORM_AGE_SECONDS:
            return None
        return shown_at

    # --- quotas ----------------------------------------------------------------------------------------------------

    def reserve(self, address: str) -> Refusal | None:
        """Count one accepted form from address, or the Refusal when an hourly quota is reached."""
        group, now = address_group(address), self._clock()
        with self._lock:
            self._forget_before(now - WINDOW_SECONDS)
            mine = self._by_address.get(group, deque())
            refusal = None
            if len(mine) >= PER_ADDRESS_PER_HOUR:
                refusal = Refusal.waiting(ADDRESS_QUOTA, mine[0] + WINDOW_SECONDS - now)
            elif len(self._accepted) >= PER_HOUR:
                refusal = Refusal.waiting(TOTAL_QUOTA, self._accepted[0] + WINDOW_SECONDS - now)
            if refusal is not None:
                if self._reported.first((refusal.reason, group), now):
                    log.warning("Pré-inscription refusée (%s) : adresse %s", refusal.reason, group)
                return refusal
            mine.append(now)
            self._by_address[group] = mine
            self._accepted.append(now)
        return None

    def _forget_before(self, start: float) -> None:
        """Drop what is older than the window; the tables then hold at most PER_HOUR times and addresses."""
        while self._accepted and self._accepted[0] <= start:
            self._accepted.popleft()
        for group in list(self._by_address):
            times = self._by_address[group]
            while times and times[0] <= start:
                times.popleft()
            if not times:
                del self._by_address[group]
