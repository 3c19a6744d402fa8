"""The S3 storage layer: the Visio bucket layout, our artifacts, a ledger and a quarantine.

Bucket layout (prefixes come from :class:`~visio_archive.settings.Settings`)::

    recordings/{recording_id}.ogg|.mp4|...   written by the Visio platform (LiveKit egress)
    metadata/{recording_id}-metadata.json    written by the Visio room agent
    archive/{meeting_id}/{name}              redacted artifacts, readable by viewers
    restricted/{meeting_id}/{name}           full transcripts, encrypted mappings
    ledger/{recording_id}.json               one LedgerEntry per processed recording
    quarantine/{recording_id}.json           one QuarantineRecord per failed recording

Atomicity — "a reader never sees a half-written object": an S3 object becomes visible only
when its PUT (or the CompleteMultipartUpload of a multipart upload) succeeds, and then all
at once; until then readers see the previous version or nothing. versitygw's posix backend
implements this by writing into an unlinked temporary file and linking it into place. So
every write here is a single ``put_object``: the SDK sends one PUT below ``PART_SIZE`` and a
multipart upload above it; neither ever exposes a partial object. Downloads to the local
disk get the same guarantee by writing a temporary file in the destination directory and
renaming it (``os.replace`` is atomic within one filesystem).

Errors: every call to the server goes through :func:`_translate`, which turns the SDK's and
urllib3's exceptions into :class:`StorageUnavailable` (transient: retry later) or
:class:`StorageError` (permanent: configuration or data). Messages name the endpoint,
bucket and key, never the credentials.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, Literal, TypeVar, overload
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.deleteobjects import DeleteObject
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.versioningconfig import VersioningConfig
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import to_json

from visio_archive.models import MeetingMetadata, RecordingRef
from visio_archive.settings import Settings

log = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)

# Objects up to this size go up in one PUT; larger ones as a multipart upload in parts of this
# size (S3's minimum part size is 5 MiB; 16 MiB keeps the part count low for long recordings).
PART_SIZE = 16 * 1024 * 1024
_CHUNK = 1024 * 1024  # streaming download buffer

# Extensions the Visio platform (and operators) put under recordings/, with the content type we
# set on upload. The platform itself writes .ogg (audio composite) and .mp4 (screen recording).
RECORDING_CONTENT_TYPES: dict[str, str] = {
    ".ogg": "audio/ogg",
    ".mp4": "video/mp4",
    ".wav": "audio/wav",
    ".mp3": "audio/mpeg",
    ".webm": "video/webm",
}
RECORDING_EXTENSIONS = frozenset(RECORDING_CONTENT_TYPES)

# User metadata key (sent as x-amz-meta-recording-started-at) for the egress start time.
STARTED_AT_META = "recording-started-at"
_USER_META_PREFIX = "x-amz-meta-"

# S3 error codes that mean "try again later" rather than "this will never work".
_TRANSIENT_CODES = frozenset(
    {"SlowDown", "ServiceUnavailable", "InternalError", "RequestTimeout", "RequestTimeTooSkewed"}
)
_NOT_FOUND_CODES = frozenset({"NoSuchKey", "NoSuchVersion", "NoSuchObject", "ResourceNotFound"})
_AUTH_CODES = frozenset({"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidSignature"})


# ---------------------------------------------------------------- SDK/server compatibility

_SUBMICROSECOND = re.compile(r"\.(\d{6})\d+Z$")


def _install_minio_time_compat() -> None:
    """Let the SDK parse versitygw's nanosecond timestamps.

    versitygw v1.7.0 writes ``<DeleteMarker><LastModified>`` in ListObjectVersions as
    RFC3339Nano (``2026-03-02T09:00:00.609881708Z``: its delete-marker type has no custom XML
    marshaller, unlike objects and versions). minio-py parses with ``strptime("%f")``, which
    takes at most 6 digits, so listing the versions of any key that has a delete marker raises
    ValueError: erasure (delete_prefix) would break as soon as something was deleted once.
    We truncate to microseconds before the SDK's own parser runs. Only the name the listing
    parsers use (``minio.datatypes.from_iso8601utc``) is wrapped, once; accepted inputs are a
    superset of before, so other users of the SDK in this process are unaffected.
    """
    import minio.datatypes as sdk_datatypes

    original = getattr(sdk_datatypes, "from_iso8601utc", None)
    if original is None or getattr(original, "_visio_compat", False):
        return

    def from_iso8601utc(value: str | None) -> datetime | None:
        if value is not None:
            value = _SUBMICROSECOND.sub(r".\1Z", value)
        result: datetime | None = original(value)
        return result

    from_iso8601utc._visio_compat = True  # type: ignore[attr-defined]
    sdk_datatypes.from_iso8601utc = from_iso8601utc


_install_minio_time_compat()


# ---------------------------------------------------------------- errors


class StorageError(Exception):
    """A storage operation failed and retrying will not help (configuration, missing bucket, ...)."""


class StorageUnavailable(StorageError):
    """The S3 server is unreachable or overloaded: transient, retry later.

    A subclass of :class:`StorageError` so that ``except StorageError`` catches both; catch this
    one first where a retry makes sense.
    """


class ObjectNotFound(StorageError):
    """The key (or version) does not exist."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


