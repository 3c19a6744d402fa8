"""The access table: which archive role a person signed in by the identity provider gets.

ProConnect (and any OpenID Connect provider) says *who* a person is: ``sub``, ``email``,
``siret``, ``idp_id``... It does not say what they may do in the archive. The archive keeps that
here, in ``{state_dir}/access.json``, edited by an admin with ``visio-archive access`` or the admin
page. Rules, from the most to the least specific (the first kind that matches decides):

* ``sub``     one person at one provider (the ``sub`` claim);
* ``email``   one person by e-mail address (ignored when the provider says the address is not verified);
* ``group``   a value of the configured groups claim (identity providers that send one, e.g. Keycloak);
* ``siret``   everyone of one establishment (the ``siret`` claim);
* ``domain``  everyone whose verified e-mail address is at this domain.

Within one kind, when several rules match (several groups), the strongest role wins. A rule's role may
be ``none``: that person or establishment gets no access, whatever a less specific rule says.

The file is re-read whenever it changes (its size and mtime are checked on every look-up, a
``stat`` call), so an edit takes effect at the next request of every process; writes are atomic
(temporary file + rename, under an exclusive lock) and bump ``generation``.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from visio_archive.auth import Role

RuleKind = Literal["sub", "email", "group", "siret", "domain"]
KIND_ORDER: tuple[RuleKind, ...] = ("sub", "email", "group", "siret", "domain")
ROLE_RANK: dict[Role, int] = {Role.VIEWER: 1, Role.LEGAL: 2, Role.RECORDS_OFFICER: 3, Role.ADMIN: 4}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_SIRET = re.compile(r"^[0-9]{14}$")


class Grant(StrEnum):
    """A rule's outcome: one of the archive roles, or ``none`` (explicitly no access)."""

    VIEWER = "viewer"
    RECORDS_OFFICER = "records_officer"
    LEGAL = "legal"
    ADMIN = "admin"
    NONE = "none"

    def role(self) -> Role | None:
        return None if self is Grant.NONE else Role(self.value)


class AccessError(ValueError):
    """An access rule is malformed; the message says what is expected (in French, safe to show)."""


def normalize(kind: RuleKind, value: str) -> str:
    """The canonical form of a rule value; raises AccessError when it cannot be one."""
    value = value.strip()
    if not value:
        raise AccessError("La valeur de la règle est vide.")
    if len(value) > 320:
        raise AccessError("La valeur de la règle est trop longue (320 caractères au plus).")
    if kind == "email":
        value = value.lower()
        if not _EMAIL.match(value):
            raise AccessError(f"Adresse électronique invalide : {value!r}.")
    elif kind == "domain":
        value = value.lower().lstrip("@")
        if not _DOMAIN.match(value):
            raise AccessError(f"Nom de domaine invalide : {value!r} (exemple : interieur.gouv.fr).")
    elif kind == "siret":
        value = value.replace(" ", "")
        if not _SIRET.match(value):
            raise AccessError(f"SIRET invalide : {value!r} (14 chiffres).")
    elif kind not in ("sub", "group"):
        raise AccessError(f"Type de règle inconnu : {kind!r} ({', '.join(KIND_ORDER)}).")
    return value


class AccessRule(BaseModel):
    kind: RuleKind
    value: str
    grant: Grant
    note: str = Field(default="", max_length=500)
    updated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    updated_by: str = ""

    @field_validator("value")
    @classmethod
    def _value(cls, value: str) -> str:
        return value.strip()

    @property
    def key(self) -> tuple[str, str]:
        return self.kind, self.value


class AccessFile(BaseModel):
    """What ``access.json`` holds."""

    generation: int = 0
    rules: list[AccessRule] = Field(default_factory=list)


class Claims(BaseModel):
    """The identity claims that rules look at (as ProConnect sends them)."""

    sub: str
    email: str | None = None
    email_verified: bool | None = None
    siret: str | None = None
    groups: list[str] = Field(default_factory=list)

    @property
    def trusted_email(self) -> str | None:
        if not self.email or self.email_verified is False:
            return None
        email = self.email.strip().lower()
        return email if _EMAIL.match(email) else None


