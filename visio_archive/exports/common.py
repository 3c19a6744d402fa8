"""What every export shares: the header and the speaker turns.

:func:`header_info` is the one place a meeting's header (title, date, participants, duration,
series, language) is built; the meeting page and the legal manifest use it too. Every value comes
from the redacted transcript (title and series are redacted like the text) or from the index,
which only ever holds redacted data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from visio_archive.cleantext import clean_line, clean_optional
from visio_archive.french import format_datetime, format_day, language_label, parse_datetime
from visio_archive.models import MeetingDocument, RedactedTranscript
from visio_archive.publish import publishable_segments

# Metadata from the index (a MeetingDocument or its dict) may complete the transcript's own.
MeetingInfo = MeetingDocument | dict[str, Any]


class Header(BaseModel):
    meeting_id: str
    title: str
    date: str            # "2 mars 2026, 10 h 00" (Europe/Paris) or "date inconnue"
    participants: list[str] = Field(default_factory=list)
    duration: str        # "hh:mm:ss"
    language: str
    series: str | None = None
    started_at: datetime | None = None
    duration_seconds: float = 0.0
    language_label: str = ""


@dataclass(frozen=True)
class Turn:
    speaker: str
    start: float
    end: float
    text: str


def hms(seconds: float) -> str:
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def _ms_parts(seconds: float) -> tuple[int, int, int, int]:
    ms_total = max(0, round(seconds * 1000))
    return ms_total // 3_600_000, ms_total % 3_600_000 // 60_000, ms_total % 60_000 // 1000, ms_total % 1000


def srt_ts(seconds: float) -> str:
    h, m, s, ms = _ms_parts(seconds)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def vtt_ts(seconds: float) -> str:
    h, m, s, ms = _ms_parts(seconds)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"


def format_date(value: datetime | str | None) -> str:
    """``2 mars 2026, 10 h 00`` in Europe/Paris time (``date inconnue`` when absent)."""
    return format_datetime(value)


def untitled(started_at: datetime | str | None) -> str:
    """The title of a meeting that has none: ``Réunion du 2 mars 2026`` (never its id)."""
    parsed = parse_datetime(started_at)
    return f"Réunion du {format_day(parsed)}" if parsed else "Réunion sans titre"


def speaker_name(transcript: RedactedTranscript, label: str | None) -> str:
    if not label:
        return "Intervenant inconnu"
    for speaker in transcript.speakers:
        if speaker.label == label:
            return speaker.name
    return label


def header_info(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> Header:
    meta: dict[str, Any] = {}
    if isinstance(meeting, MeetingDocument):
        meta = meeting.model_dump()
    elif isinstance(meeting, dict):
        meta = meeting
    participants: list[str] = []
    spoken = {s.speaker for s in transcript.segments if s.speaker}
    # Speakers of the transcript who spoke (a merged-away label has no segment left), then the index's.
    names = [s.name for s in transcript.speakers if s.label in spoken or not spoken]
    for name in names + list(meta.get("participants") or []):
        name = clean_line(str(name or ""))
        if name and name not in participants:
            participants.append(name)
    started_at = transcript.started_at or parse_datetime(meta.get("started_at"))
    duration = transcript.duration or float(meta.get("duration") or 0.0)
    series = transcript.series if transcript.series is not None else meta.get("series")
    return Header(
        meeting_id=transcript.meeting_id,
        title=clean_line(transcript.title or meta.get("title") or "") or untitled(started_at),
        date=format_date(started_at),
        participants=participants,
        duration=hms(duration),
        language=transcript.language,
        series=clean_optional(series),
        started_at=started_at,
        duration_seconds=duration,
        language_label=language_label(transcript.language),
    )


def turns(transcript: RedactedTranscript) -> list[Turn]:
    """Consecutive segments of one speaker make one turn, stamped with the first segment's start.

    An inaudible span (``visio_archive.publish``) is a turn of its own: its marker carries its times.
    """
    out: list[Turn] = []
    previous_inaudible = False
    for segment in publishable_segments(transcript):
        text = segment.text
        name = speaker_name(transcript, segment.speaker)
        merge = bool(out) and out[-1].speaker == name and not segment.inaudible and not previous_inaudible
        previous_inaudible = segment.inaudible
        if merge:
            last = out[-1]
            out[-1] = Turn(name, last.start, segment.end, f"{last.text} {text}")
        else:
            out.append(Turn(name, segment.start, segment.end, text))
    return out


def header_lines(header: Header) -> list[tuple[str, str]]:
    """(label, value) pairs, in the order every format prints them."""
    lines = [
        ("Date", header.date),
        ("Durée", header.duration),
        ("Participants", ", ".join(header.participants) or "—"),
        ("Langue", header.language_label or header.language),
    ]
    if header.series:
        lines.append(("Série", header.series))
    lines.append(("Identifiant", header.meeting_id))
    return lines


NOTICE = "Compte rendu pseudonymisé : les données personnelles ont été masquées."
