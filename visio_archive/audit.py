"""Append-only audit log: who did what, when, on which meeting.

One JSON object per line in ``{state_dir}/audit.log``; each write is a single ``write()`` on a
file opened with ``O_APPEND`` under an exclusive ``flock``, so concurrent workers never
interleave lines. Entries are chained: each carries the SHA-256 of the previous line
(``prev``), so deleting or editing a line in the middle is detectable with :func:`verify_chain`.

Actions recorded: ``search`` (the query and filters), ``view`` (meeting page), ``reveal`` (full
transcript of a meeting, with the reason given), ``export`` / ``legal_export`` (format),
``audio``, ``login`` / ``login_failed``, ``denied`` (a refused request), ``import``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field


class AuditEntry(BaseModel):
    ts: datetime
    actor: str
    role: str | None = None
    action: str
    meeting_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    client: str | None = None
    prev: str | None = None  # sha256 of the previous line


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> AuditLog:
        return cls(state_dir / "audit.log")

    def record(
        self,
        actor: str,
        action: str,
        *,
        role: str | None = None,
        meeting_id: str | None = None,
        details: dict[str, Any] | None = None,
        client: str | None = None,
    ) -> AuditEntry:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            entry = AuditEntry(
                ts=datetime.now(UTC),
                actor=actor,
                role=role,
                action=action,
                meeting_id=meeting_id,
                details=details or {},
                client=client,
                prev=self._last_line_hash(fd),
            )
            line = (entry.model_dump_json() + "\n").encode()
            os.write(fd, line)
            os.fsync(fd)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return entry

    @staticmethod
    def _last_line_hash(fd: int) -> str | None:
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0:
            return None
        chunk = min(size, 65536)
        data = os.pread(fd, chunk, size - chunk)
        lines = data.rstrip(b"\n").split(b"\n")
        return hashlib.sha256(lines[-1]).hexdigest() if lines and lines[-1] else None

    def entries(self) -> Iterator[AuditEntry]:
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    yield AuditEntry.model_validate_json(raw)

    def tail(self, limit: int = 200, action: str | None = None, meeting_id: str | None = None) -> list[AuditEntry]:
        selected = [
            e for e in self.entries()
            if (action is None or e.action == action) and (meeting_id is None or e.meeting_id == meeting_id)
        ]
        return list(reversed(selected[-limit:]))

    def verify_chain(self) -> bool:
        """True when every line names the hash of the line before it."""
        if not self.path.exists():
            return True
        prev: str | None = None
        with self.path.open("rb") as fh:
            for raw in fh:
                line = raw.rstrip(b"\n")
                if not line:
                    continue
                if json.loads(line).get("prev") != prev:
                    return False
                prev = hashlib.sha256(line).hexdigest()
        return True


def record(
    settings: Any,
    *,
    actor: str,
    action: str,
    meeting_id: str | None = None,
    detail: dict[str, Any] | None = None,
    role: str | None = None,
) -> AuditEntry:
    """Convenience for flows and commands: append to ``{settings.state_dir}/audit.log``."""
    return AuditLog.in_state_dir(Path(settings.state_dir)).record(
        actor, action, role=role, meeting_id=meeting_id, details=detail
    )
