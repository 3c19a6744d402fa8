"""Audio intake on real files made with ffmpeg/sox: formats, typed errors, bounded-memory decoding."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import ffmpeg

import visio_archive.audio as audio
from visio_archive.audio import (
    AudioError,
    CorruptAudio,
    FFmpegMissing,
    NoAudioStream,
    NoSpeechFound,
    TooLong,
    ZeroDuration,
)
from visio_archive.samples import pyannote_sample

SAMPLE = pyannote_sample()


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    f = {
        "wav": d / "s.wav",
        "ogg": d / "s.ogg",
        "mp3": d / "s.mp3",
        "mp4": d / "s.mp4",
        "video_only": d / "video.mp4",
        "random": d / "random.ogg",
        "truncated_header": d / "trunc_header.ogg",
        "truncated_half": d / "trunc_half.ogg",
        "zero": d / "zero.wav",
        "empty": d / "empty.ogg",
        "silence": d / "silence.ogg",
    }
    ffmpeg("-i", str(SAMPLE), "-ac", "2", "-ar", "44100", str(f["wav"]))  # stereo 44.1 kHz on purpose
    ffmpeg("-i", str(SAMPLE), "-c:a", "libopus", "-b:a", "32k", str(f["ogg"]))
    ffmpeg("-i", str(SAMPLE), "-c:a", "libmp3lame", str(f["mp3"]))
    ffmpeg(
        "-f", "lavfi", "-i", "testsrc=duration=30:size=64x48:rate=1", "-i", str(SAMPLE),
        "-map", "0:v", "-map", "1:a", "-c:v", "mpeg4", "-c:a", "aac", "-shortest", str(f["mp4"]),
    )
    ffmpeg("-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10", "-c:v", "mpeg4", str(f["video_only"]))
    f["random"].write_bytes(np.random.default_rng(0).bytes(50_000))
    ogg = f["ogg"].read_bytes()
    f["truncated_header"].write_bytes(ogg[:200])
    f["truncated_half"].write_bytes(ogg[: len(ogg) // 2])
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(f["zero"]), "trim", "0", "0"], check=True)
    f["empty"].write_bytes(b"")
    ffmpeg("-f", "lavfi", "-i", "anullsrc=r=48000:cl=mono", "-t", "5", "-c:a", "libopus", str(f["silence"]))
    return f


@pytest.mark.parametrize("kind", ["wav", "ogg", "mp3", "mp4"])
def test_formats_decode_to_16k_mono_float32(media: dict[str, Path], kind: str) -> None:
    with audio.open_audio(media[kind]) as d:
        assert isinstance(d.samples, np.memmap)
        assert d.samples.dtype == np.float32 and d.samples.ndim == 1
        assert d.duration == pytest.approx(30.0, abs=0.15)
        assert 0.1 < audio.peak_level(d.samples) <= 1.0
        tmp = Path(str(getattr(d.samples, "filename", "")))
        assert tmp.exists()
    assert not tmp.exists()  # the temp file goes with the context


def test_decoded_matches_reference_samples(media: dict[str, Path]) -> None:
    import soundfile as sf

    ref, sr = sf.read(SAMPLE, dtype="float32")
    assert sr == 16000
    got = audio.load_audio(SAMPLE)
    assert got.shape == ref.shape
    assert np.max(np.abs(got - ref)) < 1e-4


def test_no_audio_stream(media: dict[str, Path]) -> None:
    with pytest.raises(NoAudioStream, match=r"no audio stream.*video"):
        audio.open_audio(media["video_only"])


@pytest.mark.parametrize("kind", ["random", "truncated_header"])
def test_corrupt(media: dict[str, Path], kind: str) -> None:
    with pytest.raises(CorruptAudio, match="damaged"):
        audio.open_audio(media[kind])


def test_truncated_upload_keeps_what_is_there(media: dict[str, Path]) -> None:
    with audio.open_audio(media["truncated_half"]) as d:
        assert 5.0 < d.duration < 25.0


@pytest.mark.parametrize("kind", ["zero", "empty"])
def test_zero_duration(media: dict[str, Path], kind: str) -> None:
    with pytest.raises(ZeroDuration, match="empty"):
        audio.open_audio(media[kind])


def test_silence_is_no_speech(media: dict[str, Path]) -> None:
    with audio.open_audio(media["silence"]) as d:
        assert d.duration == pytest.approx(5.0, abs=0.05)
        with pytest.raises(NoSpeechFound, match="silent"):
            audio.check_not_silent(d.samples, media["silence"])


def test_too_long_is_checked_before_decoding(media: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    real_run = subprocess.run

    def spy(cmd: list[str], *a: object, **k: object) -> object:
        calls.append(cmd)
        return real_run(cmd, *a, **k)  # type: ignore[call-overload]

    monkeypatch.setattr(audio.subprocess, "run", spy)
    with pytest.raises(TooLong, match="VISIO_MAX_AUDIO_HOURS"):
        audio.open_audio(media["ogg"], max_hours=10 / 3600)
    assert [Path(c[0]).name for c in calls] == ["ffprobe"]  # ffmpeg never ran


def test_missing_file() -> None:
    with pytest.raises(AudioError, match="no such file"):
        audio.open_audio("/nonexistent/recording.ogg")


def test_missing_ffmpeg_names_the_fix(media: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(FFmpegMissing, match="apt-get install ffmpeg"):
        audio.open_audio(media["ogg"])


def test_iter_chunks_streams_the_same_samples(media: dict[str, Path]) -> None:
    chunks = list(audio.iter_chunks(media["ogg"], seconds=7.0))
    assert [len(c) for c in chunks[:-1]] == [7 * 16000] * (len(chunks) - 1)
    joined = np.concatenate(chunks)
    with audio.open_audio(media["ogg"]) as d:
        assert np.array_equal(joined, np.asarray(d.samples))


def test_iter_chunks_too_long(media: dict[str, Path]) -> None:
    with pytest.raises(TooLong):
        list(audio.iter_chunks(media["ogg"], max_hours=10 / 3600))


def test_open_audio_uses_given_tmp_dir(media: dict[str, Path], tmp_path: Path) -> None:
    with audio.open_audio(media["ogg"], tmp_dir=tmp_path) as d:
        assert Path(str(getattr(d.samples, "filename", ""))).parent.parent == tmp_path
        assert len(os.listdir(tmp_path)) == 1
        assert os.listdir(tmp_path)[0].startswith(f"visio-audio-{os.getpid()}-")
    assert os.listdir(tmp_path) == []


def test_stale_temp_files_of_dead_processes_are_removed(media: dict[str, Path], tmp_path: Path) -> None:
    proc = subprocess.Popen(["true"])
    proc.wait()
    stale = tmp_path / f"visio-audio-{proc.pid}-abc"
    stale.mkdir()
    (stale / "audio.f32").write_bytes(b"\0" * 16)
    mine = tmp_path / f"visio-audio-{os.getpid()}-live"
    mine.mkdir()
    with audio.open_audio(media["ogg"], tmp_dir=tmp_path):
        assert not stale.exists()
        assert mine.exists()


def _rss_file_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssFile:"):
            return int(line.split()[1])
    return 0


def test_release_pages_shrinks_the_resident_set(tmp_path: Path) -> None:
    long = tmp_path / "long.wav"
    ffmpeg("-stream_loop", "19", "-i", str(SAMPLE), "-c:a", "pcm_s16le", str(long))  # 10 min
    with audio.open_audio(long) as d:
        before = _rss_file_kb()
        audio.peak_level(d.samples)  # touches all 38 MB
        touched = _rss_file_kb()
        d.release_pages()
        after = _rss_file_kb()
        assert touched - before > 30_000
        assert touched - after > 30_000
        assert audio.peak_level(d.samples) > 0.1  # still readable
