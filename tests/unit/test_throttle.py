"""Login throttling per address and per account: check and count in one step, known clients keep access, bounded
memory, events in the log; and the client-address rules it relies on (trusted proxies, IPv6 /64 groups)."""
from __future__ import annotations

import logging
import threading

import pytest

from helpers import FakeClock

from storage.protection import throttle as throttle_module
from storage.protection.addresses import address_group, clean_trusted_proxies, forwarded_client, trusted_networks
from storage.protection.refusals import Refusal
from storage.protection.throttle import (ACCOUNT_LOCKED, ACCOUNT_PAUSED, ADDRESS_PAUSED, Attempt, LoginThrottle)

FAMILY = "famille:770400070"
OUTSIDER = "203.0.113.66"


@pytest.fixture
def clock():
    return FakeClock(1_000_000.0)


@pytest.fixture
def throttle(clock):
    return LoginThrottle(clock=clock)


def fail(throttle, account, address, **options):
    """One wrong password; returns the Refusal instead when the attempt may not be made."""
    attempt = throttle.attempt(account, address, **options)
    if isinstance(attempt, Attempt):
        throttle.failed(attempt)
    return attempt


def fail_patiently(throttle, clock, account, address, times, **options):
    """`times` wrong passwords, waiting out every pause as a patient attacker would (not an account lock)."""
    for _ in range(times):
        while isinstance(result := fail(throttle, account, address, **options), Refusal):
            assert result.reason != ACCOUNT_LOCKED, "locked before the expected number of failures"
            clock.advance(result.wait_seconds)


# --- per address --------------------------------------------------------------------------------------------------

def test_one_address_spraying_many_accounts_is_slowed_after_a_few_failures(throttle):
    """The attack: 20 sequential family numbers from one address, at once. Only the free failures are checked."""
    results = [fail(throttle, f"famille:7704000{n:02d}0", OUTSIDER) for n in range(1, 21)]
    checked = [r for r in results if isinstance(r, Attempt)]
    assert len(checked) == throttle_module.FREE_ADDRESS_FAILURES
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert {r.reason for r in refusals} == {ADDRESS_PAUSED}
    assert all(r.wait_seconds >= 1 and r.locked_until is None for r in refusals)


def test_address_pause_doubles_up_to_fifteen_minutes(throttle, clock):
    waits = []
    for n in range(1, 16):
        fail_patiently(throttle, clock, f"famille:{770400000 + 10 * n}", OUTSIDER, 1)
        refusal = throttle.attempt("famille:770409990", OUTSIDER)
        if isinstance(refusal, Refusal):
            waits.append(refusal.wait_seconds)
        else:
            throttle.succeeded(refusal)  # (un-count the probe)
    assert waits[:4] == [2, 4, 8, 16]
    assert waits == sorted(waits) and waits[-1] == throttle_module.ADDRESS_MAX_PAUSE_SECONDS


def test_another_address_is_not_slowed(throttle):
    for n in range(10):
        fail(throttle, f"famille:{770400010 + 10 * n}", OUTSIDER)
    assert isinstance(throttle.attempt("famille:770400070", "198.51.100.7"), Attempt)


