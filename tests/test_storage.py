"""Storage layer against the real S3 server (versitygw started by `visio-archive services up`,
or by hand: bash infra/s3/run.sh "$(bash infra/s3/install.sh | tail -n1)" .visio/s3 9000 ...)."""

from __future__ import annotations

import io
import json
import os
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import urllib3
from conftest import drop_bucket
from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig

from visio_archive.models import MeetingMetadata, RecordingRef
from visio_archive.settings import Settings
from visio_archive.storage import (
    LedgerEntry,
    MetadataError,
    ObjectChanged,
    ObjectNotFound,
    QuarantineRecord,
    Storage,
    StorageError,
    StorageUnavailable,
)

pytestmark = pytest.mark.services

MIB = 1024 * 1024

METADATA = {
    "events": [
        {
            "participant_id": "alice-7f3",
            "type": "participant_connected",
            "timestamp": "2026-03-02T09:00:03.120000+00:00",
            "data": None,
        },
        {
            "participant_id": "alice-7f3",
            "type": "speech_start",
            "timestamp": "2026-03-02T09:00:05.480000+00:00",
            "data": None,
        },
        {
            "participant_id": "bob-21c",
            "type": "chat_received",
            "timestamp": "2026-03-02T09:01:00+00:00",
            "data": "Bonjour à tous",
        },
    ],
    "participants": [
        {"participantId": "alice-7f3", "name": "Alice Martin"},
        {"participantId": "bob-21c", "name": "Hélène Durand"},
    ],
}


@pytest.fixture(scope="module")
def storage(settings: Settings, minio_client: Minio) -> Iterator[Storage]:
    store = Storage.from_settings(settings)
    store.ensure_bucket()
    yield store
    drop_bucket(minio_client, settings.bucket)


@pytest.fixture
def fresh_storage(settings: Settings, minio_client: Minio) -> Iterator[Storage]:
    """A bucket of its own, for tests that list a whole prefix."""
    fresh = settings.model_copy(update={"bucket": f"{settings.bucket}-{uuid.uuid4().hex[:6]}"})
    store = Storage.from_settings(fresh)
    store.ensure_bucket()
    yield store
    drop_bucket(minio_client, fresh.bucket)


