"""WebVTT / SRT / RTTM writers: pure functions of a Transcript."""

from __future__ import annotations

from itertools import pairwise

from visio_archive.models import Segment, Speaker, SpeakerTurn, Transcript, Word
from visio_archive.subtitles import (
    cues,
    segments_to_turns,
    srt_timestamp,
    to_rttm,
    to_srt,
    to_webvtt,
    turns_to_rttm,
    vtt_timestamp,
)


def _words(text: str, start: float, step: float = 0.5, speaker: str | None = None) -> list[Word]:
    return [
        Word(word=w, start=start + i * step, end=start + i * step + step * 0.8, speaker=speaker)
        for i, w in enumerate(text.split())
    ]


def _transcript() -> Transcript:
    s1 = "Bonjour à tous, merci d'être là."
    s2 = "Je <propose> qu'on commence & vite."
    return Transcript(
        meeting_id="meeting 42",
        language="fr",
        duration=20.0,
        speakers=[
            Speaker(label="SPEAKER_00", name="Alice Martin", source="metadata"),
            Speaker(label="SPEAKER_01", name="Intervenant 2"),
        ],
        segments=[
            Segment(start=1.0, end=4.0, text=s1, speaker="SPEAKER_00", words=_words(s1, 1.0)),
            Segment(start=5.0, end=8.0, text=s2, speaker="SPEAKER_01", words=_words(s2, 5.0)),
            Segment(start=9.0, end=12.0, text="merci merci merci", speaker=None, flagged="repeated word"),
        ],
    )


def test_timestamps() -> None:
    assert vtt_timestamp(0) == "00:00:00.000"
    assert vtt_timestamp(3723.4567) == "01:02:03.457"
    assert srt_timestamp(59.9996) == "00:01:00,000"
    assert srt_timestamp(-1) == "00:00:00,000"


def test_webvtt_has_voice_tags_and_escapes() -> None:
    vtt = to_webvtt(_transcript())
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:01.000 --> 00:00:04.000" in vtt
    assert "<v Alice Martin>Bonjour à tous, merci d'être là.</v>" in vtt
    assert "<v Intervenant 2>Je &lt;propose&gt; qu'on commence &amp; vite.</v>" in vtt
    # A flagged segment is one inaudible marker with its times, never its doubtful text.
    assert "merci merci merci" not in vtt
    assert "00:00:09.000 --> 00:00:12.000\n[passage inaudible 00:00:09–00:00:12]" in vtt


def test_srt_numbering_and_speaker_prefix() -> None:
    srt = to_srt(_transcript())
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == 3
    assert blocks[2].splitlines()[1:] == ["00:00:09,000 --> 00:00:12,000", "[passage inaudible 00:00:09–00:00:12]"]
    assert blocks[0].splitlines() == [
        "1",
        "00:00:01,000 --> 00:00:04,000",
        "Alice Martin: Bonjour à tous, merci d'être là.",
    ]
    assert blocks[1].startswith("2\n00:00:05,000 --> ")


def test_long_segment_is_cut_into_readable_cues() -> None:
    text = " ".join(f"mot{i}" for i in range(60))
    seg = Segment(start=0.0, end=30.0, text=text, speaker="A", words=_words(text, 0.0))
    t = Transcript(meeting_id="m", language="fr", duration=30.0, segments=[seg])
    out = cues(t, max_chars=42, max_seconds=7.0)
    assert len(out) > 3
    assert all(len(c.text) <= 42 and c.end - c.start <= 7.0 + 1e-6 for c in out)
    assert " ".join(c.text for c in out) == text
    assert all(a.end <= b.start for a, b in pairwise(out))


def test_rttm_from_segments_and_turns() -> None:
    t = _transcript()
    rttm = to_rttm(t)
    lines = rttm.strip().splitlines()
    assert lines[0] == "SPEAKER meeting_42 1 1.000 3.000 <NA> <NA> SPEAKER_00 <NA> <NA>"
    assert len(lines) == 2  # the flagged segment has no speaker
    turns = [SpeakerTurn(start=2.0, end=3.5, label="SPEAKER_01"), SpeakerTurn(start=0.5, end=1.0, label="SPEAKER_00")]
    out = turns_to_rttm(turns, "m").splitlines()
    assert out[0].split()[3:5] == ["0.500", "0.500"]
    assert out[1].split()[7] == "SPEAKER_01"
    assert turns_to_rttm([], "m") == ""


def test_segments_to_turns_merges_same_speaker() -> None:
    t = Transcript(
        meeting_id="m",
        language="fr",
        duration=10,
        segments=[
            Segment(start=0, end=1, text="a", speaker="A"),
            Segment(start=1, end=2, text="b", speaker="A"),
            Segment(start=2.5, end=3, text="c", speaker="B"),
        ],
    )
    turns = segments_to_turns(t)
    assert [(x.start, x.end, x.label) for x in turns] == [(0, 2, "A"), (2.5, 3, "B")]


def test_join_words_keeps_french_elisions_and_punctuation_tight() -> None:
    from visio_archive.subtitles import join_words

    assert join_words(["Nous", "m", "'allons", "voir", "l", "’état", ",", "peut-", "être", "."]) == (
        "Nous m'allons voir l’état, peut-être."
    )
    assert join_words(["Bonjour", "à", "tous"]) == "Bonjour à tous"
    assert join_words([]) == ""
