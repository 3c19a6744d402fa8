"""Exports are pure functions of the redacted transcript: valid files, header, timestamps, speakers,
and nothing from the entity spans (the original personal data)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from visio_archive.exports import FORMATS, export_filename, export_transcript
from visio_archive.exports.common import hms, turns
from visio_archive.models import Entity, RedactedSegment, RedactedTranscript, Speaker, Word

SECRET = "Jean Dupont"


def transcript() -> RedactedTranscript:
    speakers = [Speaker(label="SPEAKER_00", name="Alice Martin"), Speaker(label="SPEAKER_01", name="Bernard Petit")]
    rows = [
        ("SPEAKER_00", 0.0, 4.0, "Bonjour à tous, ouvrons le comité de pilotage."),
        ("SPEAKER_00", 4.0, 7.5, "Premier point : le budget."),
        ("SPEAKER_01", 3725.25, 3730.0, "[PERSONNE_1] présentera les élections <professionnelles> & co."),
    ]
    segments = [
        RedactedSegment(index=i, start=s, end=e, speaker=sp, text=t,
                        entities=[Entity(start=0, end=11, label="PERSON", text=SECRET)] if "[PERSONNE_1]" in t else [],
                        words=[Word(word=w, start=s, end=e) for w in t.split()])
        for i, (sp, s, e, t) in enumerate(rows)
    ]
    return RedactedTranscript(meeting_id="copil-2026-03", language="fr", duration=3730.0,
                              started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC), title="Comité de pilotage",
                              speakers=speakers, segments=segments)


def _text_of(fmt: str, data: bytes, tmp_path: Path) -> str:
    if fmt == "odt":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("content.xml").decode()
    if fmt == "docx":
        import docx

        document = docx.Document(io.BytesIO(data))
        return "\n".join(p.text for p in document.paragraphs)
    if fmt == "pdf":
        assert data.startswith(b"%PDF-")
        assert shutil.which("pdftotext"), "pdftotext is missing (poppler-utils; bash infra/bootstrap.sh installs it)"
        path = tmp_path / "x.pdf"
        path.write_bytes(data)
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_has_header_timestamps_speakers_and_no_entity_text(fmt: str, tmp_path: Path) -> None:
    data = export_transcript(transcript(), fmt)
    text = _text_of(fmt, data, tmp_path)
    assert "Alice Martin" in text and "Bernard Petit" in text
    assert "01:02:05" in text  # the third segment's [hh:mm:ss]
    assert "00:00:00" in text
    if fmt not in ("srt",):
        assert "Comité de pilotage" in text or "Comit&#233; de pilotage" in text
    assert SECRET not in text
    assert "PERSONNE_1" in text


def test_odt_is_a_valid_package_that_odfpy_reopens() -> None:
    data = export_transcript(transcript(), "odt")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/vnd.oasis.opendocument.text"
        assert "META-INF/manifest.xml" in z.namelist()
    from odf import teletype, text
    from odf.opendocument import load

    doc = load(io.BytesIO(data))
    paragraphs = [teletype.extractText(p) for p in doc.getElementsByType(text.P)]
    assert any(p.startswith("[01:02:05] Bernard Petit") for p in paragraphs)


def test_docx_is_a_valid_package_that_python_docx_reopens() -> None:
    data = export_transcript(transcript(), "docx")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "[Content_Types].xml" in z.namelist()
        assert "wordprocessingml" in z.read("[Content_Types].xml").decode()
    import docx

    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == "Comité de pilotage"
    assert any(p.text.startswith("[00:00:00] Alice Martin") for p in document.paragraphs)


def test_pdf_parses() -> None:
    data = export_transcript(transcript(), "pdf")
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")


def test_turns_merge_consecutive_segments_of_one_speaker() -> None:
    result = turns(transcript())
    assert [(t.speaker, hms(t.start)) for t in result] == [("Alice Martin", "00:00:00"), ("Bernard Petit", "01:02:05")]
    assert "Premier point" in result[0].text


def test_subtitles_are_well_formed() -> None:
    srt = export_transcript(transcript(), "srt").decode()
    assert "01:02:05,250 --> 01:02:10,000" in srt
    vtt = export_transcript(transcript(), "vtt").decode()
    assert vtt.startswith("WEBVTT\n")
    assert "01:02:05.250 --> 01:02:10.000" in vtt
    assert "<v Bernard Petit>" in vtt and "&lt;professionnelles&gt; &amp; co" in vtt


def test_json_has_turns_and_segments_without_entities() -> None:
    data = json.loads(export_transcript(transcript(), "json"))
    assert data["participants"] == ["Alice Martin", "Bernard Petit"]
    assert data["duration"] == "01:02:10"
    assert data["turns"][1]["timestamp"] == "01:02:05"
    assert all("entities" not in s for s in data["segments"])


def test_markdown_escapes_markup() -> None:
    md = export_transcript(transcript(), "md").decode()
    assert md.startswith("# Comité de pilotage")
    assert "**[01:02:05] Bernard Petit**" in md and "&lt;professionnelles&gt;" in md


def test_unknown_format_and_filename() -> None:
    with pytest.raises(ValueError):
        export_transcript(transcript(), "exe")
    assert export_filename(transcript(), "pdf") == "copil-2026-03.redacted.pdf"


HOSTILE = "Bon\x00jour\x01 \x1b[31m\u202etxet\u202c \u2066isolé\u2069 \ufeffici\x7f\x85 fin."
UNSAFE = ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\u202e", "\u202c", "\u2066", "\u2069", "\ufeff"]


def hostile_transcript() -> RedactedTranscript:
    base = transcript()
    segments = [s.model_copy(update={"text": HOSTILE, "words": [Word(word=w, start=s.start, end=s.end)
                                                                for w in HOSTILE.split(" ")]})
                for s in base.segments]
    speakers = [sp.model_copy(update={"name": sp.name + "\u202e\x07"}) for sp in base.speakers]
    return base.model_copy(update={"title": "Comité\x0b de\u202e pilotage", "series": "copil\x00",
                                   "segments": segments, "speakers": speakers})


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_every_format_survives_control_and_bidi_characters_and_leaks_none(fmt: str, tmp_path: Path) -> None:
    data = export_transcript(hostile_transcript(), fmt)
    raw = data.decode("utf-8", errors="replace") if fmt not in ("odt", "docx", "pdf") else ""
    text = _text_of(fmt, data, tmp_path)
    for ch in UNSAFE:
        assert ch not in text and ch not in raw, (fmt, hex(ord(ch)))
    assert "Bonjour" in text and "fin." in text


def test_pdf_is_tagged_with_title_and_language(tmp_path: Path) -> None:
    assert shutil.which("pdfinfo"), "pdfinfo is missing (poppler-utils; bash infra/bootstrap.sh installs it)"
    path = tmp_path / "m.pdf"
    path.write_bytes(export_transcript(transcript(), "pdf"))
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Tagged:          yes" in info and "Comité de pilotage" in info
    structure = subprocess.run(["pdfinfo", "-struct", str(path)], capture_output=True, text=True, check=True).stdout
    assert "H1" in structure and "P" in structure


def test_header_is_french_in_paris_time() -> None:
    md = export_transcript(transcript(), "md").decode()
    assert "2 mars 2026, 10 h 00" in md and "UTC" not in md and "français" in md
    untitled = transcript().model_copy(update={"title": None})
    assert export_transcript(untitled, "md").decode().startswith("# Réunion du 2 mars 2026")
