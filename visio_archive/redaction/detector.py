"""Detection: spaCy NER + pattern recognizers + PERSON rules, merged into non-overlapping spans."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from visio_archive.models import Entity
from visio_archive.redaction.asr_names import (
    EN_FINITE,
    EN_VERB_FORMS,
    civility_word_names,
    en_kin_names,
    en_known,
    en_pair_names,
    en_relation_names,
    en_unknown_pairs,
    en_weak_first_names,
    first_names_for,
    fr_pair_names,
    fr_weak_first_names,
    given_names,
    honorific_names,
    listed_attendees,
    possessive_names,
    spelled_names,
    spoken_to,
    vocative_names,
)
from visio_archive.redaction.civility import CIVILITIES, CIVILITY_ALT, needs_capital, needs_dot
from visio_archive.redaction.lexicon import (
    AMBIGUOUS_FIRST,
    CALENDAR_WORDS,
    FIRST_NAMES,
    NAMESAKES,
    NON_NAMES,
    PARTICLES,
    PUBLIC_BODIES,
    STOP,
    SURNAME_PARTICLE_ALT,
    TITLES,
)
from visio_archive.redaction.national_ids import trailing_letters_end
from visio_archive.redaction.numbers_fr import EN_NUMBER_WORDS, NUMBER_WORDS, fold, numeric_runs
from visio_archive.redaction.organisations import organisation_context, place_or_institution
from visio_archive.redaction.patterns import (
    find_cued_addresses_en,
    find_cued_addresses_fr,
    find_structured,
    is_cue_word,
    last_cue_end,
    leading_letters_start,
    names_a_number,
    public_place,
    service_line,
)
from visio_archive.redaction.person import (
    EN_AMBIGUOUS_FIRST,
    EN_STOP,
    Gazetteer,
    addressed_names,
    capitalised_names,
    civility_names,
    clean_person,
    cue_names,
    en_cue_names,
    en_family_names,
    en_first_names,
    en_trim_verbs,
    extend_person,
    extend_person_left,
    first_name_names,
    letter_label,
    subject_names,
    unknown_pairs,
    written_names,
)
from visio_archive.redaction.places import find_places

if TYPE_CHECKING:
    from visio_archive.settings import Settings

__all__ = ["ALL_LABELS", "DEFAULT_LABELS", "Detector", "detect", "detect_many", "get_detector", "merge_entities"]

ALL_LABELS = ("PERSON", "EMAIL", "PHONE", "NIR", "IBAN", "PAYMENT_CARD", "ADDRESS", "LOCATION", "ORGANIZATION")
# Public bodies and cities are not personal data: LOCATION and ORGANIZATION are off by default.
DEFAULT_LABELS = frozenset(ALL_LABELS[:7])

_PRIORITY = {"EMAIL": 0, "IBAN": 1, "NIR": 1, "PAYMENT_CARD": 1, "PHONE": 2, "ADDRESS": 3, "PERSON": 4,
             "LOCATION": 5, "ORGANIZATION": 6}
_TRIM = " \t\n\r\u00a0\u202f,;:.!?«»\"[]/"
_NER_MAP = {"PER": "PERSON", "PERSON": "PERSON", "LOC": "LOCATION", "GPE": "LOCATION", "ORG": "ORGANIZATION"}


_WORDCHAR = re.compile(r"[\w'’\-]")
_PERSON_GAP = re.compile(r"(?:[ \t]+|[ \t]*-[ \t]*)(?:(?:de|du|des|de la|le|la|d'|d’|van|von|ben|el)[ \t]*)?",
                         re.IGNORECASE)


_CIVILITY_BEFORE = re.compile(rf"(?<![\w.])({CIVILITY_ALT})(\.?)[ \t]+$")


def _widen(text: str, e: Entity) -> Entity:
    """A PERSON span ends on word boundaries ("Martin" inside "Martin-Dupuis" takes the whole word) and
    takes in a civility just before it ("M. Dupont", "madame Le Gall"): the civility is redacted too."""
    s, t = e.start, e.end
    m = _CIVILITY_BEFORE.search(fold(text), max(0, s - 16), s)
    lower_ok = m is not None and m.group(2) == "." and m.group(1) in ("mr", "mrs", "ms", "mx")  # "mr. kowalski"
    if m and not (needs_capital(m.group(1)) and not text[m.start()].isupper() and not lower_ok) and not (
            needs_dot(m.group(1)) and not m.group(2)):
        s = m.start()
    while s > 0 and _WORDCHAR.match(text[s - 1]) and text[s - 1] not in "'’":
        s -= 1
    if s >= 2 and text[s - 1] in "'’" and text[s - 2].lower() in "dl" and (s < 3 or not text[s - 3].isalnum()):
        s -= 2  # d'Estaing
    while t < len(text) and _WORDCHAR.match(text[t]) and not (text[t] in "'’-" and (
            t + 1 >= len(text) or not text[t + 1].isalpha())):
        t += 1
    if (s, t) == (e.start, e.end):
        return e
    return e.model_copy(update={"start": s, "end": t, "text": text[s:t]})


_INITIALLED = re.compile(r"(?:[A-Z]\.[ \t]?){1,3}[A-Z]")


def merge_entities(text: str, ents: Iterable[Entity]) -> list[Entity]:
    """Same-label overlaps are joined; across labels the more specific label keeps the characters
    and the other span keeps only what is left of it (so nothing once detected is dropped)."""
    by_label: dict[str, list[Entity]] = {}
    for e in ents:
        if e.end > e.start:
            if e.label == "PERSON":
                e = _widen(text, e)
            by_label.setdefault(e.label, []).append(e)
    joined: list[Entity] = []
    for label, lst in by_label.items():
        lst.sort(key=lambda e: (e.start, -e.end))
        cur: Entity | None = None
        for e in lst:
            adjacent = (cur is not None and label == "PERSON" and e.start >= cur.end
                        and _PERSON_GAP.fullmatch(text, cur.end, e.start) is not None)
            if cur is not None and (e.start < cur.end or adjacent):
                if e.end > cur.end:
                    cur = cur.model_copy(update={"end": e.end, "text": text[cur.start:e.end]})
                cur = cur.model_copy(update={"score": max(cur.score, e.score)}) if e.score > cur.score else cur
            else:
                if cur is not None:
                    joined.append(cur)
                cur = e
        if cur is not None:
            joined.append(cur)
        del label
    joined.sort(key=lambda e: (_PRIORITY.get(e.label, 9), -(e.end - e.start), e.start))
    taken: list[tuple[int, int]] = []
    out: list[Entity] = []
    for e in joined:
        pieces = [(e.start, e.end)]
        for a, b in taken:
            nxt = []
            for s, t in pieces:
                if b <= s or a >= t:
                    nxt.append((s, t))
                else:
                    if s < a:
                        nxt.append((s, a))
                    if b < t:
                        nxt.append((b, t))
            pieces = nxt
        for s, t in pieces:
            while s < t and (text[s] in _TRIM or (text[s] in "()'’-" and e.label != "PHONE")):
                s += 1
            while t > s and text[t - 1] in _TRIM + "(-'’":
                t -= 1
            if t > s and re.search(r"\w", text[s:t]):
                out.append(e.model_copy(update={"start": s, "end": t, "text": text[s:t]}))
                taken.append((s, t))
    out.sort(key=lambda e: e.start)
    return out


_OPENING = re.compile(r"(?:^|[.!?:;…«\n]\s*|\s[–—-]\s)$")
_AFTER_OPENING_WORD = re.compile(r"[ \t]*(?:[:;(]|['’]s\b|(?:à|au|aux|de|du|des|d'|pour|par|sur|en|hein|le|la|les|l'"
                                 r"|un|une|envoyée?s?|déclarée?s?|reçue?s?|of|for|to|on|in)(?![\w'’]))", re.IGNORECASE)


def _capitalised_word_opening(text: str, folded: str, e: Entity, common: Container[str],
                              frequent: Callable[[str], bool] | None = None) -> bool:
    """"Taux de chômage :", "Grâce à la dotation", "Relance envoyée à ...", "Patience hein": an ordinary word
    capitalised because it opens a sentence or a heading, then a preposition, an article or a colon: no
    name ("Rose a appelé", "Pierre Martin" keep theirs)."""
    if e.label != "PERSON" or e.source in ("gazetteer", "repeat", "label") or " " in e.text or "-" in e.text:
        return False
    word = re.sub(r"['’]s$", "", text[e.start:e.end])  # "Victim's NIR"
    # "Karim à l'accueil": a known first name counts only when it is a dictionary word too
    known_first = folded[e.start:e.start + len(word)] in FIRST_NAMES
    if not word[:1].isupper() or word.isupper() or not (
            word.lower() in common or (not known_first and frequent is not None and frequent(word.lower()))):
        return False
    if _OPENING.search(text[max(0, e.start - 4):e.start]) is None:
        return False
    if word != text[e.start:e.end]:
        return True  # an ordinary word's possessive opening the sentence
    if _AFTER_OPENING_WORD.match(text, e.end) is not None:
        return True
    # "Petit rappel de la présidente", "Pierre angulaire du dossier": an adjective or a noun opening the
    # sentence before another ordinary word that is no verb ("Pierre a dit", "Rose demande" keep theirs)
    nxt = re.compile(r"[ \t]+([a-zà-ÿ][\w'’-]*)").match(text, e.end)
    if nxt is None or word.lower() not in common:
        return False
    w = nxt.group(1)
    table = getattr(common, "table", None)
    lemma = table.get(w) if table is not None else None
    lemmas = lemma if isinstance(lemma, list) else [lemma] if lemma else []
    verb = any(str(x) != w and str(x).endswith(("er", "ir", "re", "oir")) for x in lemmas)
    adjectives: Container[str] = getattr(common, "adjectives", frozenset())
    if verb or fold(w) in STOP:
        return False
    return w in adjectives or (not known_first and word.lower() in adjectives)


_CALENDAR_NEXT = re.compile(r"\.?[ \t]*(?:\d|[–—-][ \t]*[a-z]{3}|(?:to|au|a)[ \t]+[a-z]{3})")
_CALENDAR_RANGE_BEFORE = re.compile(r"(?<![\w'’])([a-z]+)\.?[ \t]+(?:to|till|until|au|a)[ \t]+$")
_CALENDAR_PREV = re.compile(r"(?:\d(?:st|nd|rd|th|er|e)?|\bof|[–—-])[ \t]*$")


_NUMBER_FOLLOWS = re.compile(r"[ \t]*(?::|#|\d|(?:is|was|number|no|num|nr|es|est|c'est|zero|oh|one|two|three|four"
                             r"|five|six|seven|eight|nine|un|deux|trois|quatre|cinq|sept|huit|neuf)(?![\w'’]))")


def _without_cue_word(text: str, folded: str, e: Entity) -> Entity | None:
    """"the baby's nhi is z a b …", "his centrelink crn is two oh four …": the name of an identity or contact
    number, then the number, is no person's name; trimmed off the span's end (None when nothing is left)."""
    if e.label != "PERSON" or e.source in ("gazetteer", "label"):
        return e
    words = list(re.finditer(r"[^\W_][\w'’-]*", folded[e.start:e.end]))
    if (len(words) == 1 and e.source in ("shape", "ner") and is_cue_word(words[0].group())
            and not _CIVILITY_BEFORE.search(folded, max(0, e.start - 12), e.start)):
        return None  # "Please give your Aadhaar for re-verification": a scheme's name the shape rule took
    if not words or _NUMBER_FOLLOWS.match(folded, e.end) is None:
        return e
    if len(words) > 1 and is_cue_word(folded[e.start:e.end]):
        return None  # "his medi cal number is …": the scheme's name in two words
    prev = re.search(r"([^\W_][\w'’-]*)[ \t]+$", folded[max(0, e.start - 20):e.start])
    if prev is not None and is_cue_word(f"{prev.group(1)} {folded[e.start:e.end]}"):
        return None  # … and its second word alone ("medi cal": "cal")
    if not is_cue_word(words[-1].group()):
        return e
    if len(words) == 1:
        # "mr pan is here": after a civility it is the person's name
        return e if _CIVILITY_BEFORE.search(folded, max(0, e.start - 12), e.start) else None
    end = e.start + words[-2].end()
    return e.model_copy(update={"end": end, "text": text[e.start:end]})


# "Deepa Hegde, Assistant Passport Officer at …": a span the NER ends on a role noun is the post, not its holder
_ROLE_LAST = frozenset({
    "officer", "worker", "manager", "director", "coordinator", "adviser", "advisor", "secretary", "clerk", "assistant",
    "inspector", "registrar", "commissioner", "caseworker", "minister", "consul", "superintendent", "supervisor",
    "administrator"})


def _role_title(folded: str, e: Entity) -> bool:
    words = folded[e.start:e.end].split()
    return (e.label == "PERSON" and e.source in ("ner", "shape", "context") and len(words) >= 2
            and words[-1] in _ROLE_LAST)


def _title_of_a_field(text: str, folded: str, e: Entity) -> bool:
    """"inspecteur des finances publiques", "juge des contentieux de la protection", "juge des enfants": a title
    and the field it covers, not a title and a surname in "des"."""
    if e.label != "PERSON" or e.source in ("gazetteer", "label") or not re.match(r"(?:des|du)[ \t]", text[e.start:]):
        return False  # "le juge Des Rosiers" keeps the capital of a surname
    before = re.search(r"([a-z-]+)[ \t]+$", folded[max(0, e.start - 24):e.start])
    return before is not None and before.group(1) in TITLES


# "on est arrivés de moroni en décembre", "originally from Mogadishu": where someone comes from is a place
_ORIGIN_BEFORE = re.compile(
    r"(?<![\w'’])(?:arrive|arrivee|arrives|arrivees|originaire|originaires|rentres|rentrees|arrived|originally)"
    r"[ \t]+(?:de|d'|du|from)[ \t]*$")


def _origin_place(folded: str, e: Entity) -> bool:
    return (e.label == "PERSON" and e.source in ("ner", "lexicon", "shape") and " " not in e.text.strip()
            and _ORIGIN_BEFORE.search(folded, max(0, e.start - 24), e.start) is not None)


def _calendar_word(folded: str, e: Entity) -> bool:
    """A day or a month, not the person of that name: "Tue 9am", "Jan–Apr", "12 Jan", "mon to fri",
    "the 3rd of may" (a day or month name before a number or a range, or after a number)."""
    if e.label != "PERSON" or e.source in ("gazetteer", "label") or folded[e.start:e.end] not in CALENDAR_WORDS:
        return False
    if _CALENDAR_NEXT.match(folded, e.end) is not None or _CALENDAR_PREV.search(folded, max(0, e.start - 8),
                                                                                 e.start) is not None:
        return True
    # "Mon to Fri", "du lun. au ven.": the end of a range that starts with another day or month
    m = _CALENDAR_RANGE_BEFORE.search(folded, max(0, e.start - 16), e.start)
    return m is not None and m.group(1) in CALENDAR_WORDS


def _famous_namesake(folded: str, e: Entity) -> bool:
    """"flew out of Charles de Gaulle": a historic figure's full name that airports, stations, schools and
    laws are named after (NAMESAKES) is public, not someone's personal data."""
    if e.label != "PERSON" or e.source == "gazetteer":
        return False
    words = re.sub(r"[\s'’]+", "-", folded[e.start:e.end].strip(" .")).split("-")
    # the whole name, first name included ("Charles de Gaulle"): "M. de La Fontaine" or "de Saint-Exupéry"
    # alone may well be someone living
    if any(words[i] in FIRST_NAMES and "-".join(words[i:]) in NAMESAKES for i in range(len(words) - 1)):
        return True
    # the span is a piece of the whole name: "[george] washington", "martin [luther king] junior"
    before = re.findall(r"[\w'’-]+", folded[max(0, e.start - 24):e.start])[-2:]
    after = re.findall(r"[\w'’-]+", folded[e.end:e.end + 24])[:2]
    around = [*before, *words, *after]
    first, last = len(before), len(before) + len(words)
    return any(j - i >= 2 and "-".join(around[i:j]) in NAMESAKES
               for i in range(first + 1) for j in range(last, len(around) + 1))


