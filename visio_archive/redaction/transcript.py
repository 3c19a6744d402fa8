"""Redacting a whole transcript: text, words and the time intervals of redacted words.

Choices (see also the package docstring):
* Detection runs per segment (batched); the meeting's speaker display names are the PERSON
  gazetteer, so a participant's name is caught in any case/accent form.
* ``RedactedTranscript.speakers`` keeps the participants' display names by default (viewers see
  who spoke, as in the official minutes; those people act in an official capacity), while their
  names are redacted inside the text.  ``pseudonymize_speakers=True`` replaces display names by
  the same [PERSONNE_n] pseudonyms as in the text.
* ``RedactedSegment.entities`` carries the offsets into the original segment text, but its
  ``text`` field holds the *pseudonym*, never the original: the only copy of originals is the
  encrypted mapping returned as bytes.
* Entity spans are mapped to word intervals through the character offsets of the words inside
  the segment text; when a segment has no words, the interval is estimated from the segment's
  times in proportion to character offsets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visio_archive.models import Entity, RedactedSegment, RedactedTranscript, Segment, Transcript, Word
from visio_archive.redaction.crypto import encrypt_mapping, hmac_key
from visio_archive.redaction.detector import detect_many
from visio_archive.redaction.numbers_fr import fold
from visio_archive.redaction.operators import Pseudonymizer
from visio_archive.redaction.person import participant_names

if TYPE_CHECKING:
    from visio_archive.settings import Settings

__all__ = ["merge_intervals", "redact_segment", "redact_transcript", "word_offsets"]


def word_offsets(text: str, words: list[Word]) -> list[tuple[int, int] | None]:
    """Character span of each word inside ``text`` (in order); None for a word not found."""
    out: list[tuple[int, int] | None] = []
    pos = 0
    ftext = fold(text)
    for w in words:
        token = w.word.strip()
        if not token:
            out.append(None)
            continue
        i = text.find(token, pos)
        if i < 0 or i - pos > 40 + len(token):
            i = ftext.find(fold(token), pos)
            if i - pos > 40 + len(token):
                i = -1
        if i < 0:
            out.append(None)
            continue
        out.append((i, i + len(token)))
        pos = i + len(token)
    # words not found: give them the gap between their found neighbours
    for k, span in enumerate(out):
        if span is None and words[k].word.strip():
            prev_end = next((s[1] for s in reversed(out[:k]) if s is not None), 0)
            next_start = next((s[0] for s in out[k + 1:] if s is not None), len(text))
            if next_start > prev_end:
                out[k] = (prev_end, next_start)
    return out


def merge_intervals(intervals: list[tuple[float, float]], gap: float = 0.0) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in sorted((min(a, b), max(a, b)) for a, b in intervals):
        if merged and a <= merged[-1][1] + gap:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def redact_segment(index: int, seg: Segment, ents: list[Entity], reps: list[str]) -> RedactedSegment:
    text = seg.text
    # redacted text
    parts: list[str] = []
    pos = 0
    for e, rep in zip(ents, reps, strict=True):
        parts.append(text[pos:e.start])
        parts.append(rep)
        pos = e.end
    parts.append(text[pos:])
    # words and intervals
    intervals: list[tuple[float, float]] = []
    per_entity: dict[int, tuple[float, float]] = {}
    new_words: list[Word] = []
    spans = word_offsets(text, seg.words)
    hit_entities: set[int] = set()
    for w, span in zip(seg.words, spans, strict=True):
        if span is None:
            new_words.append(w)
            continue
        a, b = span
        touching = [(k, e) for k, e in enumerate(ents) if e.start < b and e.end > a]
        if not touching:
            new_words.append(w)
            continue
        pieces: list[str] = []
        p = a
        for k, e in touching:
            if e.start > p:
                pieces.append(text[p:e.start])
            if e.start >= a or k not in hit_entities:
                pieces.append(reps[k])
            hit_entities.add(k)
            lo, hi = per_entity.get(k, (w.start, w.end))
            per_entity[k] = (min(lo, w.start), max(hi, w.end))
            p = max(p, e.end)
        if p < b:
            pieces.append(text[p:b])
        new_words.append(w.model_copy(update={"word": "".join(pieces).strip()}))
    intervals.extend(per_entity.values())
    # entities that no word covers: estimate from the segment's times
    n = max(1, len(text))
    for k, e in enumerate(ents):
        if k not in hit_entities:
            dur = seg.end - seg.start
            intervals.append((seg.start + dur * e.start / n, seg.start + dur * e.end / n))
    public = [e.model_copy(update={"text": rep}) for e, rep in zip(ents, reps, strict=True)]
    return RedactedSegment(
        index=index, start=seg.start, end=seg.end, speaker=seg.speaker, text="".join(parts),
        entities=public, redacted_intervals=merge_intervals(intervals), words=new_words,
    )


def redact_transcript(transcript: Transcript, *, settings: Settings, operator: str = "placeholder",
                      pseudonymize_speakers: bool = False, labels: list[str] | None = None,
                      ) -> tuple[RedactedTranscript, bytes]:
    """Redacted transcript + the encrypted pseudonym mapping (see :func:`decrypt_mapping`)."""
    lang = (transcript.language or "fr")[:2].lower()
    names = participant_names([s.name for s in transcript.speakers])
    texts = [s.text for s in transcript.segments]
    all_ents = detect_many(texts, lang=lang, participants=names, labels=labels)
    ps = Pseudonymizer(lang, hmac_key(settings), participants=names)
    segments = []
    for i, (seg, ents) in enumerate(zip(transcript.segments, all_ents, strict=True)):
        reps = [ps.replacement(e, operator) for e in ents]
        segments.append(redact_segment(i, seg, ents, reps))
    speakers = []
    for sp in transcript.speakers:
        if pseudonymize_speakers and participant_names([sp.name]):
            sp = sp.model_copy(update={"name": ps.replacement(
                Entity(start=0, end=len(sp.name), label="PERSON", text=sp.name), operator)})
        speakers.append(sp)
    red = RedactedTranscript(
        meeting_id=transcript.meeting_id, language=transcript.language, duration=transcript.duration,
        started_at=transcript.started_at, title=transcript.title, speakers=speakers, segments=segments,
        operator=operator,
    )
    mapping = {"version": 1, "meeting_id": transcript.meeting_id, "operator": operator,
               "language": transcript.language, "pseudonyms": ps.mapping}
    return red, encrypt_mapping(mapping, settings)
