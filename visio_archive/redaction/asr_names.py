# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""Names as a speech recogniser writes them: lower case, made of ordinary words, spelled out.

ASR output has no capitals to tell ``pierre boulanger`` (a person) from ``la pierre`` or ``un
boulanger``.  What still tells them apart is the grammar around the words:

* a first name followed by a surname-like word, with no determiner before it: French and English
  nouns need an article ("un boulanger", "the baker"), names do not ("pierre boulanger", "mark
  baker").  The surname may be an ordinary word when it is a frequent surname (``berger``, ``wood``,
  ``park``), a noun (``chêne``, ``poupon``) or a verb form followed by another verb ("david bois
  sont d'astreinte": ``bois`` cannot be the verb there);
* the first names come from a lexicon of many origins (:func:`~visio_archive.redaction.lexicon.
  world_first_names`, ~48,000 names) on top of the curated list; a first name that is also an
  ordinary word ("rose", "will", "olivier") counts only with a surname after it or when spoken to
  ("thanks rose,");
* a civility followed by an ordinary word that a verb follows ("madame lopes a appelé", English
  ``ms hope brown`` in lower case without the dot);
* letters spelled one by one right after a name or a spelling cue ("caillaux, c a i l l a u x").

:func:`clause_verb_after` (a finite verb starts right after a position) is also used by the place
rules: in "à la gare sandrine lejeune m'attendait" the name is the subject of the clause, not part
of the place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass

from visio_archive.models import Entity
from visio_archive.redaction.civility import LOWER_CASE_CIVILITIES
from visio_archive.redaction.lexicon import (
    AMBIGUOUS_FIRST,
    EN_SURNAMES,
    FIRST_NAMES,
    MONTHS_EN,
    NON_NAMES,
    PARTICLES,
    PUBLIC_BODIES,
    RANKS,
    STOP,
    SURNAME_PARTICLE_ALT,
    SURNAMES,
    TITLES,
    anglophone_first_names,
    world_first_names,
)
from visio_archive.redaction.numbers_fr import EN_NUMBER_WORDS, NUMBER_WORDS, fold

__all__ = [
    "EN_FINITE",
    "EN_VERB_FORMS",
    "FirstNames",
    "civility_word_names",
    "clause_verb_after",
    "en_kin_names",
    "en_known",
    "en_pair_names",
    "en_relation_names",
    "en_unknown_pairs",
    "en_weak_first_names",
    "first_names_for",
    "fr_pair_names",
    "fr_weak_first_names",
    "given_names",
    "listed_attendees",
    "possessive_names",
    "spelled_names",
    "vocative_names",
]

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
_NEXT = re.compile(r"[ \t]+([^\W\d_]+(?:[-'’][^\W\d_]+)*)")

# Words before a noun: after one of these a first-name word is the ordinary word ("la rose", "the will").
FR_DETERMINERS = frozenset(fold(w) for w in """
le la les l un une des du au aux ce cet cette ces mon ma mes ton ta tes son sa ses notre nos votre vos leur
leurs quel quelle quels quelles chaque quelque quelques aucun aucune en tout toute tous toutes plusieurs
certains certaines
""".split())
EN_BLOCKERS = frozenset("""
the a an this that these those my your his her its our their some any no every each what which whose
i you he she it we they who will would can could should may might must shall do does did not don't doesn't
didn't i'll you'll we'll they'll he'll she'll very so too more most less
""".split())

# Right after a name, these start the clause's verb group: the name is the subject.
_FR_CLITICS = frozenset(fold(w) for w in "me te se nous vous lui leur ne m t s n l j".split())
_FR_FINITE = frozenset(fold(w) for w in """
a ont est sont etait etaient avait avaient sera seront serait seraient aura auront va vont vient viennent
venait fait font faisait dit disent disait peut peuvent pouvait doit doivent devait veut veulent voulait
sait savent prend prennent prenait part partent arrive arrivait attend attendait reste restait travaille
travaillait habite habitait demande demandait appelle appelait passe passait pense pensait
""".split())
EN_FINITE = frozenset("""
is was are were has had have will would can could should might must shall said says told asks asked called
calls sent sends found finds helped helps came comes went goes took takes gave gives got gets made makes did
does wants wanted thinks thought knows knew wrote writes joined joins left leaves needs needed agreed
""".split())


def _elided_clitic(tok: str) -> bool:
    t = fold(tok).replace("’", "'")
    return bool(re.match(r"(?:m|t|s|n|l|j|c|qu)'[^\W\d_]", t))


def _verb_form(word: str, common: Container[str]) -> bool:
    """An inflected verb ("regarde", "bois", "attendait"): its lemma is another word ending like a verb."""
    table = getattr(common, "table", None)
    lemma = table.get(word.lower()) if table is not None else None
    lemmas = lemma if isinstance(lemma, list) else [lemma] if lemma else []
    return any(str(x) != word.lower() and str(x).endswith(("er", "ir", "re", "oir")) for x in lemmas)


def clause_verb_after(text: str, folded: str, pos: int, lang: str, common: Container[str]) -> bool:
    """Does a finite verb group start right after ``pos`` ("… m'attendait", "… a été exclu", "… nous a
    reçus", "… was waiting", "… told us")?"""
    m = _NEXT.match(text, pos)
    if m is None:
        return False
    tok, ftok = m.group(1), folded[m.start(1):m.end(1)]
    if lang == "en":
        return ftok in EN_FINITE or (len(ftok) > 4 and ftok.endswith("ed"))
    if _elided_clitic(tok):
        return True
    if ftok in _FR_CLITICS or ftok in _FR_FINITE:
        return True
    nouns: Container[str] = getattr(common, "nouns", frozenset())
    return ftok.endswith(("ait", "aient")) or (_verb_form(tok, common) and tok.lower() not in nouns)


def _after_is_open(text: str, folded: str, pos: int, lang: str, common: Container[str]) -> bool:
    """What follows a surname candidate lets it be one: punctuation, the end, a conjunction, a verb."""
    rest = text[pos:pos + 2]
    if not rest.strip() or rest.lstrip()[:1] in ",.;:!?)…-—":
        return True
    m = _NEXT.match(text, pos)
    if m is None:
        return True
    nxt = folded[m.start(1):m.end(1)]
    if nxt in ("et", "qui", "ou", "and", "or", "who", "from", "de", "du"):
        return True
    return clause_verb_after(text, folded, pos, lang, common)


@dataclass(frozen=True)
class FirstNames:
    """One language's first names: ``strong`` are no ordinary word of that language (a bare match is a
    name), ``weak`` are also ordinary words ("rose", "will", "olivier": they need more evidence)."""

    strong: frozenset[str]
    weak: frozenset[str]

    def __contains__(self, word: object) -> bool:
        return word in self.strong or word in self.weak


_NEVER = STOP | TITLES | NON_NAMES | PUBLIC_BODIES | PARTICLES | NUMBER_WORDS | EN_NUMBER_WORDS | frozenset(
    fold(w) for w in """
    euh heu hum hmm ouais bah ben hein allo allô uh um er erm okay yeah yes ok hey hello sorry thanks please
    """.split())


# English function words that are also common first names ("i spoke with will cook"): weak names.
_EN_STOP_NAMES = frozenset(("will",))

_NAMES_CACHE: dict[tuple[str, int, int], FirstNames] = {}


def first_names_for(lang: str, common: Container[str], frequent: Callable[[str], bool] | None = None,
                    key: int = 0) -> FirstNames:
    """The first-name lexicon for one language (curated list + names of many origins).  A name of the
    big list that is an ordinary word of the language (``common``) or among its most frequent words
    (``frequent``: the model has a static vector for it: "devis") is weak."""
    k = (lang, id(common), key)
    if k not in _NAMES_CACHE:
        _NAMES_CACHE[k] = _first_names(lang, common, frequent)
    return _NAMES_CACHE[k]


def _first_names(lang: str, common: Container[str], frequent: Callable[[str], bool] | None) -> FirstNames:
    from visio_archive.redaction.person import EN_AMBIGUOUS_FIRST, EN_STOP, EN_VIRTUE_NAMES

    ambiguous = AMBIGUOUS_FIRST | (EN_AMBIGUOUS_FIRST if lang == "en" else frozenset())
    strong: set[str] = set()
    weak: set[str] = set()
    for name in FIRST_NAMES | world_first_names() | (EN_VIRTUE_NAMES if lang == "en" else frozenset()):
        if name in _NEVER or len(name) < 2 or (lang == "en" and name in EN_STOP and name not in _EN_STOP_NAMES):
            continue
        if name in ambiguous or name in common:
            weak.add(name)
        elif name in FIRST_NAMES:
            strong.add(name)
        elif len(name) >= 3:
            (weak if frequent is not None and frequent(name) else strong).add(name)
    return FirstNames(frozenset(strong), frozenset(weak))


def _prev_word(text: str, start: int) -> str:
    """The word before ``start`` (lower case, accents kept: the dictionaries keep them)."""
    m = re.search(r"([^\W\d_][\w'’]*)[ \t]+$", text[max(0, start - 30):start])
    return m.group(1).lower() if m else ""


def _plain(tok: str) -> bool:
    return tok.replace("-", "").replace("'", "").replace("’", "").isalpha()


_FR_SUBJECTS = frozenset("je tu il elle on nous vous ils elles qui".split())


# Text that capitalises inside its sentences ("(M. Blanchet) ajourné"): written, or cased by ASR, so its names
# carry capitals and a lower-case pair of words is no name.
_NAMES_CAPITALISED = re.compile(r"[a-zà-ÿ0-9,;:)][ \t]+[(«\"]?(?:[A-ZÀ-Ý]\.[ \t]*)?[A-ZÀ-Ý][a-zà-ÿ]")


def fr_pair_names(text: str, folded: str, common: Container[str], names: FirstNames) -> list[Entity]:
    """"pierre boulanger", "olivier chêne", "blanche berger", "david bois": a first name and the
    surname-like word after it, in lower-case French; not after a determiner ("la rose", "en jean")."""
    out: list[Entity] = []
    if _NAMES_CAPITALISED.search(text) is not None:
        return out  # "… pièce manquante : avis d'imposition 2023." in written notes: names there have capitals
    nouns: Container[str] = getattr(common, "nouns", frozenset())
    adjectives: Container[str] = getattr(common, "adjectives", frozenset())
    for t in _WORD.finditer(text):
        tok, ftok = t.group(), folded[t.start():t.end()]
        if ftok not in names or ftok in _NEVER or not tok.islower():
            continue
        weak = ftok not in names.strong
        if weak and ftok not in FIRST_NAMES and ftok not in AMBIGUOUS_FIRST and _verb_form(tok, common):
            continue  # "aura lieu": a verb, not the rare name "Aura"
        prev = _prev_word(text, t.start())
        if fold(prev) in FR_DETERMINERS:
            continue
        if weak and fold(prev) in _FR_SUBJECTS and (tok in common or _verb_form(tok, common)):
            continue  # "elle vit seule", "il sait tout": a verb after its subject, not the name "Vit"
        if weak and prev in nouns and fold(prev) not in STOP:
            continue  # "carte blanche", "bleu marine": an adjective after a noun
        m = _NEXT.match(text, t.end())
        if m is None:
            continue
        w, fw = m.group(1), folded[m.start(1):m.end(1)]
        if (len(fw) < 2 or fw in _NEVER or not w.islower() or _elided_clitic(w) or not _plain(w)
                or fw.endswith("ment")):
            continue
        if fw in FIRST_NAMES and fw not in SURNAMES:
            continue  # "thibault amina": two first names, each its own span
        known = fw in SURNAMES or w not in common
        verb = _verb_form(w, common)
        if verb and not known and not _after_is_open(text, folded, m.end(1), "fr", common):
            continue  # "claire présente le budget"
        if weak and not known and not verb and w in adjectives and w not in nouns:
            continue  # "rose pâle", "carte blanche": an adjective
        out.append(Entity(start=t.start(), end=m.end(1), label="PERSON", text=text[t.start():m.end(1)],
                          score=0.6, source="lexicon"))
    return out


def en_pair_names(text: str, folded: str, common: Container[str], names: FirstNames) -> list[Entity]:
    """"mark baker", "grace wood", "will cook", "seo-yeon park": a first name and a frequent surname
    after it in lower-case English, even where both are ordinary words; not after a determiner, a
    pronoun or a modal ("the mark", "we will cook", "i hope")."""
    from visio_archive.redaction.person import EN_AMBIGUOUS_FIRST, EN_STOP

    out: list[Entity] = []
    for t in _WORD.finditer(text):
        ftok = folded[t.start():t.end()]
        if ftok not in names or ftok in _NEVER:
            continue
        modal = ftok in EN_STOP  # "will cook": only with a frequent surname after it
        if ftok not in FIRST_NAMES and ftok not in EN_AMBIGUOUS_FIRST and ftok not in anglophone_first_names() and (
                en_known(t.group(), common) or ftok in EN_FINITE):
            continue  # "next of kin grace", "obi said she'd": English words that a far-away country names by
            # (the English first names that are words, "bill turner", "dawn young", are in EN_AMBIGUOUS_FIRST)
        weak = ftok not in names.strong
        prev = fold(_prev_word(text, t.start()))
        if (weak or modal) and prev in EN_BLOCKERS:
            continue
        end = t.end()
        n = 0
        while n < 2:
            m = _NEXT.match(text, end)
            if m is None:
                break
            w, fw = m.group(1), folded[m.start(1):m.end(1)]
            if fw in _NEVER or fw in EN_STOP or len(fw) < 2 or fw in EN_FINITE or fw in _EN_HUMAN_VERBS:
                break  # "kevin said the ...": the verb, though "Said" is a surname too
            contraction = ("'" in fw or "’" in fw) and not re.match(r"o['’]", fw)  # "she'd", not "o'brien"
            surname = fw in EN_SURNAMES or fw in SURNAMES or (not en_known(w, common) and _plain(w) and len(fw) >= 3
                                                              and not contraction)
            if not surname or (modal and n == 0 and fw not in EN_SURNAMES):
                break
            end = m.end(1)
            n += 1
        if n == 0:
            continue
        out.append(Entity(start=t.start(), end=end, label="PERSON", text=text[t.start():end], score=0.6,
                          source="lexicon"))
    return out


# Only a person does these: a first name right before one is the subject, even an ordinary word ("mike said").
_EN_HUMAN_VERBS = frozenset("""
said says told tells asked asks replied wrote writes emailed texted phoned rang called mentioned suggested
explained promised agreed disagreed thinks thought reckons believes wants wanted needs knows knew insists insisted
""".split())
_EN_CLAUSE_START = frozenset("yeah yes so and but then okay ok well oh no because actually".split())


def en_weak_first_names(text: str, folded: str, names: FirstNames) -> list[Entity]:
    """A first name that is also an English word ("mike", "rosa", "max") where grammar says it is a
    person: "mike and i went", "me and rosa", "with rosa and me", or opening a clause before a verb only a
    person does ("yeah mike said ...", "so max thinks ...").  Never after a determiner or a pronoun
    ("the mike", "my max"); the names that are also frequent words of their own ("will", "mark", "grace")
    are left to the surname and vocative rules."""
    from visio_archive.redaction.person import EN_AMBIGUOUS_FIRST

    out: list[Entity] = []
    for t in _WORD.finditer(text):
        ftok = folded[t.start():t.end()]
        if ftok in names.strong or ftok not in names or ftok in _NEVER or ftok in EN_AMBIGUOUS_FIRST:
            continue
        prev = fold(_prev_word(text, t.start()))
        if prev in EN_BLOCKERS and prev not in _EN_CLAUSE_START:
            continue
        after = folded[t.end():t.end() + 14]
        before = folded[max(0, t.start() - 8):t.start()]
        pair = (re.match(r"[ \t]+and[ \t]+(?:i|me|myself)(?![\w'’])", after) is not None
                or re.search(r"(?<![\w'’])(?:me|i)[ \t]+and[ \t]+$", before) is not None)
        subject = False
        if not pair and (t.start() == 0 or prev in _EN_CLAUSE_START or text[:t.start()].rstrip()[-1:] in ".!?,;:"):
            m = _NEXT.match(folded, t.end())
            subject = m is not None and m.group(1) in _EN_HUMAN_VERBS
        if pair or subject:
            out.append(_context_person(t))
    return out


def _context_person(match: re.Match[str]) -> Entity:
    """A name found by the grammar around it (weaker than NER or a participant's name)."""
    return Entity(start=match.start(), end=match.end(), label="PERSON", text=match.group(), score=0.6,
                  source="context")


# French: a first name that is also a word ("pierre", "rose", "olivier") where only a person fits.
_FR_PERSON_OBJECT = re.compile(
    r"(?<![\w'’])(?:vu|revu|appele|rappele|croise|prevenu|contacte|relance|eu|joint|recu|rencontre"
    r"|vois|appelle|rappelle|previens|demande a|dit a|parle a|parle avec|ecrit a|repondu a)"
    r"[ \t]+$")
_FR_AFTER_OBJECT = re.compile(
    r"[ \t]*(?:[.,;:!?…]|$|(?:ce matin|ce soir|cet apres-midi|hier|avant-hier|demain|aujourd'hui|tout a l'heure"
    r"|la semaine derniere|lundi|mardi|mercredi|jeudi|vendredi|au telephone|par telephone|en reunion)(?![\w'’]))")
_FR_HUMAN_AFTER = re.compile(r"[ \t]+(?:m|t|nous|vous|l|lui|leur)['’ ][ \t]*(?:a|avait|aura|ont)[ \t]+"
                             r"(?:dit|appele|ecrit|rappele|confirme|explique|demande|envoye|transmis|repondu)"
                             r"(?![\w'’])")


# People named through the person they relate to: "la collègue de laurent", "le remplaçant de dupuis".
_FR_RELATION = re.compile(
    r"(?<![\w'’])(?:remplacant|remplacante|collegue|collegues|parents|mere|pere|fils|fille|femme|mari|epoux|epouse"
    r"|conjoint|conjointe|frere|soeur|chef|cheffe|responsable|assistant|assistante|superieur|superieure"
    r"|successeur|binome|adjoint|adjointe|secretaire|enfant|enfants|avocat|avocate|compagne|compagnon|ami|amie"
    r"|voisin|voisine|stagiaire|tuteur|tutrice|manager|belle-mere|beau-pere|grand-mere|grand-pere|famille|bureau"
    r"|dossier|demande|absence|conge|contrat|remplacement|arret)[ \t]+de[ \t]+$")


def fr_weak_first_names(text: str, folded: str, names: FirstNames,
                        common: Container[str] = frozenset()) -> list[Entity]:
    """"josé et moi", "moi et rose", "j'ai vu pierre ce matin", "olivier m'a dit que ...": a first name that
    is also an ordinary French word, where the grammar leaves only a person: paired with "moi", the object
    of a verb done to people with nothing after it, the subject of "m'a dit" / "nous a écrit"; never after
    a determiner ("la rose", "le pierre")."""
    out: list[Entity] = []
    for t in _WORD.finditer(text):
        ftok = folded[t.start():t.end()]
        if ftok in _NEVER or not t.group().islower():
            continue
        before = folded[max(0, t.start() - 24):t.start()]
        named = ftok in FIRST_NAMES or ftok in names.strong or (
            (ftok in names or ftok in SURNAMES) and t.group() not in common)  # not "le dossier d'aide", "de ville"
        if named and _FR_RELATION.search(before) is not None and not re.match(
                r"[ \t]+(?:de|du|des|d['’])(?![\w'’])", folded[t.end():t.end() + 6]):
            # "la collègue de laurent", "le remplaçant de dupuis", "le dossier de kader" (not "de laurent de ...")
            out.append(_context_person(t))
            continue
        if ftok in names.strong or ftok not in names:
            continue
        prev = fold(_prev_word(text, t.start()))
        if prev in FR_DETERMINERS or prev in ("de", "d"):
            continue
        after = folded[t.end():t.end() + 40]
        pair = (re.match(r"[ \t]+et[ \t]+moi(?![\w'’])", after) is not None
                or re.search(r"(?<![\w'’])moi[ \t]+et[ \t]+$", before) is not None)
        obj = _FR_PERSON_OBJECT.search(before) is not None and _FR_AFTER_OBJECT.match(after) is not None
        subj = _FR_HUMAN_AFTER.match(after) is not None
        if pair or obj or subj:
            out.append(_context_person(t))
    return out


_VOCATIVE_CUE = re.compile(
    r"(?<![\w'’])(thanks|thank you|cheers|hi|hello|hey|morning|afternoon|dear|welcome|bye|sorry|merci|bonjour"
    r"|bonsoir|salut|au revoir|pardon|okay|ok|no worries|no problem|lovely|great|grand|perfect|alright)[ \t]*,?[ \t]+"
)


# A question tag, then the name of whoever is asked ("is that right mark", "c'est ça isabelle oui"), and
# a name given as one ("the first name is rose", "son prénom c'est grâce").
_TAG_CUE = re.compile(
    r"(?<![\w'’])(is that right|isn't it|is it|right|okay|ok|c'est ca|c'est bien ca|n'est-ce pas|d'accord)"
    r"[ \t]*,?[ \t]+")
_CLAUSE_OPEN = (r"(?:^|(?<=[.!?,;:]\s)|(?<=\bso\s)|(?<=\band\s)|(?<=\bum\s)|(?<=\buh\s)|(?<=\bok\s)"
                r"|(?<=\bokay\s)|(?<=\bbut\s)|(?<=\bbecause\s)|(?<=\bbon\s)|(?<=\balors\s)|(?<=\beuh\s)"
                r"|(?<=\bdonc\s)|(?<=\boui\s)|(?<=\bben\s))")
# A first name, then a question or a request to them ("uh mark are you happy to start", "so frank if you want
# to", "um joy you've got the list", "marine tu peux nous dire", "claire on reprend"): only a person is asked.
_ASKED_RE = re.compile(
    _CLAUSE_OPEN + r"([a-z][\w'-]+),?[ \t]+(?:(?:um|uh|euh)[ \t]+)?(?:(?:could|can|would|will|are|do|did|have|were"
    r"|if)[ \t]+you\b|you['’](?:ve|re|ll|d)\b|tu[ \t]+(?:(?:l['’]|les[ \t]+|la[ \t]+|le[ \t]+|lui[ \t]+)?"
    r"(?:peux|pourrais|veux|vas|as|avais|nous|me)\b)|t['’]as\b"
    r"|vous[ \t]+(?:pouvez|pourriez|voulez|avez)\b|on[ \t]+(?:reprend|commence|continue|passe|y va)\b)")
_PAST_SUBJECT_RE = re.compile(_CLAUSE_OPEN + r"([a-z][\w'-]+)[ \t]+([a-z]+)\b")
# A first name, then what the speaker asks or recalls of them: "bill you were looking at her arrears", "sam
# you went round", "hope what did the home visit show", "mai what about the referral" ("hope you had a good
# break" is a wish: "hope" is left out of the "you" + past form)
_YOU_PAST_RE = re.compile(
    _CLAUSE_OPEN + r"([a-z][\w'-]+),?[ \t]+you[ \t]+(?:were|went|said|mentioned|had|spoke|saw|met|called|rang"
    r"|looked|visited|checked|sent|took|got|did|wanted|asked|emailed|phoned|wrote|raised|flagged)\b")
_WH_ASKED_RE = re.compile(
    _CLAUSE_OPEN + r"([a-z][\w'-]+),?[ \t]+(?:what|where|when|how|who|which|why)[ \t]+(?:did|do|does|is|are|was"
    r"|were|about|have|has|can|could|would|should|happened|came)\b")
# The same request in the middle of a turn that ASR wrote without punctuation ("… à la banque postale julien tu
# peux me relire le rib"): only for a first name of the curated list that is no ordinary word ("pierre")
_ASKED_ANYWHERE_RE = re.compile(
    r"(?<![\w'’-])([a-z][\w'-]+),?[ \t]+(?:tu[ \t]+(?:peux|pourrais|veux|vas|as|avais)|vous[ \t]+(?:pouvez|pourriez)"
    r"|can you|could you|would you)(?![\w'’])")
_REQUEST_AFTER = re.compile(r",?[ \t]+(?:tu[ \t]+(?:peux|pourrais|veux|vas|as|avais)|vous[ \t]+(?:pouvez|pourriez)"
                            r"|can you|could you|would you)(?![\w'’])")


def spoken_to(folded: str, end: int) -> bool:
    """A request to whoever was just named follows ("julien tu peux …", "mark can you …"): a person."""
    return _REQUEST_AFTER.match(folded, end) is not None


# "olu here, second case is …", "um precious here": a speaker saying who speaks, at the start of a turn
_SPEAKER_HERE_RE = re.compile(r"^(?:(?:um|uh|hi|hello|yeah|yes|okay|ok|sorry|morning)[ \t,]+)*([a-z][\w'-]+)[ \t]+here"
                              r"(?:[ \t]*[,.]|[ \t]+(?:so|and|um|uh|from|the|first|second|third|just|i|we)\b|$)")
_FROM_SAID_RE = re.compile(
    _CLAUSE_OPEN + r"([a-z][\w'-]+)[ \t]+from[ \t]+(?:the[ \t]+)?([a-z][\w'-]*)(?:[ \t]+[a-z][\w'-]*){0,3}?[ \t]+"
    r"(?:said|says|told|tells|asked|asks|wrote|writes|emailed|rang|called|phoned|confirmed|confirms|agrees|agreed"
    r"|mentioned|thinks|reckons|wants|will|would|can|could|has|had|is|was)(?![\w'’])")
_NOT_A_BODY = frozenset("start beginning outset top bottom now then here there today yesterday day time way".split())
# after a name spoken to: a filler, "and", or what is asked of them ("no worries rose can i get your ...")
_AFTER_VOCATIVE = re.compile(r"[ \t]+(?:so|and|um|uh|euh|alors|donc|bon|can i|could i|can you|could you|can we"
                             r"|let me|let's|i'll|i will|i just|just|we'll|we will|if you|if i)(?![\w'’])")
_TAG_END = re.compile(r"[ \t]*(?:[,.;:!?…]|$|(?:oui|yes|yeah|non|no)(?![\w'’]))")
_NAME_GIVEN_CUE = re.compile(
    r"(?<![\w'’])(?:(?:my|his|her|your|their|our|[a-z]+['’]s)[ \t]+(?:(?:first|last|full|middle)[ \t]+)?name"
    r"(?:[ \t]+is|['’]s)"
    r"|(?:(?:first|last|family|given)[ \t]+name|surname|forename|(?:son|mon|le)[ \t]+prenom|nom de famille)"
    r"[ \t]+(?:is|c'est|est|:)|s'appelle|s appelle|se nomme|denommee?|prenommee?|named)[ \t]+")
# "un certain moussa", "a certain gerald": someone the speaker does not know well, by a first name
_CERTAIN_CUE = re.compile(r"(?<![\w'’])(?:un certain|une certaine|a certain)[ \t]+")


def given_names(text: str, folded: str) -> list[Entity]:
    """"the first name is rose", "son prénom c'est grâce", "surname: young": the word after is a name,
    whatever else it means."""
    out: list[Entity] = []
    for m in _NAME_GIVEN_CUE.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is not None and folded[t.start():t.end()] not in _NEVER:
            out.append(_context_person(t))
    return out


# Someone named through whom they are to the speaker, or introducing themselves: "my sister grace actually",
# "my colleague will in the finglas office", "a man called frank", "this is mark at housing leeds",
# "you're speaking with lan from centrelink".  Only a person follows these, even a name that is a word.
_EN_RELATION_CUE = re.compile(
    r"(?<![\w'’])(?:my|his|her|your|our|their)[ \t]+(?:(?:little|big|older|younger|twin|late|step|ex|eldest"
    r"|youngest|oldest|middle|only|baby|new)[ \t-]?)?"
    r"(?:sister|brother|mum|mom|mother|father|dad|son|daughter|husband|wife|partner|fiance|fiancee|colleague"
    r"|coworker|co-worker|friend|neighbour|neighbor|cousin|aunt|auntie|uncle|niece|nephew|grandson|granddaughter"
    r"|grandmother|grandfather|grandma|grandad|granddad|gran|nan|manager|supervisor|boss|carer|caseworker"
    r"|landlord|landlady|flatmate|housemate|boyfriend|girlfriend)[ \t]+"
    r"(?:(?:(?:is|was)(?:[ \t]+(?:called|named))?|called|named)[ \t]+)?"
    r"|(?<![\w'’])an?[ \t]+(?:man|woman|guy|lady|girl|boy|chap|fella|bloke|gentleman|nurse|doctor)[ \t]+"
    r"(?:called|named)[ \t]+"
    r"|(?<![\w'’])(?P<intro>this is|speaking with|talking to|talking with|you're through to|through to)[ \t]+")
_EN_AFTER_INTRO = re.compile(r"[ \t]+(?:at|from|here|speaking|calling|in|on|with|of)(?![\w'’])|[ \t]*(?:[,.;:!?…]|$)")
_EN_MODALS = frozenset("will may can might must should would could".split())
_EN_NOT_VERB_AFTER = re.compile(r"[ \t]*(?:[,.;:!?…]|$)|[ \t]+(?:in|at|from|and|is|was|has|had|said|says|told"
                                r"|actually|who|too|as|sorry|he's|she's|here|there|on|of|for|with)(?![\w'’])")


# Minutes list who attended: every item of "Present: A, B, C; Apologies: D" is a person.
_ATTENDANCE_CUE = re.compile(r"(?<![\w'’])(?:present|attendees|attending|in attendance|also present|apologies"
                             r"|absent|participants|presents?|presentes?|excuses?|excusees?|absents?|absentes?)"
                             r"[ \t]*:[ \t]*", re.IGNORECASE)
_LISTED = re.compile(r"[ \t]*(?:(?:Mr|Mrs|Ms|Mx|Dr|Prof|Cllr|M\.|Mme)\.?[ \t]+)?"
                     r"((?:[A-Z]\.[ \t]*)?[A-ZÀ-Ý][\w'’-]+(?:[ \t]+(?:[a-z]{1,3}[ \t]+)?[A-ZÀ-Ý][\w'’-]+){0,3})"
                     r"[ \t]*(?:\([^()]{0,60}\))?[ \t]*(?P<sep>,|;|\.(?:\s|$)|$|[ \t]+(?:and|et)[ \t]+)")
_LIST_WORDS = frozenset(fold(w) for w in """team service direction department unit office committee board council
all none everyone tous toutes aucun aucune finance procurement legal hr equipe bureau""".split())


def listed_attendees(text: str, names: FirstNames) -> list[Entity]:
    """The people of an attendance list in minutes ("Present: Aroha Ngata (presiding member), Will Tupou,
    Mere Te Huia; Apologies: Lagi Faleolo.")."""
    out: list[Entity] = []
    if ":" not in text:
        return out
    for cue in _ATTENDANCE_CUE.finditer(text):
        pos = cue.end()
        for _ in range(30):
            m = _LISTED.match(text, pos)
            if m is None:
                break
            words = [fold(w) for w in re.findall(r"[^\W\d_][\w'’-]*", m.group(1))]
            if any(w in _LIST_WORDS for w in words) or (len(words) == 1 and words[0] in STOP):
                break
            if len(words) >= 2 or words[0] in names:
                out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=m.group(1), score=0.8,
                                  source="context"))
            pos = m.end()
            if m.group("sep").strip() not in (",", "and", "et"):
                break
    return out