class ObjectChanged(StorageError):
    """The object was replaced between listing and reading (its ETag changed): list again."""


class MetadataError(ValueError):
    """``metadata/{id}-metadata.json`` exists but cannot be decoded, parsed or validated.

    A data problem, not a storage one (hence not a StorageError): retrying will not help, the
    recording should be quarantined.
    """

    def __init__(self, message: str, recording_id: str, key: str) -> None:
        super().__init__(message)
        self.recording_id = recording_id
        self.key = key


# ---------------------------------------------------------------- ledger and quarantine records


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ObjectInfo(BaseModel):
    """What :meth:`Storage.stat` tells about one object (archive-ui, issue 12)."""

    key: str
    size: int
    content_type: str
    etag: str
    last_modified: datetime | None = None


class LedgerEntry(BaseModel):
    """One processed recording. ``etag`` pins the exact content that was processed, so a
    recording replaced under the same name is processed again (see :meth:`Storage.is_done`)."""

    recording_id: str
    etag: str
    status: Literal["done"] = "done"
    processed_at: datetime = Field(default_factory=_utcnow)
    artifacts: list[str] = Field(default_factory=list)  # object keys written for this recording
    segment_count: int = 0
    # Who processed it (several workers on several machines): the process, its host, the Prefect
    # worker that started it (VISIO_WORKER_NAME) and the flow run; None in entries written before.
    host: str | None = None
    pid: int | None = None
    worker: str | None = None
    flow_run_id: str | None = None


class LeaseRecord(BaseModel):
    """The claim on one recording while a process works on it (``leases/{recording_id}.json``).

    Written with a conditional PUT (absent, or unchanged since read) and renewed by its holder;
    a lease that nobody renews for ``lease_seconds`` is taken over (see visio_archive/leases.py).
    """

    recording_id: str
    etag: str  # the recording content being processed
    token: str  # unique per claim: tells the holder from a later claimer
    host: str
    pid: int
    worker: str | None = None
    flow_run_id: str | None = None
    acquired_at: datetime
    renewed_at: datetime
    expires_at: datetime


class QuarantineRecord(BaseModel):
    """A recording that failed permanently at some stage; it is skipped until requeued."""

    recording_id: str
    etag: str
    stage: str  # "intake", "transcribe", "redact", ...
    error_type: str  # exception class name
    message: str
    at: datetime = Field(default_factory=_utcnow)


# ---------------------------------------------------------------- helpers


