# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""PERSON rules that complement spaCy's NER: civility context, participant gazetteer, first names.

ASR output is often lower case and unpunctuated ("donc jean dupont va présenter"), where a
statistical NER trained on edited text is weak; these rules catch names from context
("madame lefèvre"), from the meeting's participant list, and from a list of French first names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence

from visio_archive.models import Entity
from visio_archive.redaction.asr_names import EN_FINITE, EN_VERB_FORMS, SHORT_NOT_NAMES, en_known
from visio_archive.redaction.civility import CIVILITIES, CIVILITY_ALT, needs_capital, needs_dot, strip_civility
from visio_archive.redaction.lexicon import (
    AMBIGUOUS_FIRST,
    CJK_GIVEN,
    CJK_SURNAMES,
    FIRST_NAMES,
    NON_NAMES,
    PARTICLES,
    PUBLIC_BODIES,
    STOP,
    SURNAMES,
    TITLES,
    WORDLIKE_FIRST,
    anglophone_first_names,
    world_first_names,
)
from visio_archive.redaction.numbers_fr import EN_NUMBER_WORDS, NUMBER_WORDS, fold

__all__ = ["Gazetteer", "civility_names", "clean_person", "first_name_names", "looks_like_name", "participant_names"]

_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_CIV_RE = re.compile(rf"(?<![\w.])({CIVILITY_ALT})(\.?)(?=\s)")
_GENERIC_SPEAKER = re.compile(r"^(intervenant|intervenante|speaker|locuteur|participant|orateur|unknown|inconnu)"
                              r"[\s_]*\d*(\s*\(\d+\))?$", re.IGNORECASE)


def _is_cap(tok: str) -> bool:
    return tok[:1].isupper()


_IMPERATIVE_PRONOUNS = frozenset("le la les moi toi lui nous vous leur en y".split())


def _surname_like(tok: str, ftok: str, common: Container[str]) -> bool:
    """Could this lower-case token be a surname? (not a function word, title or common word)."""
    if (len(ftok) < 2 or ftok in STOP or ftok in TITLES or ftok in PUBLIC_BODIES or ftok in NON_NAMES
            or ftok in NUMBER_WORDS):
        return False
    if ftok in SURNAMES or ftok in FIRST_NAMES:
        return True
    el = re.match(r"(?:m|t|s|n|j|c|qu)['’](.*)", tok.lower())
    if el and (len(el.group(1)) < 2 or el.group(1) in common or fold(el.group(1)) in STOP):
        return False  # "m'a", "c'est", "qu'il", "n'est": elided words, never a name ("N'Diaye" is one)
    if "-" in ftok:
        parts = [p for p in ftok.split("-") if p]
        if parts and parts[-1] in _IMPERATIVE_PRONOUNS and len(parts) == 2:
            return False  # "envoie-le", "dites-moi": a verb and its pronoun
        if any(p in SURNAMES or p in FIRST_NAMES for p in parts):
            return True
        if all(p in STOP or p in TITLES for p in parts):
            return False
        # "rohan-chabot": one part that no dictionary knows is enough ("peut-être", "grand-mère" are known)
        return any(len(p) > 2 and p not in common for p in tok.lower().split("-"))
    parts = re.split(r"[-'’]", tok.lower())
    return not any(p in common for p in parts if len(p) > 1) and tok.lower() not in common


_CAPITALISED_FILLERS = frozenset("bah ben bon hein ho ha hum".split())


def _extend_name(text: str, folded: str, pos: int, common: Container[str], *, lower_ok: bool,
                 max_tokens: int = 4, rare: Callable[[str], bool] | None = None) -> int | None:
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
                if ftok[2:] in PUBLIC_BODIES or ftok[2:] in STOP:
                    break
                if _is_cap(rest) or (lower_ok and _surname_like(rest, ftok[2:], common)):
                    end = t.end()
                    real += 1
                    p = t.end()
                    continue
                break
            pending_particle = True
            p = t.end()
            continue
        if ftok in TITLES or ftok in PUBLIC_BODIES or (ftok in STOP and not (
                _is_cap(tok) and ftok in _CAPITALISED_FILLERS and mode_cap is not False)):
            break  # "Mariama Bah", "Paul Ben": a filler word capitalised in a name is the surname
        cap = _is_cap(tok)
        if cap and not (tok.isupper() and len(tok) > 1 and ftok in PUBLIC_BODIES):
            if mode_cap is False:
                break
            mode_cap = True
        elif lower_ok and mode_cap is not True and (
                _surname_like(tok, ftok, common) or (rare is not None and real == 0 and _rare_ok(tok, ftok, rare))):
            mode_cap = False
        else:
            break
        end = t.end()
        real += 1
        pending_particle = False
        p = t.end()
    return end


_AFTER_NAME_WORD = re.compile(r"[ \t]+([^\W\d_][\w'’-]+)(?![\w'’])")


def _surname_after_civility_first_name(folded: str, end: int) -> int | None:
    """After a civility and a first name, the next word is the surname even when it is also a word ("mrs
    isobel rankin", "monsieur teva marin"), unless a function word, a number, a verb or a title."""
    m = _AFTER_NAME_WORD.match(folded, end)
    if m is None:
        return None
    w = m.group(1)
    if re.search(r"['’]", w) and not re.match(r"(?:o|d|mc|mac)['’]", w):
        return None  # "madame etxeberria c'est …": an elided word, not a name ("o'brien", "d'souza" are)
    if (w in STOP or w in EN_STOP or w in TITLES or w in NUMBER_WORDS or w in EN_NUMBER_WORDS or w in EN_VERB_FORMS
            or w in EN_FINITE or w in PUBLIC_BODIES or w in NON_NAMES or len(w) < 2):
        return None
    return m.end()


def _first_names_only(folded_span: str) -> bool:
    """One first name, or first names joined by particles ("maria de los angeles"): no surname yet."""
    words = folded_span.split()
    if len(words) == 1:
        return True
    names = [w for w in words if w not in PARTICLES]
    return len(names) < len(words) and all(w in FIRST_NAMES or w in world_first_names() for w in names)


_EN_FUNCTION = frozenset("the a an and or of to in on at for with from by is was are this that it and".split())


def civility_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """"M. Dupont", "Mme Claire Le Gall", "monsieur jean-pierre martin", "Maître de La Fontaine"."""
    out: list[Entity] = []
    for m in _CIV_RE.finditer(folded):
        civ = m.group(1)
        orig = text[m.start():m.end()]
        sm = re.compile(r"[ \t]+").match(text, m.end())
        name_start = sm.end() if sm else m.end()
        nxt = _WORD_RE.match(folded, name_start)
        # ASR writes "mr", "mrs", "mx" in lower case and they are no other word; "ms" only before a name
        spoken = civ in ("mr", "mrs", "mx") or (civ == "ms" and nxt is not None and (
            nxt.group() in FIRST_NAMES or nxt.group() in SURNAMES) and nxt.group() not in STOP
            and nxt.group() not in EN_STOP)
        if needs_capital(civ) and not _is_cap(orig) and not (
                m.group(2) == "." and civ in ("mr", "mrs", "ms", "mx")) and not spoken:
            continue
        if needs_dot(civ) and m.group(2) != ".":
            continue
        start = m.end()
        # "mr. yamamoto": the dot makes it a civility
        lower_ok = not needs_capital(civ) or m.group(2) == "." or spoken
        end = _extend_name(text, folded, start, common, lower_ok=lower_ok)
        if (end is not None and lower_ok and text[name_start:end].islower()
                and _first_names_only(folded[name_start:end])):
            # "mrs isobel rankin", "mr teva marin", "ms maría de los ángeles ortega": after the first names, the
            # surname, even when it is also a word
            end = _surname_after_civility_first_name(folded, end) or end
        if (end is None or end <= name_start) and m.group(2) == ".":
            # an abbreviation with its dot announces a name even when the name is also a word ("mr. yamamoto",
            # "Dr. rose"): the next word, unless a function word, a title or a number
            t = _WORD_RE.match(text, name_start)
            ft = folded[t.start():t.end()] if t else ""
            if t and len(ft) >= 2 and not (ft in STOP or ft in TITLES or ft in PUBLIC_BODIES or ft in NON_NAMES
                                           or ft in NUMBER_WORDS or ft in _EN_FUNCTION):
                end = t.end()
        if end is None or end <= name_start:
            end = _word_first_name_then_surname(text, folded, name_start, common, lower_ok)
        if end is None or end <= name_start:
            continue
        out.append(Entity(start=name_start, end=end, label="PERSON", text=text[name_start:end],
                          score=0.95, source="context"))
    return out