# "jonas weber's account", "amira haddad's phone": a name owns what only a person has
_POSSESSED = re.compile(r"([a-z][\w-]+)[ \t]+([a-z][\w-]+)['’]s[ \t]+(?:bank[ \t]+)?"
                        r"(?:account|phone|number|mobile|email|e-mail|address|card|wife|husband|partner|son|daughter"
                        r"|mother|father|mum|mom|dad|car|house|flat|home|passport|payslip|salary|details|file|case|statement)(?![\w'’])")


def possessive_names(text: str, folded: str, names: FirstNames, common: Container[str]) -> list[Entity]:
    out: list[Entity] = []
    if "'s" not in folded and "’s" not in folded:
        return out
    for m in _POSSESSED.finditer(folded):
        first, last = m.group(1), m.group(2)
        if first in _NEVER or last in _NEVER or first not in names:
            continue
        if first in names.strong or last not in common or last in SURNAMES or last in EN_SURNAMES:
            out.append(Entity(start=m.start(1), end=m.end(2), label="PERSON", text=text[m.start(1):m.end(2)],
                              score=0.7, source="context"))
    return out


# Family members named without a possessive, as case talk does: "mum is ngaire", "the mother gift says they
# moved", "the father, tevita, works nights". A word the dictionary does not know after "<kin> is", or a
# first name between the kin word and a verb of speech or of living.
_KIN = (r"mum|mom|mother|father|dad|son|daughter|husband|wife|partner|grandmother|grandfather|granny|grandma"
        r"|grandad|nan|aunt|auntie|uncle|brother|sister|guardian|carer|baby|eldest|youngest")