class Decision(BaseModel):
    role: Role | None
    rule: AccessRule | None = None  # the rule that decided (None: no rule matched)

    @property
    def reason(self) -> str:
        if self.rule is None:
            return "no rule"
        return f"{self.rule.kind}:{self.rule.value} -> {self.rule.grant.value}"


def decide(rules: list[AccessRule], claims: Claims) -> Decision:
    """Pure: the role the rules give to these claims."""
    by_kind: dict[str, dict[str, AccessRule]] = {kind: {} for kind in KIND_ORDER}
    for rule in rules:
        by_kind[rule.kind][rule.value] = rule
    email = claims.trusted_email
    candidates: dict[RuleKind, list[str]] = {
        "sub": [claims.sub],
        "email": [email] if email else [],
        "group": [g.strip() for g in claims.groups if isinstance(g, str) and g.strip()],
        "siret": [claims.siret.replace(" ", "")] if claims.siret else [],
        "domain": [email.rsplit("@", 1)[1]] if email else [],
    }
    for kind in KIND_ORDER:
        matched = [by_kind[kind][v] for v in candidates[kind] if v in by_kind[kind]]
        if not matched:
            continue
        if any(rule.grant is Grant.NONE for rule in matched):
            return Decision(role=None, rule=next(r for r in matched if r.grant is Grant.NONE))
        best = max(matched, key=lambda r: ROLE_RANK[r.grant.role() or Role.VIEWER])
        return Decision(role=best.grant.role(), rule=best)
    return Decision(role=None, rule=None)


class AccessTable:
    """The access table in a JSON file, re-read when it changes, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._data = AccessFile()

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> AccessTable:
        return cls(state_dir / "access.json")

    # ------------------------------------------------------------ reading

    def _current(self) -> AccessFile:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            with self._lock:
                self._stamp, self._data = None, AccessFile()
            return self._data
        stamp = (st.st_mtime_ns, st.st_size)
        with self._lock:
            if stamp != self._stamp:
                self._data = self._read()
                self._stamp = stamp
            return self._data

    def _read(self) -> AccessFile:
        try:
            return AccessFile.model_validate_json(self.path.read_bytes())
        except ValueError as exc:
            # Never fall back to "no rules" silently: that would lock everyone out without a word.
            raise AccessError(f"La table d'accès {self.path} est illisible : {exc}") from exc

    def rules(self) -> list[AccessRule]:
        return list(self._current().rules)

    @property
    def generation(self) -> int:
        return self._current().generation

    def decide(self, claims: Claims) -> Decision:
        return decide(self._current().rules, claims)

    # ------------------------------------------------------------ writing

    @contextmanager
    def _locked(self) -> Iterator[AccessFile]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._read() if self.path.exists() else AccessFile()
            yield data
            data.generation += 1
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
            with tmp.open("w", encoding="utf-8") as fh:
                fh.write(json.dumps(data.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
            with self._lock:
                self._stamp = None  # re-read at the next look-up

    def set(self, kind: RuleKind, value: str, grant: Grant, *, actor: str, note: str = "") -> AccessRule | None:
        """Add or replace the rule for (kind, value); returns the rule it replaced, if any."""
        value = normalize(kind, value)
        rule = AccessRule(kind=kind, value=value, grant=grant, note=note, updated_by=actor)
        with self._locked() as data:
            previous = next((r for r in data.rules if r.key == rule.key), None)
            data.rules = [r for r in data.rules if r.key != rule.key] + [rule]
        return previous

    def remove(self, kind: RuleKind, value: str) -> AccessRule | None:
        """Remove the rule for (kind, value); returns it, or None when there was none (nothing written)."""
        value = normalize(kind, value)
        if not any(r.key == (kind, value) for r in self.rules()):
            return None
        with self._locked() as data:
            previous = next((r for r in data.rules if r.key == (kind, value)), None)
            data.rules = [r for r in data.rules if r.key != (kind, value)]
        return previous
