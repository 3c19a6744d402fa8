"""Records that cross a stage boundary.

The transcript shape follows the Visio transcription service's ``diarized_json``
(``segments[{start, end, text, speaker, words[{word, start, end, score, speaker}]}]``)
so that transcripts from either source can be read by the same code.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# ---------------------------------------------------------------- Visio metadata


class Participant(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    participant_id: str = Field(alias="participantId")
    name: str


EventType = Literal[
    "participant_connected",
    "participant_disconnected",
    "speech_start",
    "speech_end",
    "chat_received",
]


class MetadataEvent(BaseModel):
    participant_id: str
    type: EventType | str  # unknown event types are kept, and ignored by the stages
    timestamp: datetime
    data: str | None = None


class MeetingMetadata(BaseModel):
    """``metadata/{id}-metadata.json`` as written by the Visio room agent."""

    model_config = ConfigDict(populate_by_name=True, extra="allow")

    participants: list[Participant] = Field(default_factory=list)
    events: list[MetadataEvent] = Field(default_factory=list)
    recording_started_at: datetime | None = None
    title: str | None = None
    # The meeting's language when the platform chose one (Visio offers fr, en, de, nl); otherwise
    # it is detected from the audio.
    language: str | None = None


# ---------------------------------------------------------------- storage


class RecordingRef(BaseModel):
    """One recording object found in the bucket."""

    recording_id: str
    key: str
    etag: str
    size: int
    last_modified: datetime | None = None
    metadata_key: str | None = None  # None when no metadata JSON sits next to it


# ---------------------------------------------------------------- transcript


class Word(BaseModel):
    word: str
    start: float
    end: float
    score: float | None = None
    speaker: str | None = None


class Segment(BaseModel):
    start: float
    end: float
    text: str
    speaker: str | None = None
    words: list[Word] = Field(default_factory=list)
    language: str | None = None  # the language this stretch was decoded in (fr, en, de, nl)
    # Set when ASR gave no trustworthy text for this span (decoding loop, no speech where VAD heard
    # some, nothing decoded): the reason, free of any transcribed content. Readers show an
    # "inaudible" marker instead of the text (visio_archive/publish.py); it is never indexed.
    flagged: str | None = None


class Speaker(BaseModel):
    label: str  # the label used on segments and words
    name: str  # what people read: "Alice Martin", "Alice Martin (2)", "Intervenant 3"
    participant_id: str | None = None
    source: Literal["metadata", "diarization", "metadata+diarization"] = "diarization"


class ModelInfo(BaseModel):
    role: str  # "asr", "vad", "segmentation", "embedding", "ner"
    name: str
    sha256: str | None = None


TimestampMethod = Literal["alignment", "whisper", "imported"]


class Transcript(BaseModel):
    meeting_id: str
    language: str
    duration: float
    started_at: datetime | None = None
    title: str | None = None
    models: list[ModelInfo] = Field(default_factory=list)
    timestamp_method: TimestampMethod = "whisper"
    speakers: list[Speaker] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)


# ---------------------------------------------------------------- redaction

EntityLabel = Literal["PERSON", "EMAIL", "PHONE", "NIR", "IBAN", "PAYMENT_CARD", "ADDRESS", "LOCATION", "ORGANIZATION"]


class Entity(BaseModel):
    """A span of personal data; offsets are Python character offsets into the text."""

    start: int
    end: int
    label: str
    text: str
    score: float = 1.0
    # "ner", "pattern", "gazetteer", "context", "lexicon", "label" (a chat mention or speaker label), "repeat",
    # "shape" (bad-checksum look-alike)
    source: str = "pattern"


class RedactedSegment(BaseModel):
    index: int
    start: float
    end: float
    speaker: str | None = None
    text: str  # redacted text
    entities: list[Entity] = Field(default_factory=list)  # offsets into the original segment text
    # Word-time intervals covered by redacted spans (for redacted audio).
    redacted_intervals: list[tuple[float, float]] = Field(default_factory=list)
    words: list[Word] = Field(default_factory=list)  # redacted words, same times
    flagged: str | None = None  # the source segment's flag: no text or words kept, never indexed
    language: str | None = None  # the source segment's language, when ASR decoded it in one


class RedactedTranscript(BaseModel):
    meeting_id: str
    language: str
    duration: float
    started_at: datetime | None = None
    title: str | None = None  # redacted like the text
    series: str | None = None  # redacted like the text
    speakers: list[Speaker] = Field(default_factory=list)  # names already pseudonymised where required
    segments: list[RedactedSegment] = Field(default_factory=list)
    operator: str = "placeholder"


# ---------------------------------------------------------------- index documents


class SegmentDocument(BaseModel):
    meeting_id: str
    segment_index: int
    start: float
    end: float
    speaker: str | None = None
    participant_id: str | None = None
    text: str
    language: str
    meeting_title: str | None = None
    series: str | None = None
    started_at: datetime | None = None

    @property
    def doc_id(self) -> str:
        return segment_doc_id(self.meeting_id, self.segment_index)


class MeetingDocument(BaseModel):
    meeting_id: str
    title: str | None = None
    series: str | None = None
    language: str
    started_at: datetime | None = None
    duration: float
    participants: list[str] = Field(default_factory=list)
    segment_count: int = 0
    legal_hold: bool = False
    etag: str | None = None


def segment_doc_id(meeting_id: str, segment_index: int) -> str:
    """Deterministic id: re-indexing a meeting overwrites instead of duplicating."""
    return f"{meeting_id}:{segment_index:06d}"


# ---------------------------------------------------------------- diarization


class SpeakerTurn(BaseModel):
    """One anonymous speaker turn from diarization (labels like ``SPEAKER_00``)."""

    start: float
    end: float
    label: str
