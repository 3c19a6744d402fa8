"""PERSON rules that complement spaCy's NER: civility context, participant gazetteer, first names.

ASR output is often lower case and unpunctuated ("donc jean dupont va présenter"), where a
statistical NER trained on edited text is weak; these rules catch names from context
("madame lefèvre"), from the meeting's participant list, and from a list of French first names.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Sequence

from visio_archive.models import Entity
from visio_archive.redaction.lexicon import (
    AMBIGUOUS_FIRST,
    FIRST_NAMES,
    PARTICLES,
    PUBLIC_BODIES,
    STOP,
    SURNAMES,
    TITLES,
)
from visio_archive.redaction.numbers_fr import fold

__all__ = ["Gazetteer", "civility_names", "clean_person", "first_name_names", "participant_names"]

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CIV_RE = re.compile(
    r"(?<![\w.])(monsieur|madame|mademoiselle|maitre|docteur|professeur|messieurs|mesdames|mme|mlle|mr|mrs|ms|"
    r"me|dr|pr|m)(\.?)(?=\s)",
)
_CIV_ABBR = frozenset(("mme", "mlle", "mr", "mrs", "ms", "me", "dr", "pr", "m"))
_GENERIC_SPEAKER = re.compile(r"^(intervenant|intervenante|speaker|locuteur|participant|orateur|unknown|inconnu)"
                              r"[\s_]*\d*(\s*\(\d+\))?$", re.IGNORECASE)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


def _surname_like(tok: str, ftok: str, common: Container[str]) -> bool:
    """Could this lower-case token be a surname? (not a function word, title or common word)."""
    if len(ftok) < 2 or ftok in STOP or ftok in TITLES or ftok in PUBLIC_BODIES:
        return False
    if ftok in SURNAMES or ftok in FIRST_NAMES:
        return True
    parts = re.split(r"[-'’]", tok.lower())
    return not any(p in common for p in parts if p) and tok.lower() not in common


def _extend_name(text: str, folded: str, pos: int, common: Container[str], *, lower_ok: bool,
                 max_tokens: int = 4) -> int | None:
    """Consume name tokens (and particles between them) from ``pos``; return the end or None."""
    end: int | None = None
    real = 0
    p = pos
    pending_particle = False
    mode_cap: bool | None = None
    while real < max_tokens:
        m = re.compile(r"[ \t]+").match(text, p)
        q = m.end() if m else p
        if q == p and real + (1 if pending_particle else 0) > 0 and text[p:p + 1] not in ("'", "’"):
            break
        t = _WORD_RE.match(text, q)
        if not t:
            break
        tok, ftok = t.group(), folded[t.start():t.end()]
        base = re.split(r"['’]", ftok)[0]
        if ftok in PARTICLES or (base in ("d", "l") and "'" in tok.replace("’", "'") and len(ftok) > 2):
            if base in ("d", "l") and len(ftok) > 2:
                # d'Estaing: the particle is glued to the name
                rest = tok[2:]
                if _is_cap(rest) or (lower_ok and _surname_like(rest, ftok[2:], common)):
                    end = t.end()
                    real += 1
                    p = t.end()
                    continue
                break
            pending_particle = True
            p = t.end()
            continue
        if ftok in TITLES or ftok in STOP or ftok in PUBLIC_BODIES:
            break
        cap = _is_cap(tok)
        if cap and not (tok.isupper() and len(tok) > 1 and ftok in PUBLIC_BODIES):
            if mode_cap is False:
                break
            mode_cap = True
        elif lower_ok and mode_cap is not True and _surname_like(tok, ftok, common):
            mode_cap = False
        else:
            break
        end = t.end()
        real += 1
        pending_particle = False
        p = t.end()
    return end


def civility_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """"M. Dupont", "Mme Claire Le Gall", "monsieur jean-pierre martin", "Maître de La Fontaine"."""
    out: list[Entity] = []
    for m in _CIV_RE.finditer(folded):
        civ = m.group(1)
        orig = text[m.start():m.end()]
        if civ in _CIV_ABBR:
            if not _is_cap(orig):
                continue
            if civ == "m" and m.group(2) != ".":
                continue
        start = m.end()
        sm = re.compile(r"[ \t]+").match(text, start)
        name_start = sm.end() if sm else start
        lower_ok = civ not in _CIV_ABBR or civ in ("mme", "mlle")
        end = _extend_name(text, folded, start, common, lower_ok=lower_ok)
        if end is None or end <= name_start:
            continue
        out.append(Entity(start=name_start, end=end, label="PERSON", text=text[name_start:end],
                          score=0.95, source="context"))
    return out


def first_name_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """A known first name, with the surname that follows it (works on lower-case ASR text)."""
    out: list[Entity] = []
    for t in _WORD_RE.finditer(text):
        tok = t.group()
        ftok = folded[t.start():t.end()]
        parts = re.split(r"[-'’]", ftok)
        if not all(p in FIRST_NAMES for p in parts):
            continue
        cap = _is_cap(tok)
        if ftok in TITLES or ftok in STOP:
            continue
        end = _extend_name(text, folded, t.end(), common, lower_ok=not cap, max_tokens=3)
        if end is None:
            if any(p in AMBIGUOUS_FIRST for p in parts) or tok.lower() in common:
                continue
            if not cap and len(parts) == 1 and ftok in SURNAMES:
                continue  # "thomas", "martin": too often a common surname-or-word alone
            end = t.end()
        out.append(Entity(start=t.start(), end=end, label="PERSON", text=text[t.start():end],
                          score=0.8, source="lexicon"))
    return out


class Gazetteer:
    """The meeting's participant names, matched without regard to case, accents or hyphens."""

    def __init__(self, names: Iterable[str], common: Container[str] = frozenset()) -> None:
        variants: set[str] = set()
        self.strict: set[str] = set()  # variants that must be capitalised to count (ordinary words)
        for name in names:
            name = (name or "").strip()
            name = re.sub(r"\s*\(\d+\)$", "", name)
            if not name or _GENERIC_SPEAKER.match(name):
                continue
            toks = [t for t in re.split(r"[\s]+", fold(name)) if t]
            if not toks:
                continue
            variants.add(" ".join(toks))
            if len(toks) >= 2:
                variants.add(" ".join(toks[1:]))
                variants.add(" ".join([toks[0], toks[-1]]))
                # last name without its particles: "de La Fontaine" -> "la fontaine", "fontaine"
                k = 1
                while k < len(toks) - 1 and toks[k] in PARTICLES:
                    k += 1
                    variants.add(" ".join(toks[k:]))
            for t in toks:
                for piece in [t, *re.split(r"[-'’]", t)]:
                    if len(piece) >= 3 and piece not in STOP and piece not in PARTICLES and piece not in TITLES:
                        variants.add(piece)
                        if piece in common or piece in AMBIGUOUS_FIRST:
                            self.strict.add(piece)
        variants = {v for v in variants if v and v not in STOP and v not in PARTICLES}
        self.variants = sorted(variants, key=len, reverse=True)
        if self.variants:
            alts = [r"[\s\-'’]+".join(re.escape(p) for p in re.split(r"[\s\-'’]+", v)) for v in self.variants]
            self.regex: re.Pattern[str] | None = re.compile(r"(?<!\w)(?:" + "|".join(alts) + r")(?!\w)")
        else:
            self.regex = None

    def find(self, text: str, folded: str) -> list[Entity]:
        if self.regex is None:
            return []
        out = []
        for m in self.regex.finditer(folded):
            key = re.sub(r"[\s\-'’]+", " ", m.group())
            if key in self.strict and not _is_cap(text[m.start():m.end()]):
                continue
            out.append(Entity(start=m.start(), end=m.end(), label="PERSON", text=text[m.start():m.end()],
                              score=0.99, source="gazetteer"))
        return out