_KIN_IS = re.compile(rf"(?<![\w'’])(?:the[ \t]+)?(?:{_KIN})[ \t]+(?:is|was)(?:[ \t]+(?:called|named))?[ \t]+")
_KIN_THEN_NAME = re.compile(rf"(?<![\w'’])(?:the|a)[ \t]+(?:{_KIN})[ \t,]+([a-z][\w'-]+)[ \t,]+"
                            r"(?:says|said|told|tells|wants|wanted|works|worked|lives|lived|stays|stayed|came|comes"
                            r"|rang|called|phoned|asked|asks|is|was|has|had)(?![\w'’])")


_STATE_SUFFIX = re.compile(r"(?:ed|ing|ive|ic|al|ous|ful|less|able|ible|ish|ly|ent|ant)$")


def en_kin_names(text: str, folded: str, names: FirstNames, common: Container[str]) -> list[Entity]:
    """A family member's name where case talk gives it without a possessive ("mum is ngaire", "the mother
    gift says ...", "the son is called patience")."""
    out: list[Entity] = []
    for m in _KIN_IS.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is None:
            continue
        ftok = folded[t.start():t.end()]
        called = m.group().rstrip().endswith(("called", "named"))
        if ftok in _NEVER or not ((ftok in names and (called or ftok not in common)) or (
                ftok not in common and len(ftok) > 2 and "-" not in ftok and not _STATE_SUFFIX.search(ftok))):
            continue  # "dad is hospitalised", "the daughter is non-verbal": how they are, not who
        out.append(_context_person(t))
    for m in _KIN_THEN_NAME.finditer(folded):
        w = m.group(1)
        if w not in _NEVER and w not in _EN_MODALS and (w in names or (
                w not in common and len(w) > 2 and "-" not in w and not _STATE_SUFFIX.search(w))):
            t = _WORD.match(text, m.start(1))
            if t is not None:
                out.append(_context_person(t))
    return out


