"""The speech pipeline and `visio-archive transcribe`, end to end on real audio and real models."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import ffmpeg
from typer.testing import CliRunner

from visio_archive.models import Transcript, Word
from visio_archive.samples import pyannote_sample
from visio_archive.speech import build_segments

SAMPLE = pyannote_sample()


# ---------------------------------------------------------------- pure logic


def _w(word: str, start: float, speaker: str | None) -> Word:
    return Word(word=word, start=start, end=start + 0.3, speaker=speaker)


def test_segments_split_at_speaker_changes_and_pauses() -> None:
    words = [
        _w("Bonjour", 0.0, "A"), _w("à", 0.4, "A"), _w("tous.", 0.8, None),
        _w("Merci", 1.2, "B"), _w("Alice.", 1.6, "B"),
        _w("Donc", 5.0, "B"),  # after a 3 s pause
    ]
    segs = build_segments(words)
    assert [(s.speaker, s.text) for s in segs] == [
        ("A", "Bonjour à tous."),
        ("B", "Merci Alice."),
        ("B", "Donc"),
    ]
    assert segs[0].start == 0.0 and segs[0].end == pytest.approx(1.1)


def test_long_monologue_is_cut_at_sentence_ends() -> None:
    words = []
    t = 0.0
    for i in range(40):
        words.append(_w(f"mot{i}." if i % 10 == 9 else f"mot{i}", t, "A"))
        t += 0.5
    segs = build_segments(words)
    assert len(segs) == 2
    assert segs[0].text.endswith("mot19.") and all(s.speaker == "A" for s in segs)


# ---------------------------------------------------------------- CLI, real files


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("speech")
    f = {
        "ogg": d / "meeting.ogg",
        "video_only": d / "video.mp4",
        "random": d / "random.ogg",
        "silence": d / "silence.ogg",
    }
    ffmpeg("-i", str(SAMPLE), "-c:a", "libopus", "-b:a", "48k", str(f["ogg"]))
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=2:size=64x48:rate=5", "-c:v", "mpeg4", str(f["video_only"]))
    f["random"].write_bytes(bytes(range(256)) * 100)
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "5", "-c:a", "libopus", str(f["silence"]))
    return f


@pytest.fixture()
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from visio_archive.cli import app
    from visio_archive.settings import get_settings

    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str, env: dict[str, str] | None = None):
        get_settings.cache_clear()
        return runner.invoke(app, list(args), env={"COLUMNS": "200", **(env or {})})

    yield invoke
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("video_only", "no audio stream"),
        ("random", "damaged"),
        ("silence", "silent"),
    ],
)
def test_cli_audio_errors_are_one_clean_line(cli, media, tmp_path: Path, kind: str, message: str) -> None:
    r = cli("transcribe", str(media[kind]), "--out", str(tmp_path / "out"))
    assert r.exit_code == 1
    assert "Traceback" not in r.output
    assert message in r.output.replace("\n", " ")
    assert r.output.strip().splitlines()[-1].startswith("error:") or "error:" in r.output
    assert not (tmp_path / "out" / "transcript.json").exists()


def test_cli_too_long(cli, media, tmp_path: Path) -> None:
    r = cli("transcribe", str(media["ogg"]), "--out", str(tmp_path), env={"VISIO_MAX_AUDIO_HOURS": "0.001"})
    assert r.exit_code == 1 and "VISIO_MAX_AUDIO_HOURS" in r.output and "Traceback" not in r.output


def test_cli_missing_model_store(cli, media, tmp_path: Path) -> None:
    env = {"VISIO_MODEL_STORE": str(tmp_path / "nostore")}
    r = cli("transcribe", str(media["ogg"]), "--out", str(tmp_path / "o"), env=env)
    assert r.exit_code == 1
    assert "visio-archive models install" in r.output and "Traceback" not in r.output


def test_cli_bad_language(cli, media, tmp_path: Path) -> None:
    r = cli("transcribe", str(media["ogg"]), "--out", str(tmp_path), "--language", "es")
    assert r.exit_code == 2 and "fr, en, de, nl or auto" in r.output


@pytest.fixture(scope="module")
def installed_store() -> Path:
    from visio_archive.modelstore import ModelStore, install
    from visio_archive.settings import Settings

    store = ModelStore.from_settings(Settings())
    install(store, names=["whisper-base", "pyannote-segmentation", "silero-vad", "resemblyzer-encoder"])
    return store.root


@pytest.mark.models
def test_cli_transcribes_the_sample(cli, media, installed_store: Path, tmp_path: Path) -> None:
    # Visio metadata built from the sample's reference turns: speaker90 is Diane, speaker91 Sheila.
    start = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    pids = {"speaker90": "p1", "speaker91": "p2"}
    events = []
    for line in (SAMPLE.parent / "sample.rttm").read_text().splitlines():
        f = line.split()
        t_start, dur, who = float(f[3]), float(f[4]), pids[f[7]]
        for kind, at in (("speech_start", t_start), ("speech_end", t_start + dur)):
            stamp = (start + timedelta(seconds=at)).isoformat()
            events.append({"participant_id": who, "type": kind, "timestamp": stamp})
    meta = tmp_path / "meeting-metadata.json"
    meta.write_text(
        json.dumps(
            {
                "title": "Point hebdo",
                "recording_started_at": start.isoformat(),
                "participants": [{"participantId": "p1", "name": "Diane"}, {"participantId": "p2", "name": "Sheila"}],
                "events": events,
            }
        )
    )
    out = tmp_path / "out"
    r = cli(
        "transcribe", str(media["ogg"]), "--out", str(out), "--language", "en", "--metadata", str(meta),
        "--meeting-id", "m-001", env={"VISIO_MODEL_STORE": str(installed_store)},
    )
    assert r.exit_code == 0, r.output
    t = Transcript.model_validate_json((out / "transcript.json").read_text())
    assert t.meeting_id == "m-001" and t.language == "en" and t.title == "Point hebdo"
    assert t.duration == pytest.approx(30.0, abs=0.1)
    assert t.timestamp_method == "whisper"
    assert {m.role for m in t.models} >= {"asr", "vad"}
    text = " ".join(s.text for s in t.segments).lower()
    assert "new jersey" in text and "chicago" in text
    for s in t.segments:
        assert s.words and s.start <= s.words[0].start and s.end >= s.words[-1].end
        if s.speaker:
            assert {w.speaker for w in s.words if w.speaker} <= {s.speaker}
    names = {sp.label: sp.name for sp in t.speakers}
    assert set(names.values()) == {"Diane", "Sheila"}
    said = {names[s.speaker]: s.text for s in t.segments if s.speaker}
    assert "Sheila" in said and "Diane" in said
    sheila_text = " ".join(s.text for s in t.segments if s.speaker and names[s.speaker] == "Sheila")
    assert "Texas" in sheila_text and "Yankee" in sheila_text
    vtt = (out / "transcript.vtt").read_text()
    assert vtt.startswith("WEBVTT") and "-->" in vtt
    assert "<v Sheila>" in vtt and "<v Diane>" in vtt
    srt = (out / "transcript.srt").read_text()
    assert srt.startswith("1\n00:00:")
    rttm = (out / "transcript.rttm").read_text().splitlines()
    assert rttm and all(line.startswith("SPEAKER m-001 1 ") for line in rttm)


@pytest.mark.models
def test_windowed_asr_matches_single_pass(installed_store: Path, media) -> None:
    """Windows of 12 s on a 30 s file: cuts fall in pauses, no word is lost or doubled."""
    from visio_archive.settings import Settings
    from visio_archive.speech import run_pipeline

    settings = Settings(model_store=installed_store)
    res = run_pipeline(
        media["ogg"], meeting_id="w", metadata=None, language="en", settings=settings,
        diarization=False, window_seconds=12.0,
    )
    words = [w for s in res.transcript.segments for w in s.words]
    assert all(a.start <= b.start for a, b in pairwise(words))
    text = " ".join(w.word for w in words).lower()
    # Phrases on both sides of the window cuts (at about 12 s and 24 s).
    for phrase in ("didn't know you were there", "new jersey", "originally from chicago", "yankee"):
        assert phrase in text.replace(",", "").replace(".", "")
    assert 65 <= len(words) <= 90
    assert res.timings["asr"] > 0
