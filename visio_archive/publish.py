"""What a reader may see of a transcript's segments: one decision, used by every reader.

The meeting page, the JSON API, the exports and the subtitles all render segments through
:func:`publishable_segments`, so that they agree on two rules:

* A segment the speech stage flagged (ASR produced no trustworthy text for that span: a decoding
  loop, no speech where VAD heard some, nothing decoded at all) is shown as one marker,
  ``[passage inaudible 00:12:30–00:12:44]``, with its times: never its doubtful text, never a silent
  gap in the minutes.
* A segment with no text and no flag (nothing was said) is not shown.

Pure functions of the transcript; no I/O.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from visio_archive.models import RedactedSegment, RedactedTranscript, Segment, Transcript, Word

INAUDIBLE = "passage inaudible"


def clock(seconds: float) -> str:
    """``hh:mm:ss`` (whole seconds, floored): the form every reader prints times in."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def inaudible_marker(start: float, end: float) -> str:
    """The one text every reader shows for a span without trustworthy text."""
    # The end is rounded up so that the marker never claims a span shorter than the gap it stands for.
    return f"[{INAUDIBLE} {clock(start)}–{clock(end + 0.999)}]"


class PublicSegment(BaseModel):
    """One segment as a reader shows it."""

    index: int
    start: float
    end: float
    speaker: str | None = None  # the transcript's speaker label (readers map it to a name)
    text: str
    words: list[Word] = Field(default_factory=list)
    inaudible: bool = False


def publishable_segments(transcript: RedactedTranscript | Transcript) -> list[PublicSegment]:
    """The transcript's segments in time order, flagged ones as inaudible markers, empty ones left out."""
    segments: list[Segment | RedactedSegment] = list(transcript.segments)
    indexed = [
        (segment.index if isinstance(segment, RedactedSegment) else position, segment)
        for position, segment in enumerate(segments)
    ]
    out: list[PublicSegment] = []
    for index, segment in sorted(indexed, key=lambda pair: (pair[1].start, pair[1].end, pair[0])):
        if segment.flagged:
            out.append(
                PublicSegment(
                    index=index,
                    start=segment.start,
                    end=segment.end,
                    speaker=segment.speaker,
                    text=inaudible_marker(segment.start, segment.end),
                    inaudible=True,
                )
            )
            continue
        text = segment.text.strip()
        if not text:
            continue
        words = [w for w in segment.words if w.word.strip()]
        out.append(
            PublicSegment(
                index=index, start=segment.start, end=segment.end, speaker=segment.speaker, text=text, words=words
            )
        )
    return out