def en_relation_names(text: str, folded: str, names: FirstNames) -> list[Entity]:
    """A first name after a relation or an introduction ("my sister grace", "this is mark at ..."); a modal
    that is also a name ("will", "may") only where no verb follows it ("my colleague will call you")."""
    out: list[Entity] = []
    for m in _EN_RELATION_CUE.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is None:
            continue
        ftok = folded[t.start():t.end()]
        if ftok not in names or ftok in _NEVER:
            continue  # a month is a name here: "my mom june sorry juniper ..."
        if m.group("intro") and not _EN_AFTER_INTRO.match(folded, t.end()):
            continue  # "this is grace period …": an introduction ends at "at", "from", "here" or a stop
        if ftok in _EN_MODALS and not _EN_NOT_VERB_AFTER.match(folded, t.end()):
            continue
        out.append(_context_person(t))
    return out


def vocative_names(text: str, folded: str, names: FirstNames) -> list[Entity]:
    """"thanks rose, that's helpful", "merci pierre.", "is that right mark": a first name spoken to, even an
    ordinary word."""
    out: list[Entity] = []
    for m in _CERTAIN_CUE.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is not None and folded[t.start():t.end()] in names and folded[t.start():t.end()] not in _NEVER:
            out.append(_context_person(t))
    for m in _ASKED_RE.finditer(folded):
        # "lan, could you share your screen", "so um may can you take ...": a first name, then a request to them
        t = _WORD.match(text, m.start(1))
        ftok = m.group(1)
        if t is not None and ftok in names and ftok not in _NEVER:
            out.append(_context_person(t))
    for m in _PAST_SUBJECT_RE.finditer(folded):
        # "will said he will circulate it", "may told us": a modal never takes a past tense right after it;
        # a first name does ("hope said no" stays ambiguous: left as words)
        t = _WORD.match(text, m.start(1))
        if t is not None and m.group(1) in ("will", "may") and m.group(1) in names and m.group(2) in _EN_HUMAN_VERBS:
            out.append(_context_person(t))
    for m in _ASKED_ANYWHERE_RE.finditer(folded):
        t = _WORD.match(text, m.start(1))
        ftok = m.group(1)
        if t is not None and ftok in FIRST_NAMES and ftok not in AMBIGUOUS_FIRST and ftok not in _NEVER:
            out.append(_context_person(t))
    for rx, skip in ((_YOU_PAST_RE, frozenset(("hope",))), (_WH_ASKED_RE, frozenset()),
                     (_SPEAKER_HERE_RE, frozenset())):
        for m in rx.finditer(folded):
            t = _WORD.match(text, m.start(1))
            if t is not None and m.group(1) in names and m.group(1) not in _NEVER and m.group(1) not in skip:
                out.append(_context_person(t))
    for m in _FROM_SAID_RE.finditer(folded):
        # "will from pharmacy said", "hope from the refugee council agrees", "april from the school says":
        # someone from somewhere says something
        t = _WORD.match(text, m.start(1))
        if t is not None and m.group(1) in names and m.group(1) not in _NEVER and m.group(2) not in _NOT_A_BODY:
            out.append(_context_person(t))
    for m in _TAG_CUE.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is None:
            continue
        ftok = folded[t.start():t.end()]
        if ftok in names and ftok not in _NEVER and _TAG_END.match(text, t.end()):
            out.append(_context_person(t))
    for m in _VOCATIVE_CUE.finditer(folded):
        t = _WORD.match(text, m.end())
        if t is None:
            continue
        ftok = folded[t.start():t.end()]
        if ftok not in names or ftok in _NEVER or (ftok in MONTHS_EN and m.group(1) not in ("thanks", "hi")):
            continue
        rest = text[t.end():t.end() + 2]
        if (rest.strip() and rest.lstrip()[:1] not in ",.;:!?…" and not _AFTER_VOCATIVE.match(folded, t.end())
                and ftok not in names.strong):  # "okay olu log the card": a name that is no word, whatever follows

            continue  # "thanks grace for …" is left to the other rules; "thanks june so um …" is a name
        out.append(_context_person(t))
    return out


