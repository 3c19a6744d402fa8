"""Redacting a whole transcript: text, words and the time intervals of redacted words.

Choices (see also the package docstring):
* Detection runs per segment (batched); the meeting's speaker display names are the PERSON
  gazetteer, so a participant's name is caught in any case/accent form.
* ``RedactedTranscript.speakers`` keeps the participants' display names (names from the meeting's
  metadata) by default (viewers see who spoke, as in the official minutes; those people act in an
  official capacity), while their names are redacted inside the text.  ``pseudonymize_speakers=True``
  replaces them by the same [PERSONNE_n] pseudonyms as in the text.  A speaker label that did not
  come from the metadata is free text: redacted like the title.
* The title and the series are redacted like the text, with the same pseudonyms.
* A flagged segment keeps its times and reason, never its text or words.
* ``RedactedSegment.entities`` carries the offsets into the original segment text, but its
  ``text`` field holds the *pseudonym*, never the original: the only copy of originals is the
  encrypted mapping returned as bytes.
* Entity spans are mapped to word intervals through the character offsets of the words inside
  the segment text; when a segment has no words, the interval is estimated from the segment's
  times in proportion to character offsets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from visio_archive.models import Entity, RedactedSegment, RedactedTranscript, Segment, Speaker, Transcript, Word
from visio_archive.redaction.crypto import encrypt_mapping, hmac_key
from visio_archive.redaction.detector import (
    answered_cues,
    continued_numbers,
    detect_many,
    repeated_numbers,
    spread_names,
)
from visio_archive.redaction.numbers_fr import fold
from visio_archive.redaction.operators import Pseudonymizer, redact_text
from visio_archive.redaction.person import looks_like_name, participant_names
from visio_archive.redaction.pool import usable_cores

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
        entities=public, redacted_intervals=merge_intervals(intervals), words=new_words, language=seg.language,
    )


def _is_participant(speaker: Speaker) -> bool:
    """A name that came from the meeting's metadata (a participant of the call), not a free-text label."""
    return "metadata" in speaker.source


def _label_entities(label: str, found: list[Entity]) -> list[Entity]:
    """Entities of a free-text speaker label: what detection found, or the whole label when it is a
    bare name that detection could not place ("Kerwan", "Dr Le Tallec" typed by an operator)."""
    if found or not looks_like_name(label):
        return found
    text = label.strip()
    start = label.index(text)
    return [Entity(start=start, end=start + len(text), label="PERSON", text=text, score=0.6, source="label")]


def redact_transcript(transcript: Transcript, *, settings: Settings, series: str | None = None,
                      operator: str = "placeholder", pseudonymize_speakers: bool = False,
                      labels: list[str] | None = None) -> tuple[RedactedTranscript, bytes]:
    """Redacted transcript + the encrypted pseudonym mapping (see :func:`decrypt_mapping`).

    Every free-text field a viewer sees goes through the same detection and the same
    :class:`Pseudonymizer` as the segments: the title, ``series`` and the names of speakers that are
    not meeting participants (labels typed by whoever made the transcript).  "Jean Dupont" in the
    title and "jean dupont" in the text are one ``[PERSONNE_1]``.

    A flagged segment (ASR gave no trustworthy text) keeps its times and its ``flagged`` reason but
    no text, no words and no entities: its doubtful text never reaches a viewer.  When that text
    holds personal data, the whole segment's audio is one redacted interval (its word times cannot
    be trusted either).
    """
    lang = (transcript.language or "fr")[:2].lower()
    # the gazetteer: participants' names, and free-text labels that are names (not "Présidente de séance")
    names = participant_names([s.name for s in transcript.speakers if _is_participant(s) or looks_like_name(s.name)])
    free_speakers = [k for k, sp in enumerate(transcript.speakers)
                     if not _is_participant(sp) and participant_names([sp.name])]
    fields = [transcript.title or "", series or ""] + [transcript.speakers[k].name for k in free_speakers]
    processes = settings.redaction_processes or usable_cores()
    field_ents = detect_many(fields, lang=lang, participants=names, labels=labels)
    # Each stretch with the rules of the language it was spoken in (an English guest in a French
    # meeting is redacted with the English pipeline), pseudonyms shared across languages.
    seg_ents: list[list[Entity]] = [[] for _ in transcript.segments]
    by_language: dict[str, list[int]] = {}
    for k, seg in enumerate(transcript.segments):
        by_language.setdefault((seg.language or lang)[:2].lower(), []).append(k)
    for seg_lang, indexes in by_language.items():
        found = detect_many([transcript.segments[k].text for k in indexes], lang=seg_lang, participants=names,
                            labels=labels, processes=processes)
        for k, ents in zip(indexes, found, strict=True):
            seg_ents[k] = ents
    seg_texts = [seg.text for seg in transcript.segments]
    seg_langs = [(seg.language or lang)[:2].lower() for seg in transcript.segments]
    # a number that opens a segment answers the question the segment before ends on
    seg_ents = answered_cues(seg_texts, seg_ents, seg_langs, labels)
    # a number read back later in the meeting ("so that's 06 12 …, correct?") is the same personal data
    seg_ents = repeated_numbers(seg_texts, seg_ents, seg_langs)
    # "… et pour ma conjointe 947 125 332": the next number of a list takes the first one's label
    seg_ents = continued_numbers(seg_texts, seg_ents, seg_langs)
    if labels is None or "PERSON" in labels:
        # a name found once (with a civility, in the title) is redacted wherever it comes back alone
        texts = fields + seg_texts
        langs = [lang] * len(fields) + seg_langs
        spread = spread_names(texts, field_ents + seg_ents, langs)
        field_ents, seg_ents = spread[:len(fields)], spread[len(fields):]
    ps = Pseudonymizer(lang, hmac_key(settings), participants=names)

    def redact_field(text: str, ents: list[Entity]) -> str:
        return redact_text(text, ents, operator, ps)

    title = redact_field(fields[0], field_ents[0]) if transcript.title is not None else None
    red_series = redact_field(fields[1], field_ents[1]) if series is not None else None
    segments = []
    for i, (seg, ents) in enumerate(zip(transcript.segments, seg_ents, strict=True)):
        if seg.flagged:
            segments.append(RedactedSegment(
                index=i, start=seg.start, end=seg.end, speaker=seg.speaker, text="", words=[],
                flagged=seg.flagged, redacted_intervals=[(seg.start, seg.end)] if ents else [],
                language=seg.language))
            continue
        reps = [ps.replacement(e, operator) for e in ents]
        segments.append(redact_segment(i, seg, ents, reps))
    speakers = []
    free = dict(zip(free_speakers, field_ents[2:], strict=True))
    for k, sp in enumerate(transcript.speakers):
        if k in free:
            sp = sp.model_copy(update={"name": redact_field(sp.name, _label_entities(sp.name, free[k]))})
        elif pseudonymize_speakers and participant_names([sp.name]):
            sp = sp.model_copy(update={"name": ps.replacement(
                Entity(start=0, end=len(sp.name), label="PERSON", text=sp.name), operator)})
        speakers.append(sp)
    red = RedactedTranscript(
        meeting_id=transcript.meeting_id, language=transcript.language, duration=transcript.duration,
        started_at=transcript.started_at, title=title, series=red_series, speakers=speakers,
        segments=segments, operator=operator,
    )
    mapping = {"version": 1, "meeting_id": transcript.meeting_id, "operator": operator,
               "language": transcript.language, "pseudonyms": ps.mapping}
    return red, encrypt_mapping(mapping, settings)
