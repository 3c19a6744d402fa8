"""Claims on recordings, so that two workers never process the same recording at once.

A process claims a recording by writing ``leases/{recording_id}.json`` (:class:`LeaseRecord`) with a
conditional PUT: ``If-None-Match: *`` when there is no lease, ``If-Match: <etag>`` to take over a
stale one. It then waits ``lease_settle_seconds`` and reads the lease back: it holds the recording
only if its own token is there. The read-back is what makes the claim exclusive on servers whose
conditional PUT is a check-then-write (versitygw v1.7.0 lets two racing ``If-None-Match`` writers
both succeed in about one race in eight; the last write stays), as long as writing a few hundred
bytes takes less than the settle time; on AWS S3 the PUT alone is already exclusive.

The holder renews the lease every third of ``lease_seconds`` (``If-Match`` on its own ETag) from a
daemon thread, and checks it once more (:meth:`Lease.check`) before marking the recording done: a
holder that lost its lease stops before the ledger. A lease is stale, and taken over, when

- its holder ran on this host and its process is gone (a killed worker: seen at once),
- the caller's ``is_stale`` says so (the flows ask Prefect whether the holder's flow run ended),
- its ``expires_at`` is more than ``CLOCK_SKEW`` in the past, or
- the claimer watched it for ``lease_seconds`` on its own monotonic clock without it changing
  (a holder on another host whose clock is wrong).

A lease that changes while a claimer watches it belongs to a live holder: the claim gives up
(``None``), the recording is being processed elsewhere. Every artifact write is an idempotent
overwrite anyway, so even a lost lease can waste work but never duplicate a document or an entry.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from visio_archive.models import RecordingRef
from visio_archive.processes import process_alive
from visio_archive.settings import Settings
from visio_archive.storage import LeaseRecord, Storage, StorageUnavailable

log = logging.getLogger(__name__)

CLOCK_SKEW = timedelta(seconds=5)  # tolerated difference between hosts' clocks (NTP keeps them far closer)
POLL_SECONDS = 1.0


class LeaseLost(RuntimeError):
    """This process no longer holds the recording's lease (it expired, or another process took it)."""


@dataclass(frozen=True)
class Holder:
    """Who works on a recording: recorded in the lease and, at the end, in the ledger."""

    host: str
    pid: int
    worker: str | None = None  # the Prefect worker that started this process (VISIO_WORKER_NAME)
    flow_run_id: str | None = None

    @classmethod
    def this_process(cls, flow_run_id: str | None = None) -> Holder:
        return cls(
            host=socket.gethostname(),
            pid=os.getpid(),
            worker=os.environ.get("VISIO_WORKER_NAME") or None,
            flow_run_id=flow_run_id,
        )


def _now() -> datetime:
    return datetime.now(UTC)


def _record(ref: RecordingRef, holder: Holder, token: str, acquired_at: datetime, ttl: float) -> LeaseRecord:
    now = _now()
    return LeaseRecord(
        recording_id=ref.recording_id,
        etag=ref.etag,
        token=token,
        host=holder.host,
        pid=holder.pid,
        worker=holder.worker,
        flow_run_id=holder.flow_run_id,
        acquired_at=acquired_at,
        renewed_at=now,
        expires_at=now + timedelta(seconds=ttl),
    )


def holder_gone(record: LeaseRecord) -> bool:
    """True when the holder ran on this host and its process no longer exists."""
    return record.host == socket.gethostname() and record.pid != os.getpid() and not process_alive(record.pid)


