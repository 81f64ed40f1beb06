"""Limits on "Mot de passe oublié", a public form that sends mails.

- Visible limits (429 with a French message): at most PER_ADDRESS_PER_HOUR requests from one client address (an IPv6
  /64 counts as one) and PER_ACCOUNT_PER_HOUR for one typed identifiant or e-mail, in any sliding hour. They count
  what was typed, whether or not an account matches, so a refusal tells nothing about which accounts exist. The check
  and the count are one step: parallel posts cannot pass together.
- A silent limit: at most MAILS_PER_FAMILY_PER_HOUR link mails to one family, however it was named (by its number or
  by its address, from any number of machines). Beyond, the answer stays the same and no mail goes.
Counts are kept in memory (a restart forgets them) and bounded.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import deque

from storage.protection.addresses import address_group
from storage.protection.refusals import OncePer, Refusal

PER_ADDRESS_PER_HOUR = 5
PER_ACCOUNT_PER_HOUR = 3
MAILS_PER_FAMILY_PER_HOUR = 3
WINDOW_SECONDS = 3600
MAX_KEYS = 20_000

ADDRESS_QUOTA = "reset_address_quota"
ACCOUNT_QUOTA = "reset_account_quota"

log = logging.getLogger("portal")


class SlidingCounts:
    """Times of the events of the last window, per key; forgets old keys so that memory stays bounded."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS):
        self.limit, self.window = limit, window
        self._times: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until key may count one more event (0 when it may now). Call it under the owner's lock."""
        times = self._times.get(key)
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times or len(times) < self.limit:
            return 0.0
        return times[0] + self.window - now

    def count(self, key: str, now: float) -> None:
        self._times.setdefault(key, deque()).append(now)
        if len(self._times) > MAX_KEYS:
            self._times = {k: t for k, t in self._times.items() if t and t[-1] > now - self.window}
            if len(self._times) > MAX_KEYS:  # a flood of distinct keys within the hour: keep the newest half
                ranked = sorted(self._times.items(), key=lambda item: item[1][-1])
                self._times = dict(ranked[len(ranked) // 2:])


class PasswordResetLimits:
    """The hourly limits of the "Mot de passe oublié" form (see the module's docstring)."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._by_address = SlidingCounts(PER_ADDRESS_PER_HOUR)
        self._by_account = SlidingCounts(PER_ACCOUNT_PER_HOUR)
        self._mails = SlidingCounts(MAILS_PER_FAMILY_PER_HOUR)
        self._lock = threading.Lock()
        self._reported = OncePer(WINDOW_SECONDS)

    def reserve(self, address: str, typed: str) -> Refusal | None:
        """Count one request from address for the typed identifiant or e-mail, or the Refusal when a limit is reached
        (then nothing is counted)."""
        group, account, now = address_group(address), "compte:" + typed.strip().lower()[:254], self._clock()
        with self._lock:
            refusal = None
            address_wait = self._by_address.wait(group, now)
            account_wait = self._by_account.wait(account, now)
            if address_wait:
                refusal = Refusal.waiting(ADDRESS_QUOTA, address_wait)
            elif account_wait:
                refusal = Refusal.waiting(ACCOUNT_QUOTA, account_wait)
            if refusal is not None:
                if self._reported.first((refusal.reason, group), now):
                    log.warning("Mot de passe oublié : demande refusée (%s) depuis l'adresse %s", refusal.reason, group)
                return refusal
            self._by_address.count(group, now)
            self._by_account.count(account, now)
        return None

    def may_mail(self, family_id: str) -> bool:
        """True (and counted) when the family may receive one more link mail this hour."""
        now = self._clock()
        with self._lock:
            if self._mails.wait(family_id, now):
                if self._reported.first(("reset_family_quota", family_id), now):
                    log.warning("Mot de passe oublié : famille %s, plus de %d liens dans l'heure ; aucun courriel "
                                "de plus", family_id, MAILS_PER_FAMILY_PER_HOUR)
                return False
            self._mails.count(family_id, now)
        return True
