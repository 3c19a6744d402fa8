"""Importing a transcript without speech processing: parse, clean, redact, store, index, audit.

Accepted files: the Visio transcription service's ``diarized_json`` (segments with words and
``SPEAKER_xx`` labels, or a bare list of segments) and WebVTT captions (``<v Name>`` voice tags or
``Name: text`` cues). Text is cleaned on the way in (control characters, bidi overrides, BOM: see
:mod:`visio_archive.cleantext`). Nothing is stored or indexed unless redaction succeeded: the index
only ever sees redacted text; title and series go through redaction like the text.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from visio_archive.cleantext import clean_line, clean_optional, clean_transcript
from visio_archive.models import RedactedTranscript, Segment, Speaker, Transcript, Word
from visio_archive.usecases.context import MEETING_ID, Actor, Archive, Invalid

Redactor = Callable[[Transcript], tuple[RedactedTranscript, bytes]]

_VTT_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_CUE_TIME = re.compile(rf"^\s*{_VTT_TIME}\s*-->\s*{_VTT_TIME}")


def _vtt_seconds(match: tuple[str, ...]) -> float:
    hours, minutes, seconds, millis = match
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis.ljust(3, "0")) / 1000


def parse_webvtt(text: str) -> list[Segment]:
    """Cues of a WebVTT file as Segments; ``<v Name>`` voice tags or ``Name: text`` give the speaker."""
    segments: list[Segment] = []
    for block in re.split(r"\r?\n\s*\r?\n", text.lstrip("\ufeff")):
        lines = [line for line in block.splitlines() if line.strip()]
        for position, line in enumerate(lines):
            match = _CUE_TIME.match(line)
            if not match:
                continue
            groups = match.groups()
            start, end = _vtt_seconds(groups[:4]), _vtt_seconds(groups[4:])
            body = " ".join(lines[position + 1 :]).strip()
            speaker = None
            voice = re.match(r"^<v(?:\.[^ >]*)?\s+([^>]+)>", body)
            if voice:
                speaker = voice.group(1).strip()
            body = re.sub(r"<[^>]+>", "", body).strip()
            if speaker is None:
                named = re.match(r"^([^:\[\]]{1,60}?)\s*:\s+(.+)$", body)
                if named and len(named.group(1).split()) <= 5:
                    speaker, body = named.group(1).strip(), named.group(2).strip()
            body = clean_line(html.unescape(body))
            if body:
                segments.append(Segment(start=start, end=max(end, start), text=body,
                                        speaker=clean_optional(html.unescape(speaker)) if speaker else None))
            break
    return segments


def parse_visio_json(data: Any) -> list[Segment]:
    """The transcription service's ``diarized_json`` (``{"segments": [...]}``) or a bare segment list."""
    raw_segments = data.get("segments") if isinstance(data, dict) else data
    if not isinstance(raw_segments, list):
        raise ValueError("expected a JSON object with a 'segments' list (Visio diarized_json) or a list")
    segments: list[Segment] = []
    for number, raw in enumerate(raw_segments):
        if not isinstance(raw, dict):
            raise ValueError(f"segment {number} is not an object")
        words = []
        for w in raw.get("words") or []:
            # whisperX leaves words it could not align without times: skip them, keep the text.
            if isinstance(w, dict) and w.get("start") is not None and w.get("end") is not None and w.get("word"):
                word = clean_line(str(w["word"]))
                if word:
                    words.append(Word(word=word, start=float(w["start"]), end=float(w["end"]),
                                      score=w.get("score"), speaker=clean_optional(w.get("speaker"))))
        text = clean_line(str(raw.get("text") or "")) or " ".join(w.word for w in words)
        try:
            start = float(raw["start"]) if raw.get("start") is not None else (words[0].start if words else 0.0)
            end = float(raw["end"]) if raw.get("end") is not None else (words[-1].end if words else start)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"segment {number}: bad start/end") from exc
        if text:
            speaker = raw.get("speaker")
            segments.append(Segment(start=start, end=max(start, end), text=text,
                                    speaker=clean_optional(str(speaker)) if speaker is not None else None,
                                    words=words))
    return segments


def load_participants(path: Path | None) -> dict[str, tuple[str, str | None]]:
    """label or participant id -> (display name, participant id)."""
    if path is None:
        return {}
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    out: dict[str, tuple[str, str | None]] = {}
    if isinstance(data, dict) and isinstance(data.get("participants"), list):
        for p in data["participants"]:
            pid = p.get("participantId") or p.get("participant_id")
            name = clean_line(str(p.get("name") or ""))
            if name:
                out[name] = (name, pid)
                if pid:
                    out[pid] = (name, pid)
    elif isinstance(data, dict):
        out = {clean_line(str(label)): (clean_line(str(name)), None) for label, name in data.items()}
    elif isinstance(data, list):
        out = {clean_line(str(name)): (clean_line(str(name)), None) for name in data}
    else:
        raise ValueError("participants file: expected Visio metadata, a {label: name} map or a list of names")
    return out


