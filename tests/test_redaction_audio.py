"""Redacted audio: real speech (espeak-ng, one word at a time so that word times are exact),
redaction of the transcript, bleeping with ffmpeg, then a measurement that the redacted words'
intervals changed and nothing else did."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from visio_archive.models import Segment, Speaker, Transcript, Word
from visio_archive.redaction import bleep_audio, redact_transcript
from visio_archive.redaction.audio import build_filtergraph
from visio_archive.settings import Settings

pytestmark = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("espeak-ng")), reason="needs ffmpeg and espeak-ng"
)
SR = 48000


def _decode(path: Path) -> np.ndarray:
    raw = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(path), "-ac", "1", "-ar", str(SR), "-f", "f32le", "-"],
        check=True, capture_output=True,
    ).stdout
    return np.frombuffer(raw, dtype=np.float32)


def _speech(tmp: Path, words: list[str]) -> tuple[Path, list[Word]]:
    chunks: list[np.ndarray] = []
    out_words: list[Word] = []
    t = 0.3
    chunks.append(np.zeros(int(0.3 * SR), dtype=np.float32))
    for i, w in enumerate(words):
        wav = tmp / f"w{i}.wav"
        subprocess.run(["espeak-ng", "-v", "fr", "-s", "150", "-w", str(wav), w], check=True, capture_output=True)
        x = _decode(wav)
        nz = np.nonzero(np.abs(x) > 1e-3)[0]
        x = x[nz[0]:nz[-1] + 1] if len(nz) else x
        chunks.append(x)
        out_words.append(Word(word=w, start=round(t, 4), end=round(t + len(x) / SR, 4)))
        t += len(x) / SR
        gap = np.zeros(int(0.25 * SR), dtype=np.float32)
        chunks.append(gap)
        t += len(gap) / SR
    audio = np.concatenate(chunks)
    path = tmp / "speech.wav"
    with wave.open(str(path), "wb") as fh:
        fh.setnchannels(1)
        fh.setsampwidth(2)
        fh.setframerate(SR)
        fh.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path, out_words


def _rms(x: np.ndarray, a: float, b: float) -> float:
    seg = x[int(a * SR):int(b * SR)]
    return float(np.sqrt(np.mean(seg.astype(np.float64) ** 2))) if len(seg) else 0.0


def _inside(t: float, ivs: list[tuple[float, float]], margin: float) -> bool:
    return any(a - margin <= t <= b + margin for a, b in ivs)


@pytest.mark.parametrize("mode", ["silence", "tone"])
def test_bleeped_intervals_match_redacted_words(tmp_path: Path, mode: str) -> None:
    words = ["Bonjour", "Jean", "Dupont,", "rappelez", "demain", "matin."]
    src, wlist = _speech(tmp_path, words)
    text = " ".join(words)
    tr = Transcript(meeting_id="m-audio", language="fr", duration=wlist[-1].end + 0.3,
                    speakers=[Speaker(label="S0", name="Jean Dupont", source="metadata")],
                    segments=[Segment(start=0.0, end=wlist[-1].end, text=text, speaker="S0", words=wlist)])
    red, _ = redact_transcript(tr, settings=Settings(redaction_key="k"))
    ivs = red.segments[0].redacted_intervals
    assert ivs == [(wlist[1].start, wlist[2].end)]  # "Jean Dupont," and nothing else

    out = bleep_audio(src, ivs, tmp_path / "out.ogg", mode=mode)
    assert out.exists() and out.read_bytes()[:4] == b"OggS"
    orig, bleeped = _decode(src), _decode(out)
    assert abs(len(orig) - len(bleeped)) < SR * 0.05

    (a, b), step = ivs[0], 0.02
    # inside: the words are gone (silence) or replaced by the 1 kHz tone
    inner = bleeped[int((a + 0.01) * SR):int((b - 0.01) * SR)]
    if mode == "silence":
        assert _rms(bleeped, a + 0.01, b - 0.01) < 2e-3
    else:
        spec = np.abs(np.fft.rfft(inner))
        peak = np.fft.rfftfreq(len(inner), 1 / SR)[int(np.argmax(spec))]
        assert abs(peak - 1000) < 5
        assert 0.1 < _rms(bleeped, a + 0.01, b - 0.01) < 0.3
    # outside: every 20 ms window keeps its energy (only lossy-codec differences)
    n = min(len(orig), len(bleeped)) / SR
    changed = []
    t = 0.0
    while t + step < n:
        if not _inside(t, ivs, 0.03) and not _inside(t + step, ivs, 0.03):
            ro, rb = _rms(orig, t, t + step), _rms(bleeped, t, t + step)
            if abs(ro - rb) > 0.25 * ro + 0.01:
                changed.append((round(t, 2), ro, rb))
        t += step
    assert not changed, changed
    # and the redacted words had speech in them before
    assert _rms(orig, a, b) > 0.02


def test_filtergraph_shapes() -> None:
    g, files = build_filtergraph([(1.0, 2.0), (3.5, 4.0)], "tone", cmd_dir="/x")
    assert "asendcmd=f='/x/mute.cmd'" in g and "amix" in g and "sine" in g
    assert files["mute.cmd"].splitlines() == [
        "1.0000-2.0000 [enter] volume@mute volume 0, [leave] volume@mute volume 1;",
        "3.5000-4.0000 [enter] volume@mute volume 0, [leave] volume@mute volume 1;",
    ]
    assert "volume@tone volume 2" in files["tone.cmd"]
    g, files = build_filtergraph([(1.0, 2.0)], "silence")
    assert "sine" not in g and set(files) == {"mute.cmd"}
    assert build_filtergraph([], "tone")[0].endswith("[out]")
    with pytest.raises(ValueError):
        build_filtergraph([(1.0, 2.0)], "beep")


def test_many_intervals(tmp_path: Path) -> None:
    """Hundreds of redactions in one call (a long enable expression would not even parse)."""
    src = tmp_path / "tone.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:sample_rate=48000:duration=60",
                    str(src)], check=True)
    ivs = [(i * 0.2 + 0.05, i * 0.2 + 0.1) for i in range(290)]
    out = bleep_audio(src, ivs, tmp_path / "many.ogg", mode="silence")
    x = _decode(out)
    for a, b in ivs[::37]:
        assert _rms(x, a + 0.01, b - 0.01) < 2e-3
        assert _rms(x, b + 0.03, b + 0.07) > 0.05
