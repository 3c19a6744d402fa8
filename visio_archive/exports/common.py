"""What every export shares: the header and the speaker turns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from visio_archive.models import MeetingDocument, RedactedTranscript
from visio_archive.publish import publishable_segments

# Metadata from the index (a MeetingDocument or its dict) may complete the transcript's own.
MeetingInfo = MeetingDocument | dict[str, Any]


@dataclass(frozen=True)
class Header:
    meeting_id: str
    title: str
    date: str            # "2026-03-02 09:00 UTC" or "date inconnue"
    participants: list[str]
    duration: str        # "hh:mm:ss"
    language: str
    series: str | None = None


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
    if value is None:
        return "date inconnue"
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        value = parsed
    suffix = " UTC" if value.utcoffset() is not None and value.utcoffset().total_seconds() == 0 else ""  # type: ignore[union-attr]
    return value.strftime("%Y-%m-%d %H:%M") + suffix


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
    for name in [s.name for s in transcript.speakers] + list(meta.get("participants") or []):
        if name and name not in participants:
            participants.append(name)
    return Header(
        meeting_id=transcript.meeting_id,
        title=transcript.title or meta.get("title") or f"Réunion {transcript.meeting_id}",
        date=format_date(transcript.started_at or meta.get("started_at")),
        participants=participants,
        duration=hms(transcript.duration or float(meta.get("duration") or 0.0)),
        language=transcript.language,
        series=meta.get("series"),
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
    ]
    if header.series:
        lines.append(("Série", header.series))
    lines.append(("Identifiant", header.meeting_id))
    return lines


NOTICE = "Compte rendu pseudonymisé : les données personnelles ont été masquées."