def _word_first_name_then_surname(text: str, folded: str, pos: int, common: Container[str],
                                  lower_ok: bool) -> int | None:
    """"madame france técher", "Mme Rose Payet": after a civility, a first name that is also a word (or a
    public body's: "France Travail") and then a surname is a name."""
    t = _WORD_RE.match(text, pos)
    if t is None or folded[t.start():t.end()] not in AMBIGUOUS_FIRST:
        return None
    end = _extend_name(text, folded, t.end(), common, lower_ok=lower_ok, max_tokens=2)
    return end if end is not None and folded[t.end():end].strip() not in PUBLIC_BODIES else None


def first_name_names(text: str, folded: str, common: Container[str],
                     rare: Callable[[str], bool] | None = None, extra: Container[str] = frozenset()) -> list[Entity]:
    """A known first name, with the surname that follows it (works on lower-case ASR text).  ``extra``:
    more first names (of many origins) that are no ordinary word of the language."""
    out: list[Entity] = []
    for t in _WORD_RE.finditer(text):
        tok = t.group()
        ftok = folded[t.start():t.end()]
        parts = re.split(r"[-'’]", ftok)
        # "marie-france", "jean-rose": a compound of first names is one, even when a part is also a word
        compound = ("-" in ftok and len(parts) == 2 and all(p in FIRST_NAMES or p in AMBIGUOUS_FIRST for p in parts)
                    and any(p not in AMBIGUOUS_FIRST for p in parts))  # not "château pierre-blanche"
        if not (all(p in FIRST_NAMES for p in parts) or ftok in extra or compound):
            continue
        cap = _is_cap(tok)
        if ftok in TITLES or ftok in STOP:
            continue
        end = _extend_name(text, folded, t.end(), common, lower_ok=not cap, max_tokens=3, rare=rare)
        if end is None:
            if (any(p in AMBIGUOUS_FIRST for p in parts) and not compound) or (tok.lower() in common and (
                    ftok in WORDLIKE_FIRST or ftok not in FIRST_NAMES or cap)):
                continue  # "sa petite-fille morgane est aidante": a name the lemma tables also list
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


_CUE_RE = re.compile(
    r"(?<!\w)(je suis|je m'appelle|je m appelle|moi c'est|mon nom est|mon nom c'est|ici|c'est|merci|bonjour|"
    r"bonsoir|salut|parole a|"
    r"de la part de|comme l'a dit|comme l a dit|comme le disait|comme le dit|j'ai eu|j ai eu|"
    r"transmets? (?:le dossier |cela |ca )?a|retour de|et pour|a l'attention de|la famille|les familles|"
    r"de la famille|chez les|the family|"
    # kinship: "la maman de lina", "le fils de madame X" (the civility rule takes that one), "la sœur de karim"
    r"(?:maman|mere|pere|papa|fils|fille|frere|soeur|femme|mari|epouse|epoux|conjoint|conjointe|compagne|compagnon"
    r"|tante|oncle|cousin|cousine|niece|neveu|grand-mere|grand-pere|petit-fils|petite-fille|beau-pere|belle-mere"
    r"|belle-soeur|beau-frere|enfant|enfants|fiancee?|ex-mari|ex-femme|tuteur|tutrice) de"
    # "sa mère vaimiti a appelé", "sa voisine manoucheka qui a répondu", "son cousin dieuseul": a relative, then
    # the name (a word of the language after it, "sa fille aînée", is left: the rule wants a name-like word)
    r"|(?:sa|son|ma|mon|leur|notre|votre|ta|ton|l'|le|la)(?: ?(?:grand|grande|petit|petite|jeune|aine|ainee"
    r"|cadet|cadette|demi-frere|demi-soeur))? ?(?:maman|mere|pere|papa|fils|fille|frere|soeur|femme|mari|epouse"
    r"|epoux|conjoint|conjointe|compagne|compagnon|tante|oncle|cousin|cousine|niece|neveu|grand-mere|grand-pere"
    r"|petit-fils|petite-fille|belle-mere|beau-pere|belle-soeur|beau-frere|voisin|voisine|amie?|copine|copain"
    r"|fiancee?|filleul|filleule|marraine|parrain|collegue|maitresse|institutrice|instituteur|enfant|bebe"
    r"|benjamin|benjamine))(?=\s)"
)
# "ma fille espérance", "sa maîtresse claire", "l'enfant grâce": after a relative, a first name that is also
# a word is the relative's name ("grâce à", "rose et blanche" aside: a preposition or a colour follows)
_RELATIVE_CUE = re.compile(r"(?:sa|son|ma|mon|leur|notre|votre|ta|ton|l'|le|la)\b.*[a-z]$")
_NOT_AFTER_WORDNAME = re.compile(r"[ \t]*(?:a|au|aux|et|ou|comme|que|qui)\b|[ \t]*$")


_SELF_INTRO = frozenset(("je m'appelle", "je m appelle", "moi c'est", "mon nom est", "mon nom c'est"))


def _first_word_start(text: str, pos: int) -> int:
    sm = re.compile(r"[ \t]+").match(text, pos)
    return sm.end() if sm else pos


def _self_intro_name(text: str, folded: str, pos: int) -> int | None:
    """Up to three name words (particles allowed) after a self-introduction, whatever they mean."""
    end = None
    p = pos
    real = 0
    while real < 3:
        sm = re.compile(r"[ \t]+").match(text, p)
        q = sm.end() if sm else p
        if q == p and p != pos:
            break
        t = _WORD_RE.match(text, q)
        if not t:
            break
        tok, ftok = t.group(), folded[t.start():t.end()]
        if t.start() == q and q == _first_word_start(text, pos) and ftok in ("le", "la", "les", "l") \
                and not _is_cap(tok):
            break  # "moi c'est le budget qui ...": an article, not a particle
        if (ftok in PARTICLES and real == 0) or (ftok in ("de", "du", "des", "le", "la") and real > 0):
            if ftok in ("de", "du", "des") and real > 0:
                break  # "ici claire de la DINUM": the affiliation starts
            p = t.end()
            continue
        if (ftok in STOP or ftok in TITLES or ftok in PUBLIC_BODIES or ftok in NON_NAMES or ftok in NUMBER_WORDS
                or (tok.isupper() and len(tok) > 1)):
            break
        end = t.end()
        real += 1
        p = t.end()
    return end


