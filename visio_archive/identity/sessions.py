"""Browser sessions held by the server (SQLite in the state directory).

The cookie carries only a random 256-bit session id; the store keeps its SHA-256 (a copy of the
database gives no usable cookie), who it is, the role it was opened with, a CSRF secret, and the
ID token for RP-initiated logout. A session ends:

* at logout (:meth:`SessionStore.revoke`), at once for every process that shares the database;
* when its holder's role changes or they are removed (:meth:`revoke_subject`, and the web layer
  compares the role at every request);
* after ``idle`` seconds without a request, or ``absolute`` seconds after it was opened.

Pending OpenID Connect logins (``state``, ``nonce``, PKCE verifier) are kept here too, each usable
once and for ten minutes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    subject TEXT NOT NULL,
    method TEXT NOT NULL,
    role TEXT NOT NULL,
    display_name TEXT NOT NULL DEFAULT '',
    email TEXT,
    claims TEXT NOT NULL DEFAULT '{}',
    id_token TEXT,
    csrf TEXT NOT NULL,
    address TEXT,
    created_at REAL NOT NULL,
    last_seen REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_subject ON sessions (subject);
CREATE TABLE IF NOT EXISTS pending_logins (
    state_hash TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    expires_at REAL NOT NULL
);
"""


class Session(BaseModel):
    """One open session, as the store holds it (never the cookie value itself)."""

    id_hash: str
    subject: str  # local username, or the OIDC ``sub``
    method: str  # "password" (users file) or "oidc"
    role: str
    display_name: str = ""
    email: str | None = None
    claims: dict[str, Any] = Field(default_factory=dict)
    id_token: str | None = None
    csrf: str
    address: str | None = None
    created_at: float
    last_seen: float


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class SessionStore:
    """Server-held sessions with idle and absolute timeouts."""

    def __init__(self, path: Path, *, idle: float = 30 * 60, absolute: float = 8 * 3600,
                 touch_every: float = 15.0, pending_ttl: float = 600.0) -> None:
        if idle <= 0 or absolute <= 0:
            raise ValueError("session timeouts must be positive")
        self.path = path
        self.idle = idle
        self.absolute = absolute
        self.touch_every = min(touch_every, idle / 4)
        self.pending_ttl = pending_ttl
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)
        path.chmod(0o600)

    @classmethod
    def in_state_dir(cls, state_dir: Path, **kwargs: Any) -> SessionStore:
        return cls(state_dir / "sessions.sqlite3", **kwargs)

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.row_factory = sqlite3.Row
            self._local.db = db
        return db

    # ------------------------------------------------------------ sessions

    def create(self, *, subject: str, method: str, role: str, display_name: str = "", email: str | None = None,
               claims: dict[str, Any] | None = None, id_token: str | None = None,
               address: str | None = None, now: float | None = None) -> tuple[str, Session]:
        """Open a session; returns (cookie value, session)."""
        now = time.time() if now is None else now
        cookie = secrets.token_urlsafe(32)
        session = Session(
            id_hash=_hash(cookie), subject=subject, method=method, role=role, display_name=display_name,
            email=email, claims=claims or {}, id_token=id_token, csrf=secrets.token_hex(32),
            address=address, created_at=now, last_seen=now,
        )
        self._db().execute(
            "INSERT INTO sessions (id_hash, subject, method, role, display_name, email, claims, id_token, csrf,"
            " address, created_at, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (session.id_hash, subject, method, role, display_name, email, json.dumps(session.claims), id_token,
             session.csrf, address, now, now),
        )
        return cookie, session

    def get(self, cookie: str, now: float | None = None) -> Session | None:
        """The live session for this cookie value, or None (unknown, revoked, idle or too old)."""
        if not cookie or len(cookie) > 200:
            return None
        now = time.time() if now is None else now
        db = self._db()
        row = db.execute("SELECT * FROM sessions WHERE id_hash = ?", (_hash(cookie),)).fetchone()
        if row is None:
            return None
        session = Session(**{**dict(row), "claims": json.loads(row["claims"] or "{}")})
        if now - session.last_seen > self.idle or now - session.created_at > self.absolute:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (session.id_hash,))
            return None
        if now - session.last_seen >= self.touch_every:
            db.execute("UPDATE sessions SET last_seen = ? WHERE id_hash = ?", (now, session.id_hash))
            session.last_seen = now
        return session

    def revoke(self, cookie: str) -> Session | None:
        """End the session of this cookie; returns it (for the ID token hint), or None."""
        if not cookie or len(cookie) > 200:
            return None
        db = self._db()
        row = db.execute("DELETE FROM sessions WHERE id_hash = ? RETURNING *", (_hash(cookie),)).fetchone()
        return Session(**{**dict(row), "claims": json.loads(row["claims"] or "{}")}) if row else None

    def revoke_id(self, id_hash: str) -> bool:
        return self._db().execute("DELETE FROM sessions WHERE id_hash = ?", (id_hash,)).rowcount > 0

    def revoke_subject(self, subject: str, method: str | None = None) -> int:
        """End every session of one person; returns how many were open."""
        if method is None:
            cur = self._db().execute("DELETE FROM sessions WHERE subject = ?", (subject,))
        else:
            cur = self._db().execute("DELETE FROM sessions WHERE subject = ? AND method = ?", (subject, method))
        return cur.rowcount

    def revoke_where(self, *, email: str | None = None, method: str | None = None) -> int:
        """End every session opened with this e-mail address (access-table edits by e-mail)."""
        if email is None:
            return 0
        sql, args = "DELETE FROM sessions WHERE lower(email) = ?", [email.lower()]
        if method is not None:
            sql, args = sql + " AND method = ?", [*args, method]
        return self._db().execute(sql, args).rowcount

    def revoke_all(self, method: str | None = None) -> int:
        if method is None:
            return self._db().execute("DELETE FROM sessions").rowcount
        return self._db().execute("DELETE FROM sessions WHERE method = ?", (method,)).rowcount

    def list(self) -> list[Session]:
        rows = self._db().execute("SELECT * FROM sessions ORDER BY created_at").fetchall()
        return [Session(**{**dict(r), "claims": json.loads(r["claims"] or "{}")}) for r in rows]

    def purge(self, now: float | None = None) -> int:
        """Delete expired sessions and pending logins (the web app calls it now and then)."""
        now = time.time() if now is None else now
        db = self._db()
        n = db.execute("DELETE FROM sessions WHERE last_seen < ? OR created_at < ?",
                       (now - self.idle, now - self.absolute)).rowcount
        db.execute("DELETE FROM pending_logins WHERE expires_at < ?", (now,))
        return n

    # ------------------------------------------------------------ pending OIDC logins

    def put_pending(self, state: str, data: dict[str, Any], now: float | None = None) -> None:
        now = time.time() if now is None else now
        self._db().execute("INSERT INTO pending_logins (state_hash, data, expires_at) VALUES (?, ?, ?)",
                           (_hash(state), json.dumps(data), now + self.pending_ttl))

    def pop_pending(self, state: str, now: float | None = None) -> dict[str, Any] | None:
        """The data stored for this ``state``, once (a second call returns None), if not expired."""
        if not state or len(state) > 200:
            return None
        now = time.time() if now is None else now
        row = self._db().execute("DELETE FROM pending_logins WHERE state_hash = ? RETURNING data, expires_at",
                                 (_hash(state),)).fetchone()
        if row is None or row["expires_at"] < now:
            return None
        data: dict[str, Any] = json.loads(row["data"])
        return data