def _write(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


# ---------------------------------------------------------------- the server itself (SDK only)


def test_sdk_put_list_get_presigned_roundtrip(storage: Storage, minio_client: Minio) -> None:
    bucket = storage.bucket
    body = "compte rendu: réunion du 2 mars".encode()
    minio_client.put_object(
        bucket_name=bucket,
        object_name="sdk/hello.txt",
        data=io.BytesIO(body),
        length=len(body),
        content_type="text/plain; charset=utf-8",
    )
    names = [o.object_name for o in minio_client.list_objects(bucket_name=bucket, prefix="sdk/")]
    assert names == ["sdk/hello.txt"]
    response = minio_client.get_object(bucket_name=bucket, object_name="sdk/hello.txt")
    try:
        assert response.read() == body
    finally:
        response.close()
        response.release_conn()

    url = minio_client.presigned_get_object(
        bucket_name=bucket, object_name="sdk/hello.txt", expires=timedelta(minutes=5)
    )
    with urllib.request.urlopen(url, timeout=10) as fetched:  # no credentials: the URL is the key
        assert fetched.read() == body
    assert httpx.get(storage.presign_get("sdk/hello.txt", timedelta(minutes=2)), timeout=10).content == body
    # A tampered signature must be refused.
    assert httpx.get(url.replace("X-Amz-Signature=", "X-Amz-Signature=00"), timeout=10).status_code == 403


def test_sdk_multipart_upload(storage: Storage, minio_client: Minio) -> None:
    data = os.urandom(11 * MIB + 123)
    result = minio_client.put_object(
        bucket_name=storage.bucket,
        object_name="sdk/big.bin",
        data=io.BytesIO(data),
        length=len(data),
        part_size=5 * MIB,
    )
    assert (result.etag or "").strip('"').endswith("-3")  # three parts: it really was multipart
    assert storage.get_bytes("sdk/big.bin") == data


def test_sdk_versioning_and_user_metadata(storage: Storage, minio_client: Minio) -> None:
    bucket = storage.bucket
    assert minio_client.get_bucket_versioning(bucket_name=bucket).status == ENABLED
    key = "sdk/versioned.txt"
    first = minio_client.put_object(
        bucket_name=bucket,
        object_name=key,
        data=io.BytesIO(b"one"),
        length=3,
        metadata={"recording-started-at": "2026-03-02T09:00:00+00:00"},
    )
    second = minio_client.put_object(bucket_name=bucket, object_name=key, data=io.BytesIO(b"two"), length=3)
    versions = list(minio_client.list_objects(bucket_name=bucket, prefix=key, recursive=True, include_version=True))
    assert {v.version_id for v in versions} == {first.version_id, second.version_id}
    assert storage.get_bytes(key) == b"two"
    assert storage.get_bytes(key, version_id=first.version_id) == b"one"
    old = minio_client.stat_object(bucket_name=bucket, object_name=key, version_id=first.version_id)
    assert old.metadata is not None
    assert old.metadata["x-amz-meta-recording-started-at"] == "2026-03-02T09:00:00+00:00"


# ---------------------------------------------------------------- bucket and keys


def test_ensure_bucket_is_idempotent_and_enables_versioning(fresh_storage: Storage, minio_client: Minio) -> None:
    fresh_storage.ensure_bucket()
    fresh_storage.ensure_bucket()
    assert minio_client.get_bucket_versioning(bucket_name=fresh_storage.bucket).status == ENABLED
    fresh_storage.ping()


def test_key_helpers(storage: Storage) -> None:
    assert storage.artifact_key("m1", "transcript.json") == "archive/m1/transcript.json"
    assert storage.artifact_key("m1", "exports/cr.docx") == "archive/m1/exports/cr.docx"
    assert storage.restricted_key("m1", "mapping.enc") == "restricted/m1/mapping.enc"
    assert storage.quarantine_key("r1") == "quarantine/r1.json"
    assert storage.ledger_key("r1") == "ledger/r1.json"
    assert storage.metadata_key("r1") == "metadata/r1-metadata.json"
    for bad in ["", "a/b", "..", " x"]:
        with pytest.raises(ValueError):
            storage.artifact_key(bad, "x.json")
    for bad_name in ["", "/etc", "a/../b", "a//b"]:
        with pytest.raises(ValueError):
            storage.artifact_key("m1", bad_name)


# ---------------------------------------------------------------- Visio layout


def test_list_recordings_pairs_metadata_and_filters(fresh_storage: Storage, tmp_path: Path) -> None:
    store = fresh_storage
    ogg = tmp_path / "rec.ogg"
    _write(ogg, 2048)
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps(METADATA), encoding="utf-8")

    with_meta = store.put_recording(ogg, "room-a", metadata=meta)
    # Written by other tools: upper-case extension, nested folder, not a recording, orphan metadata.
    store.put_artifact("recordings/room-b.MP4", b"\x00" * 100, "video/mp4")
    store.put_artifact("recordings/2026/room-c.wav", b"RIFF" + b"\x00" * 60, "audio/wav")
    store.put_artifact("recordings/notes.txt", b"not a recording", "text/plain")
    store.put_artifact("metadata/orphan-metadata.json", b"{}", "application/json")

    refs = store.list_recordings()
    by_id = {r.recording_id: r for r in refs}
    assert set(by_id) == {"room-a", "room-b", "room-c"}
    a, b, c = by_id["room-a"], by_id["room-b"], by_id["room-c"]
    assert a.key == "recordings/room-a.ogg" and a.size == 2048
    assert a.metadata_key == "metadata/room-a-metadata.json"
    assert a.etag == with_meta.etag and '"' not in a.etag
    assert a.last_modified is not None and a.last_modified.tzinfo is not None
    assert b.key == "recordings/room-b.MP4" and b.size == 100 and b.metadata_key is None
    assert c.key == "recordings/2026/room-c.wav" and c.metadata_key is None

    # Two files for one id: one is kept (the newest; listings have 1 s resolution, so a tie
    # falls back to key order), the id stays unique.
    store.put_artifact("recordings/room-a.mp4", b"\x00" * 10, "video/mp4")
    dup = [r for r in store.list_recordings() if r.recording_id == "room-a"]
    assert len(dup) == 1
    store.delete("recordings/room-a.mp4", all_versions=True)

    now = datetime.now(UTC)
    assert store.list_recordings(since=now + timedelta(minutes=5)) == []
    assert store.list_recordings(until=now - timedelta(hours=1)) == []
    assert {r.recording_id for r in store.list_recordings(since=now - timedelta(hours=1))} == set(by_id)
    # Naive datetimes are read as UTC.
    naive_future = (now + timedelta(minutes=5)).replace(tzinfo=None)
    assert store.list_recordings(since=naive_future) == []