_EN_INSTITUTION_LAST = re.compile(
    # not "hall", "house", "park", "court", "bridge", "temple": surnames too ("Sarah Park", "Emma Hall")
    r"[ \t](?:secretariat|ministry|hospital|clinic|school|college|academy|university|institute|centre|center"
    r"|council|library|station|mosque|cathedral|stadium|plaza|mall|barracks|prison|foundation|airport|agency"
    r"|authority|commission|secondary|primary|polytechnic)$")
_EN_LOCATIVE = re.compile(r"\b(?:in|near|outside|via|into)[ \t]+$")
_EN_OPENING_WORD_AFTER = re.compile(r"[ \t]+[a-z][\w'’-]*")


def _english_place_word(text: str, folded: str, e: Entity) -> bool:
    """Cased English: "stopped in Folkestone" (one capitalised word after "in": a place), "St Pancras"
    (a saint's name is a place or a church), "Frank discussion on ..." (an ordinary adjective or verb
    that happens to be a first name, opening a sentence before a lower-case word that is no verb)."""
    if e.label != "PERSON" or e.source in ("gazetteer", "repeat"):
        return False
    span = text[e.start:e.end]
    f = folded[e.start:e.end]
    if span[:1].isupper() and (re.match(r"(?:st|st\.|saint)[ \t]", f) or re.search(
            r"(?<![\w'’])(?:st|st\.|saint)[ \t]+$", folded[max(0, e.start - 7):e.start])):
        return True
    if e.source in ("context", "label"):
        return False
    if " " in span and _EN_INSTITUTION_LAST.search(f):
        return True  # "Alausa Secretariat", "Mona Hospital": a place or an institution, named after whatever
    if " " not in span and span[:1].isupper() and f not in FIRST_NAMES and _EN_LOCATIVE.search(
            folded, max(0, e.start - 10), e.start):
        return True
    if " " not in span and span[:1].isupper() and f in EN_AMBIGUOUS_FIRST and _OPENING.search(
            text[max(0, e.start - 4):e.start]):
        nxt = _EN_OPENING_WORD_AFTER.match(text, e.end)
        if nxt is not None:
            w = nxt.group().strip().lower()
            return not (w in EN_FINITE or w in EN_VERB_FORMS or w.endswith("ed") or w in ("will", "can", "has"))
    return False


