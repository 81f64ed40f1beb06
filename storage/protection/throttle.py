"""Login throttling per client address and per account, checked and counted in one step.

The policy (also in the README):
- Address: every failed login counts against the address it came from (an IPv6 /64 counts as one address),
  whatever the account. FREE_ADDRESS_FAILURES are free, then each attempt from that address waits
  2^(failures - free) seconds, up to ADDRESS_MAX_PAUSE_SECONDS; the count is forgotten an hour after the address's
  last failure. This is what stops one machine from spraying the sequential family numbers.
- Account, for unknown clients only: failures of unknown clients count against the account. FREE_ACCOUNT_FAILURES
  are free, then a pause (2, 4, 8… seconds) growing to ACCOUNT_MAX_PAUSE_SECONDS, and after ACCOUNT_LOCK_FAILURES the account is locked
  for ACCOUNT_LOCK_SECONDS, still against the right password. This is what stops many machines guessing one account.
- Known clients are never refused because of the account's count: the browser holds the signed known-device cookie
  of this account (set at a successful login), or the address logged in to this account in the last KNOWN_SECONDS,
  or the request comes from the local machine (not through a reverse proxy). So an outsider can slow down his own
  address and shut the account's door to strangers, but not lock the agent or a family out of their usual device.
- Against an account, an attempt is counted as a failure before the password is checked, under the lock, and
  un-counted when it succeeds: N parallel guesses at one account cannot all be checked. Against an address, an
  attempt is *in flight* until its answer: at most MAX_IN_FLIGHT_PER_ADDRESS at once (no more than Waitress's
  threads), and only finished failures slow the address down, so that many families logging in at the same time
  behind one address (a school, a town hall, a mobile operator's NAT) are not refused.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from storage.protection.addresses import address_group
from storage.protection.refusals import OncePer, Refusal

FREE_ADDRESS_FAILURES = 5
MAX_IN_FLIGHT_PER_ADDRESS = 8
ADDRESS_MAX_PAUSE_SECONDS = 15 * 60
ADDRESS_FORGET_SECONDS = 3600
FREE_ACCOUNT_FAILURES = 3
ACCOUNT_MAX_PAUSE_SECONDS = 60
ACCOUNT_LOCK_FAILURES = 10
ACCOUNT_LOCK_SECONDS = 15 * 60
ACCOUNT_FORGET_SECONDS = 24 * 3600
KNOWN_SECONDS = 90 * 24 * 3600  # how long a successful login makes its address (and its cookie) known
MAX_TRACKED = 20_000  # addresses, accounts and known (account, address) pairs remembered at most, each
REPORT_EVERY_SECONDS = 15 * 60  # one log line per refused address (or account) and reason in this time

ADDRESS_PAUSED = "address_paused"
ADDRESS_BUSY = "address_busy"
ACCOUNT_PAUSED = "account_paused"
ACCOUNT_LOCKED = "account_locked"

log = logging.getLogger("portal")


@dataclass(frozen=True)
class Attempt:
    """A login attempt allowed to check its password; already counted as a failure until succeeded()."""
    account: str
    address: str  # the address group it counts against
    identifiant: str  # as typed, for the log
    against_account: bool  # an unknown client: it counts against the account too
    at: float


@dataclass
class _Failures:
    count: int
    last: float  # time of the last failure
    in_flight: int = 0  # attempts of this address whose password is being checked (addresses only)


class LoginThrottle:
    """In-memory failure counts per address and per account, and the (account, address) pairs known by a success."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._addresses: dict[str, _Failures] = {}
        self._accounts: dict[str, _Failures] = {}
        self._known: dict[tuple[str, str], float] = {}  # (account, address group) -> time of the last success
        self._lock = threading.Lock()
        self._reported = OncePer(REPORT_EVERY_SECONDS)

    def attempt(self, account: str, address: str, *, known_client: bool = False) -> Attempt | Refusal:
        """Reserve one password check for account from address, or the Refusal when it must wait.

        account names the account ('famille:770400070', 'agent:agent'), existing or not; known_client is True for
        the local machine or a browser with this account's known-device cookie."""
        key, group, now = printable(account.lower()), address_group(address), self._clock()
        with self._lock:
            known = known_client or self._known_address(key, group, now)
            refusal = self._address_refusal(group, now) or (None if known else self._account_refusal(key, now))
            if refusal is not None:
                self._report_refusal(refusal, key, group, now)
                return refusal
            self._start(group, now)
            if not known:
                self._count(self._accounts, key, now, self._account_forget_seconds(key))
            self._keep_bounded(now)
        return Attempt(key, group, printable(account.split(":", 1)[-1]), not known, now)

    def succeeded(self, attempt: Attempt) -> None:
        """The password was right: un-count this attempt, clear the account's failures, remember the address."""
        with self._lock:
            self._finish(attempt)  # only this attempt: logging in to one's own account keeps failures on others
            self._accounts.pop(attempt.account, None)
            self._known[(attempt.account, attempt.address)] = self._clock()
            self._keep_bounded(self._clock())

    def failed(self, attempt: Attempt) -> None:
        """The password was wrong (or its check failed): count it against the address; report when this failure
        starts a pause or a lock."""
        with self._lock:
            self._finish(attempt)
            self._count(self._addresses, attempt.address, self._clock(), ADDRESS_FORGET_SECONDS)
            address = self._addresses.get(attempt.address)
            account = self._accounts.get(attempt.account) if attempt.against_account else None
        if address is not None and address.count == FREE_ADDRESS_FAILURES:
            log.warning("Connexions ralenties pour l'adresse %s : %d échecs (dernier identifiant essayé : %s)",
                        attempt.address, address.count, attempt.identifiant)
        if account is not None and account.count == ACCOUNT_LOCK_FAILURES:
            log.warning("Compte %s bloqué %d min pour les appareils inconnus après %d échecs (dernier depuis %s)",
                        attempt.account, ACCOUNT_LOCK_SECONDS // 60, account.count, attempt.address)

    # --- the rules -------------------------------------------------------------------------------------------------

    def _address_refusal(self, group: str, now: float) -> Refusal | None:
        failures = self._addresses.get(group)
        if failures is not None and failures.in_flight >= MAX_IN_FLIGHT_PER_ADDRESS:
            return Refusal.waiting(ADDRESS_BUSY, 1)
        if failures is None or failures.count < FREE_ADDRESS_FAILURES:
            return None
        pause = min(ADDRESS_MAX_PAUSE_SECONDS, 2 ** min(failures.count - FREE_ADDRESS_FAILURES + 1, 20))
        wait = failures.last + pause - now
        return Refusal.waiting(ADDRESS_PAUSED, wait) if wait > 0 else None

    def _account_refusal(self, key: str, now: float) -> Refusal | None:
        failures = self._accounts.get(key)
        if failures is None or failures.count < FREE_ACCOUNT_FAILURES:
            return None
        if failures.count >= ACCOUNT_LOCK_FAILURES:
            until = failures.last + ACCOUNT_LOCK_SECONDS
            return Refusal.waiting(ACCOUNT_LOCKED, until - now, until) if until > now else None
        pause = min(ACCOUNT_MAX_PAUSE_SECONDS, 2 ** (failures.count - FREE_ACCOUNT_FAILURES + 1))
        wait = failures.last + pause - now
        return Refusal.waiting(ACCOUNT_PAUSED, wait) if wait > 0 else None

    def _account_forget_seconds(self, key: str) -> float:
        """An expired lock starts a new count; otherwise failures are forgotten after a quiet day."""
        failures = self._accounts.get(key)
        if failures is not None and failures.count >= ACCOUNT_LOCK_FAILURES:
            return ACCOUNT_LOCK_SECONDS
        return ACCOUNT_FORGET_SECONDS

    def _start(self, group: str, now: float) -> None:
        """One more attempt of this address in flight (an address seen for the first time has no failure yet)."""
        failures = self._addresses.get(group)
        if failures is None or (now - failures.last >= ADDRESS_FORGET_SECONDS and not failures.in_flight):
            failures = self._addresses[group] = _Failures(0, now)
        failures.in_flight += 1

    def _finish(self, attempt: Attempt) -> None:
        failures = self._addresses.get(attempt.address)
        if failures is not None and failures.in_flight > 0:
            failures.in_flight -= 1

    def _known_address(self, key: str, group: str, now: float) -> bool:
        last = self._known.get((key, group))
        return last is not None and now - last < KNOWN_SECONDS

    @staticmethod
    def _count(table: dict[str, _Failures], key: str, now: float, forget_after: float) -> None:
        failures = table.get(key)
        if failures is None or now - failures.last >= forget_after:
            table[key] = _Failures(1, now, failures.in_flight if failures else 0)
        else:
            failures.count += 1
            failures.last = now

    def _report_refusal(self, refusal: Refusal, key: str, group: str, now: float) -> None:
        if self._reported.first((refusal.reason, group if refusal.reason == ADDRESS_PAUSED else key), now):
            log.warning("Connexion refusée (%s, attente %d s) : adresse %s, compte %s",
                        refusal.reason, refusal.wait_seconds, group, key)

    # --- bounded memory --------------------------------------------------------------------------------------------

    def _keep_bounded(self, now: float) -> None:
        if len(self._addresses) > MAX_TRACKED:
            self._addresses = _most_recent(self._addresses, now, ADDRESS_FORGET_SECONDS)
        if len(self._accounts) > MAX_TRACKED:
            self._accounts = _most_recent(self._accounts, now, ACCOUNT_FORGET_SECONDS, locks_first=True)
        if len(self._known) > MAX_TRACKED:
            recent = {pair: t for pair, t in self._known.items() if now - t < KNOWN_SECONDS}
            if len(recent) > MAX_TRACKED:
                recent = dict(sorted(recent.items(), key=lambda kv: kv[1])[len(recent) // 2:])
            self._known = recent


def printable(text: str) -> str:
    """text without control characters (it goes to the log), cut to a sensible length."""
    return "".join(c for c in text if c.isprintable())[:80]


def _most_recent(table: dict[str, _Failures], now: float, forget_after: float, *, locks_first: bool = False) -> dict:
    """table without forgotten entries; if still too big, its most recent half (locked accounts kept first)."""
    kept = {key: f for key, f in table.items() if now - f.last < forget_after}
    if len(kept) > MAX_TRACKED:
        ranked = sorted(kept.items(), key=lambda kv: (locks_first and kv[1].count >= ACCOUNT_LOCK_FAILURES, kv[1].last))
        kept = dict(ranked[len(ranked) // 2:])
    return kept
