"""Append-only audit log: who did what, when, from where, on which meeting.

One JSON object per line in ``{state_dir}/audit.log``. Entries are chained: each carries the
SHA-256 of the previous line (``prev``), so deleting or editing a line in the middle is detectable
with :func:`AuditLog.verify_chain`.

Durability without one fsync per request (group commit): :meth:`AuditLog.record` returns only once
its line is written and fsynced, but callers arriving while a write is in progress are written
together by the next one, with one ``write()`` and one ``fsync()`` for all of them. Writes take an
exclusive ``flock`` on an ``O_APPEND`` descriptor, so several processes never interleave lines nor
break the chain.

Actions recorded: ``search`` (the query and filters), ``view`` (meeting page), ``reveal`` (full
transcript of a meeting, with the reason given), ``export`` / ``legal_export`` (format),
``audio_download``, ``speaker_correction``, ``login`` / ``login_failed`` / ``logout``, ``denied`` (a
refused request), ``import``, ``audit_export``, and the flows' ``erase`` / ``retention``.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

# Routine reads: kept, but an auditor looks first at everything else (reveals, exports, refusals...).
ROUTINE_ACTIONS = frozenset({"search", "view", "login", "logout", "session_ended"})


class AuditEntry(BaseModel):
    ts: datetime
    actor: str
    role: str | None = None
    action: str
    meeting_id: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    client: str | None = None
    prev: str | None = None  # sha256 of the previous line


class AuditQuery(BaseModel):
    """Filters of the audit page and API (all optional, combined with AND)."""

    actor: str | None = None
    actions: list[str] | None = None
    category: str = "all"  # "all", "sensitive" (everything but routine reads), "routine"
    meeting_id: str | None = None
    date_from: date | None = None  # Europe/Paris calendar days, inclusive
    date_to: date | None = None
    client: str | None = None

    def matches(self, entry: AuditEntry) -> bool:
        from visio_archive.french import to_paris

        if self.actor and entry.actor != self.actor:
            return False
        if self.actions and entry.action not in self.actions:
            return False
        if self.category == "sensitive" and entry.action in ROUTINE_ACTIONS:
            return False
        if self.category == "routine" and entry.action not in ROUTINE_ACTIONS:
            return False
        if self.meeting_id and entry.meeting_id != self.meeting_id:
            return False
        if self.client and entry.client != self.client:
            return False
        if self.date_from or self.date_to:
            day = to_paris(entry.ts).date()
            if self.date_from and day < self.date_from:
                return False
            if self.date_to and day > self.date_to:
                return False
        return True


class AuditPage(BaseModel):
    entries: list[AuditEntry]
    offset: int
    limit: int
    more: bool  # entries older than this page match too


@dataclass
class _Pending:
    entry: AuditEntry
    done: bool = False
    error: BaseException | None = None
    written: AuditEntry | None = None


@dataclass
class AuditLog:
    path: Path
    _pending: list[_Pending] = field(default_factory=list, repr=False)
    _queue_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _write_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def in_state_dir(cls, state_dir: Path) -> AuditLog:
        return cls(Path(state_dir) / "audit.log")

    # ------------------------------------------------------------ writing (group commit)

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
        """Append one entry; returns once it is on disk (fsynced), with its ``prev`` hash set."""
        pending = _Pending(AuditEntry(ts=datetime.now(UTC), actor=actor, role=role, action=action,
                                      meeting_id=meeting_id, details=details or {}, client=client))
        with self._queue_lock:
            self._pending.append(pending)
        with self._write_lock:  # whoever holds it writes every entry waiting, ours included
            if not pending.done:
                with self._queue_lock:
                    batch, self._pending = self._pending, []
                self._write(batch)
        if pending.error is not None:
            raise pending.error
        assert pending.written is not None
        return pending.written

    def _write(self, batch: list[_Pending]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                prev = self._last_line_hash(fd)
                lines: list[bytes] = []
                for item in batch:
                    entry = item.entry.model_copy(update={"prev": prev})
                    line = entry.model_dump_json().encode()
                    lines.append(line + b"\n")
                    prev = hashlib.sha256(line).hexdigest()
                    item.written = entry
                data = b"".join(lines)
                written = 0
                while written < len(data):
                    written += os.write(fd, data[written:])
                os.fsync(fd)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
                os.close(fd)
        except BaseException as exc:
            for item in batch:
                item.error = exc
            raise
        finally:
            for item in batch:
                item.done = True

    @staticmethod
    def _last_line_hash(fd: int) -> str | None:
        size = os.lseek(fd, 0, os.SEEK_END)
        if size == 0:
            return None
        chunk = 1 << 16
        while True:  # read back from the end until the last line is whole
            chunk = min(chunk, size)
            data = os.pread(fd, chunk, size - chunk).rstrip(b"\n")
            if b"\n" in data or chunk == size:
                last = data.rsplit(b"\n", 1)[-1]
                return hashlib.sha256(last).hexdigest() if last else None
            chunk *= 4

    # ------------------------------------------------------------ reading

    def entries(self) -> Iterator[AuditEntry]:
        """Oldest first."""
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            for raw in fh:
                if raw.strip():
                    yield AuditEntry.model_validate_json(raw)

    def newest_first(self, block: int = 1 << 16) -> Iterator[AuditEntry]:
        """Newest first, reading the file backwards (a page of recent entries costs what it shows)."""
        if not self.path.exists():
            return
        with self.path.open("rb") as fh:
            position = fh.seek(0, os.SEEK_END)
            rest = b""
            while position > 0:
                step = min(block, position)
                position -= step
                fh.seek(position)
                data = fh.read(step) + rest
                lines = data.split(b"\n")
                rest = lines[0]
                for raw in reversed(lines[1:]):
                    if raw.strip():
                        yield AuditEntry.model_validate_json(raw)
            if rest.strip():
                yield AuditEntry.model_validate_json(rest)

    def query(self, query: AuditQuery | None = None, *, offset: int = 0, limit: int = 100) -> AuditPage:
        """One page of matching entries, newest first."""
        query = query or AuditQuery()
        found: list[AuditEntry] = []
        skipped = 0
        more = False
        for entry in self.newest_first():
            if not query.matches(entry):
                continue
            if skipped < offset:
                skipped += 1
                continue
            if len(found) == limit:
                more = True
                break
            found.append(entry)
        return AuditPage(entries=found, offset=offset, limit=limit, more=more)

    def tail(self, limit: int = 200, action: str | None = None, meeting_id: str | None = None) -> list[AuditEntry]:
        return self.query(AuditQuery(actions=[action] if action else None, meeting_id=meeting_id),
                          limit=limit).entries

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
