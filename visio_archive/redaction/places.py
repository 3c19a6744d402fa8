# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""Places and institutions named after people: "lycée Victor Hugo", "salle Jean Moulin", "rue Jean
Jaurès", "hôpital Georges-Pompidou", "université Paul-Sabatier", "John Radcliffe Hospital".

A person's name that is part of a named place or institution is not personal data: the PERSON
rules and the NER must leave it alone.  :func:`find_places` returns the spans of such names; the
detector drops PERSON spans that start inside one.  A private address with a number ("12 rue Jean
Jaurès") is still an ADDRESS: the address recognizer does not look at these spans.

French puts the kind of place first (``<lycée> [élémentaire] [de] [président] <Victor Hugo>``),
English after the name (``<John Radcliffe> <Hospital>``, and ``University of <X>``).  The name is one
to four words: capitalised words, known first names and surnames, words no dictionary knows,
initials ("Franklin D. Roosevelt") and particles between them; a known first name may be followed
by one more word whatever it is ("salle Jean Moulin": "moulin" is also an ordinary word).  Rules work
on characters, with or without a spaCy model, in lower-case ASR text as in written text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container

from visio_archive.redaction.lexicon import FIRST_NAMES, NAMESAKES, PARTICLES, STOP, SURNAMES
from visio_archive.redaction.numbers_fr import fold

__all__ = ["find_places"]

_FR_KINDS = frozenset(fold(w) for w in """
lycée collège college école ecole groupe-scolaire cité-scolaire université universite faculté fac iut institut
hôpital hopital chu chr clinique ehpad maternité salle amphithéâtre amphi auditorium rue avenue place boulevard
bd quai allée impasse chemin square cours pont station gare métro metro aéroport aeroport port centre fondation
musée mediathèque médiathèque bibliothèque stade gymnase piscine parc jardin théâtre theatre cinéma espace maison
résidence residence campus promotion promo caserne prix palais tour hall bâtiment batiment pavillon foyer
complexe halle club collège-lycée école-maternelle crèche creche conservatoire observatoire amphithéatre
rond-point esplanade parvis passerelle tunnel porte lycée-collège
loi lois dispositif amendement réforme reforme pharmacie groupe marché marche
calle avenida rua viale piazza piazzale largo corso strada ulica aleja plaza paseo travessa via
""".split())
_FR_QUALIFIERS = frozenset(fold(w) for w in """
hospitalier hospitalière universitaire élémentaire maternelle primaire professionnel professionnelle polyvalent
polyvalente privé privée public publique international internationale national nationale régional régionale
municipal municipale départemental départementale culturel culturelle sportif sportive scolaire intercommunal
intercommunale général générale agricole technique technologique d'enseignement nautique aquatique social
sociale médico-social de-santé
""".split())
_HONORIFICS = frozenset(fold(w) for w in """
président presidente général générale maréchal docteur professeur abbé saint sainte st ste sœur soeur père frère
capitaine commandant colonel lieutenant amiral pasteur cardinal mère l'abbé monseigneur mgr roi reine empereur
impératrice prince princesse duc duchesse comte comtesse baron sir lady lord king queen president general doctor
""".split())
_EN_KINDS = frozenset("""
hospital college university school academy institute foundation center centre station airport memorial library
room hall building stadium arena park square bridge street avenue road boulevard lane drive prize museum gallery
theatre theater tower house court clinic infirmary observatory laboratory lab auditorium chapel cathedral church
chair terminal programme program fellowship scholarship primary secondary day office stage market estate
enterprises ltd limited inc llc plc holdings corporation corp partners associates solutions act regulations rules
statue monument union
""".split())
# Bodies named after their founder or their region, only when written with a capital ("Nova Scotia Legal Aid",
# "Joseph Rowntree Trust"): lower-case ASR says "rhys wood council tax", "rhys what's social services saying"
_EN_BODY_KINDS = frozenset("aid services council trust association society authority agency network alliance"
                           " coalition federation commission".split())
# Kinds that English also writes before the name of the place ("University Hospital Kerry", "Huduma Centre Thika")
_EN_KINDS_FIRST = frozenset("hospital centre center station college school clinic office hall house park market"
                            .split())
_EN_HUMAN_AFTER = re.compile(r"[ \t]+(?:said|says|told|asked|called|rang|wrote|thinks|wants|is|was|will|has|had)"
                             r"(?![\w'’])")
_EN_STOP = frozenset("""the a an of at in on to for from with by and or is was are were be been our their my your
his her its this that these those near into onto via""".split())
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’]|-(?=[^\W\d_]))*\.?|[A-Za-z]\.")
_SPACE = re.compile(r"[ \t]+")


