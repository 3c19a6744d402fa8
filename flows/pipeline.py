"""The nightly pipeline: new Visio recordings in S3 become redacted, speaker-named, searchable meetings.

Flows only orchestrate; every stage is a plain function of ``visio_archive``.

Guarantees, whatever fails:
- A recording is marked done in the ledger only after all of its artifacts and index documents are
  written (``mark_done`` is the last step). A crash anywhere before leaves it "not done", and the next
  run redoes it; every write on the way is an idempotent overwrite (fixed S3 keys, deterministic
  document ids), so redoing never duplicates.
- Transient faults (S3 or OpenSearch unreachable, timeouts) are retried with exponential backoff.
  Bad input (audio errors, unreadable metadata) is never retried: it goes to ``quarantine/{id}.json``
  with the stage and a readable reason, and later nights skip it until ``visio-archive requeue ID``.
- The full transcript is checkpointed to the restricted prefix right after speech processing, keyed
  by the recording's ETag, so a rerun after a crash in redaction or indexing skips the expensive
  speech stage.
"""

from __future__ import annotations

import os
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.concurrency.sync import concurrency
from prefect.futures import wait
from prefect.states import State
from prefect.tasks import exponential_backoff

from visio_archive import archive
from visio_archive.models import MeetingMetadata, RecordingRef, Transcript
from visio_archive.settings import Settings, get_settings

CONCURRENCY_LIMIT_NAME = "visio-archive-recordings"


# ---------------------------------------------------------------- fault classification


def transient_errors() -> tuple[type[BaseException], ...]:
    """Exceptions worth a retry: the service may answer next time."""
    from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
    from opensearchpy.exceptions import ConnectionTimeout

    from visio_archive.storage import StorageUnavailable

    return (StorageUnavailable, OpenSearchConnectionError, ConnectionTimeout, TimeoutError, ConnectionError)


def bad_input_errors() -> tuple[type[BaseException], ...]:
    """Exceptions that say the recording itself is bad: quarantine, never retry."""
    from visio_archive.audio import AudioError
    from visio_archive.storage import MetadataError

    return (AudioError, MetadataError)


def _retry_only_transient(task: Any, task_run: Any, state: State) -> bool:
    try:
        state.result()
    except transient_errors():
        return True
    except Exception:
        return False
    return False


def _io_task_options(settings: Settings) -> dict[str, Any]:
    return {
        "retries": settings.retry_attempts,
        "retry_delay_seconds": exponential_backoff(backoff_factor=settings.retry_base_delay),
        "retry_jitter_factor": 0.2,
        "retry_condition_fn": _retry_only_transient,
    }


