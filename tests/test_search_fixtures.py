"""Test data and helpers for the search, UI and browser tests (no tests here).

Three meetings with a full transcript (personal data: "Jean Dupont", a phone number, an e-mail)
and its redacted twin; only the redacted one is indexed and put under archive/. The tests check
that none of SECRETS is ever shown to a viewer.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from visio_archive.auth import ConfigAuthenticator, hash_password, hash_token
from visio_archive.models import (
    Entity,
    RedactedSegment,
    RedactedTranscript,
    Segment,
    Speaker,
    Transcript,
    Word,
)
from visio_archive.settings import Settings

SECRETS = ["Dupont", "06 12 34 56 78", "jean.dupont@example.fr", "Lefèvre"]
PASSWORD = "correct horse battery"
TOKENS = {"viewer": "tok-viewer-0123456789", "officer": "tok-officer-0123456789",
          "legal": "tok-legal-0123456789", "admin": "tok-admin-0123456789"}
ROLES = {"viewer": "viewer", "officer": "records_officer", "legal": "legal", "admin": "admin"}

# (speaker label, full text, redacted text, {original: placeholder})
M1 = [
    ("SPEAKER_00", "Bonjour à tous, nous ouvrons le comité de pilotage du budget.",
     "Bonjour à tous, nous ouvrons le comité de pilotage du budget."),
    ("SPEAKER_01", "Jean Dupont présentera les élections professionnelles.",
     "[PERSONNE_1] présentera les élections professionnelles."),
    ("SPEAKER_00", "Vous pouvez le joindre au 06 12 34 56 78 ou jean.dupont@example.fr pour la réunion.",
     "Vous pouvez le joindre au [TELEPHONE_1] ou [EMAIL_1] pour la réunion."),
    ("SPEAKER_01", "Le budget de fonctionnement augmente de trois pour cent cette année.",
     "Le budget de fonctionnement augmente de trois pour cent cette année."),
    ("SPEAKER_00", "Madame Lefèvre demande un rapport sur la réorganisation des services.",
     "Madame [PERSONNE_2] demande un rapport sur la réorganisation des services."),
]
M2 = [
    ("SPEAKER_00", "Le conseil d'administration examine le calendrier des élections.",
     "Le conseil d'administration examine le calendrier des élections."),
    ("SPEAKER_01", "La réunion budgétaire est reportée au mois prochain.",
     "La réunion budgétaire est reportée au mois prochain."),
    ("SPEAKER_00", "Nous validons le procès-verbal de la séance précédente.",
     "Nous validons le procès-verbal de la séance précédente."),
]
M3 = [
    ("SPEAKER_00", "Welcome to the steering committee on the digital budget.",
     "Welcome to the steering committee on the digital budget."),
    ("SPEAKER_01", "The migration schedule slips by two weeks.",
     "The migration schedule slips by two weeks."),
]


@dataclass
class MeetingFixture:
    meeting_id: str
    full: Transcript
    redacted: RedactedTranscript
    series: str


def _words(text: str, start: float, end: float) -> list[Word]:
    tokens = text.split()
    step = (end - start) / max(1, len(tokens))
    return [Word(word=t, start=round(start + i * step, 3), end=round(start + (i + 1) * step - 0.01, 3))
            for i, t in enumerate(tokens)]


def _meeting(meeting_id: str, title: str, started: datetime, language: str, names: list[str],
             rows: list[tuple[str, str, str]], series: str, seg_len: float = 2.0) -> MeetingFixture:
    speakers = [Speaker(label=f"SPEAKER_{i:02d}", name=n, participant_id=f"p-{i}", source="metadata")
                for i, n in enumerate(names)]
    full_segments, red_segments = [], []
    for index, (label, full, red) in enumerate(rows):
        start, end = index * seg_len, index * seg_len + seg_len - 0.2
        full_segments.append(Segment(start=start, end=end, text=full, speaker=label, words=_words(full, start, end)))
        entities = [Entity(start=full.find(s), end=full.find(s) + len(s), label="PERSON", text=s)
                    for s in SECRETS if s in full]
        red_segments.append(RedactedSegment(index=index, start=start, end=end, speaker=label, text=red,
                                            entities=entities, words=_words(red, start, end)))
    duration = len(rows) * seg_len
    full_t = Transcript(meeting_id=meeting_id, language=language, duration=duration, started_at=started,
                        title=title, speakers=speakers, segments=full_segments, timestamp_method="imported")
    red_t = RedactedTranscript(meeting_id=meeting_id, language=language, duration=duration, started_at=started,
                               title=title, speakers=speakers, segments=red_segments)
    return MeetingFixture(meeting_id, full_t, red_t, series)


def corpus(run_id: str) -> list[MeetingFixture]:
    return [
        _meeting(f"copil-{run_id}", "Comité de pilotage budget", datetime(2026, 3, 2, 9, 0, tzinfo=UTC), "fr",
                 ["Alice Martin", "Bernard Petit"], M1, "copil"),
        _meeting(f"ca-{run_id}", "Conseil d'administration", datetime(2026, 4, 15, 14, 0, tzinfo=UTC), "fr",
                 ["Claire Roux", "Bernard Petit"], M2, "ca"),
        _meeting(f"steer-{run_id}", "Steering committee", datetime(2025, 12, 1, 10, 0, tzinfo=UTC), "en",
                 ["Dana Smith", "Eve Jones"], M3, "steering"),
    ]


def make_audio(path: Path, seconds: float = 10.0) -> Path:
    """A real short Ogg Vorbis file: French speech from espeak-ng when present, else a sox tone."""
    wav = path.with_suffix(".wav")
    if shutil.which("espeak-ng"):
        subprocess.run(["espeak-ng", "-v", "fr", "-s", "120", "-w", str(wav),
                        "Bonjour à tous, nous ouvrons le comité de pilotage du budget. "
                        "Le budget de fonctionnement augmente de trois pour cent cette année."],
                       check=True, capture_output=True)
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(wav), "-af", "apad",
                        "-t", str(seconds), "-c:a", "libvorbis", "-q:a", "2", str(path)],
                       check=True, capture_output=True)
    else:
        subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(path), "synth", str(seconds), "sine", "440"],
                       check=True, capture_output=True)
    return path


def authenticator() -> ConfigAuthenticator:
    hashed = hash_password(PASSWORD)
    return ConfigAuthenticator(users={
        name: {"role": role, "password": hashed, "tokens": [hash_token(TOKENS[name])],
               "display_name": name.capitalize()}
        for name, role in ROLES.items()
    })


def auth_header(name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKENS[name]}"}


def load_archive(settings: Settings, meetings: list[MeetingFixture], audio: Path | None) -> Any:
    """Put the artifacts in S3 and the redacted documents in the index; returns the Storage."""
    from visio_archive import index as index_mod
    from visio_archive.documents import build_documents
    from visio_archive.storage import Storage

    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    client = index_mod.client_from_settings(settings)
    index_mod.ensure_indices(client, settings.index_prefix)
    a, r = settings.artifacts_prefix, settings.restricted_prefix
    for m in meetings:
        storage.put_json(f"{r}{m.meeting_id}/transcript.json", m.full)
        storage.put_json(f"{a}{m.meeting_id}/transcript.redacted.json", m.redacted)
        if audio is not None and m.redacted.language == "fr":
            storage.put_artifact(f"{a}{m.meeting_id}/audio.redacted.ogg", audio, "audio/ogg")
        meeting_doc, segment_docs = build_documents(m.redacted, series=m.series)
        index_mod.index_meeting(client, settings.index_prefix, meeting_doc, segment_docs, refresh=True)
    return storage


def ui_settings(settings: Settings, state_dir: Path) -> Settings:
    return settings.model_copy(update={"state_dir": state_dir})


# A meeting with odd text: control characters, NUL/SOH, bidi overrides, a BOM, a flagged span (the
# speech stage found no trustworthy text there), and names to fold ("MARTIN Paul", "Émilie Durand").
ODD_TEXT = "Le quar\x00tier\x01 vote \u202eles travaux\u202c \u2066ce soir\u2069 \ufeffet\x1b[0m \x07demain."
ODD_UNSAFE = ["\x00", "\x01", "\x1b", "\x07", "\u202e", "\u202c", "\u2066", "\u2069", "\ufeff"]


def odd_meeting(run_id: str) -> MeetingFixture:
    speakers = [Speaker(label="SPEAKER_00", name="MARTIN Paul", participant_id="p-0", source="metadata"),
                Speaker(label="SPEAKER_01", name="Émilie Durand\u202e", participant_id="p-1", source="metadata")]
    rows = [("SPEAKER_00", ODD_TEXT, 0.0, 4.0, None), ("SPEAKER_01", "", 5.0, 18.5, "decoding loop"),
            ("SPEAKER_01", "La séance de quartier est levée.", 20.0, 23.0, None)]
    full_segments, red_segments = [], []
    for index, (label, text, start, end, flag) in enumerate(rows):
        words = _words(text, start, end)
        full_segments.append(Segment(start=start, end=end, text=text or "merci merci merci", speaker=label,
                                     words=words, flagged=flag))
        red_segments.append(RedactedSegment(index=index, start=start, end=end, speaker=label, text=text,
                                            words=words, flagged=flag))
    started = datetime(2026, 5, 20, 16, 30, tzinfo=UTC)
    title = "Conseil\x0b de quartier\u202e"
    full_t = Transcript(meeting_id=f"odd-{run_id}", language="fr", duration=23.0, started_at=started, title=title,
                        speakers=speakers, segments=full_segments, timestamp_method="imported")
    red_t = RedactedTranscript(meeting_id=f"odd-{run_id}", language="fr", duration=23.0, started_at=started,
                               title=title, series="quartier", speakers=speakers, segments=red_segments)
    return MeetingFixture(f"odd-{run_id}", full_t, red_t, "quartier")