def _namey(tok: str, ftok: str, common: Container[str], frequent: Callable[[str], bool] | None = None,
           names: Container[str] = frozenset()) -> bool:
    """Could this word be part of a person's name inside a place name?  (``frequent``: the word is among
    the model's most frequent ones, those with a static vector: "paix", "réunion".)"""
    core = ftok.rstrip(".")
    if core in STOP or core in _FR_KINDS or core in _EN_KINDS:
        return False
    if tok[:1].isupper() or re.fullmatch(r"[a-z]\.", ftok):
        return True
    parts = [p for p in re.split(r"[-'’]", core) if p]
    if any(p in FIRST_NAMES or p in SURNAMES for p in parts) or core in names:
        return True
    words = [w for w in re.split(r"[-'’]", tok.lower().rstrip(".")) if w]  # the dictionary keeps accents
    if frequent is not None and any(frequent(w) for w in words):
        return False
    return bool(parts) and not any(p in common for p in parts) and not any(w in common for w in words)


def _french(text: str, folded: str, common: Container[str],
            frequent: Callable[[str], bool] | None, names: Container[str] = frozenset()) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    n = len(toks)
    i = 0
    while i < n:
        s, e = toks[i]
        kind = folded[s:e].rstrip(".")
        if kind[:2] in ("l'", "l’", "d'", "d’"):
            kind = kind[2:]  # "l'université", "d'école"
        if kind not in _FR_KINDS or (kind == "via" and text[s] != "V"):
            i += 1  # "Via Cesare Giulio Viola" is a street; "via Marie" is who passed it on
            continue
        j = i + 1
        while j < n and folded[toks[j][0]:toks[j][1]] in _FR_QUALIFIERS:
            j += 1
        name_start = None
        end = None
        real = 0
        after_first = False
        k = j
        while k < n and real < 4:
            a, b = toks[k]
            if _SPACE.fullmatch(text, toks[k - 1][1], a) is None and text[toks[k - 1][1]:a] not in ("", "'", "’"):
                break  # punctuation between words ends the name
            tok, ftok = text[a:b], folded[a:b]
            base = re.split(r"['’]", ftok)[0]
            if ftok in PARTICLES or (base in ("d", "l") and len(ftok) <= 2):
                k += 1
                continue
            if ftok in _HONORIFICS and real == 0:  # not "lycée Victor Hugo [la mère madame zhang]"
                after_first = True  # "avenue du président Kennedy", "fondation abbé Pierre"
                k += 1
                continue
            if (base in ("d", "l") and "'" in ftok.replace("’", "'") and len(ftok) > 2
                    and _namey(tok[2:], ftok[2:], common, frequent)):
                ok = True  # "d'Estienne-d'Orves"
            else:
                ok = (_namey(tok, ftok, common, frequent, names)
                      or (after_first and ftok not in STOP and tok.isalpha()))
            if not ok:
                break
            if name_start is None:
                name_start = a
            end = b
            real += 1
            after_first = (ftok in FIRST_NAMES or ftok in names or after_first) and real == 1
            k += 1
        if name_start is not None and end is not None:
            if not _subject_after_place(text, folded, s, name_start, end, common):
                out.append((s, end))
            i = k
        else:
            i += 1
    return out