class Lease:
    """A held claim: renewed in the background until :meth:`release`. Use it as a context manager."""

    def __init__(self, storage: Storage, record: LeaseRecord, etag: str, ttl: float) -> None:
        self.storage = storage
        self.record = record
        self.etag = etag
        self.ttl = ttl
        self.lost: str | None = None  # why, once lost
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._renew_loop, name=f"lease-{record.recording_id}", daemon=True)
        self._thread.start()

    @property
    def key(self) -> str:
        return self.storage.lease_key(self.record.recording_id)

    def renew(self) -> bool:
        """Push the expiry forward; False (and ``lost`` set) when the lease is no longer ours."""
        with self._lock:
            if self.lost:
                return False
            renewed = self.record.model_copy(
                update={"renewed_at": _now(), "expires_at": _now() + timedelta(seconds=self.ttl)}
            )
            try:
                etag = self.storage.put_if_match(self.key, renewed.model_dump_json().encode(), self.etag)
            except StorageUnavailable as exc:  # try again at the next tick, while the lease lasts
                if _now() > self.record.expires_at:
                    self.lost = f"could not renew before expiry: {exc}"
                return not self.lost
            if etag is None:
                self.lost = "another process replaced the lease"
                return False
            self.record, self.etag = renewed, etag
            return True

    def _renew_loop(self) -> None:
        while not self._stop.wait(self.ttl / 3):
            if not self.renew():
                log.error("lease on %s lost: %s", self.record.recording_id, self.lost)
                return

    def check(self) -> None:
        """Raise LeaseLost unless the lease object still carries this claim's token (read now)."""
        if self.lost:
            raise LeaseLost(f"{self.record.recording_id}: {self.lost}")
        current = self.storage.lease_get(self.record.recording_id)
        if current is None or current[0] is None or current[0].token != self.record.token:
            with self._lock:
                self.lost = "the lease object no longer carries our token"
            raise LeaseLost(f"{self.record.recording_id}: {self.lost}")

    def release(self) -> None:
        """Stop renewing and drop the lease (only if it is still ours)."""
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=30)
        with self._lock:
            if self.lost:
                return
            current = self.storage.lease_get(self.record.recording_id)
            if current is not None and current[0] is not None and current[0].token == self.record.token:
                self.storage.lease_delete(self.record.recording_id)
            self.lost = "released"

    def __enter__(self) -> Lease:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def claim(
    storage: Storage,
    ref: RecordingRef,
    settings: Settings,
    *,
    holder: Holder | None = None,
    is_stale: Callable[[LeaseRecord], bool] | None = None,
    wait: bool = True,
    sleep: Callable[[float], None] = time.sleep,
) -> Lease | None:
    """Claim ``ref`` for this process; the held :class:`Lease`, or None when a live holder has it.

    With ``wait`` (the default) a lease held by someone else is watched until it turns stale (then
    taken over: a dead holder costs at most ``lease_seconds``) or changes (its holder is alive:
    None). Without ``wait`` any lease that is not plainly stale gives None at once.
    """
    holder = holder or Holder.this_process()
    ttl = settings.lease_seconds
    key = storage.lease_key(ref.recording_id)
    token = uuid.uuid4().hex
    acquired_at = _now()
    watched: tuple[str, float] | None = None  # (etag, monotonic time first seen)
    while True:
        record = _record(ref, holder, token, acquired_at, ttl)
        body = record.model_dump_json().encode()
        current = storage.lease_get(ref.recording_id)
        if current is None:
            written = storage.put_if_absent(key, body)
        else:
            existing, etag = current
            stale = (
                existing is None
                or existing.expires_at + CLOCK_SKEW < _now()
                or holder_gone(existing)
                or (is_stale is not None and is_stale(existing))
                or (watched is not None and watched[0] == etag and time.monotonic() - watched[1] >= ttl)
            )
            if not stale:
                if not wait or (watched is not None and watched[0] != etag):
                    return None  # a live holder: it renewed while we watched
                if watched is None:
                    watched = (etag, time.monotonic())
                sleep(POLL_SECONDS)
                continue
            if existing is not None:
                log.warning(
                    "%s: taking over the stale lease of %s pid %s (flow run %s, expired %s)",
                    ref.recording_id,
                    existing.host,
                    existing.pid,
                    existing.flow_run_id,
                    existing.expires_at.isoformat(),
                )
            written = storage.put_if_match(key, body, etag)
        if written is None:  # someone else wrote first: look again
            watched = None
            continue
        sleep(settings.lease_settle_seconds)
        back = storage.lease_get(ref.recording_id)
        if back is not None and back[0] is not None and back[0].token == token:
            return Lease(storage, back[0], back[1], ttl)
        watched = None  # a racing writer won: watch its lease like any other