# Two- or three-letter words that follow a civility or a name without being a surname (person.py adds the
# yes/no words that can follow a first name).
SHORT_NOT_NAMES = frozenset("ah eh he oh bon bof zut hop hum ouh aie ben si ok".split())

_LOWER_CIV = re.compile(r"(?<![\w.])(" + "|".join(sorted(LOWER_CASE_CIVILITIES, key=len, reverse=True))
                        + r"|(?:(?:le|la|du|au|the)[ \t]+)?(?:" + "|".join(sorted(RANKS, key=len, reverse=True)) + r"))"
                        r"[ \t]+")
# Accented short words that fold into a function word ("là" -> "la", "où" -> "ou"): "madame lê" is a name,
# "madame là" is not.
_ACCENTED_FUNCTION = frozenset("à là où ça çà déjà été dû né thé clé".split())


def _never(word: str, folded: str) -> bool:
    if folded not in _NEVER:
        return False
    low = word.lower()
    return low == folded or low in _ACCENTED_FUNCTION or len(low) > 3



def _surname_after_rank(w: str, fw: str, common: Container[str], names: FirstNames, surnames: Container[str],
                        lang: str) -> bool:
    """"le lieutenant gomes", "the inspector walsh", "le capitaine vu" (short): a name, not a verb or a word."""
    if fw in EN_FINITE or fw in EN_VERB_FORMS:
        return False
    known = en_known(w, common) if lang == "en" else w in common
    short = len(fw) <= 3 and fw not in SHORT_NOT_NAMES and not _verb_form(w, common)
    return fw in names or fw in surnames or not known or (short and not (lang == "en" and known))