def _as_utc(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC (S3 and the Visio metadata speak UTC)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


_EPOCH = datetime.min.replace(tzinfo=UTC)


def _newest_first_key(ref: RecordingRef) -> tuple[datetime, str]:
    return (ref.last_modified or _EPOCH, ref.key)


def _strip_etag(etag: str | None) -> str:
    # The SDK returns ETags sometimes quoted (headers), sometimes not (listings).
    return (etag or "").strip().strip('"')


def _check_id(value: str, what: str) -> str:
    """Ids become one key segment: reject anything that could escape its prefix."""
    if not value or "/" in value or "\\" in value or value in {".", ".."} or value != value.strip():
        raise ValueError(f"invalid {what} {value!r}: must be a non-empty single path segment")
    return value


def _check_name(name: str) -> str:
    """Artifact names may contain sub-folders ("exports/minutes.docx") but no '..' or leading '/'."""
    parts = name.split("/")
    if not name or name.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        raise ValueError(f"invalid artifact name {name!r}")
    return name


def _decode_json_bytes(raw: bytes) -> str:
    """Decode a JSON document: UTF-8 with or without a BOM (Windows editors add one), or
    UTF-16/32 when a BOM says so (the JSON RFC allows them). Anything else raises
    UnicodeDecodeError rather than guessing latin-1, which would garble participant names."""
    if raw[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return raw.decode("utf-32")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    return raw.decode("utf-8-sig")  # plain UTF-8 too


class _Translator:
    """Maps SDK/urllib3 exceptions to our errors; knows the endpoint for the messages."""

    def __init__(self, endpoint: str, bucket: str) -> None:
        self.endpoint = endpoint
        self.bucket = bucket

    @contextlib.contextmanager
    def __call__(self, op: str, key: str | None = None) -> Iterator[None]:
        where = f"s3://{self.bucket}/{key}" if key is not None else f"bucket {self.bucket!r}"
        try:
            yield
        except S3Error as exc:
            code = exc.code or ""
            status = getattr(exc.response, "status", 0) or 0
            if code in _NOT_FOUND_CODES:
                raise ObjectNotFound(f"{op}: {where} does not exist", key or "") from exc
            if code == "NoSuchBucket":
                raise StorageError(
                    f"{op}: bucket {self.bucket!r} does not exist on {self.endpoint} "
                    "(run Storage.ensure_bucket() or `visio-archive services up`)"
                ) from exc
            if code in _AUTH_CODES:
                raise StorageError(
                    f"{op}: the S3 server at {self.endpoint} rejected our credentials ({code}); "
                    "check VISIO_S3_ACCESS_KEY / VISIO_S3_SECRET_KEY against the server's keys"
                ) from exc
            if code in _TRANSIENT_CODES or status >= 500:
                raise StorageUnavailable(
                    f"{op}: S3 server at {self.endpoint} is busy or failing ({code or status}) on {where}"
                ) from exc
            raise StorageError(f"{op}: {where} failed: {code}: {exc.message}") from exc
        except ServerError as exc:  # 5xx without an S3 XML body
            raise StorageUnavailable(
                f"{op}: S3 server at {self.endpoint} answered HTTP {exc.status_code} on {where}"
            ) from exc
        except InvalidResponseError as exc:  # not S3 at all (proxy page, wrong port...)
            raise StorageUnavailable(
                f"{op}: {self.endpoint} did not answer like an S3 server on {where}: {exc}"
            ) from exc
        except MinioException as exc:
            raise StorageError(f"{op}: {where} failed: {exc}") from exc
        except (urllib3.exceptions.HTTPError, ConnectionError, TimeoutError) as exc:
            # MaxRetryError (refused / DNS), ProtocolError (connection reset mid-body), timeouts.
            raise StorageUnavailable(
                f"{op}: S3 server at {self.endpoint} is not reachable or keeps failing "
                f"({type(exc).__name__}); "
                "is it running? (`visio-archive services up`)"
            ) from exc


# ---------------------------------------------------------------- storage


class Storage:
    """The archive's view of one S3 bucket. Thread-safe (the SDK client is)."""

    def __init__(self, client: Minio, settings: Settings, *, endpoint: str | None = None) -> None:
        self.client = client
        self.settings = settings
        self.bucket = settings.bucket
        self.endpoint = endpoint or settings.s3_endpoint
        self._s3 = _Translator(self.endpoint, self.bucket)

    @classmethod
    def from_settings(cls, settings: Settings) -> Storage:
        # Accept "http://host:port" as well as "host:port": the SDK wants the latter and a
        # separate `secure` flag.
        endpoint, secure = settings.s3_endpoint, settings.s3_secure
        if "://" in endpoint:
            parts = urlsplit(endpoint)
            endpoint, secure = parts.netloc, parts.scheme == "https"
        # Our own pool: the SDK's default waits 5 minutes to connect; fail fast instead (10 s)
        # and let StorageUnavailable tell the caller to retry. Reads keep a long timeout
        # because recordings are large and streamed.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=10, read=300),
            maxsize=10,
            cert_reqs="CERT_REQUIRED",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=[500, 502, 503, 504]),
        )
        client = Minio(
            endpoint,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            secure=secure,
            region=settings.s3_region,
            http_client=http,
        )
        return cls(client, settings, endpoint=endpoint)

    def __repr__(self) -> str:  # no credentials, ever
        return f"Storage(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    # ------------------------------------------------------------ bucket

    def ping(self) -> None:
        """Raise StorageUnavailable/StorageError unless the server answers an authenticated call."""
        with self._s3("ping"):
            self.client.bucket_exists(bucket_name=self.bucket)

    def ensure_bucket(self) -> None:
        """Create the bucket if absent and enable versioning (needed to undo overwrites, and so
        that erasure must remove every version: see :meth:`delete_prefix`)."""
        with self._s3("ensure_bucket"):
            if not self.client.bucket_exists(bucket_name=self.bucket):
                try:
                    self.client.make_bucket(bucket_name=self.bucket, location=self.settings.s3_region)
                except S3Error as exc:  # another process won the race: fine
                    if exc.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                        raise
            if self.client.get_bucket_versioning(bucket_name=self.bucket).status != ENABLED:
                self.client.set_bucket_versioning(bucket_name=self.bucket, config=VersioningConfig(ENABLED))

    # ------------------------------------------------------------ keys

    def recording_key(self, recording_id: str, extension: str) -> str:
        ext = extension.lower() if extension.startswith(".") else f".{extension.lower()}"
        return f"{self.settings.recordings_prefix}{_check_id(recording_id, 'recording id')}{ext}"

    def metadata_key(self, recording_id: str) -> str:
        return f"{self.settings.metadata_prefix}{_check_id(recording_id, 'recording id')}-metadata.json"

    def artifact_key(self, meeting_id: str, name: str) -> str:
        return f"{self.settings.artifacts_prefix}{_check_id(meeting_id, 'meeting id')}/{_check_name(name)}"

    def restricted_key(self, meeting_id: str, name: str) -> str:
        return f"{self.settings.restricted_prefix}{_check_id(meeting_id, 'meeting id')}/{_check_name(name)}"

    def quarantine_key(self, recording_id: str) -> str:
        return f"{self.settings.quarantine_prefix}{_check_id(recording_id, 'recording id')}.json"

    def ledger_key(self, recording_id: str) -> str:
        return f"{self.settings.ledger_prefix}{_check_id(recording_id, 'recording id')}.json"

    def lease_key(self, recording_id: str) -> str:
        return f"{self.settings.leases_prefix}{_check_id(recording_id, 'recording id')}.json"

    # ------------------------------------------------------------ Visio recordings

    def list_recordings(self, since: datetime | None = None, until: datetime | None = None) -> list[RecordingRef]:
        """Recordings under ``recordings/`` (any depth), oldest first.

        ``since`` is inclusive, ``until`` exclusive, both on the object's last-modified time.
        ``metadata_key`` is set when ``metadata/{id}-metadata.json`` exists (one listing of the
        metadata prefix, not one request per recording).
        """
        lo = _as_utc(since) if since else None
        hi = _as_utc(until) if until else None
        with self._s3("list_recordings", self.settings.recordings_prefix):
            metadata_keys = {
                obj.object_name
                for obj in self.client.list_objects(
                    bucket_name=self.bucket, prefix=self.settings.metadata_prefix, recursive=True
                )
                if obj.object_name and not obj.is_dir
            }
            objects = list(
                self.client.list_objects(
                    bucket_name=self.bucket, prefix=self.settings.recordings_prefix, recursive=True
                )
            )
        by_id: dict[str, RecordingRef] = {}
        for obj in objects:
            name = obj.object_name
            if not name or obj.is_dir:
                continue
            path = PurePosixPath(name)
            if path.suffix.lower() not in RECORDING_EXTENSIONS or not path.stem:
                continue
            modified = _as_utc(obj.last_modified) if obj.last_modified else None
            if modified is not None and ((lo and modified < lo) or (hi and modified >= hi)):
                continue
            recording_id = path.stem
            meta_key = f"{self.settings.metadata_prefix}{recording_id}-metadata.json"
            ref = RecordingRef(
                recording_id=recording_id,
                key=name,
                etag=_strip_etag(obj.etag),
                size=obj.size or 0,
                last_modified=modified,
                metadata_key=meta_key if meta_key in metadata_keys else None,
            )
            # The platform writes one file per recording; if someone left two (x.ogg and x.mp4),
            # keep the newest so that the recording id stays unique downstream.
            previous = by_id.get(recording_id)
            if previous is not None:
                log.warning(
                    "two recordings share the id %r (%s, %s): keeping the newest",
                    recording_id,
                    previous.key,
                    ref.key,
                )
                if _newest_first_key(previous) > _newest_first_key(ref):
                    continue
            by_id[recording_id] = ref
        return sorted(by_id.values(), key=lambda r: (r.last_modified or _EPOCH, r.recording_id))

    def download_recording(self, ref: RecordingRef, dest_dir: Path | str) -> Path:
        """Stream the recording to ``dest_dir/<file name>``; the final path appears only when
        complete (temporary file in the same directory, fsync, rename). The file is created
        with mode 0600 (it holds personal data).

        Raises ObjectChanged when the object's ETag is no longer ``ref.etag`` (it was replaced
        since listing: processing it under the old ETag would corrupt the ledger).
        """
        dest = Path(dest_dir)
        dest.mkdir(parents=True, exist_ok=True)
        final = dest / PurePosixPath(ref.key).name
        fd, tmp_name = tempfile.mkstemp(dir=dest, prefix=f".{final.name}.", suffix=".part")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out, self._s3("download_recording", ref.key):
                response = self.client.get_object(bucket_name=self.bucket, object_name=ref.key)
                try:
                    etag = _strip_etag(response.headers.get("ETag"))
                    if ref.etag and etag and etag != ref.etag:
                        raise ObjectChanged(
                            f"s3://{self.bucket}/{ref.key} changed since it was listed "
                            f"(ETag {ref.etag} -> {etag}); list the recordings again"
                        )
                    expected = int(response.headers.get("Content-Length") or -1)
                    written = 0
                    for chunk in response.stream(_CHUNK):
                        out.write(chunk)
                        written += len(chunk)
                finally:
                    response.close()
                    response.release_conn()
                if expected >= 0 and written != expected:
                    raise StorageUnavailable(
                        f"download of s3://{self.bucket}/{ref.key} stopped at {written} of {expected} bytes"
                    )
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, final)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        return final

    def read_metadata(self, recording_id: str) -> MeetingMetadata | None:
        """The room agent's metadata, or None when the recording has none (it is optional:
        the pipeline then names speakers "Intervenant N")."""
        key = self.metadata_key(recording_id)
        try:
            raw = self.get_bytes(key)
        except ObjectNotFound:
            return None
        try:
            text = _decode_json_bytes(raw)
        except UnicodeDecodeError as exc:
            raise MetadataError(
                f"metadata for recording {recording_id!r} ({key}) is not UTF-8 text "
                f"(byte 0x{raw[exc.start]:02x} at offset {exc.start}; re-save it as UTF-8)",
                recording_id,
                key,
            ) from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MetadataError(
                f"metadata for recording {recording_id!r} ({key}) is not valid JSON: "
                f"{exc.msg} at line {exc.lineno} column {exc.colno}",
                recording_id,
                key,
            ) from exc
        if not isinstance(data, dict):
            raise MetadataError(
                f"metadata for recording {recording_id!r} ({key}) must be a JSON object, got {type(data).__name__}",
                recording_id,
                key,
            )
        try:
            return MeetingMetadata.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in exc.errors()[:5]
            )
            more = f" (+{exc.error_count() - 5} more)" if exc.error_count() > 5 else ""
            raise MetadataError(
                f"metadata for recording {recording_id!r} ({key}) does not match the Visio format: {problems}{more}",
                recording_id,
                key,
            ) from exc

    def recording_user_metadata(self, ref: RecordingRef) -> dict[str, str]:
        """The object's user metadata (``x-amz-meta-*``), keys lower-cased without the prefix,
        e.g. ``{"recording-started-at": "2026-03-02T09:00:00+00:00"}``."""
        with self._s3("recording_user_metadata", ref.key):
            stat = self.client.stat_object(bucket_name=self.bucket, object_name=ref.key)
        headers = stat.metadata or {}
        return {
            k.lower()[len(_USER_META_PREFIX) :]: str(v)
            for k, v in headers.items()
            if k.lower().startswith(_USER_META_PREFIX)
        }

    def recording_started_at(self, ref: RecordingRef) -> datetime | None:
        """``recording-started-at`` parsed as an aware datetime; None when absent or unreadable."""
        value = self.recording_user_metadata(ref).get(STARTED_AT_META)
        if not value:
            return None
        try:
            return _as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            log.warning("recording %s has an unreadable %s: %r", ref.key, STARTED_AT_META, value)
            return None

    def put_recording(
        self,
        path: Path | str,
        recording_id: str,
        metadata: Path | str | None = None,
        started_at: datetime | None = None,
    ) -> RecordingRef:
        """Upload a recording the way the platform lays it out (operators, demos, tests).

        The metadata JSON (uploaded as-is, even if malformed, so that bad inputs can be
        reproduced) goes up FIRST: a poller that sees the recording then always sees its metadata.
        """
        src = Path(path)
        ext = src.suffix.lower()
        if ext not in RECORDING_CONTENT_TYPES:
            raise ValueError(
                f"{src.name}: unsupported recording type {ext!r} "
                f"(expected one of {', '.join(sorted(RECORDING_EXTENSIONS))})"
            )
        key = self.recording_key(recording_id, ext)
        if metadata is not None:
            self.put_artifact(self.metadata_key(recording_id), Path(metadata), "application/json")
        user_meta = {STARTED_AT_META: _as_utc(started_at).isoformat()} if started_at else None
        with self._s3("put_recording", key):
            result = self.client.fput_object(
                bucket_name=self.bucket,
                object_name=key,
                file_path=str(src),
                content_type=RECORDING_CONTENT_TYPES[ext],
                metadata=user_meta,  # type: ignore[arg-type]  # SDK's alias is too narrow for mypy
                part_size=PART_SIZE,
            )
            stat = self.client.stat_object(bucket_name=self.bucket, object_name=key)
        return RecordingRef(
            recording_id=recording_id,
            key=key,
            etag=_strip_etag(result.etag),
            size=stat.size or src.stat().st_size,
            last_modified=_as_utc(stat.last_modified) if stat.last_modified else None,
            metadata_key=self.metadata_key(recording_id) if metadata is not None else None,
        )

    # ------------------------------------------------------------ generic objects

    def put_artifact(
        self,
        key: str,
        data: bytes | Path,
        content_type: str = "application/octet-stream",
        metadata: dict[str, str] | None = None,
    ) -> str:
        """Write one object atomically (see the module docstring); returns its ETag."""
        with self._s3("put", key):
            if isinstance(data, Path):
                result = self.client.fput_object(
                    bucket_name=self.bucket,
                    object_name=key,
                    file_path=str(data),
                    content_type=content_type,
                    metadata=metadata,  # type: ignore[arg-type]
                    part_size=PART_SIZE,
                )
            else:
                result = self.client.put_object(
                    bucket_name=self.bucket,
                    object_name=key,
                    data=io.BytesIO(data),
                    length=len(data),
                    content_type=content_type,
                    metadata=metadata,  # type: ignore[arg-type]
                    part_size=PART_SIZE,
                )
        return _strip_etag(result.etag)

    def put_json(self, key: str, value: BaseModel | dict[str, Any] | list[Any]) -> str:
        """Serialise a pydantic model or plain JSON data (datetimes welcome) and put it."""
        # model_dump_json for models (honours their serializers), pydantic's to_json for plain
        # data because it handles datetimes, UUIDs and Paths that json.dumps rejects.
        payload = value.model_dump_json().encode() if isinstance(value, BaseModel) else to_json(value)
        return self.put_artifact(key, payload, "application/json")

    def get_bytes(self, key: str, version_id: str | None = None) -> bytes:
        """Whole object in memory (for JSON and small artifacts; use download_recording for
        recordings). Raises ObjectNotFound."""
        with self._s3("get", key):
            response = self.client.get_object(bucket_name=self.bucket, object_name=key, version_id=version_id)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()

    @overload
    def get_json(self, key: str) -> Any: ...
    @overload
    def get_json(self, key: str, model: type[ModelT]) -> ModelT: ...

    def get_json(self, key: str, model: type[ModelT] | None = None) -> Any:
        """Parse a JSON object we wrote; with ``model``, validate into it. Raises ObjectNotFound,
        and StorageError when the object is not valid JSON / not the model."""
        raw = self.get_bytes(key)
        try:
            if model is not None:
                return model.model_validate_json(raw)
            return json.loads(_decode_json_bytes(raw))
        except (ValueError, ValidationError) as exc:  # JSONDecodeError, UnicodeDecodeError
            raise StorageError(f"s3://{self.bucket}/{key} is not the expected JSON: {exc}") from exc

    # ---- archive-ui (issue 12): object metadata and ranged reads, so readers get the error translation
    def stat(self, key: str) -> ObjectInfo:
        """Size, content type, ETag and date of one object. Raises ObjectNotFound."""
        with self._s3("stat", key):
            st = self.client.stat_object(bucket_name=self.bucket, object_name=key)
        return ObjectInfo(
            key=key,
            size=int(st.size or 0),
            content_type=st.content_type or "application/octet-stream",
            etag=_strip_etag(st.etag),
            last_modified=_as_utc(st.last_modified) if st.last_modified else None,
        )

    def read_range(self, key: str, offset: int, length: int, chunk: int = 64 * 1024) -> Iterator[bytes]:
        """``length`` bytes of an object from ``offset``, streamed in chunks (HTTP Range answers).
        The request is made before the first chunk is yielded, so errors surface at the first
        ``next()``; every error is translated like the other calls."""
        with self._s3("get range", key):
            response = self.client.get_object(bucket_name=self.bucket, object_name=key, offset=offset,
                                              length=length)
        try:
            with self._s3("get range", key):
                yield from response.stream(chunk)
        finally:
            response.close()
            response.release_conn()

    # ---- end archive-ui

    def exists(self, key: str) -> bool:
        try:
            with self._s3("exists", key):
                self.client.stat_object(bucket_name=self.bucket, object_name=key)
        except ObjectNotFound:
            return False
        return True

    def list_keys(self, prefix: str) -> list[str]:
        """Current (non-deleted) object keys under ``prefix``, sorted."""
        with self._s3("list", prefix):
            return sorted(
                obj.object_name
                for obj in self.client.list_objects(bucket_name=self.bucket, prefix=prefix, recursive=True)
                if obj.object_name and not obj.is_dir
            )

    def delete(self, key: str, all_versions: bool = False) -> int:
        """Delete one key. With ``all_versions`` every stored version and delete marker goes too
        (erasure); otherwise a versioned bucket just records a delete marker. Returns the number
        of versions removed (0 when nothing was there)."""
        if not all_versions:
            existed = self.exists(key)
            with self._s3("delete", key):
                self.client.remove_object(bucket_name=self.bucket, object_name=key)
            return int(existed)
        return self._delete_versions(key, exact=True)

    def delete_prefix(self, prefix: str, all_versions: bool = True) -> int:
        """Delete everything under ``prefix``; by default every version too, because erasure of
        personal data must not leave older versions behind in a versioned bucket. Returns the
        number of object versions (or, without ``all_versions``, objects) removed."""
        if not prefix or not prefix.strip("/"):
            raise ValueError("delete_prefix refuses an empty prefix (it would empty the bucket)")
        if not all_versions:
            keys = self.list_keys(prefix)
            self._remove([DeleteObject(k) for k in keys], prefix)
            return len(keys)
        return self._delete_versions(prefix, exact=False)

    def _delete_versions(self, prefix: str, exact: bool) -> int:
        with self._s3("list versions", prefix):
            targets = [
                DeleteObject(obj.object_name, obj.version_id)
                for obj in self.client.list_objects(
                    bucket_name=self.bucket, prefix=prefix, recursive=True, include_version=True
                )
                if obj.object_name and not obj.is_dir and (not exact or obj.object_name == prefix)
            ]
        self._remove(targets, prefix)
        return len(targets)

    def _remove(self, targets: list[DeleteObject], what: str) -> None:
        if not targets:
            return
        with self._s3("delete", what):
            # remove_objects is lazy: the requests happen while iterating its error stream.
            errors = list(self.client.remove_objects(bucket_name=self.bucket, delete_object_list=targets))
        if errors:
            first = errors[0]
            raise StorageError(
                f"could not delete {len(errors)} of {len(targets)} object versions under "
                f"s3://{self.bucket}/{what}; first: {first.name}: {first.code} {first.message}"
            )

    def presign_get(self, key: str, expires: timedelta = timedelta(hours=1)) -> str:
        """A URL anyone can GET until ``expires`` (at most 7 days, the SigV4 limit)."""
        if not timedelta(seconds=1) <= expires <= timedelta(days=7):
            raise ValueError("presigned URLs last between 1 second and 7 days")
        with self._s3("presign", key):
            return self.client.presigned_get_object(bucket_name=self.bucket, object_name=key, expires=expires)

    # ------------------------------------------------------------ ledger

    def ledger_get(self, recording_id: str) -> LedgerEntry | None:
        try:
            return self.get_json(self.ledger_key(recording_id), LedgerEntry)
        except ObjectNotFound:
            return None

    def ledger_mark_done(self, entry: LedgerEntry) -> None:
        """Record a recording as processed. Written last, after all its artifacts, so that a
        crash mid-way leaves the recording "not done" and it is simply processed again."""
        self.put_json(self.ledger_key(entry.recording_id), entry)

    def ledger_delete(self, recording_id: str) -> None:
        """Forget a recording (it will be processed again). Older ledger versions stay unless
        the ledger prefix is erased with delete_prefix."""
        self.delete(self.ledger_key(recording_id))

    def ledger_all(self) -> list[LedgerEntry]:
        """Every ledger entry, sorted by recording id (unreadable entries are logged and skipped)."""
        return self._read_all(self.settings.ledger_prefix, LedgerEntry)

    def is_done(self, ref: RecordingRef) -> bool:
        """Done AND the same content: a recording re-uploaded under the same id has a new ETag."""
        entry = self.ledger_get(ref.recording_id)
        return entry is not None and entry.status == "done" and entry.etag == ref.etag

    # ------------------------------------------------------------ conditional writes and leases

    def _put_conditional(self, key: str, data: bytes, condition: dict[str, str], content_type: str) -> str | None:
        # The SDK's put_object has no way to send If-None-Match/If-Match (it would turn them into
        # x-amz-meta-* user metadata): its single-PUT primitive takes raw headers.
        with self._s3("conditional put", key):
            try:
                result = self.client._put_object(
                    self.bucket, key, data, headers={"Content-Type": content_type, **condition}
                )
            except S3Error as exc:
                # 412: the condition failed; 409: a concurrent conditional write (AWS); NoSuchKey:
                # If-Match on a key that is gone. All mean "someone else's object, not written".
                if exc.code in {"PreconditionFailed", "ConditionalRequestConflict", *_NOT_FOUND_CODES}:
                    return None
                status = getattr(exc.response, "status", 0) or 0
                if status in (409, 412):
                    return None
                raise
        return _strip_etag(result.etag)

    def put_if_absent(self, key: str, data: bytes, content_type: str = "application/json") -> str | None:
        """PUT with ``If-None-Match: *``; the new ETag, or None when the key already exists.

        Atomic on AWS S3. versitygw v1.7.0 checks the condition when the request arrives and
        links the object in place when the body is stored: two writers racing on an absent key can
        both succeed (the last one wins). Callers that need one winner read the key back after a
        pause (``visio_archive.leases``)."""
        return self._put_conditional(key, data, {"If-None-Match": "*"}, content_type)

    def put_if_match(self, key: str, data: bytes, etag: str, content_type: str = "application/json") -> str | None:
        """PUT with ``If-Match: etag``; the new ETag, or None when the object changed or is gone."""
        return self._put_conditional(key, data, {"If-Match": etag}, content_type)

    def get_with_etag(self, key: str) -> tuple[bytes, str] | None:
        """The current object and its ETag (one request), or None when it does not exist."""
        try:
            with self._s3("get", key):
                response = self.client.get_object(bucket_name=self.bucket, object_name=key)
                try:
                    return response.read(), _strip_etag(response.headers.get("ETag"))
                finally:
                    response.close()
                    response.release_conn()
        except ObjectNotFound:
            return None

    def lease_get(self, recording_id: str) -> tuple[LeaseRecord | None, str] | None:
        """The lease on a recording and its object ETag; None when there is none. The record is
        None (with the ETag) when the object is unreadable: callers treat that as a stale lease."""
        found = self.get_with_etag(self.lease_key(recording_id))
        if found is None:
            return None
        raw, etag = found
        try:
            return LeaseRecord.model_validate_json(raw), etag
        except ValidationError:
            log.warning("unreadable lease %s: treated as stale", self.lease_key(recording_id))
            return None, etag

    def lease_delete(self, recording_id: str) -> int:
        """Drop a lease, every version of it (renewals leave one each in a versioned bucket)."""
        return self.delete(self.lease_key(recording_id), all_versions=True)

    def leases_all(self) -> list[LeaseRecord]:
        """Every readable lease (held, or left by a process that died), sorted by recording id."""
        return self._read_all(self.settings.leases_prefix, LeaseRecord)

    # ------------------------------------------------------------ quarantine

    def quarantine(self, record: QuarantineRecord) -> None:
        # Keep messages bounded: some exceptions embed whole transcripts or payloads.
        if len(record.message) > 4000:
            record = record.model_copy(update={"message": record.message[:4000] + " […]"})
        self.put_json(self.quarantine_key(record.recording_id), record)

    def quarantine_get(self, recording_id: str) -> QuarantineRecord | None:
        try:
            return self.get_json(self.quarantine_key(recording_id), QuarantineRecord)
        except ObjectNotFound:
            return None

    def quarantine_list(self) -> list[QuarantineRecord]:
        """Every quarantined recording, sorted by id (unreadable records are logged and skipped)."""
        return self._read_all(self.settings.quarantine_prefix, QuarantineRecord)

    def _read_all(self, prefix: str, model: type[ModelT]) -> list[ModelT]:
        # One damaged object (or one deleted between listing and reading) must not hide all the
        # others from the pipeline or the operator.
        items: list[ModelT] = []
        for key in self.list_keys(prefix):
            if not key.endswith(".json"):
                continue
            try:
                items.append(self.get_json(key, model))
            except ObjectNotFound:
                continue
            except StorageUnavailable:
                raise
            except StorageError as exc:
                log.warning("skipping unreadable %s: %s", key, exc)
        return items

    def is_quarantined(self, ref: RecordingRef) -> bool:
        """Quarantined for this very content (a re-upload with a new ETag gets another try)."""
        record = self.quarantine_get(ref.recording_id)
        return record is not None and record.etag == ref.etag

    def requeue(self, recording_id: str) -> bool:
        """Release a recording from quarantine (the next run picks it up). Returns whether it
        was quarantined."""
        return self.delete(self.quarantine_key(recording_id)) > 0
