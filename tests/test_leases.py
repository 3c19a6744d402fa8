"""Leases on recordings against the real S3 server (versitygw): one winner among racing claimers,
takeover of dead or expired holders, a live holder keeps its recording, a lost lease is noticed."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from conftest import drop_bucket

from visio_archive.leases import Holder, Lease, LeaseLost, claim
from visio_archive.models import RecordingRef
from visio_archive.settings import Settings
from visio_archive.storage import LeaseRecord, Storage

pytestmark = [pytest.mark.services]


@pytest.fixture(scope="module")
def storage(run_id: str) -> Iterator[Storage]:
    settings = Settings(bucket=f"leases-{run_id}", lease_seconds=3.0, lease_settle_seconds=0.3)
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    yield storage
    drop_bucket(storage.client, settings.bucket)


def _ref(recording_id: str) -> RecordingRef:
    return RecordingRef(recording_id=recording_id, key=f"recordings/{recording_id}.ogg", etag="e1", size=1)


def _foreign_lease(storage: Storage, ref: RecordingRef, *, expires_in: float, host: str, pid: int) -> None:
    now = datetime.now(UTC)
    record = LeaseRecord(
        recording_id=ref.recording_id,
        etag=ref.etag,
        token="someone-else",
        host=host,
        pid=pid,
        acquired_at=now,
        renewed_at=now,
        expires_at=now + timedelta(seconds=expires_in),
    )
    assert storage.put_if_absent(storage.lease_key(ref.recording_id), record.model_dump_json().encode())


def test_conditional_puts_refuse_to_overwrite(storage: Storage) -> None:
    key = "probe/conditional.json"
    first = storage.put_if_absent(key, b"{}")
    assert first is not None
    assert storage.put_if_absent(key, b"{}") is None
    second = storage.put_if_match(key, b'{"a": 1}', first)
    assert second is not None and second != first
    assert storage.put_if_match(key, b'{"a": 2}', first) is None  # stale ETag
    assert storage.put_if_match("probe/absent.json", b"{}", first) is None
    assert storage.get_with_etag(key) == (b'{"a": 1}', second)


def test_racing_claimers_get_one_winner(storage: Storage) -> None:
    for trial in range(12):
        ref = _ref(f"race-{trial}")
        barrier = threading.Barrier(8)
        won: list[Lease] = []

        def contend(barrier: threading.Barrier = barrier, ref: RecordingRef = ref, won: list[Lease] = won) -> None:
            barrier.wait()
            lease = claim(storage, ref, storage.settings, wait=False)
            if lease is not None:
                won.append(lease)

        threads = [threading.Thread(target=contend) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(won) == 1, f"trial {trial}: {len(won)} claimers think they hold {ref.recording_id}"
        won[0].check()
        won[0].release()
        assert storage.lease_get(ref.recording_id) is None


def test_a_dead_holder_on_this_host_is_taken_over_at_once(storage: Storage) -> None:
    ref = _ref("dead-holder")
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _foreign_lease(storage, ref, expires_in=3600, host=Holder.this_process().host, pid=int(gone.stdout))
    lease = claim(storage, ref, storage.settings, wait=False)
    assert lease is not None
    lease.release()


def test_an_expired_lease_of_another_host_is_taken_over(storage: Storage) -> None:
    ref = _ref("expired")
    _foreign_lease(storage, ref, expires_in=-60, host="other-host", pid=1)
    lease = claim(storage, ref, storage.settings, wait=False)
    assert lease is not None and lease.record.host == Holder.this_process().host
    lease.release()


def test_a_silent_holder_is_taken_over_after_one_lease_period(storage: Storage) -> None:
    """Its clock says it is valid for an hour, but nobody renews it: one lease period of watching."""
    ref = _ref("silent")
    _foreign_lease(storage, ref, expires_in=3600, host="other-host", pid=1)
    assert claim(storage, ref, storage.settings, wait=False) is None  # not plainly stale
    lease = claim(storage, ref, storage.settings, wait=True)
    assert lease is not None
    lease.release()


def test_a_live_holder_keeps_its_recording(storage: Storage) -> None:
    ref = _ref("live")
    holder = claim(storage, ref, storage.settings, holder=Holder(host="other-host", pid=1))
    assert holder is not None
    try:
        # It renews every second (lease 3 s); the other claimer sees it change and gives up.
        assert claim(storage, ref, storage.settings, wait=True) is None
        holder.check()
    finally:
        holder.release()


def test_a_lease_replaced_behind_the_holder_is_noticed(storage: Storage) -> None:
    ref = _ref("replaced")
    lease = claim(storage, ref, storage.settings)
    assert lease is not None
    storage.put_artifact(storage.lease_key(ref.recording_id), b'{"not": "a lease"}', "application/json")
    with pytest.raises(LeaseLost):
        lease.check()
    assert not lease.renew()
    lease.release()  # not ours any more: left alone
    assert storage.get_bytes(storage.lease_key(ref.recording_id)) == b'{"not": "a lease"}'


def test_release_leaves_no_version_behind(storage: Storage) -> None:
    ref = _ref("versions")
    lease = claim(storage, ref, storage.settings)
    assert lease is not None
    assert lease.renew() and lease.renew()
    lease.release()
    versions = list(
        storage.client.list_objects(
            bucket_name=storage.bucket, prefix=storage.lease_key(ref.recording_id), include_version=True
        )
    )
    assert versions == []