_COORD_AFTER = re.compile(r"[ \t]+(?:and|et|&)[ \t]+([^\W\d_][\w'’-]+)(?![\w'’-])")
_COORD_BEFORE = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]+)[ \t]+(?:and|et|&)[ \t]+$")


def coordinated_names(text: str, folded: str, ents: Sequence[Entity], common: Container[str],
                      lang: str) -> list[Entity]:
    """"the two kids tobi and kemi", "les frères kenzo et ethan": a word joined by "and"/"et" to a first name
    is a name too, when it is a first name or no word of the dictionary."""
    out: list[Entity] = []
    for x in ents:
        if x.label != "PERSON" or " " in x.text:
            continue  # one first name on each side; "Marie Curie et Pierre" is for the other rules
        for m in (_COORD_AFTER.match(folded, x.end), _COORD_BEFORE.search(folded, max(0, x.start - 40), x.start)):
            if m is None:
                continue
            word = m.group(1)
            raw = text[m.start(1):m.end(1)]
            if (word in STOP or word in EN_STOP or word in NON_NAMES or word in TITLES or len(word) < 3
                    or re.match(r"[ld]['’]", word) or word.endswith(("body", "one", "thing"))
                    or (word in common and word not in FIRST_NAMES) or raw.lower() in common
                    or (lang == "en" and en_known(raw, common) and word not in FIRST_NAMES)):
                continue
            out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=raw, score=0.6,
                              source="context"))
    for x in ents:
        # "frank baker or barker", "madame martin ou martins": the speaker unsure of a surname's spelling
        # says a near one after it; that one is the name too, dictionary word or not
        alt = _ALTERNATIVE.match(folded, x.end) if x.label == "PERSON" else None
        if alt is None:
            continue
        last = re.split(r"[\s-]+", folded[x.start:x.end])[-1]
        word = alt.group(1)
        if len(word) >= 4 and word != last and _near(last, word):
            out.append(Entity(start=alt.start(1), end=alt.end(1), label="PERSON", text=text[alt.start(1):alt.end(1)],
                              score=0.6, source="context"))
    return out


_ALTERNATIVE = re.compile(r"[ \t]+(?:or|ou|or maybe|ou peut-etre)[ \t]+([^\W\d_][\w'’-]+)(?![\w'’-])")


def _near(a: str, b: str) -> bool:
    """Two spellings of one surname: one or two letters apart (Levenshtein)."""
    if abs(len(a) - len(b)) > 2:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


_CONTRACTION = re.compile(r"(?:i|you|we|they|he|she|it|that|there|who)['’](?:ll|m|re|ve|d|s)")


def _code_or_acronym(text: str, e: Entity) -> bool:
    """"2024-AUD", "PPRE", "MLA request": digits, or one word in capitals that no civility or first name
    introduces (the NER's guess; "M. DUPONT" and "Jean DUPONT" keep theirs)."""
    if e.label != "PERSON" or e.source == "gazetteer":
        return False
    span = text[e.start:e.end]
    if any(c.isdigit() for c in span):
        return True
    return (" " not in span and span.isupper() and len(span) <= 6
            and (e.source in ("ner", "shape", "lexicon") or (e.source == "context" and len(span) >= 3))
            and not re.search(rf"(?:{CIVILITY_ALT})\.?[ \t]+$", text[max(0, e.start - 12):e.start], re.IGNORECASE))