# a surname's particles after a civility; "o", "mac", "mc", "das" too, said as separate words there
_PARTICLE_RUN = re.compile(rf"(?:(?:{SURNAME_PARTICLE_ALT}|das|o|mac|mc)[ \t]+){{1,3}}")
# the civilities that are English only (the French rules leave them alone)
_EN_CIVILITIES = frozenset(("mr", "mrs", "ms", "mx", "mister", "missus"))


_EN_CONTRACTED = re.compile(r"['’](?:s|re|ll|d|ve|m|t)$")  # "mr macaulay it's ...": no surname
# what "ms" abbreviates besides a civility
_MS_PRODUCTS = frozenset("teams word office excel access forms project outlook paint dos edge sql exchange".split())


# what "mister" / "madam" address besides a surname ("mister chairman", "mr president")
_EN_OFFICES = frozenset("""chairman chairwoman chairperson chair president vice speaker secretary mayor minister
ambassador deputy prime director commissioner governor senator councillor treasurer clerk right""".split())


def _civility_takes(civ: str, fw: str) -> bool:
    if fw in EN_FINITE or fw in EN_VERB_FORMS or fw in _NEVER or fw in _EN_OFFICES or len(fw) < 2:
        return False
    return not (civ == "ms" and fw in _MS_PRODUCTS)