def fault_point(name: str) -> None:
    """Crash here on purpose when VISIO_FAULT_POINT names this point (fault-injection tests only)."""
    if os.environ.get("VISIO_FAULT_POINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


# ---------------------------------------------------------------- stages as tasks


@task(name="fetch")
def fetch(ref: RecordingRef, workdir: str) -> tuple[Path, MeetingMetadata | None, dict[str, str]]:
    from visio_archive.storage import Storage

    storage = Storage.from_settings(get_settings())
    metadata = storage.read_metadata(ref.recording_id)  # MetadataError -> quarantine
    user_metadata = storage.recording_user_metadata(ref)
    path = storage.download_recording(ref, Path(workdir))
    return path, metadata, user_metadata


@task(name="load-checkpoint")
def load_checkpoint(ref: RecordingRef) -> Transcript | None:
    """The full transcript of an earlier run on the same recording content, if one was saved."""
    from visio_archive.storage import Storage

    settings = get_settings()
    storage = Storage.from_settings(settings)
    key = storage.restricted_key(ref.recording_id, archive.CHECKPOINT)
    if not storage.exists(key):
        return None
    checkpoint = archive.Checkpoint.model_validate_json(storage.get_bytes(key))
    return checkpoint.transcript if checkpoint.etag == ref.etag else None


@task(name="speech")
def speech(
    ref: RecordingRef, audio_path: Path, metadata: MeetingMetadata | None, user_metadata: dict[str, str]
) -> Transcript:
    from visio_archive.naming import resolve_recording_start
    from visio_archive.speech import transcribe_recording

    settings = get_settings()
    transcript = transcribe_recording(
        audio_path,
        meeting_id=ref.recording_id,
        metadata=metadata,
        language=settings.language,
        settings=settings,
        recording_started_at=resolve_recording_start(metadata, user_metadata),
    )
    if metadata is not None and metadata.title and not transcript.title:
        transcript.title = metadata.title
    return transcript


@task(name="save-checkpoint")
def save_checkpoint(ref: RecordingRef, transcript: Transcript) -> None:
    from visio_archive.storage import Storage

    settings = get_settings()
    storage = Storage.from_settings(settings)
    checkpoint = archive.Checkpoint(etag=ref.etag, transcript=transcript)
    storage.put_artifact(
        storage.restricted_key(ref.recording_id, archive.CHECKPOINT),
        checkpoint.model_dump_json().encode(),
        "application/json",
    )


@task(name="redact")
def redact(transcript: Transcript, audio_path: Path, workdir: str) -> tuple[Any, bytes, Path]:
    from visio_archive.redaction import bleep_audio, redact_transcript

    settings = get_settings()
    redacted, mapping = redact_transcript(transcript, settings=settings)
    for segment in redacted.segments:
        if segment.index < len(transcript.segments):
            segment.flagged = transcript.segments[segment.index].flagged
    intervals = [interval for segment in redacted.segments for interval in segment.redacted_intervals]
    audio_out = Path(workdir) / "audio.redacted.ogg"
    bleep_audio(audio_path, intervals, audio_out)
    return redacted, mapping, audio_out


@task(name="persist")
def persist(
    ref: RecordingRef, transcript: Transcript, redacted: Any, mapping: bytes, redacted_audio: Path
) -> list[str]:
    from visio_archive.storage import Storage

    settings = get_settings()
    storage = Storage.from_settings(settings)
    previous = archive.read_info(storage, ref.recording_id)
    info = archive.MeetingInfo(
        meeting_id=ref.recording_id,
        recording_key=ref.key,
        etag=ref.etag,
        series=previous.series if previous else None,
        legal_hold=previous.legal_hold if previous else False,
        processed_at=datetime.now(UTC),
    )
    return archive.write_artifacts(
        storage,
        transcript=transcript,
        redacted=redacted,
        mapping=mapping,
        redacted_audio=redacted_audio,
        info=info,
    )


@task(name="index")
def index_meeting(ref: RecordingRef, redacted: Any) -> int:
    from visio_archive import index
    from visio_archive.documents import build_documents
    from visio_archive.storage import Storage

    settings = get_settings()
    info = archive.read_info(Storage.from_settings(settings), ref.recording_id)
    meeting, segments = build_documents(
        redacted,
        series=info.series if info else None,
        legal_hold=info.legal_hold if info else False,
        etag=ref.etag,
    )
    client = index.client_from_settings(settings)
    index.ensure_indices(client, settings.index_prefix)
    fault_point("index:before")
    index.index_meeting(client, settings.index_prefix, meeting, segments)
    fault_point("index:after")
    return len(segments)


@task(name="mark-done")
def mark_done(ref: RecordingRef, artifacts: list[str], segment_count: int) -> None:
    from visio_archive.storage import LedgerEntry, Storage

    storage = Storage.from_settings(get_settings())
    storage.ledger_mark_done(
        LedgerEntry(
            recording_id=ref.recording_id,
            etag=ref.etag,
            status="done",
            processed_at=datetime.now(UTC),
            artifacts=artifacts,
            segment_count=segment_count,
        )
    )


@task(name="quarantine")
def quarantine(ref: RecordingRef, stage: str, error: BaseException, workdir: str) -> None:
    from visio_archive.storage import QuarantineRecord, Storage

    storage = Storage.from_settings(get_settings())
    # Name the recording as the operator knows it (its S3 key), not by our temporary copy.
    message = str(error).replace(str(Path(workdir) / Path(ref.key).name), f"s3://{storage.bucket}/{ref.key}")
    storage.quarantine(
        QuarantineRecord(
            recording_id=ref.recording_id,
            etag=ref.etag,
            stage=stage,
            error_type=type(error).__name__,
            message=message,
            at=datetime.now(UTC),
        )
    )


# ---------------------------------------------------------------- flows


@flow(name="process-recording", flow_run_name="process-{ref.recording_id}")
def process_recording(ref: RecordingRef) -> str:
    """One recording, from S3 to the index. Returns "done" or "quarantined"."""
    settings = get_settings()
    logger = get_run_logger()
    io = _io_task_options(settings)
    with (
        recording_slots(),
        tempfile.TemporaryDirectory(prefix=f"visio-{ref.recording_id}-") as workdir,
    ):
        stage = "fetch"
        try:
            audio_path, metadata, user_metadata = fetch.with_options(**io)(ref, workdir)
            stage = "speech"
            transcript = load_checkpoint.with_options(**io)(ref)
            if transcript is None:
                transcript = speech(ref, audio_path, metadata, user_metadata)
                save_checkpoint.with_options(**io)(ref, transcript)
            else:
                logger.info("%s: reusing the transcript checkpoint of a previous run", ref.recording_id)
        except bad_input_errors() as error:
            logger.warning("%s: quarantined at %s: %s", ref.recording_id, stage, error)
            quarantine.with_options(**io)(ref, stage, error, workdir)
            return "quarantined"
        redacted, mapping, redacted_audio = redact(transcript, audio_path, workdir)
        artifacts = persist.with_options(**io)(ref, transcript, redacted, mapping, redacted_audio)
        segment_count = index_meeting.with_options(**io)(ref, redacted)
        mark_done.with_options(**io)(ref, artifacts, segment_count)
    logger.info("%s: done (%d segments indexed)", ref.recording_id, segment_count)
    return "done"


class RecordingsFailed(RuntimeError):
    """Some recordings failed (not bad input: those are quarantined); the run is marked failed.

    ``summary`` is what the run returns otherwise, so that callers can still report each outcome.
    """

    def __init__(self, summary: dict[str, Any]) -> None:
        failed = [rid for rid, outcome in summary["processed"].items() if outcome.startswith("failed")]
        super().__init__(f"{len(failed)} recording(s) failed and will be retried next run: {', '.join(failed)}")
        self.summary = summary


@task(name="find-pending")
def find_pending(since: datetime | None = None, until: datetime | None = None) -> tuple[list[RecordingRef], int, int]:
    return pending_recordings(get_settings(), since=since, until=until)


def pending_recordings(
    settings: Settings, since: datetime | None = None, until: datetime | None = None
) -> tuple[list[RecordingRef], int, int]:
    """Recordings not yet done (for their current ETag) and not quarantined; plus skip counts."""
    from visio_archive.storage import Storage

    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    quarantined = {record.recording_id for record in storage.quarantine_list()}
    pending: list[RecordingRef] = []
    done = skipped = 0
    for ref in storage.list_recordings(since=since, until=until):
        if ref.recording_id in quarantined:
            skipped += 1
        elif storage.is_done(ref):
            done += 1
        else:
            pending.append(ref)
    return pending, done, skipped


def _shared_server() -> bool:
    """True when flows talk to a configured Prefect server (not the embedded, per-process one)."""
    from prefect.settings import PREFECT_API_URL

    return bool(PREFECT_API_URL.value())


@contextmanager
def recording_slots(occupy: int = 1) -> Iterator[None]:
    """Hold slots of the shared limit: one while a recording is processed, all of them while the
    index is rebuilt (a meeting indexed into the old index during a rebuild would vanish at the swap).

    Only against a configured server: there, several workers share the limit, and the server
    takes back the slot of a worker that died (its lease expires). Prefect's embedded server runs
    none of its background services, so a slot held by a killed process would never come back
    and block every later run; within one process, ``max_concurrent_recordings`` already bounds
    the work (see ``_run_all``).
    """
    if not _shared_server():
        yield
        return
    with concurrency(CONCURRENCY_LIMIT_NAME, occupy=occupy):
        yield


def _ensure_concurrency_limit(settings: Settings) -> None:
    """The limit lives on the Prefect server, so workers on several machines share it."""
    from prefect.client.orchestration import get_client

    if not _shared_server():
        return
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(CONCURRENCY_LIMIT_NAME, settings.max_concurrent_recordings)


def _run_all(refs: list[RecordingRef], settings: Settings) -> dict[str, str]:
    _ensure_concurrency_limit(settings)
    results: dict[str, str] = {}
    if settings.max_concurrent_recordings <= 1:
        for ref in refs:
            results[ref.recording_id] = _outcome(ref)
        return results
    run_subflow = _subflow_task.with_options(task_run_name=None)
    futures = {ref.recording_id: run_subflow.submit(ref) for ref in refs}
    wait(list(futures.values()))
    for recording_id, future in futures.items():
        try:
            results[recording_id] = future.result()
        except Exception as error:
            results[recording_id] = f"failed: {type(error).__name__}: {error}"
    return results


def _outcome(ref: RecordingRef) -> str:
    try:
        return process_recording(ref)
    except Exception as error:  # one recording's failure must not stop the night
        return f"failed: {type(error).__name__}: {error}"


@task(name="recording")
def _subflow_task(ref: RecordingRef) -> str:
    return process_recording(ref)


def _run_night(since: datetime | None, until: datetime | None) -> dict[str, Any]:
    settings = get_settings()
    # Listing gets the same retries as any S3 call: one blip at 02:00 must not lose the night.
    pending, done, skipped = find_pending.with_options(**_io_task_options(settings))(since, until)
    window = "" if since is None and until is None else f" (last modified {since or '…'} .. {until or '…'})"
    print(f"{len(pending)} new recording(s){window}; {done} already done; {skipped} quarantined")
    processed = _run_all(pending, settings)
    summary: dict[str, Any] = {"processed": processed, "already_done": done, "quarantined_skipped": skipped}
    if any(outcome.startswith("failed") for outcome in processed.values()):
        raise RecordingsFailed(summary)
    return summary


@flow(name="nightly", log_prints=True)
def nightly() -> dict[str, Any]:
    """Find recordings not processed yet and process each one.

    Returns ``{"processed": {id: "done" | "quarantined"}, "already_done": n, "quarantined_skipped": n}``;
    raises ``RecordingsFailed`` (carrying the same summary) when a recording failed for another reason.
    """
    return _run_night(None, None)


@flow(name="backfill", log_prints=True)
def backfill(since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """Process the recordings last modified between ``since`` and ``until`` that are not done yet."""
    return _run_night(since, until)