_NAME_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Words a name span may take in by accident that must never be redacted everywhere else: hesitations, the
# identifiers' own names, a saint's town ("Saint-Brieuc")
_NEVER_SPREAD = frozenset(["um", "uh", "euh", "heu", "hum", "hmm", "er", "erm", "ah", "oh", "eh", "bah", "ben"])
_NO_SPREAD_SHAPE = re.compile(r"(?:saint|sainte|st|ste|san|santa|sao)-")
# "au luxembourg", "from saint-brieuc": a word repeated after these is a place
_PLACE_BEFORE = re.compile(r"(?<![\w'’])(?:au|aux|en|in|from)[ \t]+$")


def _name_words(text: str, folded: str, ents: Iterable[Entity], common: Container[str], lang: str) -> set[str]:
    """The words of the names found that are no ordinary word of the language (folded); not acronyms
    ("EMA", "BACS"), number words, hesitations or identifier names ("nric") a span took in."""
    words: set[str] = set()
    for e in ents:
        if e.label != "PERSON" or e.source == "repeat":
            continue
        for w in _NAME_WORD.finditer(folded, e.start, e.end):
            f = w.group()
            word = text[w.start():w.end()].lower()  # the dictionary keeps accents: "rivière", "noël"
            if (len(f) >= 2 and f not in CIVILITIES and f not in common and word not in common
                    and f not in PARTICLES and f not in STOP and f not in NON_NAMES and f not in TITLES
                    and f not in _NEVER_SPREAD and f not in AMBIGUOUS_FIRST and f not in PUBLIC_BODIES
                    and not all(p in NUMBER_WORDS or p in EN_NUMBER_WORDS for p in f.split("-"))
                    and not _NO_SPREAD_SHAPE.match(f) and not is_cue_word(f)
                    and not (text[w.start():w.end()].isupper() and len(f) <= 5)
                    and not (lang == "en" and en_known(f, common))):
                words.add(f)
    return words


# the particles of a surname said again ("marisol de la cruz whitfield ... that's de la cruz")
_PARTICLES_LEFT = re.compile(rf"(?<![\w'’])(?:(?:{SURNAME_PARTICLE_ALT})[ \t]+){{1,3}}$")


def _with_known_particles(text: str, folded: str, ents: list[Entity]) -> list[Entity]:
    """A surname said again takes back the particles it had where it was found whole: "marisol de la cruz
    whitfield ... that's de la cruz"."""
    names = [folded[e.start:e.end] for e in ents if e.label == "PERSON" and " " in e.text]
    out = []
    for e in ents:
        lead = _PARTICLES_LEFT.search(folded, max(0, e.start - 20), e.start) if e.label == "PERSON" else None
        if lead is not None and any(folded[lead.start():e.end] in n for n in names):
            e = e.model_copy(update={"start": lead.start(), "text": text[lead.start():e.end]})
        out.append(e)
    return out


def _occurrences(text: str, folded: str, words: set[str], ents: Sequence[Entity], lang: str = "fr",
                 common: Container[str] = frozenset(), names: Container[str] = frozenset()) -> list[Entity]:
    covered = [(e.start, e.end) for e in ents]
    places: list[tuple[int, int]] | None = None
    out: list[Entity] = []
    for w in _NAME_WORD.finditer(folded):
        if w.group() not in words or any(a <= w.start() and w.end() <= b for a, b in covered):
            continue
        if (_PLACE_BEFORE.search(folded, max(0, w.start() - 6), w.start()) or organisation_context(folded, w.start())
                or place_or_institution(folded, w.start(), w.end())):
            continue  # "au luxembourg", "le tribunal judiciaire de bonneville": the town, not the name
        if (text[w.start():w.end()].isupper() and len(w.group()) <= 5) or re.match(r"\.\w", text[w.end():w.end() + 2]) \
                or text[w.start() - 1:w.start()] in (".", "@"):
            continue  # "the BACS cut-off", "autoentrepreneur.urssaf.fr": an acronym, a piece of an address
        if places is None:
            places = find_places(text, folded, lang, common, names=names)
        if any(a <= w.start() < b for a, b in places):
            continue  # "karin grech hospital": a place named after a person
        lead = _PARTICLES_LEFT.search(folded, max(0, w.start() - 20), w.start())
        start = lead.start() if lead is not None and text[lead.start():w.start()].islower() else w.start()
        out.append(Entity(start=start, end=w.end(), label="PERSON", text=text[start:w.end()], score=0.6,
                          source="repeat"))
    return out


def repeated_names(text: str, folded: str, ents: Sequence[Entity], common: Container[str],
                   lang: str = "fr") -> list[Entity]:
    """Every other occurrence of a word of a name found in the same text, accents aside: "Katarzyna
    Wiśniewska, sorry, Wisniewska", "luana is off sick ... anything for luana". Only words that are no
    ordinary word of the language ("young", "rose", "marchand" found once stay words elsewhere)."""
    words = _name_words(text, folded, ents, common, lang)
    return _occurrences(text, folded, words, ents, lang, common) if words else []


def spread_names(texts: Sequence[str], found: Sequence[list[Entity]], langs: Sequence[str]) -> list[list[Entity]]:
    """:func:`repeated_names` over a whole meeting: a name found once in one turn ("madame Öztürk") is
    redacted in every other turn, title and label where it comes back alone ("Öztürk a rappelé")."""
    folded = [fold(t) for t in texts]
    common = {lang: get_detector(lang).common for lang in set(langs)}
    words: set[str] = set()
    for text, f, ents, lang in zip(texts, folded, found, langs, strict=True):
        words |= _name_words(text, f, ents, common[lang], lang)
    out: list[list[Entity]] = []
    for text, f, ents, lang in zip(texts, folded, found, langs, strict=True):
        extra = _occurrences(text, f, words, ents, lang, common[lang]) if words else []
        out.append(merge_entities(text, [*ents, *extra]) if extra else list(ents))
    return out


# a turn that answers opens with the number; how far into it the number may start: four words, or a
# hesitation with no other number before it ("uh give me a second it's in my wallet okay it's s r four …")
_ANSWER_OPENING = 45
_ANSWER_STALLING = 90
_ANSWER_STALLING_WORDS = 14
# what a speaker says while finding the number asked for
_STALLING = re.compile(r"(?<![\w'’])(?:uh|um|er|erm|euh|heu|ben|bah|hold on|hang on|one (?:sec|second|moment)"
                       r"|give me a (?:sec|second|moment|minute)|let me (?:see|check|find|look)|wait|attendez|attends"
                       r"|un instant|une seconde|deux secondes|je regarde|je cherche|alors|voila|okay|ok|it['’]s"
                       r"|it is|c['’]est|that['’]s)(?![\w'’])")
# "And the address of the new tenancy?" / "12 Oliver Plunkett Street …": a turn that asks where someone lives
_ADDRESS_ASKED = re.compile(r"(?<![\w'’])(?:address|adresse|where (?:do|does|did) (?:you|he|she|they) live"
                            r"|ou (?:habitez|habite|vivez|vit|residez|reside)[- ])")