# Honorifics said after the name in South Asian and Nigerian English: "anil ji please verify", "sawant sir
# from the ward office", "ramesh bhai", "kemi aunty"
_HONORIFIC_AFTER = re.compile(r"(?<![\w'’-])([a-z][\w'-]{2,})[ \t]+(?:ji|sahib|saheb|saab|sir|madam|bhai|didi|bhaiya"
                              r"|aunty|auntie)(?![\w'’-])")
# Minutes' action items: "Actions: Mele to call S. Fifita by Wed; Kylie to lodge the transfer"
_ACTION_ITEM = re.compile(
    r"(?:^|[:;•–—-][ \t]*|\n)([A-Z][a-z][\w'’-]+)[ \t]+to[ \t]+(?:call|phone|ring|send|lodge|check|follow|contact"
    r"|email|e-mail|book|arrange|review|confirm|update|visit|write|draft|prepare|share|circulate|chase|liaise|submit"
    r"|complete|organise|organize|refer|escalate|request|apply|assess|inform|notify|speak|meet|raise)\b")


def honorific_names(text: str, folded: str, common: Container[str], names: FirstNames) -> list[Entity]:
    """A name before an honorific said after it, and the name that opens an action item of written minutes."""
    out: list[Entity] = []
    for m in _HONORIFIC_AFTER.finditer(folded):
        w = m.group(1)
        if w in _NEVER or w in EN_FINITE or w in EN_VERB_FORMS or (w in common and w not in names):
            continue  # "yes sir", "thank you sir", "the ward sir": a word before it, not a name
        t = _WORD.match(text, m.start(1))
        if t is not None:
            out.append(_context_person(t))
    for m in _ACTION_ITEM.finditer(text):
        w = folded[m.start(1):m.end(1)]
        if (w in names or m.group(1).lower() not in common) and w not in _NEVER:
            # the minutes' layout names the person ("; Kylie to lodge"), as a label does: not an ordinary word
            # capitalised at the opening of a sentence
            out.append(Entity(start=m.start(1), end=m.end(1), label="PERSON", text=m.group(1), score=0.6,
                              source="label"))
    return out


def civility_word_names(text: str, folded: str, common: Container[str], names: FirstNames,
                        lang: str) -> list[Entity]:
    """A civility in lower case followed by a name made of ordinary words: "madame lopes a appelé",
    "monsieur boulanger.", English "ms hope brown called" (ASR drops the dot and the capital)."""
    out: list[Entity] = []
    nouns: Container[str] = getattr(common, "nouns", frozenset())
    surnames = SURNAMES | (EN_SURNAMES if lang == "en" else frozenset())
    for m in _LOWER_CIV.finditer(folded):
        civ = m.group(1)
        if (civ in _EN_CIVILITIES or civ == "dr") and lang != "en":
            continue
        t = _WORD.match(text, m.end())
        if t is None:
            continue
        # "mr de la rosa", "monsieur van der berg": the particles belong to the surname after them (as written:
        # "madame lê" is a surname, not the particle "le")
        particles = _PARTICLE_RUN.match(text.lower(), t.start())
        name = _WORD.match(text, particles.end()) if particles is not None else None
        if name is not None and folded[name.start():name.end()] not in _NEVER and _plain(name.group()):
            out.append(Entity(start=t.start(), end=name.end(), label="PERSON", text=text[t.start():name.end()],
                              score=0.7, source="context"))
            continue
        w, fw = t.group(), folded[t.start():t.end()]
        if (_never(w, fw) or len(fw) < 2 or _elided_clitic(w) or not _plain(w) or fw.endswith("ment")
                or (w.isupper() and len(w) > 1)):
            continue
        # "i'm employment judge obi": a word that ends the sentence after a rank is the surname
        if (civ.split()[-1] in RANKS and not _surname_after_rank(w, fw, common, names, surnames, lang)
                and not (lang == "en" and _civility_takes("", fw) and _TAG_END.match(text, t.end()))):
            continue  # "le capitaine fait le point", "the officer said": a verb or a word, not a name
        # Two or three letters after a civility are a surname ("monsieur ho", "madame wu", "docteur ba"):
        # no article, title or filler (those are in _NEVER), only interjections and "bon" are words there.
        good = (fw in names or fw in surnames or w not in common or w in nouns
                or (len(fw) <= 3 and fw not in SHORT_NOT_NAMES))
        if lang != "en" and not good and not _after_is_open(text, folded, t.end(), lang, common):
            continue
        if lang == "en" and not good and not (civ in _EN_CIVILITIES and _civility_takes(civ, fw)):
            continue  # "mr macaulay": after mr/mrs only a surname, even one the dictionary knows
        end = t.end()
        for _ in range(2):  # "ms hope brown", "madame marie petit"
            n2 = _NEXT.match(text, end)
            if n2 is None:
                break
            w2, f2 = n2.group(1), folded[n2.start(1):n2.end(1)]
            if f2 in _NEVER or not _plain(w2) or _elided_clitic(w2) or _EN_CONTRACTED.search(f2) or not (
                    f2 in surnames or (w2 not in common and len(f2) >= 3)
                    or (fw in names and f2 in nouns and lang == "fr")):
                break
            end = n2.end(1)
        out.append(Entity(start=t.start(), end=end, label="PERSON", text=text[t.start():end], score=0.7,
                          source="context"))
    return out


