"""The CLI contract: `search --json`, `export`, `import-transcript` against the real services."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_search_fixtures import MeetingFixture, corpus, load_archive

from visio_archive.models import RedactedSegment, RedactedTranscript, Transcript
from visio_archive.settings import Settings

pytestmark = pytest.mark.services

RUN = "from visio_archive.cli import ui_cmd; from visio_archive.cli.app import app; app()"


@pytest.fixture(scope="module")
def loaded(module_settings: Settings, run_id: str) -> list[MeetingFixture]:
    settings = module_settings
    meetings = corpus(run_id)
    load_archive(settings, meetings, None)
    return meetings


@pytest.fixture(scope="module")
def import_settings(module_settings: Settings, opensearch_client: Any) -> Iterator[Settings]:
    settings = module_settings
    """Imported meetings go to an index prefix of their own: the search API tests, which count
    the shared corpus's meetings by filter, must not see them whatever order the tests run in."""
    from visio_archive import index

    own = settings.model_copy(update={"index_prefix": f"{settings.index_prefix}-imports"})
    yield own
    index.delete_prefix(opensearch_client, own.index_prefix)


def cli(settings: Settings, state: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VISIO_INDEX_PREFIX": settings.index_prefix, "VISIO_BUCKET": settings.bucket,
           "VISIO_STATE_DIR": str(state)}
    return subprocess.run([sys.executable, "-c", RUN, *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=Path(__file__).resolve().parent.parent)


def test_search_json_contract(module_settings: Settings, loaded: list[MeetingFixture], tmp_path: Path) -> None:
    settings = module_settings
    result = cli(settings, tmp_path, "search", "budget", "--from", "2026-01-01", "--to", "2026-12-31",
                 "--participant", "Alice Martin", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"total", "hits"} and isinstance(data["total"], int) and data["total"] >= 1
    for hit in data["hits"]:
        assert set(hit) == {"meeting_id", "segment_id", "start", "end", "speaker", "text", "highlight"}
        assert hit["speaker"] == "Alice Martin" and hit["meeting_id"] == loaded[0].meeting_id
        assert "<mark>budget</mark>" in hit["highlight"]
        assert isinstance(hit["start"], float) and isinstance(hit["end"], float)
    audit = [json.loads(line) for line in (tmp_path / "audit.log").read_text().splitlines()]
    assert audit[-1]["action"] == "search" and audit[-1]["actor"].startswith("cli:")


def test_search_plain_and_errors(module_settings: Settings, loaded: list[MeetingFixture], tmp_path: Path) -> None:
    settings = module_settings
    plain = cli(settings, tmp_path, "search", '"comité de pilotage"')
    assert plain.returncode == 0 and loaded[0].meeting_id in plain.stdout
    # Nothing searchable in the query: every passage, like an empty query (never an error).
    empty = cli(settings, tmp_path, "search", '"((', "--json")
    everything = cli(settings, tmp_path, "search", "", "--json")
    assert empty.returncode == 0 and json.loads(empty.stdout)["total"] == json.loads(everything.stdout)["total"]
    assert json.loads(everything.stdout)["total"] >= sum(len(m.redacted.segments) for m in loaded)
    too_long = cli(settings, tmp_path, "search", "x" * 600, "--json")
    assert too_long.returncode == 2 and "trop longue" in too_long.stderr and "Traceback" not in too_long.stderr
    bad_date = cli(settings, tmp_path, "search", "budget", "--from", "yesterday")
    assert bad_date.returncode == 2


def test_export_command(module_settings: Settings, loaded: list[MeetingFixture], tmp_path: Path) -> None:
    settings = module_settings
    out = tmp_path / "minutes.docx"
    result = cli(settings, tmp_path, "export", loaded[0].meeting_id, "--format", "docx", "--out", str(out))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as z:
        xml = z.read("word/document.xml").decode()
    assert "Alice Martin" in xml and "[00:00:02]" in xml and "Dupont" not in xml
    missing = cli(settings, tmp_path, "export", "nope-123", "--format", "md", "--out", str(tmp_path / "x.md"))
    assert missing.returncode == 1 and "no redacted transcript" in missing.stderr


VISIO_JSON = {"segments": [
    {"start": 0.5, "end": 3.0, "text": " Bonjour, ici Jean Dupont pour le conseil de quartier.",
     "speaker": "SPEAKER_00",
     "words": [{"word": w, "start": 0.5 + i * 0.3, "end": 0.7 + i * 0.3, "score": 0.9, "speaker": "SPEAKER_00"}
               for i, w in enumerate(
                   ["Bonjour,", "ici", "Jean", "Dupont", "pour", "le", "conseil", "de", "quartier."])]},
    {"start": 3.2, "end": 5.0, "text": " Le budget participatif est adopté.", "speaker": "SPEAKER_01", "words": []},
]}
VTT = """WEBVTT

1
00:00:00.500 --> 00:00:03.000
<v Alice Martin>Bonjour, ici Jean Dupont pour le conseil de quartier.

2
00:00:03.200 --> 00:00:05.000
Bernard Petit: Le budget participatif est adopté.
"""


def fake_redactor(transcript: Transcript) -> tuple[RedactedTranscript, bytes]:
    """Stands in for the redaction engine: replaces the one name the test uses."""
    segments = []
    for i, s in enumerate(transcript.segments):
        text = re.sub(r"Jean Dupont", "[PERSONNE_1]", s.text)
        words = [w.model_copy(update={"word": "[PERSONNE_1]" if w.word in ("Jean", "Dupont") else w.word})
                 for w in s.words]
        segments.append(RedactedSegment(index=i, start=s.start, end=s.end, speaker=s.speaker, text=text, words=words))
    return RedactedTranscript(meeting_id=transcript.meeting_id, language=transcript.language,
                              duration=transcript.duration, started_at=transcript.started_at,
                              title=transcript.title, speakers=transcript.speakers, segments=segments), b"enc"


@pytest.mark.parametrize("kind", ["json", "vtt"])
def test_import_transcript_stores_redacted_artifacts_and_indexes(
    import_settings: Settings, run_id: str, tmp_path: Path, kind: str,
) -> None:
    settings = import_settings
    from visio_archive.search import SearchRequest, open_client, search
    from visio_archive.storage import Storage
    from visio_archive.usecases import Actor, Archive, import_transcript

    source = tmp_path / f"t.{kind}"
    source.write_text(json.dumps(VISIO_JSON) if kind == "json" else VTT)
    participants = tmp_path / "participants.json"
    participants.write_text(json.dumps({"SPEAKER_00": "Alice Martin", "SPEAKER_01": "Bernard Petit"}))
    meeting_id = f"import-{kind}-{run_id}"
    summary = import_transcript(
        Archive.from_settings(settings.model_copy(update={"state_dir": tmp_path})), Actor.command_line(), source,
        meeting_id=meeting_id, title="Conseil de quartier", started_at=datetime(2026, 6, 1, 18, 0, tzinfo=UTC),
        participants_file=participants, redactor=fake_redactor,
    )
    assert summary.segments == 2 and summary.speakers == ["Alice Martin", "Bernard Petit"]
    storage = Storage.from_settings(settings)
    full = storage.get_json(f"restricted/{meeting_id}/transcript.json", Transcript)
    assert "Dupont" in full.segments[0].text and full.timestamp_method == "imported"
    redacted = storage.get_bytes(f"archive/{meeting_id}/transcript.redacted.json").decode()
    assert "Dupont" not in redacted and storage.exists(f"archive/{meeting_id}/transcript.vtt")
    result = search(open_client(settings), settings.index_prefix,
                    SearchRequest(q="budget participatif", meeting_id=meeting_id))
    assert result.total == 1 and result.hits[0].speaker == "Bernard Petit" and result.hits[0].start == 3.2
    assert search(open_client(settings), settings.index_prefix,
                  SearchRequest(q="Dupont", meeting_id=meeting_id)).total == 0


def test_import_refuses_bad_input(import_settings: Settings, tmp_path: Path) -> None:
    settings = import_settings
    bad = tmp_path / "bad.json"
    bad.write_text('{"nothing": 1}')
    result = cli(settings, tmp_path, "import-transcript", str(bad), "--meeting-id", "x1", "--title", "T",
                 "--started-at", "2026-01-01T10:00:00")
    assert result.returncode == 2 and "segments" in result.stderr and "Traceback" not in result.stderr
    good = tmp_path / "t.vtt"
    good.write_text(VTT)
    bad_id = cli(settings, tmp_path, "import-transcript", str(good), "--meeting-id", "x2\n", "--title", "T",
                 "--started-at", "2026-01-01T10:00:00")
    assert bad_id.returncode == 2 and "--meeting-id" in bad_id.stderr


def test_vtt_and_visio_json_parsers() -> None:
    from visio_archive.usecases.imports import parse_visio_json, parse_webvtt

    cues = parse_webvtt(VTT)
    assert [(c.start, c.end, c.speaker) for c in cues] == [(0.5, 3.0, "Alice Martin"), (3.2, 5.0, "Bernard Petit")]
    assert cues[1].text == "Le budget participatif est adopté."
    segments = parse_visio_json(VISIO_JSON)
    assert segments[0].words[2].word == "Jean" and segments[1].text == "Le budget participatif est adopté."
    with pytest.raises(ValueError):
        parse_visio_json({"segments": "no"})


@pytest.mark.models
def test_import_transcript_cli_with_the_real_redaction_engine(import_settings: Settings, run_id: str,
                                                              tmp_path: Path) -> None:
    settings = import_settings
    source = tmp_path / "t.vtt"
    source.write_text(VTT.replace("quartier.", "quartier, mon numéro est le 06 12 34 56 78."))
    meeting_id = f"import-cli-{run_id}"
    participants = tmp_path / "visio-metadata.json"  # the call's participants: their names stay visible
    participants.write_text(json.dumps({"participants": [{"participantId": "p1", "name": "Alice Martin"},
                                                         {"participantId": "p2", "name": "Bernard Petit"}]}))
    result = cli(settings, tmp_path, "import-transcript", str(source), "--meeting-id", meeting_id,
                 "--title", "Conseil de quartier", "--started-at", "2026-06-01T18:00:00",
                 "--participants", str(participants))
    assert result.returncode == 0, result.stderr
    found = cli(settings, tmp_path, "search", "quartier", "--json")
    hits = [h for h in json.loads(found.stdout)["hits"] if h["meeting_id"] == meeting_id]
    assert len(hits) == 1 and hits[0]["speaker"] == "Alice Martin"
    assert "Dupont" not in found.stdout and "06 12" not in found.stdout