def build_transcript(segments: list[Segment], *, meeting_id: str, title: str, started_at: datetime, language: str,
                     participants: dict[str, tuple[str, str | None]]) -> Transcript:
    """Speakers: a label the participants file knows (label, participant id or name) is a participant
    (source ``metadata``); a ``SPEAKER_xx`` label is ``Intervenant N``; any other label is a name typed
    in the caption file, a free-text label that redaction treats like the text (source ``diarization``:
    not from the meeting's metadata)."""
    from visio_archive.search import fold

    by_name = {fold(name): (name, pid) for name, pid in participants.values()}
    labels: list[str] = []
    for segment in segments:
        if segment.speaker and segment.speaker not in labels:
            labels.append(segment.speaker)
    speakers = []
    # Labels become neutral (SPEAKER_00, ...): a name typed in a caption file is data to redact, and a
    # label is kept as it is in the redacted transcript.
    neutral = {label: f"SPEAKER_{number:02d}" for number, label in enumerate(labels)}
    for number, label in enumerate(labels, start=1):
        known = participants.get(label) or by_name.get(fold(label))
        if known:
            (name, pid), source = known, "metadata"
        elif label.upper().startswith("SPEAKER_"):
            name, pid, source = f"Intervenant {number}", None, "diarization"
        else:  # a name typed in the caption file: not a known participant
            name, pid, source = label, None, "diarization"
        speakers.append(Speaker(label=neutral[label], name=name, participant_id=pid, source=source))
    segments = [
        s.model_copy(update={
            "speaker": neutral.get(s.speaker or "") if s.speaker else None,
            "words": [w.model_copy(update={"speaker": neutral.get(w.speaker or "") if w.speaker else None})
                      for w in s.words],
        })
        for s in segments
    ]
    duration = max((s.end for s in segments), default=0.0)
    return Transcript(meeting_id=meeting_id, language=language, duration=duration, started_at=started_at,
                      title=clean_line(title), timestamp_method="imported", speakers=speakers, segments=segments)


def read_transcript_file(path: Path) -> list[Segment]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig", errors="strict")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path.name}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
                         "re-save it as UTF-8") from exc
    if path.suffix.lower() == ".vtt" or text.lstrip().startswith("WEBVTT"):
        segments = parse_webvtt(text)
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{path.name}: neither WebVTT nor JSON ({exc})") from exc
        segments = parse_visio_json(data)
    if not segments:
        raise ValueError(f"{path.name}: no transcript segments found")
    return segments


class ImportSummary(BaseModel):
    meeting_id: str
    segments: int
    speakers: list[str]


def import_transcript(
    archive: Archive, actor: Actor, path: Path, *, meeting_id: str, title: str, started_at: datetime,
    participants_file: Path | None = None, language: str = "fr", series: str | None = None,
    redactor: Redactor | None = None,
) -> ImportSummary:
    """Parse, redact, store (restricted + archive keys) and index one transcript; audited as ``import``."""
    from visio_archive import index as index_mod
    from visio_archive.archive import MeetingInfo, write_artifacts
    from visio_archive.documents import build_documents

    if not MEETING_ID.fullmatch(meeting_id):
        raise Invalid("--meeting-id: letters, digits, '.', '_' and '-' only (at most 128)")
    if started_at.tzinfo is None:
        started_at = started_at.replace(tzinfo=UTC)
    try:
        segments = read_transcript_file(path)
        participants = load_participants(participants_file)
    except (ValueError, OSError) as exc:
        raise Invalid(str(exc)) from exc
    transcript = clean_transcript(build_transcript(
        segments, meeting_id=meeting_id, title=title, started_at=started_at, language=language,
        participants=participants,
    ))
    series = clean_optional(series)
    if redactor is None:
        from visio_archive.redaction import redact_transcript

        redacted, mapping = redact_transcript(transcript, settings=archive.settings, series=series)
    else:
        redacted, mapping = redactor(transcript)
        if redacted.series is None and series is not None:
            raise Invalid("the redactor returned no redacted series; nothing was stored or indexed")

    storage = archive.storage
    storage.ensure_bucket()
    etag = hashlib.sha256(path.read_bytes()).hexdigest()
    # The same artifact set as a processed recording (meeting.json last), so that reindex,
    # retention and erase treat imported meetings like any other.
    info = MeetingInfo(meeting_id=meeting_id, recording_key=f"import:{path.name}", etag=etag, series=series,
                       processed_at=datetime.now(UTC), source="import")
    write_artifacts(storage, transcript=transcript, redacted=redacted, mapping=mapping, redacted_audio=None,
                    info=info)
    client = archive.search_client
    index_mod.ensure_indices(client, archive.prefix)
    meeting_doc, segment_docs = build_documents(redacted, series=None, etag=etag)
    result = index_mod.index_meeting(client, archive.prefix, meeting_doc, segment_docs, refresh=True)
    archive.forget("participants")
    archive.record(actor, "import", meeting_id=meeting_id,
                   details={"file": clean_line(path.name), "segments": result.segments_indexed})
    return ImportSummary(meeting_id=meeting_id, segments=result.segments_indexed,
                         speakers=[s.name for s in redacted.speakers])
