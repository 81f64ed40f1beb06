"""Login throttling: a growing pause after repeated failures, then a lock; a right password cannot skip it."""
from __future__ import annotations

import pytest

from helpers import FakeClock

from storage import throttle as throttle_module
from storage.throttle import LoginThrottle


@pytest.fixture
def clock():
    return FakeClock(1_000_000.0)


@pytest.fixture
def throttle(clock):
    return LoginThrottle(clock=clock)


def fail_until_refused(throttle, clock, identifiant, times):
    """Record `times` failures, waiting out each pause as a patient attacker would."""
    for _ in range(times):
        while throttle.refusal(identifiant) and "bloqué" not in throttle.refusal(identifiant):
            clock.advance(1)
        throttle.failed(identifiant)


def test_first_failures_are_free(throttle):
    for _ in range(throttle_module.FREE_FAILURES):
        throttle.failed("770400070")
        assert throttle.refusal("770400070") is None


def test_pause_grows_with_failures(throttle, clock):
    waits = []
    for _ in range(throttle_module.LOCK_AFTER_FAILURES - 1):
        fail_until_refused(throttle, clock, "770400070", 1)
        message = throttle.refusal("770400070")
        if message:
            assert message.startswith("Trop d'essais infructueux. Patientez"), message
            waits.append(int(message.split("Patientez ")[1].split(" ")[0]))
    assert len(waits) == throttle_module.LOCK_AFTER_FAILURES - 1 - throttle_module.FREE_FAILURES
    assert waits == sorted(waits) and waits[-1] > waits[0]
    assert max(waits) <= throttle_module.MAX_PAUSE_SECONDS + 1


def test_pause_ends_after_waiting(throttle, clock):
    fail_until_refused(throttle, clock, "770400070", throttle_module.FREE_FAILURES + 1)
    assert throttle.refusal("770400070")
    clock.advance(throttle_module.MAX_PAUSE_SECONDS + 1)
    assert throttle.refusal("770400070") is None


def test_locked_after_ten_failures_with_french_message(throttle, clock):
    fail_until_refused(throttle, clock, "770400070", throttle_module.LOCK_AFTER_FAILURES)
    message = throttle.refusal("770400070")
    assert message is not None
    assert "Trop d'essais" in message and "bloqué" in message and "minute" in message


def test_lock_holds_until_its_time_is_over(throttle, clock):
    fail_until_refused(throttle, clock, "770400070", throttle_module.LOCK_AFTER_FAILURES)
    clock.advance(throttle_module.LOCK_SECONDS - 5)
    assert throttle.refusal("770400070")
    clock.advance(10)
    assert throttle.refusal("770400070") is None


def test_lock_is_refused_before_any_password_check(throttle, clock):
    """The login routes ask refusal() first; a lock never clears just because time passes a little."""
    fail_until_refused(throttle, clock, "770400070", throttle_module.LOCK_AFTER_FAILURES)
    for _ in range(5):
        clock.advance(60)
        assert "bloqué" in throttle.refusal("770400070")


def test_failures_after_lock_expiry_start_a_new_count(throttle, clock):
    fail_until_refused(throttle, clock, "770400070", throttle_module.LOCK_AFTER_FAILURES)
    clock.advance(throttle_module.LOCK_SECONDS + 1)
    throttle.failed("770400070")
    assert throttle.refusal("770400070") is None


def test_success_clears_the_count(throttle, clock):
    fail_until_refused(throttle, clock, "770400070", throttle_module.FREE_FAILURES)
    throttle.succeeded("770400070")
    throttle.failed("770400070")
    assert throttle.refusal("770400070") is None


def test_identifiants_are_counted_separately_and_case_insensitively(throttle, clock):
    fail_until_refused(throttle, clock, "Agent", throttle_module.LOCK_AFTER_FAILURES)
    assert throttle.refusal("agent")
    assert throttle.refusal("AGENT")
    assert throttle.refusal("770400070") is None