def test_put_recording_content_type_and_started_at(storage: Storage, minio_client: Minio, tmp_path: Path) -> None:
    mp4 = tmp_path / "screen.MP4"
    _write(mp4, 1000)
    started = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
    ref = storage.put_recording(mp4, "meta-rt", started_at=started)
    assert ref.key == "recordings/meta-rt.mp4"
    stat = minio_client.stat_object(bucket_name=storage.bucket, object_name=ref.key)
    assert stat.content_type == "video/mp4"
    assert storage.recording_user_metadata(ref) == {"recording-started-at": "2026-03-02T09:00:00+00:00"}
    assert storage.recording_started_at(ref) == started

    bare = tmp_path / "bare.ogg"
    _write(bare, 10)
    bare_ref = storage.put_recording(bare, "meta-none")
    assert storage.recording_user_metadata(bare_ref) == {}
    assert storage.recording_started_at(bare_ref) is None

    with pytest.raises(ValueError, match="unsupported recording type"):
        storage.put_recording(tmp_path / "x.flac", "bad")


def test_download_streams_to_temp_then_renames(storage: Storage, tmp_path: Path) -> None:
    src = tmp_path / "src.ogg"
    data = _write(src, 3 * MIB + 17)
    ref = storage.put_recording(src, "dl-ok")
    dest = tmp_path / "work"
    path = storage.download_recording(ref, dest)
    assert path == dest / "dl-ok.ogg"
    assert path.read_bytes() == data
    assert sorted(p.name for p in dest.iterdir()) == ["dl-ok.ogg"]  # no .part left behind


