"""One rule for what a reader sees of a segment: a flagged span is one ``[passage inaudible …]``
marker with its times, in every reader; never its doubtful text, never a silent gap.

Readers checked here are pure functions (subtitles and every export format); the meeting page and
the API are checked against the real services in the search UI tests.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from visio_archive.exports import FORMATS, export_transcript
from visio_archive.models import RedactedSegment, RedactedTranscript, Segment, Speaker, Transcript, Word
from visio_archive.publish import inaudible_marker, publishable_segments
from visio_archive.subtitles import to_srt, to_webvtt

DOUBTFUL = "euh merci merci merci merci merci merci merci"
MARKER = "[passage inaudible 00:12:30–00:12:44]"


def _words(text: str, start: float) -> list[Word]:
    return [Word(word=w, start=start + 0.4 * i, end=start + 0.4 * i + 0.3) for i, w in enumerate(text.split())]


def redacted() -> RedactedTranscript:
    before, after = "Nous passons au point suivant.", "Je reprends : le budget est validé."
    return RedactedTranscript(
        meeting_id="copil-inaudible",
        language="fr",
        duration=800.0,
        speakers=[Speaker(label="S0", name="Alice Martin"), Speaker(label="S1", name="Bruno Petit")],
        segments=[
            RedactedSegment(index=0, start=740.0, end=748.0, speaker="S0", text=before, words=_words(before, 740.0)),
            # What redaction stores for a flagged span: its times and reason, no text, no words.
            RedactedSegment(index=1, start=750.0, end=763.2, speaker="S1", text="", flagged="decoding loop"),
            RedactedSegment(index=2, start=765.0, end=770.0, speaker="S1", text=after, words=_words(after, 765.0)),
        ],
    )


def test_marker_form() -> None:
    assert inaudible_marker(750.0, 763.2) == MARKER
    assert inaudible_marker(0.0, 4.0) == "[passage inaudible 00:00:00–00:00:04]"
    assert inaudible_marker(3599.5, 3600.4) == "[passage inaudible 00:59:59–01:00:01]"


def test_publishable_keeps_order_and_replaces_flagged_text() -> None:
    full = Transcript(
        meeting_id="m",
        language="fr",
        duration=20.0,
        segments=[
            Segment(start=10.0, end=12.0, text="fin", words=_words("fin", 10.0)),
            Segment(start=1.0, end=5.0, text=DOUBTFUL, flagged="decoding loop"),
            Segment(start=6.0, end=7.0, text="   "),
        ],
    )
    shown = publishable_segments(full)
    assert [s.text for s in shown] == ["[passage inaudible 00:00:01–00:00:05]", "fin"]
    assert shown[0].inaudible and not shown[0].words
    assert [s.index for s in shown] == [1, 0]


def _text_of(fmt: str, data: bytes, tmp_path: Path) -> str:
    if fmt == "odt":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("content.xml").decode()
    if fmt == "docx":
        import docx

        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    if fmt == "pdf":
        if not shutil.which("pdftotext"):
            pytest.fail("pdftotext (poppler-utils) is missing: run infra/bootstrap.sh")
        path = tmp_path / "x.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_format_shows_the_marker_between_its_neighbours(fmt: str, tmp_path: Path) -> None:
    text = _text_of(fmt, export_transcript(redacted(), fmt), tmp_path)
    flat = " ".join(text.split())
    assert MARKER in flat, flat[:2000]
    assert flat.index("point suivant") < flat.index(MARKER) < flat.index("budget est validé")
    assert "merci merci" not in flat


def test_subtitles_show_the_marker_as_a_cue() -> None:
    as_full = Transcript(
        meeting_id="m",
        language="fr",
        duration=800.0,
        speakers=redacted().speakers,
        segments=[
            Segment(start=s.start, end=s.end, text=DOUBTFUL if s.flagged else s.text, speaker=s.speaker,
                    words=s.words, flagged=s.flagged)
            for s in redacted().segments
        ],
    )
    vtt, srt = to_webvtt(as_full), to_srt(as_full)
    assert "00:12:30.000 --> 00:12:43.200\n<v Bruno Petit>" + MARKER in vtt
    assert "00:12:30,000 --> 00:12:43,200\nBruno Petit: " + MARKER in srt
    assert "merci merci" not in vtt + srt
