"""Sign-in sessions for browsers, kept in a table of the same database so every API process accepts them.

Sessions are outside the event log by design: losing them signs people out and loses no model action.
Only the SHA-256 of the cookie value is stored.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from backend.database import Database
from backend.domain.base import iso, parse_iso


@dataclass(frozen=True)
class Session:
    session_id: str
    user_id: uuid.UUID
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class NewSession:
    """A session and the cookie value that opens it; the value is shown to the browser once."""

    session: Session
    cookie_value: str


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class SessionStore:
    def __init__(self, database: Database, clock: Callable[[], datetime], ttl: timedelta) -> None:
        self.database = database
        self.clock = clock
        self.ttl = ttl

    def create_table(self) -> None:
        self.database.execute(
            "CREATE TABLE IF NOT EXISTS sessions (session_sha256 TEXT PRIMARY KEY, user_id TEXT NOT NULL, "
            "csrf_token TEXT NOT NULL, created_at TEXT NOT NULL, expires_at TEXT NOT NULL)"
        )

    def open(self, user_id: uuid.UUID) -> NewSession:
        cookie_value = secrets.token_urlsafe(32)
        now = self.clock()
        session = Session(
            session_id=digest(cookie_value),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(24),
            expires_at=now + self.ttl,
        )
        self.database.execute(
            "INSERT INTO sessions (session_sha256, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            (session.session_id, str(user_id), session.csrf_token, iso(now), iso(session.expires_at)),
        )
        return NewSession(session=session, cookie_value=cookie_value)

    def find(self, cookie_value: str) -> Session | None:
        row = self.database.fetchone(
            "SELECT session_sha256, user_id, csrf_token, expires_at FROM sessions WHERE session_sha256 = ?",
            (digest(cookie_value),),
        )
        if row is None:
            return None
        expires_at = parse_iso(row["expires_at"])
        assert expires_at is not None
        if expires_at <= self.clock():
            self.close(row["session_sha256"])
            return None
        return Session(row["session_sha256"], uuid.UUID(row["user_id"]), row["csrf_token"], expires_at)

    def close(self, session_id: str) -> None:
        self.database.execute("DELETE FROM sessions WHERE session_sha256 = ?", (session_id,))

    def close_all_for(self, user_id: uuid.UUID) -> None:
        self.database.execute("DELETE FROM sessions WHERE user_id = ?", (str(user_id),))
