"""One object the web layer asks about identity: :class:`IdentityService`.

It ties together the local users file (single machine, demo), the OpenID Connect provider, the access
table, the server-held sessions, the login throttle and the bounded password hashing, and writes an
audit entry for every failed login of every kind (form, HTTP Basic, API token, OIDC callback, throttled
attempt, person without a role): action ``login_failed`` with ``details.kind`` and ``details.reason``.

Everything here is synchronous and cheap except password hashing, which runs under
:class:`~visio_archive.identity.throttle.BoundedHasher`; call the password methods from a worker
thread (FastAPI does it for ``def`` routes and dependencies).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from visio_archive.audit import AuditLog
from visio_archive.auth import (
    Authenticator,
    AuthSettings,
    ConfigAuthenticator,
    Role,
    User,
    token_key,
    users_file,
)
from visio_archive.identity.access import AccessTable, Decision
from visio_archive.identity.oidc import Identity, OIDCClient, OIDCConfig, OIDCError, unverified_parts
from visio_archive.identity.sessions import Session, SessionStore
from visio_archive.identity.throttle import BoundedHasher, HashingBusy, LoginThrottle, ThrottlePolicy
from visio_archive.settings import Settings

_LOOPBACK = {"127.0.0.1", "::1", "localhost"}

WRONG_CREDENTIALS = "Identifiant ou mot de passe incorrect."
NO_ROLE = ("Vous êtes bien identifié(e), mais aucun rôle ne vous a été attribué dans l'archive. "
           "Demandez à l'administrateur de l'archive de vous ajouter à la table d'accès.")


class LoginRefused(Exception):
    """A login or a credential was refused; ``message`` is safe to show (French)."""

    def __init__(self, status: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


class NoRole(LoginRefused):
    """The person is authenticated, but the access table gives them no role."""

    def __init__(self, identity: Identity, id_token: str | None = None) -> None:
        super().__init__(403, NO_ROLE)
        self.identity = identity
        self.id_token = id_token


def _throttled_message(seconds: float) -> str:
    wait = max(1, round(seconds))
    unit = "seconde" if wait == 1 else "secondes"
    if wait >= 120:
        wait, unit = round(wait / 60), "minutes"
    return f"Trop de tentatives de connexion. Réessayez dans {wait} {unit}."


def oidc_config(settings: Settings) -> OIDCConfig | None:
    """The relying-party configuration from the settings (None when no issuer is configured)."""
    if not settings.oidc_issuer:
        return None
    if settings.oidc_client_secret is None:
        raise ValueError("VISIO_OIDC_ISSUER is set but VISIO_OIDC_CLIENT_SECRET is not")
    public = settings.public_url.rstrip("/")
    return OIDCConfig(
        issuer=settings.oidc_issuer.rstrip("/"),
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        redirect_url=settings.oidc_redirect_url or f"{public}/oidc/callback",
        post_logout_url=settings.oidc_post_logout_url or f"{public}/login?logged_out=1",
        scopes=settings.oidc_scopes,
        acr_values=settings.oidc_acr_values,
        groups_claim=settings.oidc_groups_claim or None,
        audience=settings.oidc_audience,
        leeway=settings.oidc_leeway_seconds,
    )


def secure_cookies(settings: Settings, auth: AuthSettings) -> bool:
    """``Secure`` cookies unless told otherwise, or the public URL is plain http on loopback."""
    if auth.cookie_secure is not None:
        return auth.cookie_secure
    parts = urlsplit(settings.public_url)
    return not (parts.scheme == "http" and (parts.hostname or "") in _LOOPBACK)


@dataclass
class IdentityService:
    settings: Settings
    auth: AuthSettings
    audit: AuditLog
    local: Authenticator
    access: AccessTable
    sessions: SessionStore
    throttle: LoginThrottle
    hasher: BoundedHasher
    oidc: OIDCClient | None = None
    basic_cache_seconds: float = 60.0

    def __post_init__(self) -> None:
        # Scripts using HTTP Basic send the password with every request: remember a right one for a
        # minute (under a keyed hash, never in clear) instead of paying scrypt each time.
        self._verified: dict[str, tuple[float, str]] = {}
        self._cache_key = secrets.token_bytes(32)
        self._verified_lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, auth: AuthSettings | None = None, *, audit: AuditLog | None = None,
                      local: Authenticator | None = None, oidc: OIDCClient | None = None) -> IdentityService:
        auth = auth or AuthSettings()
        hasher = BoundedHasher(auth.hash_concurrency, auth.hash_max_waiting, rate=auth.hash_rate_per_second,
                               burst=max(1.0, 2 * auth.hash_rate_per_second))
        if local is None:
            local = ConfigAuthenticator(path=users_file(auth, settings.state_dir),
                                        token_key=token_key(auth, settings.state_dir))
        elif isinstance(local, ConfigAuthenticator) and local.token_key is None:
            local.token_key = token_key(auth, settings.state_dir)  # keyed token hashes verify too
        if oidc is None:
            config = oidc_config(settings)
            oidc = OIDCClient(config) if config is not None else None
        policy = ThrottlePolicy(pair_free=auth.login_free_attempts, pair_max_delay=auth.login_max_delay_seconds,
                                address_max_delay=auth.login_max_delay_seconds)
        return cls(
            settings=settings, auth=auth, audit=audit or AuditLog.in_state_dir(settings.state_dir), local=local,
            access=AccessTable.in_state_dir(settings.state_dir),
            sessions=SessionStore.in_state_dir(settings.state_dir, idle=auth.session_idle_minutes * 60,
                                               absolute=auth.session_hours * 3600),
            throttle=LoginThrottle(policy), hasher=hasher, oidc=oidc,
        )

    @property
    def oidc_enabled(self) -> bool:
        return self.oidc is not None

    @property
    def has_local_users(self) -> bool:
        """Whether the users file has anyone (then the login page shows the password form)."""
        try:
            return len(self.local) > 0  # type: ignore[arg-type]
        except TypeError:  # an Authenticator that cannot count its users
            return True

    @property
    def cookie_secure(self) -> bool:
        return secure_cookies(self.settings, self.auth)

    # ------------------------------------------------------------ audit

    def failed(self, kind: str, reason: str, *, actor: str = "-", address: str | None = None,
               **details: Any) -> None:
        """One audit entry for one failed login (every kind goes through here)."""
        self.audit.record(actor[:200] or "-", "login_failed", client=address,
                          details={"kind": kind, "reason": reason[:300], **details})

    # ------------------------------------------------------------ passwords (form and HTTP Basic)

    def password_login(self, username: str, password: str, address: str | None, kind: str = "form") -> User:
        """Check a password from the users file, throttled and bounded; raises LoginRefused."""
        username, password = username[:200], password[:1000]
        if not username or not password:
            self.failed(kind, "empty username or password", actor=username or "-", address=address)
            raise LoginRefused(401, WRONG_CREDENTIALS)
        digest = hmac.new(self._cache_key, f"{username}\x00{password}".encode(), hashlib.sha256).hexdigest()
        cached = self._cached(digest, username)
        if cached is not None:
            return cached
        verdict = self.throttle.attempt(username, address)
        if not verdict.allowed:
            self.failed(kind, f"throttled ({verdict.key})", actor=username, address=address,
                        retry_after=round(verdict.retry_after, 1))
            raise LoginRefused(429, _throttled_message(verdict.retry_after), verdict.retry_after)
        try:
            user = self.hasher.run(lambda: self.local.authenticate_password(username, password))
        except HashingBusy:
            self.failed(kind, "password hashing saturated", actor=username, address=address)
            raise LoginRefused(503, "Trop de connexions en cours ; réessayez dans quelques secondes.", 2.0) from None
        if user is None:
            self.failed(kind, "wrong username or password", actor=username, address=address)
            raise LoginRefused(401, WRONG_CREDENTIALS)
        self.throttle.success(username, address)
        if kind == "basic":
            with self._verified_lock:
                if len(self._verified) > 10_000:
                    self._verified.clear()
                self._verified[digest] = (time.monotonic() + self.basic_cache_seconds, username)
        return user

    def _cached(self, digest: str, username: str) -> User | None:
        with self._verified_lock:
            hit = self._verified.get(digest)
            if hit is None:
                return None
            if hit[0] < time.monotonic() or hit[1] != username:
                del self._verified[digest]
                return None
        user = self.local.get_user(username)  # still there (users file re-read on change)?
        if user is None:
            with self._verified_lock:
                self._verified.pop(digest, None)
            return None
        return User(user.username, user.role, user.display_name, "password", user.email)

    # ------------------------------------------------------------ bearer tokens

    def bearer(self, token: str, address: str | None) -> User:
        """An ``Authorization: Bearer`` token: an archive API token, or a JWT from the provider."""
        token = token.strip()
        if token.count(".") == 2 and self.oidc is not None:
            try:
                identity = self.oidc.verify_access_token(token)
            except OIDCError as exc:
                actor = "-"
                with contextlib.suppress(OIDCError):  # the claimed subject, logged, never trusted
                    actor = str(unverified_parts(token)[1].get("sub", "-"))
                self.failed("oidc_token", exc.reason, actor=actor, address=address)
                raise LoginRefused(401, "Jeton refusé : expiré, mal signé, ou pas pour cette archive.") from None
            decision = self.decide(identity)
            if decision.role is None:
                self.failed("oidc_token", f"no role ({decision.reason})", actor=identity.sub, address=address,
                            email=identity.email)
                raise NoRole(identity)
            return User(identity.sub, decision.role, identity.display_name, "oidc_token", identity.email)
        user = self.local.authenticate_token(token)
        if user is None:
            self.failed("api_token", "unknown API token", address=address,
                        token_prefix=token[:6] if token.startswith("va_") else None)
            raise LoginRefused(401, "Jeton d'API inconnu ou révoqué.")
        return user

    # ------------------------------------------------------------ roles

    def decide(self, identity: Identity) -> Decision:
        """Role from the access table, by sub, e-mail, groups claim, siret, then e-mail domain."""
        return self.access.decide(identity.access_claims())

    # ------------------------------------------------------------ sessions

    def open_session(self, user: User, address: str | None, *, identity: Identity | None = None,
                     id_token: str | None = None) -> tuple[str, Session]:
        method = "oidc" if identity is not None else "password"
        cookie, session = self.sessions.create(
            subject=user.username, method=method, role=user.role.value, display_name=user.display_name,
            email=user.email or (identity.email if identity else None),
            claims=identity.model_dump(mode="json") if identity else None, id_token=id_token, address=address,
        )
        self.audit.record(user.username, "login", role=user.role.value, client=address,
                          details={"method": method}
                          | ({"email": identity.email, "idp_id": identity.idp_id, "siret": identity.siret}
                             if identity else {}))
        return cookie, session

    def current_role(self, session: Session) -> Role | None:
        """The role this session's holder has *now* (users file or access table, both re-read on change)."""
        if session.method == "oidc":
            try:
                identity = Identity.model_validate(session.claims)
            except ValueError:
                return None
            return self.decide(identity).role
        user = self.local.get_user(session.subject)
        return user.role if user is not None else None

    def session_user(self, cookie: str, address: str | None = None) -> User | None:
        """The user of a session cookie, or None. A session whose holder's role changed or who was
        removed is ended here, at their next request."""
        session = self.sessions.get(cookie)
        if session is None:
            return None
        role = self.current_role(session)
        if role is None or role.value != session.role:
            self.sessions.revoke_id(session.id_hash)
            self.audit.record(session.subject, "session_ended", role=session.role, client=address,
                              details={"reason": "removed" if role is None else f"role changed to {role.value}",
                                       "method": session.method})
            return None
        method = "oidc" if session.method == "oidc" else "session"
        return User(session.subject, role, session.display_name, method, session.email,
                    session_id=session.id_hash, csrf=session.csrf)

    def logout(self, cookie: str, address: str | None = None) -> str | None:
        """End the session; returns the provider's end-session URL for OIDC sessions (else None)."""
        session = self.sessions.revoke(cookie)
        if session is None:
            return None
        self.audit.record(session.subject, "logout", role=session.role, client=address,
                          details={"method": session.method})
        if session.method == "oidc" and self.oidc is not None:
            return self.oidc.end_session_url(session.id_token, state=secrets.token_urlsafe(16))  # ProConnect wants one
        return None

    def revoke_for_rule(self, kind: str, value: str) -> int:
        """After an access-table edit: end the sessions it obviously concerns at once (the others are
        checked against the table at their next request anyway)."""
        if kind == "sub":
            return self.sessions.revoke_subject(value, "oidc")
        if kind == "email":
            return self.sessions.revoke_where(email=value, method="oidc")
        return 0

    # ------------------------------------------------------------ OpenID Connect login

    def begin_oidc(self, next_url: str) -> tuple[str, str]:
        """Start a login: (authorization URL to redirect to, browser-binding value for a short cookie)."""
        if self.oidc is None:
            raise LoginRefused(404, "La connexion par le fournisseur d'identité n'est pas configurée.")
        try:
            request = self.oidc.authorization_request()
        except OIDCError as exc:
            self.failed("oidc", f"cannot start: {exc.reason}")
            raise LoginRefused(503, exc.message) from None
        binding = secrets.token_urlsafe(24)
        self.sessions.put_pending(request.state, {
            "nonce": request.nonce, "code_verifier": request.code_verifier, "next": next_url,
            "binding": hashlib.sha256(binding.encode()).hexdigest(),
        })
        return request.url, binding

    def complete_oidc(self, *, code: str | None, state: str | None, binding: str | None, error: str | None,
                      address: str | None) -> tuple[User, str, Session, str]:
        """Finish a login at the callback: (user, session cookie, session, next URL); raises LoginRefused
        (or NoRole, whose ``id_token`` lets the page offer the provider's logout)."""
        if self.oidc is None:
            raise LoginRefused(404, "La connexion par le fournisseur d'identité n'est pas configurée.")
        pending = self.sessions.pop_pending(state or "")
        if pending is None:
            self.failed("oidc", "unknown, reused or expired state", address=address)
            raise LoginRefused(400, "Cette tentative de connexion a expiré ou a déjà servi ; recommencez.")
        expected = pending.get("binding", "")
        if not binding or not hmac.compare_digest(hashlib.sha256(binding.encode()).hexdigest(), expected):
            self.failed("oidc", "callback from another browser than the one that started the login",
                        address=address)
            raise LoginRefused(400, "Cette tentative de connexion a été commencée ailleurs ; recommencez.")
        if error:
            self.failed("oidc", f"provider answered error={error[:100]}", address=address)
            raise LoginRefused(401, "Le fournisseur d'identité n'a pas confirmé votre identité ; recommencez.")
        try:
            identity, id_token, _ = self.oidc.exchange(code or "", nonce=pending["nonce"],
                                                       code_verifier=pending["code_verifier"])
        except OIDCError as exc:
            self.failed("oidc", exc.reason, address=address)
            raise LoginRefused(401 if not exc.message.startswith("Le service") else 503, exc.message) from None
        decision = self.decide(identity)
        if decision.role is None:
            self.failed("oidc", f"no role ({decision.reason})", actor=identity.sub, address=address,
                        email=identity.email, idp_id=identity.idp_id, siret=identity.siret)
            raise NoRole(identity, id_token)
        user = User(identity.sub, decision.role, identity.display_name, "oidc", identity.email)
        cookie, session = self.open_session(user, address, identity=identity, id_token=id_token)
        return user, cookie, session, str(pending.get("next") or "/")