# A clause that opens on a place complement ("à la gare", "au lycée", "sur le parking de l'hôpital",
# "en arrivant à l'accueil") has its subject after it.
_LOC_PREPS = frozenset(fold(w) for w in """
à a au aux en dans sur sous devant derrière derriere près pres vers chez depuis pendant après apres avant
face via par entre dès des jusqu'à jusqu'au côté cote
""".split())
_CLAUSE_FILLERS = frozenset(fold(w) for w in """
euh heu hum bon alors donc et mais puis ensuite bref hier ce matin soir aujourd'hui oui non ben bah voilà voila
enfin après apres du coup
""".split())


def _subject_after_place(text: str, folded: str, kind_start: int, name_start: int, end: int,
                         common: Container[str]) -> bool:
    """"à la gare [sandrine lejeune] m'attendait", "au lycée [kevin durand] a été exclu": the words after
    the place word are the clause's subject, not the place's name: the clause opens on a place complement
    and a verb follows the name.  A name places are commonly given ("au lycée victor hugo a lieu ...")
    stays the place's."""
    from visio_archive.redaction.asr_names import clause_verb_after

    key = re.sub(r"[\s'’]+", "-", folded[name_start:end].strip(" .")).replace("'", "-")
    words = key.split("-")
    if any("-".join(words[i:]) in NAMESAKES for i in range(len(words))):
        return False
    if not clause_verb_after(text, folded, end, "fr", common):
        return False
    head = folded[max(0, kind_start - 80):kind_start]
    cut = max(head.rfind(c) for c in ".!?,;:")
    toks = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?|['’]", head[cut + 1:])
    toks = [t for t in toks if t not in ("'", "’")]
    while toks and toks[0] in _CLAUSE_FILLERS:
        toks.pop(0)
    if not toks:
        return False
    first = re.split(r"['’]", toks[0])[0]
    return first in _LOC_PREPS


_NAME_GIVEN_BEFORE = re.compile(r"(?<![\w'’])(?:name is|name's|i'm|i am|this is|called|named|call me|it's)[ \t]+$")
_SAINT_BEFORE = re.compile(r"(?<![\w'’])(?:st|saint)\.?[ \t]+$")
# Kind words that are common English surnames too: after one first name, and with no place word before,
# they are a person's name ("Sarah Park"), where "at Victoria Park", "the Albert Hall" are places.
_SURNAME_KINDS = frozenset("hall house court park bridge tower church chapel temple lane street".split())
_PLACE_WORD_BEFORE = re.compile(r"(?<![\w'’])(?:the|at|in|to|from|near|outside|into|via|of|on|inside|behind"
                                # "2 Adelaide Street": a house number before it makes it a street
                                r"|opposite|past|around|\d{1,5}[a-z]?)[ \t]+$")


def _english(text: str, folded: str, common: Container[str]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    for i, (s, e) in enumerate(toks):
        kind = folded[s:e].rstrip(".")
        if kind not in _EN_KINDS and not (kind in _EN_BODY_KINDS and text[s].isupper()):
            continue
        # "University of Toulouse", "Institute of X": the name after "of"
        if i + 2 < len(toks) and folded[toks[i + 1][0]:toks[i + 1][1]] == "of":
            a, b = toks[i + 2]
            if _namey(text[a:b], folded[a:b], common):
                out.append((s, b))
        # "John Radcliffe Hospital", "King's College", "Martin Luther King Jr Boulevard"
        # up to four words before the kind, then the leftmost that is name-like starts the name
        # ("martin luther king jr boulevard": "luther" and "king" are also dictionary words)
        k = i - 1
        start = None
        while k >= 0 and i - k <= 6:  # "Kofi Annan International Peacekeeping Training Centre"
            a, b = toks[k]
            if _SPACE.fullmatch(text, b, toks[k + 1][0]) is None:
                break
            tok, ftok = text[a:b], folded[a:b].replace("'s", "").replace("’s", "").rstrip("'’")
            if ftok in PARTICLES and start is not None and ftok not in _EN_STOP:
                k -= 1  # "charles de gaulle terminal", "van gogh museum": a particle inside the name
                continue
            if (len(ftok) == 1 and ftok.isalpha() and k > 0 and start is not None
                    and folded[toks[k - 1][0]:toks[k - 1][1]] in FIRST_NAMES):
                k -= 1  # "sir john a macdonald building": a middle initial
                continue
            if ftok in STOP or ftok in _EN_STOP or not re.fullmatch(r"[^\W\d_]+(?:[-'’.][^\W\d_]+)*\.?", ftok):
                break
            if text[s].isupper() and tok.islower() and ftok not in _HONORIFICS:
                break  # "Nelson Adebayo booked Nelson Mandela Hall": a capitalised name has no lower-case word
            if (ftok in _HONORIFICS or ftok.rstrip(".") in ("jr", "sr", "st") or ftok in FIRST_NAMES
                    or _namey(tok, ftok, common)):
                start = a
            k -= 1
        # "University Hospital Kerry", "Huduma Centre Thika": a capitalised kind inside an institution's name,
        # then the town it serves (not a person's name: no verb only a person does after it)
        if (kind in _EN_KINDS_FIRST and text[s].isupper() and i > 0 and text[toks[i - 1][0]].isupper()
                and i + 1 < len(toks) and _SPACE.fullmatch(text, e, toks[i + 1][0]) is not None):
            a, b = toks[i + 1]
            if text[a].isupper() and folded[a:b] not in _EN_STOP and not _EN_HUMAN_AFTER.match(folded, b):
                out.append((s, b))
        before = text[toks[i - 1][0]:toks[i - 1][1]] if i > 0 else ""
        if start is not None and _NAME_GIVEN_BEFORE.search(folded, 0, start):
            continue  # "my name is seo-yeon park": a surname that is also a kind word, given as a name
        if (start is not None and kind in _SURNAME_KINDS and text[s].isupper()
                and re.fullmatch(r"[^\W\d_]+[ \t]+", folded[start:s]) and folded[start:s].strip() in FIRST_NAMES
                and not _PLACE_WORD_BEFORE.search(folded, max(0, start - 12), start)
                and not (i + 1 < len(toks) and folded[toks[i + 1][0]:toks[i + 1][1]] == "of")):
            continue  # "We met Hannah Hall", "Tom Court called": a first name and a surname, not a place at one

        if kind == "day":
            saint = _SAINT_BEFORE.search(folded, 0, start) if start is not None else None
            if saint is None and not (start is not None and re.match(r"(?:st|saint)\.?[ \t]", folded[start:s])):
                continue  # only a saint's day ("st david's day", "saint patrick's day") is named after someone
            start = saint.start() if saint is not None else start
        if start is not None and not (text[s:e].islower() and re.search(r"['’]s$", before)
                                      and any(c.isupper() for c in text[start:s])):
            # "Małgorzata's university address": a possessive before a lower-case kind in cased text is
            # someone's, not an institution's name ("King's College" is capitalised whole)
            out.append((start, e))
    return out


_FR_ONLY_KINDS = (r"\b(?:gare|rue|lycee|hopital|aeroport|salle|ecole|college|universite|place|boulevard|quai|allee"
                  # other languages' streets, their kind first too ("Via Cesare Giulio Viola", "Calle Gran Vía")
                  r"|calle|avenida|rua|viale|piazza|corso|strada|ulica|aleja|plaza|paseo|via)\b")


def find_places(text: str, folded: str | None = None, lang: str = "fr", common: Container[str] = frozenset(),
                frequent: Callable[[str], bool] | None = None, names: Container[str] = frozenset(),
                ) -> list[tuple[int, int]]:
    """Character spans of places and institutions named after people (kind word and name).  ``names``:
    more first names (of many origins) that may open a place's name."""
    f = folded if folded is not None else fold(text)
    # French places in any meeting ("the handover is at the Gare du Nord", "7 Rue Lamartine"): the French
    # kinds are rarely English words, and a capital starts the name in cased text
    spans = _french(text, f, common, frequent, names) if lang == "fr" or re.search(_FR_ONLY_KINDS, f) else []
    if lang != "fr" or any(k in f for k in ("hospital", "college", "university", "station", "memorial")):
        spans += _english(text, f, common)
    return spans
