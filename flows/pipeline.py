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
- A recording is claimed (a lease in S3, ``visio_archive.leases``) before any work, so two runs on
  two workers never process it at once; a holder that died loses its claim and the next run or a
  retry takes the recording over. The ledger entry names the host, process, worker and flow run.

Fan-out: with a Prefect server configured (PREFECT_API_URL) that has the ``process-recording``
deployment, nightly and backfill create one flow run of that deployment per pending recording,
which any worker of the pool picks up, and wait for them (``fanout_timeout``); the global
concurrency limit bounds the recordings in flight across all workers. Without a server (Prefect's
embedded one), or with ``VISIO_FANOUT=local``, they run every recording in their own process.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.concurrency.sync import concurrency
from prefect.futures import wait
from prefect.states import Completed, State
from prefect.tasks import exponential_backoff

from visio_archive import archive
from visio_archive.models import MeetingMetadata, RecordingRef, Transcript
from visio_archive.settings import Settings, get_settings

if TYPE_CHECKING:
    from visio_archive.leases import Lease

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
def redact(
    transcript: Transcript, audio_path: Path, workdir: str, ref: RecordingRef | None = None
) -> tuple[Any, bytes, Path]:
    from visio_archive.redaction import bleep_audio, redact_transcript
    from visio_archive.storage import Storage

    settings = get_settings()
    # The series a records officer gave the meeting is shown to viewers: redacted like the text.
    info = archive.read_info(Storage.from_settings(settings), ref.recording_id) if ref is not None else None
    redacted, mapping = redact_transcript(transcript, settings=settings, series=info.series if info else None)
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


