"""Where a processed meeting's artifacts live in S3, and how they are written and read back.

Layout (under the configured prefixes):
    restricted/{id}/transcript.json        full transcript (names and personal data): records officers only
    restricted/{id}/mapping.enc            encrypted pseudonym -> original mapping
    restricted/{id}/checkpoint.json        the full transcript with the recording's ETag, saved before
                                           redaction so that a rerun skips the speech stage
    archive/{id}/transcript.redacted.json  RedactedTranscript: what every reader and the index start from
    archive/{id}/transcript.vtt|.srt       redacted subtitles
    archive/{id}/audio.redacted.ogg        the recording with every redacted word bleeped
    archive/{id}/meeting.json              MeetingInfo: source recording, ETag, series, legal hold

Each object is written with one S3 PUT, which is atomic: a reader sees the old object or the new
one, never a half. The set of objects is made consistent by the ledger: a recording is marked done
only after all of them and its index documents are written (see flows/pipeline.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel

from visio_archive.models import RedactedTranscript, Segment, Transcript, Word
from visio_archive.settings import Settings
from visio_archive.storage import Storage

FULL_TRANSCRIPT = "transcript.json"
MAPPING = "mapping.enc"
REDACTED_TRANSCRIPT = "transcript.redacted.json"
REDACTED_VTT = "transcript.vtt"
REDACTED_SRT = "transcript.srt"
REDACTED_AUDIO = "audio.redacted.ogg"
MEETING_INFO = "meeting.json"
CHECKPOINT = "checkpoint.json"


class MeetingInfo(BaseModel):
    """What the archive knows about a meeting beyond its transcript."""

    meeting_id: str
    recording_key: str
    etag: str
    series: str | None = None
    legal_hold: bool = False
    processed_at: datetime
    source: str = "recording"  # or "import"


class Checkpoint(BaseModel):
    """The full transcript saved right after speech processing, for the recording content ``etag``."""

    etag: str
    transcript: Transcript


def redacted_as_transcript(redacted: RedactedTranscript) -> Transcript:
    """The redacted text in the Transcript shape, so the subtitle writers serve both."""
    return Transcript(
        meeting_id=redacted.meeting_id,
        language=redacted.language,
        duration=redacted.duration,
        started_at=redacted.started_at,
        title=redacted.title,
        speakers=redacted.speakers,
        segments=[
            Segment(
                start=segment.start,
                end=segment.end,
                text=segment.text,
                speaker=segment.speaker,
                words=[Word.model_validate(word.model_dump()) for word in segment.words],
                flagged=segment.flagged,
            )
            for segment in redacted.segments
        ],
    )


def write_artifacts(
    storage: Storage,
    *,
    transcript: Transcript,
    redacted: RedactedTranscript,
    mapping: bytes,
    redacted_audio: Path | None,
    info: MeetingInfo,
) -> list[str]:
    """Write every artifact of one meeting; returns the keys written. Safe to repeat."""
    from visio_archive.subtitles import to_srt, to_webvtt

    meeting_id = transcript.meeting_id
    as_transcript = redacted_as_transcript(redacted)
    written: list[tuple[str, bytes | Path, str]] = [
        (storage.restricted_key(meeting_id, FULL_TRANSCRIPT), _json(transcript), "application/json"),
        (storage.restricted_key(meeting_id, MAPPING), mapping, "application/octet-stream"),
        (storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT), _json(redacted), "application/json"),
        (
            storage.artifact_key(meeting_id, REDACTED_VTT),
            to_webvtt(as_transcript).encode(),
            "text/vtt; charset=utf-8",
        ),
        (
            storage.artifact_key(meeting_id, REDACTED_SRT),
            to_srt(as_transcript).encode(),
            "application/x-subrip; charset=utf-8",
        ),
    ]
    if redacted_audio is not None:
        written.append((storage.artifact_key(meeting_id, REDACTED_AUDIO), redacted_audio, "audio/ogg"))
    # The meeting info goes last: its presence says the other artifacts were written.
    written.append((storage.artifact_key(meeting_id, MEETING_INFO), _json(info), "application/json"))
    for key, data, content_type in written:
        storage.put_artifact(key, data, content_type)
    return [key for key, _, _ in written]


def read_redacted(storage: Storage, meeting_id: str) -> RedactedTranscript:
    return storage.get_json(storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT), RedactedTranscript)


def read_full(storage: Storage, meeting_id: str) -> Transcript:
    return storage.get_json(storage.restricted_key(meeting_id, FULL_TRANSCRIPT), Transcript)


def read_info(storage: Storage, meeting_id: str) -> MeetingInfo | None:
    key = storage.artifact_key(meeting_id, MEETING_INFO)
    if not storage.exists(key):
        return None
    return storage.get_json(key, MeetingInfo)


def list_meetings(storage: Storage) -> list[str]:
    """Meetings whose artifacts are complete (their meeting.json is written last)."""
    prefix = storage.settings.artifacts_prefix
    suffix = f"/{MEETING_INFO}"
    return [key[len(prefix) : -len(suffix)] for key in storage.list_keys(prefix) if key.endswith(suffix)]


def set_legal_hold(storage: Storage, meeting_id: str, hold: bool) -> bool:
    """Record the hold in meeting.json (what retention reads) and in the index (what the UI shows)."""
    from visio_archive import index

    info = read_info(storage, meeting_id)
    if info is None:
        return False
    info.legal_hold = hold
    storage.put_json(storage.artifact_key(meeting_id, MEETING_INFO), info)
    client = index.client_from_settings(storage.settings)
    index.set_legal_hold(client, storage.settings.index_prefix, meeting_id, hold)
    return True


def delete_recording(storage: Storage, recording_id: str) -> int:
    """The original recording(s) and metadata JSON of one id, every version."""
    removed = 0
    for key in storage.list_keys(f"{storage.settings.recordings_prefix}{recording_id}."):
        removed += storage.delete(key, all_versions=True)
    removed += storage.delete(storage.metadata_key(recording_id), all_versions=True)
    return removed


class ArchiveStats(BaseModel):
    recordings_done: int
    quarantined: int
    meetings_indexed: int
    segments_indexed: int


def archive_stats(settings: Settings) -> ArchiveStats:
    from visio_archive import index

    storage = Storage.from_settings(settings)
    client = index.client_from_settings(settings)
    return ArchiveStats(
        recordings_done=len(storage.ledger_all()),
        quarantined=len(storage.quarantine_list()),
        meetings_indexed=index.count_meetings(client, settings.index_prefix),
        segments_indexed=index.count_segments(client, settings.index_prefix),
    )


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json(indent=None).encode()
