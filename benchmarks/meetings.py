"""Synthetic Visio meetings with known speakers, for benchmarks, the demo and tests.

``generate_meeting(out_dir, language="fr", speakers=2, seconds=60, seed=0)`` speaks realistic meeting
sentences with espeak-ng (one voice variant, pitch and rate per speaker), mixes the turns with short
pauses and a few overlaps, and writes:

* ``<name>.ogg``: Ogg/Opus, as the Visio egress writes it (ffmpeg);
* ``<name>-metadata.json``: a Visio metadata JSON whose speech_start/speech_end events come from the
  ground-truth turns (plus connection and chat events), with ``recording_started_at``;
* ``<name>.rttm``: reference speech regions per speaker (from each speaker's own signal);
* ``<name>.txt``: reference transcript (the sentences in order).

It returns ``GeneratedMeeting(audio, metadata, rttm, text)`` (a named tuple of paths). Needs the
``espeak-ng`` and ``ffmpeg`` programs; nothing else outside numpy/scipy/soundfile.

    python -m benchmarks.meetings out/ --language en --speakers 3 --seconds 60 --seed 1
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import numpy as np

from visio_archive.samples import encode_ogg, speak

SR = 16_000

SENTENCES = {
    "fr": [
        "Bonjour à tous, merci d'être présents pour ce comité de pilotage.",
        "Nous allons commencer par le point sur le budget de l'année prochaine.",
        "Le projet de loi de finances prévoit une hausse de trois pour cent des crédits.",
        "Je propose que nous validions d'abord le compte rendu de la dernière réunion.",
        "La direction régionale a transmis son rapport la semaine dernière.",
        "Il faudra prévoir une réunion avec les préfectures avant la fin du mois.",
        "Pouvez-vous nous donner le calendrier de déploiement du nouveau service ?",
        "Le déploiement commencera en mars dans trois départements pilotes.",
        "Nous avons reçu environ deux cents réponses à la consultation publique.",
        "Je suis d'accord, mais il faut associer les collectivités territoriales.",
        "Le marché public sera publié au début du second trimestre.",
        "Les agents ont besoin d'une formation avant la mise en service.",
        "Quel est le coût estimé de la maintenance sur cinq ans ?",
        "Le coût est estimé à un million deux cent mille euros.",
        "Je note que le ministère souhaite un point d'étape en juin.",
        "Nous devons aussi vérifier la conformité avec le règlement sur la protection des données.",
        "La délégation à la protection des données a rendu un avis favorable.",
        "Il reste une question sur l'hébergement des données sensibles.",
        "Je vous propose de reporter ce sujet à la prochaine séance.",
        "Très bien, je vous enverrai le relevé de décisions demain matin.",
        "Merci à tous, je lève la séance.",
        "Avez-vous des remarques sur l'ordre du jour ?",
        "Le secrétariat général a validé le principe de l'expérimentation.",
        "Nous attendons encore l'arbitrage du cabinet sur les effectifs.",
    ],
    "en": [
        "Good morning everyone, thank you for joining this steering committee.",
        "Let us start with an update on next year's budget.",
        "The finance bill plans a three percent increase in funding.",
        "I suggest we first approve the minutes of the last meeting.",
        "The regional office sent its report last week.",
        "We should schedule a meeting with the local authorities before the end of the month.",
        "Could you give us the timeline for rolling out the new service?",
        "The rollout will start in March in three pilot regions.",
        "We received about two hundred answers to the public consultation.",
        "I agree, but we need to involve the local councils.",
        "The public tender will be published early in the second quarter.",
        "Staff will need training before the service goes live.",
        "What is the estimated maintenance cost over five years?",
        "The cost is estimated at one point two million euros.",
        "I note that the ministry wants a progress review in June.",
        "We also have to check compliance with the data protection regulation.",
        "The data protection officer gave a favourable opinion.",
        "One question remains about hosting sensitive data.",
        "I propose we postpone this topic to the next session.",
        "Very well, I will send the list of decisions tomorrow morning.",
        "Thank you all, the meeting is closed.",
        "Do you have any comments on the agenda?",
        "The general secretariat approved the pilot in principle.",
        "We are still waiting for a decision on staffing.",
    ],
}

# (espeak voice, pitch 0-99, words per minute) per speaker slot.
VOICES = {
    "fr": [("fr+m3", 38, 165), ("fr+f2", 70, 175), ("fr+m7", 22, 155), ("fr+f4", 85, 170)],
    "en": [("en-us+m3", 40, 170), ("en-gb+f2", 72, 175), ("en-us+m7", 20, 160), ("en-gb+f4", 88, 165)],
}
NAMES = {
    "fr": ["Claire Martin", "Julien Bernard", "Sophie Lefèvre", "Nicolas Petit"],
    "en": ["Alice Johnson", "Robert Smith", "Emma Brown", "David Wilson"],
}


class GeneratedMeeting(NamedTuple):
    audio: Path     # Ogg/Opus recording
    metadata: Path  # Visio metadata JSON
    rttm: Path      # reference speaker regions
    text: Path      # reference transcript


def speech_regions(signal: np.ndarray, min_gap: float = 0.3, min_len: float = 0.1) -> list[tuple[float, float]]:
    """Speech regions of one speaker's own signal (10 ms frames, energy threshold)."""
    hop = SR // 100
    n = signal.size // hop
    if n == 0:
        return []
    frames = signal[: n * hop].reshape(n, hop)
    energy = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1))
    active = energy > 0.004
    regions: list[list[float]] = []
    for i in np.flatnonzero(active):
        t0, t1 = i / 100, (i + 1) / 100
        if regions and t0 - regions[-1][1] <= min_gap:
            regions[-1][1] = t1
        else:
            regions.append([t0, t1])
    return [(round(a, 2), round(b, 2)) for a, b in regions if b - a >= min_len]