# "the address of the housing office", "where is the town hall", "l'adresse de la mairie"
_PUBLIC_ADDRESS_ASKED = re.compile(
    r"(?<![\w'’])(?:address (?:of|for) (?:the |your |our )?(?:[a-z'-]+ ){0,3}|where (?:is|are) (?:the |your |our )?"
    r"(?:[a-z'-]+ ){0,3}|adresse (?:de la |du |de l'|des )(?:[a-z'-]+ ){0,3})"
    r"(?:office|offices|hall|council|ministry|department|headquarters|centre|center|branch|clinic|hospital|school"
    r"|court|embassy|consulate|library|mairie|prefecture|agence|caf|cpam|tribunal|hopital|ecole|bureau|service)"
    r"(?![\w'’])")
# "Can you read me the member number on her card?": the question's cue is where its number would have gone
# ... unless what follows names the scheme: "votre numéro d'assurance sociale", "the number of his permit"
_CUE_THEN_MORE = re.compile(r"(?<![\w'’])(?:number|numero|no|id|code|iban|account|ssn|sin|nir)(?![\w'’])"
                            r"(?![ \t]+(?:(?:de|du|des|of)(?!\w)|d['’]))"
                            r"(?=(?:[ \t]+[\w'’-]+){1,5}[ \t]*$)")
_NUMBER_LABELS = frozenset({"PHONE", "NIR", "IBAN", "PAYMENT_CARD"})
_LAST_SENTENCE = re.compile(r"[^.!?]*[.!?]*[ \t]*$")
_QUESTION = re.compile(r"[^.!?]*\?")


def answered_cues(texts: Sequence[str], found: Sequence[list[Entity]], langs: Sequence[str],
                  labels: Iterable[str] | None = None) -> list[list[Entity]]:
    """Numbers that answer the turn before: "Can I get your driver license number, please?" / "Sure. It's
    4620 8175. No, sorry, 4620 8157."; "I need his NID number also." / "19522614827301196.". The last
    sentence of the previous turn is the cue of a number that opens this one: the number gets its label,
    and the first attempt of a self-correction goes with it."""
    wanted = _NUMBER_LABELS if labels is None else _NUMBER_LABELS & frozenset(labels)
    addresses = labels is None or "ADDRESS" in labels
    commons = {lang: get_detector(lang).common for lang in set(langs)}
    out = [list(x) for x in found]
    for i in range(1, len(texts)):
        m = _LAST_SENTENCE.search(texts[i - 1])
        tail = _sentence_tail(m.group() if m else "")
        if addresses and _PUBLIC_ADDRESS_ASKED.search(fold(tail)):
            # "What's the address of the tax office?" / "It's 40 Market Street": a public place's address stays
            out[i] = [x for x in out[i] if not (x.label == "ADDRESS" and len(texts[i][:x.start].split()) <= 3)]
        elif addresses and _ADDRESS_ASKED.search(fold(tail)) and not public_place(fold(tail), langs[i]):
            out[i] = _answered_address(texts[i], out[i], langs[i])
        tail = _up_to_cue(tail)
        opening = texts[i][:_ANSWER_STALLING]
        spoken = any(w in NUMBER_WORDS or w in EN_NUMBER_WORDS for w in fold(opening).split())
        if not tail or not wanted or not (spoken or any(c.isdigit() for c in opening)):
            continue
        common = commons[langs[i]]
        answers = _answers(tail, texts[i], langs[i], common)
        questions = _QUESTION.findall(texts[i - 1])
        if not answers and questions and questions[-1].strip() not in tail:
            # "Vous avez le numéro de votre passeport ? Ça m'aidera à retrouver la demande." / "Oui, c'est le
            # RM3074521.": the question asked, not the remark after it, is what the number answers
            answers = _answers(_up_to_cue(_sentence_tail(questions[-1])), texts[i], langs[i], common)
        for e in answers:
            if e.label not in wanted:
                continue
            inside = [x for x in out[i] if x.start < e.end and e.start < x.end]
            if any(x.start <= e.start and e.end <= x.end and (x.score >= 1.0 or (x.start, x.end) != (e.start, e.end))
                   for x in inside):
                continue  # a validated number, or a longer span, already holds it
            if any(x.label not in _NUMBER_LABELS for x in inside):
                continue
            out[i] = sorted([x for x in out[i] if x not in inside] + [e], key=lambda x: x.start)
    return out


def _sentence_tail(sentence: str) -> str:
    """A sentence of the turn before as a cue: without its end punctuation, its last 80 characters."""
    return sentence.strip().rstrip(".!?…").strip()[-80:]


def _up_to_cue(tail: str) -> str:
    """The question cut after its last number word: what follows it ("on her card", "for the form, please")
    would stand between the cue and the answer read after it."""
    ends = [m.end() for m in _CUE_THEN_MORE.finditer(fold(tail))]
    if ends:
        return tail[:ends[-1]]
    # a long description after the cue would put it out of the number's reach
    cut = last_cue_end(fold(tail))
    return tail[:cut] if cut is not None and len(tail) - cut > 30 else tail


def _answers(tail: str, text: str, lang: str, common: Container[str]) -> list[Entity]:
    """The numbers of ``text`` that answer ``tail`` (the question before), in ``text``'s offsets: one that opens
    the turn ("Sure. It's …", "Mine is …"), or the turn's first number after a hesitation ("uh give me a second
    it's in my wallet okay it's s r four seven …"), read as if it came right after the question."""
    joined = f"{tail} {text}"
    off = len(tail) + 1
    # every recognizer and its filters (freephone lines, references, dates) on the two joined
    found = [e.model_copy(update={"start": e.start - off, "end": e.end - off, "source": "answer"})
             for e in find_structured(joined, fold(joined), lang, common) if e.start >= off]
    opening = [e for e in found if e.start <= _ANSWER_OPENING and len(text[:e.start].split()) <= 4]
    if opening:
        return opening
    runs = numeric_runs(text[:_ANSWER_STALLING + 40], fold(text[:_ANSWER_STALLING + 40]), lang=lang)
    first = next((run for run in runs if sum(len(u.digits) for u in run if u.is_number) >= 2), None)
    if first is None:
        return []
    p = leading_letters_start(text, first[0].start)
    gap = fold(text[:p])
    if (p > _ANSWER_STALLING or len(text[:p].split()) > _ANSWER_STALLING_WORDS
            or any(c.isdigit() for c in text[:p]) or not _STALLING.search(gap) or names_a_number(gap)):
        return []  # "Counter log 04/15/2024", "dossier 0750-2025-01234", "you can call 1 800 …": the turn's own
        # words say what its number is; only a speaker who stalls ("uh hold on … it's") still answers
    joined = f"{tail} {text[p:]}"
    off = len(tail) + 1
    # what the turn says in between stays in force: a service line ("NIS customer service (246) 431-7400")
    # is not the answer, and a number the turn already gives as it stands needs no question
    alone = {(e.start, e.end, e.label) for e in find_structured(text, fold(text), lang, common)}
    answers = [e.model_copy(update={"start": e.start - off + p, "end": e.end - off + p, "source": "answer"})
               for e in find_structured(joined, fold(joined), lang, common) if off <= e.start <= off + 2]
    return [e for e in answers if not service_line(fold(text), e.start)
            and not any(a < e.end and e.start < b and label == e.label for a, b, label in alone)]