_ICI_NAME_RE = re.compile(
    r"((?:de la|de l'|du|des|de)[ \t]*[^\W\d_][\w'’\-]+)(?=[ \t]*(?:[.,;!?]|$|de la\b|du\b|de l'|des\b))"
)


def cue_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """A name-like word after a conversational cue: "c'est sixtine", "je suis montagné", "merci kerleroux"."""
    out: list[Entity] = []
    for m in _CUE_RE.finditer(folded):
        sm = re.compile(r"[ \t]+").match(text, m.end())
        start = sm.end() if sm else m.end()
        t = _WORD_RE.match(text, start)
        if not t:
            continue
        tok, ftok = t.group(), folded[t.start():t.end()]
        if m.group(1) in _SELF_INTRO:
            # "je m'appelle pierre rose", "ici des rosiers": whatever follows is the speaker's name
            end = _self_intro_name(text, folded, start)
            if end is not None:
                out.append(Entity(start=start, end=end, label="PERSON", text=text[start:end], score=0.7,
                                  source="context"))
            continue
        if m.group(1) == "ici" and ftok in ("de", "du", "des"):
            # "bonjour à tous, ici des rosiers." / "ici de la fontaine de la dinum": a self-introduction
            mm = _ICI_NAME_RE.match(folded, start)
            last = re.split(r"[ \t'’]+", mm.group(1))[-1] if mm else ""
            if mm and last not in PUBLIC_BODIES and last not in STOP and last not in TITLES and last not in NON_NAMES:
                out.append(Entity(start=start, end=mm.end(1), label="PERSON", text=text[start:mm.end(1)],
                                  score=0.6, source="context"))
            continue
        if ftok in ("le", "de", "du", "des") and re.match(r"l['’]|le |la ", m.group(1)):
            continue  # "la maman du petit", "le fils de la voisine": the relative's noun phrase goes on
        if ftok in ("le", "de", "du", "des") or (ftok in PARTICLES and _is_cap(tok) and ftok not in ("la", "l")):
            # "et pour le gall", "c'est De Villepin": a particle followed by a name-like word
            t2 = _WORD_RE.match(text, t.end() + 1) if text[t.end():t.end() + 1] == " " else None
            if t2 is None:
                continue
            tok2, ftok2 = t2.group(), folded[t2.start():t2.end()]
            if (ftok2 in FIRST_NAMES or ftok2 in PARTICLES or ftok2 in PUBLIC_BODIES
                    or not _surname_like(tok2, ftok2, common)):
                continue
            if tok2.isupper() and len(tok2) > 1:
                continue
            out.append(Entity(start=start, end=t2.end(), label="PERSON", text=text[start:t2.end()], score=0.6,
                              source="context"))
            continue
        if ftok in PARTICLES or ftok in STOP or ftok in TITLES or ftok in NON_NAMES or ftok in PUBLIC_BODIES:
            continue
        if not (ftok in FIRST_NAMES or ftok in SURNAMES or ftok in AMBIGUOUS_FIRST or _surname_like(tok, ftok, common)):
            continue
        if tok.isupper() and len(tok) > 1:
            continue  # an acronym
        end = _extend_name(text, folded, start, common, lower_ok=not _is_cap(tok), max_tokens=3)
        if end is None and ftok in AMBIGUOUS_FIRST and _RELATIVE_CUE.fullmatch(m.group(1)) \
                and not _NOT_AFTER_WORDNAME.match(folded, t.end()):
            end = t.end()
        if end is None:
            continue
        out.append(Entity(start=start, end=end, label="PERSON", text=text[start:end], score=0.7, source="context"))
    return out


