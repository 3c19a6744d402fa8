"""Participant naming from Visio metadata + diarization: pure logic, no models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from visio_archive.models import MeetingMetadata, SpeakerTurn, Word
from visio_archive.naming import (
    name_speakers,
    resolve_recording_start,
    speaking_participants,
    speech_intervals,
)

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)


def ts(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat()


def ev(pid: str, kind: str, seconds: float, data: str | None = None) -> dict[str, Any]:
    return {"participant_id": pid, "type": kind, "timestamp": ts(seconds), "data": data}


def meta(events: list[Any], participants: dict[str, str] | None = None, **extra: Any) -> dict:
    participants = participants if participants is not None else {"alice": "Alice Martin", "bob": "Bob Durand"}
    return {
        "participants": [{"participantId": k, "name": v} for k, v in participants.items()],
        "events": events,
        **extra,
    }


def words_at(*spans: tuple[float, float]) -> list[Word]:
    return [Word(word=f"w{i}", start=a, end=b) for i, (a, b) in enumerate(spans)]


def grid(start: float, end: float, step: float = 0.5) -> list[tuple[float, float]]:
    out, t = [], start
    while t + step <= end + 1e-9:
        out.append((round(t, 3), round(t + step * 0.8, 3)))
        t += step
    return out


def names_of(words: list[Word], speakers: list) -> list[str]:
    by_label = {s.label: s.name for s in speakers}
    return [by_label[w.speaker] for w in words]


ALICE_BOB = [
    ev("alice", "participant_connected", -5),
    ev("bob", "participant_connected", -3),
    ev("alice", "speech_start", 0.0),
    ev("alice", "speech_end", 10.0),
    ev("bob", "speech_start", 10.5),
    ev("bob", "speech_end", 20.0),
]


# ---------------------------------------------------------------- recording start


def test_start_from_metadata_first() -> None:
    m = meta(ALICE_BOB, recording_started_at="2026-03-02T09:00:00Z")
    s3 = {"recording-started-at": "2026-03-02T10:00:00+00:00"}
    assert resolve_recording_start(m, s3) == T0


def test_start_from_s3_user_metadata_any_case_or_prefix() -> None:
    m = meta(ALICE_BOB)
    assert resolve_recording_start(m, {"Recording-Started-At": ts(7)}) == T0 + timedelta(seconds=7)
    assert resolve_recording_start(m, {"X-Amz-Meta-Recording-Started-At": ts(8)}) == T0 + timedelta(seconds=8)


def test_start_falls_back_to_first_connection() -> None:
    m = meta(ALICE_BOB)
    assert resolve_recording_start(m, None) == T0 - timedelta(seconds=5)
    assert resolve_recording_start(m, {"recording-started-at": "not a date"}) == T0 - timedelta(seconds=5)


def test_start_none_without_information() -> None:
    assert resolve_recording_start(None, None) is None
    assert resolve_recording_start(meta([]), {}) is None


def test_start_naive_and_offset_timestamps_are_utc() -> None:
    assert resolve_recording_start({"recording_started_at": "2026-03-02T09:00:00"}) == T0
    paris = timezone(timedelta(hours=1))
    assert resolve_recording_start({"recording_started_at": datetime(2026, 3, 2, 10, tzinfo=paris)}) == T0


def test_start_accepts_pydantic_model() -> None:
    m = MeetingMetadata.model_validate(meta(ALICE_BOB, recording_started_at=ts(1)))
    assert resolve_recording_start(m) == T0 + timedelta(seconds=1)


# ---------------------------------------------------------------- intervals


def test_intervals_relative_to_start_and_unterminated_closed_at_disconnect_or_end() -> None:
    events = [
        ev("alice", "speech_start", 1),
        ev("alice", "speech_start", 2),      # repeated start: ignored
        ev("alice", "speech_end", 3),
        ev("alice", "speech_end", 4),        # stray end: ignored
        ev("bob", "speech_start", 5),
        ev("bob", "participant_disconnected", 6),
        ev("carol", "speech_start", 7),      # never ends
        ev("bob", "chat_received", 8, "hello"),
    ]
    iv = speech_intervals(meta(events), T0, end_s=30)
    assert iv == {"alice": [(1.0, 3.0)], "bob": [(5.0, 6.0)], "carol": [(7.0, 30.0)]}


def test_intervals_clipped_to_recording() -> None:
    events = [ev("alice", "speech_start", -4), ev("alice", "speech_end", 2), ev("bob", "speech_start", -9),
              ev("bob", "speech_end", -8)]
    assert speech_intervals(meta(events), T0, end_s=10) == {"alice": [(0.0, 2.0)]}


def test_bad_events_are_skipped_not_fatal() -> None:
    events: list[Any] = [
        {"participant_id": "alice", "type": "speech_start", "timestamp": "yesterday"},
        {"participant_id": "alice", "type": "speech_start", "timestamp": ts(1)},
        {"type": "speech_end", "timestamp": ts(2)},   # no participant
        "garbage",
        {"participant_id": "alice", "type": "speech_end", "timestamp": ts(3)},
        {"participant_id": "alice", "type": "mystery", "timestamp": ts(4)},
    ]
    assert speech_intervals(meta(events), T0, end_s=10) == {"alice": [(1.0, 3.0)]}


def test_unsorted_events_are_sorted() -> None:
    events = [ev("alice", "speech_end", 3), ev("alice", "speech_start", 1)]
    assert speech_intervals(meta(events), T0, end_s=10) == {"alice": [(1.0, 3.0)]}


def test_speaking_participants_hint() -> None:
    assert speaking_participants(meta(ALICE_BOB)) == 2
    assert speaking_participants(meta([ev("alice", "participant_connected", 0)])) is None
    assert speaking_participants(None) is None


# ---------------------------------------------------------------- naming


def test_words_named_by_metadata_intervals() -> None:
    words = words_at(*grid(0.2, 9.8), *grid(10.6, 19.6))
    turns = [SpeakerTurn(start=0, end=10, label="SPEAKER_00"), SpeakerTurn(start=10.3, end=20, label="SPEAKER_01")]
    named, speakers = name_speakers(words, turns, meta(ALICE_BOB), T0)
    names = names_of(named, speakers)
    assert set(names[: len(grid(0.2, 9.8))]) == {"Alice Martin"}
    assert set(names[len(grid(0.2, 9.8)) :]) == {"Bob Durand"}
    assert {s.name: s.source for s in speakers} == {"Alice Martin": "metadata", "Bob Durand": "metadata"}
    assert {s.participant_id for s in speakers} == {"alice", "bob"}
    # Inputs are not modified; labels are opaque.
    assert all(w.speaker is None for w in words)
    assert all(s.label.startswith("SPEAKER_") for s in speakers)


def test_word_level_beats_whole_speaker_mapping() -> None:
    # Diarization merged both voices into one speaker; metadata still splits them word by word.
    words = words_at(*grid(0.2, 9.8), *grid(10.6, 19.6))
    turns = [SpeakerTurn(start=0, end=20, label="SPEAKER_00")]
    named, speakers = name_speakers(words, turns, meta(ALICE_BOB), T0)
    assert names_of(named, speakers).count("Alice Martin") == len(grid(0.2, 9.8))
    assert names_of(named, speakers).count("Bob Durand") == len(grid(10.6, 19.6))


def test_most_overlap_wins_at_a_boundary() -> None:
    # Word 9.8-10.7 overlaps alice by 0.2 s and bob by 0.2 s... make it unequal: 9.9-10.9.
    words = words_at((9.0, 9.5), (9.9, 10.9), (11, 11.5))
    named, speakers = name_speakers(words, [], meta(ALICE_BOB), T0)
    assert names_of(named, speakers) == ["Alice Martin", "Bob Durand", "Bob Durand"]


def test_tie_broken_by_diarization() -> None:
    # Both streams active 30-40 s (cross-talk); diarization knows who speaks.
    events = [
        *ALICE_BOB,
        ev("alice", "speech_start", 30), ev("bob", "speech_start", 30),
        ev("alice", "speech_end", 40), ev("bob", "speech_end", 40),
    ]
    words = words_at(*grid(0.2, 9.8), *grid(10.6, 19.6), (31, 31.4), (35, 35.4))
    turns = [
        SpeakerTurn(start=0, end=10, label="SPEAKER_00"),
        SpeakerTurn(start=10.3, end=20, label="SPEAKER_01"),
        SpeakerTurn(start=30, end=33, label="SPEAKER_01"),
        SpeakerTurn(start=34, end=40, label="SPEAKER_00"),
    ]
    named, speakers = name_speakers(words, turns, meta(events), T0)
    assert names_of(named, speakers)[-2:] == ["Bob Durand", "Alice Martin"]
    assert {s.name: s.source for s in speakers} == {
        "Alice Martin": "metadata+diarization",
        "Bob Durand": "metadata+diarization",
    }


def test_uncovered_words_follow_their_diarized_speaker() -> None:
    words = words_at(*grid(0.2, 9.8), *grid(10.6, 19.6), (25, 25.5), (26, 26.5))
    turns = [
        SpeakerTurn(start=0, end=10, label="SPEAKER_00"),
        SpeakerTurn(start=10.3, end=20, label="SPEAKER_01"),
        SpeakerTurn(start=24.8, end=27, label="SPEAKER_01"),
    ]
    named, speakers = name_speakers(words, turns, meta(ALICE_BOB), T0)
    assert names_of(named, speakers)[-2:] == ["Bob Durand", "Bob Durand"]
    assert {s.name: s.source for s in speakers}["Bob Durand"] == "metadata+diarization"


def test_unmapped_diarized_speaker_becomes_intervenant() -> None:
    words = words_at(*grid(0.2, 9.8), (25, 25.5), (26, 26.5))
    turns = [SpeakerTurn(start=0, end=10, label="SPEAKER_00"), SpeakerTurn(start=24, end=27, label="SPEAKER_07")]
    named, speakers = name_speakers(words, turns, meta(ALICE_BOB), T0)
    names = names_of(named, speakers)
    assert names[-2:] == ["Intervenant 1", "Intervenant 1"]
    unknown = next(s for s in speakers if s.name == "Intervenant 1")
    assert unknown.source == "diarization" and unknown.participant_id is None


def test_small_padding_for_word_time_jitter() -> None:
    # ASR puts a word slightly before the VAD start: still Bob's.
    words = words_at((10.3, 10.45))
    named, speakers = name_speakers(words, [], meta(ALICE_BOB), T0)
    assert names_of(named, speakers) == ["Bob Durand"]


def test_two_voices_on_one_stream() -> None:
    # A meeting room: alice's stream carries two voices that diarization separates.
    events = [ev("alice", "speech_start", 0), ev("alice", "speech_end", 40), ev("bob", "speech_start", 41),
              ev("bob", "speech_end", 50)]
    words = words_at(*grid(0.2, 39.8), *grid(41.2, 49.8))
    turns = [
        SpeakerTurn(start=0, end=20, label="SPEAKER_00"),
        SpeakerTurn(start=20, end=40, label="SPEAKER_01"),
        SpeakerTurn(start=41, end=50, label="SPEAKER_02"),
    ]
    named, speakers = name_speakers(words, turns, meta(events), T0)
    names = names_of(named, speakers)
    assert names[0] == "Alice Martin"
    assert names[len(grid(0.2, 19.8)) + 1] == "Alice Martin (2)"
    assert names[-1] == "Bob Durand"
    by_name = {s.name: s for s in speakers}
    assert by_name["Alice Martin (2)"].participant_id == "alice"
    assert by_name["Alice Martin (2)"].source == "metadata+diarization"
    assert by_name["Alice Martin"].source == "metadata"


def test_short_diarization_blip_does_not_split_a_participant() -> None:
    words = words_at(*grid(0.2, 9.8))
    turns = [SpeakerTurn(start=0, end=9, label="SPEAKER_00"), SpeakerTurn(start=9, end=10, label="SPEAKER_01")]
    named, speakers = name_speakers(words, turns, meta(ALICE_BOB), T0)
    assert set(names_of(named, speakers)) == {"Alice Martin"}


def test_no_metadata_uses_diarization_only() -> None:
    words = words_at((0, 0.5), (1, 1.5), (5, 5.5))
    turns = [SpeakerTurn(start=0, end=2, label="SPEAKER_00"), SpeakerTurn(start=4, end=6, label="SPEAKER_01")]
    for m, start in ((None, None), (meta(ALICE_BOB), None), ({}, T0)):
        named, speakers = name_speakers(words, turns, m, start)
        assert names_of(named, speakers) == ["Intervenant 1", "Intervenant 1", "Intervenant 2"]
        assert all(s.source == "diarization" for s in speakers)


def test_no_metadata_no_diarization_one_speaker() -> None:
    named, speakers = name_speakers(words_at((0, 1), (2, 3)), [], None, None)
    assert len(speakers) == 1 and {w.speaker for w in named} == {speakers[0].label}


def test_unknown_participant_id_keeps_its_own_speaker() -> None:
    events = [*ALICE_BOB, ev("zoe-404", "speech_start", 21), ev("zoe-404", "speech_end", 25)]
    words = words_at((1, 1.5), (22, 22.5), (23, 23.5))
    named, speakers = name_speakers(words, [], meta(events), T0)
    names = names_of(named, speakers)
    assert names[0] == "Alice Martin"
    assert names[1] == names[2] == "Intervenant 1"
    zoe = next(s for s in speakers if s.participant_id == "zoe-404")
    assert zoe.source == "metadata"


def test_participants_who_never_spoke_and_chat_are_not_speakers() -> None:
    events = [*ALICE_BOB, ev("carol", "participant_connected", 1), ev("carol", "chat_received", 2, "bonjour")]
    participants = {"alice": "Alice Martin", "bob": "Bob Durand", "carol": "Carole Silence"}
    words = words_at((1, 1.5), (12, 12.5))
    named, speakers = name_speakers(words, [], meta(events, participants), T0)
    assert [s.name for s in speakers] == ["Alice Martin", "Bob Durand"]
    assert names_of(named, speakers) == ["Alice Martin", "Bob Durand"]


def test_offset_recording_start_shifts_intervals() -> None:
    # The recording started 10 s after T0: alice's 0-10 s is before it, bob's 10.5-20 s is 0.5-10 s.
    words = words_at((1, 1.5), (5, 5.5))
    named, speakers = name_speakers(words, [], meta(ALICE_BOB), T0 + timedelta(seconds=10))
    assert names_of(named, speakers) == ["Bob Durand", "Bob Durand"]


def test_zero_length_and_reversed_words() -> None:
    words = [Word(word="a", start=2.0, end=2.0), Word(word="b", start=13.0, end=12.5)]
    named, speakers = name_speakers(words, [], meta(ALICE_BOB), T0)
    assert names_of(named, speakers) == ["Alice Martin", "Bob Durand"]


def test_empty_words() -> None:
    assert name_speakers([], [SpeakerTurn(start=0, end=1, label="SPEAKER_00")], meta(ALICE_BOB), T0) == ([], [])


def test_pydantic_metadata_model() -> None:
    m = MeetingMetadata.model_validate(meta(ALICE_BOB))
    named, speakers = name_speakers(words_at((1, 1.5), (12, 12.5)), [], m, T0)
    assert names_of(named, speakers) == ["Alice Martin", "Bob Durand"]


@pytest.mark.parametrize("name", ["", None])
def test_participant_without_name(name: str | None) -> None:
    m = meta(ALICE_BOB)
    m["participants"][0]["name"] = name
    named, speakers = name_speakers(words_at((1, 1.5)), [], m, T0)
    assert names_of(named, speakers) == ["Intervenant 1"]
    assert speakers[0].participant_id == "alice"