# letters, and the marks a speller names between them ("n apostrophe d i a y e", "k e i tréma t a")
_SPELL_MARK = (r"apostrophe|trema|accent[ \t]+(?:aigu|grave|circonflexe)|cedille|tiret|trait[ \t]+d['’]union"
               r"|hyphen|dash|deux|double")  # "a deux t o u m a n i", "p h i double l i p s"
_SPELLED = re.compile(rf"(?<![\w'’@.])[^\W\d_][ \t]+(?:(?:[^\W\d_]|{_SPELL_MARK})[ \t]+){{1,}}[^\W\d_](?![\w'’@])")
# written notes and Whisper's cased text join the letters with hyphens: "Nguyen is N-G-U-Y-E-N", "Eoin, E-O-I-N"
_SPELLED_HYPHENS = re.compile(r"(?<![\w'’@.-])[^\W\d_](?:-[^\W\d_]){2,}(?![\w'’@-])")
_SPELL_CUE = re.compile(r"(?:epelle|epeler|epele|s'ecrit|s ecrit|ca s'ecrit|lettre par lettre|spelled|spelt|spell"
                        r"|spelling|letter by letter|that's)[ \t:,]*$")


def spelled_names(text: str, folded: str, persons: list[tuple[int, int]],
                  common: Container[str] = frozenset()) -> list[Entity]:
    """Letters spelled one by one ("c a i l l a u x", "d o y l e") that spell a name found in the same
    text, that follow a name directly ("caillaux, c a i l l a u x") or a spelling cue; and, with no cue,
    five letters or more that make no word or public body's acronym ("e t x e b e r r i a", "o trema z t
    u r k"): what else does a meeting spell out letter by letter."""
    out: list[Entity] = []
    words = {w for a, b in persons for w in re.split(r"[\s\-'’]+", folded[a:b]) if len(w) >= 3}
    hyphened = [(m, True) for m in _SPELLED_HYPHENS.finditer(folded)]
    for m, joined in [(m, False) for m in _SPELLED.finditer(folded)] + hyphened:
        letters = re.sub(r"[ \t-]+", "", m.group() if joined else re.sub(_SPELL_MARK, "", m.group()))
        if len(letters) < 3:
            continue
        before = folded[max(0, m.start() - 30):m.start()]
        said = re.search(r"([^\W\d_][\w'’-]*)[ \t,:;.]*$", before)
        if said and fold(said.group(1)) == letters:
            # "baker, b a k e r": a word spelled out right after it is said is a name being given
            out.append(Entity(start=m.start() - len(before) + said.start(1), end=m.end(), label="PERSON",
                              text=text[m.start() - len(before) + said.start(1):m.end()], score=0.7,
                              source="context"))
            continue
        near = any(0 <= m.start() - b <= 12 and re.fullmatch(r"[\s,:;]*(?:is|c'est|ca fait)?[\s,:;]*",
                                                            folded[b:m.start()]) for _, b in persons)
        # hyphened letters alone are as often an acronym spelled out ("C-O-V-I-D"): only beside the name
        alone = (not joined and len(letters) >= 5 and re.search(r"[aeiouy]", letters) is not None
                 and re.search(r"[b-df-hj-np-tv-z]", letters) is not None and letters not in common
                 and letters not in PUBLIC_BODIES
                 and not re.search(r"['’][^\W\d_][ \t]+$", folded[max(0, m.start() - 4):m.start()]))  # "l'u r s s a f"
        if letters in words or near or _SPELL_CUE.search(before) or alone:
            out.append(Entity(start=m.start(), end=m.end(), label="PERSON", text=text[m.start():m.end()],
                              score=0.7, source="context"))
    return out


# Irregular English verb forms (the model's tables hold lemmas; en_known reads the regular endings).
EN_VERB_FORMS = frozenset("""
said told went gone came took taken gave given got gotten made did done thought knew known wrote written left
sent found brought bought kept felt heard held meant paid ran saw seen spoke spoken met stood understood won lost
began begun broke broken chose chosen drove driven forgot forgotten shown sat
""".split())


def en_known(word: str, common: Container[str]) -> bool:
    """An English word or an inflected form of one ("prefers", "texts", "ended", "parties", "bigger",
    irregular "said", "went"):
    the English model's tables hold lemmas only."""
    w = word.lower()
    if w in common or w in EN_VERB_FORMS:
        return True
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"), ("ves", "f"), ("es", ""),
                         ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""), ("ing", "e"), ("er", ""), ("er", "e"),
                         ("est", ""), ("ly", ""), ("'s", ""), ("’s", "")):
        if w.endswith(suffix) and len(w) - len(suffix) >= 2:
            base = w[: len(w) - len(suffix)] + repl
            if base in common:
                return True
            if suffix in ("ed", "ing", "er", "est") and len(base) > 2 and base[-1] == base[-2] and base[:-1] in common:
                return True  # "stopped", "planning"
    return False


def en_unknown_pairs(text: str, folded: str, common: Container[str]) -> list[Entity]:
    """Two lower-case words in a row that no English dictionary knows ("siddharth rao", "ciarán
    o'sullivan"): in ASR English that is almost always a name."""
    from visio_archive.redaction.person import EN_STOP

    def unknown(w: str, fw: str) -> bool:
        core = re.sub(r"^o['’]", "", fw)
        if ("'" in fw or "’" in fw) and core == fw:
            return False  # "you've", "we'd": contractions, not names ("o'sullivan" is one)
        return (w.islower() and len(core) >= 2 and _plain(w) and fw not in _NEVER and fw not in EN_STOP
                and not en_known(w, common) and not en_known(core, common) and not fw.endswith(("'s", "’s")))

    out: list[Entity] = []
    toks = list(_WORD.finditer(text))
    i = 0
    while i < len(toks) - 1:
        a, b = toks[i], toks[i + 1]
        fa, fb = folded[a.start():a.end()], folded[b.start():b.end()]
        if (text[a.end():b.start()] == " " and len(fa) >= 3 and unknown(a.group(), fa) and unknown(b.group(), fb)
                and not (a.start() and text[a.start() - 1].isdigit()) and not text[b.end():b.end() + 1].isdigit()):
            out.append(Entity(start=a.start(), end=b.end(), label="PERSON", text=text[a.start():b.end()], score=0.5,
                              source="shape"))
            i += 2
            continue
        i += 1
    return out