def _answered_address(text: str, ents: list[Entity], lang: str) -> list[Entity]:
    """The address a turn opens with when the turn before asked for one: read as if it followed "address:",
    up to where the sentence goes on ("plot one four two three two block eight gaborone it's behind …")."""
    cue = "adresse : " if lang == "fr" else "address: "
    joined = cue + text
    find = find_cued_addresses_fr if lang == "fr" else find_cued_addresses_en
    for e in find(joined, fold(joined)):
        if e.start != len(cue):
            continue  # only what opens the turn answers
        a, b = 0, e.end - len(cue)
        inside = [x for x in ents if x.start < b and a < x.end]
        if any(x.label not in ("ADDRESS", "PERSON", "LOCATION") and (x.score >= 1.0 or x.start <= a + 2)
               for x in inside):
            continue  # a validated number or an e-mail there is what the turn gives, not a street; a postal
            # code a cue made a phone ("No. 45, 3rd Cross, …, Bengaluru 560038") is the address's
        if any(x.start <= a and b <= x.end for x in inside):
            continue
        b = max([b] + [x.end for x in inside])
        ents = sorted([x for x in ents if x not in inside]
                      + [Entity(start=a, end=b, label="ADDRESS", text=text[a:b], score=0.7, source="answer")],
                      key=lambda x: x.start)
    return ents


# spoken separators a speaker reads a number back with: "quatre-vingt-neuf point zéro trois point dix-sept tiret
# deux cent cinquante-quatre", "deux cent quinze clé soixante-trois"
_READ_BACK_JOINER = re.compile(r"[ \t,.:/-]*(?:(?:point|tiret|trait d'union|slash|barre|cle|key|dash|dot|hyphen)"
                               r"[ \t,.:/-]*)?")


def _read_back_runs(text: str, lang: str) -> list[list[Any]]:
    """The numeric runs of ``text`` (their number units), plus every chain of runs joined only by a spoken
    separator, longest first, so that a number read back with "point" or "clé" between its groups is whole."""
    folded = fold(text)
    runs = [[u for u in run if u.is_number] for run in numeric_runs(text, folded, lang=lang)]
    runs = [r for r in runs if r]
    chains: list[list[Any]] = []
    for i in range(len(runs)):
        chain = list(runs[i])
        for j in range(i + 1, min(len(runs), i + 8)):
            if _READ_BACK_JOINER.fullmatch(folded, chain[-1].end, runs[j][0].start) is None:
                break
            chain = chain + runs[j]
            chains.append(chain)
    return sorted(chains, key=len, reverse=True) + runs


def repeated_numbers(texts: Sequence[str], found: Sequence[list[Entity]], langs: Sequence[str]) -> list[list[Entity]]:
    """A number read back ("sorry was that s zero four four seven one two", "so that's 06 12 …, correct?"):
    the digits of a phone, identity, bank or card number found in one turn of the meeting are redacted, with
    its label, wherever they come back whole, whatever the cue around them."""
    known: dict[str, str] = {}
    for ents, lang in zip(found, langs, strict=True):
        for e in ents:
            if e.label in _NUMBER_LABELS:
                digits = "".join(u.digits for run in numeric_runs(e.text, fold(e.text), lang=lang)
                                 for u in run if u.is_number)
                if len(digits) >= 6:
                    known.setdefault(digits, e.label)
    if not known:
        return [list(x) for x in found]
    out: list[list[Entity]] = []
    for text, ents, lang in zip(texts, found, langs, strict=True):
        extra: list[Entity] = []
        for nums in _read_back_runs(text, lang):
            label = known.get("".join(u.digits for u in nums))
            if label is None:
                continue
            a, b = nums[0].start, nums[-1].end
            if label == "NIR":
                a, b = leading_letters_start(text, a), trailing_letters_end(text, b)
            if any(x.start < b and a < x.end for x in extra):
                continue  # a shorter reading of a chain already taken
            same = [x for x in ents if x.start < b and a < x.end]
            if (len(same) == 1 and same[0].label in _NUMBER_LABELS and same[0].label != label
                    and (same[0].score < 1.0 or same[0].label == "PHONE")):
                # "So that's 4471 0926, yes?": a passport number read back is no phone for lack of a cue (eight
                # digits fit many phone plans; a checksum that validates a card or an IBAN is kept)
                ents = [x for x in ents if x is not same[0]]
            elif same:
                continue  # already redacted, or part of something else
            extra.append(Entity(start=a, end=b, label=label, text=text[a:b], score=0.7, source="repeat"))
        out.append(sorted([*ents, *extra], key=lambda x: x.start) if extra else list(ents))
    return out


# "c'est 246 518 005 et pour ma conjointe 947 125 332", "mine is … and my husband's is …": the next number of a
# list that one cue opened; "et moi …" / "and mine …" opening a turn after a number: the same kind of number
_RELATIVES = (r"(?:conjointe?|femme|mari|epouse|epoux|compagne|compagnon|fils|fille|frere|soeur|mere|pere|enfant"
              r"|wife|husband|partner|son|daughter|brother|sister|mother|father|child|spouse)")
_LIST_NEXT = re.compile(
    r"[ \t,;.]*(?:(?:et|puis|ou|and|or)[ \t]+(?:(?:pour|for|de|celui de|celui d'|celle de|celle d'|that of)[ \t]*)?"
    # a new sentence for the next one: "C'est le 756.1234.8901.24. Celui de mon mari est le 756.9876…"
    r"|(?:celui|celle)[ \t]+(?:de[ \t]+|d')|(?=(?:my|his|her|our|their)[ \t]))"
    r"(?:(?:ma|mon|sa|son|votre|notre|leur|my|his|her|our|their|the)[ \t]+" + _RELATIVES + r"(?:'s)?"
    r"|moi|lui|elle|me|him|mine|hers|his|le mien|la mienne|le sien|la sienne)"
    r"(?:[ \t,]+(?:c'est|c est|ce sera|it's|it is|is|est|that's|ca fait|euh|uh|um|le|la))*[ \t,:]*$")
_TURN_NEXT = re.compile(
    r"[ \t]*(?:(?:oui|ok|d'accord|yes|yeah|okay|alors|so)[ \t,]+)*(?:et[ \t]+)?(?:(?:pour[ \t]+)?moi|le mien|la mienne"
    r"|and (?:me|mine)|mine|and for me|et pour (?:ma|mon) " + _RELATIVES + r")"
    # "mine's a new zealand one, it's …": the kind of document said before the number
    r"(?:(?:'s|[ \t]+is)[ \t]+an?[ \t]+(?:[^\W\d_]+[ \t]+){0,3}one)?"
    r"(?:[ \t,]+(?:c'est|c est|ce sera|it's|it is|is|euh|uh|um|le|la))*[ \t,:]*$")
# letters spelled before the digits belong to the number ("d k three eight one …", a licence's prefix);
# not the one-letter words of either language
_CAPS_PREFIX = re.compile(r"(?<![\w'’])[A-Z]{2,4}[ \t]?$")
_SPELLED_PREFIX = re.compile(r"(?<![\w'’])(?:(?![aiyo][ \t])[a-z][ \t]+){1,3}$")


