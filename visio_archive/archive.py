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


def artifact_key(settings: Settings, meeting_id: str, name: str) -> str:
    return f"{settings.artifacts_prefix}{meeting_id}/{name}"


def restricted_key(settings: Settings, meeting_id: str, name: str) -> str:
    return f"{settings.restricted_prefix}{meeting_id}/{name}"


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
            )
            for segment in redacted.segments
        ],
    )


def write_artifacts(
    storage: object,
    settings: Settings,
    *,
    transcript: Transcript,
    redacted: RedactedTranscript,
    mapping: bytes,
    redacted_audio: Path | None,
    info: MeetingInfo,
) -> list[str]:
    """Write every artifact of one meeting; returns the keys written. Safe to repeat."""
    from visio_archive import subtitles

    meeting_id = transcript.meeting_id
    as_transcript = redacted_as_transcript(redacted)
    written: list[tuple[str, bytes | Path, str]] = [
        (restricted_key(settings, meeting_id, FULL_TRANSCRIPT), _json(transcript), "application/json"),
        (restricted_key(settings, meeting_id, MAPPING), mapping, "application/octet-stream"),
        (artifact_key(settings, meeting_id, REDACTED_TRANSCRIPT), _json(redacted), "application/json"),
        (
            artifact_key(settings, meeting_id, REDACTED_VTT),
            subtitles.to_webvtt(as_transcript).encode(),
            "text/vtt; charset=utf-8",
        ),
        (
            artifact_key(settings, meeting_id, REDACTED_SRT),
            subtitles.to_srt(as_transcript).encode(),
            "application/x-subrip; charset=utf-8",
        ),
    ]
    if redacted_audio is not None:
        written.append((artifact_key(settings, meeting_id, REDACTED_AUDIO), redacted_audio, "audio/ogg"))
    # The meeting info goes last: its presence says the other artifacts were written.
    written.append((artifact_key(settings, meeting_id, MEETING_INFO), _json(info), "application/json"))
    for key, data, content_type in written:
        storage.put_artifact(key, data, content_type)  # type: ignore[attr-defined]
    return [key for key, _, _ in written]


def read_redacted(storage: object, settings: Settings, meeting_id: str) -> RedactedTranscript:
    data = storage.get_bytes(artifact_key(settings, meeting_id, REDACTED_TRANSCRIPT))  # type: ignore[attr-defined]
    return RedactedTranscript.model_validate_json(data)


def read_info(storage: object, settings: Settings, meeting_id: str) -> MeetingInfo | None:
    key = artifact_key(settings, meeting_id, MEETING_INFO)
    if not storage.exists(key):  # type: ignore[attr-defined]
        return None
    return MeetingInfo.model_validate_json(storage.get_bytes(key))  # type: ignore[attr-defined]


def _json(model: BaseModel) -> bytes:
    return model.model_dump_json(indent=None).encode()
