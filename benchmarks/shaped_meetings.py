"""Generated meetings of different *shapes*, with reference turns, for the coverage benchmark.

Each shape is a script of turns (speaker, language, sentences, gap before, overlap), spoken with
espeak-ng (one voice per participant), mixed as the Visio egress records it (Ogg/Opus), with the
metadata JSON the room agent writes (speech_start/speech_end from each voice's own signal). What a
shape is for:

* ``committee``: ten turns, 0.8 s gaps, one of them holds a phone number;
* ``long_turns``: several sentences per turn with 0.3 s gaps between sentences and turns;
* ``monologue``: a 60+ s presentation, then a short question and its answer;
* ``rapid``: five people, short turns, short gaps;
* ``overlap``: interruptions, the next speaker starting 0.4 to 1.2 s before the last one ends;
* ``noisy_pauses``: long silences with background noise, clicks and a cough-like burst between turns;
* ``bilingual``: a French meeting with an English guest, switching between French and English.

``make_meeting(shape, out_dir)`` returns a :class:`ShapedMeeting` (audio, metadata, reference turns
with their speech regions and text). Needs espeak-ng and ffmpeg.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from benchmarks.meetings import speech_regions
from visio_archive.samples import encode_ogg, speak

SR = 16_000

FR = [
    "Bonjour à tous, merci d'être présents pour ce comité de suivi.",
    "Nous avons trois points à l'ordre du jour ce matin.",
    "Le premier concerne le budget de l'année prochaine.",
    "Le projet de loi de finances prévoit une hausse de trois pour cent des crédits.",
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
    "Nous devons vérifier la conformité avec le règlement sur la protection des données.",
    "La déléguée à la protection des données a rendu un avis favorable.",
    "Il reste une question sur l'hébergement des données sensibles.",
    "Je vous propose de reporter ce sujet à la prochaine séance.",
    "Très bien, je vous enverrai le relevé de décisions demain matin.",
    "Avez-vous des remarques sur le compte rendu de la dernière réunion ?",
    "Le secrétariat général a validé le principe de l'expérimentation.",
    "Nous attendons encore l'arbitrage du cabinet sur les effectifs.",
    "Les premiers retours des usagers sont plutôt positifs.",
    "Le taux de satisfaction atteint quatre-vingt-deux pour cent.",
    "Il y a eu quelques difficultés de connexion au démarrage.",
    "Le prestataire a corrigé le problème en moins de deux jours.",
    "Je voudrais revenir sur la question du recrutement.",
    "Nous avons ouvert six postes, dont quatre sont déjà pourvus.",
    "La commission se réunira de nouveau le quinze avril.",
    "Je propose que chaque service envoie ses observations par écrit.",
    "La note de cadrage sera diffusée à l'ensemble des directions.",
    "Il faudra aussi mettre à jour la convention avec la région.",
    "Le comité technique a émis un avis favorable à l'unanimité.",
    "Merci pour cette présentation très claire.",
    "Est-ce que tout le monde est d'accord avec cette proposition ?",
    "Oui, nous pouvons avancer sur cette base.",
    "Je lève la séance, merci à tous et bonne journée.",
]
EN = [
    "Good morning everyone, thank you for inviting me to this committee.",
    "I will briefly present the results of our pilot in the Netherlands.",
    "We deployed the service in four cities over six months.",
    "About two thousand civil servants used it every week.",
    "The main difficulty was training the staff before the launch.",
    "We also had to adapt the tool to the local data protection rules.",
    "Overall, the feedback from users was very positive.",
    "I am happy to answer your questions.",
    "That is a very good question.",
    "We kept all the data on servers located in Europe.",
]
# A turn that must be kept: it holds a phone number (what redaction has to find).
PHONE_TURN = "Vous pouvez me joindre au zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit."

# espeak voice, pitch (0-99), words per minute.
VOICES_FR = [("fr+m3", 38, 160), ("fr+f2", 70, 170), ("fr+m7", 22, 150), ("fr+f4", 85, 165), ("fr+m1", 55, 175)]
VOICE_EN = ("en-gb+f3", 62, 160)
NAMES = ["Claire Martin", "Julien Bernard", "Sophie Lefèvre", "Nicolas Petit", "Amina Diallo", "Emma de Vries"]


@dataclass
class TurnPlan:
    speaker: int          # index into NAMES; 5 is the English guest
    sentences: list[str]
    gap: float = 0.8      # silence before the turn (negative: overlap with the previous turn)
    language: str = "fr"
    sentence_gap: float = 0.3


@dataclass
class RefTurn:
    speaker: int
    name: str
    start: float
    end: float
    text: str
    language: str
    speech: list[tuple[float, float]] = field(default_factory=list)  # from the voice's own signal

    @property
    def speech_seconds(self) -> float:
        return sum(b - a for a, b in self.speech)


@dataclass
class ShapedMeeting:
    shape: str
    audio: Path
    metadata: Path
    duration: float
    turns: list[RefTurn]
    started_at: datetime

    def rttm_rows(self) -> list[tuple[float, float, str]]:
        return [(a, b, turn.name) for turn in self.turns for a, b in turn.speech]


# ---------------------------------------------------------------- shapes


def _pick(rng: random.Random, pool: list[str], n: int) -> list[str]:
    return rng.sample(pool, n)


def committee(rng: random.Random) -> list[TurnPlan]:
    plan = [TurnPlan(i % 3, _pick(rng, FR, 1 + (i % 2)), gap=0.8) for i in range(10)]
    plan[6] = TurnPlan(1, [PHONE_TURN], gap=0.8)
    return plan


def long_turns(rng: random.Random) -> list[TurnPlan]:
    return [TurnPlan(i % 3, _pick(rng, FR, 3 + i % 2), gap=0.3, sentence_gap=0.3) for i in range(9)]


def monologue(rng: random.Random) -> list[TurnPlan]:
    return [
        TurnPlan(0, _pick(rng, FR, 20), gap=0.5, sentence_gap=0.35),
        TurnPlan(1, ["Merci. Quel est le calendrier pour les départements pilotes ?"], gap=0.7),
        TurnPlan(0, ["Le déploiement commencera en mars."], gap=0.6),
        TurnPlan(2, ["Très bien, merci."], gap=0.6),
    ]


def rapid(rng: random.Random) -> list[TurnPlan]:
    short = [s for s in FR if len(s) < 70]
    return [TurnPlan(i % 5, _pick(rng, short, 1), gap=0.25 + rng.random() * 0.25) for i in range(16)]


def overlap(rng: random.Random) -> list[TurnPlan]:
    plan = []
    for i in range(10):
        gap = -(0.4 + rng.random() * 0.8) if i % 3 == 2 else 0.5
        plan.append(TurnPlan(i % 3, _pick(rng, FR, 1 + i % 2), gap=gap))
    return plan


def noisy_pauses(rng: random.Random) -> list[TurnPlan]:
    return [TurnPlan(i % 2, _pick(rng, FR, 1 + i % 2), gap=4.0 + rng.random() * 8.0) for i in range(8)]


def bilingual(rng: random.Random) -> list[TurnPlan]:
    fr = lambda n: _pick(rng, FR, n)  # noqa: E731
    return [
        TurnPlan(0, fr(2), gap=0.6),
        TurnPlan(1, fr(1), gap=0.7),
        TurnPlan(0, ["Je donne la parole à notre invitée, qui va nous parler en anglais."], gap=0.6),
        TurnPlan(5, EN[:4], gap=0.8, language="en"),
        TurnPlan(1, ["Thank you. Could you tell us more about the training?"], gap=0.7, language="en"),
        TurnPlan(5, [EN[8], EN[4]], gap=0.6, language="en"),
        TurnPlan(0, ["Merci beaucoup pour cette présentation.", *fr(2)], gap=0.8),
        TurnPlan(2, fr(2), gap=0.7),
        TurnPlan(1, fr(2), gap=0.6),
    ]


SHAPES: dict[str, Callable[[random.Random], list[TurnPlan]]] = {
    "committee": committee,
    "long_turns": long_turns,
    "monologue": monologue,
    "rapid": rapid,
    "overlap": overlap,
    "noisy_pauses": noisy_pauses,
    "bilingual": bilingual,
}


# ---------------------------------------------------------------- rendering


def _background(rng: np.random.Generator, n: int, noisy: bool) -> np.ndarray:
    base = rng.normal(0, 0.002, size=n).astype(np.float32)
    if not noisy:
        return base
    # Room noise (low-passed), keyboard clicks and a cough-like burst now and then.
    brown = np.cumsum(rng.normal(0, 1, size=n)).astype(np.float32)
    brown -= np.convolve(brown, np.ones(800) / 800, mode="same").astype(np.float32)
    brown *= 0.006 / max(1e-6, float(np.abs(brown).std()))
    out = base + brown
    for _ in range(int(n / SR / 3)):
        at = int(rng.integers(0, max(1, n - SR)))
        click = rng.normal(0, 0.05, size=160).astype(np.float32) * np.exp(-np.arange(160) / 30)
        out[at : at + 160] += click
    for _ in range(max(1, int(n / SR / 40))):
        at = int(rng.integers(0, max(1, n - SR)))
        burst = rng.normal(0, 0.08, size=SR // 4).astype(np.float32) * np.hanning(SR // 4).astype(np.float32)
        out[at : at + SR // 4] += burst
    return out


def make_meeting(shape: str, out_dir: Path, seed: int = 0) -> ShapedMeeting:
    """Speak one shape's script; write ``{shape}.ogg`` and ``{shape}-metadata.json`` in ``out_dir``."""
    rng = random.Random(f"{shape}-{seed}")
    plan = SHAPES[shape](rng)
    out_dir.mkdir(parents=True, exist_ok=True)
    spoken: list[tuple[TurnPlan, list[np.ndarray]]] = []
    for turn in plan:
        voice = VOICE_EN if turn.speaker == 5 else VOICES_FR[turn.speaker]
        if turn.speaker == 5:
            voice = VOICE_EN
        elif turn.language == "en":
            voice = ("en-gb+" + VOICES_FR[turn.speaker][0].split("+")[1], *VOICES_FR[turn.speaker][1:])
        spoken.append((turn, [speak(s, *voice) for s in turn.sentences]))
    # Lay the turns out on a timeline, one track per speaker.
    cursor = 1.0
    placed: list[tuple[TurnPlan, float, float, list[tuple[float, np.ndarray]]]] = []
    for turn, clips in spoken:
        start = max(0.2, cursor + turn.gap)
        t = start
        pieces = []
        for k, clip in enumerate(clips):
            pieces.append((t, clip))
            t += clip.size / SR + (turn.sentence_gap if k + 1 < len(clips) else 0.0)
        placed.append((turn, start, t, pieces))
        cursor = t
    total = int((cursor + 1.5) * SR)
    tracks = np.zeros((len(NAMES), total), dtype=np.float32)
    for turn, _, _, pieces in placed:
        for at, clip in pieces:
            i = int(at * SR)
            tracks[turn.speaker, i : i + clip.size] += clip[: total - i]
    noisy = shape == "noisy_pauses"
    mix = tracks.sum(axis=0) + _background(np.random.default_rng(seed), total, noisy)
    mix /= max(1.0, float(np.abs(mix).max()) / 0.95)

    turns: list[RefTurn] = []
    for turn, start, end, _ in placed:
        own = speech_regions(tracks[turn.speaker][int(start * SR) : int(end * SR) + SR // 10], min_gap=0.25)
        speech = [(round(start + a, 2), round(min(end, start + b), 2)) for a, b in own]
        turns.append(RefTurn(turn.speaker, NAMES[turn.speaker], round(start, 2), round(end, 2),
                             " ".join(turn.sentences), turn.language, speech))

    started_at = datetime(2026, 3, 2, 9, 0, tzinfo=UTC) + timedelta(hours=seed)
    audio = encode_ogg(mix, out_dir / f"{shape}.ogg")
    metadata = _metadata(turns, started_at, total / SR, shape)
    meta_path = out_dir / f"{shape}-metadata.json"
    meta_path.write_text(json.dumps(metadata, ensure_ascii=False, indent=1), encoding="utf-8")
    return ShapedMeeting(shape, audio, meta_path, total / SR, turns, started_at)


def _metadata(turns: list[RefTurn], started_at: datetime, duration: float, shape: str) -> dict[str, object]:
    """The room agent's JSON: participants, connections, and VAD-like speech events per stream."""
    speakers = sorted({t.speaker for t in turns})
    ids = {s: f"{NAMES[s].split()[0].lower()}-{s:02d}a" for s in speakers}

    def at(seconds: float) -> str:
        return (started_at + timedelta(seconds=round(seconds, 3))).isoformat()

    events = [{"participant_id": ids[s], "type": "participant_connected", "timestamp": at(-10 - s), "data": None}
              for s in speakers]
    for s in speakers:
        merged: list[list[float]] = []
        for a, b in sorted(r for t in turns if t.speaker == s for r in t.speech):
            if merged and a - merged[-1][1] < 0.5:  # a per-stream VAD bridges short pauses
                merged[-1][1] = b
            else:
                merged.append([a, b])
        for a, b in merged:
            events.append({"participant_id": ids[s], "type": "speech_start", "timestamp": at(a - 0.05), "data": None})
            events.append({"participant_id": ids[s], "type": "speech_end", "timestamp": at(b + 0.1), "data": None})
        events.append({"participant_id": ids[s], "type": "participant_disconnected", "timestamp": at(duration + 1),
                       "data": None})
    events.sort(key=lambda e: str(e["timestamp"]))
    return {
        "recording_started_at": started_at.isoformat(),
        "title": f"Réunion de test ({shape})",
        "participants": [{"participantId": ids[s], "name": NAMES[s]} for s in speakers],
        "events": events,
    }