@task(name="mark-done", cache_policy=NO_CACHE)  # a Lease (a thread) is no cache key
def mark_done(ref: RecordingRef, artifacts: list[str], segment_count: int, lease: Lease) -> None:
    from visio_archive.storage import LedgerEntry, Storage

    storage = Storage.from_settings(get_settings())
    # The fence: a process that lost its claim (it stalled past the lease, another took over)
    # stops here; what it wrote before is the same as what the new holder writes.
    lease.check()
    holder = lease.record
    storage.ledger_mark_done(
        LedgerEntry(
            recording_id=ref.recording_id,
            etag=ref.etag,
            status="done",
            processed_at=datetime.now(UTC),
            artifacts=artifacts,
            segment_count=segment_count,
            host=holder.host,
            pid=holder.pid,
            worker=holder.worker,
            flow_run_id=holder.flow_run_id,
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


# Outcomes of process_recording, besides "failed: ..." which callers add for an exception.
DONE = "done"
QUARANTINED = "quarantined"
ALREADY_DONE = "already done"  # another run finished it between the listing and our claim
BUSY = "busy"  # another live process holds its lease: it is being processed there


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    run_id = flow_run.get_id()
    return str(run_id) if run_id else None


def _holder_run_ended(record: Any) -> bool:
    """A lease whose flow run the server already marked final (crashed, cancelled...) is stale."""
    if not record.flow_run_id or not _shared_server():
        return False
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    try:
        with get_client(sync_client=True) as client:
            state = client.read_flow_run(record.flow_run_id).state
    except ObjectNotFound:
        return False
    return state is not None and state.is_final()


@task(name="claim", cache_policy=NO_CACHE)
def claim_recording(ref: RecordingRef) -> Lease | None:
    """Wait for (at most one lease period) and take the recording's lease; None when a live process has it."""
    from visio_archive.leases import Holder, claim
    from visio_archive.storage import Storage

    settings = get_settings()
    holder = Holder.this_process(flow_run_id=_flow_run_id())
    return claim(Storage.from_settings(settings), ref, settings, holder=holder, is_stale=_holder_run_ended)


@flow(name="process-recording", flow_run_name="process-{ref.recording_id}")
def process_recording(ref: RecordingRef) -> State:
    """One recording, from S3 to the index: "done", "quarantined", "already done" or "busy".

    The outcome is also the final state's message, so that a run on another worker reports it.
    """
    from visio_archive.storage import Storage

    settings = get_settings()
    logger = get_run_logger()
    io = _io_task_options(settings)
    lease = claim_recording.with_options(**io)(ref)
    if lease is None:
        logger.info("%s: another live process holds its lease; left to it", ref.recording_id)
        return Completed(message=BUSY, data=BUSY)
    with lease:
        storage = Storage.from_settings(settings)
        if storage.is_done(ref):
            return Completed(message=ALREADY_DONE, data=ALREADY_DONE)
        if storage.is_quarantined(ref):
            return Completed(message=QUARANTINED, data=QUARANTINED)
        outcome = _process_claimed(ref, lease, settings)
    return Completed(message=outcome, data=outcome)


def _process_claimed(ref: RecordingRef, lease: Lease, settings: Settings) -> str:
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
            return QUARANTINED
        redacted, mapping, redacted_audio = redact(transcript, audio_path, workdir, ref)
        artifacts = persist.with_options(**io)(ref, transcript, redacted, mapping, redacted_audio)
        segment_count = index_meeting.with_options(**io)(ref, redacted)
        mark_done.with_options(**io)(ref, artifacts, segment_count, lease)
    logger.info("%s: done (%d segments indexed)", ref.recording_id, segment_count)
    return DONE


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
    takes back the slot of a worker that died (its slot lease expires, ``lease_duration``).
    Prefect's embedded server runs none of its background services, so a slot held by a killed
    process would never come back and block every later run; within one process,
    ``max_concurrent_recordings`` already bounds the work (see ``_run_all``).
    """
    if not _shared_server():
        yield
        return
    # A slot lease the server takes back when its holder stops renewing it (a killed worker):
    # as long as a recording lease, but at least the 60 s the server accepts.
    with concurrency(CONCURRENCY_LIMIT_NAME, occupy=occupy, lease_duration=max(60.0, get_settings().lease_seconds)):
        yield


def _ensure_concurrency_limit(settings: Settings) -> None:
    """The limit lives on the Prefect server, so workers on several machines share it."""
    from prefect.client.orchestration import get_client

    if not _shared_server():
        return
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(CONCURRENCY_LIMIT_NAME, settings.max_concurrent_recordings)


PROCESS_DEPLOYMENT = "process-recording/process-recording"
FANOUT_POLL_SECONDS = 2.0
FANOUT_PAGE = 200


def _run_all(refs: list[RecordingRef], settings: Settings) -> dict[str, str]:
    _ensure_concurrency_limit(settings)
    if refs and _fanout_available(settings):
        return _fan_out(refs, settings)
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
        return str(process_recording(ref))
    except Exception as error:  # one recording's failure must not stop the night
        return f"failed: {type(error).__name__}: {error}"


@task(name="recording")
def _subflow_task(ref: RecordingRef) -> str:
    return str(process_recording(ref))


class FanoutUnavailable(RuntimeError):
    """VISIO_FANOUT=deployments, but there is no server or no process-recording deployment on it."""


def _fanout_available(settings: Settings) -> bool:
    """True when the recordings go to the work pool as flow runs of the process-recording deployment."""
    if settings.fanout == "local":
        return False
    if not _shared_server():
        if settings.fanout == "deployments":
            raise FanoutUnavailable("VISIO_FANOUT=deployments needs a Prefect server: set PREFECT_API_URL")
        return False
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_deployment_by_name(PROCESS_DEPLOYMENT)
        except ObjectNotFound:
            if settings.fanout == "deployments":
                raise FanoutUnavailable(
                    f"no {PROCESS_DEPLOYMENT} deployment on the Prefect server: run `visio-archive deploy` "
                    "(or `visio-archive workers up`)"
                ) from None
            get_run_logger().info("no %s deployment on the server: processing here", PROCESS_DEPLOYMENT)
            return False
    return True


def _fan_out(refs: list[RecordingRef], settings: Settings) -> dict[str, str]:
    """One flow run of the process-recording deployment per recording; wait for all (bounded)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.objects import FlowRun, StateType
    from prefect.deployments import run_deployment
    from prefect.states import Cancelled

    logger = get_run_logger()
    parent = _flow_run_id() or "local"
    started = time.monotonic()
    run_ids: dict[str, Any] = {}
    for ref in refs:
        # The idempotency key makes a retried parent find its children instead of doubling them.
        flow_run = run_deployment(
            PROCESS_DEPLOYMENT,
            parameters={"ref": ref.model_dump(mode="json")},
            flow_run_name=f"process-{ref.recording_id}",
            idempotency_key=f"{parent}:{ref.recording_id}:{ref.etag}",
            timeout=0,
            as_subflow=True,
        )
        run_ids[ref.recording_id] = cast(FlowRun, flow_run).id
    logger.info(
        "%d flow run(s) of %s created in %.1fs; waiting up to %.0fs",
        len(run_ids),
        PROCESS_DEPLOYMENT,
        time.monotonic() - started,
        settings.fanout_timeout,
    )
    deadline = started + settings.fanout_timeout
    by_id = {run_id: recording_id for recording_id, run_id in run_ids.items()}
    final: dict[str, Any] = {}
    with get_client(sync_client=True) as client:
        while True:
            pending_ids = [run_id for run_id in by_id if by_id[run_id] not in final]
            for start in range(0, len(pending_ids), FANOUT_PAGE):  # the API serves 200 runs a request
                page = pending_ids[start : start + FANOUT_PAGE]
                for flow_run in client.read_flow_runs(
                    flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=page)), limit=len(page)
                ):
                    if flow_run.state is not None and flow_run.state.is_final():
                        final[by_id[flow_run.id]] = flow_run.state
            if len(final) == len(run_ids) or time.monotonic() > deadline:
                break
            time.sleep(FANOUT_POLL_SECONDS)
        results: dict[str, str] = {}
        for recording_id, run_id in run_ids.items():
            state = final.get(recording_id)
            if state is None:
                current = client.read_flow_run(run_id).state
                if current is not None and current.type in (StateType.SCHEDULED, StateType.PENDING):
                    # Never started (no worker, or all busy): cancelled, the next night creates it again.
                    client.set_flow_run_state(run_id, Cancelled(message="not started within the fan-out wait"))
                    results[recording_id] = f"failed: not started within {settings.fanout_timeout:.0f}s (no worker?)"
                else:
                    where = current.name if current else "no state"
                    results[recording_id] = f"failed: still {where} after {settings.fanout_timeout:.0f}s"
            elif state.is_completed():
                results[recording_id] = state.message if state.message in _OUTCOMES else DONE
            else:
                results[recording_id] = f"failed: {state.name}: {state.message or 'no message'}"
    return results


