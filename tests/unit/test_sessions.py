"""Login sessions: idle and absolute expiry, logout, ending all of an account's sessions, restarts."""
from __future__ import annotations

import pytest

from helpers import FakeClock

from storage import sessions as sessions_module
from storage.documents import DocumentStore
from storage.sessions import SessionStore


@pytest.fixture
def clock():
    return FakeClock(2_000_000.0)


@pytest.fixture
def documents(tmp_path):
    return DocumentStore(tmp_path)


@pytest.fixture
def sessions(documents, clock):
    return SessionStore(documents, clock=clock)


def test_created_session_is_found_by_its_token(sessions):
    token, session = sessions.create("family", "770400070")
    found = sessions.get(token)
    assert found is session
    assert (found.kind, found.account_id) == ("family", "770400070")
    assert len(found.csrf_token) >= 32
    assert found.csrf_token != token


def test_tokens_and_csrf_tokens_are_unique(sessions):
    created = [sessions.create("family", "770400070") for _ in range(20)]
    assert len({token for token, _ in created}) == 20
    assert len({session.csrf_token for _, session in created}) == 20


@pytest.mark.parametrize("token", [None, "", "inconnu", "x" * 500, "é€"])
def test_unknown_tokens_find_nothing(sessions, token):
    sessions.create("family", "770400070")
    assert sessions.get(token) is None


def test_idle_session_expires(sessions, clock):
    token, _ = sessions.create("family", "770400070")
    clock.advance(sessions_module.IDLE_SECONDS - 1)
    assert sessions.get(token) is not None
    clock.advance(sessions_module.IDLE_SECONDS + 1)
    assert sessions.get(token) is None


def test_activity_keeps_session_alive_until_absolute_expiry(sessions, clock):
    token, _ = sessions.create("family", "770400070")
    step = sessions_module.IDLE_SECONDS // 2
    elapsed = 0
    while elapsed + step < sessions_module.ABSOLUTE_SECONDS:
        clock.advance(step)
        elapsed += step
        assert sessions.get(token) is not None, f"expired after {elapsed} s of activity"
    clock.advance(sessions_module.ABSOLUTE_SECONDS - elapsed + 1)  # still active, but too old
    assert sessions.get(token) is None


def test_expired_session_stays_dead(sessions, clock):
    token, _ = sessions.create("agent", "agent")
    clock.advance(sessions_module.IDLE_SECONDS + 1)
    assert sessions.get(token) is None
    clock.now -= sessions_module.IDLE_SECONDS + 1  # even if the clock went back
    assert sessions.get(token) is None


def test_end_forgets_the_token(sessions):
    token, _ = sessions.create("family", "770400070")
    other, _ = sessions.create("family", "770400070")
    sessions.end(token)
    assert sessions.get(token) is None
    assert sessions.get(other) is not None
    sessions.end(token)  # twice is harmless
    sessions.end(None)


def test_end_all_keeps_only_the_given_session(sessions):
    keep, _ = sessions.create("family", "770400070")
    doomed = [sessions.create("family", "770400070")[0] for _ in range(3)]
    other_family, _ = sessions.create("family", "770400080")
    agent, _ = sessions.create("agent", "770400070")  # same id, other kind: not the same account
    assert sessions.end_all("family", "770400070", keep_token=keep) == 3
    assert sessions.get(keep) is not None
    assert all(sessions.get(token) is None for token in doomed)
    assert sessions.get(other_family) is not None
    assert sessions.get(agent) is not None


def test_end_all_without_keep_ends_every_session(sessions):
    tokens = [sessions.create("family", "770400070")[0] for _ in range(2)]
    assert sessions.end_all("family", "770400070") == 2
    assert all(sessions.get(token) is None for token in tokens)


def test_sessions_survive_a_restart(documents, sessions, clock):
    token, session = sessions.create("family", "770400070")
    ended, _ = sessions.create("family", "770400080")
    sessions.end(ended)
    restarted = SessionStore(DocumentStore(documents.root), clock=clock)
    found = restarted.get(token)
    assert found is not None
    assert (found.kind, found.account_id, found.csrf_token) == ("family", "770400070", session.csrf_token)
    assert restarted.get(ended) is None


def test_restart_drops_expired_sessions(documents, sessions, clock):
    token, _ = sessions.create("family", "770400070")
    clock.advance(sessions_module.ABSOLUTE_SECONDS + 1)
    assert SessionStore(DocumentStore(documents.root), clock=clock).get(token) is None


def test_only_a_hash_of_the_token_is_stored(documents, sessions):
    token, _ = sessions.create("family", "770400070")
    stored = (documents.root / "sessions.json").read_text(encoding="utf-8")
    assert "770400070" in stored
    assert token not in stored


def test_flashes_are_shown_once(sessions):
    token, session = sessions.create("family", "770400070")
    session.flash("Demande envoyée.", "success")
    assert sessions.get(token).pop_flashes() == [("success", "Demande envoyée.")]
    assert sessions.get(token).pop_flashes() == []
