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
    archive/{id}/revisions.json            RevisionLog: speaker corrections made by records officers
    archive/{id}/revisions/original.transcript.redacted.json   the redacted transcript before any correction
    restricted/{id}/revisions/original.transcript.json         the full transcript before any correction

Each object is written with one S3 PUT, which is atomic: a reader sees the old object or the new
one, never a half. The set of objects is made consistent by the ledger: a recording is marked done
only after all of them and its index documents are written (see flows/pipeline.py).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal, TypeVar

from pydantic import BaseModel, Field

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
REVISIONS = "revisions.json"
ORIGINAL_REDACTED = "revisions/original.transcript.redacted.json"
ORIGINAL_FULL = "revisions/original.transcript.json"


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


# ---------------------------------------------------------------- revisions (speaker corrections)

TranscriptT = TypeVar("TranscriptT", Transcript, RedactedTranscript)


class SpeakerCorrection(BaseModel):
    """One change to who spoke, made by a records officer (speech is not run again).

    * ``rename``: speaker ``label`` is now called ``name``;
    * ``merge``: every turn of ``label`` goes to ``into`` (two labels were one person); ``label`` goes;
    * ``reassign``: turn ``segment`` goes to ``into`` (an existing label), or to a new speaker ``name``.
    """

    kind: Literal["rename", "merge", "reassign"]
    label: str | None = None
    into: str | None = None
    name: str | None = None
    segment: int | None = None


class Revision(BaseModel):
    number: int
    at: datetime
    actor: str
    correction: SpeakerCorrection
    reason: str | None = None


class RevisionLog(BaseModel):
    meeting_id: str
    revisions: list[Revision] = Field(default_factory=list)


class CorrectionError(ValueError):
    """The correction does not apply to this transcript (unknown label, segment...); message in French."""


def _new_label(transcript: Transcript | RedactedTranscript) -> str:
    taken = {s.label for s in transcript.speakers}
    number = 1
    while f"CORRECTION_{number:02d}" in taken:
        number += 1
    return f"CORRECTION_{number:02d}"


def apply_correction(transcript: TranscriptT, correction: SpeakerCorrection) -> TranscriptT:
    """The transcript with one speaker correction applied (pure; the full and the redacted transcript
    take the same correction, their labels and segment positions being the same)."""
    speakers = [s.model_copy() for s in transcript.speakers]
    labels = {s.label for s in speakers}
    segments = [s.model_copy(update={"words": [w.model_copy() for w in s.words]}) for s in transcript.segments]
    if correction.kind == "rename":
        if correction.label not in labels or not correction.name:
            raise CorrectionError("Intervenant inconnu dans cette réunion.")
        speakers = [s.model_copy(update={"name": correction.name}) if s.label == correction.label else s
                    for s in speakers]
    elif correction.kind == "merge":
        if correction.label not in labels or correction.into not in labels:
            raise CorrectionError("Intervenant inconnu dans cette réunion.")
        if correction.label == correction.into:
            raise CorrectionError("Choisissez deux intervenants différents.")
        for segment in segments:
            if segment.speaker == correction.label:
                segment.speaker = correction.into
            for word in segment.words:
                if word.speaker == correction.label:
                    word.speaker = correction.into
        speakers = [s for s in speakers if s.label != correction.label]
    else:
        position = correction.segment
        if position is None or not 0 <= position < len(segments):
            raise CorrectionError("Ce tour de parole n'existe pas dans cette réunion.")
        target = correction.into
        if target is None:
            if not correction.name:
                raise CorrectionError("Indiquez l'intervenant à qui attribuer ce tour de parole.")
            existing = next((s.label for s in speakers if s.name == correction.name), None)
            target = existing or _new_label(transcript)
            if existing is None:
                from visio_archive.models import Speaker

                speakers.append(Speaker(label=target, name=correction.name, source="metadata"))
        elif target not in labels:
            raise CorrectionError("Intervenant inconnu dans cette réunion.")
        segment = segments[position]
        old = segment.speaker
        segment.speaker = target
        for word in segment.words:
            if word.speaker in (old, None):
                word.speaker = target
    return transcript.model_copy(update={"speakers": speakers, "segments": segments})


def read_revisions(storage: Storage, meeting_id: str) -> list[Revision]:
    """The speaker corrections of a meeting, oldest first ([] when none)."""
    from visio_archive.storage import ObjectNotFound

    try:
        log = storage.get_json(storage.artifact_key(meeting_id, REVISIONS), RevisionLog)
    except ObjectNotFound:
        return []
    return log.revisions


def write_revision(
    storage: Storage,
    *,
    revision: Revision,
    redacted: RedactedTranscript,
    full: Transcript,
    original_redacted: RedactedTranscript,
    original_full: Transcript,
) -> list[str]:
    """Store a corrected meeting: the originals (once), the corrected transcripts and subtitles, then
    the revision log last (its new entry says the rest was written). Returns the keys written."""
    from visio_archive.subtitles import to_srt, to_webvtt

    meeting_id = redacted.meeting_id
    keys: list[str] = []
    originals = [
        (storage.artifact_key(meeting_id, ORIGINAL_REDACTED), original_redacted),
        (storage.restricted_key(meeting_id, ORIGINAL_FULL), original_full),
    ]
    for key, model in originals:
        if not storage.exists(key):
            storage.put_artifact(key, _json(model), "application/json")
            keys.append(key)
    as_transcript = redacted_as_transcript(redacted)
    written: list[tuple[str, bytes, str]] = [
        (storage.restricted_key(meeting_id, FULL_TRANSCRIPT), _json(full), "application/json"),
        (storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT), _json(redacted), "application/json"),
        (storage.artifact_key(meeting_id, REDACTED_VTT), to_webvtt(as_transcript).encode(), "text/vtt; charset=utf-8"),
        (storage.artifact_key(meeting_id, REDACTED_SRT), to_srt(as_transcript).encode(),
         "application/x-subrip; charset=utf-8"),
    ]
    for key, data, content_type in written:
        storage.put_artifact(key, data, content_type)
        keys.append(key)
    log = RevisionLog(meeting_id=meeting_id, revisions=[*read_revisions(storage, meeting_id), revision])
    log_key = storage.artifact_key(meeting_id, REVISIONS)
    storage.put_artifact(log_key, _json(log), "application/json")
    keys.append(log_key)
    return keys


def read_original(storage: Storage, meeting_id: str) -> tuple[RedactedTranscript, Transcript]:
    """The transcripts as they were before any correction (the current ones when never corrected)."""
    from visio_archive.storage import ObjectNotFound

    try:
        redacted = storage.get_json(storage.artifact_key(meeting_id, ORIGINAL_REDACTED), RedactedTranscript)
        full = storage.get_json(storage.restricted_key(meeting_id, ORIGINAL_FULL), Transcript)
    except ObjectNotFound:
        return read_redacted(storage, meeting_id), read_full(storage, meeting_id)
    return redacted, full
