"""Sample recordings for the demo and the end-to-end tests, in the Visio layout.

``demo_meeting`` speaks a short, scripted French meeting with espeak-ng (one voice per
participant), as the Visio egress would record it (Ogg/Opus), with the metadata JSON the room
agent would write: participants, connections, and speech_start/speech_end events taken from the
true turn boundaries. The script deliberately contains personal data (a phone number, an e-mail
address spoken the way people say it, a home address, a third person's name) so that redaction
has something to find.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16_000

# (participant slot, sentence). Slot 0 chairs the meeting. espeak-ng's French is hard for a small
# whisper model to hear: the script keeps to phrases it does transcribe (names after "Monsieur",
# streets, common meeting words), so that redaction has real personal data to find.
DEMO_SCRIPT: list[tuple[int, str]] = [
    (0, "Bonjour à tous, nous commençons la réunion. Le premier point est le budget."),
    (1, "Monsieur Dupont habite au 12 rue de la Paix à Paris."),
    (0, "Merci. Le budget de l'année prochaine augmente de trois pour cent."),
    (1, "Vous pouvez appeler Monsieur Dupont au 06 12 34 56 78."),
    (0, "Son adresse est jean point dupont arobase gmail point com."),
    (1, "Nous validerons le projet à la prochaine réunion. Merci à tous."),
]
DEMO_PARTICIPANTS = [("claire-a71", "Claire Martin"), ("julien-354", "Julien Bernard")]
# What the script says that must never reach a reader (as a whisper model tends to write it).
DEMO_PERSONAL_DATA = ["Dupont", "rue de la Paix", "06 12 34 56 78"]
# espeak voice, pitch (0-99), words per minute: two clearly different male voices
VOICES = [("fr+m7", 20, 125), ("fr+m3", 45, 125), ("fr+m1", 60, 125)]


class SampleError(RuntimeError):
    """A tool needed to make the samples is missing."""


@dataclass
class SampleMeeting:
    recording_id: str
    audio: Path
    metadata: Path | None
    started_at: datetime | None
    description: str
    participant_names: list[str] = field(default_factory=list)
    personal_data: list[str] = field(default_factory=list)


def _require(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        raise SampleError(f"{', '.join(missing)} missing: `apt-get install -y espeak-ng ffmpeg`")


def speak(text: str, voice: str, pitch: int, speed: int) -> np.ndarray:
    """One sentence from espeak-ng as 16 kHz mono float32, leading and trailing silence trimmed."""
    import soundfile as sf
    from scipy.signal import resample_poly

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "tts.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-p", str(pitch), "-s", str(speed), "-w", str(wav), text],
            check=True,
            capture_output=True,
        )
        data, rate = sf.read(str(wav), dtype="float32")
    if data.ndim > 1:
        data = data.mean(axis=1)
    if rate != SAMPLE_RATE:
        common = int(np.gcd(int(rate), SAMPLE_RATE))
        data = resample_poly(data, SAMPLE_RATE // common, int(rate) // common).astype(np.float32)
    active = np.flatnonzero(np.abs(data) > 0.01)
    if active.size:
        data = data[max(0, active[0] - 80) : active[-1] + 80]
    return (data * 0.6).astype(np.float32)


def encode_ogg(samples: np.ndarray, out: Path) -> Path:
    """Ogg/Opus at 48 kHz, as the Visio (LiveKit) egress writes audio recordings."""
    import soundfile as sf

    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "mix.wav"
        sf.write(str(wav), samples, SAMPLE_RATE, subtype="PCM_16")
        subprocess.run(
            [
                "ffmpeg",
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(wav),
                "-ac",
                "1",
                "-ar",
                "48000",
                "-c:a",
                "libopus",
                "-b:a",
                "32k",
                str(out),
            ],
            check=True,
        )
    return out


def scripted_meeting(
    out_dir: Path,
    script: list[tuple[int, str]],
    participants: list[tuple[str, str]],
    *,
    recording_id: str,
    title: str,
    started_at: datetime,
    pause: float = 0.6,
) -> tuple[Path, Path, list[tuple[float, float, int]]]:
    """Speak ``script`` turn by turn; returns (ogg, metadata JSON, true turns (start, end, slot))."""
    _require("espeak-ng", "ffmpeg")
    out_dir.mkdir(parents=True, exist_ok=True)
    pieces: list[np.ndarray] = [np.zeros(int(0.8 * SAMPLE_RATE), dtype=np.float32)]
    turns: list[tuple[float, float, int]] = []
    cursor = 0.8
    for slot, sentence in script:
        voice, pitch, speed = VOICES[slot % len(VOICES)]
        audio = speak(sentence, voice, pitch, speed)
        turns.append((round(cursor, 3), round(cursor + audio.size / SAMPLE_RATE, 3), slot))
        gap = np.zeros(int(pause * SAMPLE_RATE), dtype=np.float32)
        pieces += [audio, gap]
        cursor += audio.size / SAMPLE_RATE + pause
    mix = np.concatenate(pieces)
    mix += np.random.default_rng(0).normal(0, 0.002, size=mix.size).astype(np.float32)
    ogg = encode_ogg(mix, out_dir / f"{recording_id}.ogg")

    def at(seconds: float) -> str:
        return (started_at + timedelta(seconds=seconds)).isoformat()

    events = [
        {"participant_id": pid, "type": "participant_connected", "timestamp": at(-30 + 5 * i), "data": None}
        for i, (pid, _) in enumerate(participants)
    ]
    for start, end, slot in turns:
        pid = participants[slot][0]
        events.append({"participant_id": pid, "type": "speech_start", "timestamp": at(start - 0.05), "data": None})
        events.append({"participant_id": pid, "type": "speech_end", "timestamp": at(end + 0.1), "data": None})
    events.append(
        {
            "participant_id": participants[-1][0],
            "type": "chat_received",
            "timestamp": at(3.0),
            "data": "Le support est sur l'espace partagé.",
        }
    )
    for pid, _ in participants:
        events.append(
            {"participant_id": pid, "type": "participant_disconnected", "timestamp": at(cursor + 2), "data": None}
        )
    events.sort(key=lambda event: str(event["timestamp"]))
    metadata = {
        "recording_started_at": started_at.isoformat(),
        "title": title,
        "participants": [{"participantId": pid, "name": name} for pid, name in participants],
        "events": events,
    }
    meta_path = out_dir / f"{recording_id}-metadata.json"
    meta_path.write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
    return ogg, meta_path, turns


def demo_meeting(out_dir: Path, recording_id: str = "demo-comite-numerique") -> SampleMeeting:
    """The scripted French meeting (about 40 s), written once and reused."""
    started_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    ogg = out_dir / f"{recording_id}.ogg"
    meta = out_dir / f"{recording_id}-metadata.json"
    if not (ogg.exists() and meta.exists()):
        scripted_meeting(
            out_dir,
            DEMO_SCRIPT,
            DEMO_PARTICIPANTS,
            recording_id=recording_id,
            title="Comité numérique",
            started_at=started_at,
        )
    return SampleMeeting(
        recording_id=recording_id,
        audio=ogg,
        metadata=meta,
        started_at=started_at,
        description="generated French meeting, 2 participants, with personal data to redact",
        participant_names=[name for _, name in DEMO_PARTICIPANTS],
        personal_data=list(DEMO_PERSONAL_DATA),
    )


def pyannote_sample() -> Path:
    """The 30 s real two-speaker recording that pyannote.audio ships (no metadata JSON)."""
    import pyannote.audio

    path = Path(pyannote.audio.__file__).parent / "sample" / "sample.wav"
    if not path.exists():
        raise SampleError(f"{path} is missing: reinstall pyannote.audio")
    return path


def pyannote_sample_text() -> str:
    """The reference transcript of :func:`pyannote_sample` (its ``sample.stm``), turns in order."""
    lines = pyannote_sample().with_suffix(".stm").read_text(encoding="utf-8").splitlines()
    return " ".join(line.split(" ", 5)[5] for line in lines if line.strip())


def write_demo_recordings(out_dir: Path) -> list[SampleMeeting]:
    """The demo's three recordings: a French meeting, a real recording without metadata, a corrupt file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    corrupt = out_dir / "demo-corrupt.ogg"
    if not corrupt.exists():
        # An Ogg signature followed by noise: what a truncated upload looks like to a decoder.
        corrupt.write_bytes(b"OggS" + os.urandom(6000))
    return [
        demo_meeting(out_dir),
        SampleMeeting(
            recording_id="demo-pyannote-sample",
            audio=pyannote_sample(),
            metadata=None,
            started_at=datetime(2026, 3, 3, 14, 0, tzinfo=UTC),
            description="real two-speaker recording shipped with pyannote.audio, no metadata",
        ),
        SampleMeeting(
            recording_id="demo-corrupt",
            audio=corrupt,
            metadata=None,
            started_at=None,
            description="corrupt file, to show quarantine",
        ),
    ]
