"""Login sessions: random tokens (only their hash is kept), idle and absolute expiry, CSRF token per session."""
from __future__ import annotations

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from storage.documents import DocumentStore

IDLE_SECONDS = 2 * 3600        # long enough to fill in a long form
ABSOLUTE_SECONDS = 12 * 3600


@dataclass
class Session:
    kind: str            # "family" or "agent"
    account_id: str      # family number or agent login
    csrf_token: str
    created_at: float
    last_seen: float
    must_change_password: bool = False  # logged in with a temporary password: nothing else until it is changed
    flashes: list = field(default_factory=list)  # (kind, text) shown once; kept in memory only
    shown_once: dict = field(default_factory=dict)  # secrets a POST hands to the page it redirects to; memory only

    def flash(self, text: str, kind: str = "info") -> None:
        self.flashes.append((kind, text))

    def pop_flashes(self) -> list:
        flashes, self.flashes = self.flashes, []
        return flashes

    def show_once(self, key: str, value) -> None:
        """Keep value (a one-time password) for the next page only: a refresh of that page no longer shows it."""
        self.shown_once[key] = value

    def take_shown_once(self, key: str):
        return self.shown_once.pop(key, None)


def _token_key(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


class SessionStore:
    """Sessions in memory, saved to data/sessions.json when one starts or ends so a restart keeps them."""

    def __init__(self, documents: DocumentStore, clock=time.time):
        self._documents = documents
        self._path: Path = documents.root / "sessions.json"
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._expired_on_disk = 0  # expired sessions left out at start-up, still in sessions.json until the next save
        self._load()

    def create(self, kind: str, account_id: str, must_change_password: bool = False) -> tuple[str, Session]:
        """Start a session; returns the token for the cookie and the session."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        session = Session(kind, account_id, secrets.token_urlsafe(32), now, now, must_change_password)
        with self._lock:
            self._sessions[_token_key(token)] = session
            self._drop_expired(now)
            self._save()
        return token, session

    def get(self, token: str | None) -> Session | None:
        """The live session for a cookie token, refreshing its idle timer; None when absent or expired."""
        if not token:
            return None
        key = _token_key(token)
        now = self._clock()
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                return None
            if self._expired(session, now):
                del self._sessions[key]
                self._save()
                return None
            session.last_seen = now
            return session

    def end(self, token: str | None) -> None:
        """Log out: the token is forgotten on the server."""
        if not token:
            return
        with self._lock:
            if self._sessions.pop(_token_key(token), None) is not None:
                self._save()

    def end_all(self, kind: str, account_id: str, keep_token: str | None = None) -> int:
        """End every session of one account (password change, deactivation), except keep_token's."""
        keep = _token_key(keep_token) if keep_token else None
        with self._lock:
            doomed = [k for k, s in self._sessions.items()
                      if s.kind == kind and s.account_id == account_id and k != keep]
            for key in doomed:
                del self._sessions[key]
            if doomed:
                self._save()
        return len(doomed)

    def password_changed(self, session: Session) -> None:
        """The session's account has chosen its own password: the session may go everywhere again."""
        with self._lock:
            session.must_change_password = False
            self._save()

    def forget_expired(self, dry_run: bool = False) -> int:
        """Remove the expired sessions still held (in memory and in sessions.json); returns how many (dry_run: how many
        would be, nothing removed)."""
        now = self._clock()
        with self._lock:
            expired = [key for key, session in self._sessions.items() if self._expired(session, now)]
            count = len(expired) + self._expired_on_disk
            if count and not dry_run:
                for key in expired:
                    del self._sessions[key]
                self._save()
        return count

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > IDLE_SECONDS or now - session.created_at > ABSOLUTE_SECONDS

    def _drop_expired(self, now: float) -> None:
        for key in [k for k, s in self._sessions.items() if self._expired(s, now)]:
            del self._sessions[key]

    def _load(self) -> None:
        db = self._documents.read(self._path)
        now = self._clock()
        for doc in db.table("sessions").all():
            session = Session(doc["kind"], doc["account_id"], doc["csrf_token"], doc["created_at"],
                              doc["last_seen"], doc.get("must_change_password", False))
            if not self._expired(session, now):
                self._sessions[doc["key"]] = session
            else:
                self._expired_on_disk += 1

    def _save(self) -> None:
        # Called with self._lock held; last_seen is saved as of now, good enough for idle expiry.
        self._expired_on_disk = 0
        with self._documents.transaction(self._path) as db:
            table = db.table("sessions")
            table.truncate()
            table.insert_multiple(
                {"key": k, "kind": s.kind, "account_id": s.account_id, "csrf_token": s.csrf_token,
                 "created_at": s.created_at, "last_seen": s.last_seen,
                 "must_change_password": s.must_change_password}
                for k, s in self._sessions.items())
