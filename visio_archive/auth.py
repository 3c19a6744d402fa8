"""Who is asking, and what they may do.

Roles (each includes nothing implicitly; permissions are listed per role in :data:`ROLE_PERMISSIONS`):

* ``viewer``          search, read meeting pages, download redacted exports and redacted audio;
* ``records_officer`` a viewer who may also reveal a meeting's full transcript (each reveal audited)
                      and produce legal export bundles;
* ``legal``           a viewer who may produce legal export bundles (redacted, audited, checksummed);
* ``admin``           everything, plus reading the audit log.

Authentication goes through the :class:`Authenticator` protocol. :class:`ConfigAuthenticator` reads
users from a TOML or JSON file (``VISIO_USERS_FILE``, re-read whenever it changes) with
scrypt-hashed passwords and API tokens stored as a keyed hash (HMAC-SHA256 under a server key: the
tokens are long and random, so a fast hash is enough; scrypt is for passwords). OpenID Connect
(ProConnect), server-held sessions, login throttling and the access table live in
:mod:`visio_archive.identity` (see ``docs/identity.md``).

Users file (TOML)::

    [users.alice]
    role = "records_officer"
    display_name = "Alice Martin"
    password = "scrypt$16384$8$1$<salt b64>$<hash b64>"   # visio-archive ui-user hash
    tokens = ["hmac-sha256$<hex>"]                         # API tokens, sent as "Bearer <token>"
                                                           # (older "sha256$<hex>" entries still work)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class AuthSettings(BaseSettings):
    """Settings of the search front end (env prefix ``VISIO_``)."""

    model_config = SettingsConfigDict(env_prefix="VISIO_", env_file=".env", extra="ignore")

    users_file: Path | None = None           # default: {state_dir}/users.toml
    session_secret: SecretStr | None = None  # default: a random key kept in {state_dir}/ui-session.key
    token_key: SecretStr | None = None       # key of the API-token hash; default: {state_dir}/api-token.key
    session_hours: float = Field(default=8.0, gt=0)           # absolute lifetime of a session
    session_idle_minutes: float = Field(default=30.0, gt=0)   # a session unused this long ends
    cookie_secure: bool | None = None        # default: true unless the public URL is http on loopback
    # Guessing: delays grow after these many attempts (see visio_archive.identity.throttle).
    login_free_attempts: int = Field(default=5, ge=1)
    login_max_delay_seconds: float = Field(default=900.0, gt=0)
    # Password hashing (scrypt): running at once, waiting at most, per second on average; more
    # attempts are refused at once (503, retry in a second).
    hash_concurrency: int = Field(default=1, ge=1)
    hash_max_waiting: int = Field(default=4, ge=0)
    hash_rate_per_second: float = Field(default=4.0, gt=0)  # on average, bursts of twice that
    provider_name: str = "ProConnect"        # label of the identity-provider button on the login page


class Permission(StrEnum):
    SEARCH = "search"
    VIEW = "view"
    EXPORT = "export"              # redacted exports and redacted audio
    REVEAL = "reveal"              # full transcript of one meeting, audited
    LEGAL_EXPORT = "legal_export"  # audited bundle of every redacted format with checksums
    AUDIT_READ = "audit_read"
    MANAGE_ACCESS = "manage_access"  # edit the access table (admins)


class Role(StrEnum):
    VIEWER = "viewer"
    RECORDS_OFFICER = "records_officer"
    LEGAL = "legal"
    ADMIN = "admin"


_BASE = frozenset({Permission.SEARCH, Permission.VIEW, Permission.EXPORT})
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.VIEWER: _BASE,
    Role.LEGAL: _BASE | {Permission.LEGAL_EXPORT},
    Role.RECORDS_OFFICER: _BASE | {Permission.REVEAL, Permission.LEGAL_EXPORT},
    Role.ADMIN: frozenset(Permission),
}


@dataclass(frozen=True)
class User:
    """Who is asking. ``username`` is what the audit log records: the local user name, or the OIDC
    ``sub`` for people signed in by the identity provider."""

    username: str
    role: Role
    display_name: str = ""
    auth_method: str = "password"  # password | token | session | oidc | oidc_token
    email: str | None = None
    session_id: str | None = None  # the server-held session's id hash, for cookie sessions
    csrf: str | None = None        # that session's CSRF token

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]

    @property
    def label(self) -> str:
        return self.display_name or self.username


class AuthError(Exception):
    """Authentication failed; the message is safe to show."""


# ---------------------------------------------------------------- secrets

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt, expected = base64.b64decode(salt_b64), base64.b64decode(digest_b64)
        digest = hashlib.scrypt(password.encode(), salt=salt, n=int(n), r=int(r), p=int(p),
                                dklen=len(expected), maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(digest, expected)


def hash_token(token: str, key: bytes | None = None) -> str:
    """How an API token is stored: HMAC-SHA256 under the server's token key (fast: tokens are long
    random strings, so no slow hash is needed, and without the key a copy of the users file cannot
    even be used to test guesses). Without a key: the older plain ``sha256$`` form."""
    if key is None:
        return "sha256$" + hashlib.sha256(token.encode()).hexdigest()
    return "hmac-sha256$" + hmac.new(key, token.encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return "va_" + secrets.token_urlsafe(32)


# ---------------------------------------------------------------- authenticators


@runtime_checkable
class Authenticator(Protocol):
    """What the web app needs from an identity source.

    A ProConnect (OIDC) implementation provides the same three methods: ``get_user`` maps the
    ``sub``/``email`` claim of a validated ID token to a user and role (roles from a claim or a
    local mapping), ``authenticate_password`` returns None (the login form redirects to the
    provider instead), ``authenticate_token`` validates an access token (JWT signature against
    the provider's JWKS, audience, expiry).
    """

    def authenticate_password(self, username: str, password: str) -> User | None: ...

    def authenticate_token(self, token: str) -> User | None: ...

    def get_user(self, username: str) -> User | None: ...


@dataclass
class _UserEntry:
    username: str
    role: Role
    display_name: str = ""
    password: str | None = None
    tokens: list[str] = field(default_factory=list)


class ConfigAuthenticator:
    """Users and roles from a TOML or JSON file, re-read whenever the file changes (size or mtime,
    checked at every look-up), so removing a user or changing a role needs no restart."""

    def __init__(self, users: dict[str, Any] | None = None, path: Path | None = None,
                 token_key: bytes | None = None,
                 password_check: Callable[[str, str], bool] | None = None) -> None:
        self.path = path
        self.token_key = token_key
        self._check = password_check or verify_password
        self._users: dict[str, _UserEntry] = {}
        self._tokens: dict[str, str] = {}
        self._stamp: tuple[int, int] | None = None
        self._lock = threading.Lock()
        if users is not None:
            self._load(users)
        elif path is not None:
            self.reload()

    @classmethod
    def from_file(cls, path: Path, token_key: bytes | None = None) -> ConfigAuthenticator:
        return cls(path=path, token_key=token_key)

    def reload(self) -> None:
        if self.path is None:
            return
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._load({})
                self._stamp = None
                return
            raw = self.path.read_bytes()
            data = json.loads(raw) if self.path.suffix == ".json" else tomllib.loads(raw.decode())
            self._load(data.get("users", {}))
            self._stamp = (st.st_mtime_ns, st.st_size)

    def _fresh(self) -> None:
        if self.path is None:
            return
        try:
            st = self.path.stat()
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp or (stamp is None and self._users):
            self.reload()

    def _load(self, users: dict[str, Any]) -> None:
        entries: dict[str, _UserEntry] = {}
        tokens: dict[str, str] = {}
        for username, spec in users.items():
            try:
                role = Role(spec.get("role", "viewer"))
            except ValueError as exc:
                raise ValueError(f"user {username!r}: unknown role {spec.get('role')!r}") from exc
            entry = _UserEntry(
                username=username,
                role=role,
                display_name=str(spec.get("display_name", "")),
                password=spec.get("password"),
                tokens=list(spec.get("tokens", [])),
            )
            entries[username] = entry
            for token_hash in entry.tokens:
                tokens[token_hash] = username
        self._users, self._tokens = entries, tokens

    def _user(self, entry: _UserEntry, method: str) -> User:
        return User(entry.username, entry.role, entry.display_name, method)

    def authenticate_password(self, username: str, password: str) -> User | None:
        self._fresh()
        entry = self._users.get(username)
        if entry is None or not entry.password:
            # Same cost whether or not the user exists.
            self._check(password, _DUMMY_HASH)
            return None
        return self._user(entry, "password") if self._check(password, entry.password) else None

    def authenticate_token(self, token: str) -> User | None:
        if not token or len(token) > 512:
            return None
        self._fresh()
        candidates = [hash_token(token)]
        if self.token_key is not None:
            candidates.insert(0, hash_token(token, self.token_key))
        for digest in candidates:
            username = self._tokens.get(digest)
            entry = self._users.get(username) if username else None
            if entry is not None:
                return self._user(entry, "token")
        return None

    def get_user(self, username: str) -> User | None:
        self._fresh()
        entry = self._users.get(username)
        return self._user(entry, "session") if entry else None

    def __len__(self) -> int:
        self._fresh()
        return len(self._users)


_DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


# ---------------------------------------------------------------- signed session cookie


class SessionSigner:
    """``base64(json) . base64(hmac-sha256)``: tamper-proof, expiring, no server-side state."""

    def __init__(self, secret: bytes, max_age: float) -> None:
        if len(secret) < 16:
            raise ValueError("session secret too short")
        self._secret = secret
        self.max_age = max_age

    def _sign(self, payload: bytes) -> bytes:
        return hmac.new(self._secret, payload, hashlib.sha256).digest()

    def dumps(self, username: str) -> str:
        payload = json.dumps(
            {"u": username, "exp": int(time.time() + self.max_age), "n": secrets.token_hex(8)},
            separators=(",", ":"),
        ).encode()
        enc = base64.urlsafe_b64encode
        return f"{enc(payload).decode().rstrip('=')}.{enc(self._sign(payload)).decode().rstrip('=')}"

    def loads(self, cookie: str) -> str | None:
        try:
            body, sig = cookie.split(".", 1)
            payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
            signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        except (ValueError, TypeError):
            return None
        if not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            data = json.loads(payload)
        except ValueError:
            return None
        if not isinstance(data, dict) or data.get("exp", 0) < time.time():
            return None
        username = data.get("u")
        return username if isinstance(username, str) else None

    def csrf_token(self, cookie: str) -> str:
        """A per-session token for forms (double submit, bound to the session cookie)."""
        return hmac.new(self._secret, b"csrf:" + cookie.encode(), hashlib.sha256).hexdigest()


def session_secret(auth: AuthSettings, state_dir: Path) -> bytes:
    if auth.session_secret is not None:
        return auth.session_secret.get_secret_value().encode()
    return _key_file(state_dir / "ui-session.key")


def token_key(auth: AuthSettings, state_dir: Path) -> bytes:
    """The key of the API-token hash (``VISIO_TOKEN_KEY``, or a random key in ``{state_dir}/api-token.key``)."""
    if auth.token_key is not None:
        return auth.token_key.get_secret_value().encode()
    return _key_file(state_dir / "api-token.key")


def _key_file(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def users_file(auth: AuthSettings, state_dir: Path) -> Path:
    return auth.users_file or state_dir / "users.toml"


def user_entry_toml(username: str, role: Role, password: str | None, token: str | None,
                    display_name: str = "", token_key: bytes | None = None) -> str:
    """A TOML block for the users file (what `visio-archive ui-user` prints); pass the server's
    ``token_key`` (:func:`token_key`) so that the token is stored as a keyed hash."""
    lines = [f"[users.{json.dumps(username)}]", f"role = {json.dumps(role.value)}"]
    if display_name:
        lines.append(f"display_name = {json.dumps(display_name)}")
    if password:
        lines.append(f"password = {json.dumps(hash_password(password))}")
    if token:
        lines.append(f"tokens = [{json.dumps(hash_token(token, token_key))}]")
    return "\n".join(lines) + "\n"