_OUTCOMES = frozenset({DONE, QUARANTINED, ALREADY_DONE, BUSY})


def _run_night(since: datetime | None, until: datetime | None) -> dict[str, Any]:
    settings = get_settings()
    # Listing gets the same retries as any S3 call: one blip at 02:00 must not lose the night.
    pending, done, skipped = find_pending.with_options(**_io_task_options(settings))(since, until)
    window = "" if since is None and until is None else f" (last modified {since or '…'} .. {until or '…'})"
    print(f"{len(pending)} new recording(s){window}; {done} already done; {skipped} quarantined")
    processed = _run_all(pending, settings)
    summary: dict[str, Any] = {"processed": processed, "already_done": done, "quarantined_skipped": skipped}
    if DONE in processed.values():
        summary["compacted"] = _compact_after_night()
    if any(outcome.startswith("failed") for outcome in processed.values()):
        raise RecordingsFailed(summary)
    return summary


@task(name="compact-index", retries=2, retry_delay_seconds=[30, 120])
def compact_index() -> list[dict[str, Any]]:
    """Merge the indices' small segments of the night (``visio_archive.index.compact``)."""
    from visio_archive import index

    settings = get_settings()
    results = index.compact(index.client_from_settings(settings), settings.index_prefix)
    for result in results:
        print(result.describe())
    return [dataclasses.asdict(result) for result in results]


def _compact_after_night() -> list[dict[str, Any]] | str:
    # The night's meetings are already indexed and searchable: a merge that fails only leaves
    # searches somewhat slower until the next night, so it is reported and does not fail the run.
    try:
        return compact_index()
    except Exception as error:
        get_run_logger().warning("index compaction failed (searches stay correct, only slower): %s", error)
        return f"failed: {type(error).__name__}: {error}"


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
