"""Operators that replace detected spans: typed placeholders, mask, keyed HMAC.

``Pseudonymizer`` numbers values per label within one meeting, so that the same person, phone or
e-mail gets the same placeholder every time, whatever its written or spoken form:
"06 12 34 56 78", "+33 6 12 34 56 78" and "zéro six douze trente-quatre ..." are one [TÉLÉPHONE_1];
"Jean Dupont", "jean dupont", "M. Dupont" and "Dupont" are one [PERSONNE_1] when unambiguous.
The mapping placeholder -> originals is what :func:`crypto.encrypt_mapping` stores encrypted.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any, Literal

from visio_archive.models import Entity
from visio_archive.redaction.civility import strip_civility
from visio_archive.redaction.numbers_fr import fold, numeric_runs

__all__ = ["OPERATORS", "TAGS", "Operator", "Pseudonymizer", "normalize_value", "redact_text"]

Operator = Literal["placeholder", "mask", "hmac"]
OPERATORS: tuple[str, ...] = ("placeholder", "mask", "hmac")

TAGS: dict[str, dict[str, str]] = {
    "fr": {"PERSON": "PERSONNE", "EMAIL": "COURRIEL", "PHONE": "TÉLÉPHONE", "NIR": "NIR", "IBAN": "IBAN",
           "PAYMENT_CARD": "CARTE_BANCAIRE", "ADDRESS": "ADRESSE", "LOCATION": "LIEU",
           "ORGANIZATION": "ORGANISATION"},
    "en": {"PERSON": "PERSON", "EMAIL": "EMAIL", "PHONE": "PHONE", "NIR": "NIR", "IBAN": "IBAN",
           "PAYMENT_CARD": "CARD", "ADDRESS": "ADDRESS", "LOCATION": "LOCATION", "ORGANIZATION": "ORGANIZATION"},
}
MASK_CHAR = "█"


def _digits(text: str) -> str:
    runs = numeric_runs(text)
    s = "".join(u.digits for run in runs for u in run)
    if s.startswith("+33"):
        s = "0" + s[3:].lstrip("0")
    elif s.startswith("0033"):
        s = "0" + s[4:].lstrip("0")
    return s.upper()


def normalize_value(label: str, text: str) -> str:
    """A canonical form so that different renderings of one value share a pseudonym."""
    f = fold(text)
    if label in ("PHONE", "NIR", "IBAN", "PAYMENT_CARD"):
        d = _digits(text)
        return d or re.sub(r"\W+", "", f)
    if label == "EMAIL":
        f = re.sub(r"\s+(?:arr?obase?s?|at)\s+", "@", f)
        f = re.sub(r"\s+(?:point|dot)\s+", ".", f)
        f = re.sub(r"\s+(?:tiret bas|underscore)\s+", "_", f)
        f = re.sub(r"\s+tiret\s+", "-", f)
        return re.sub(r"\s+", "", f)
    if label == "PERSON":
        f = strip_civility(f)
        return " ".join(re.split(r"[\s\-'’]+", f)).strip()
    return " ".join(re.split(r"[\s,]+", f)).strip()


class Pseudonymizer:
    """Consistent pseudonyms within one meeting (one instance per meeting)."""

    def __init__(self, lang: str = "fr", hmac_key: bytes | None = None, participants: Iterable[str] = ()) -> None:
        """``participants``: the meeting's names; "kerwan" and "le tallec" then share the pseudonym of
        the participant "Kerwan Le Tallec" (when only one participant matches)."""
        self.lang = lang
        self.participants = [normalize_value("PERSON", p) for p in participants if p and p.strip()]
        self.tags = TAGS.get(lang, TAGS["fr"])
        self.hmac_key = hmac_key
        self._ids: dict[tuple[str, str], str] = {}
        self._counters: dict[str, int] = {}
        self.mapping: dict[str, dict[str, Any]] = {}

    def _participant(self, norm: str) -> str | None:
        toks = norm.split()
        if not toks:
            return None
        hits = set()
        for p in self.participants:
            pt = p.split()
            if any(pt[i:i + len(toks)] == toks for i in range(len(pt) - len(toks) + 1)):
                hits.add(p)
        return hits.pop() if len(hits) == 1 else None

    def _person_alias(self, norm: str) -> str | None:
        """"dupont" -> the one known "jean dupont" (same for a lone first name), if unambiguous."""
        toks = norm.split()
        if not toks:
            return None
        cands = {
            pid for (label, key), pid in self._ids.items()
            if label == "PERSON" and key != norm and (
                key.split()[-len(toks):] == toks or key.split()[:len(toks)] == toks
                or toks[-len(key.split()):] == key.split()
            )
        }
        return next(iter(cands)) if len(cands) == 1 else None

    def placeholder(self, label: str, text: str) -> str:
        norm = normalize_value(label, text)
        if label == "PERSON":
            norm = self._participant(norm) or norm
        key = (label, norm)
        pid = self._ids.get(key)
        if pid is None and label == "PERSON":
            pid = self._person_alias(norm)
        if pid is None:
            n = self._counters.get(label, 0) + 1
            self._counters[label] = n
            pid = f"[{self.tags.get(label, label)}_{n}]"
        self._ids[key] = pid
        self._remember(pid, label, text)
        return pid

    def hmac_token(self, label: str, text: str) -> str:
        if self.hmac_key is None:
            raise ValueError("the hmac operator needs a key (derived from settings.redaction_key)")
        norm = normalize_value(label, text)
        if label == "PERSON":
            norm = self._participant(norm) or norm
        digest = hmac.new(self.hmac_key, f"{label}\x1f{norm}".encode(), hashlib.sha256).hexdigest()
        pid = f"[{self.tags.get(label, label)}_{digest[:12]}]"
        self._remember(pid, label, text)
        return pid

    def mask(self, label: str, text: str) -> str:
        pid = MASK_CHAR * max(3, len(text))
        return pid

    def _remember(self, pid: str, label: str, text: str) -> None:
        entry = self.mapping.setdefault(pid, {"label": label, "values": []})
        if text not in entry["values"]:
            entry["values"].append(text)

    def replacement(self, entity: Entity, operator: str) -> str:
        if operator == "placeholder":
            return self.placeholder(entity.label, entity.text)
        if operator == "hmac":
            return self.hmac_token(entity.label, entity.text)
        if operator == "mask":
            return self.mask(entity.label, entity.text)
        raise ValueError(f"unknown operator {operator!r} (expected one of {', '.join(OPERATORS)})")


def redact_text(text: str, entities: Iterable[Entity], operator: str = "placeholder",
                pseudonymizer: Pseudonymizer | None = None) -> str:
    """``text`` with every entity span replaced (entities must not overlap; offsets into ``text``)."""
    ps = pseudonymizer or Pseudonymizer()
    ents = sorted(entities, key=lambda e: e.start)
    reps = [(e, ps.replacement(e, operator)) for e in ents]  # numbered in reading order
    out: list[str] = []
    pos = 0
    for e, rep in reps:
        if e.start < pos:
            continue
        out.append(text[pos:e.start])
        out.append(rep)
        pos = e.end
    out.append(text[pos:])
    return "".join(out)
