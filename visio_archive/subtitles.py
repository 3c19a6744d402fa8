"""Subtitle and turn writers: WebVTT (with ``<v Speaker>`` voice tags), SRT, RTTM.

Pure functions of a ``Transcript`` (or of speaker turns): no I/O, no model. Segments go through
``visio_archive.publish``: a span without trustworthy text is one ``[passage inaudible …]`` cue,
so that a deaf colleague reading the subtitles sees that something was said there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from visio_archive.models import RedactedTranscript, SpeakerTurn, Transcript
from visio_archive.publish import PublicSegment, publishable_segments

MAX_CUE_CHARS = 84      # two lines of 42 characters
MAX_CUE_SECONDS = 7.0


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None  # display name


_ATTACH_LEFT = ("'", "’", ",", ".", "…", ")", "]", "-")  # never a space before these
_ATTACH_RIGHT = ("'", "’", "(", "[", "-")  # never a space after these


def join_words(tokens: list[str]) -> str:
    """Words back into text: whisper splits "m'allons" into "m" + "'allons", and a plain
    space join would write "m 'allons"."""
    text = ""
    for token in tokens:
        if text and not token.startswith(_ATTACH_LEFT) and not text.endswith(_ATTACH_RIGHT):
            text += " "
        text += token
    return text


def _timestamp(seconds: float, sep: str) -> str:
    ms = max(0, round(seconds * 1000))
    h, rem = divmod(ms, 3_600_000)
    m, rem = divmod(rem, 60_000)
    s, ms = divmod(rem, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def vtt_timestamp(seconds: float) -> str:
    return _timestamp(seconds, ".")


def srt_timestamp(seconds: float) -> str:
    return _timestamp(seconds, ",")


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _segment_cues(seg: PublicSegment, name: str | None, max_chars: int, max_seconds: float) -> list[Cue]:
    text = _clean(seg.text)
    if not text:
        return []
    if seg.inaudible or not seg.words or (len(text) <= max_chars and seg.end - seg.start <= max_seconds):
        return [Cue(seg.start, max(seg.end, seg.start + 0.001), text, name)]
    cues: list[Cue] = []
    cur: list[str] = []
    cur_start = seg.words[0].start
    cur_end = seg.words[0].end
    for w in seg.words:
        token = _clean(w.word)
        if not token:
            continue
        candidate = join_words([*cur, token])
        sentence_done = bool(cur) and cur[-1].endswith((".", "?", "!", "…")) and len(join_words(cur)) >= max_chars // 2
        if cur and (len(candidate) > max_chars or w.end - cur_start > max_seconds or sentence_done):
            cues.append(Cue(cur_start, max(cur_end, cur_start + 0.001), join_words(cur), name))
            cur, cur_start = [], w.start
        cur.append(token)
        cur_end = w.end
    if cur:
        cues.append(Cue(cur_start, max(cur_end, cur_start + 0.001), join_words(cur), name))
    return cues


def cues(
    transcript: Transcript | RedactedTranscript,
    *,
    max_chars: int = MAX_CUE_CHARS,
    max_seconds: float = MAX_CUE_SECONDS,
) -> list[Cue]:
    """Readable cues: one per segment, long segments cut at word boundaries, inaudible spans as markers."""
    names = {s.label: s.name for s in transcript.speakers}
    out: list[Cue] = []
    for seg in publishable_segments(transcript):
        name = names.get(seg.speaker, seg.speaker) if seg.speaker else None
        out.extend(_segment_cues(seg, name, max_chars, max_seconds))
    return out


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_webvtt(transcript: Transcript | RedactedTranscript, **kwargs: object) -> str:
    lines = ["WEBVTT", ""]
    for i, cue in enumerate(cues(transcript, **kwargs), start=1):  # type: ignore[arg-type]
        lines.append(str(i))
        lines.append(f"{vtt_timestamp(cue.start)} --> {vtt_timestamp(cue.end)}")
        body = _vtt_escape(cue.text).replace("-->", "--&gt;")
        if cue.speaker:
            voice = _vtt_escape(_clean(cue.speaker))
            lines.append(f"<v {voice}>{body}</v>")
        else:
            lines.append(body)
        lines.append("")
    return "\n".join(lines)


def to_srt(transcript: Transcript | RedactedTranscript, **kwargs: object) -> str:
    blocks = []
    for i, cue in enumerate(cues(transcript, **kwargs), start=1):  # type: ignore[arg-type]
        text = f"{cue.speaker}: {cue.text}" if cue.speaker else cue.text
        blocks.append(f"{i}\n{srt_timestamp(cue.start)} --> {srt_timestamp(cue.end)}\n{text}\n")
    return "\n".join(blocks)


def _rttm_token(value: str) -> str:
    return re.sub(r"\s+", "_", value.strip()) or "<NA>"


def turns_to_rttm(turns: Iterable[SpeakerTurn], file_id: str) -> str:
    fid = _rttm_token(file_id)
    lines = []
    for t in sorted(turns, key=lambda t: (t.start, t.end, t.label)):
        dur = t.end - t.start
        if dur <= 0:
            continue
        lines.append(
            f"SPEAKER {fid} 1 {t.start:.3f} {dur:.3f} <NA> <NA> {_rttm_token(t.label)} <NA> <NA>"
        )
    return "\n".join(lines) + ("\n" if lines else "")


def segments_to_turns(transcript: Transcript, *, merge_gap: float = 0.0) -> list[SpeakerTurn]:
    """Speaker turns from the transcript's segments (segments without a speaker are skipped)."""
    turns: list[SpeakerTurn] = []
    for seg in sorted(transcript.segments, key=lambda s: s.start):
        if not seg.speaker or seg.end <= seg.start:
            continue
        if turns and turns[-1].label == seg.speaker and seg.start - turns[-1].end <= merge_gap:
            turns[-1] = SpeakerTurn(start=turns[-1].start, end=max(turns[-1].end, seg.end), label=seg.speaker)
        else:
            turns.append(SpeakerTurn(start=seg.start, end=seg.end, label=seg.speaker))
    return turns


def to_rttm(transcript: Transcript, turns: Iterable[SpeakerTurn] | None = None) -> str:
    """RTTM from diarization turns when given, else from the transcript's segments."""
    return turns_to_rttm(turns if turns is not None else segments_to_turns(transcript), transcript.meeting_id)