def participant_names(participants: Sequence[str]) -> list[str]:
    return [p for p in participants if p and not _GENERIC_SPEAKER.match(p.strip())]


_LEADING_CIV = re.compile(
    r"^(?:(?:monsieur|madame|mademoiselle|maitre|docteur|professeur|mme|mlle|mr|mrs|ms|me|dr|pr|m)\.?\s+)+",
)


def clean_person(text: str, folded: str, start: int, end: int, common: Container[str]) -> tuple[int, int] | None:
    """Trim a NER PERSON span (civility, punctuation); None when it is not a name after all."""
    seg = folded[start:end]
    m = _LEADING_CIV.match(seg)
    if m:
        start += m.end()
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end <= start:
        return None
    words = [w for w in re.split(r"[\s\-'’]+", folded[start:end]) if w]
    if not words:
        return None
    if all(w in STOP or w in TITLES or w in PARTICLES for w in words):
        return None
    if any(w in PUBLIC_BODIES for w in words) and not any(w in FIRST_NAMES for w in words):
        return None
    if folded[start:end] in ("monsieur", "madame", "bonjour", "merci", "salut", "bonsoir", "au revoir"):
        return None
    orig = text[start:end]
    if orig.islower():
        # lower-case NER hits are kept only when something in them looks like a name
        if all(w in common and w not in FIRST_NAMES and w not in SURNAMES for w in words):
            return None
    return start, end
