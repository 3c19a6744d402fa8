"""What every use case needs: who is acting, the archive's services, and errors safe to show.

The use cases are plain functions ``f(archive, actor, ...)``. The web routes and the CLI commands
build an :class:`Actor` (a logged-in user with the client's address, or the operator at the
command line) and call them; permissions are checked here, once, and each refusal is audited.
"""

from __future__ import annotations

import getpass
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

from visio_archive.audit import AuditLog
from visio_archive.auth import ROLE_PERMISSIONS, Permission, Role
from visio_archive.settings import Settings

T = TypeVar("T")

MEETING_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


# ---------------------------------------------------------------- errors


class UseCaseError(Exception):
    """A refusal or failure whose message is safe to show; ``status`` is the HTTP equivalent."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(UseCaseError):
    status = 400


class Forbidden(UseCaseError):
    status = 403


class NotFound(UseCaseError):
    status = 404


class Conflict(UseCaseError):
    status = 409


class Unavailable(UseCaseError):
    status = 503


class Unreadable(UseCaseError):
    status = 502


# ---------------------------------------------------------------- actor


class Actor(BaseModel):
    """Who performs a use case, as the audit log records them."""

    model_config = ConfigDict(frozen=True)

    username: str
    role: str | None = None
    permissions: frozenset[Permission] = frozenset()
    client: str | None = None  # the client's address (web) or None (command line)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @classmethod
    def of_user(cls, user: Any, client: str | None = None) -> Actor:
        """From a :class:`visio_archive.auth.User` (anything with ``username``, ``role``, ``can``)."""
        role = getattr(user.role, "value", user.role)
        return cls(username=user.username, role=str(role), client=client,
                   permissions=frozenset(p for p in Permission if user.can(p)))

    @classmethod
    def command_line(cls) -> Actor:
        """The operator at the command line (``cli:<os user>``): every permission, like an admin."""
        try:
            name = getpass.getuser()
        except (KeyError, OSError):
            name = "unknown"
        return cls(username=f"cli:{name}", role=None, permissions=ROLE_PERMISSIONS[Role.ADMIN])


# ---------------------------------------------------------------- archive services


@dataclass
class Archive:
    """Settings, S3 storage, the search client and the audit log, created lazily and shared."""

    settings: Settings
    audit: AuditLog
    _storage: Any = None
    _client: Any = None
    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, settings: Settings, *, storage: Any = None, client: Any = None,
                      audit: AuditLog | None = None) -> Archive:
        return cls(settings, audit or AuditLog.in_state_dir(settings.state_dir), storage, client)

    @property
    def storage(self) -> Any:
        if self._storage is None:
            from visio_archive.storage import Storage

            self._storage = Storage.from_settings(self.settings)
        return self._storage

    @property
    def search_client(self) -> Any:
        if self._client is None:
            from visio_archive.search import open_client

            self._client = open_client(self.settings)
        return self._client

    @property
    def prefix(self) -> str:
        return self.settings.index_prefix

    def cached(self, key: str, ttl: float, compute: Callable[[], T]) -> T:
        """A value kept ``ttl`` seconds (participant names for suggestions and folded filters)."""
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and now - hit[0] < ttl:
                value: T = hit[1]
                return value
        computed = compute()
        with self._lock:
            self._cache[key] = (now, computed)
        return computed

    def forget(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._cache.clear()
            else:
                self._cache.pop(key, None)

    # ------------------------------------------------------------ authorization and audit

    def record(self, actor: Actor, action: str, *, meeting_id: str | None = None,
               details: dict[str, Any] | None = None) -> Any:
        return self.audit.record(actor.username, action, role=actor.role, meeting_id=meeting_id,
                                 details=details, client=actor.client)

    def require(self, actor: Actor, permission: Permission, *, meeting_id: str | None = None,
                where: str | None = None) -> None:
        """Refuse (and audit the refusal) unless ``actor`` holds ``permission``."""
        if actor.can(permission):
            return
        details: dict[str, Any] = {"permission": permission.value}
        if where:
            details["path"] = where
        self.record(actor, "denied", meeting_id=meeting_id, details=details)
        raise Forbidden("Votre rôle ne permet pas cette action.")


def check_meeting_id(meeting_id: str) -> str:
    """Letters, digits, '.', '_' and '-', at most 128, matched in full (a trailing newline is refused)."""
    if not isinstance(meeting_id, str) or not MEETING_ID.fullmatch(meeting_id):
        raise NotFound("Réunion introuvable dans l'archive.")
    return meeting_id