def test_ipv6_addresses_of_one_subscriber_count_as_one(throttle):
    results = [fail(throttle, f"famille:{770400010 + 10 * n}", f"2001:db8:1:2::{n + 1:x}") for n in range(8)]
    assert sum(isinstance(r, Attempt) for r in results) == throttle_module.FREE_ADDRESS_FAILURES
    assert address_group("2001:db8:1:2::1") == address_group("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_group("::ffff:203.0.113.5") == "203.0.113.5"


def test_success_on_own_account_does_not_wash_away_failures_on_others(throttle):
    for n in range(throttle_module.FREE_ADDRESS_FAILURES - 1):
        fail(throttle, f"famille:{770400010 + 10 * n}", OUTSIDER)
    own = throttle.attempt("famille:770400990", OUTSIDER)
    assert isinstance(own, Attempt)
    throttle.succeeded(own)
    assert isinstance(fail(throttle, "famille:770400500", OUTSIDER), Attempt)  # the last free one
    assert isinstance(throttle.attempt("famille:770400510", OUTSIDER), Refusal)


def test_address_failures_are_forgotten_an_hour_after_the_last(throttle, clock):
    for n in range(throttle_module.FREE_ADDRESS_FAILURES + 1):
        fail(throttle, f"famille:{770400010 + 10 * n}", OUTSIDER)
    assert isinstance(throttle.attempt("famille:770400700", OUTSIDER), Refusal)
    clock.advance(throttle_module.ADDRESS_FORGET_SECONDS)
    for n in range(throttle_module.FREE_ADDRESS_FAILURES):
        assert isinstance(fail(throttle, f"famille:{770401010 + 10 * n}", OUTSIDER), Attempt)


# --- per account --------------------------------------------------------------------------------------------------

def test_many_addresses_guessing_one_account_pause_then_lock_it_for_unknown_clients(throttle, clock):
    addresses = (f"198.51.100.{n}" for n in range(1, 200))
    free = [fail(throttle, FAMILY, next(addresses)) for _ in range(throttle_module.FREE_ACCOUNT_FAILURES)]
    assert all(isinstance(r, Attempt) for r in free)
    refusal = throttle.attempt(FAMILY, next(addresses))
    assert isinstance(refusal, Refusal) and refusal.reason == ACCOUNT_PAUSED and refusal.wait_seconds == 2
    fail_patiently(throttle, clock, FAMILY, next(addresses),
                   throttle_module.ACCOUNT_LOCK_FAILURES - throttle_module.FREE_ACCOUNT_FAILURES)
    locked = throttle.attempt(FAMILY, next(addresses))
    assert locked.reason == ACCOUNT_LOCKED
    assert locked.locked_until == clock() + throttle_module.ACCOUNT_LOCK_SECONDS
    assert locked.wait_seconds == throttle_module.ACCOUNT_LOCK_SECONDS
    clock.advance(throttle_module.ACCOUNT_LOCK_SECONDS - 5)
    assert throttle.attempt(FAMILY, next(addresses)).reason == ACCOUNT_LOCKED
    clock.advance(10)
    assert isinstance(throttle.attempt(FAMILY, next(addresses)), Attempt)


def lock_account(throttle, clock, account=FAMILY):
    """An outsider, from many addresses, locks the account for unknown clients."""
    addresses = (f"198.51.100.{n}" for n in range(1, 250))
    fail_patiently(throttle, clock, account, next(addresses), throttle_module.ACCOUNT_LOCK_FAILURES)
    for address in addresses:
        refusal = throttle.attempt(account, address)
        assert isinstance(refusal, Refusal) and refusal.reason == ACCOUNT_LOCKED
        return


def test_locked_account_still_opens_to_a_known_device_or_the_local_machine(throttle, clock):
    lock_account(throttle, clock, "agent:agent")
    assert isinstance(throttle.attempt("agent:agent", "192.0.2.10"), Refusal)  # a stranger
    assert isinstance(throttle.attempt("agent:agent", "192.0.2.10", known_client=True), Attempt)  # its cookie
    assert isinstance(throttle.attempt("agent:agent", "127.0.0.1", known_client=True), Attempt)  # local machine


def test_locked_account_still_opens_from_an_address_that_logged_in_before(throttle, clock):
    home = "192.0.2.44"
    throttle.succeeded(throttle.attempt(FAMILY, home))
    lock_account(throttle, clock)
    assert isinstance(throttle.attempt(FAMILY, home), Attempt)
    assert isinstance(throttle.attempt("famille:770400080", home), Attempt)  # (another account: not locked at all)
    clock.advance(throttle_module.KNOWN_SECONDS)
    lock_account(throttle, clock)
    assert isinstance(throttle.attempt(FAMILY, home), Refusal), "an old success no longer makes the address known"


def test_known_clients_failures_do_not_lock_the_account_for_others(throttle, clock):
    fail_patiently(throttle, clock, FAMILY, "192.0.2.44", throttle_module.ACCOUNT_LOCK_FAILURES, known_client=True)
    clock.advance(throttle_module.ADDRESS_MAX_PAUSE_SECONDS)
    assert isinstance(throttle.attempt(FAMILY, "198.51.100.3"), Attempt)


def test_success_clears_the_account_count(throttle, clock):
    fail_patiently(throttle, clock, FAMILY, "198.51.100.1", throttle_module.FREE_ACCOUNT_FAILURES + 1)
    clock.advance(throttle_module.ACCOUNT_MAX_PAUSE_SECONDS)
    throttle.succeeded(throttle.attempt(FAMILY, "198.51.100.2"))
    for n in range(throttle_module.FREE_ACCOUNT_FAILURES):
        assert isinstance(fail(throttle, FAMILY, f"198.51.100.{10 + n}"), Attempt)


def test_accounts_are_counted_separately_and_case_insensitively(throttle, clock):
    lock_account(throttle, clock, "agent:Agent")
    assert throttle.attempt("agent:agent", "192.0.2.99").reason == ACCOUNT_LOCKED
    assert throttle.attempt("AGENT:AGENT", "192.0.2.99").reason == ACCOUNT_LOCKED
    assert isinstance(throttle.attempt(FAMILY, "192.0.2.99"), Attempt)


# --- one step: check and count ----------------------------------------------------------------------------------

def test_parallel_attempts_are_counted_before_any_password_is_checked(throttle):
    """16 threads ask at once (the password check runs outside the lock): only the free attempts get through."""
    start = threading.Barrier(16)
    results = []

    def guess(n):
        start.wait()
        results.append(throttle.attempt(FAMILY, f"198.51.100.{n}"))

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(r, Attempt) for r in results) == throttle_module.FREE_ACCOUNT_FAILURES


