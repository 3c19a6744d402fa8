"""Plain-text exports: Markdown, SRT, WebVTT, JSON."""

from __future__ import annotations

import json

from visio_archive.exports.common import (
    NOTICE,
    MeetingInfo,
    header_info,
    header_lines,
    hms,
    speaker_name,
    srt_ts,
    turns,
    vtt_ts,
)
from visio_archive.models import RedactedTranscript
from visio_archive.publish import publishable_segments


def _md_escape(text: str) -> str:
    # Keep the minutes readable while preventing accidental Markdown/HTML structure.
    # (intraword underscores, as in placeholders like [PERSONNE_1], are not emphasis in CommonMark)
    return text.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")


def render_markdown(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    header = header_info(transcript, meeting)
    lines = [f"# {_md_escape(header.title)}", ""]
    lines += [f"- **{label}** : {_md_escape(value)}" for label, value in header_lines(header)]
    lines += ["", f"*{NOTICE}*", "", "## Transcription", ""]
    for turn in turns(transcript):
        lines.append(f"**[{hms(turn.start)}] {_md_escape(turn.speaker)}** : {_md_escape(turn.text)}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _cues(transcript: RedactedTranscript) -> list[tuple[float, float, str, str]]:
    cues = []
    for segment in publishable_segments(transcript):
        end = segment.end if segment.end > segment.start else segment.start + 0.5
        cues.append((segment.start, end, speaker_name(transcript, segment.speaker), segment.text))
    return cues


def render_srt(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    header = header_info(transcript, meeting)
    blocks = []
    # SRT has no comment syntax: the header is cue 0, shown during the first instant only.
    first = _cues(transcript)
    blocks.append(
        f"1\n{srt_ts(0)} --> {srt_ts(0.001)}\n{header.title} — {header.date} — durée {header.duration} — "
        f"participants : {', '.join(header.participants) or '—'}\n"
    )
    for number, (start, end, speaker, text) in enumerate(first, start=2):
        blocks.append(f"{number}\n{srt_ts(start)} --> {srt_ts(end)}\n[{hms(start)}] {speaker} : {text}\n")
    return "\n".join(blocks).encode("utf-8")


def _vtt_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "→")


def render_vtt(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    header = header_info(transcript, meeting)
    lines = ["WEBVTT", "", "NOTE", _vtt_text(header.title)]
    lines += [f"{label} : {_vtt_text(value)}" for label, value in header_lines(header)]
    lines += [_vtt_text(NOTICE), ""]
    for number, (start, end, speaker, text) in enumerate(_cues(transcript), start=1):
        lines += [
            str(number),
            f"{vtt_ts(start)} --> {vtt_ts(end)}",
            f"<v {_vtt_text(speaker)}>[{hms(start)}] {_vtt_text(text)}",
            "",
        ]
    return "\n".join(lines).encode("utf-8")


def render_json(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    header = header_info(transcript, meeting)
    document = {
        "meeting_id": header.meeting_id,
        "title": header.title,
        "date": header.date,
        "started_at": transcript.started_at.isoformat() if transcript.started_at else None,
        "duration": header.duration,
        "duration_seconds": transcript.duration,
        "language": header.language,
        "series": header.series,
        "participants": header.participants,
        "notice": NOTICE,
        "turns": [
            {"timestamp": hms(t.start), "start": t.start, "end": t.end, "speaker": t.speaker, "text": t.text}
            for t in turns(transcript)
        ],
        # Segments without their entity list: entities hold the original (personal) spans.
        "segments": [
            {
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "timestamp": hms(s.start),
                "speaker": speaker_name(transcript, s.speaker),
                "text": s.text,
                "inaudible": s.inaudible,
                "words": [{"word": w.word, "start": w.start, "end": w.end} for w in s.words],
            }
            for s in publishable_segments(transcript)
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