_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.!?,;:]\s)|(?<=\bet\s)|(?<=\bmais\s)|(?<=\bdonc\s)|(?<=\balors\s))([^\W\d_][\w'’\-]{2,})"
    r"(?=\s+(?:va|vient|est|a|nous|vous|peut|doit|pourra|pourrait|presente|dit|disait|fait|etait|sera|avait|"
    r"devait|voulait|souhaite|propose|confirme|rappelle|precise|indique|demande|repond|explique)\b)"
)


def subject_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """An unknown word that opens a clause before a verb: "kerleroux va nous présenter les chiffres"."""
    out: list[Entity] = []
    for m in _SUBJECT_RE.finditer(folded):
        s, e = m.start(1), m.end(1)
        tok, ftok = text[s:e], folded[s:e]
        if "'" in tok or "’" in tok or ftok in PUBLIC_BODIES:
            continue
        if ftok in FIRST_NAMES or ftok in SURNAMES or _surname_like(tok, ftok, common):
            if tok.isupper() and len(tok) > 1:
                continue
            out.append(Entity(start=s, end=e, label="PERSON", text=tok, score=0.5, source="context"))
    return out


_PARTICLE_BEFORE = re.compile(r"(?<![\w'’])(\w+)?[ \t]*\b(de|du|des)[ \t]+$|(?<![\w'’])(\w+)?[ \t]*\b(d['’])$",
                              re.IGNORECASE)


_SPEECH_VERBS = frozenset("dit vu eu fait écrit reçu entendu prévenu dis disait disent voir avec pour par chez".split())


_FOREIGN_PARTICLE = re.compile(r"(?<![\w'’])(da|das|dos|do|van|von|der|den|di|del|della|ben|el|al|ibn|ould|mac|mc|ní|ó"
                               r"|bin|abu)[ \t]+$", re.IGNORECASE)


def extend_person_left(text: str, start: int, common: Container[str]) -> int:
    """"comme l'a dit [de Villepin]": take in a particle before a surname, unless the word before the
    particle is a common noun ("le dossier de Dupont": there "de" is a preposition). A particle that is no
    French word ("da silva", "van der berg", "ben ali", "ní bhriain") always belongs to the name."""
    foreign = _FOREIGN_PARTICLE.search(text, max(0, start - 6), start)
    if foreign:
        return extend_person_left(text, foreign.start(1), common) if foreign.start(1) < start else start
    m = _PARTICLE_BEFORE.search(text, max(0, start - 40), start)
    if not m:
        return start
    first = _WORD_RE.match(text, start)
    if first and fold(first.group()) in FIRST_NAMES and re.match(r"[ \t]+[^\W\d_]", text[first.end():]):
        return start  # "le comité de [Jean Dupont]": a particle stands before a surname, not a first name
    before = (m.group(1) or m.group(3) or "").lower()
    nouns: frozenset[str] = getattr(common, "nouns", frozenset())
    table = getattr(common, "table", None)
    lemma = table.get(before) if table is not None and before else None
    verb = (bool(lemma) and any(str(x).endswith(("er", "ir", "re", "oir")) and str(x) != before for x in lemma or [])
            ) or before.endswith("é") or before in _SPEECH_VERBS
    if not before or (before in nouns and not verb) or (not _is_cap(text[start:start + 1]) and before not in STOP):
        return start
    return m.start(2) if m.group(2) else m.start(4)


def extend_person(text: str, folded: str, start: int, end: int, common: Container[str],
                  rare: Callable[[str], bool] | None = None, lang: str = "fr") -> int:
    """Take the surname that follows a detected name: "[léopoldine] sarfati", "[Nolwenn] d'Harcourt";
    a rare dictionary word counts too ("bénédicte poupon")."""
    more = _extend_name(text, folded, end, common, lower_ok=text[start:end].islower(), max_tokens=2, rare=rare)
    if more is not None and more > end and lang == "en":
        # "kevin said the ...", "anna went home": an English verb after the name, though "Said" is a surname too
        for w in re.finditer(r"[^\W\d_][\w'’-]*", folded[end:more]):
            if w.group() in EN_VERB_FORMS or w.group() in EN_FINITE:
                more = end + len(folded[end:end + w.start()].rstrip())
                break
    if more is not None and more > end:
        return _chinese_given_name_after(text, folded, start, more) or more
    given = _chinese_given_name_after(text, folded, start, end)
    if given is not None:
        return given
    short = _short_surname_after(text, folded, end)
    if short is not None:
        return short
    if lang != "fr":
        return end  # the lower-case surname rule below knows French function words only
    return _surname_after_first_name(text, folded, start, end, common) or end


_SYLLABLE = re.compile(r"[ \t]+([a-z]{1,6})(?![\w'’-])")


def _chinese_given_name_after(text: str, folded: str, start: int, end: int) -> int | None:
    """A Chinese family name and then its given name's one or two syllables, in lower-case text ("lau chi wai",
    "tsang wing yee"); one syllable alone only where it is no English word ("lee hui", not "lee man")."""
    words = folded[start:end].split()
    if not words or not text[start:end].islower():
        return None
    if words[-1] not in CJK_SURNAMES:
        # "yeung mei" taken already: one syllable more ("yeung mei ling")
        if len(words) >= 2 and words[-2] in CJK_SURNAMES and words[-1] in CJK_GIVEN:
            c = _SYLLABLE.match(folded, end)
            return c.end() if c is not None and c.group(1) in CJK_GIVEN else None
        return None
    a = _SYLLABLE.match(folded, end)
    if a is None or a.group(1) not in CJK_GIVEN:
        return None
    b = _SYLLABLE.match(folded, a.end())
    if b is not None and b.group(1) in CJK_GIVEN:
        return b.end()
    alone = a.group(1)
    if alone in EN_STOP or alone in STOP or alone in _ENGLISH_SYLLABLES or len(alone) < 3:
        return None
    return a.end()


_ENGLISH_SYLLABLES = frozenset("man ping hong fang tin sin lan yang".split())
_SHORT_AFTER_NAME = re.compile(r"[ \t]+([^\W\d_]{2,3})(?=[ \t]*(?:[,.;:!?)]|$|[ \t](?:et|and|ou|or)\b))")
_SHORT_NOT_SURNAMES = SHORT_NOT_NAMES | frozenset("too yes yep no non oui".split())


def _short_surname_after(text: str, folded: str, end: int) -> int | None:
    """"aminata ba,", "thu ha,", "chukwuemeka obi, uh": a two- or three-letter word right after a name,
    closing its phrase, is the surname (Ba, Ha, Obi, Wu, Ly, Ng are common), unless a function word, a
    filler, a number or a verb ("paul did.", "anna too.")."""
    m = _SHORT_AFTER_NAME.match(text, end)
    if m is None:
        return None
    f = folded[m.start(1):m.end(1)]
    if (f in STOP or f in EN_STOP or f in TITLES or f in NON_NAMES or f in NUMBER_WORDS or f in PARTICLES
            or f in _SHORT_NOT_SURNAMES or f in EN_FINITE or f in EN_VERB_FORMS):
        return None
    return m.end(1)


def en_trim_verbs(text: str, folded: str, start: int, end: int, common: Container[str]) -> int:
    """End of an English PERSON span cut before the clause's verb: "professor adebayo [reviewed] it",
    "kevin [said]": an irregular or finite form, or a regular past that the dictionary reads as a verb."""
    from visio_archive.redaction.lexicon import EN_SURNAMES

    words = list(_WORD_RE.finditer(text, start, end))
    for k, w in enumerate(words[1:], 1):
        tok, ftok = w.group(), folded[w.start():w.end()]
        if not tok.islower() or ftok in SURNAMES or ftok in EN_SURNAMES:
            continue
        if (ftok in EN_FINITE or ftok in EN_VERB_FORMS
                or (ftok.endswith("ed") and ftok not in common and en_known(tok, common))):
            return words[k - 1].end()
    return end


def _verb_form(tok: str, common: Container[str]) -> bool:
    """An inflected verb ("regarde", "présente", "valide"): its lemma is another word ending like a verb."""
    table = getattr(common, "table", None)
    lemma = table.get(tok.lower()) if table is not None else None
    lemmas = lemma if isinstance(lemma, list) else [lemma] if lemma else []
    return any(str(x) != tok.lower() and str(x).endswith(("er", "ir", "re", "oir")) for x in lemmas)


def _surname_after_first_name(text: str, folded: str, start: int, end: int, common: Container[str]) -> int | None:
    """"giulia romano", "jean moulin": in lower-case ASR text the word after an unambiguous first name is
    its surname even when it is also an ordinary word, unless it is a function word, a title, a number,
    a body or an inflected verb ("claire présente le budget")."""
    ftok = folded[start:end]
    if (not text[start:end].islower() or ftok not in FIRST_NAMES or ftok in AMBIGUOUS_FIRST
            or text[start:end] in common):
        return None
    m = re.compile(r"[ \t]+([^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*)").match(text, end)
    if not m:
        return None
    tok, nxt = m.group(1), folded[m.start(1):m.end(1)]
    if (len(nxt) < 3 or "'" in tok or "’" in tok or nxt in STOP or nxt in TITLES or nxt in PUBLIC_BODIES
            or nxt in NON_NAMES or nxt in NUMBER_WORDS or nxt in PARTICLES or _verb_form(tok, common)):
        return None
    if nxt in FIRST_NAMES and nxt not in SURNAMES:
        return None  # "thibault et amina" without "et": two first names, each its own span
    return m.end(1)


def _unknown(tok: str, ftok: str, common: Container[str]) -> bool:
    if len(ftok) < 3 or not tok.islower() or ftok in NUMBER_WORDS or ftok in AMBIGUOUS_FIRST or ftok in STOP:
        return False
    if "'" in tok or "’" in tok or ftok in NON_NAMES:
        return False
    return (_surname_like(tok, ftok, common) and ftok not in FIRST_NAMES | SURNAMES) or ftok in FIRST_NAMES


def _rare_ok(tok: str, ftok: str, rare: Callable[[str], bool]) -> bool:
    return (len(ftok) >= 3 and tok.islower() and tok.isalpha() and ftok not in STOP and ftok not in TITLES
            and ftok not in NON_NAMES and ftok not in PUBLIC_BODIES and ftok not in NUMBER_WORDS and rare(tok))


def unknown_pairs(text: str, folded: str, common: Container[str],
                  rare: Callable[[str], bool] | None = None) -> list[Entity]:
    """Two lower-case words in a row that no dictionary knows ("théodule sarfati", "iphigénie mazé"):
    in ASR text that is almost always a name.  The second word may also be a dictionary word that is
    rare (not among the model's 20k most frequent words: "mazé")."""
    out: list[Entity] = []
    # whole words only: "inta2301234c" is a reference, not a word
    toks = [t for t in _WORD_RE.finditer(text)
            if not (t.end() < len(text) and text[t.end()].isdigit())
            and not (t.start() and text[t.start() - 1].isdigit())]
    def kind(tok: str, ftok: str) -> int:
        """2: no dictionary knows it; 1: known but rare; 0: an ordinary word."""
        if _unknown(tok, ftok, common):
            return 2
        return 1 if rare is not None and _rare_ok(tok, ftok, rare) else 0

    i = 0
    while i < len(toks) - 1:
        a = toks[i]
        ka = kind(a.group(), folded[a.start():a.end()])
        if not ka:
            i += 1
            continue
        j = i + 1
        while j < len(toks) and folded[toks[j].start():toks[j].end()] in PARTICLES and j - i <= 2:
            j += 1
        if j >= len(toks):
            break
        tj, fj = toks[j].group(), folded[toks[j].start():toks[j].end()]
        if re.match(r"[dl]['’]", fj) and len(fj) > 3:
            tj, fj = tj[2:], fj[2:]  # "d'ormesson"
        kb = kind(tj, fj)
        spaced = all(text[toks[k].end():toks[k + 1].start()] in (" ", "\t") for k in range(i, j))
        if kb and max(ka, kb) == 2 and spaced:
            out.append(Entity(start=a.start(), end=toks[j].end(), label="PERSON", text=text[a.start():toks[j].end()],
                              score=0.5, source="shape"))
            i = j + 1
            continue
        i += 1
    return out


_CAP_RE = re.compile(
    r"(?<![\w'’\-])(?:(?:Le|La|De|Du|Des|Van|Von|Di|Da|Del|Mac|Mc)[ \t]+)?"
    r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)*(?![\w'’])"
)


# Sentence-initial words outside the dictionary that are still no names (interjections, English).
_INITIAL_OK = frozenset("""ok okay bref voila voilà euh hum bon bah ben allo allô hello sorry yes so well thanks
alright right enfin bonjour merci""".split())


def capitalised_names(text: str, folded: str, common: Container[str],
                      skip: list[tuple[int, int]], lang: str = "fr") -> list[Entity]:
    """A capitalised word inside a sentence that is no ordinary word: "comme l'a dit Delaunay"."""
    out: list[Entity] = []
    for m in _CAP_RE.finditer(text):
        s, e = m.start(), m.end()
        before = text[max(0, s - 3):s].rstrip()
        initial = not before or before[-1] in ".!?:;…\"«-—(\n"
        if initial and len(m.group()) < 4:
            continue
        if any(a < e and b > s for a, b in skip) and folded[s:e] not in SURNAMES:
            continue
        f = folded[s:e]
        word = m.group()
        particle = " " in word  # "Le Bras", "Van Damme": a capitalised particle inside a sentence
        if particle:
            if initial:
                continue
            f = f.split()[-1]
            word = word.split()[-1]
        parts = f.split("-")
        if any(p in STOP or p in TITLES or p in PUBLIC_BODIES or p in NON_NAMES for p in parts):
            continue
        if f in FIRST_NAMES or f in SURNAMES or particle:
            pass
        elif any(p in common for p in word.lower().split("-")) or word.lower() in common:
            continue
        elif lang == "en" and en_known(word, common):
            continue  # "Residents complained", "Flights land": inflected words (the tables hold lemmas)
        if initial and lang == "en" and f in EN_AMBIGUOUS_FIRST:
            continue  # "Mark items 4 and 5 as closed", "Will we ...": a verb opening the sentence
        if initial and f not in FIRST_NAMES and f not in SURNAMES and fold(m.group()) in _INITIAL_OK:
            continue
        out.append(Entity(start=s, end=e, label="PERSON", text=text[s:e], score=0.5 if initial else 0.6,
                          source="shape"))
    return out


def participant_names(participants: Sequence[str]) -> list[str]:
    return [p for p in participants if p and not _GENERIC_SPEAKER.match(p.strip())]




_SPOKEN_FILLERS = frozenset("ben bah euh hein bon alors donc ouais voila enfin".split())


def clean_person(text: str, folded: str, start: int, end: int, common: Container[str],
                 extra_stop: Container[str] = frozenset()) -> tuple[int, int] | None:
    """Trim a NER PERSON span (civility, punctuation); None when it is not a name after all."""
    seg = folded[start:end]
    start += len(seg) - len(strip_civility(seg))
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    if end <= start:
        return None
    # trim words that are never part of a name at either end ("IBAN CH23", "merci Claire")
    toks = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", folded[start:end])]

    def junk(a: int, b: int) -> bool:
        w = folded[a:b].strip(".,;:!?")
        if w in _SPOKEN_FILLERS and text[a:b].islower():
            return True  # "ben la dame": "ben" said as a filler, not the particle of "Ben Ali"
        return (w in NON_NAMES or w in STOP or w in TITLES or w in extra_stop or any(c.isdigit() for c in w)
                ) and w not in PARTICLES

    while toks and junk(*toks[0]):
        toks.pop(0)
    while toks and junk(*toks[-1]):
        toks.pop()
    if not toks:
        return None
    start, end = toks[0][0], toks[-1][1]
    while end > start and not text[end - 1].isalnum():
        end -= 1
    words = [w for w in re.split(r"[\s\-'’]+", folded[start:end]) if w]
    if not words:
        return None
    if all(w in STOP or w in TITLES or w in PARTICLES or w in NON_NAMES for w in words):
        return None
    if any(w in PUBLIC_BODIES for w in words) and not any(w in FIRST_NAMES for w in words):
        return None
    if folded[start:end] in ("monsieur", "madame", "bonjour", "merci", "salut", "bonsoir", "au revoir"):
        return None
    orig = text[start:end]
    # lower-case NER hits are kept only when something in them looks like a name
    # ("avis d'imposition": the elided article is no word of the dictionary, and no name either)
    content = [w for w in words if w not in STOP and len(w) > 1]
    if orig.islower() and content and all(w in common and w not in FIRST_NAMES and w not in SURNAMES
                                          for w in content):
        return None
    return start, end


_LABEL_WORD = re.compile(r"[^\W\d_]+(?:[-'’.][^\W\d_]*)*")


def looks_like_name(label: str) -> bool:
    """Is a free-text speaker label a person's name? ("Kerwan", "Dr Le Tallec", "jean-marc" yes;
    "Présidente de séance", "Salle 3", "Intervenant 2", "DINUM" no)."""
    label = label.strip()
    if not label or _GENERIC_SPEAKER.match(label) or any(c.isdigit() for c in label):
        return False
    words = label.split()
    if len(words) > 5 or not all(_LABEL_WORD.fullmatch(w) for w in words):
        return False
    folded = [fold(w).strip(".") for w in words]
    core = [f for f in strip_civility(" ".join(folded)).split() if f not in PARTICLES]
    if not core:
        return False
    if any(f in TITLES or f in PUBLIC_BODIES or f in NON_NAMES or f in STOP for f in core):
        return False
    return not (len(words) == 1 and words[0].isupper() and len(words[0]) > 1)  # not an acronym


# ---------------------------------------------------------------- English

EN_STOP = frozenset("""
a about above after again against all am an and any are as at be because been before being below between both
but by can could did do does doing down during each few for from further had has have having he her here hers
herself him himself his how i i'm i've i'd i'll if in into is it it's its itself just let me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so some
such than that the their theirs them themselves then there these they this those through to too under until
up very was we were what when where which while who whom why will with would you your yours yourself
yourselves yes yeah okay ok oh uh um hello hi hey thanks thank everyone everybody all guys folks well right
sure so sorry please also still just really actually maybe today tomorrow yesterday here there now
""".split())

# English first names that are also ordinary words: only with a surname, or capitalised inside a sentence.
# Virtue names given across English-speaking Africa and the Caribbean ("mercy chebet", "blessing okonkwo",
# "the mother gift says"): first names that are also English words, so weak ones
EN_VIRTUE_NAMES = frozenset("""
mercy blessing gift precious comfort favour favor peace goodness godwin memory loveness privilege beauty lucky
innocent justice wisdom divine marvellous endurance testimony goodluck godspower miracle princess patience
""".split())
EN_AMBIGUOUS_FIRST = AMBIGUOUS_FIRST | frozenset("""
mark will bill grace hope faith joy may june april august rose summer dawn jack frank pat sue ray rob gene guy
art carol ruby amber jade iris lily daisy holly ivy georgia florence paris chase hunter taylor mason jordan
austin dallas victoria virginia charity patience prudence sandy rusty buddy earl duke king prince royal
rich nick penny sally bob drew gray grey miles page reed wade cliff glen dean norman stone wolf long
said son may mai long an hai nam lan hung ali ana
alpha come constant fortune line prune van samba flora jasmine marina luna milan hector billy randy terry tom
jerry teddy bobby amine jesus lambert fanny prosper octave julienne milo martial clement ninon romeo lorraine
dung yaw lei ara candy crystal
""".split()) | EN_VIRTUE_NAMES


_EN_CUE_RE = re.compile(
    r"(?<![\w'’])(this is|i'm|i am|my name is|my name's|name is|thanks|thank you|cheers|hi|hello|hey|morning|"
    r"hand over to|handing over to|over to|pass it to|spoke with|spoke to|talked to|talking to|met|ask|asked|"
    r"as|according to|cc|copied|copy|ping|email|emailed|call|called|ring|rang|reach|text|texted|message|messaged|"
    r"phone|phoned|contact|contacted|ask for|speak to|speak with|talk with|invite|invited|loop in|"
    r"joined by|welcome|meet|dear|and then|then"
    # kinship and other relations: "his sister faduma is in leicester", "her neighbour isobel has a key"
    r"|(?:his|her|their|my|your|our|[a-z]+['’]s)[ \t]+(?:sister|brother|son|daughter|wife|husband|partner|mother"
    r"|father|mum|mom|dad|cousin|uncle|aunt|auntie|niece|nephew|grandson|granddaughter|grandmother|grandfather|gran|nan|stepson"
    r"|stepdaughter|stepfather|stepmother|fiance|fiancee|neighbour|neighbor|carer|friend|flatmate|ex-partner"
    r"|ex-husband|ex-wife|boyfriend|girlfriend|brother-in-law|sister-in-law|son-in-law|daughter-in-law))"
    r"(?=,?[ \t])"
)
_EN_SUBJECT_RE = re.compile(
    r"(?:^|(?<=[.!?,;:]\s)|(?<=\band\s)|(?<=\bso\s)|(?<=\bbut\s)|(?<=\bthen\s))([^\W\d_][\w'’\-]{2,})"
    r"(?=\s+(?:will|is|was|has|had|said|says|sent|joined|wants|thinks|asked|wrote|called|can|could|would|"
    r"should|might|must|and)\b)"
)


_EN_CLAUSE_START_RE = re.compile(
    r"(?:^|(?<=[.!?,;:]\s)|(?<=\band\s)|(?<=\bso\s)|(?<=\bbut\s)|(?<=\bthen\s)|(?<=\bbecause\s))"
    r"([^\W\d_][\w\-]{2,})\s+([a-z]+)\b"
)


def _en_name_word(tok: str, ftok: str, common: Container[str]) -> bool:
    if any(c.isdigit() for c in tok):
        return False  # "line HT2-4471": a code, not a surname
    if len(ftok) < 2 or ftok in EN_STOP or ftok in TITLES or ftok in NON_NAMES or ftok in PUBLIC_BODIES:
        return False
    if "'" in tok or "’" in tok:
        return bool(re.fullmatch(r"[a-z]+['’][a-z]{2,}", ftok)) and not ftok.endswith(
            ("'s", "’s", "'t", "’t", "'re", "’re", "'ve", "’ve", "'ll", "’ll", "'d", "’d", "'m", "’m"))
    if ftok in FIRST_NAMES and ftok not in EN_VERB_FORMS:
        return True
    if tok[:1].isupper():
        return True
    # a lower-case word the dictionary knows, inflected ("called", "walked") or irregular ("said"), is no name
    return ftok not in EN_VERB_FORMS and not en_known(tok, common)




def en_cue_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """English cues: "this is hiroshi tanaka", "thanks siobhan", "i'll hand over to aisha", "as ravi
    shankar said", "so oluwaseun adeyemi is going to ..."; a name word is a known first name, a
    capitalised word or a word no English dictionary knows."""
    out: list[Entity] = []
    for m in _EN_CUE_RE.finditer(folded):
        p = m.end() + (1 if folded[m.end():m.end() + 1] == "," else 0)
        end = None
        n = 0
        while n < 3:
            t = re.compile(r"[ \t]+([^\W\d_][\w'’\-]*)").match(text, p)
            if not t:
                break
            tok, ftok = t.group(1), folded[t.start(1):t.end(1)]
            if not _en_name_word(tok, ftok, common):
                break
            if n == 0 and (ftok in EN_AMBIGUOUS_FIRST or ftok not in FIRST_NAMES) and not tok[:1].isupper() \
                    and ftok in common:
                break
            end = t.end(1)
            n += 1
            p = t.end(1)
        if end is not None:
            q = m.end() + (1 if folded[m.end():m.end() + 1] == "," else 0)
            st = re.compile(r"[ \t]+").match(text, q)
            s = st.end() if st else q
            out.append(Entity(start=s, end=end, label="PERSON", text=text[s:end], score=0.7, source="context"))
    for m in _EN_CLAUSE_START_RE.finditer(folded):
        # "thiago paid with his own card", "luana phoned": a word no English dictionary knows opening a
        # clause, then a past or finite verb
        s, e = m.start(1), m.end(1)
        tok, ftok, verb = text[s:e], folded[s:e], m.group(2)
        if ftok in FIRST_NAMES or ftok in EN_STOP or not _en_name_word(tok, ftok, common) or en_known(ftok, common):
            continue
        if (verb in EN_FINITE or verb in EN_VERB_FORMS or (verb.endswith("ed") and en_known(verb, common))
                or verb == "sorry"):  # "okonkwo sorry peter can you ...": a name, then the speaker corrects it
            out.append(Entity(start=s, end=e, label="PERSON", text=tok, score=0.5, source="context"))
    for m in _EN_SUBJECT_RE.finditer(folded):
        s, e = m.start(1), m.end(1)
        tok, ftok = text[s:e], folded[s:e]
        if ftok in FIRST_NAMES or (_en_name_word(tok, ftok, common) and ftok not in common):
            out.append(Entity(start=s, end=e, label="PERSON", text=tok, score=0.5, source="context"))
    return out


_EN_POSSESSIVE = re.compile(r"['’]s$")
_EN_DETERMINER_BEFORE = re.compile(r"\b(?:the|a|an|this|that|these|those|his|her|its|our|their|my|your|each|every"
                                   r"|whose|which|today|tomorrow|yesterday|last|next|one)[ \t]+$")


_EN_DETERMINER_PHRASE = re.compile(r"\b(?:the|a|an|this|that|his|her|our|their|my|your|its)[ \t]+(?:([a-z]+)[ \t]+)?$")


def _after_determiner(folded: str, start: int, common: Container[str]) -> bool:
    """Right after an article, or after an article and an adjective ("a french sim"; not "the library sam")."""
    m = _EN_DETERMINER_PHRASE.search(folded, max(0, start - 24), start)
    if m is None:
        return False
    return m.group(1) is None or m.group(1) in getattr(common, "adjectives", frozenset())


def _possessive_name(text: str, folded: str, start: int, ftok: str, common: Container[str]) -> bool:
    return (len(ftok) >= 3 and ftok.isalpha() and ftok not in EN_STOP and ftok not in NON_NAMES
            and ftok not in TITLES and not en_known(ftok, common)
            and _EN_DETERMINER_BEFORE.search(folded, max(0, start - 12), start) is None)
_EN_FAMILY_POSSESSIVE = re.compile(r"(?<![\w'’])(?:the[ \t]+)([^\W\d_][\w-]{2,})s['’](?![\w'’])")


# "the washington family", "the dela cruz household", "the hendersons at …" (after "host family"): a family
# named by its surname; "the host family", "the whole family" are words.
_EN_FAMILY_NOUN = re.compile(r"(?<![\w'’])the[ \t]+((?:[^\W\d_][\w'’-]+[ \t]+){1,2}?)(?:family|families|household"
                             r"|twins|kids|children)(?![\w'’])")
_EN_FAMILY_PLURAL = re.compile(r"(?:family|families|household|carers|foster carers|hosts)[ \t]+(?:is|are|was|were|,)?"
                               r"[ \t]*the[ \t]+([^\W\d_][\w'’-]+s)(?![\w'’])")


def en_family_names(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """"the hendersons' file", "The Kowalczyks' application": a plural possessive of a word no English
    dictionary knows is a family; so is "the washington family" and "a host family the hendersons"."""
    out: list[Entity] = []
    for m in _EN_FAMILY_NOUN.finditer(folded):
        words = m.group(1).split()
        if text[m.end() - 1:m.end()].isupper() or text[m.end(1)].isupper():
            continue  # "The Smith Family" (a charity), "the Kennedy Foundation": a body's title-case name
        if any(w in EN_STOP or w in NON_NAMES or w in TITLES or w in NUMBER_WORDS or (
                en_known(w, common) and w not in FIRST_NAMES and not text[m.start(1)].isupper()) for w in words):
            continue
        s, e = m.start(1), m.start(1) + len(m.group(1).rstrip())
        out.append(Entity(start=s, end=e, label="PERSON", text=text[s:e], score=0.6, source="context"))
    for m in _EN_FAMILY_PLURAL.finditer(folded):
        stem = m.group(1)[:-1]
        if stem in EN_STOP or en_known(stem, common) or en_known(m.group(1), common):
            continue
        out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=text[m.start(1):m.end(1)],
                          score=0.6, source="context"))
    for m in _EN_FAMILY_POSSESSIVE.finditer(folded):
        stem = m.group(1)
        if (stem in EN_STOP or stem in NON_NAMES or stem in TITLES or en_known(stem, common)
                or en_known(stem + "s", common)):
            continue
        out.append(Entity(start=m.start(1), end=m.end(1) + 1, label="PERSON", text=text[m.start(1):m.end(1) + 1],
                          score=0.6, source="context"))
    return out


def en_first_names(text: str, folded: str, common: Container[str], extra: Container[str] = frozenset()
                   ) -> list[Entity]:
    """A known first name (lower-case ASR English too) and the surname-like words after it.  ``extra``:
    more first names (of many origins) that are no ordinary English word."""
    out: list[Entity] = []
    for t in _WORD_RE.finditer(text):
        tok, ftok = t.group(), folded[t.start():t.end()]
        possessive = _EN_POSSESSIVE.search(ftok)
        if possessive:  # "priya's report", "Aoife's": the name without its 's, and nothing after it
            ftok = ftok[:possessive.start()]
            tok = tok[:len(ftok)]
        if possessive and ftok not in FIRST_NAMES and ftok not in extra and (
                _possessive_name(text, folded, t.start(), ftok, common)
                or (ftok in EN_AMBIGUOUS_FIRST and not _EN_DETERMINER_BEFORE.search(folded, max(0, t.start() - 12),
                                                                                    t.start()))):
            # "that's rohit's direct line": the possessive of a word no dictionary knows, with no article
            out.append(Entity(start=t.start(), end=t.start() + len(ftok), label="PERSON", text=tok, score=0.5,
                              source="context"))
            continue
        parts = ftok.split("-")
        hyphenated = len(parts) > 1 and all(p in FIRST_NAMES or p in extra for p in parts)  # "jan-niklas"
        if (ftok not in FIRST_NAMES and ftok not in extra and not hyphenated) or ftok in EN_STOP:
            continue
        if (ftok not in FIRST_NAMES and ftok not in EN_AMBIGUOUS_FIRST and ftok not in anglophone_first_names()
                and not tok[:1].isupper()) and (
                en_known(tok, common) or ftok in EN_FINITE or ftok in EN_VERB_FORMS
                or _after_determiner(folded, t.start(), common)):
            continue  # "next of kin", "he said", "a french sim": a word of the many-origins list used as a word
        end = t.start() + len(ftok)
        n = 0
        while n < 2 and not possessive:
            m = re.compile(r"[ \t]+([^\W\d_][\w'’\-]*)").match(text, end)
            if not m:
                break
            tok2, f2 = m.group(1), folded[m.start(1):m.end(1)]
            if not _en_name_word(tok2, f2, common) or (f2 in common and not tok2[:1].isupper()):
                break
            end = m.end(1)
            n += 1
        if n == 0 and ftok in EN_AMBIGUOUS_FIRST and (not tok[:1].isupper() or t.start() == 0
                                                       or text[t.start() - 2:t.start()] in (". ", "? ", "! ")) and not (
                possessive and not _EN_DETERMINER_BEFORE.search(folded, max(0, t.start() - 12), t.start())):
            continue  # "mark", "grace", "will" alone in lower case or opening a sentence: ordinary words
            # (but "i don't have bill's number": a possessive with no article before it is someone's)
        out.append(Entity(start=t.start(), end=end, label="PERSON", text=text[t.start():end], score=0.7,
                          source="lexicon"))
    return out


# Written minutes name people by an initial and a surname ("Action: C. Okafor to call", "rapporteure S. Meunier"),
# or, in French administrative style, by the surname in capitals before the first name ("TRAORÉ Fatoumata").
_INITIAL_NAME = re.compile(
    r"(?<![\w.&'’-])(?:[A-Z]\.[ \t]?){1,3}(?:(?:van|von|der|den|de|da|di|du|dos|le|la|ben|el|al|ter|ten|De|Da|Di|Du"
    r"|Del|Le|La|Van|Von|Ní|Nic|Ó|Uí|Te|Ten|Ter|Abu|Bin|Ibn|El|Al|Ben|ap|ab|Ap|Ab|verch|ferch)[ \t]+){0,2}"
    r"((?:Mac|Mc|O['’]|D['’])?[A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?)(?![\w'’-])")
# "Annex B. Budget", "Plan A. Then", "vitamine D. Le": a letter that labels a thing, not an initial
_LETTER_LABEL = re.compile(
    r"(?:annex|annexe|appendix|plan|option|grade|type|class|classe|part|partie|category|categorie|section|point"
    r"|exhibit|schedule|item|table|tableau|figure|box|stage|phase|level|niveau|zone|block|bloc|wing|aile|bay|gate"
    r"|porte|terminal|unit|flat|row|vitamin|vitamine|hepatitis|hepatite|lot|serie|batiment|escalier|entree|tranche"
    r"|article|art|chapter|chapitre|titre|livre|groupe|group|equipe|team|scenario|version|modele|model)[ \t]+$")
_CAPS_SURNAME = re.compile(
    # "TRAORÉ Fatoumata", "FERNÁNDEZ LÓPEZ Pilar" (two family names, as Spanish forms write them)
    r"(?<![\w'’-])([A-ZÀ-Ý][A-ZÀ-Ý'’-]{2,}(?:[ \t]+[A-ZÀ-Ý][A-ZÀ-Ý'’-]{2,})?)[ \t]+"
    r"([A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?)(?![\w'’-])"
    r"|(?<![\w'’-])([A-ZÀ-Ý][a-zà-ÿ'’]+(?:-[A-ZÀ-Ý][a-zà-ÿ'’]+)?)[ \t]+([A-ZÀ-Ý][A-ZÀ-Ý'’-]{2,})(?![\w'’-])")


def letter_label(folded: str, start: int, end: int) -> bool:
    """"Annex B. Timeline", "Option C. Costs": a lettered item (and what follows it), not an initial."""
    span = folded[start:end]
    m = re.match(r"(?:([a-z]+)[ \t]+)?[a-z]\.[ \t]", span)
    if m is None:
        return False
    return bool(m.group(1) and _LETTER_LABEL.search(m.group(1) + " ")) or (
        not m.group(1) and _LETTER_LABEL.search(folded, 0, start) is not None)


def _caps_word_is_name(word: str) -> bool:
    fw = fold(word)
    return (bool(re.search(r"[aeiouy]", fw)) and fw not in STOP and fw not in EN_STOP and fw not in NON_NAMES
            and fw not in PUBLIC_BODIES and fw not in TITLES)


_MENTION = re.compile(r"(?<![\w.@])@([A-Z][a-zà-ÿ'’-]+)(?![\w@.-]*\.[a-z])"
                      r"|(?:^|[—–]\s*)([A-Z][a-zà-ÿ'’-]+):[ \t]*[\"“«]"
                      # a speaker label with a title at the start of a line: "Judge Obi: The complaints ..."
                      r"|(?m:^)(?:Judge|Dr|Mr|Mrs|Ms|Mx|Cllr|Councillor|Prof|Professor|Inspector|Sergeant)\.?[ \t]+"
                      r"([A-Z][a-zà-ÿ'’-]+):"
                      # a chat message's author: "[Chat] Houssamoudine Anli: le père …"
                      r"|(?m:^)\[(?:Chat|Tchat|Message)\][ \t]+([A-ZÀ-Ý][\w'’-]*(?:[ \t]+[A-ZÀ-Ý][\w'’.-]*){0,3}):")
# Irish surnames in O' ("o'neill", "O'Brien") are names however ASR writes them, with an initial before
_O_SURNAME = re.compile(r"(?<![\w'’])(?:[b-hj-z][ \t]+)?o['’](?!clock)[a-z]{3,}(?![\w'’])")


_CIVILITY_WORDS = frozenset(fold(c) for c in CIVILITIES)
# "Mon mari, Kumaran, a perdu son travail", "My husband, Tendai, works nights": a relative, then a capitalised
# word between commas, is that relative's name (an apposition, as written minutes and Whisper punctuate it)
_RELATIVE_APPOSITION = re.compile(
    r"(?<![\w'’])(?:[Mm]on|[Mm]a|[Ss]on|[Ss]a|[Nn]otre|[Vv]otre|[Ll]eur|[Mm]y|[Hh]is|[Hh]er|[Oo]ur|[Tt]heir)[ \t]+"
    r"(?:(?:petite?|grande?|little|older|younger|eldest|big)[ \t]+)?"
    r"(?:conjointe?|femme|mari|épouse|époux|compagne|compagnon|fils|fille|frère|sœur|soeur|mère|père|enfant"
    r"|neveu|nièce|cousine?|tante|oncle|grand-mère|grand-père|beau-frère|belle-sœur|belle-mère|beau-père"
    r"|wife|husband|partner|son|daughter|brother|sister|mother|father|child|spouse|nephew|niece|cousin|aunt"
    r"|uncle|grandmother|grandfather|grandson|granddaughter|stepson|stepdaughter|fiancée?)"
    r"[ \t]*,[ \t]*([A-ZÀ-Ý][\w'’-]+(?:[ \t]+[A-ZÀ-Ý][\w'’-]+){0,2})[ \t]*[,;—–)]")


# "Hodan, can you tell me about a typical day?", "Aïcha, tu peux me lire la date ?": a capitalised word that no
# dictionary holds, spoken to at the start of a sentence, then a request or a question to that person
_ADDRESSED = re.compile(
    r"(?:^(?:\[\w{2,8}\][ \t]+)?|(?<=[.!?][ \t]))([A-ZÀ-Ý][a-zà-ÿ'’-]{2,})[ \t]*,[ \t]+"
    r"(?=(?:can|could|would|will|do|did|are|were|have|has|tell|please|thanks|thank|what|how|when|where|why"
    r"|est-ce|pouvez|peux|pourriez|pourrais|tu|vous|avez|as|merci|dites|dis)(?![\w'’]))")


def addressed_names(text: str, common: Container[str]) -> list[Entity]:
    out = []
    for m in (_ADDRESSED.finditer(text) if "," in text else ()):
        word = fold(m.group(1))
        if m.group(1).lower() in common or word in STOP or word in TITLES or word in _CIVILITY_WORDS:
            continue
        # a name spoken to, like a speaker's label: not an ordinary word that opens a sentence
        out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=m.group(1), score=0.7,
                          source="label"))
    return out