def test_attempts_in_flight_from_one_address_are_bounded_but_not_counted_as_failures(throttle):
    """Many families behind one address logging in at once are not slowed down; parallel guesses are bounded."""
    attempts = [throttle.attempt(f"famille:{770400010 + 10 * n}", OUTSIDER)
                for n in range(throttle_module.MAX_IN_FLIGHT_PER_ADDRESS)]
    assert all(isinstance(a, Attempt) for a in attempts)  # more than FREE_ADDRESS_FAILURES at once: allowed
    busy = throttle.attempt("famille:770400900", OUTSIDER)
    assert isinstance(busy, Refusal) and busy.reason == throttle_module.ADDRESS_BUSY and busy.wait_seconds == 1
    for attempt in attempts:
        throttle.succeeded(attempt)
    assert isinstance(throttle.attempt("famille:770400900", OUTSIDER), Attempt)  # successes leave no failure


def test_finished_failures_of_parallel_attempts_slow_the_address(throttle):
    attempts = [throttle.attempt(f"famille:{770400010 + 10 * n}", OUTSIDER)
                for n in range(throttle_module.MAX_IN_FLIGHT_PER_ADDRESS)]
    for attempt in attempts:
        throttle.failed(attempt)
    refusal = throttle.attempt("famille:770400900", OUTSIDER)
    assert isinstance(refusal, Refusal) and refusal.reason == throttle_module.ADDRESS_PAUSED


# --- memory and log -----------------------------------------------------------------------------------------------

def test_memory_stays_bounded_under_a_spray_from_many_addresses(throttle, monkeypatch):
    monkeypatch.setattr(throttle_module, "MAX_TRACKED", 50)
    for n in range(400):
        attempt = throttle.attempt(f"famille:{770400010 + 10 * n}", f"10.{n // 250}.{n % 250}.1")
        if isinstance(attempt, Attempt):
            throttle.failed(attempt)
            if n % 3 == 0:
                throttle.succeeded(attempt)
    assert len(throttle._addresses) <= 50 and len(throttle._accounts) <= 50 and len(throttle._known) <= 50


def test_throttling_events_are_logged_once_with_address_and_identifiant(throttle, clock, caplog):
    caplog.set_level(logging.WARNING, logger="portal")
    for n in range(throttle_module.FREE_ADDRESS_FAILURES + 3):
        fail(throttle, f"famille:{770400010 + 10 * n}", OUTSIDER)
    lock_account(throttle, clock, "agent:agent")
    lines = [r.getMessage() for r in caplog.records if r.name == "portal" and r.levelno == logging.WARNING]
    assert any(OUTSIDER in line and "770400060" in line for line in lines), lines  # the address starts to be slowed
    assert any(ADDRESS_PAUSED in line and OUTSIDER in line for line in lines), lines  # a refusal
    assert any("agent:agent" in line and "bloqué" in line for line in lines), lines
    refusals = [line for line in lines if "refusée" in line]
    assert len([line for line in refusals if OUTSIDER in line]) == 1, "one line per attacker and period, not per request"
    assert len(refusals) == 4, refusals  # the outsider's and the agent guesser's addresses, the pause, the lock


# --- client addresses -------------------------------------------------------------------------------------------

PROXY = trusted_networks(("10.0.0.1", "fd00::/64"))


@pytest.mark.parametrize("remote, forwarded, client", [
    ("203.0.113.5", "", "203.0.113.5"),
    ("203.0.113.5", "198.51.100.1", "203.0.113.5"),  # not through a trusted proxy: the header is anyone's
    ("10.0.0.1", "198.51.100.1", "198.51.100.1"),
    ("10.0.0.1", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  # what the client wrote (1.2.3.4) is ignored
    ("10.0.0.1", "198.51.100.1, fd00::5", "198.51.100.1"),  # a second trusted proxy in the chain
    ("10.0.0.1", "", "10.0.0.1"),
    ("10.0.0.1", "fd00::5", "fd00::5"),  # only proxies: the left-most hop
    ("10.0.0.1", "[2001:db8::1]:443", "2001:db8::1"),
    ("::ffff:10.0.0.1", "198.51.100.1:5050", "198.51.100.1"),
    ("10.0.0.1", "evil\r\nline" + "x" * 100, "evilline" + "x" * 56),
])
def test_client_address_believes_forwarded_for_only_from_trusted_proxies(remote, forwarded, client):
    assert forwarded_client(remote, forwarded, PROXY) == client
    assert forwarded_client(remote, forwarded, ()) == (client if remote == "203.0.113.5" else
                                                        forwarded_client(remote, "", PROXY))


def test_trusted_proxy_setting_is_checked():
    assert clean_trusted_proxies("127.0.0.1, 10.0.0.0/24 ,::1,10.0.0.7/32") == (
        ["127.0.0.1", "10.0.0.0/24", "::1", "10.0.0.7"], [])
    proxies, errors = clean_trusted_proxies(["0.0.0.0/0", "proxy.local", "10.0.0.1"])
    assert proxies == ["10.0.0.1"] and len(errors) == 2
    assert "trop large" in errors[0] and "ni une adresse IP" in errors[1]
