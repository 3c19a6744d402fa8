"""Real names for transcript speakers, from the Visio metadata JSON and the diarization.

The Visio room agent records, per participant stream, ``speech_start`` / ``speech_end`` events (a VAD
on that participant's own microphone). Those intervals say *who* spoke *when* far better than voice
clustering does, except where they are missing (no metadata, a participant unknown to the list,
a word outside every interval), ambiguous (two streams active at once) or too coarse (one stream,
e.g. a meeting room, carrying several voices). Diarization decides exactly there.

Visio itself maps whole diarized speakers to the participant overlapping them for at least half of
their speech. Here each **word** is named:

1. A word covered by one participant's speech intervals goes to that participant (most overlap).
2. Ties (several streams active, e.g. cross-talk or echo) are broken by the word's diarized speaker
   (the participant that speaker is mapped to), else by the most overlap / earliest listed.
3. A word no interval covers takes its diarized speaker's participant, when most (>= half) of that
   speaker's covered words belong to one participant; otherwise the diarized speaker becomes
   "Intervenant N".
4. When two diarized speakers both hold a substantial part of one participant's words (and each is
   mostly heard on that participant's stream), the stream carries two voices: "Name" and "Name (2)".

Labels on words are opaque and stable within a transcript (``SPEAKER_00``, ... in order of first
word); names and participant ids are on the :class:`~visio_archive.models.Speaker` records.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from visio_archive.models import MeetingMetadata, Participant, Speaker, SpeakerTurn, Word

log = logging.getLogger(__name__)

# A word and an interval are compared on [start, end] with at least this length (zero-length words).
MIN_WORD_S = 0.02
# Second chance for words no interval covers: intervals widened by this much (VAD / word-time jitter).
PAD_S = 0.3
# Overlaps within this share of the best one are a tie.
TIE_RATIO = 0.9
# A diarized speaker is "mapped" to a participant holding at least this share of its covered words.
MAP_SHARE = 0.5
# Two voices on one stream: the second diarized speaker needs this many words and share of the stream.
SPLIT_MIN_WORDS = 12
SPLIT_MIN_SHARE = 0.2
UNKNOWN_NAME = "Intervenant {n}"

S3_START_KEYS = ("recording-started-at", "x-amz-meta-recording-started-at", "recording_started_at")


# ---------------------------------------------------------------- metadata parsing


def _parse_time(value: Any) -> datetime | None:
    """A timezone-aware UTC datetime, or None for anything unparseable (naive values are UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            dt = datetime.fromtimestamp(float(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


@dataclass(frozen=True)
class _Event:
    participant_id: str
    type: str
    timestamp: datetime


@dataclass
class _Meta:
    participants: dict[str, str]  # id -> name, in list order
    events: list[_Event]          # valid events, sorted by time
    recording_started_at: datetime | None


def _read_metadata(metadata: MeetingMetadata | Mapping[str, Any] | None) -> _Meta:
    """Reads the metadata leniently: one bad event or participant never discards the rest."""
    if metadata is None:
        return _Meta({}, [], None)
    if isinstance(metadata, MeetingMetadata):
        participants = {p.participant_id: p.name for p in metadata.participants}
        events = [
            _Event(e.participant_id, str(e.type), t)
            for e in metadata.events
            if (t := _parse_time(e.timestamp)) is not None
        ]
        start = _parse_time(metadata.recording_started_at)
        extra = metadata.model_extra or {}
        if start is None and "recording_started_at" in extra:
            start = _parse_time(extra["recording_started_at"])
    elif isinstance(metadata, Mapping):
        participants = {}
        for raw in metadata.get("participants") or []:
            if not isinstance(raw, Mapping):
                continue
            pid = raw.get("participantId", raw.get("participant_id"))
            if pid is None:
                continue
            name = raw.get("name")
            participants[str(pid)] = str(name) if name not in (None, "") else ""
        events = []
        for raw in metadata.get("events") or []:
            if not isinstance(raw, Mapping):
                continue
            pid, kind, ts = raw.get("participant_id"), raw.get("type"), _parse_time(raw.get("timestamp"))
            if pid is None or kind is None or ts is None:
                log.debug("skipping malformed metadata event %r", raw)
                continue
            events.append(_Event(str(pid), str(kind), ts))
        start = _parse_time(metadata.get("recording_started_at"))
    else:
        raise TypeError(f"unsupported metadata type {type(metadata).__name__}")
    events.sort(key=lambda e: e.timestamp)  # stable: equal times keep file order
    return _Meta(participants, events, start)


def resolve_recording_start(
    metadata: MeetingMetadata | Mapping[str, Any] | None,
    s3_user_metadata: Mapping[str, Any] | None = None,
) -> datetime | None:
    """When the recording started (UTC), in this order of trust:

    1. ``recording_started_at`` in the metadata JSON;
    2. the S3 object's user metadata ``recording-started-at`` (any case, with or without the
       ``x-amz-meta-`` prefix);
    3. the first ``participant_connected`` event (an approximation: the egress starts later).
    """
    meta = _read_metadata(metadata)
    if meta.recording_started_at is not None:
        return meta.recording_started_at
    if s3_user_metadata:
        lowered = {str(k).lower(): v for k, v in s3_user_metadata.items()}
        for key in S3_START_KEYS:
            value = _parse_time(lowered.get(key))
            if value is not None:
                return value
    connected = [e.timestamp for e in meta.events if e.type == "participant_connected"]
    return min(connected) if connected else None


def speaking_participants(metadata: MeetingMetadata | Mapping[str, Any] | None) -> int | None:
    """Number of participants with at least one ``speech_start`` event (a hint for diarization)."""
    meta = _read_metadata(metadata)
    speakers = {e.participant_id for e in meta.events if e.type == "speech_start"}
    return len(speakers) or None


def speech_intervals(
    metadata: MeetingMetadata | Mapping[str, Any] | None,
    recording_started_at: datetime | None,
    end_s: float | None = None,
) -> dict[str, list[tuple[float, float]]]:
    """Per participant id, sorted speech intervals in seconds from the recording start.

    An interval opens at ``speech_start`` and closes at the next ``speech_end``; a repeated start is
    ignored, a stray end is ignored. An unterminated interval closes at the participant's
    disconnection, else at ``end_s`` (end of the recording), else at the last event. Intervals are
    clipped to ``[0, end_s]``; empty ones are dropped. Chat and unknown events are ignored.
    """
    meta = _read_metadata(metadata)
    start = _parse_time(recording_started_at) or resolve_recording_start(metadata)
    if start is None or not meta.events:
        return {}
    last_event_s = (meta.events[-1].timestamp - start).total_seconds()
    horizon = end_s if end_s is not None else last_event_s
    open_at: dict[str, float] = {}
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)

    def close(pid: str, t: float) -> None:
        a = open_at.pop(pid)
        lo, hi = max(0.0, a), t if end_s is None else min(t, end_s)
        if hi > lo:
            out[pid].append((lo, hi))

    for e in meta.events:
        t = (e.timestamp - start).total_seconds()
        if e.type == "speech_start":
            open_at.setdefault(e.participant_id, t)
        elif e.type in ("speech_end", "participant_disconnected") and e.participant_id in open_at:
            close(e.participant_id, t)
    for pid in list(open_at):
        close(pid, max(horizon, open_at[pid]))
    return {pid: _merge(sorted(iv)) for pid, iv in out.items()}


def _merge(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[tuple[float, float]] = []
    for a, b in intervals:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


# ---------------------------------------------------------------- naming


def _overlap(a0: float, a1: float, intervals: Sequence[tuple[float, float]], pad: float = 0.0) -> float:
    total = 0.0
    for b0, b1 in intervals:
        b0, b1 = b0 - pad, b1 + pad
        if b0 >= a1:
            break
        total += max(0.0, min(a1, b1) - max(a0, b0))
    return total


def _word_span(w: Word) -> tuple[float, float]:
    start, end = float(w.start), float(w.end)
    if end < start:
        start, end = end, start
    if end - start < MIN_WORD_S:
        mid = (start + end) / 2
        start, end = mid - MIN_WORD_S / 2, mid + MIN_WORD_S / 2
    return start, end


def _diar_label(span: tuple[float, float], turns: Sequence[SpeakerTurn]) -> str | None:
    """The turn label overlapping the word most; else the nearest turn within 1 s."""
    best, best_ov = None, 0.0
    nearest, nearest_d = None, 1.0
    for t in turns:
        ov = min(span[1], t.end) - max(span[0], t.start)
        if ov > best_ov:
            best, best_ov = t.label, ov
        elif best is None:
            d = max(t.start - span[1], span[0] - t.end)
            if d < nearest_d:
                nearest, nearest_d = t.label, d
    return best if best is not None else nearest


def _candidates(
    span: tuple[float, float], intervals: Mapping[str, Sequence[tuple[float, float]]]
) -> list[str]:
    """Participants whose intervals cover the word best (several on a tie); padded second chance."""
    for pad in (0.0, PAD_S):
        scores = {pid: _overlap(span[0], span[1], iv, pad) for pid, iv in intervals.items()}
        best = max(scores.values(), default=0.0)
        if best > 0:
            return [pid for pid, s in scores.items() if s >= TIE_RATIO * best and s > 0]
    return []


def name_speakers(
    words: Iterable[Word],
    turns: Sequence[SpeakerTurn],
    metadata: MeetingMetadata | Mapping[str, Any] | None,
    recording_started_at: datetime | None,
) -> tuple[list[Word], list[Speaker]]:
    """Copies of ``words`` with ``.speaker`` set to a speaker label, and the speakers (see module doc).

    ``turns`` are the diarization's anonymous turns (may be empty), ``metadata`` the Visio metadata
    JSON (model or plain dict, may be None), ``recording_started_at`` from
    :func:`resolve_recording_start` (None: the metadata intervals cannot be placed and are not used).
    """
    words = list(words)
    if not words:
        return [], []
    meta = _read_metadata(metadata)
    # Horizon for unterminated intervals; a little beyond the last word so padding still works.
    end_s = max([float(w.end) for w in words] + [t.end for t in turns]) + 2 * PAD_S
    intervals = (
        speech_intervals(metadata, recording_started_at, end_s=end_s) if recording_started_at else {}
    )
    order = {pid: i for i, pid in enumerate(meta.participants)}
    spans = [_word_span(w) for w in words]
    diar = [_diar_label(s, turns) for s in spans]
    cands = [_candidates(s, intervals) for s in spans]

    # Diarized speaker -> participant, from the words metadata names without ambiguity.
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for d, c in zip(diar, cands, strict=True):
        if d is not None and len(c) == 1:
            votes[d][c[0]] += 1
    diar_to_pid: dict[str, str] = {}
    for d, counter in votes.items():
        pid, n = counter.most_common(1)[0]
        if n >= MAP_SHARE * sum(counter.values()):
            diar_to_pid[d] = pid

    # Per word: (participant id or None, diarized label, how it was decided)
    owner: list[str | None] = []
    via_diar: list[bool] = []
    for d, c in zip(diar, cands, strict=True):
        if len(c) == 1:
            owner.append(c[0])
            via_diar.append(False)
        elif len(c) > 1:
            mapped = diar_to_pid.get(d) if d is not None else None
            if mapped in c:
                owner.append(mapped)
                via_diar.append(True)
            else:
                owner.append(min(c, key=lambda p: (order.get(p, len(order)), p)))
                via_diar.append(False)
        else:
            mapped = diar_to_pid.get(d) if d is not None else None
            owner.append(mapped)
            via_diar.append(mapped is not None)

    # Voices per participant: which diarized speakers hold its words.
    voices: dict[str, Counter[str]] = defaultdict(Counter)
    for who, d in zip(owner, diar, strict=True):
        if who is not None and d is not None:
            voices[who][d] += 1
    second_voice: dict[tuple[str, str], int] = {}  # (pid, diar label) -> voice number >= 2
    for pid, counter in voices.items():
        total = sum(counter.values())
        ranked = [
            d for d, n in counter.most_common()
            if n >= SPLIT_MIN_WORDS and n >= SPLIT_MIN_SHARE * total and diar_to_pid.get(d) == pid
        ]
        for i, d in enumerate(ranked[1:], start=2):
            second_voice[(pid, d)] = i

    # Keys of speakers: ("p", pid, voice number) or ("d", diar label) or ("u",) for no information.
    keys: list[tuple[str, ...]] = []
    for who, d in zip(owner, diar, strict=True):
        if who is not None:
            voice = second_voice.get((who, d), 1) if d is not None else 1
            keys.append(("p", who, str(voice)))
        elif d is not None:
            keys.append(("d", d))
        else:
            keys.append(("u",))

    labels: dict[tuple[str, ...], str] = {}
    for k in keys:
        labels.setdefault(k, f"SPEAKER_{len(labels):02d}")
    from_diar: dict[tuple[str, ...], bool] = defaultdict(bool)
    for k, v in zip(keys, via_diar, strict=True):
        from_diar[k] |= v or (k[0] == "p" and k[2] != "1")

    speakers: list[Speaker] = []
    unknown_n = 0
    for key, label in labels.items():
        if key[0] == "p":
            pid, voice = key[1], int(key[2])
            name = meta.participants.get(pid) or ""
            if not name:
                unknown_n += 1
                name = UNKNOWN_NAME.format(n=unknown_n)
            if voice > 1:
                name = f"{name} ({voice})"
            source = "metadata+diarization" if from_diar[key] else "metadata"
            speakers.append(Speaker(label=label, name=name, participant_id=pid, source=source))
        else:
            unknown_n += 1
            speakers.append(Speaker(label=label, name=UNKNOWN_NAME.format(n=unknown_n), source="diarization"))

    named = [w.model_copy(update={"speaker": labels[k]}) for w, k in zip(words, keys, strict=True)]
    return named, speakers


def participant_names(metadata: MeetingMetadata | Mapping[str, Any] | None) -> list[Participant]:
    """Participants listed in the metadata (for the meeting document), in list order."""
    meta = _read_metadata(metadata)
    return [Participant.model_validate({"participantId": pid, "name": name}) for pid, name in meta.participants.items()]