def test_download_interrupted_leaves_no_file(storage: Storage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "src.ogg"
    _write(src, 2 * MIB)
    ref = storage.put_recording(src, "dl-cut")
    real_get = storage.client.get_object

    def cut_after_first_chunk(*args: Any, **kwargs: Any) -> Any:
        # The real server's response, with the connection "dropping" after the first chunk.
        response = real_get(*args, **kwargs)
        real_stream = response.stream

        def stream(amt: int | None = None, decode_content: bool | None = None) -> Iterator[bytes]:
            for i, chunk in enumerate(real_stream(amt)):
                if i == 1:
                    raise urllib3.exceptions.ProtocolError("connection reset by peer")
                yield chunk

        response.stream = stream  # type: ignore[method-assign]
        return response

    monkeypatch.setattr(storage.client, "get_object", cut_after_first_chunk)
    dest = tmp_path / "work"
    with pytest.raises(StorageUnavailable, match="not reachable"):
        storage.download_recording(ref, dest)
    assert list(dest.iterdir()) == []


def test_download_refuses_a_replaced_object(storage: Storage, tmp_path: Path) -> None:
    src = tmp_path / "src.ogg"
    _write(src, 1000)
    ref = storage.put_recording(src, "dl-changed")
    _write(src, 1001)
    storage.put_recording(src, "dl-changed")  # replaced after listing: new ETag
    dest = tmp_path / "work"
    with pytest.raises(ObjectChanged):
        storage.download_recording(ref, dest)
    assert list(dest.iterdir()) == []


# ---------------------------------------------------------------- metadata JSON


def test_read_metadata_valid_and_encodings(storage: Storage) -> None:
    assert storage.read_metadata("no-such-recording") is None
    text = json.dumps(METADATA, ensure_ascii=False)
    for rid, raw in [
        ("md-utf8", text.encode("utf-8")),
        ("md-bom", text.encode("utf-8-sig")),
        ("md-utf16", text.encode("utf-16")),  # with BOM
    ]:
        storage.put_artifact(storage.metadata_key(rid), raw, "application/json")
        meta = storage.read_metadata(rid)
        assert isinstance(meta, MeetingMetadata), rid
        assert [p.name for p in meta.participants] == ["Alice Martin", "Hélène Durand"]
        assert meta.events[2].data == "Bonjour à tous"
        assert meta.events[0].timestamp == datetime(2026, 3, 2, 9, 0, 3, 120000, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"participants": [', "not valid JSON"),
        (b"", "not valid JSON"),
        (json.dumps(METADATA, ensure_ascii=False).encode("latin-1"), "not UTF-8"),
        (b"[1, 2]", "must be a JSON object"),
        (b'{"participants": "Alice"}', "does not match the Visio format"),
        (b'{"events": [{"participant_id": "a", "type": "speech_start", "timestamp": "hier"}]}', "events.0"),
    ],
)
def test_malformed_metadata_raises_metadata_error(storage: Storage, raw: bytes, message: str) -> None:
    rid = f"md-bad-{uuid.uuid4().hex[:6]}"
    storage.put_artifact(storage.metadata_key(rid), raw, "application/json")
    with pytest.raises(MetadataError, match=message) as info:
        storage.read_metadata(rid)
    assert info.value.recording_id == rid
    assert info.value.key == f"metadata/{rid}-metadata.json"


# ---------------------------------------------------------------- artifacts


def test_artifacts_json_exists_and_large_path(storage: Storage, tmp_path: Path) -> None:
    key = storage.artifact_key("art-1", "summary.json")
    ref = RecordingRef(recording_id="art-1", key="recordings/art-1.ogg", etag="abc", size=1)
    storage.put_json(key, ref)
    assert storage.get_json(key, RecordingRef) == ref
    storage.put_json(key, {"at": datetime(2026, 3, 2, tzinfo=UTC), "n": 1, "é": "ü"})
    assert storage.get_json(key) == {"at": "2026-03-02T00:00:00Z", "n": 1, "é": "ü"}
    assert storage.exists(key)
    assert not storage.exists(storage.artifact_key("art-1", "missing.json"))
    with pytest.raises(ObjectNotFound):
        storage.get_bytes(storage.artifact_key("art-1", "missing.json"))
    storage.put_artifact(storage.artifact_key("art-1", "raw.txt"), b"not json", "text/plain")
    with pytest.raises(StorageError, match="not the expected JSON"):
        storage.get_json(storage.artifact_key("art-1", "raw.txt"))

    # Larger than PART_SIZE from a file: goes up as a multipart upload, reads back whole.
    big = tmp_path / "big.bin"
    data = _write(big, 17 * MIB)
    etag = storage.put_artifact(storage.artifact_key("art-1", "audio.ogg"), big, "audio/ogg")
    assert "-" in etag  # multipart ETag
    assert storage.get_bytes(storage.artifact_key("art-1", "audio.ogg")) == data


def test_delete_prefix_removes_every_version(storage: Storage, minio_client: Minio) -> None:
    keep = storage.artifact_key("erase-10", "x.json")
    storage.put_json(keep, {"keep": True})
    a = storage.artifact_key("erase-1", "a.json")
    storage.put_json(a, {"v": 1})
    storage.put_json(a, {"v": 2})
    storage.put_artifact(storage.artifact_key("erase-1", "sub/b.bin"), b"b")
    storage.delete(storage.artifact_key("erase-1", "sub/b.bin"))  # leaves a delete marker + a version

    removed = storage.delete_prefix(storage.artifact_key("erase-1", "x")[: -len("x")])
    assert removed == 4  # a.json x2, b.bin, the delete marker
    leftovers = list(
        minio_client.list_objects(
            bucket_name=storage.bucket, prefix="archive/erase-1/", recursive=True, include_version=True
        )
    )
    assert leftovers == []
    assert storage.exists(keep)  # "archive/erase-1/" must not touch "archive/erase-10/"
    with pytest.raises(ValueError):
        storage.delete_prefix("")
    with pytest.raises(ValueError):
        storage.delete_prefix("/")


# ---------------------------------------------------------------- ledger and quarantine


def test_ledger_round_trip(fresh_storage: Storage) -> None:
    store = fresh_storage
    ref = RecordingRef(recording_id="led-1", key="recordings/led-1.ogg", etag="e1", size=10)
    assert store.ledger_get("led-1") is None
    assert not store.is_done(ref)
    entry = LedgerEntry(
        recording_id="led-1",
        etag="e1",
        artifacts=["archive/led-1/transcript.json"],
        segment_count=12,
    )
    store.ledger_mark_done(entry)
    assert store.ledger_get("led-1") == entry
    assert store.is_done(ref)
    assert not store.is_done(ref.model_copy(update={"etag": "e2"}))  # re-uploaded content
    store.ledger_mark_done(LedgerEntry(recording_id="led-2", etag="x"))
    assert [e.recording_id for e in store.ledger_all()] == ["led-1", "led-2"]
    store.put_artifact(store.ledger_key("led-3"), b"{broken", "application/json")
    assert [e.recording_id for e in store.ledger_all()] == ["led-1", "led-2"]  # damaged one skipped
    store.delete(store.ledger_key("led-3"), all_versions=True)
    store.ledger_delete("led-1")
    assert store.ledger_get("led-1") is None
    assert [e.recording_id for e in store.ledger_all()] == ["led-2"]


def test_quarantine_round_trip(fresh_storage: Storage) -> None:
    store = fresh_storage
    record = QuarantineRecord(
        recording_id="q-1", etag="e1", stage="transcribe", error_type="AudioDecodeError", message="x" * 5000
    )
    store.quarantine(record)
    got = store.quarantine_get("q-1")
    assert got is not None
    assert got.stage == "transcribe" and got.error_type == "AudioDecodeError"
    assert len(got.message) < 4100  # bounded
    assert [r.recording_id for r in store.quarantine_list()] == ["q-1"]
    ref = RecordingRef(recording_id="q-1", key="recordings/q-1.ogg", etag="e1", size=1)
    assert store.is_quarantined(ref)
    assert not store.is_quarantined(ref.model_copy(update={"etag": "e2"}))
    assert store.requeue("q-1") is True
    assert store.quarantine_get("q-1") is None
    assert store.quarantine_list() == []
    assert store.requeue("q-1") is False


# ---------------------------------------------------------------- errors


def test_unreachable_server_is_storage_unavailable(settings: Settings) -> None:
    down = Storage.from_settings(settings.model_copy(update={"s3_endpoint": "127.0.0.1:9"}))
    with pytest.raises(StorageUnavailable, match="not reachable"):
        down.ping()


def test_wrong_credentials_are_a_permanent_error_without_secrets(settings: Settings) -> None:
    from pydantic import SecretStr

    secret = "wrong-secret-value-42"
    bad = Storage.from_settings(settings.model_copy(update={"s3_secret_key": SecretStr(secret)}))
    with pytest.raises(StorageError) as info:
        bad.get_bytes("anything")
    assert not isinstance(info.value, StorageUnavailable)
    assert "credentials" in str(info.value)
    assert secret not in str(info.value) and secret not in repr(bad)
    assert settings.s3_secret_key.get_secret_value() not in repr(bad)


def test_missing_bucket_is_a_clear_error(settings: Settings) -> None:
    missing = Storage.from_settings(settings.model_copy(update={"bucket": f"{settings.bucket}-absent"}))
    with pytest.raises(StorageError, match="does not exist"):
        missing.list_recordings()


def test_endpoint_with_scheme_is_accepted(storage: Storage, settings: Settings) -> None:
    with_scheme = Storage.from_settings(settings.model_copy(update={"s3_endpoint": f"http://{settings.s3_endpoint}"}))
    with_scheme.ping()
    storage.put_artifact("scheme/x", b"1")
    assert with_scheme.get_bytes("scheme/x") == b"1"


def test_versioning_config_roundtrip_via_sdk(fresh_storage: Storage, minio_client: Minio) -> None:
    # Re-applying the config the way an operator would must keep it enabled.
    minio_client.set_bucket_versioning(bucket_name=fresh_storage.bucket, config=VersioningConfig(ENABLED))
    fresh_storage.ensure_bucket()
    assert minio_client.get_bucket_versioning(bucket_name=fresh_storage.bucket).status == ENABLED