def generate_meeting(
    out_dir: str | Path,
    language: str = "fr",
    speakers: int = 2,
    seconds: float = 60.0,
    seed: int = 0,
    *,
    overlaps: bool = True,
    name: str | None = None,
    started_at: datetime | None = None,
) -> GeneratedMeeting:
    """Writes a synthetic meeting (see the module docstring) and returns the paths of its files."""
    import soundfile as sf

    if language not in SENTENCES:
        raise ValueError(f"language must be one of {sorted(SENTENCES)}")
    if not 1 <= speakers <= len(VOICES[language]):
        raise ValueError(f"speakers must be between 1 and {len(VOICES[language])}")
    for tool in ("espeak-ng", "ffmpeg"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    name = name or f"meeting-{language}-{speakers}spk-{int(seconds)}s-seed{seed}"
    rng = random.Random(seed)
    started_at = started_at or datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC) + timedelta(minutes=seed)

    sentences = list(SENTENCES[language])
    rng.shuffle(sentences)
    voices = VOICES[language][:speakers]
    # Each speaker's own track, and the transcript in speaking order.
    total = int((seconds + 30) * SR)
    tracks = np.zeros((speakers, total), dtype=np.float32)
    text_lines: list[str] = []
    t = 0.5 + rng.random() * 0.5
    prev = -1
    idx = 0
    while t < seconds:
        choices = [s for s in range(speakers) if s != prev] or [0]
        spk = rng.choice(choices) if prev >= 0 else 0
        n_sent = 1 if rng.random() < 0.6 else 2
        for j in range(n_sent):
            sentence = sentences[idx % len(sentences)]
            idx += 1
            voice, pitch, speed = voices[spk]
            audio = speak(sentence, voice, pitch, speed)
            start = int(t * SR)
            end = min(start + audio.size, total)
            tracks[spk, start:end] += audio[: end - start]
            text_lines.append(sentence)
            t = end / SR + (0.25 + rng.random() * 0.3 if j + 1 < n_sent else 0.0)
        # Pause before the next turn; now and then the next speaker starts early (overlap).
        if overlaps and speakers > 1 and rng.random() < 0.15:
            t -= 0.3 + rng.random() * 0.4
        else:
            t += 0.3 + rng.random() * 0.9
        prev = spk
    length = min(total, int((t + 0.8) * SR))
    tracks = tracks[:, :length]
    mix = tracks.sum(axis=0)
    noise = np.random.default_rng(seed).normal(0, 0.002, size=mix.size).astype(np.float32)
    mix = mix + noise
    mix /= max(1.0, float(np.abs(mix).max()) / 0.95)

    # Reference regions.
    regions = {s: speech_regions(tracks[s]) for s in range(speakers)}
    rttm = out / f"{name}.rttm"
    with rttm.open("w") as f:
        rows = sorted((a, b, s) for s, regs in regions.items() for a, b in regs)
        for a, b, s in rows:
            f.write(f"SPEAKER {name} 1 {a:.3f} {b - a:.3f} <NA> <NA> spk{s} <NA> <NA>\n")
    txt = out / f"{name}.txt"
    txt.write_text("\n".join(text_lines) + "\n", encoding="utf-8")

    # Visio metadata derived from the reference regions (VAD-like: short gaps merged).
    ids = [f"{NAMES[language][s].split()[0].lower()}-{rng.randrange(16**3):03x}" for s in range(speakers)]
    participants = [{"participantId": ids[s], "name": NAMES[language][s]} for s in range(speakers)]
    events: list[tuple[float, str, str, str | None]] = []
    for s in range(speakers):
        events.append((-rng.random() * 20 - 1, ids[s], "participant_connected", None))
        merged: list[list[float]] = []
        for a, b in regions[s]:
            if merged and a - merged[-1][1] < 0.6:
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            events.append((a - 0.05, ids[s], "speech_start", None))
            events.append((b + 0.1, ids[s], "speech_end", None))
        events.append((length / SR + 1 + rng.random() * 5, ids[s], "participant_disconnected", None))
    chat = "Le document est sur l'espace partagé." if language == "fr" else "The slides are on the shared drive."
    events.append((min(5.0, seconds / 2), ids[-1], "chat_received", chat))
    # A participant who never spoke.
    silent = {"participantId": f"observer-{rng.randrange(16**3):03x}", "name": "Observateur" if language == "fr"
              else "Observer"}
    participants.append(silent)
    events.append((2.0, silent["participantId"], "participant_connected", None))
    events.sort(key=lambda e: e[0])
    metadata = {
        "recording_started_at": started_at.isoformat(),
        "title": "Comité de pilotage" if language == "fr" else "Steering committee",
        "participants": participants,
        "events": [
            {
                "participant_id": pid,
                "type": kind,
                "timestamp": (started_at + timedelta(seconds=round(ts, 3))).isoformat(),
                "data": data,
            }
            for ts, pid, kind, data in events
        ],
    }
    meta_path = out / f"{name}-metadata.json"
    meta_path.write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")

    wav = out / f"{name}.wav"
    sf.write(str(wav), mix, SR, subtype="PCM_16")
    ogg = encode_ogg(mix, out / f"{name}.ogg")
    return GeneratedMeeting(ogg, meta_path, rttm, txt)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("--language", default="fr", choices=sorted(SENTENCES))
    parser.add_argument("--speakers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    m = generate_meeting(args.out_dir, args.language, args.speakers, args.seconds, args.seed)
    for field, path in m._asdict().items():
        print(f"{field}: {path}")


if __name__ == "__main__":
    main()