_DOTTED_ABBREVIATIONS = frozenset("u.s u.k p.o e.u u.n d.c n.y l.a u.s.a r.d a.m p.m b.p c.s s.a n.b i.e e.g".split())


def written_names(text: str, folded: str) -> list[Entity]:
    """"C. Okafor", "E. MacLeod", "TRAORÉ Fatoumata", "Noah TÉCHER": names as minutes and forms write them."""
    out: list[Entity] = []
    for m in _INITIAL_NAME.finditer(text):
        surname = fold(m.group(1))
        if surname in STOP or surname in EN_STOP or surname in TITLES or _LETTER_LABEL.search(folded, 0, m.start()):
            continue
        if re.sub(r"[ \t]", "", text[m.start():m.start(1)]).rstrip(".").lower() in _DOTTED_ABBREVIATIONS:
            continue  # "U.S. Department", "P.O. Box": an abbreviation, not initials
        out.append(Entity(start=m.start(), end=m.end(), label="PERSON", text=m.group(), score=0.8, source="context"))
    for m in (_MENTION.finditer(text) if "@" in text or ":" in text else ()):
        # a chat's "@Rich", a transcript's "— Rich:" before a quote: a participant's handle, whatever the word
        group = next(g for g in (1, 2, 3, 4) if m.group(g))
        a, b = m.span(group)
        if fold(text[a:b]) not in STOP and fold(text[a:b]) not in TITLES:
            out.append(Entity(start=a, end=b, label="PERSON", text=text[a:b], score=0.8, source="label"))
    for m in (_RELATIVE_APPOSITION.finditer(text) if "," in text else ()):
        word = fold(m.group(1).split()[0])
        if word not in STOP and word not in TITLES and word not in _CIVILITY_WORDS:
            out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=m.group(1), score=0.8,
                              source="context"))
    for m in (_O_SURNAME.finditer(folded) if "o'" in folded or "o’" in folded else ()):
        out.append(Entity(start=m.start(), end=m.end(), label="PERSON", text=text[m.start():m.end()], score=0.7,
                          source="context"))
    for m in _CAPS_SURNAME.finditer(text):
        caps, first = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        if fold(first) in FIRST_NAMES and fold(first) not in STOP and _caps_word_is_name(caps):
            out.append(Entity(start=m.start(), end=m.end(), label="PERSON", text=m.group(), score=0.8,
                              source="context"))
    return out