def continued_numbers(texts: Sequence[str], found: Sequence[list[Entity]], langs: Sequence[str]) -> list[list[Entity]]:
    """The next number of a list a cue opened takes that number's label: "c'est 2 46 51 80 05 et pour ma
    conjointe neuf cent quarante-sept …" (in the turn), "le mien c'est …" / "et moi trente quarante-deux …"
    (the next turn opens with the next one). Only runs of six digits or more, of about the same length."""
    out = [list(x) for x in found]
    for i, (text, lang) in enumerate(zip(texts, langs, strict=True)):
        numbers = [e for e in out[i] if e.label in _NUMBER_LABELS]
        before = [e for e in out[i - 1] if e.label in _NUMBER_LABELS] if i else []
        folded = fold(text)
        for run in numeric_runs(text, folded, lang=lang):
            nums = [u for u in run if u.is_number]
            digits = sum(len(u.digits) for u in nums)
            a, b = nums[0].start, nums[-1].end
            overlap = [x for x in out[i] if x.start < b and a < x.end]
            # a guess from the digits alone ("nine digits said one by one: a phone") yields to the list's label
            guess = (len(overlap) == 1 and overlap[0].label in _NUMBER_LABELS and overlap[0].score < 1.0
                     and (overlap[0].start, overlap[0].end) == (a, b))
            if digits < 6 or (overlap and not guess):
                continue
            prefix = _SPELLED_PREFIX.search(folded, max(0, a - 12), a)
            if prefix is not None and not any(x.start < a and prefix.start() < x.end for x in out[i]):
                a = prefix.start()
            elif (caps := _CAPS_PREFIX.search(text, max(0, a - 8), a)) is not None:
                a = caps.start()  # "c'est le AMRS 9057 0314": a Quebec health number's letters
            prev = [e for e in numbers if e.end <= a and _LIST_NEXT.fullmatch(folded, e.end, a)]
            if not prev and before and _TURN_NEXT.fullmatch(folded, 0, a):
                prev = before[-1:]
            if not prev:
                continue
            first = prev[-1]
            first_digits = sum(c.isdigit() for c in first.text) or sum(
                len(u.digits) for r in numeric_runs(first.text, fold(first.text), lang=lang) for u in r if u.is_number)
            if abs(first_digits - digits) > 3:
                continue
            e = Entity(start=a, end=b, label=first.label, text=text[a:b], score=0.7, source="list")
            out[i] = sorted([*(x for x in out[i] if x not in overlap), e], key=lambda x: x.start)
    return out


_CUT_OFF_BEFORE = re.compile(r"(?<![\w'’-])[^\W\d_]{2,}-[ \t]+$")
_RESTART_BEFORE = re.compile(r"(?<![\w'’-])([^\W\d_]{3,})[ \t,]+(?:(?:euh|heu|enfin|pardon|uh|um|er|sorry|i mean)"
                             r"[ \t,]+)?$")


def _false_start(text: str, folded: str, start: int) -> int:
    """A name the speaker began, broke off and said again belongs to it: "kaczma- kaczmarek", "nom- naledi"
    (ASR marks a word cut off with a dash), "kowal euh kowalski" (the start of the same name)."""
    cut = _CUT_OFF_BEFORE.search(folded, max(0, start - 30), start)
    if cut is not None:
        return cut.start()
    again = _RESTART_BEFORE.search(folded, max(0, start - 40), start)
    if again is not None and folded[start:].startswith(again.group(1)) and again.group(1) not in STOP:
        return again.start()
    return start


_RESTART_AFTER = re.compile(r"[ \t,]+(?:(?:euh|heu|enfin|pardon|uh|um|er|sorry|i mean|non|no)[ \t,]+)+"
                            r"([^\W\d_][\w'’-]*)")


def _said_again(folded: str, end: int) -> int:
    """"monsieur kowal euh kowalski": the name said again in full after a hesitation ends the span."""
    last = re.search(r"([^\W\d_][\w'’-]*)$", folded[max(0, end - 40):end])
    again = _RESTART_AFTER.match(folded, end)
    if last is None or again is None:
        return end
    head, word = last.group(1), again.group(1)
    return again.end() if len(head) >= 3 and word != head and word.startswith(head) else end


def _outside_places(ents: list[Entity], places: list[tuple[int, int]]) -> list[Entity]:
    """Drop PERSON spans that start inside a place named after a person ("lycée [Victor Hugo]"); one that
    runs into such a place is cut where the place begins."""
    if not places:
        return ents
    out = []
    for e in ents:
        if e.label == "PERSON":
            if any(a <= e.start < b for a, b in places):
                continue
            cut = min((a for a, _ in places if e.start < a < e.end), default=None)
            if cut is not None:
                e = e.model_copy(update={"end": cut, "text": e.text[:cut - e.start]})
        out.append(e)
    return out


