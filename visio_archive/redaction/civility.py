"""The one list of civilities and honorifics, shared by every PERSON pattern and by the pseudonymizer.

A civility before a name is part of the redacted span ("Mme Le Gall" -> one placeholder: it gives
away gender) and is dropped when a value is normalised for its pseudonym, so that "Professeur
Dupont", "Pr Dupont", "Dr Dupont" and "Dupont" share one keyed-HMAC token.  Every pattern that
looks for a civility is built from :data:`CIVILITIES` here, so the detector, the PERSON rules and
the operators cannot disagree again.

Words are folded (lower case, no accents).  Abbreviations may take a final dot; ``m`` only with
it ("M. Dupont": a bare "m" is a letter), ``me`` (Maître) and the English ``mr``/``mrs``/``ms``
only capitalised in running text (see :func:`needs_capital`).
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "CIVILITIES", "CIVILITY_ALT", "LOWER_CASE_CIVILITIES", "needs_capital", "needs_dot",
           "strip_civility"]

# Full words: French, English, then German / Dutch (meetings in those languages).
WORDS: tuple[str, ...] = (
    "monsieur", "madame", "mademoiselle", "messieurs", "mesdames", "mesdemoiselles", "maitre", "docteur",
    "docteure", "professeur", "professeure", "monseigneur",
    "mister", "missus", "miss", "madam", "doctor", "professor", "sir",
    "herr", "frau", "meneer", "mevrouw", "mijnheer",
    "signor", "signore", "signora", "senor", "senora", "senhor", "senhora", "pani",
    # West Africa's honorifics of a pilgrim or a teacher: "alhaji musa abdullahi", "hajia amina"
    "alhaji", "alhaja", "hajia", "mallam",
)
# Abbreviations (without their dot).
ABBREVIATIONS: tuple[str, ...] = (
    "m", "mm", "mme", "mmes", "mlle", "mlles", "me", "dr", "dre", "pr", "prof", "mgr",
    "mr", "mrs", "ms", "mx",
)
CIVILITIES: tuple[str, ...] = WORDS + ABBREVIATIONS

# The civilities that open a name in lower-case ASR text: not those that are words too ("miss", "sir",
# "doctor", "madam": "i miss her", "the doctor said"), nor the abbreviations read as letters ("m", "me", "pr").
LOWER_CASE_CIVILITIES: tuple[str, ...] = (
    "mr", "mrs", "ms", "mx", "dr", "mister", "missus", "madame", "monsieur", "mademoiselle", "maitre", "docteur",
    "professeur", "alhaji", "alhaja", "hajia", "mallam",
)
# Longest first, so that "mme" is not read as "m" + "me".
CIVILITY_ALT = "|".join(sorted(CIVILITIES, key=len, reverse=True))

_NEEDS_DOT = frozenset(("m", "mm"))
_NEEDS_CAPITAL = frozenset(("me", "mr", "mrs", "ms", "mx", "miss", "sir"))


def needs_dot(civ: str) -> bool:
    """"M. Dupont" is a civility, a bare "m" is not."""
    return civ in _NEEDS_DOT


def needs_capital(civ: str) -> bool:
    """Civilities that are also ordinary words or pronouns ("me", "miss", "sir") count only capitalised."""
    return civ in _NEEDS_CAPITAL


_LEADING = re.compile(rf"^(?:(?:{CIVILITY_ALT})\.?\s+)+")


def strip_civility(folded: str) -> str:
    """``folded`` without its leading civilities ("pr dupont" -> "dupont", "m. et mme dupont" unchanged)."""
    return _LEADING.sub("", folded)
