"""From a redacted transcript to the documents the index holds. Pure functions.

Only redacted text ever reaches the index: a viewer's search results, snippets, highlights and
facets are built from these documents, so they cannot show what redaction removed.
"""

from __future__ import annotations

from visio_archive.cleantext import clean_line, clean_optional
from visio_archive.models import MeetingDocument, RedactedTranscript, SegmentDocument


def speaker_names(redacted: RedactedTranscript) -> dict[str, str]:
    return {speaker.label: clean_line(speaker.name) for speaker in redacted.speakers}


def build_documents(
    redacted: RedactedTranscript,
    *,
    series: str | None = None,
    etag: str | None = None,
    legal_hold: bool = False,
) -> tuple[MeetingDocument, list[SegmentDocument]]:
    """One meeting document and one document per segment, keyed so that re-indexing overwrites.

    Title and series come from the redacted transcript (redaction treats them like the text); the
    ``series`` argument is only used for older transcripts that carry none. Every text is cleaned of
    control characters, bidi overrides and the highlight sentinels.
    """
    names = speaker_names(redacted)
    if redacted.series is not None:
        series = redacted.series
    series = clean_optional(series)
    title = clean_optional(redacted.title)
    participant_ids = {speaker.label: speaker.participant_id for speaker in redacted.speakers}
    segments = [
        SegmentDocument(
            meeting_id=redacted.meeting_id,
            segment_index=segment.index,
            start=segment.start,
            end=segment.end,
            speaker=names.get(segment.speaker or "", clean_optional(segment.speaker)),
            participant_id=participant_ids.get(segment.speaker or ""),
            text=clean_line(segment.text),
            language=segment.language or redacted.language,
            meeting_title=title,
            series=series,
            started_at=redacted.started_at,
        )
        for segment in redacted.segments
        # A segment flagged by the hallucination guard stays in the stored transcript for review,
        # but its text is never searchable.
        if segment.text.strip() and not segment.flagged
    ]
    # Participants who actually spoke, in order of first appearance.
    spoken: dict[str, None] = {}
    for document in segments:
        if document.speaker:
            spoken.setdefault(document.speaker, None)
    meeting = MeetingDocument(
        meeting_id=redacted.meeting_id,
        title=title,
        series=series,
        language=redacted.language,
        started_at=redacted.started_at,
        duration=redacted.duration,
        participants=list(spoken),
        segment_count=len(segments),
        legal_hold=legal_hold,
        etag=etag,
    )
    return meeting, segments