class Detector:
    """One language's detector: a spaCy NER pipeline (may be None) plus the rule layers."""

    def __init__(self, nlp: Any, common: Container[str], lang: str = "fr",
                 labels: Iterable[str] = DEFAULT_LABELS, min_score: float = 0.0, size: str = "md") -> None:
        self.nlp = nlp
        self.size = size  # the model size it was loaded with: worker processes load the same one
        self.common = common
        self.lang = lang
        self.labels = frozenset(labels)
        self.min_score = min_score
        frequent = None
        if nlp is not None and len(nlp.vocab.vectors):
            vocab = nlp.vocab
            frequent = lambda w: bool(vocab.has_vector(w))  # noqa: E731
        self.names = first_names_for(lang, common, frequent, id(nlp)) if lang in ("fr", "en") else None

    def _frequent(self, word: str) -> bool:
        """Among the model's most frequent words (it has a static vector): "taux", "relance"."""
        return self.nlp is not None and bool(len(self.nlp.vocab.vectors)) and bool(self.nlp.vocab.has_vector(word))

    def _rare(self, word: str) -> bool:
        """Not among the model's most frequent words (those that have a static vector)."""
        if self.nlp is None or not len(self.nlp.vocab.vectors):
            return False
        return not self.nlp.vocab.has_vector(word.lower())

    def _rules(self, text: str, folded: str, gaz: Gazetteer | None) -> list[Entity]:
        ents = find_structured(text, folded, self.lang, self.common)
        if "PERSON" in self.labels:
            ents += civility_names(text, folded, self.common)
            names = self.names
            if self.lang == "fr" and names is not None:
                ents += first_name_names(text, folded, self.common, self._rare, names.strong)
                ents += cue_names(text, folded, self.common)
                ents += subject_names(text, folded, self.common)
                ents += unknown_pairs(text, folded, self.common, self._rare)
                ents += fr_pair_names(text, folded, self.common, names)
                ents += fr_weak_first_names(text, folded, names, self.common)
            elif self.lang == "en" and names is not None:
                ents += en_first_names(text, folded, self.common, names.strong)
                ents += en_cue_names(text, folded, self.common)
                ents += en_pair_names(text, folded, self.common, names)
                ents += en_unknown_pairs(text, folded, self.common)
                ents += en_family_names(text, folded, self.common)
                ents += en_weak_first_names(text, folded, names)
                ents += en_relation_names(text, folded, names)
                ents += en_kin_names(text, folded, names, self.common)
                ents += possessive_names(text, folded, names, self.common)
                ents += honorific_names(text, folded, self.common, names)
            ents += given_names(text, folded) + written_names(text, folded) + addressed_names(text, self.common)
            if names is not None:
                ents += listed_attendees(text, names)
            if names is not None:
                ents += vocative_names(text, folded, names)
                ents += civility_word_names(text, folded, self.common, names, self.lang)
            if gaz is not None:
                ents += gaz.find(text, folded)
        return ents

    def detect_many(self, texts: Sequence[str], participants: Sequence[str] = (), *,
                    batch_size: int = 128, processes: int = 1) -> list[list[Entity]]:
        """Entities for each text.  ``processes`` > 1: a batch of at least
        :data:`~visio_archive.redaction.pool.MIN_PARALLEL_WORDS` words is split across that many
        processes (this one and worker processes that load the pipeline once; see
        :mod:`visio_archive.redaction.pool`); the result is the same."""
        if processes > 1:
            from visio_archive.redaction.pool import detect_on_every_core

            found = detect_on_every_core(self, texts, participants, batch_size=batch_size, processes=processes)
            if found is not None:
                return found
        return self.detect_serial(texts, participants, batch_size=batch_size)

    def detect_serial(self, texts: Sequence[str], participants: Sequence[str] = (), *,
                      batch_size: int = 128) -> list[list[Entity]]:
        """Entities for each text, in this process."""
        gaz = Gazetteer(participants, self.common) if participants else None
        docs: Iterable[Any] = (
            self.nlp.pipe(texts, batch_size=batch_size) if self.nlp is not None else (None for _ in texts)
        )
        results: list[list[Entity]] = []
        for text, doc in zip(texts, docs, strict=True):
            folded = fold(text)
            ents = self._rules(text, folded, gaz)
            if doc is not None:
                if "PERSON" in self.labels and self.lang in ("fr", "en"):
                    skip = [(x.start_char, x.end_char) for x in doc.ents if x.label_ in ("LOC", "ORG", "GPE")]
                    skip += [(x.start, x.end) for x in ents]
                    ents += capitalised_names(text, folded, self.common, skip, self.lang)
                if self.lang == "en":
                    # English NER places are reliable on cased text: a rule's "name" that is one is not (on
                    # lower-case ASR text it calls names places: "luana is off sick")
                    places = [(x.start_char, x.end_char) for x in doc.ents
                              if x.label_ in ("GPE", "LOC", "FAC", "NORP") and x.text[:1].isupper()]
                    ents = [x for x in ents if x.label != "PERSON" or x.source in ("gazetteer", "label")
                            or any(w in FIRST_NAMES for w in folded[x.start:x.end].split())
                            # "Seun Adeyemi": a first name of the big list, then a second capitalised word
                            or (self.names is not None and x.text[:1].isupper()
                                and len(words := folded[x.start:x.end].split()) >= 2
                                and words[0] in self.names.strong)
                            or _INITIALLED.match(x.text) is not None  # "P. Adeyemi": minutes name people so
                            or not any(a <= x.start and x.end <= b for a, b in places)]
                # one word of the big first-name list that the NER calls a place is one ("Angers", "Nancy")
                places = [(x.start_char, x.end_char) for x in doc.ents if x.label_ in ("LOC", "GPE", "FAC")]
                ents = [x for x in ents if not (
                    x.label == "PERSON" and x.source == "lexicon" and " " not in x.text
                    and folded[x.start:x.end] not in FIRST_NAMES
                    and any(a <= x.start and x.end <= b for a, b in places))]
                for ent in doc.ents:
                    label = _NER_MAP.get(ent.label_)
                    if label is None or label not in self.labels:
                        continue
                    s, e = ent.start_char, ent.end_char
                    if label == "PERSON":
                        cleaned = clean_person(text, folded, s, e, self.common,
                                               EN_STOP if self.lang == "en" else frozenset())
                        if cleaned is None:
                            continue
                        s, e = cleaned
                    ents.append(Entity(start=s, end=e, label=label, text=text[s:e], score=0.85, source="ner"))
            ents = [x for x in ents if x.label in self.labels and x.score >= self.min_score]
            if "PERSON" in self.labels:
                ents = _outside_places(ents, find_places(text, folded, self.lang, self.common,
                                                         names=self.names or frozenset()))
            for k, x in enumerate(ents):
                if x.label == "PERSON":
                    end = extend_person(text, folded, x.start, x.end, self.common, self._rare, self.lang)
                    if self.lang == "en":
                        end = en_trim_verbs(text, folded, x.start, end, self.common)
                    end = _said_again(folded, end)
                    # "my name is dawn whitaker i'm a benefits officer": a pronoun's contraction ends the name
                    tail = re.search(r"[ \t]+([\w'’]+)$", folded[x.start:end])
                    if tail is not None and _CONTRACTION.fullmatch(tail.group(1)):
                        end = x.start + tail.start()
                    start = _false_start(text, folded, extend_person_left(text, x.start, self.common))
                    if (start, end) != (x.start, x.end):
                        ents[k] = x.model_copy(update={"start": start, "end": end, "text": text[start:end]})
            if "PERSON" in self.labels:
                ents = [x for x in ents if not _capitalised_word_opening(text, folded, x, self.common,
                                                                          self._frequent)
                        and not _code_or_acronym(text, x)
                        and not (self.lang == "en" and _english_place_word(text, folded, x))
                        and not _famous_namesake(folded, x)
                        and not _calendar_word(folded, x)
                        and not _role_title(folded, x)
                        and not _title_of_a_field(text, folded, x)
                        and not _origin_place(folded, x)
                        and not (x.label == "PERSON" and x.source != "gazetteer" and (
                            (organisation_context(folded, x.start) and not spoken_to(folded, x.end))
                            or place_or_institution(folded, x.start, x.end)
                            or letter_label(folded, x.start, x.end)))]
                # "l'office social de strassen et claude": a town after its body stays a town beside a name
                ents += [c for c in coordinated_names(text, folded, ents, self.common, self.lang)
                         if not place_or_institution(folded, c.start, c.end)]
                ents += spelled_names(text, folded, [(x.start, x.end) for x in ents if x.label == "PERSON"],
                                      self.common)
                ents += repeated_names(text, folded, ents, self.common, self.lang)
                ents = _with_known_particles(text, folded, ents)
            if "PERSON" in self.labels:
                ents = [y for x in ents if (y := _without_cue_word(text, folded, x)) is not None]
            # "i'll", "we're": a pronoun's contraction is never a name, whichever rule proposed a piece of it
            results.append([x for x in merge_entities(text, ents)
                            if not (x.label == "PERSON" and _CONTRACTION.fullmatch(folded, x.start, x.end))])
        return results


_detectors: dict[tuple[str, str], Detector] = {}


def get_detector(lang: str = "fr", *, size: str = "md", settings: Settings | None = None) -> Detector:
    key = (lang, size)
    det = _detectors.get(key)
    if det is None:
        from visio_archive.redaction.nlp import load_pipeline

        nlp, common = load_pipeline(lang, size, settings)
        det = Detector(nlp, common, lang=lang, size=size)
        _detectors[key] = det
    return det


def detect(text: str, *, lang: str = "fr", participants: Sequence[str] = (),
           labels: Iterable[str] | None = None) -> list[Entity]:
    """Personal-data spans in ``text`` (Python character offsets), sorted, non-overlapping."""
    return detect_many([text], lang=lang, participants=participants, labels=labels)[0]


def detect_many(texts: Sequence[str], *, lang: str = "fr", participants: Sequence[str] = (),
                labels: Iterable[str] | None = None, batch_size: int = 128, processes: int = 1,
                ) -> list[list[Entity]]:
    det = get_detector(lang)
    if labels is not None and frozenset(labels) != det.labels:
        det = Detector(det.nlp, det.common, lang=det.lang, labels=labels, min_score=det.min_score, size=det.size)
    return det.detect_many(list(texts), participants, batch_size=batch_size, processes=processes)
