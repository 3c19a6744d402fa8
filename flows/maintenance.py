"""Flows that look after what is already archived: reindex, retention, erase.

None of them re-runs a speech stage: they start from the artifacts stored in S3.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from prefect import flow, get_run_logger, task

from flows.pipeline import recording_slots
from visio_archive import archive
from visio_archive.settings import Settings, get_settings


@task(name="archived-meetings", retries=3, retry_delay_seconds=[1, 4, 16])
def archived_meetings() -> list[str]:
    from visio_archive.storage import Storage

    return archive.list_meetings(Storage.from_settings(get_settings()))


@flow(name="reindex", log_prints=True)
def reindex() -> dict[str, Any]:
    """Rebuild both indices from the stored redacted transcripts, then swap the aliases.

    The new versioned indices are filled while the old ones keep answering searches; one atomic
    alias update then points readers at the new ones, so search never goes down.
    """

    settings = get_settings()
    with recording_slots(occupy=settings.max_concurrent_recordings):
        return _rebuild(settings)


def _rebuild(settings: Settings) -> dict[str, Any]:
    from visio_archive import index
    from visio_archive.documents import build_documents
    from visio_archive.storage import Storage

    storage = Storage.from_settings(settings)
    client = index.client_from_settings(settings)
    index.ensure_indices(client, settings.index_prefix)
    targets = {kind: index.create_next_version(client, settings.index_prefix, kind) for kind in index.KINDS}
    meetings = archived_meetings()
    segments_total = 0
    for number, meeting_id in enumerate(meetings, start=1):
        redacted = archive.read_redacted(storage, meeting_id)
        info = archive.read_info(storage, meeting_id)
        meeting, segments = build_documents(
            redacted,
            series=info.series if info else None,
            legal_hold=info.legal_hold if info else False,
            etag=info.etag if info else None,
        )
        index.index_meeting(
            client,
            settings.index_prefix,
            meeting,
            segments,
            meetings_index=targets["meetings"],
            segments_index=targets["segments"],
        )
        segments_total += len(segments)
        print(f"[{number}/{len(meetings)}] {meeting_id}: {len(segments)} segments")
    for kind, new_index in targets.items():
        index.swap_alias(client, index.alias_name(settings.index_prefix, kind), new_index)
    print(f"reindexed {len(meetings)} meetings, {segments_total} segments into {', '.join(targets.values())}")
    # A rebuilt index holds one small segment per bulk batch: merge them before the day's searches.
    for result in index.compact(client, settings.index_prefix):
        print(result.describe())
    return {"meetings": len(meetings), "segments": segments_total, "indices": targets}


def erase_meeting(meeting_id: str, *, actor: str, reason: str) -> dict[str, int]:
    """Remove one meeting everywhere: recording, metadata, artifacts, ledger, quarantine, index."""
    from visio_archive import audit, index
    from visio_archive.storage import Storage

    settings = get_settings()
    storage = Storage.from_settings(settings)
    removed = {
        "recording": archive.delete_recording(storage, meeting_id),
        "artifacts": storage.delete_prefix(f"{settings.artifacts_prefix}{meeting_id}/"),
        "restricted": storage.delete_prefix(f"{settings.restricted_prefix}{meeting_id}/"),
    }
    storage.ledger_delete(meeting_id)
    storage.requeue(meeting_id)  # drops a quarantine record, if any
    client = index.client_from_settings(settings)
    removed["index_documents"] = index.delete_meeting(client, settings.index_prefix, meeting_id)
    audit.record(settings, actor=actor, action="erase", meeting_id=meeting_id, detail={"reason": reason, **removed})
    return removed


@flow(name="erase", log_prints=True)
def erase(meeting_id: str, actor: str = "operator", reason: str = "") -> dict[str, int]:
    removed = erase_meeting(meeting_id, actor=actor, reason=reason)
    print(f"erased {meeting_id}: {removed}")
    return removed


@flow(name="retention", log_prints=True)
def retention(now: datetime | None = None) -> dict[str, list[str]]:
    """Apply the retention policy; meetings under legal hold are never touched.

    - original recordings (and their metadata JSON) older than ``retention_recordings_days`` are
      deleted once processed: the archive keeps the redacted audio;
    - whole meetings older than ``retention_results_days`` are erased everywhere.
    """
    from visio_archive.storage import Storage

    settings = get_settings()
    logger = get_run_logger()
    storage = Storage.from_settings(settings)
    now = now or datetime.now(UTC)
    originals_cutoff = now - timedelta(days=settings.retention_recordings_days)
    results_cutoff = now - timedelta(days=settings.retention_results_days)
    originals: list[str] = []
    erased: list[str] = []
    held: list[str] = []
    for meeting_id in archived_meetings():
        info = archive.read_info(storage, meeting_id)
        if info is None:
            continue
        if info.legal_hold:
            held.append(meeting_id)
            continue
        if info.processed_at < results_cutoff:
            erase_meeting(meeting_id, actor="retention", reason=f"older than {settings.retention_results_days} days")
            erased.append(meeting_id)
    for ref in storage.list_recordings():
        if ref.recording_id in held or ref.last_modified is None or ref.last_modified >= originals_cutoff:
            continue
        if storage.is_done(ref):
            archive.delete_recording(storage, ref.recording_id)
            originals.append(ref.recording_id)
    logger.info(
        "retention: %d originals deleted, %d meetings erased, %d on legal hold", len(originals), len(erased), len(held)
    )
    return {"originals_deleted": originals, "meetings_erased": erased, "legal_hold": held}
