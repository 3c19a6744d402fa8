# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""Pattern recognizers for structured identifiers: EMAIL, PHONE, NIR, IBAN, PAYMENT_CARD, ADDRESS.

Every recognizer takes the original text (and its accent-folded copy of the same length) and
returns :class:`Entity` objects with Python character offsets into the original text.  Numbers
are read both as digits and as French number words (see :mod:`numbers_fr`), so spoken forms
("zéro six douze ...", "FR soixante-seize ...") are validated the same way as written ones.

Checksums decide the label with score 1.0.  A look-alike with the right structure but a wrong
checksum (NIR key, IBAN mod-97, Luhn) is still redacted, with the same label, score 0.5 and
source "shape": a mistyped or mis-transcribed social-security number still points at a person.
"""

from __future__ import annotations

import re

from visio_archive.models import Entity
from visio_archive.redaction.numbers_fr import NUMBER_WORDS, UNITS, Unit, fold, numeric_runs
from visio_archive.redaction.validators import (
    card_iin_ok,
    iban_checksum_ok,
    iban_shape_ok,
    luhn_ok,
    nir_key_ok,
    nir_shape_ok,
    phone_kind,
)

__all__ = ["find_addresses", "find_emails", "find_numbers", "find_structured"]

# ---------------------------------------------------------------- email

_W = r"[^\W_]"  # a letter or digit
_EMAIL_RE = re.compile(
    rf"(?<![\w.@+-]){_W}[\w.+'-]*\s?@\s?{_W}[\w-]*(?:\s?\.\s?[\w-]+)*\s?\.\s?[^\W\d_]{{2,24}}(?![\w@])"
)
_TLDS = (
    "fr|com|org|net|eu|gouv|io|info|be|ch|de|lu|ca|uk|es|it|nl|edu|int|biz|re|mq|gp|gf|yt|nc|pf|pm|wf|"
    "bzh|paris|corsica|alsace|co|me|tv|us|ma|tn|dz|sn|ci|cm|pro|name|mobi|online|tech|app"
)
_SEP_LOCAL = (
    r"(?:\s*[._-]\s*|\s+(?:point|dot|tiret(?:\s+(?:bas|du\s+(?:bas|six|8|huit)))?|underscore"
    r"|trait\s+d['’]union|under\s+score|dash)\s+)"
)
_TOK = r"[^\W_][\w'’]*"
_SPOKEN_EMAIL_RE = re.compile(
    rf"(?<![\w@]){_TOK}(?:(?:{_SEP_LOCAL}|\s+(?=\d)){_TOK}){{0,5}}"
    rf"\s*(?:@|\s(?:arobase|arrobase|arobas|arrobas|at)\s)\s*"
    rf"{_TOK}(?:\s*(?:-|\s+tiret\s+)\s*{_TOK})*(?:(?:\s*\.\s*|\s+(?:point|dot)\s+){_TOK}(?:\s*-\s*{_TOK})*){{0,4}}"
    rf"(?:\s*\.\s*|\s+(?:point|dot)\s+)(?:{_TLDS})(?![\w@])",
    re.IGNORECASE,
)


_PREV_WORD_RE = re.compile(r"(?<![\w'’-])([^\W\d_]+)[ \t]+$")
_EMAIL_PREV_STOP = frozenset(fold(w) for w in """
mail e-mail email emails mails adresse adresses courriel courriels mel mél messagerie boite boîte c'est est a à
au aux sur de du des le la les l mon ma mes son sa ses leur leurs votre vos notre nos ton ta tes écrivez écris
écrire envoyez envoie envoyer contact contacter joindre voici voilà sinon ou et donc alors puis gmail perso
personnelle personnel professionnelle professionnel pro the to at is my his her via par pour chez vers avec
euh hum bah ben bon oui non ok c est suivante suivant lui leur me moi te toi nous vous elle il on directement
""".split())


def find_emails(text: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _EMAIL_RE.finditer(text):
        out.append(Entity(start=m.start(), end=m.end(), label="EMAIL", text=m.group(), source="pattern"))
    if re.search(r"arr?obase|@|\bat\b", text, re.IGNORECASE):
        for m in _SPOKEN_EMAIL_RE.finditer(text):
            if any(e.start <= m.start() and m.end() <= e.end for e in out):
                continue
            start = m.start()
            local = re.split(r"\s*(?:@|\s(?:arr?obase?s?|at)\s)", m.group(), maxsplit=1, flags=re.IGNORECASE)[0]
            if re.fullmatch(r"[^\W_][\w'’]*", local.strip()):
                # "kerwan letallec arobase gmail point com": ASR dropped the separator; a name-like word
                # right before a one-word local part belongs to the address
                p = _PREV_WORD_RE.search(text, 0, start)
                if p and p.end() == start and fold(p.group(1)) not in _EMAIL_PREV_STOP and len(p.group(1)) >= 2:
                    start = p.start(1)
            out.append(Entity(start=start, end=m.end(), label="EMAIL", text=text[start:m.end()],
                              source="pattern"))
    return out


# ---------------------------------------------------------------- numbers (PHONE, NIR, IBAN, CARD)

_PHONE_CTX = re.compile(
    r"(tel\b|telephone|portable|mobile|fixe|joindre|appel|rappel|numero de (?:tel|portable|telephone)|"
    r"standard|ligne directe|whatsapp|sms|fax|phone|call|contacter)"
)
_NEG_CTX = re.compile(
    r"(dossier|article|decret|arrete|\bloi\b|reference|\bref\b|siret|siren|ligne budgetaire|programme|"
    r"\baction\b|deliberation|circulaire|ordonnance|\bbop\b|\bcode\b|\brna\b|\bfiness\b|marche public|"
    r"\bmarche\b|affaire|requete|\bacte\b|\bnor\b|convention|facture|commande|bordereau|registre|\blot\b|"
    r"contrat|ticket|colis|suivi|devis|engagement|\btva\b|isbn|issn|version|serie|\bbon\b)"
)
_SERVICE_CTX = re.compile(r"(numero (?:vert|azur|indigo|cristal|gratuit|unique|special)|service client|\bsvi\b)")
_NIR_CTX = re.compile(r"(secu|securite sociale|\bnir\b|insee|carte vitale|immatriculation|assure social)")
_CARD_CTX = re.compile(r"(carte|\bcb\b|visa|mastercard|master card|american express|amex|bancaire|credit)")


def _ctx(folded: str, start: int, width: int = 60) -> str:
    return folded[max(0, start - width):start]


def _grouping_ok_for_phone(units: list[Unit]) -> bool:
    nums = [u for u in units if u.kind == "digits"]
    if len(nums) != len(units):
        return True  # spoken or mixed forms
    if len(nums) == 1:
        return True
    return all(len(u.digits) <= 3 for u in nums)


def _classify(units: list[Unit], folded: str) -> tuple[str, float, str] | None:
    s = "".join(u.digits for u in units)
    first = units[0]
    start = first.start
    if first.kind == "country":
        if len(units) < 2 or not units[1].digits[:1].isdigit():
            return None
        if iban_checksum_ok(s):
            return "IBAN", 1.0, "pattern"
        if iban_shape_ok(s):
            return "IBAN", 0.5, "shape"
        return None
    if first.kind == "plus":
        if phone_kind(s) == "international":
            return "PHONE", 1.0, "pattern"
        return None
    body = s
    if not body[:1].isdigit():
        return None
    if len(body) == 15 and nir_shape_ok(body):
        if nir_key_ok(body):
            return "NIR", 1.0, "pattern"
        if not (card_iin_ok(body) and luhn_ok(body)):
            return "NIR", 0.5, "shape"
    if not body.isdigit():
        return None
    ctx = _ctx(folded, start)
    if len(body) == 13 and nir_shape_ok(body) and _NIR_CTX.search(ctx):
        return "NIR", 0.7, "context"
    if 13 <= len(body) <= 19 and card_iin_ok(body):
        if luhn_ok(body):
            return "PAYMENT_CARD", 1.0, "pattern"
        grouped = len(units) == 4 and all(len(u.digits) == 4 for u in units)
        if len(body) == 16 and (grouped or _CARD_CTX.search(ctx)):
            return "PAYMENT_CARD", 0.5, "shape"
    kind = phone_kind(body)
    if kind == "international":
        return "PHONE", 1.0, "pattern"
    if kind == "national" and _grouping_ok_for_phone(units):
        near = ctx[-22:]
        if body.startswith("08") and _SERVICE_CTX.search(near):
            return None  # "numéro vert 0 800 ...": a public service line, not personal data
        if _NEG_CTX.search(near) and not _PHONE_CTX.search(near):
            return None
        return "PHONE", 1.0, "pattern"
    if len(body) == 9 and body[0] != "0":
        # "le six douze trente-quatre ...": a French number said without its leading zero
        near = ctx[-40:]
        spoken = all(u.kind == "words" for u in units)
        if _PHONE_CTX.search(near) or (spoken and "numero" in near and not _NEG_CTX.search(near)):
            return "PHONE", 0.8, "context"
    return None


def find_numbers(text: str, folded: str | None = None) -> list[Entity]:
    f = folded if folded is not None else fold(text)
    out = _find_numbers(text, f, numeric_runs(text, f))
    if any(w in f for w in ("vingt", "trente", "quarante", "cinquante", "soixante", "dix")):
        # spoken numbers: also try the strict reading ("quarante trois" = 40 3); keep what validates
        taken = [(e.start, e.end) for e in out if e.score >= 1.0]
        for e in _find_numbers(text, f, numeric_runs(text, f, strict=True)):
            if e.score >= 1.0 and not any(a <= e.start and e.end <= b for a, b in taken):
                out = [x for x in out if not (x.start < e.end and x.end > e.start and x.score < 1.0)]
                out.append(e)
    return out


def _find_numbers(text: str, f: str, runs: list[list[Unit]]) -> list[Entity]:
    out: list[Entity] = []
    for run in runs:
        i = 0
        n = len(run)
        while i < n:
            found = None
            if run[i].kind != "letter":
                for j in range(min(n, i + 40) - 1, i - 1, -1):
                    if not run[j].is_number and run[j].kind != "letter":
                        continue
                    c = _classify(run[i:j + 1], f)
                    if c:
                        found = (j, c)
                        break
            if found:
                j, (label, score, source) = found
                st, en = run[i].start, run[j].end
                out.append(Entity(start=st, end=en, label=label, text=text[st:en], score=score, source=source))
                i = j + 1
            else:
                i += 1
    return out


# ---------------------------------------------------------------- address

_STREET_TYPES = (
    "rue|ruelle|avenue|av|bd|boulevard|boulevards|place|allee|allees|impasse|chemin|quai|cours|route|square|"
    "passage|voie|cite|residence|lotissement|faubourg|fg|rond-point|esplanade|promenade|sentier|villa|"
    "hameau|parvis|montee|venelle|traverse|rampe|sente|domaine|clos|lieu-dit|chaussee|carrefour|galerie|"
    "parc|mail|cour|square|vc|zac|za|zi|route departementale|rd|rn"
)
_AMBIGUOUS_TYPES = frozenset("voie parc mail domaine clos passage villa galerie rampe traverse za zi rd rn vc av"
                             .split())
_NUMW = "|".join(sorted((w for w in NUMBER_WORDS if w not in ("un", "une", "et", "zero")), key=len, reverse=True))
_ADDR_HEAD_RE = re.compile(
    rf"(?<![\w,.])(\d{{1,4}}(?:\s?[-/]\s?\d{{1,4}})?|(?:{_NUMW})(?:[\s-](?:{_NUMW}|et|un|une))*)"
    rf"(?:\s?(?:bis|ter|quater|[btq])\b)?\s*,?\s*(?:(?:de la|de l'|du|des)\s+)?(?:{_STREET_TYPES})\b\.?",
)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w'’\-]*\.?|\d{1,4}(?:e|er|eme)?\b")
_ADDR_STOP = frozenset(fold(w) for w in """
a à et pour qui que dans avec depuis mais ou où donc car est sont ont il elle on nous vous je j c ce ça
en au aux sur chez vers par pendant entre dont si alors comme puis tout tous c'est j'habite habite
ai avons avez suis etait sera serait merci bonjour oui non voila voilà ensuite aussi encore pres
""".split())
_ADDR_PARTICLES = frozenset("de du des d la le les l d' l' saint sainte st ste aux".split())
_POSTAL_RE = re.compile(r"[\s,]*(?:(\d{5}|\d{2}\s\d{3})|((?:[^\W\d_]+[\s-]?){1,6}))", re.UNICODE)
_CITY_TOKEN_RE = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*")


_MONTHS = frozenset("janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split())


def _date_in_name(text: str, folded: str, s: int, e: int, prev: str) -> bool:
    if prev in _MONTHS and e - s == 4:
        return True
    nxt = re.compile(r"[ \t]+([^\W\d_]+)").match(folded, e)
    return bool(nxt and nxt.group(1) in _MONTHS and e - s <= 2)


def _take_name(text: str, folded: str, pos: int, ambiguous: bool) -> int | None:
    """End offset of a street name starting at ``pos`` (None when there is no name)."""
    end = None
    count = 0
    real = 0
    capitalised: bool | None = None
    prev_ftok = ""
    p = pos
    while count < 7:
        m = re.compile(r"[ \t]*").match(text, p)
        q = m.end() if m else p
        if q >= len(text):
            break
        t = _NAME_TOKEN_RE.match(text, q)
        if not t:
            break
        tok = t.group()
        ftok = folded[t.start():t.end()].rstrip(".")
        base = ftok.split("'")[0].split("’")[0]
        is_particle = ftok in _ADDR_PARTICLES or (base in ("d", "l") and len(ftok) == 2)
        if not is_particle:
            if ftok in _ADDR_STOP or ftok in STREET_WORDS:
                break
            if tok[0].isdigit() and _date_in_name(text, folded, t.start(), t.end(), prev_ftok):
                pass  # "rue du 8 Mai 1945", "place du 11 Novembre"
            elif (tok[0].isdigit() or ftok.split("-")[0] in UNITS) and real > 0:
                break
            cap = tok[0].isupper() or tok[0].isdigit()
            if capitalised is None:
                capitalised = cap
                if ambiguous and not cap:
                    return None
            elif capitalised and not cap:
                break
            real += 1
            end = t.end()
            prev_ftok = ftok
        count += 1
        p = t.end()
        if (not capitalised) and real >= 4:
            break
    if real == 0:
        return None
    return end


STREET_WORDS: frozenset[str] = frozenset()  # street types inside a name stop nothing


def _take_postal_city(text: str, folded: str, pos: int) -> int:
    m = re.compile(r"[ \t]*,?[ \t]*(\d{5}|\d{2}[ \u00a0]\d{3})\b").match(text, pos)
    end = pos
    if m:
        end = m.end()
    else:
        # spoken postal code: "soixante-quinze zéro onze"
        m2 = re.compile(r"[ \t]*,?[ \t]*").match(text, pos)
        q = m2.end() if m2 else pos
        runs = numeric_runs(text[q:q + 80], folded[q:q + 80])
        if runs and runs[0][0].start == 0:
            acc = ""
            last = None
            for u in runs[0]:
                if not u.is_number:
                    break
                acc += u.digits
                last = u
                if len(acc) >= 5:
                    break
            if len(acc) == 5 and last is not None:
                end = q + last.end
        if end == pos:
            return pos
    # city after the postal code
    p = end
    cend = end
    n_tok = 0
    while n_tok < 5:
        m3 = re.compile(r"[ \t]*").match(text, p)
        q = m3.end() if m3 else p
        t = _CITY_TOKEN_RE.match(text, q)
        if not t:
            break
        ft = folded[t.start():t.end()]
        if n_tok == 0:
            if ft in _ADDR_STOP and not t.group()[0].isupper():
                break
            cend = t.end()
        elif t.group()[0].isupper() or ft == "cedex":
            cend = t.end()
        elif ft in ("sur", "sous", "en", "les", "le", "la", "de", "du", "des", "l"):
            nxt = _CITY_TOKEN_RE.match(text, t.end() + 1) if t.end() < len(text) else None
            if nxt and nxt.group()[0].isupper() and text[t.end():nxt.start()].strip() == "":
                cend = nxt.end()
                p = nxt.end()
                n_tok += 2
                continue
            break
        else:
            break
        p = t.end()
        n_tok += 1
    m4 = re.compile(r"[ \t]+cedex(?:[ \t]+\d{1,2})?\b", re.IGNORECASE).match(text, cend)
    if m4:
        cend = m4.end()
    elif folded[max(0, cend - 5):cend] == "cedex":
        m5 = re.compile(r"[ \t]+\d{1,2}\b").match(text, cend)
        if m5:
            cend = m5.end()
    return cend


_NOT_CITY = frozenset("""
gauche droite cote pied partir peu cause moins plus nouveau chaque fois quelques demain hier lundi mardi
mercredi jeudi vendredi samedi dimanche midi minuit l la le les un une mon ma mes son sa ses notre votre leur
cet cette ce proximite cote-la pres travers terme priori peine propos condition savoir domicile pied-a-terre
""".split())
_CITY_AFTER_RE = re.compile(r"(?:[ \t]*,[ \t]*|[ \t]+(?:à|a)[ \t]+)")


def _take_city_after(text: str, folded: str, pos: int) -> int:
    """", Lyon" or "à lyon" right after a street address (no postal code): the city is part of it."""
    m = _CITY_AFTER_RE.match(folded, pos)
    if not m:
        return pos
    t = _CITY_TOKEN_RE.match(text, m.end())
    if not t:
        return pos
    tok, ft = t.group(), folded[t.start():t.end()]
    comma = "," in m.group()
    if comma and not tok[0].isupper():
        return pos
    if ft in _ADDR_STOP or ft in _NOT_CITY or ft.split("-")[0] in _NOT_CITY or len(ft) < 2:
        return pos
    if tok[0].isupper():
        end = t.end()
        # "Boulogne Billancourt", "Saint Denis": more capitalised words
        while True:
            t2 = _CITY_TOKEN_RE.match(text, end + 1) if text[end:end + 1] == " " else None
            if t2 is None or not t2.group()[0].isupper():
                break
            end = t2.end()
        return end
    return t.end()


def find_addresses(text: str, folded: str | None = None) -> list[Entity]:
    f = folded if folded is not None else fold(text)
    out: list[Entity] = []
    for m in _ADDR_HEAD_RE.finditer(f):
        head = m.group(1)
        if not head[0].isdigit() and not any(w in UNITS for w in re.split(r"[\s-]+", head)):
            continue
        stype = f[m.start():m.end()].split()[-1].strip(".,")
        ambiguous = stype in _AMBIGUOUS_TYPES
        name_end = _take_name(text, f, m.end(), ambiguous)
        if name_end is None:
            continue
        end = _take_postal_city(text, f, name_end)
        if end == name_end:
            end = _take_city_after(text, f, name_end)
        if text[end - 1] == "." and not re.search(r"(?<![\w.])\w{1,3}\.$", text[m.start():end]):
            end -= 1
        st = m.start()
        out.append(Entity(start=st, end=end, label="ADDRESS", text=text[st:end], source="pattern"))
    return out


def find_structured(text: str, folded: str | None = None) -> list[Entity]:
    f = folded if folded is not None else fold(text)
    return find_emails(text) + find_numbers(text, f) + find_addresses(text, f)
