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

import itertools
import re
from collections.abc import Container

from visio_archive.models import Entity
from visio_archive.redaction.address_parts import (
    extend_address,
    find_cued_postcodes,
    find_digital_addresses,
    find_po_boxes,
    find_postcode_addresses,
    join_addresses,
)
from visio_archive.redaction.lexicon import MONTHS_FR, STOP
from visio_archive.redaction.national_ids import cued_national_id, find_national_ids, trailing_letters_end
from visio_archive.redaction.numbers_fr import EN_NUMBER_WORDS, NUMBER_WORDS, UNITS, Unit, fold, numeric_runs
from visio_archive.redaction.validators import (
    IBAN_COUNTRIES,
    IBAN_LENGTHS,
    card_iin_ok,
    iban_checksum_ok,
    iban_format_ok,
    iban_shape_ok,
    luhn_ok,
    nir_key_ok,
    nir_shape_ok,
    phone_kind,
    phone_valid,
    rib_key_ok,
)

__all__ = ["find_addresses", "find_addresses_en", "find_contact_numbers", "find_emails", "find_numbers",
           "find_structured", "find_written_ibans"]

# ---------------------------------------------------------------- email

_W = r"[^\W_]"  # a letter or digit
# A top-level domain: letters (any script), or an A-label (punycode, "xn--p1ai") that holds hyphens.
_TLD = r"(?:xn--[a-z0-9-]{1,59}[a-z0-9]|[^\W\d_]{2,63})"
_EMAIL_RE = re.compile(
    rf"(?<![\w.@+-]){_W}[\w.+'-]*\s?@\s?{_W}[\w-]*(?:\s?\.\s?[\w-]+)*\s?\.\s?{_TLD}(?![\w@-])",
    re.IGNORECASE,
)
# Spoken top-level domains: the generic ones and every ISO 3166-1 country code (the ccTLDs).
_GTLDS = ("com org net edu gov mil int info biz name pro mobi asia tel travel jobs museum aero coop cat gouv "
          "io ai app dev xyz online site tech store shop blog cloud email art eco bzh paris corsica alsace "
          "brussels berlin london nyc quebec swiss")
_CCTLDS = ("ad ae af ag ai al am ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bm bn bo br bs bt bw by bz "
           "ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz de dj dk dm do dz ec ee eg er es et eu fi fj "
           "fk fm fo fr ga gb gd ge gf gg gh gi gl gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in "
           "io iq ir is it je jm jo jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md "
           "me mg mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz om pa pe "
           "pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si sk sl sm sn so sr ss st "
           "sv sx sy sz tc td tf tg th tj tk tl tm tn to tr tt tv tw tz ua ug uk us uy uz va vc ve vg vi vn vu wf "
           "ws ye yt za zm zw")
_TLDS = "|".join(sorted(set((_GTLDS + " " + _CCTLDS).split()), key=len, reverse=True))
_SEP_LOCAL = (
    r"(?:\s*[._-]\s*|\s+(?:point|dot|tiret(?:\s+(?:bas|du\s+(?:bas|six|8|huit)))?|underscore"
    r"|trait\s+d['’]union|under\s+score|dash)\s+)"
)
_TOK = r"[^\W_][\w'’]*"
_SPOKEN_EMAIL_RE = re.compile(
    rf"(?<![\w@]){_TOK}(?:(?:{_SEP_LOCAL}|\s+(?=\d)){_TOK}){{0,5}}"
    rf"(?:\s*@|,?\s(?:arobase|arrobase|arobas|arrobas|at),?\s)\s*"
    # a domain ASR cut in two ("at sterling lettings dot co dot uk")
    rf"{_TOK}(?:\s*(?:-|\s+tiret\s+)\s*{_TOK}|\s+(?!(?:point|dot|the|a|an|my|our|your)\b){_TOK}(?=\s+(?:dot|point)\s))?"
    rf"(?:\s*(?:-|\s+tiret\s+)\s*{_TOK})*(?:(?:\s*\.\s*|\s+(?:point|dot)\s+){_TOK}(?:\s*-\s*{_TOK})*){{0,4}}"
    rf"(?:\s*\.\s*|\s+(?:point|dot)\s+)(?:{_TLDS})(?![\w@])",
    re.IGNORECASE,
)


STOP_WORDS_EMAIL = frozenset("""me my his her our your their mail email address is it's its c'est cest""".split())
_EMAIL_PREV_STOP = frozenset(fold(w) for w in """
mail e-mail email emails mails adresse adresses courriel courriels mel mél messagerie boite boîte c'est est a à
au aux sur de du des le la les l mon ma mes son sa ses leur leurs votre vos notre nos ton ta tes écrivez écris
écrire envoyez envoie envoyer contact contacter joindre voici voilà sinon ou et donc alors puis gmail perso
personnelle personnel professionnelle professionnel pro the to at is my his her via par pour chez vers avec
euh hum bah ben bon oui non ok c est suivante suivant lui leur me moi te toi nous vous elle il on directement
""".split())


_PREV_TOKEN_RE = re.compile(r"(?<![\w'’-])([^\W_][\w'’-]*)[ \t,]+$")
_LOCAL_SEPS = frozenset("point dot tiret bas underscore under score trait d'union du six huit dash".split())
_LOCAL_FILLERS = frozenset("euh heu hum hmm uh um er".split())


def _local_part_start(text: str, start: int) -> int:
    """Walk back from a spoken address's local part over the words ASR wrote for it ("paolo point rinaldi
    quatre-vingt-deux", "nour euh point el amrani", "m etxeberria"): name-like words, spoken separators,
    a hesitation; stop at the words that introduce an address ("c'est", "mail", "à" ...)."""
    best = start
    pos = start
    names = 0
    for _ in range(12):
        # letters spelt one by one ("k a r i m point b", "h u o n g point l e") make one word: a run of
        # three single letters, or two when the word after them is a single letter too
        run = _LETTER_RUN.search(text, max(0, pos - 80), pos)
        if run is not None:
            k = len(run.group(1).split())
            single_after = re.match(r"[^\W\d_](?![\w'’])", text[pos:pos + 2]) is not None
            if k + single_after >= 3 or (single_after and k >= 1 and pos == start):
                pos = best = run.start(1)
                names += 1
                continue
        p = _PREV_TOKEN_RE.search(text, max(0, pos - 40), pos)
        if p is None:
            break
        tok = fold(p.group(1))
        if tok in _LOCAL_SEPS or tok in _LOCAL_FILLERS:
            pos = p.start(1)
            continue
        if (tok in _EMAIL_PREV_STOP or tok in STOP_WORDS_EMAIL or names >= 4
                or any(part in _EMAIL_PREV_STOP for part in tok.split("-")[1:])):
            break  # ... or "écrivez-moi", "envoyez-le", "send-me": a verb with its pronoun
        names += 1
        pos = best = p.start(1)
    initial = re.search(r"(?<![\w'’])[a-zA-Z][ \t]+$", text[max(0, best - 3):best])
    if initial is not None:
        before = _PREV_TOKEN_RE.search(text, max(0, best - 3 - 40), best - 3 + initial.start())
        if before is None or fold(before.group(1)) in _EMAIL_PREV_STOP | STOP_WORDS_EMAIL:
            best -= 3 - initial.start()  # "c mcallister eighty eight at ...": the initial said before the name
    return best


# letters as a speller says them: plain a-z ("à", "y" as words are not spelt letters of an address)
_LETTER_RUN = re.compile(r"(?<![\w'’])((?:[a-zA-Z][ \t]+)+)$")


def find_emails(text: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _EMAIL_RE.finditer(text):
        out.append(Entity(start=m.start(), end=m.end(), label="EMAIL", text=m.group(), source="pattern"))
    if re.search(r"arr?obase|@|\bat\b", text, re.IGNORECASE):
        for m in _SPOKEN_EMAIL_RE.finditer(text):
            if any(e.start <= m.start() and m.end() <= e.end for e in out):
                continue
            start = _local_part_start(text, m.start())
            out.append(Entity(start=start, end=m.end(), label="EMAIL", text=text[start:m.end()],
                              source="pattern"))
    return out


# ---------------------------------------------------------------- numbers (PHONE, NIR, IBAN, CARD)

_PHONE_CTX = re.compile(
    r"(tel\b|telephone|portable|mobile|fixe|joindre|appel(?! d.offres| a projets| a candidatures)|rappel|"
    r"numero de (?:tel|portable|telephone)|"
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


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _this_sentence(ctx: str) -> str:
    """The end of ``ctx`` from its last sentence's start: "… the security code. Before I do, is" -> "Before I do,
    is" (a veto word of the sentence before says nothing of this number)."""
    ends = [m.end() for m in _SENTENCE_END.finditer(ctx)]
    return ctx[ends[-1]:] if ends else ctx


def _grouping_ok_for_phone(units: list[Unit]) -> bool:
    nums = [u for u in units if u.kind == "digits"]
    if len(nums) != len(units):
        return True  # spoken or mixed forms
    if len(nums) == 1:
        return True
    return all(len(u.digits) <= 3 for u in nums)


def _classify(units: list[Unit], folded: str, text: str = "", whole: bool = True,
              complete: bool = True) -> tuple[str, float, str] | None:
    """Label of one candidate (a slice of a numeric run); ``whole``: the slice starts the run (a foreign
    national number is only read from a run's first group: "0 800 130 000" is not "800 130 000");
    ``complete``: no digits of the run follow the slice."""
    s = "".join(u.digits for u in units)
    first = units[0]
    start = first.start
    if first.kind == "country":
        if len(units) < 2 or not units[1].digits[:1].isdigit():
            return None
        if iban_checksum_ok(s):
            return "IBAN", 1.0, "pattern"
        if iban_format_ok(s) or iban_shape_ok(s):
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
        if not (card_iin_ok(body) and luhn_ok(body)) or _NIR_CTX.search(_ctx(folded, start)):
            return "NIR", 0.5, "shape"
    if not body.isdigit():
        return None
    ctx = _ctx(folded, start)
    if len(body) == 13 and nir_shape_ok(body) and _NIR_CTX.search(ctx):
        return "NIR", 0.7, "context"
    if 12 <= len(body) <= 19 and card_iin_ok(body):
        grouped = len(units) >= 3 and all(len(u.digits) == 4 for u in units[:-1]) and len(units[-1].digits) <= 4
        card_ctx = bool(_CARD_CTX.search(ctx))
        diners = len(body) == 14 and (body[:2] in ("36", "38", "39") or "300" <= body[:3] <= "305")
        if luhn_ok(body) and (len(body) >= 15 or diners or grouped or card_ctx) and not _NEG_CTX.search(ctx[-22:]):
            return "PAYMENT_CARD", 1.0, "pattern"
        if len(body) == 16 and (grouped or card_ctx):
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
        # nine digits cut from a longer run are no such number ("eight seven seven three two eight nine six
        # seven seven": a ten-digit freephone number)
        if whole and complete and not _SERVICE_CTX.search(near) and not _CONTACT_VETO.search(ctx[-25:]) and (
                _PHONE_CTX.search(near) or (spoken and "numero" in near and not _NEG_CTX.search(near))) \
                and _cue_label(folded, start) not in ("NIR", "IBAN", "PAYMENT_CARD"):
            # ("votre numéro d'assurance sociale c'est deux quatre six ...": the cue names another scheme)
            return "PHONE", 0.8, "context"
    if whole and 7 <= len(body) <= 12 and _foreign_national(units, body, text, ctx):
        return "PHONE", 1.0, "pattern"
    return None


# National formats of other countries, tried in this order (libphonenumber's metadata decides).
_FOREIGN_REGIONS = ("US", "GB", "IL", "JP", "CN", "DE", "BE", "CH", "IT", "ES", "NL", "PT", "IN", "AU", "IE", "NZ",
                    "ZA", "KE", "NG", "GH", "PH", "SG", "HK",
                    # French-speaking plans: Senegal, Côte d'Ivoire, Cameroon, Morocco, Tunisia, Madagascar,
                    # French Polynesia, New Caledonia, Luxembourg
                    "SN", "CI", "CM", "MA", "TN", "MG", "PF", "NC", "LU")


def _foreign_national(units: list[Unit], body: str, text: str, ctx: str) -> bool:
    """"(415) 555-0132", "020 7946 0018", "090-1234-5678", "010-6552 9988": a number written in another
    country's national format.  It must be valid in that country's plan AND written with that plan's
    grouping (or a coarser/finer one), so that amounts, dates and references ("2019-1234", "1 250 000")
    are not read as phones."""
    if len(units) < 2 or not all(u.kind == "digits" for u in units):
        return False
    gaps = [text[a.end:b.start] for a, b in itertools.pairwise(units)] if text else []
    if any("/" in g or "," in g for g in gaps):
        return False  # dates, decimal numbers
    years = sum(1 for u in units if len(u.digits) == 4 and u.digits[:2] in ("19", "20"))
    months = any(len(u.digits) == 2 and "01" <= u.digits <= "12" for u in units)
    if years >= 2 or (years and months and len(units) <= 4):
        return False  # "2024-06-12", "2021 2022 2023": dates and years
    if len(units[0].digits) == 4 and units[0].digits[:2] in ("19", "20"):
        return False  # "Rechnung Nr. 2024 123456": a year opens a file's number, no national phone format
    near = _this_sentence(ctx[-22:])
    if (_NEG_CTX.search(near) and not _PHONE_CTX.search(near)) or _SERVICE_CTX.search(near):
        return False
    cuts: set[int] = set()
    pos = 0
    for u in units[:-1]:
        pos += len(u.digits)
        cuts.add(pos)
    for region in _FOREIGN_REGIONS:
        groups = phone_valid(body, region)
        if groups is None:
            continue
        theirs: set[int] = set()
        acc = 0
        for g in groups[:-1]:
            acc += g
            theirs.add(acc)
        if cuts <= theirs or theirs <= cuts:
            return True
    return False


def find_numbers(text: str, folded: str | None = None, lang: str = "fr",
                 runs: list[list[Unit]] | None = None) -> list[Entity]:
    f = folded if folded is not None else fold(text)
    out = _find_numbers(text, f, runs if runs is not None else numeric_runs(text, f, lang=lang))
    if lang != "en" and any(w in f for w in ("vingt", "trente", "quarante", "cinquante", "soixante", "dix")):
        # spoken numbers: also try the strict reading ("quarante trois" = 40 3); keep what validates
        taken = [(e.start, e.end) for e in out if e.score >= 1.0]
        for e in _find_numbers(text, f, numeric_runs(text, f, strict=True)):
            if e.score >= 1.0 and not any(a <= e.start and e.end <= b for a, b in taken):
                out = [x for x in out if not (x.start < e.end and x.end > e.start and x.score < 1.0)]
                out.append(e)
    # "PC 069 123 24 00057" (a building permit), "REQ-2026-00871": digits of a reference read as a phone
    return [e for e in out if not (e.label == "PHONE" and _reference_number(text, e.start))]


_KEY_GAP = re.compile(r"[ \t,]*(?:cle|clef|key)[ \t:,]*")


def _join_nir_keys(folded: str, runs: list[list[Unit]]) -> list[list[Unit]]:
    """"… trois cent quatre-vingt-trois cent quatre clé zéro huit": the thirteen digits of a NIR and, after
    "clé", its two-digit key are one number (the word splits them into two runs)."""
    out: list[list[Unit]] = []
    for run in runs:
        prev = out[-1] if out else None
        if (prev is not None and _KEY_GAP.fullmatch(folded, prev[-1].end, run[0].start)
                and len("".join(u.digits for u in prev if u.is_number)) == 13
                and len("".join(u.digits for u in run if u.is_number)) == 2):
            out[-1] = prev + run
        else:
            out.append(run)
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
                    c = _classify(run[i:j + 1], f, text, not any(u.is_number for u in run[:i]),
                                  not any(u.is_number for u in run[j + 1:]))
                    if c:
                        found = (j, c)
                        break
            if found:
                j, (label, score, source) = found
                st, en = run[i].start, run[j].end
                if label == "PHONE" and st > 0 and text[st - 1] == "(" and ")" in text[st:en]:
                    st -= 1  # "(202) 456-1111": the area code's parenthesis is part of the number
                out.append(Entity(start=st, end=en, label=label, text=text[st:en], score=score, source=source))
                i = j + 1
            else:
                i += 1
    return out


# ---------------------------------------------------------------- written IBANs

_IBAN_CUE = re.compile(r"(?:\biban|\brib\b|\bcompte\b|\baccount\b|virement|\bvirez?\b|\bbic\b)[^.!?\n]{0,24}$")
_IBAN_AT = re.compile(r"(?<![A-Za-z0-9])([A-Za-z]{2})[ \t]?([0-9]{2})")
_IBAN_SEP = re.compile(r"[ \t]|-(?=[A-Za-z0-9])|\.(?=[A-Za-z0-9])")


_RIB_RE = re.compile(r"(?<![\w-])(\d{5})[ \t]?(\d{5})[ \t]?([0-9A-Za-z]{11})[ \t]?(\d{2})(?![\w-])")


def find_french_ribs(text: str) -> list[Entity]:
    """A French RIB written without its IBAN head ("30006 00001 12345678901 89"), its key checked: a bank
    account wherever it stands, cue or none."""
    return [Entity(start=m.start(), end=m.end(), label="IBAN", text=m.group(), score=1.0, source="pattern")
            for m in _RIB_RE.finditer(text) if rib_key_ok(*m.groups())]


# A British account written as its sort code (two digits three times, dashed) and its eight digits: "my Lloyds,
# 30-96-26, 19847702". No date or reference is written that way.
_UK_SORT_CODE_ACCOUNT = re.compile(r"(?<![\w-])\d{2}-\d{2}-\d{2}[ \t]*[,/]?[ \t]*\d{8}(?![\w-])")


def find_french_ribs_and_uk_accounts(text: str) -> list[Entity]:
    """Bank accounts that their shape alone shows: French RIBs with a valid key, British sort codes with
    their account number."""
    return find_french_ribs(text) + [
        Entity(start=m.start(), end=m.end(), label="IBAN", text=m.group(), score=0.9, source="pattern")
        for m in _UK_SORT_CODE_ACCOUNT.finditer(text)]


def find_written_ibans(text: str, folded: str) -> list[Entity]:
    """IBANs written out, letters and all ("GB82 WEST 1234 5698 7654 32", "MT84 MALT 0110 0001 2345 MTLC
    AST0 01S"), several in a row, in upper or lower case.  The country's registry length decides where
    one IBAN ends (the next may follow at once); the registry format or mod 97 decides that it is one.
    Right after an IBAN cue ("IBAN", "RIB", "compte"), a country-led group a few characters short or
    long of the registry length is still redacted, as an IBAN look-alike."""
    out: list[Entity] = []
    pos = 0
    while True:
        m = _IBAN_AT.search(text, pos)
        if m is None:
            break
        cc = m.group(1).upper()
        length = IBAN_LENGTHS.get(cc)
        if length is None or (m.group(1).islower() and m.group(1) != folded[m.start():m.start() + 2]):
            pos = m.start() + 1
            continue
        # collect characters: groups of letters/digits separated by one space, hyphen or dot; printed
        # IBANs come in groups of four (or the RIB parts), so a shorter group is the last one ("... JEVB 36 voilà")
        chars: list[int] = [m.start(1), m.start(1) + 1, m.start(2), m.start(2) + 1]
        upper = m.group(1).isupper()
        q = m.end()
        group = 4  # the head: country code and check digits
        while len(chars) < 36 and q < len(text):
            if text[q].isascii() and text[q].isalnum():
                if text[q].isalpha() and text[q].isupper() != upper:
                    break  # "FR76 ... 36 voilà": the case changes, the IBAN has ended
                chars.append(q)
                group += 1
                q += 1
                continue
            sep = _IBAN_SEP.match(text, q)
            if sep and group >= 4 and q + 1 < len(text) and text[q + 1].isascii() and text[q + 1].isalnum():
                group = 0
                q += 1
                continue
            break
        value = "".join(text[i] for i in chars).upper()
        cue = _IBAN_CUE.search(folded, max(0, m.start() - 40), m.start()) is not None
        found: tuple[int, float, str] | None = None
        if len(value) >= length:
            head = value[:length]
            if iban_checksum_ok(head):
                found = (length, 1.0, "pattern")
            elif iban_format_ok(head) and (cue or len(value) == length or not value[length].isdigit()):
                found = (length, 0.5, "shape")
        if found is None and cue:
            # an IBAN a few characters short (or long) right after an IBAN cue: still somebody's account
            n = len(value)
            digits = sum(c.isdigit() for c in value[4:])
            if n >= max(12, length - 4) and digits >= (n - 4) // 2:
                found = (min(n, length + 2), 0.5, "shape")
        if found is None:
            pos = m.start() + 1
            continue
        n, score, source = found
        st, en = chars[0], chars[n - 1] + 1
        out.append(Entity(start=st, end=en, label="IBAN", text=text[st:en], score=score, source=source))
        pos = en
    return out


# ---------------------------------------------------------------- spoken numbers in a contact context

# What may sit inside one spoken identifier between two stretches of numbers: hesitations,
# self-corrections, repetitions ("zéro six, non pardon, zéro sept ...", "six one seven, uh, ...").
_FILLERS = frozenset(fold(w) for w in """
euh euhh heu hum hmm hm mmh bah ben bé hein ouais oui voilà bon alors donc enfin attendez attends pardon non
plutôt répète recommence redis reprends je j'ai dis dit c'est cest le la et puis ensuite après clé clef point tiret
uh um er erm ah oh hmm sorry no wait i mean again let me yeah yes okay ok like so then and dash hyphen
""".split())
_CONTACT_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # an identity scheme's name, and its card ("pan card", "ghana card", "medicare card") is that number's cue,
    # not a payment card's
    ("NIR", re.compile(r"(?:secu\b|securite sociale|\bnir\b|\binsee\b|carte vitale|immatriculation|assure social"
                       r"|social security|national insurance|\bssn\b"
                       r"|sozialversicherung|steuer-?id|steueridentifikationsnummer|\bbsn\b|burgerservicenummer"
                       r"|\bnric\b|\bnin\b|\bhkid\b|identity card|\bid card\b|national id"
                       # Ireland's PPSN, Canada's SIN, Australia's TFN and Medicare card, New Zealand's IRD number,
                       # the UK's NINO, Kenya's "ID No.": spoken as ASR writes them ("p p s", "n i is", "i r d")
                       r"|\bppsn?s?\b|\bp p s\b|personal public service|social insurance|\bsin\b|tax file|\btfn\b"
                       r"|medicare|\bird\b|\bi r d\b|\bnino\b|\bn i\b(?= (?:number|no|is|was)\b)|\bid no\b"
                       r"|\bid number|identity number"
                       # identity, tax, social-insurance and health-insurance numbers of other administrations,
                       # and the documents that carry one (passport, licence): a person's number, whatever its
                       # checksum (India's Aadhaar and PAN, Nigeria's BVN, the Philippines' SSS, UMID, PhilHealth,
                       # Jamaica's TRN, Ghana's card and NHIS, Pakistan's CNIC, Latin and European national codes)
                       r"|\bid\b|\bi d\b|identity|identification|aadhaa?r|\bpan\b|passport|passeport"
                       r"|driv(?:ing|er'?s?) licen[cs]e|licen[cs]e number|\bdl\b|permis de conduire|voter'?s? id"
                       r"|\bbvn\b|\btin\b|\btrn\b|\bnis\b|\bnhis\b|\bnhif\b|\bsss\b|\bgsis\b|\bumid\b|\bcrn\b"
                       r"|philhealth|ghana card|\bcnic\b|\bnida\b|\bomang\b|\bnrc\b|\bmykad\b|\bcurp\b|\bcpf\b"
                       r"|\bdni\b|\bnie\b|\bnif\b|codice fiscale|\bpesel\b|personnummer|cedula|\btaxpayer"
                       r"|tax (?:id|number|reference)|numero fiscal|identifiant fiscal|\bspi\b|carte d'identite"
                       r"|carte nationale d'identite|\bcni\b|numero d'etranger|numero etranger|\bagdref\b"
                       # Canada's provincial health cards and social insurance number said in French, Belgium's
                       # and Luxembourg's national numbers, Singapore's FIN, New Zealand's NHI, Kenya's KRA PIN
                       r"|\bohip\b|health card|\bnas\b|assurance sociale|assurance maladie|\bramq\b"
                       r"|national number|registre national|numero national|\bmatricule\b"
                       r"|\bfin\b(?= (?:is|number|no)\b)"
                       r"|\bnhi\b|kra pin|\bkra\b|permis de travail|work permit"
                       # the UK's NHS and CHI numbers and HMRC's Unique Taxpayer Reference, Australia's NDIS number
                       r"|\bnhs (?:number|no)|\bchi (?:number|no)|health and care number|\butr\b|unique taxpayer"
                       r"|\bndis\b|medi[ -]?cal|medicaid|\bnid\b"
                       # France's pupil number (INE), driving-licence file number (NEPH), prisoner's number
                       r"|\bine\b|\bneph\b|numero d'ecrou|\becrou\b"
                       # Belgium's NISS / INSZ, Switzerland's AVS / AHV, France's INS (the NIR as a health
                       # identifier) and CAF number, Quebec's health card, New Caledonia's CAFAT, the CIN of
                       # Morocco, Tunisia, Haiti, consular and residence cards
                       r"|\bniss\b|\binsz\b|\bavs\b|\bahv\b|\bins\b(?= (?:qualifie|est|c'est|:|du|de))"
                       r"|\ballocataire\b|carte soleil|\bcafat\b|\bcin\b|carte nationale|carte consulaire"
                       r"|carte de (?:sejour|resident)|titre de sejour|\bnina\b|\bnnu\b"
                       # the US alien registration number (A-number), green card, Medicare's MBI; India's
                       # pension payment order (PPO) and provident-fund account (UAN)
                       r"|alien (?:registration )?number|\ba-number|\bgreen card|\bmbi\b|medicare beneficiary"
                       r"|\bppo\b|\buan\b"
                       # France Travail's (formerly Pôle emploi's) jobseeker identifier
                       r"|identifiant (?:france travail|pole emploi)|numero (?:de )?demandeur d'emploi)"
                       r"(?: card\b)?")),
    ("PAYMENT_CARD", re.compile(r"carte (?:bancaire|bleue|de credit|de paiement|visa|cb)|\bcb\b|mastercard"
                                # a travel visa is no card: "the visa application", "le visa de long séjour"
                                r"|\bvisa\b(?! (?:application|appointment|officer|section|type|status|interview"
                                r"|cent(?:er|re)|fee|stamp|extension|renewal|refusal|de|d'|pour|long|court))"
                                r"|maestro|american express|\bamex\b|\buatp\b|numero de (?:la )?carte|\bcarte\b"
                                r"|credit card|debit card|\bcard\b")),
    ("IBAN", re.compile(r"\biban|\brib\b|\bcompte\b(?! rendu)|virement|\bvirer\b|\bvirez\b|\bbic\b"
                        r"|\baccount\b|\bacct\b|\ba/c\b|sort code|\bbank\b|\bkonto|\brekening"
                        # the parts of a bank account that North America and Australia give apart
                        r"|\btransit\b|\binstitution\b|\brouting\b|\bbsb\b|\baba\b"
                        # the account printed on a (void) cheque, a direct deposit form
                        r"|\bcheque\b|\bcheck\b(?= (?:number|numbers|is|are))|specimen|direct deposit|depot direct")),
    ("PHONE", re.compile(r"appel|\bjoindre\b|joignable|telephone|\btel\b|portable|mobile|\bfixe\b|standard"
                         r"|ligne directe|whatsapp|\bsms\b|texto|contact|compose|\bfax\b|\bcall\b|\bcalling\b"
                         r"|\bphone|\bcell\b|\breach\b|\bring\b|\btext\b|\bdial\b|extension|landline|hotline"
                         r"|area code|direct line|\bline\b|\bdesk\b|\boffice\b|switchboard"
                         # German, Dutch
                         r"|\btelefon|\bhandy\b|\bmobil\b|handynummer|anrufen|ruf mich|erreichbar|festnetz|durchwahl"
                         r"|\btelefoon|\bmobiel|\bbellen\b|bel me|bel mij|bereikbaar")),
    ("", re.compile(r"numero|\bnum\b|\bn°|\bnumber\b|\bno\.|\bnummer\b|\bnr\.?(?=\s)")),
)
# Words that make a number something other than a person's: the closer of cue and veto wins.
_CONTACT_VETO = re.compile(
    _NEG_CTX.pattern[:-1] + r"|agrement|appel d'offres|appel d offres|appel a projets|d'ordre|\bordre\b|"
    r"(?<!\bin )\bcase\b|\bbill\b|invoice|\border\b|reference|\bsection\b|\bclause\b|(?<!on )\bfile\b|budget|\bplan\b|"
    r"montant|somme|\btotal\b|\bprix\b|\bcout|\bamount\b|\bsum\b|\bprice\b|\bcost|resultat|\bcharges?\b|"
    r"compte (?:administratif|financier|de gestion|de resultat|rendu)|compte-rendu|\bvaut\b|\bworth\b|"
    r"\bagreement\b|\bconvention\b|\bcontrat\b|\bcontract\b|\bprojet\b|\bproject\b|\brecepisse\b|\breceipt\b|"
    r"\bsejour\b|hospitalisation|\badmission\b|\battestation\b|\bplainte\b|proces-verbal|\baccuse de reception"
    r"|\bsiret\b|\bsiren\b|\bticket\b)"
)
# A number followed by one of these is a quantity, an amount or a time, not an identifier.
_UNIT_AFTER = re.compile(
    r"[ \t]*(?:%|€|\$|£|euros?\b|eur\b|dollars?\b|pounds?\b|pour ?cent|percent|heures?\b|h\b|minutes?\b|ans?\b"
    r"|années?\b|jours?\b|mois\b|personnes?\b|agents?\b|habitants?\b|élèves?\b|km\b|m2\b|kilos?\b|millions?\b"
    r"|milliards?\b|people\b|years?\b|hours?\b|days?\b|o'clock|am\b|pm\b)",
    re.IGNORECASE,
)
_LINK_TOKEN = re.compile(r"[^\W\d_][\w'’]*(?:\.\.\.|…)?|\.\.\.|…")
_LINK_GAP = re.compile(r"[\s,;:.!?()\-–—…]*")


# Letters said one by one, or written as a code glued by a dash, just before an identifier's digits: "n p",
# "b q r p r", "s", "g h a", "GHA-"; a lone "a" or "i" is the article or the pronoun.
_LEADING_LETTERS = re.compile(r"(?:(?<![\w'’])[A-Za-z][ \t]){2,5}(?:(?:uh|um|er|euh)[ \t]+)?$"
                              # "s uh zero four four seven one two": a member number's letter, a hesitation
                              r"|(?<![\w'’])[B-HJ-Zb-hj-z][ \t](?:(?:uh|um|er|euh)[ \t]+)?$|(?<![\w'’-])[A-Z]{1,4}-$"
                              # glued to the digits: "K6874-79021-80315" (an Ontario licence)
                              r"|(?<![\w'’-])[A-Za-z]{1,2}$")
# "her hkid is a three three four …", "kra pin is a zero one …": after "is" the letter A opens the number
_LEADING_A = re.compile(r"(?:^|(?<![\w'’])(?:is|c['’]est|est|:|passport|passeport|number)[ \t]+)([Aa])[ \t]$")
_IBAN_LETTERS = re.compile(r"(?<![\w'’])([a-z])[ \t]([a-z])[ \t]$")


# the words a scheme writes before its number, no letters of the number ("PhilHealth PIN 12-…", "NHS No 4…")
_LEADING_CAPS = re.compile(r"(?<![\w'’-])([A-Z]{2})[ \t]$")
# capitals that open the value given after a colon: "numéro provisoire : RANV 8552 1512"
_VALUE_CAPS = re.compile(r"(?:[:=]|(?<![\w'’])(?:est|is|c['’]est))[ \t]+([A-Z]{3,4})[ \t]$")
_NUMBER_WORDS_WRITTEN = frozenset("pin no nr num id ref tel nos ins".split())
_CODE_AFTER_CUE = re.compile(r"(?<![\w'’-])([A-Za-z][\w'’-]*)[ \t]+([A-Z]{2,4})[ \t]$")


def leading_letters_start(text: str, start: int) -> int:
    """Where an identifier's leading letters begin (``start`` when there are none)."""
    lead = _LEADING_LETTERS.search(text, max(0, start - 16), start)
    if lead is not None:
        return lead.start()
    code = _CODE_AFTER_CUE.search(text, max(0, start - 30), start)
    # only after a scheme's acronym ("RAMQ BELM …"); after a word ("allocataire CAF 2468013") the capitals
    # are the body's
    if (code is not None and code.group(1).isupper() and is_cue_word(fold(code.group(1)).lower())
            and not is_cue_word(code.group(2).lower())
            and code.group(2).lower() not in _NUMBER_WORDS_WRITTEN):
        return code.start(2)  # "RAMQ BELM 8557 1212": a Quebec health number opens with four letters of the name
    value = _VALUE_CAPS.search(text, max(0, start - 12), start)
    if (value is not None and not is_cue_word(value.group(1).lower())
            and value.group(1).lower() not in _NUMBER_WORDS_WRITTEN):
        return value.start(1)  # "numéro provisoire : RANV 8552 1512": a Quebec health number's four letters
    caps = _LEADING_CAPS.search(text, max(0, start - 6), start)
    if (caps is not None and not is_cue_word(caps.group(1).lower())
            and caps.group(1).lower() not in _NUMBER_WORDS_WRITTEN):
        return caps.start(1)  # "passeport … FX 48 29 15": a passport's series letters before its digits
    a = _LEADING_A.search(text, max(0, start - 12), start)
    return a.start(1) if a is not None else start


def iban_country_start(text: str, folded: str, start: int) -> int:
    """Where an IBAN read out begins when its country's two letters come first ("b e quarante-quatre …")."""
    m = _IBAN_LETTERS.search(folded, max(0, start - 6), start)
    if m is not None and (m.group(1) + m.group(2)).upper() in IBAN_COUNTRIES:
        return m.start()
    return start


def _identifier_letters(text: str, start: int, end: int) -> int:
    """How many letters stand around (and inside) an identifier's digits."""
    inside = sum(1 for c in text[start:end] if c.isalpha()) - sum(
        len(w) for w in re.findall(r"[^\W\d_]{2,}", text[start:end]))
    before = sum(1 for c in text[leading_letters_start(text, start):start] if c.isalpha())
    after = sum(1 for c in text[end:trailing_letters_end(text, end)] if c.isalpha())
    return max(inside, 0) + before + after
_CORRECTION = re.compile(r"(?<![\w'’])(?:non|pardon|plutot|je veux dire|sorry|no|wait|i mean|rather)(?![\w'’])")


def _garbled(tok: str, common: Container[str] | None) -> bool:
    """A token ASR made of a mis-heard number ("tratt'", "tr...", "zzz"): short, no dictionary word."""
    core = tok.rstrip(".…'’")
    if not core or len(core) > 8 or not core.isalpha():
        return False
    f = fold(core)
    if f in MONTHS_FR or f in NUMBER_WORDS or f in EN_NUMBER_WORDS:
        return False
    if tok != core:  # cut off by the recogniser: "tr...", "tratt'"
        return True
    return common is not None and f not in common and core.lower() not in common


_LONE_LETTER_BEFORE = re.compile(r"(?<![\w'’])[b-hj-np-xzB-HJ-NP-XZ][ \t]+$")
_LONE_LETTER_AFTER = re.compile(r"[ \t]+[b-hj-np-xzB-HJ-NP-XZ](?![\w'’])")


def _spelled_pair(text: str, start: int, end: int, a: int, b: int) -> bool:
    """Is the lone "a" (or "i", "o", "y") at ``start`` spelled next to another letter within [a, b)?"""
    return (_LONE_LETTER_BEFORE.search(text, a, start) is not None
            or _LONE_LETTER_AFTER.match(text, end, b) is not None)


def _link(text: str, folded: str, a: int, b: int, common: Container[str] | None) -> bool:
    """May the text between two numeric stretches sit inside one spoken identifier?"""
    if b - a > 40:
        return False
    if text[a - 1:a].isdigit() and text[b:b + 1].isdigit() and "," in text[a:b] and not text[a:b].strip(" ,"):
        return False  # "PIN 12-025348719-6, 43 Masikap St.": written numbers a comma separates are two things
    if " / " in text[a:b] or " ou " in text[a:b]:
        return False  # "06 12 34 56 78 / 07 98 76 54 32", "… ou …": two numbers given side by side
    p = a
    words = 0
    while True:
        g = _LINK_GAP.match(text, p)
        p = g.end() if g else p
        if p >= b:
            return True
        t = _LINK_TOKEN.match(text, p)
        if t is None or t.end() > b:
            return False
        tok = t.group()
        words += 1
        # a lone letter said between digits belongs to the number ("… quatre cinq six k zéro vingt-deux": French
        # account numbers hold letters), not "a", "y", "à", "i" (words of their own) unless they are spelled
        # beside another letter: "passeport dix-neuf a v huit trois cinq un deux"
        letter = len(tok) == 1 and tok.isalpha() and tok.islower() and (
            fold(tok) not in ("a", "y", "i", "o") or _spelled_pair(text, t.start(), t.end(), a, b))
        if words > 4 or not (fold(tok).strip(".…") in _FILLERS or _garbled(tok, common) or letter):
            return False
        if (tok.isupper() and len(tok.rstrip(".…")) >= 2) or is_cue_word(fold(tok).strip(".…")):
            return False  # "SSS 34-1927563-8, UMID CRN 0111-...", "NHIS 20957314, tel. +233 ...": the next one's cue
        p = t.end()


# The dot of an initial or a civility ends no sentence: "CIN de M. Saint-Fleur : 01-02-…"
_ABBREVIATION_DOT = re.compile(r"(?:^|[\s(])(?:[a-z]|mme|mlle|mm|dr|pr|me|mr|mrs|ms|no|tel|st|ste)$")


_POSSESSIVE_BEFORE = re.compile(r"(?<![\w'’])(?:his|her|my|your|their|mon|son|votre|leur|ton)[ \t]+$")


# "I have my passport, if that helps. It's, hold on, 564820913.": a sentence that only points back at what the
# one before named ("it's", "c'est") takes that sentence's cue
_POINTS_BACK = re.compile(
    r"[ \t]*(?:(?:yes|yeah|sure|ok|okay|so|um|uh|er|oui|alors|euh|bon)[ \t,.]+)*(?:it['’]s|it is|that['’]s|that is"
    r"|mine is|mine['’]s|his is|hers is|c['’]est|c est|ce sera|voila|le mien c['’]est|le sien c['’]est)"
    r"(?:[ \t,.…]+(?:hold on|one sec|one second|wait|let me see|let me check"
    r"|attendez|attends|euh|um|uh|er|le|the))*[ \t,.…]*$")


def last_cue_end(folded: str) -> int | None:
    """Where the last cue that names a kind of number ends, when nothing after it vetoes it or gives a number:
    "votre numéro fiscal, il fait treize chiffres, il est en haut à gauche de l'avis" asks for the fiscal
    number; what follows only describes it."""
    ends = [m.end() for label, rx in _CONTACT_CUES if label for m in rx.finditer(folded)]
    if not ends:
        return None
    end = max(ends)
    # "il fait treize chiffres", "it has nine digits": the length of the number asked for, no number given
    rest = re.sub(r"[\w'’-]+[ \t]+(?:chiffres|caracteres|lettres|digits|characters|letters|numbers)\b", " ",
                  folded[end:])
    if _CONTACT_VETO.search(folded, end) or any(c.isdigit() for c in rest) or any(
            w in NUMBER_WORDS or w in EN_NUMBER_WORDS for w in re.findall(r"[\w'’-]+", rest)):
        return None  # the question gives a number of its own (a read-back, a first attempt)
    return end


def _cue_label(folded: str, start: int) -> str | None:
    """The label a contact cue before ``start`` gives (the closest cue; a closer veto word wins)."""
    window = folded[max(0, start - 70):start]
    # a cue does not reach over the end of a sentence ("?" does not count: "vous avez son numéro ? oui
    # c'est le zéro six ..." is how a dialogue gives one)
    cut = max([window.rfind("! "), window.rfind("; ")] + [
        m.start() for m in re.finditer(r"(?<!\.)\. ", window) if not _ABBREVIATION_DOT.search(window, 0, m.start())])
    if cut >= 0 and not _POINTS_BACK.match(window, cut + 2):
        window = window[cut + 2:]
    best: tuple[int, str] | None = None
    best_start = 0
    labelled: list[tuple[int, str]] = []
    for label, rx in _CONTACT_CUES:
        for m in rx.finditer(window):
            if label:
                labelled.append((m.end(), label))
            if best is None or m.end() > best[0] or (m.end() == best[0] and label and not best[1]):
                best = (m.end(), label)
                best_start = m.start()
    if best is None:
        return None
    if not best[1]:
        # "account number", "card number", "insurance number": the word before "number" says what it is
        before = [x for x in labelled if best_start - 2 <= x[0] <= best_start]
        if before:
            # "health card number": the scheme's cue holds the word "card" too; the longer cue says it
            best = (best[0], "NIR" if any(lab == "NIR" for _, lab in before) else before[-1][1])
        elif any(lab == "NIR" for _, lab in labelled):
            # "the old passport of joy mathew number k four eight ...": the document named earlier in the
            # sentence says whose number it is
            best = (best[0], "NIR")
    veto = [m.end() for m in _CONTACT_VETO.finditer(window) if not window[max(0, m.start() - 5):m.end()].endswith(
        "area code")]
    if best[1]:
        veto = [v for v in veto if v != best[0]]  # "sort code": the veto word "code" is the cue's own
    if not best[1] and _POSSESSIVE_BEFORE.search(window, 0, best_start):
        # "... the farm work programme in canada his number up there is ...": a possessive makes the bare
        # cue a person's; a veto word earlier in the sentence is about something else
        veto = [v for v in veto if v >= best[0]]
    if veto and (max(veto) >= best[0] or not best[1]):
        return None  # "le numéro de dossier", "décret n°", "appel d'offres": a veto word after a cue / a bare one
    if _SERVICE_CTX.search(window):
        return None  # "numéro vert 0 800 ...": a public service line
    return best[1]


_CUE_AFTER = re.compile(
    r"^[\s,.;:!?]*(?:(?:c'est|c est|ce sont|voila|that's|that is|it's|this is|is)\s+)?(?:(?:mon|ma|son|sa|votre|notre"
    r"|leur|le|la|my|his|her|our|your|the)\s+)?(?:numero(?: de (?:telephone|portable|fixe|tel))?|portable|mobile|fixe"
    r"|telephone|ligne directe|standard|perso|iban|rib|numero de secu|carte|cell|phone|number|landline)\b"
)


def _cue_after(folded: str, end: int) -> str | None:
    """"... zéro six douze, c'est mon portable", "... that's my mobile": the cue after the number."""
    m = _CUE_AFTER.match(folded[end:end + 50])
    if m is None:
        return None
    if re.search(r"[.!?;]", m.group()):
        # "ligne 6568-12. Son numéro NEPH, c'est 1907 …": a cue past the end of the sentence that goes on to
        # give a number of its own is that number's
        rest = re.split(r"[.!?;]", folded[end + m.end():end + m.end() + 60], maxsplit=1)[0]
        if re.search(r"\d", rest) or any(w in NUMBER_WORDS for w in re.findall(r"[a-z]+", rest)):
            return None
    for label, rx in _CONTACT_CUES:
        if label and rx.search(m.group()):
            return label
    return "PHONE" if re.search(r"numero|number", m.group()) else None


_JUST_AFTER_CUE = re.compile(r"[ \t]*(?:(?:no|n°|number|numero|num|est|is|c'est|le|:|#|,)[ \t.:]*)*$")


def _identity_cue_just_before(folded: str, start: int) -> bool:
    """An identity scheme's name right before the number, a "number" or "is" between at most."""
    window = folded[max(0, start - 40):start]
    return any(_JUST_AFTER_CUE.match(window, m.end()) for m in _CONTACT_CUES[0][1].finditer(window))


def _spoken_french_phone(nums: list[Unit], digits: int, folded: str, start: int) -> bool:
    """"zéro six, vingt-trois... non, vingt-quatre ...": a French phone number said aloud starts with "zéro"
    and a digit 1-9 (the trunk prefix and the zone or mobile digit); with eight digits or more, and no
    veto word before it, it needs no cue."""
    if digits < 8 or nums[0].kind != "words" or nums[0].digits != "0":
        return False
    nxt = nums[1].digits if len(nums) > 1 else ""
    if not nxt or nxt[0] not in "123456789":
        return False
    return _CONTACT_VETO.search(folded[max(0, start - 40):start]) is None


def _valid_phone(body: str) -> bool:
    """A valid number of the French plan or of one of the other plans tried (any grouping)."""
    if not body.isdigit():
        return False
    if phone_kind(body) is not None:
        return True
    return any(phone_valid(body, region) is not None for region in _FOREIGN_REGIONS)


def _thousands_shape(nums: list[Unit]) -> bool:
    g = [u.digits for u in nums]
    return len(g) >= 2 and 1 <= len(g[0]) <= 3 and all(len(x) == 3 for x in g[1:])


def _digit_by_digit(nums: list[Unit], digits: int) -> bool:
    """Seven digits or more said one by one ("oh two oh, seven nine four six", "six un deux ..."), with
    "double"/"triple" allowed: how people read out an identifier, never an amount."""
    if digits < 7 or not all(u.kind == "words" for u in nums):
        return False
    single = sum(1 for u in nums if len(u.digits) == 1 or (len(set(u.digits)) == 1 and len(u.digits) <= 3))
    return single >= 0.8 * len(nums)


# The words that introduce a number given to be dialled ("c'est le 634 782 159", "au 347 218 9054",
# "it's 415 555 0134"): a bare determiner or "au" right before, not "de", "à", "environ", "plus de"
# that introduce a quantity. Only for runs a phone plan validates, with no unit word after them.
_PHONE_INTRO = re.compile(r"(?:\bc'est le|\bc est le|\bsur le|\bau|\bc'est|\bit's|\bit is|\bon|\bat)[ \t:,]*$")


def _phone_introduced(folded: str, start: int) -> bool:
    return _PHONE_INTRO.search(folded[max(0, start - 12):start]) is not None


# Public service numbers (the French short numbers, 15 to 3949): said one after another ("le 115 et le
# 3949"), they are two numbers, not the groups of one identifier.
_SERVICE_NUMBERS = re.compile(r"1[0-9]{2}|116[0-9]{3}|3[0-9]{3}")
_EMERGENCY = frozenset("15 17 18 112 114 115 119 191 196 197 3919 3949 999 911 000 110 113 118".split())


# US Social Security number (SSA): area 001-899 but not 666, group 01-99, serial 0001-9999, written 3-2-4, a
# grouping no phone plan uses; with its cue ("SSN", "social security") it is the person's, whatever else reads it.
_SSN_RE = re.compile(r"(?<![\w-])(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}(?![\w-])")
_SSN_CUE = re.compile(r"(?<![\w'’])(?:ssn|social security|social-security|soc\. sec\.)(?![\w'’])[^.;!?\n]{0,40}$")


def _us_social_security(text: str, folded: str, ents: list[Entity]) -> list[Entity]:
    found = [m for m in _SSN_RE.finditer(folded) if _SSN_CUE.search(folded, max(0, m.start() - 60), m.start())]
    if not found:
        return ents
    kept = [e for e in ents if not any(e.start < m.end() and m.start() < e.end for m in found)]
    return kept + [Entity(start=m.start(), end=m.end(), label="NIR", text=text[m.start():m.end()], score=1.0,
                          source="pattern") for m in found]


# National identity cards whose number carries its own check: Singapore NRIC/FIN (ICA: weights 2 7 6 5 4 3 2,
# +4 for T and G, check letter from the residue), Hong Kong HKID (weights 9..2 over letters A=10.., a missing
# first letter as 36, check 11 - residue, 10 = A); a Maltese identity card number (digits and a letter) only
# after its cue.
_NRIC_RE = re.compile(r"(?<![\w-])([STFG])(\d{7})([A-Z])(?![\w-])")
_HKID_RE = re.compile(r"(?<![\w-])([A-Z]{1,2})(\d{6})[ \t]?\(([0-9A])\)")  # written with its check in brackets
_MT_ID_RE = re.compile(r"(?<![\w-])\d{1,7}[MGAPLHBZ](?![\w-])")
_ID_CARD_CUE = re.compile(r"(?:id card|identity card|id number|identity number|karta|\bid\b)[^.;!?\n]{0,20}$",
                          re.IGNORECASE)


def _nric_ok(prefix: str, digits: str, letter: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2), strict=True)) + (
        4 if prefix in "TG" else 0)
    table = "JZIHGFEDCBA" if prefix in "ST" else "XWUTRQPNMLK"
    return table[total % 11] == letter


def _hkid_ok(letters: str, digits: str, check: str) -> bool:
    values = ([36] if len(letters) == 1 else []) + [ord(c) - 55 for c in letters] + [int(d) for d in digits]
    residue = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True)) % 11
    expected = (11 - residue) % 11
    return check == ("A" if expected == 10 else str(expected))


def _national_ids(text: str, ents: list[Entity]) -> list[Entity]:
    found = [(m.start(), m.end()) for m in _NRIC_RE.finditer(text) if _nric_ok(*m.groups())]
    found += [(m.start(), m.end()) for m in _HKID_RE.finditer(text) if _hkid_ok(*m.groups())]
    found += [(m.start(), m.end()) for m in _MT_ID_RE.finditer(text)
              if _ID_CARD_CUE.search(text, max(0, m.start() - 40), m.start())]
    if not found:
        return ents
    kept = [e for e in ents if not any(e.start < b and a < e.end for a, b in found)]
    return kept + [Entity(start=a, end=b, label="NIR", text=text[a:b], score=1.0, source="pattern") for a, b in found]


# Freephone and shared-cost ranges of the national plans (Ofcom 080/0500, ComReg 1800/1850/1890, ACMA 1800/1300
# and six-digit 13, NANP 800/888/877/866/855/844/833, ARCEP 0800-0805): a helpline's number, not a person's,
# unless the words before make it someone's ("her cell is 1 800 ...").
_TOLL_FREE = re.compile(r"(?:44|0)?(?:800|808|500)\d{6,7}|(?:353)?1(?:800|850|890)\d{6}|(?:61)?1[38]00\d{6}"
                        r"|(?:61)?13\d{4}|1?(?:800|888|877|866|855|844|833)\d{7}|(?:33|0)80[0-5]\d{6}")
# (France's 0806-0809 are ordinary-rate service numbers, but a number said alone is not sure to be one: they stay
# personal data unless a service cue names them)
_PERSONAL_CUE = re.compile(r"(?<![\w'’])(?:his|her|my|your|their|mobile|cell|home|personal|direct|private|portable"
                           r"|perso|personnel|son|sa|mon|ma|domicile|fixe)(?![\w'’])[^.!?\n,;]{0,30}$")


# An organisation's line named right before its number: "the Legal Aid front desk is 902-420-6578", "the call
# centre is three two four three oh oh oh", "NIS customer service (246) 431-7400", "le standard de la mairie :
# 01 …". Nobody's own: it is printed on letters and websites. A possessive or a person's line word between
# ("her desk line", "mon portable") makes it someone's again.
_SERVICE_LINE_BEFORE = re.compile(
    r"(?<!\w)(?:help[ -]?line|hot[ -]?line|front desk|reception(?: desk)?|call cent(?:re|er)|contact cent(?:re|er)"
    r"|customer (?:service|services|care|support)|enquir(?:y|ies) line|inquir(?:y|ies) line|advice line"
    r"|information line|info line|switchboard|general(?: [a-z]+){0,2} line|(?:main|office) line"
    # "the consumer affairs victoria line is …": an organisation's line, unless someone's ("the direct line")
    r"|the(?:[ \t]+(?!(?:my|his|her|your|their|our|direct|mobile|cell|personal|home|private|land|landline|phone"
    # a mobile-money or messaging line is someone's own ("she has given the mpesa line oh seven …")
    r"|work|own|desk|mpesa|m-pesa|momo|whatsapp|viber|telegram|signal|gcash|wave)\b)[a-z]+){1,3}"
    r"[ \t]+(?:line|hotline|helpline)"
    r"|standard(?: (?:du|de la|de l'|des) [a-z'-]+(?: [a-z'-]+)?)?|accueil(?: (?:du|de la|de l'|des) [a-z'-]+)?"
    r"|plateforme(?: telephonique)?|service client|serveur vocal"
    # "vous appelez l'agence au 05 …", "pour toute question c'est le …": an office's line
    r"|(?:appelez|appeler|contactez|contacter|joindre|joignez)[ \t]+(?:l'|la |le )(?:agence|mairie|caf|cpam"
    r"|prefecture|tresorerie|permanence|secretariat|guichet|bureau|centre|accueil|antenne|standard)"
    r"(?:[ \t]+(?:du|de la|de l'|des|d')[ \t]*[a-z'-]+)?"
    r"|pour (?:toute|tout|toutes|tous) (?:question|questions|renseignement|renseignements|information|informations)"
    # "le service gestion locative est joignable au 01 …": a service's own line
    r"|(?:le|la|l')[ \t]*(?:service|secretariat|accueil|standard|guichet|permanence|agence|mairie|bureau)"
    r"(?:[ \t]+[a-z'-]+){0,3}[ \t]+(?:est[ \t]+)?joignable"
    # "if you have any questions, ring …", "after hours call …": the office gives its own line
    r"|(?:if you(?:'ve| have)(?: got)? any (?:questions|queries|concerns?)|any (?:questions|queries)|after hours"
    r"|out of hours)[ \t,]+(?:before then[ \t,]+)?(?:please[ \t]+)?(?:ring|call|phone|contact|dial)"
    r"(?:[ \t]+(?!me\b|my\b|him\b|her\b)[a-z]+){0,2})"
    r"(?:[ \t]+(?:number|no|numero))?[ \t]*(?:is|was|est|c['’]est|:|on|at|au)?[ \t]*(?:the|le)?[ \t]*\(?$")


def service_line(folded: str, start: int) -> bool:
    """Whether the number at ``start`` is an organisation's line named right before it (``_SERVICE_LINE_BEFORE``);
    the first number words of a number the span does not hold ("… line is thirteen hundred fifty five …") are
    skipped."""
    end = start + 1 if folded[start:start + 1] == "(" else start
    while (w := re.search(r"([a-z]+)[ \t]+$", folded[max(0, end - 20):end])) and w.group(1) in EN_NUMBER_WORDS:
        end -= len(w.group())
    return _SERVICE_LINE_BEFORE.search(folded, max(0, start - 60), end) is not None


def _toll_free(text: str, folded: str, e: Entity, lang: str) -> bool:
    units = numeric_runs(text[e.start:e.end], folded[e.start:e.end], lang=lang)
    digits = "".join(u.digits for run in units for u in run if u.is_number) or re.sub(r"\D", "", e.text)
    # "zéro huit cents quarante-six quarante-six zéro zéro": a freephone's 800 said as a hundred, then pairs
    spoken = re.sub(r"(?<![\w'’])(cents?|hundred)[ \t]+", r"\1, ", folded[e.start:e.end])
    as_hundred = "".join(u.digits for run in numeric_runs(spoken, spoken, lang=lang) for u in run if u.is_number)
    if not (_TOLL_FREE.fullmatch(digits) or _TOLL_FREE.fullmatch(as_hundred)):
        return False
    return _PERSONAL_CUE.search(folded, max(0, e.start - 50), e.start) is None


def _service_number(run: list[Unit], lang: str = "fr") -> bool:
    digits = "".join(u.digits for u in run if u.is_number)
    written = [u for u in run if u.is_number]
    # France's short numbers (3949, 115, 116 000) are no other plan's: in English, "55, uh, 3071" goes on
    if lang == "fr" and len(written) == 1 and written[0].kind == "digits" and _SERVICE_NUMBERS.fullmatch(digits):
        return True
    return digits in _EMERGENCY  # "not nine nine nine um nine nine nine": said twice, still 999


# A reference, not an identifier of a person: digits glued to a code by a hyphen or slash ("REQ-2026-00871"),
# a year and a dash opening the number ("2026-00451", how files are numbered; no phone plan writes that),
# or a capitalised code right before it ("PC 044 109 25 00123", a building permit), bar the cues.
_REF_CODE_BEFORE = re.compile(r"(?<![\w'’])([A-Z]{2,5})[ 	]?(?:n°[ 	]?)?$")
_NINO_SHAPE = re.compile(r"[a-z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[a-d](?![\w'’])")
_CUE_CODES = frozenset("CB IBAN RIB BIC NIR TEL GSM SMS SSN NI NINO BSN".split())


def _reference_number(text: str, start: int, *, code_counts: bool = True, identity: bool = False,
                      account: bool = False) -> bool:
    """Digits that number a file, a permit or a time, not a person.  ``identity``: an identity cue names the
    number ("SSS 34-1927563-8", "Ghana Card GHA-728146390-1", "PhilHealth PIN 12-025348719-6"): its dashes
    and letter prefix are the scheme's own writing, only years and times still make it something else."""
    if re.match(r"[\d ,]+[:h]\d\d\b", text[start:start + 12]):
        return True  # "2024, 15:00": a time
    if re.match(r"(?:19|20)[0-9]{2}[-/][0-9A-Za-z]", text[start:start + 6]):
        return True  # "2026-00451", "2025-DPE-00731", "2025/004871": how files are numbered
    if re.search(r"(?<![\w-])(?:19|20)[0-9]{2}[-/][A-Za-z0-9]+[-/]$", text[max(0, start - 16):start]):
        return True  # "Dossier RAMQ 2026-MTL-440917": the tail of a file number opened by its year
    if identity:
        return start > 1 and text[start - 1] in "/_" and text[start - 2].isalnum()
    if start > 0 and text[start - 1] in "-/_" and start > 1 and text[start - 2].isalnum():
        return True
    hyphenated = re.match(r"\d+-\d+[\d-]*", text[start:])
    if hyphenated and any(len(g) >= 5 for g in hyphenated.group().split("-")) and not account:
        return True  # "9302-24-118745": groups a phone plan never writes (a receipt, a case number)
    token = re.match(r"[\w/-]+", text[start:])
    if token and "-" in token.group() and re.search(r"[A-Za-z]", token.group()) and re.search(r"\d", token.group()):
        return True  # "93-AR-2025-05531": digits and letters in one hyphenated code
    if not code_counts:
        return False  # "my ni number is QQ 12 34 56 C": the letters are part of the identifier
    window = max(0, start - 10)
    code = _REF_CODE_BEFORE.search(text[window:start])
    if code is None or code.group(1) in _CUE_CODES:
        return False
    # "QQ 12 34 56 C": two letters, six digits and a letter are a UK National Insurance number
    return _NINO_SHAPE.match(text.lower(), window + code.start(1)) is None


def _vetoed(folded: str, start: int) -> bool:
    """A file, decree, order or amount word (or a public service line) shortly before ``start``."""
    window = folded[max(0, start - 40):start]
    return _CONTACT_VETO.search(window) is not None or _SERVICE_CTX.search(window) is not None


def _quantity_shape(nums: list[Unit], text: str) -> bool:
    """Digits written as a date, years or an amount, not as an identifier: "12 03 2024", "2023 2024
    2025", "1 200 000", "12 345 678" (groups of three after the first: thousands)."""
    if not all(u.kind == "digits" for u in nums):
        return False
    g = [u.digits for u in nums]
    return _date_shape(nums) or (len(g) >= 2 and 1 <= len(g[0]) <= 3 and g[0][0] != "0"
                                 and all(len(x) == 3 for x in g[1:]))


def _date_shape(nums: list[Unit]) -> bool:
    """"12 03 2024", "04/15/2024", "2023 2024 2025": dates and years."""
    if not all(u.kind == "digits" for u in nums):
        return False
    g = [u.digits for u in nums]
    year = [len(x) == 4 and x[:2] in ("19", "20") for x in g]
    if all(year):
        return True
    if len(g) in (2, 3) and ((len(g[-1]) == 4 and year[-1]) or (len(g) == 3 and len(g[-1]) == 2)):
        head = g[:-1]
        if all(len(x) <= 2 for x in head) and (
                (len(head) == 2 and int(head[0]) <= 31 and 1 <= int(head[1]) <= 12)
                or (len(head) == 2 and 1 <= int(head[0]) <= 12 and int(head[1]) <= 31)
                or (len(head) == 1 and int(head[0]) <= 31 and year[-1])):
            return True  # dd mm yyyy, mm dd yyyy, "june 12 2025"
    return False


def names_a_number(folded: str) -> bool:
    """Do these words say what a number after them is (a contact or identity cue, or a veto: a file, a
    reference, an amount)?"""
    return _CONTACT_VETO.search(folded) is not None or any(rx.search(folded) for _, rx in _CONTACT_CUES)


def is_cue_word(word: str) -> bool:
    """A folded word that names a contact or identity number ("nric", "sss", "mobile"): no name."""
    return any(rx.fullmatch(word) for _, rx in _CONTACT_CUES)


def _split_at_slashes(text: str, runs: list[list[Unit]]) -> list[list[Unit]]:
    """"06 12 34 56 78 / 07 98 76 54 32": a spaced slash between two numbers given side by side splits them."""
    out: list[list[Unit]] = []
    for run in runs:
        cur = [run[0]]
        for a, b in itertools.pairwise(run):
            if " / " in text[a.end:b.start]:
                out.append(cur)
                cur = []
            cur.append(b)
        out.append(cur)
    return out


def _split_after_dashed(text: str, runs: list[list[Unit]]) -> list[list[Unit]]:
    """"PIN 12-025348719-6, 43 Masikap St.": after a number written with dashes, a comma ends it."""
    out: list[list[Unit]] = []
    for run in runs:
        cur: list[Unit] = []
        for u in run:
            if (cur and u.kind == "digits" and cur[-1].kind == "digits" and "," in text[cur[-1].end:u.start]
                    and re.search(r"\d-\d", text[cur[0].start:cur[-1].end])):
                out.append(cur)
                cur = []
            cur.append(u)
        out.append(cur)
    return out


# The name of one part of a bank account right before its digits: "transit oh two eight one four", "institution
# oh oh four", "routing number …", "BSB 062-692", "sort code 20-34-56"
_BANK_PART_BEFORE = re.compile(r"(?<![\w'’])(?:transit|institution|routing|bsb|sort code|branch code|aba)"
                               r"(?:[ \t]+(?:number|no\.?|numero|code))?(?:[ \t]+(?:is|c'est|est))?[ \t]*:?[ \t]*$"
                               # an Indian branch's IFSC: four letters (spelled out), a zero, six more
                               r"|(?<![\w'’])ifsc(?:[ \t]+code)?(?:[ \t]+is)?[ \t:]+(?:[a-z][ \t]+){4}$")
# "account 442 109 336": groups of three right after the account's name are its digits, not thousands
_ACCOUNT_JUST_BEFORE = re.compile(r"(?<![\w'’])(?:account|acct|a/c|compte|folio)(?:[ \t]+(?:number|no|numero|n°))?"
                                  r"[ \t.:#]*$")
_BANK_PART_LABEL = re.compile(r"(?<![\w'’])(?:transit|routing|bsb|sort[ \t-]?code|branch code|aba|ifsc)"
                              r"(?:[ \t]+(?:number|no\.?|code))?(?:[ \t]+(?:is|c'est|est))?[ \t]*[:,]?[ \t]*$")
# The words between two parts of one bank account: "sort code 82-61-45 account number 12447930", "transit
# 02814 institution 004 account 7712093", "BSB 062-692 1043 8817"
_BANK_PART_GAP = re.compile(r"[ \t]*,?[ \t]*(?:(?:uh|um|euh|and|et|then|puis)[ \t]+)*(?:(?:the|le|son|his|her)[ \t]+)?"
                            r"(?:account(?:[ \t]+(?:number|no\.?))?|acct\.?|a/c(?:[ \t]+no\.?)?"
                            r"|institution(?:[ \t]+number)?"
                            r"|transit(?:[ \t]+number)?|routing(?:[ \t]+number)?|compte|numero de compte"
                            # Desjardins numbers the account itself as its "folio"
                            r"|account number is|no de compte|folio(?:[ \t]+(?:number|numero))?)[ \t]*:?[ \t]*")


# An Indian branch's IFSC written out: four letters (the bank), a zero, six letters or digits (the branch),
# after its name or right before the account it goes with ("SBIN0004512, a/c 30987761254")
_IFSC = re.compile(r"(?<![\w'’])[A-Z]{4}0[A-Z0-9]{6}(?![\w'’])")
_IFSC_BEFORE = re.compile(r"(?<![\w'’])ifsc(?:[ \t]+code)?(?:[ \t]+is)?[ \t:]*$")


def find_ifsc(text: str, folded: str) -> list[Entity]:
    """Written IFSC codes that name the bank and branch of an account (see above)."""
    out = []
    for m in _IFSC.finditer(text):
        after = _BANK_PART_GAP.match(folded, m.end())
        if _IFSC_BEFORE.search(folded, max(0, m.start() - 20), m.start()) or (
                after is not None and after.group().strip() and folded[after.end():after.end() + 1].isdigit()):
            out.append(Entity(start=m.start(), end=m.end(), label="IBAN", text=m.group(), score=0.7, source="context"))
    return out


def _join_bank_parts(text: str, folded: str, ents: list[Entity]) -> list[Entity]:
    """One span for the parts of one bank account said one after the other (see above): the words between
    them name the parts, and a viewer must not see which bank and branch the account is at either."""
    ents = sorted(ents, key=lambda e: e.start)
    out: list[Entity] = []
    for e in ents:
        last = out[-1] if out else None
        if (last is not None and e.start >= last.end and {last.label, e.label} <= {"IBAN", "PHONE"}
                and "IBAN" in (last.label, e.label) and _BANK_PART_GAP.fullmatch(folded, last.end, e.start)):
            out[-1] = last.model_copy(update={"end": e.end, "text": text[last.start:e.end], "label": "IBAN"})
            continue
        out.append(e)
    # "sort code 09-00-12 account 24466081", "BSB 062-148, account 1077 3329": the name of the first part goes
    # with the account (it says which bank's numbers these are; annotators write it either way)
    for k, e in enumerate(out):
        if e.label == "IBAN" and (m := _BANK_PART_LABEL.search(folded, max(0, e.start - 30), e.start)):
            out[k] = e.model_copy(update={"start": m.start(), "text": text[m.start():e.end]})
    return out


def _digits_of(runs: list[list[Unit]]) -> str:
    return "".join(u.digits for run in runs for u in run if u.is_number)


def find_contact_numbers(text: str, folded: str, lang: str = "fr", common: Container[str] | None = None,
                         runs: list[list[Unit]] | None = None) -> list[Entity]:
    """Spoken identifiers as ASR really writes them: a run of digits and number words that carries six
    or more digits, after a contact or identity cue ("appeler", "joindre", "numéro", "portable", "sécu",
    "compte", "carte", "IBAN", "RIB", "call", "cell" ...), is personal data even when no checksum or
    phone plan validates it.  Fillers, self-corrections and garbled tokens may sit inside the span
    ("douze tratt' quatre, cinq ...", "zéro six, non pardon, zéro sept ...").  The label is what the
    cue says (PHONE, NIR, IBAN, PAYMENT_CARD; a bare "numéro" by length).  Amounts, times and
    quantities (a unit word after the number), file, decree and article numbers (a veto word between
    the cue and the number) stay."""
    if runs is None:
        runs = numeric_runs(text, folded, lang=lang)
    if not runs:
        return []
    stretches = [[r] for r in _split_at_slashes(text, _split_after_dashed(text, runs))]
    # join runs that only fillers / corrections / garbled tokens separate
    joined: list[list[list[Unit]]] = []
    for st in stretches:
        # "… nine uh one seven b": a short group ending on an identifier's check letter is no service number
        lettered = trailing_letters_end(text, st[0][-1].end) > st[0][-1].end
        # a short group right after an identity scheme's name opens its number ("ird number is one one oh uh …")
        opening = bool(joined) and len(joined[-1]) == 1 and _identity_cue_just_before(folded, joined[-1][0][0].start)
        # "zéro six trente-neuf soixante-neuf quarante-deux euh dix-sept": the last pair of a French number
        # that a pause cut off, not the police's 17
        said_so_far = _digits_of(joined[-1]) if joined else ""
        completes = len(said_so_far) == 8 and said_so_far.startswith("0") and len(_digits_of([st[0]])) == 2
        if joined and _link(text, folded, joined[-1][-1][-1].end, st[0][0].start, common) and not (
                (_service_number(joined[-1][-1], lang) and not opening)
                or (_service_number(st[0], lang) and not lettered and not completes)):
            joined[-1].append(st[0])
        else:
            joined.append(st)
    out: list[Entity] = []
    for group in joined:
        units = [u for run in group for u in run if u.is_number or u.kind in ("letter", "country")]
        nums = [u for u in units if u.is_number]
        digits = sum(len(u.digits) for u in nums)
        start, end = units[0].start, units[-1].end
        bank_part = _BANK_PART_BEFORE.search(folded, max(0, start - 30), start) is not None
        if digits < 4 and not (digits == 3 and bank_part):
            continue  # "institution oh oh four": a Canadian bank's three digits
        if _UNIT_AFTER.match(text, end):
            continue
        label = "IBAN" if bank_part else _cue_label(folded, start)
        if label is None:
            label = _cue_after(folded, end)
        letters = _identifier_letters(text, start, end) if label == "NIR" and digits < 6 else 0
        if digits < 6 and not bank_part and not (label == "NIR" and (digits + letters >= 8 or (
                digits >= 4 and letters >= 3))):  # New Zealand's NHI: three letters, four digits
            continue  # "pan c k l p b six one oh four r": an Indian PAN has five letters, four digits, a letter
        # an identity or a bank-account cue names the number: its dashes are the scheme's own writing
        # ("SSS 34-1927563-8", New Zealand's "acct 38-9011-0472918-002": bank, branch, account, suffix), but
        # a code glued before it still makes a reference ("mandat SEPA MDT-93-2024-11872")
        identity = label in ("NIR", "IBAN")
        if _reference_number(text, start, code_counts=not identity, identity=label == "NIR",
                             account=label == "IBAN"):
            continue  # "REQ-2026-00871", "n° 2026-00451", "PC 044 109 25 00123": a file or permit reference
        if (label in (None, "") and digits >= 9 and _thousands_shape(nums)
                and _valid_phone("".join(u.digits for u in nums))
                and (label == "" or _phone_introduced(folded, start)) and not _vetoed(folded, start)):
            # "chez elle c'est le 634 782 159", "un numéro espagnol 634 218 905": a mobile in threes that a
            # phone plan validates, no unit after it, "le"/"au" or a bare "numéro" before it
            label = "PHONE"
        if _quantity_shape(nums, text) and not (
                label == "PHONE" and digits >= 9 and _thousands_shape(nums)
                and _valid_phone("".join(u.digits for u in nums))) and not (
                identity and ("-" in text[start:end] or _identity_cue_just_before(folded, start)
                              # English writes its thousands with commas: "his own SIN now, it's 946 281 307"
                              or (label == "NIR" and lang == "en" and "," not in text[start:end]
                                  and not _date_shape(nums))
                              or (label == "IBAN" and _ACCOUNT_JUST_BEFORE.search(folded, max(0, start - 30), start)))):
            # "TRN 112-384-957": nobody writes a quantity with dashes; "NAS 946 454 286": nor right after the
            # scheme's name
            continue  # "1 200 000", "12 03 2024" ... but "joignable au 655 218 904" is a Spanish mobile
        if label is None and lang == "fr" and _spoken_french_phone(nums, digits, folded, start):
            label = "PHONE"
        if label is None and group[0][0].kind == "plus" and phone_kind("+" + "".join(u.digits for u in nums)):
            label = "PHONE"  # "plus trente-neuf trois cent quarante-sept euh huit quatre ...": a valid +39 number
            start = group[0][0].start
        if label is None and _digit_by_digit(nums, digits) and not _vetoed(folded, start):
            label = ""  # "eight one eight, five five, five oh three two one": nobody says an amount that way
        if (label is None and len(group) > 1 and digits >= 9 and all(u.kind == "digits" for u in nums)
                and _valid_phone("".join(u.digits for u in nums)) and not _vetoed(folded, start)):
            label = "PHONE"  # "Or Viliami's, 0433... uh, 180 762.": a valid mobile that a pause cut in two
        if label is None:
            continue
        words = folded[start:end]
        if re.search(r"\bmillions?\b|\bmilliards?\b|\bmillion\b|\bthousand\b", words):
            continue
        if re.search(r"(?<![\w'’])\d{1,2}[ \t]?h[ \t]?\d\d(?!\d)|\bheures?\b|o'clock", words):
            continue  # "de 7 h 45 à 15 h 30, 2 rue …": opening hours, not a number of anyone's
        if re.search(r"\b(?:pounds?|euros?|dollars?|francs?|dirhams?|rands?|rupees?|pence|centimes?)\b", words):
            continue  # "two hundred and twelve pounds forty": an amount with its currency inside
        if "mille" in words and label not in ("IBAN", "NIR", "PAYMENT_CARD"):
            continue
        if label == "PAYMENT_CARD" and (
                _LEADING_LETTERS.search(text, max(0, start - 16), start) is not None
                or ((check := re.match(r"[ \t]?([A-Za-z])(?![\w'’])", text[end:end + 3])) is not None
                    and check.group(1).lower() not in ("a", "i"))):
            label = "NIR"  # "her card number is k t five five oh two nine one": no payment card holds letters (ISO/IEC
            # 7812); a member, health or identity card does
        if not label:
            # a self-correction inside the span: the number given is what follows the last one
            fix = [m.end() for m in _CORRECTION.finditer(folded, start, end)]
            if fix:
                kept = sum(len(u.digits) for u in nums if u.start >= fix[-1])
                digits = kept if kept >= 6 else digits
            lead = _LEADING_LETTERS.search(text, max(0, start - 16), start)
            check = re.match(r"[ \t]?([A-Za-z])(?![\w'’])", text[end:end + 3])
            if lead is not None or (check is not None and check.group(1).lower() not in ("a", "i")):
                # "can i get your member number first" / "s uh zero four four seven one two": no phone plan
                # holds letters; an identifier does
                label = "NIR"
        if not label:
            label = "NIR" if 13 <= digits <= 15 else "PAYMENT_CARD" if 16 <= digits <= 19 and not any(
                u.digits.startswith("0") for u in nums[:1]) else "IBAN" if digits > 19 else "PHONE"
        chars = 2 + sum(len(u.digits) for u in units[1:] if u.is_number or u.kind == "letter")
        country_length = IBAN_LENGTHS.get(text[units[0].start:units[0].end].upper())
        if not units[0].is_number and (label != "IBAN" or chars < 15 or (
                country_length is not None and abs(country_length - chars) > 2)):
            # "reach her at 212 ...", "the sort code is 20-34-56": "at", "is" are no country code here (the
            # shortest IBAN, ISO 13616, has 15 characters); nor is "is" (Iceland, 26) before 18 characters:
            # "his account is 38-9011-0472918-002"
            start = nums[0].start
        if label in ("PHONE", "PAYMENT_CARD", "") and cued_national_id(
                "".join(u.digits for u in nums), text[max(0, start - 80):start]):
            label = "NIR"
        if label in ("IBAN", "PHONE", "") and digits >= 12 and iban_country_start(text, folded, start) < start:
            label = "IBAN"  # "b e quarante-quatre zéro six …": a country's two letters, then an account's digits
        if label == "PHONE" and group[0][0].kind == "plus":
            start = group[0][0].start  # "call her on plus two five four …": the plus is the number's own
        if label == "IBAN":
            start = iban_country_start(text, folded, start)
            if bank_part:
                start = leading_letters_start(text, start)  # "ifsc s b i n oh oh one …": the bank's letters
        if label == "PHONE" and end < len(text) and text[end].isalpha() and text[end - 1].isdigit():
            label = "NIR"  # "4521873R": no phone number ends in a letter; an identifier does
        if label == "NIR":
            # an identifier's letters around its digits: "seven seven one nine two six four f" (PPSN),
            # "n p seven three oh one five eight a" (NINO), "s nine oh one ... d" (NRIC), "GHA-728146390-1"
            end = trailing_letters_end(text, end)
            start = leading_letters_start(text, start)
        if start > 0 and text[start - 1] == "(" and ")" in text[start:end]:
            start -= 1
        out.append(Entity(start=start, end=end, label=label, text=text[start:end], score=0.7, source="context"))
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
    # Quebec numbers its houses up to five digits ("11230, avenue Pelletier")
    rf"(?<![\w,.])(\d{{1,5}}(?:\s?[-/]\s?\d{{1,4}})?|(?:{_NUMW})(?:[\s-](?:{_NUMW}|et|un|une))*)"
    rf"(?:\s?(?:bis|ter|quater|[a-hq])\b)?\s*,?\s*(?:(?:de la|de l'|du|des)\s+)?(?:{_STREET_TYPES})\b\.?",
)
# The same head with the house number read out in English ("twelve rue des lilas" in an English meeting).
_EN_HOUSE_NUM = "|".join(sorted((w for w in EN_NUMBER_WORDS if w not in ("oh", "double", "triple", "a", "and")),
                                key=len, reverse=True))
_ADDR_HEAD_RE_EN = re.compile(
    rf"(?<![\w,.])(\d{{1,4}}(?:\s?[-/]\s?\d{{1,4}})?|(?:{_EN_HOUSE_NUM})(?:[\s-](?:{_EN_HOUSE_NUM}))*)"
    rf"(?:\s?(?:bis|ter|quater|[a-hq])\b)?\s*,?\s*(?:(?:de la|de l'|du|des)\s+)?(?:{_STREET_TYPES})\b\.?",
)
_NAME_TOKEN_RE = re.compile(r"[^\W\d_][\w'’\-]*\.?|\d{1,4}(?:e|er|eme)?\b")
_ADDR_STOP = frozenset(fold(w) for w in """
a à et pour qui que dans avec depuis mais ou où donc car est sont ont il elle on nous vous je j c ce ça
en au aux sur chez vers par pendant entre dont si alors comme puis tout tous c'est j'habite habite
ai avons avez suis etait sera serait merci bonjour oui non voila voilà ensuite aussi encore près
derrière devant après avant côté pendant depuis
""".split())
# the same words as written (accents kept): "prés" (meadows: "chemin des prés") is no "près"
_ADDR_STOP_WRITTEN = frozenset("""
a à et pour qui que dans avec depuis mais ou où donc car est sont ont il elle on nous vous je j c ce ça
en au aux sur chez vers par pendant entre dont si alors comme puis tout tous c'est j'habite habite
ai avons avez suis etait était sera serait merci bonjour oui non voila voilà ensuite aussi encore près
derrière devant après avant côté pendant depuis
""".split())
_ADDR_PARTICLES = frozenset("de du des d la le les l d' l' saint sainte st ste aux".split())
_POSTAL_RE = re.compile(r"[\s,]*(?:(\d{5}|\d{2}\s\d{3})|((?:[^\W\d_]+[\s-]?){1,6}))", re.UNICODE)
_CITY_TOKEN_RE = re.compile(r"[^\W\d_][\w'’]*(?:-[^\W\d_][\w'’]*)*")


def _date_in_name(text: str, folded: str, s: int, e: int, prev: str) -> bool:
    if prev in MONTHS_FR and e - s == 4:
        return True
    nxt = re.compile(r"[ \t]+([^\W\d_]+)").match(folded, e)
    return bool(nxt and nxt.group(1) in MONTHS_FR and e - s <= 2)


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
            if (ftok in _ADDR_STOP and (tok.lower() == ftok or tok.lower().rstrip(".") in _ADDR_STOP_WRITTEN)) or (
                    ftok in STREET_WORDS):
                break
            if real > 0 and (_UNIT_WORD_RE.fullmatch(ftok) or _ORDINAL_RE.fullmatch(ftok)):
                break  # "avenue jean jaurès bâtiment c", "rue du docteur schweitzer deuxième étage"
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
_ORDINAL_RE = re.compile(r"(?:\d{1,2}(?:e|eme|er|ere)|[a-z-]+iemes?|premier|premiere|rez-de-chaussee)")


_TOWN_OPENERS = frozenset("le la les l saint sainte st ste".split())


def _take_postal_city(text: str, folded: str, pos: int, lang: str = "fr") -> int:
    m = re.compile(r"[ \t]*,?[ \t]*(\d{5}|\d{2}[ \u00a0]\d{3})\b").match(text, pos)
    end = pos
    if m:
        end = m.end()
    else:
        # spoken postal code: "soixante-quinze zéro onze"
        m2 = re.compile(r"[ \t]*,?[ \t]*").match(text, pos)
        q = m2.end() if m2 else pos
        runs = numeric_runs(text[q:q + 80], folded[q:q + 80], lang=lang)
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
            nxt = _CITY_TOKEN_RE.match(text, t.end() + 1) if t.end() < len(text) else None
            if (ft in _TOWN_OPENERS and nxt is not None and text[t.end():nxt.start()] == " "
                    and folded[nxt.start():nxt.end()] not in _ADDR_STOP):
                # "… quatre-vingt-dix-sept mille cent trente-neuf les abymes", "… saint denis": an article or
                # a saint opens the town in lower-case text too
                cend = nxt.end()
                p = nxt.end()
                n_tok += 2
                continue
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


_DISTRICT_RE = re.compile(r",[ \t]*[A-ZÀ-Ý][\w'’-]*(?:[ \t][A-ZÀ-Ý][\w'’-]*)?(?=[ \t]*,[ \t]*\d{4,5}\b)")


def find_addresses(text: str, folded: str | None = None, lang: str = "fr") -> list[Entity]:
    """French street addresses ("12 bis rue des Lilas, 35000 Rennes"); ``lang``: the language the postal
    code may be read out in ("six nine oh oh three lyon" in an English meeting)."""
    f = folded if folded is not None else fold(text)
    out: list[Entity] = []
    numbers = EN_NUMBER_WORDS if lang == "en" else UNITS
    for m in (_ADDR_HEAD_RE_EN if lang == "en" else _ADDR_HEAD_RE).finditer(f):
        head = m.group(1)
        if not head[0].isdigit() and not any(w in numbers for w in re.split(r"[\s-]+", head)):
            continue
        stype = f[m.start():m.end()].split()[-1].strip(".,")
        ambiguous = stype in _AMBIGUOUS_TYPES
        name_end = _take_name(text, f, m.end(), ambiguous)
        coded = False
        if name_end is None and ambiguous:
            # "six bis traverse de la martine treize mille douze marseille": a word that is also a street type,
            # in lower case, is one when a postal code follows the name
            name_end = _take_name(text, f, m.end(), False)
            coded = True
        if name_end is None:
            continue
        end = _take_postal_city(text, f, name_end, lang)
        if coded and not (end > name_end and (re.search(r"\d{5}|\d{2}\s\d{3}", text[name_end:end])
                                               or _spoken_digits_between(f, name_end, end))):
            continue
        if end == name_end:
            district = _DISTRICT_RE.match(text, name_end)
            if district:
                after = _take_postal_city(text, f, district.end(), lang)
                end = after if after > district.end() else end
        if end == name_end:
            end = _take_city_after(text, f, name_end)
        if text[end - 1] == "." and not re.search(r"(?<![\w.])\w{1,3}\.$", text[m.start():end]):
            end -= 1
        st = _complements_before(f, m.start(), _FR_COMPLEMENT_BEFORE)
        more = _complements_after(f, end, _FR_COMPLEMENT_AFTER)
        if more > end:  # "7 impasse des mimosas, lieu-dit le moulin, 29000 quimper": the town after the complement
            end = _take_postal_city(text, f, more, lang)
            if end == more:
                end = _town_after_swallowed_code(text, f, name_end, more)
        out.append(Entity(start=st, end=end, label="ADDRESS", text=text[st:end], source="pattern"))
    return out


# A hamlet, residence or estate with a postal code and no house number ("lieu-dit Kerhuel 29820 Guilers",
# "Résidence Les Flamboyants, bâtiment 4, 97200 Fort-de-France", "hameau de kerlaz, 56340 carnac"): the
# postal code is what makes it a private address (a residence named alone is a place).
_PLACE_HEAD_RE = re.compile(r"(?<![\w'’-])(?:residence|lieu-dit|lieudit|hameau|lotissement|domaine|cite|quartier"
                            r"|village|ferme|mas)\b[ \t]+")


def find_locality_addresses(text: str, folded: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _PLACE_HEAD_RE.finditer(folded):
        name_end = _take_name(text, folded, m.end(), False)
        if name_end is None:
            continue
        more = _complements_after(folded, name_end, _FR_COMPLEMENT_AFTER)
        end = _take_postal_city(text, folded, more)
        code_from = more
        if end == more:
            end = _town_after_swallowed_code(text, folded, name_end, more)
            code_from = name_end
        if end == more or (not re.search(r"\d", text[code_from:end])
                           and not _spoken_digits_between(folded, code_from, end)):
            continue
        st = _complements_before(folded, m.start(), _FR_COMPLEMENT_BEFORE)  # "ferme X, quartier Y, 64240 …"
        out.append(Entity(start=st, end=end, label="ADDRESS", text=text[st:end], source="pattern"))
    return out


def _town_after_swallowed_code(text: str, folded: str, a: int, b: int) -> int:
    """The town after complements whose last number words took the postal code along ("bâtiment c appartement
    vingt-deux quatre-vingt-dix-sept mille cent dix pointe-à-pitre": flat 22, then 97110): the number words
    there hold a thousand and five digits more than a flat's, and a town follows; else ``b``."""
    runs = numeric_runs(text[a:b], folded[a:b])
    if not runs or "mille" not in folded[a + runs[-1][0].start:b]:
        return b
    if sum(len(u.digits) for u in runs[-1] if u.is_number) < 6:
        return b
    t = _CITY_TOKEN_RE.match(text, b + 1) if text[b:b + 1] == " " else None
    if t is None or folded[t.start():t.end()] in _ADDR_STOP or folded[t.start():t.end()] in _NOT_CITY:
        return b
    return t.end()


def _spoken_digits_between(folded: str, a: int, b: int) -> bool:
    return any(w in NUMBER_WORDS for w in re.findall(r"[a-z]+", folded[a:b]))


# Street addresses written the continental way, whatever the meeting's language: the street type first and
# the number after the name (Portuguese, Spanish, Italian, Polish: "Rua Augusta 145, 1100-053 Lisboa",
# "ul. Marszałkowska 84/92 m. 15, 00-514 Warszawa", "calle Mayor 5, 28013 Madrid", "via Roma 12"), or a
# compound street name (German, Dutch, Scandinavian: "Hauptstraße 5, 10115 Berlin", "Keizersgracht 123,
# 1015 CJ Amsterdam"); then an optional postal code and town.
_INTL_TYPES = (r"rua|avenida|av\.|travessa|praca|largo|calle|c/|carrer|paseo|plaza|camino|via|viale|piazza|corso"
               r"|vicolo|strada|ul\.|ulica|al\.|aleja|os\.|pl\.|plac|strasse|str\."
               r"|rue|avenue|chemin|boulevard|quai|impasse|allee|route|place")  # Belgium, Switzerland: "rue X 112"
_INTL_SUFFIX = (r"strasse|stra[sß]e|str\.|weg|gasse|platz|allee|ring|damm|ufer|gracht|straat|laan|plein|kade|singel"
                r"|steeg|dijk|vej|gade|gatan|vagen|veien|gata")
_INTL_NUMBER = (r"\d{1,4}[a-z]?(?:[ \t]?[/-][ \t]?\d{1,4}[a-z]?|-(?:i{1,3}|iv|hs|huis|bis)(?![\w'’]))?"
                r"(?:,?[ \t]+(?:m\.|lok\.|apt\.?|piso|bajo|esq\.?|boite|bte|bus|\d{1,2}[ºo°])[ \t]*\d{0,4}[a-z]?"
                r"(?:[ \t]+(?:izquierda|derecha|izda\.?|dcha\.?|centro|puerta[ \t]+\w+))?)?")
_INTL_POSTAL = r"(?:\d{2}-\d{3}|\d{4}-\d{3}|\d{4}[ \t]?[a-z]{2}|\d{4,5})"
_INTL_TOWN = r"(?:[ \t]+[^\W\d_][\w'’-]*){1,3}?"
_INTL_RE = re.compile(
    rf"(?<![\w'’])(?:(?:{_INTL_TYPES})[ \t]+(?:(?:de|da|do|dos|das|del|della|di|la|el)[ \t]+)?"
    rf"(?:[^\W\d_][\w'’.-]*[ \t]+){{1,4}}?|[^\W\d_][\w'’-]*?(?:{_INTL_SUFFIX})[ \t]+)"
    rf"({_INTL_NUMBER})(?![\w'’])(?:[ \t]*,?[ \t]*{_INTL_POSTAL}{_INTL_TOWN}(?=[\s.,;:)–—-]|$))?"
)


# Belgium, Switzerland and Luxembourg say the number after the street, and read it out: "rue josaphat cent
# quarante-deux boîte trois mille trente schaerbeek", "route de cossonay quarante-six b mille huit prilly",
# "avenue des celtes forty two box three one zero four zero etterbeek". The street name, the number words,
# a letter, a box and a floor, then the postal code read out and the town. Said this way a street and a
# number are also a date or a count ("place du marché quatorze juillet", "rue de la loi seize heures"), so it
# takes an address cue before it, a box or a floor after the number, or a code and a town.
_STREET_FIRST_HEAD = re.compile(
    r"(?<![\w'’-])(?:rue|avenue|chaussee|chemin|route|boulevard|place|allee|impasse|quai|dreve|square|clos"
    r"|sentier|ruelle|venelle|rampe|montee|cours|strasse|straat|laan|steenweg"
    # Portugal, Cape Verde, Brazil, Spain, Italy said in a French meeting: "rua da liberdade quarante-sept
    # segundo esquerdo quatre mille sept cent quinze braga"
    r"|rua|avenida|travessa|calle|paseo|viale|piazza|corso|strada)[ \t]+")
_STREET_FIRST_CUE = re.compile(r"(?:habite|habitent|habitait|adresse|domicil\w*|demenage|demenagee|demenages|loge"
                               r"|quitte|maison|appartement"
                               r"|logent|vit|vivent|reste|restent|heberge\w*|chez|registered|address|lives|living|moved)"
                               r"(?![\w'’])")
_BOX_WORD = frozenset("boite bte box bus b.".split())
_SIGN_OFF = frozenset("thanks thank cheers please okay ok yeah yes right merci voila".split())
_HOUSE_LETTER = frozenset("a b c d e f g h bis ter".split())
# the floor and side of a flat in Portugal and Spain, said after the number ("segundo esquerdo", "tercero izquierda")
_IBERIAN_FLOOR = frozenset("""esquerdo esquerda direito direita esq dto frente tras andar piso bajo izquierda derecha
primeiro segundo terceiro quarto quinto primero tercero cuarto centro puerta""".split())
_NUMBER_TOKEN = re.compile(r"[^\W_][\w'’.-]*")


def _number_word(ft: str) -> bool:
    """A number said in words (written digits after a street are the other grammars' business)."""
    parts = [x for x in ft.split("-") if x]
    return bool(parts) and all(x in NUMBER_WORDS or x in EN_NUMBER_WORDS for x in parts) and ft not in (
        "a", "et", "and", "un", "une")


def find_street_first_spoken(text: str, folded: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _STREET_FIRST_HEAD.finditer(folded):
        name_end = _take_name(text, folded, m.end(), False)
        if name_end is None:
            continue
        for w in _NUMBER_TOKEN.finditer(text, m.end(), name_end):
            if _number_word(folded[w.start():w.end()]):
                name_end = w.start() - 1  # English number words are no French street name's: "des celtes forty two"
                break
        if name_end <= m.end():
            continue
        p, end, digits_groups, box, thousand = name_end, name_end, 0, False, False
        while True:
            t = _NUMBER_TOKEN.match(text, p + 1) if text[p:p + 1] == " " else None
            if t is None:
                break
            ft = folded[t.start():t.end()]
            after_et = folded[max(0, t.start() - 3):t.start()] == "et "
            if _number_word(ft) or (ft in ("et", "and", "oh") and digits_groups) or (ft == "un" and after_et):
                digits_groups += ft not in ("et", "and", "un")
                thousand = thousand or ft == "mille" or ft == "thousand"
            elif ft in _HOUSE_LETTER and digits_groups and not box:
                pass  # "quarante-six b"
            elif ft in _IBERIAN_FLOOR and digits_groups and not thousand:
                box = True  # "quarante-sept segundo esquerdo": a flat's floor and side make it someone's home
            elif ft in ("numero", "no", "n°") and not digits_groups:
                pass  # "rua de moçambique numéro douze"
            elif ft in _BOX_WORD and digits_groups:
                box = True
            else:
                break
            p = end = t.end()
        if not digits_groups or _UNIT_AFTER.match(text, end) or re.match(
                r"[ \t]+(?:" + "|".join(MONTHS_FR) + r"|fois|times|heures|hours)\b", folded[end:]):
            continue
        floor = _complements_after(folded, end, _FR_COMPLEMENT_AFTER)
        town = end
        if digits_groups >= 2 and (thousand or box or digits_groups >= 3):
            t = _CITY_TOKEN_RE.match(text, end + 1) if text[end:end + 1] == " " else None
            word = folded[t.start():t.end()] if t is not None else ""
            if t is not None and not _number_word(word) and not any(
                    word in stops for stops in (_ADDR_STOP, _NOT_CITY, _EN_ADDR_STOP, STOP, _SIGN_OFF)):
                town = t.end()
        cued = _STREET_FIRST_CUE.search(folded, max(0, m.start() - 60), m.start()) is not None
        if not (cued or box or floor > end or (town > end and thousand)):
            continue
        stop = max(floor, town)
        out.append(Entity(start=m.start(), end=stop, label="ADDRESS", text=text[m.start():stop], source="pattern"))
    return out


# Where streets have no names or numbers (Dakar, Abidjan, Thiès, Papeete), an address is a quarter and a villa,
# a block (îlot) and a plot (lot): "elle habite sicap liberté six villa numéro quatre mille cinq cent douze",
# "il habite yopougon niangon sud à droite ilot vingt lot deux cent trente", "son adresse c'est cité lamy
# villa numéro quarante-sept". After an address cue, the quarter's words up to the villa, plot or block and
# its number are the address.
_PLOT_CUE = re.compile(r"(?<![\w'’])(?:habite|habitent|habitait|demeure|demeurant|reside|residant|loge|logent"
                       r"|adresse(?:[ \t]+(?:a|au|en|de)[ \t]+[^\W\d_][\w'’-]*)?[ \t]+(?:c['’]est|est|:))"
                       r"(?:[ \t]+(?:a|au|aux|en))?(?:[ \t]+chez[ \t]+(?:son|sa|ses|leur|leurs|mon|ma|mes)[ \t]+"
                       r"[^\W\d_][\w'’-]*)?[ \t]+")
_PLOT = re.compile(rf"(?<![\w'’])(?:villa|ilot|lot|parcelle|unite|maison|concession)[ \t]+(?:(?:numero|n°|no)[ \t]+)?"
                   rf"(?:\d{{1,5}}[a-z]?|(?:{_NUMW})(?:[ -](?:{_NUMW}|et|un))*)(?![\w'’])")


_PLOT_CLAUSE = frozenset("et mais donc pour avec qui que quand depuis puis".split())


def find_plot_addresses(text: str, folded: str) -> list[Entity]:
    out: list[Entity] = []
    if not any(w in folded for w in ("villa", "ilot", "lot", "parcelle", "unite", "concession", "maison")):
        return out
    for m in _PLOT_CUE.finditer(folded):
        a, end = m.end(), None
        window = folded[a:a + 160]
        p = 0
        for plot in _PLOT.finditer(window):
            between = window[p:plot.start()]
            words = re.findall(r"[^\W\d_][\w'’-]*", between)
            if len(words) > 7 or (end is None and not words and plot.start() > 0) or any(
                    w in _PLOT_CLAUSE for w in words):
                break
            end, p = a + plot.end(), plot.end()
        if end is not None:
            out.append(Entity(start=a, end=end, label="ADDRESS", text=text[a:end], source="pattern"))
    return out


# "résidence les hortensias bâtiment c escalier deux", "cité des Fleurs, bât. B, esc. 3, appt 12": a housing
# estate's name, then the building, staircase or flat of one household (no house number needed). Offices'
# buildings ("immeuble le ponant") are not taken: only the words of housing.
_ESTATE = re.compile(r"(?<![\w'’])(?:residence|res\.|cite|lotissement|hlm)[ \t]+((?:[^\W\d_][\w'’-]*,?[ \t]+){1,4}?)"
                     r"(?=(?:batiment|bat\.?|escalier|esc\.?|entree|appartement|appt?\.?|logement|porte)[ \t])")
_ESTATE_PART = re.compile(rf",?[ \t]*(?:batiment|bat\.?|escalier|esc\.?|entree|appartement|appt?\.?|logement|porte)"
                          rf"[ \t]+(?:n°[ \t]*|numero[ \t]+)?"
                          rf"(?:\d{{1,4}}[a-z]?|[a-z](?![\w'’])|(?:{_NUMW})(?:[ -](?:{_NUMW}|et|un))*)(?![\w'’])")
# "à l'impasse lavaud numéro huit", "rue des manguiers numéro douze": the house number said after the street
_STREET_THEN_NUMBER = re.compile(
    rf"(?<!\w)(?:{_STREET_TYPES})[ \t]+((?:[^\W\d_][\w'’-]*[ \t]+){{1,4}}?)(?:numero|n°|no\.?)[ \t]*"
    rf"(?:\d{{1,4}}[a-z]?|(?:{_NUMW})(?:[ -](?:{_NUMW}|et|un))*)(?![\w'’])")


_PUBLIC_ROAD = frozenset("rural communal departemental departementale vicinal forestier forestiere nationale "
                         "national intercommunal".split())
_OFFICE_WORDS = frozenset("administrative administratif prefectorale services service affaires".split())


def find_estate_addresses(text: str, folded: str) -> list[Entity]:
    """Housing-estate addresses with building and flat, and streets with their number said after them."""
    out: list[Entity] = []
    for m in _ESTATE.finditer(folded):
        if any(w.strip(",") in _ADDR_STOP or w.strip(",") in _OFFICE_WORDS for w in m.group(1).split()):
            continue
        end = m.end()
        while (part := _ESTATE_PART.match(folded, end)) is not None:
            end = part.end()
        if end > m.end():
            out.append(Entity(start=m.start(), end=end, label="ADDRESS", text=text[m.start():end], source="pattern"))
    for m in _STREET_THEN_NUMBER.finditer(folded):
        words = m.group(1).split()
        if any(w in _ADDR_STOP or w in NUMBER_WORDS or w in _PUBLIC_ROAD for w in words):
            continue  # "le chemin rural n° 12", "la route départementale n° 7": a public road's number
        out.append(Entity(start=m.start(), end=m.end(), label="ADDRESS", text=text[m.start():m.end()],
                          source="pattern"))
    return out


_INTL_PARTICLES = frozenset("de da do dos das del della di la el des du".split())
_FR_HEAD_TYPES = frozenset("rue avenue chemin boulevard quai impasse allee route place".split())


def find_addresses_intl(text: str, folded: str) -> list[Entity]:
    out: list[Entity] = []
    for m in _INTL_RE.finditer(folded):
        head = folded[m.start():m.start(1)].split()
        if len(head) < 2 and not re.search(_INTL_SUFFIX, head[0] if head else ""):
            continue
        if len(head) == 1 and not text[m.start()].isupper():
            continue  # "next hearing 27": a compound street name is capitalised ("Hauptstraße 5")
        if any((w in _ADDR_STOP or w in _EN_ADDR_STOP or w in STOP or w in NUMBER_WORDS) and w not in _INTL_PARTICLES
               for w in head[1:]):
            continue  # "via the 12 ...", "plaza de 2024": no street name
        if _UNIT_AFTER.match(text, m.end(1)) or re.match(r"[ \t]+(?:fois|times)\b", folded[m.end(1):]):
            continue  # "par la via domitia 12 fois": a count
        if re.match(r"[ \t]+(?:" + "|".join(MONTHS_FR) + r")\b", folded[m.end(1):]) or (
                head[0] in _FR_HEAD_TYPES and m.end() == m.end(1) and not text[m.start()].isupper()):
            continue  # "place du marché 14 juillet"; "rue X 12" without a postal code in lower case: ambiguous
        out.append(Entity(start=m.start(), end=m.end(), label="ADDRESS", text=text[m.start():m.end()],
                          source="pattern"))
    return out


# What comes with a street address in a private one: building, staircase, floor, flat, residence,
# hamlet ("bâtiment c, appartement quarante-deux, 7 rue ...", "résidence les érables, escalier b, 15 ...",
# "lieu-dit la croix rouge, 18 route de quimper", "... 8 rue X, 3e étage, porte gauche").
_ID = rf"(?:[a-z]{{1,2}}\d{{0,3}}|\d{{1,4}}[a-z]?|(?:{_NUMW})(?:[ -](?:{_NUMW}|et|un))*)"
_FR_UNIT_WORDS = (r"batiment|bat\.?|bloc|immeuble|tour|escalier|esc\.?|entree|appartement|appart|appt|apt\.?"
                  r"|app\.?|logement|porte|boite|bal|etage|lot|chambre|box")
_FR_PLACE_WORDS = r"residence|lieu-dit|lieudit|hameau|cite|lotissement|domaine|quartier|village|section|ferme|mas"
# a residence's or hamlet's name ends where the sentence goes on ("quartier nord c'est là où ...")
_CLAUSE_WORDS = (r"(?:c['’]est|c['’]etait|est|et|ou|la-bas|qui|que|qu['’]\w*|on|il|elle|ils|elles|je|j['’]\w*|nous|vous"
                 r"|mais|donc|puis|alors|avec|pour|dans|sur|a|ont|sont|ca|y|en|au|aux|si|car|comme|chez)(?![\w'’-])")
_UNIT_WORD_RE = re.compile(_FR_UNIT_WORDS)
_COMPLEMENT = (rf"(?:porte[ \t]+(?:de[ \t]+)?(?:gauche|droite|face|du fond|palier)"
               rf"|(?:{_FR_UNIT_WORDS})[ \t]+(?:n[°o]\.?[ \t]*|numero[ \t]+)?{_ID}(?![\w'’])"
               rf"|(?:{_FR_PLACE_WORDS})[ \t]+(?:(?!{_CLAUSE_WORDS}|(?:{_FR_UNIT_WORDS}|{_NUMW})(?![\w'’]))"
               rf"[^\W\d_][\w'’-]*[ \t]*){{1,4}}"
               rf"|(?:(?:\d{{1,2}}|{_NUMW})[ \t]*(?:e|eme|er|ere|ieme|iere)?|[a-z]+iemes?|premier|premiere|dernier)"
               rf"[ \t]+etage|rez-de-chaussee)")
_FR_COMPLEMENT_BEFORE = re.compile(rf"(?<![\w'’])(?:(?:{_COMPLEMENT}[ \t]*,?[ \t]*)+(?:(?:{_FR_UNIT_WORDS})[ \t]+)?"
                                   rf"|(?:{_FR_UNIT_WORDS})[ \t]+)$")
_FR_COMPLEMENT_AFTER = re.compile(rf"(?:[ \t]*,?[ \t]*{_COMPLEMENT})+(?![\w'’])")


def _complements_before(folded: str, start: int, rx: re.Pattern[str]) -> int:
    m = rx.search(folded, max(0, start - 160), start)
    if m is None:
        return start
    return m.start() + len(folded[m.start():m.end()]) - len(folded[m.start():m.end()].lstrip(" \t,"))


def _complements_after(folded: str, end: int, rx: re.Pattern[str]) -> int:
    m = rx.match(folded, end)
    return m.end() if m else end


def find_structured(text: str, folded: str | None = None, lang: str = "fr",
                    common: Container[str] | None = None) -> list[Entity]:
    f = folded if folded is not None else fold(text)
    runs = _join_nir_keys(f, numeric_runs(text, f, lang=lang))
    out = find_emails(text) + find_numbers(text, f, lang, runs)
    for extra in (find_written_ibans(text, f), find_french_ribs_and_uk_accounts(text),
                  find_contact_numbers(text, f, lang, common, runs)):
        # a span another recognizer already holds whole adds nothing
        out += [e for e in extra if not any(x.start <= e.start and e.end <= x.end for x in out)]
    out = _uk_insurance_numbers(text, f, out)
    out = _us_social_security(text, f, out)
    out = _national_ids(text, out)
    written_ids = find_national_ids(text)
    out = [e for e in out if not any(e.start < i.end and i.start < e.end for i in written_ids)] + written_ids
    out = [e for e in out if not (e.label == "PHONE" and (_toll_free(text, f, e, lang) or service_line(f, e.start)))]
    # Each grammar runs on every meeting: a French address read out in an English meeting, a British one in
    # a French meeting, a Portuguese or Polish one in either. The other language's grammar only where its
    # street type is no word of this language (English "place", "court" are French words too).
    if lang == "fr":
        out += find_addresses(text, f)
        out += [e for e in find_addresses_en(text, f) if _EN_ONLY_TYPE.search(fold(e.text))]
    elif lang == "en":
        out += find_addresses_en(text, f) + find_cued_addresses_en(text, f)
        out += [e for e in find_addresses(text, f, "en") if _FR_ONLY_TYPE.search(fold(e.text))]
    out += find_locality_addresses(text, f) + find_addresses_intl(text, f) + find_po_boxes(text, f)
    out += find_street_first_spoken(text, f) + find_plot_addresses(text, f) + find_estate_addresses(text, f)
    out += find_cued_postcodes(text, f) + find_digital_addresses(text, f)
    if lang == "fr":
        out += _gaps_filled(f, out, find_cued_addresses_fr(text, f))
    # what follows a street in any country's order (flat, postal code, town, country), then the addresses
    # that only their postal code shows, then one span for the pieces of one address
    out = [extend_address(text, f, e) if e.label == "ADDRESS" else e for e in out]
    out += find_postcode_addresses(text, f, [(e.start, e.end) for e in out])
    out += [e for e in find_ifsc(text, f) if not any(x.start < e.end and e.start < x.end for x in out)]
    out = join_addresses(text, _number_false_starts(text, f, _join_bank_parts(text, f, out)))
    return [e for e in out if not (e.label == "ADDRESS" and _public_place_at(f, e.start, e.end))]


# "j'habite à côté de la mairie, au 12 …": a landmark near someone's home, not the place's own address
_NEAR = re.compile(r"(?<![\w'’])(?:pres|cote|face|loin|derriere|devant|near|opposite|behind|next to)[ \t]+"
                   r"(?:(?:de|du|des|d'|to)[ \t]*)?(?:(?:la|le|l'|the)[ \t]*)?$")


def _public_place_at(folded: str, start: int, end: int) -> bool:
    m = _PUBLIC_PLACE_AT.search(folded, max(0, start - 50), start)
    if m is not None and not _NEAR.search(folded, max(0, m.start() - 20), m.start()):
        return True
    return _PUBLIC_PLACE_AT.match(folded[start:end]) is not None


# "forty minutes to the office at Via Cesare Giulio Viola 68", "la mairie se trouve au 3 place …": the address
# of a public place named right before it is printed on its letters; nobody's household. A possessive ("his
# office at …", "chez ma mère au …") keeps it someone's.
_PUBLIC_PLACE_AT = re.compile(
    r"(?<![\w'’])(?:(?:the|our)(?:[ \t]+[a-z'-]+){0,3}[ \t]+(?:office|offices|hall|council|ministry|department"
    r"|headquarters|centre|center|branch|clinic|hospital|school|court|embassy|consulate|library|station)"
    r"(?:[ \t]+(?:is|are|was|sits|lies))?[ \t]*(?:at|on|in)?"
    r"|(?:(?:la|le|l'|au|du|a la|a l')[ \t]*)?"
    r"(?:mairie|hotel de ville|hotel du departement|hotel de region|prefecture|sous-prefecture|rectorat|agence"
    r"|tresorerie|caf|cpam|cpas|ccas|ambassade|consulat|bibliotheque|mediatheque|gendarmerie|commissariat"
    r"|tribunal|hopital|guichet|bureau|antenne|maison france services|cite administrative)"
    r"(?:[ \t]+[a-z'-]+){0,3}(?:[ \t]+(?:est|se trouve|se situe))?[ \t]*(?:au|aux|a|du|,)?)[ \t]*,?[ \t]*$"
    # the span opens with the public place itself: "salle Roland Garros, Hôtel de ville, rue de Paris, 97400 …"
    r"|^(?:salle|hotel de ville|mairie|rectorat|prefecture|tribunal|hopital)(?![\w'’])")


# "K88... sorry, Z4412078", "0612… non, 06 13 45 …": a written first attempt the speaker broke off and corrected
_WRITTEN_FALSE_START = re.compile(
    r"(?<![\w'’-])[a-z]{0,3}\d[a-z\d]{0,12}(?:\.\.\.|…|-)?[ \t]*[,—–]?[ \t]*"
    r"(?:(?:sorry|no|wait|i mean|rather|non|pardon|plutot|je veux dire|euh|uh|um)[ \t]*[,.…]?[ \t]*){1,3}$")
_CORRECTION_WORD = re.compile(r"(?<![\w'’])(?:sorry|no|wait|i mean|rather|non|pardon|plutot|je veux dire)(?![\w'’])")


def _number_false_starts(text: str, folded: str, ents: list[Entity]) -> list[Entity]:
    out: list[Entity] = []
    for e in ents:
        if e.label in ("PHONE", "NIR", "IBAN", "PAYMENT_CARD"):
            m = _WRITTEN_FALSE_START.search(folded, max(0, e.start - 40), e.start)
            if m is not None and _CORRECTION_WORD.search(m.group()) and not any(
                    x is not e and x.start < e.start and m.start() < x.end for x in ents):
                e = e.model_copy(update={"start": m.start(), "text": text[m.start():e.end]})
        out.append(e)
    return out


_EN_ONLY_TYPE = re.compile(r"\b(?:street|road|lane|drive|crescent|terrace|gardens|close|mews|grove|avenue)\b")
_FR_ONLY_TYPE = re.compile(r"\b(?:rue|allee|impasse|chemin|quai|boulevard|ruelle|faubourg)\b")


# UK National Insurance number (HMRC): two prefix letters (first not D F I Q U V, second not D F I O Q U V;
# BG GB KN NK NT TN ZZ never allocated), six digits, a suffix letter A-D.
_NINO_RE = re.compile(r"(?<![\w'’])(?!bg|gb|kn|nk|nt|tn|zz)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z][ \t]?"
                      r"\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[a-d](?![\w'’])")
_EN_TWO_LETTER = frozenset("am an as at be by do go he if in is it me my no of oh on or so to up us we".split())
_NINO_BEFORE = re.compile(r"(?<![\w'’])[a-z][ \t]?[a-z][ \t]*$")
_NINO_AFTER = re.compile(r"[ \t]*[a-d](?![\w'’])")


def _uk_insurance_numbers(text: str, folded: str, ents: list[Entity]) -> list[Entity]:
    """Written NI numbers ("AB 12 34 56 C"), and six digits read after a cue with their letters around them
    ("q q one two three four five six c", "QQ 12 34 56 C": the letters are part of the number)."""
    out: list[Entity] = []
    for e in ents:
        if e.source == "context" and sum(c.isdigit() for c in re.sub(r"\D", "", e.text)) <= 6:
            nums = [u for run in numeric_runs(e.text, fold(e.text), lang="en") for u in run if u.is_number]
            digits = sum(len(u.digits) for u in nums)
            # the letters around the digits, whether or not the cue's span already took one of them
            first, last = (e.start + nums[0].start, e.start + nums[-1].end) if nums else (e.start, e.end)
            b = _NINO_BEFORE.search(folded, max(0, first - 6), first)
            a = _NINO_AFTER.match(folded, last)
            prefix = text[b.start():b.end()].strip() if b is not None else ""
            cue = re.search(r"insurance|\bni\b|\bnino\b", folded[max(0, e.start - 40):e.start]) is not None
            letters = (" " in prefix or prefix.isupper() or cue) and prefix.lower() not in _EN_TWO_LETTER
            if digits == 6 and b is not None and a is not None and letters:
                e = Entity(start=b.start(), end=a.end(), label="NIR", text=text[b.start():a.end()],
                           score=e.score, source="context")
        out.append(e)
    for m in _NINO_RE.finditer(folded):
        raw = text[m.start():m.end()]
        if not (raw.isupper() or " " not in raw) or raw[:2].lower() in _EN_TWO_LETTER:
            continue  # "call me on 123456 a": lower-case words around digits, not the letters of a NINO
        if not any(x.start <= m.start() and m.end() <= x.end for x in out):
            out = [x for x in out if not (m.start() <= x.start and x.end <= m.end())]
            out.append(Entity(start=m.start(), end=m.end(), label="NIR", text=text[m.start():m.end()],
                              source="pattern"))
    return out


# ---------------------------------------------------------------- English addresses

_EN_STREET = (r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|close|crescent"
              r"|terrace|square|sq|parkway|pkwy|highway|hwy|row|mews|grove|gardens|hill|walk|approach|rise|parade"
              r"|wharf|quay|circus|vale|green|park|yard|gate|view|end")
_EN_NUM = "|".join(sorted((w for w in EN_NUMBER_WORDS if w not in ("oh", "double", "triple", "hundred")),
                          key=len, reverse=True))
_EN_ADDR_RE = re.compile(
    rf"(?<![\w,.])(\d{{1,5}}[a-z]?|(?:{_EN_NUM})(?:[ -](?:{_EN_NUM}|hundred))*(?:[ \t][a-h](?=[ \t][^\W\d_]{{3}}))?)"
    rf"[ \t]+((?:(?:[^\W\d_][\w'’-]*|[nsew]\.|\d{{1,3}}(?:st|nd|rd|th))[ \t]+){{1,3}}?)(?:{_EN_STREET})\b\.?"
    # "paekakariki hill road": a street type inside the name; "rathmines road lower", "dorset street upper"
    rf"(?:[ \t]+(?:road|street|avenue|lane|drive|way|crescent|terrace|parade|highway)\b)?"
    rf"(?:[ \t]+(?:nw|ne|sw|se|north|south|east|west|upper|lower|extension|ext\.?)\b)?"
    # New Zealand's rural delivery ("r d one", "RD 1") after the road
    rf"(?:[ \t]*,?[ \t]+(?:r[ \t]?d|r\.d\.)[ \t]+(?:\d{{1,2}}|one|two|three|four|five|six|seven|eight|nine)\b)?",
)
_EN_ADDR_STOP = frozenset("""the a an and or of to in on at for with from by is was are were be this that it its his her
their our my your we you they he she i about around than then there here over under after before into""".split())
# Nouns that a number counts or measures: after a number they make a quantity, never a house number.
_EN_COUNT_NOUNS = frozenset("""year years month months week weeks day days hour hours minute minutes second seconds
mile miles km kilometre kilometres kilometer kilometers metre metres meter meters foot feet yard yards inch inches
percent per people person persons staff member members times time page pages point points pound pounds dollar
dollars euro euros cent cents item items step steps more less extra other million millions billion billions thousand
thousands dozen dozens kids children students cases files months' years' quarter quarters""".split())
_EN_AMBIGUOUS_STREET = frozenset("""end view walk park green gate yard rise way close row hill place court square
parade approach vale circus grove gardens terrace mews crescent quay wharf""".split())
_UK_POSTCODE = r"[a-z]{1,2}\d[a-z\d]?[ \t]?\d[a-z]{2}"
_EN_CITY_RE = re.compile(r"(?:,?[ \t]+(?:[^\W\d_][\w'’-]*)){1,3}?(?:,?[ \t]+[a-z]{2})?[ \t]+\d{5}(?:-\d{4})?\b"
                         rf"|(?:,?[ \t]+(?:[^\W\d_][\w'’-]*)){{0,3}}?,?[ \t]+{_UK_POSTCODE}\b"
                         r"|,[ \t]*[^\W\d_][\w'’-]*")


_EIRCODE = r"[a-z]\d[\dw][ \t]?[a-z\d]{4}"
_EN_DIGIT = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_SPOKEN_UK_POSTCODE = rf"(?:[a-z][ \t]){{1,2}}(?:{_EN_DIGIT}[ \t]){{1,2}}(?:[a-z][ \t])?{_EN_DIGIT}[ \t][a-z][ \t][a-z]"
# The town after a street, up to the next punctuation: at most three words, a district number ("dublin two",
# "Dublin 2"), then an Irish Eircode or a British postcode, written or spoken letter by letter.
_EN_TOWN_WORD = (r"(?!(?:" + "|".join(sorted(_EN_ADDR_STOP | {"which", "where", "who", "so", "but", "near", "uh", "um"},
                                               key=len, reverse=True)) + r")(?![\w'’]))[^\W\d_][\w'’.-]*")
_EN_TOWN = rf"{_EN_TOWN_WORD}(?:[ \t]+{_EN_TOWN_WORD}){{0,2}}?(?:[ \t]+(?:\d{{1,2}}w?|{_EN_NUM}))?"
_EN_POSTCODE_ANY = rf"(?:{_EIRCODE}|{_UK_POSTCODE}|{_SPOKEN_UK_POSTCODE})(?![\w'’])"
_EN_TOWN_TAIL = re.compile(
    rf"(?:,[ \t]*{_EN_TOWN}){{1,3}}(?:,?[ \t]+{_EN_POSTCODE_ANY}|(?=[ \t]*(?:[,.;:!?)–—]|$)))"
    rf"|[ \t]+[^\W\d_][\w'’-]*,?[ \t]+{_EN_POSTCODE_ANY}"  # "church lane margate c t nine one a b"
)


def _unit_led_streets(f: str) -> list[tuple[int, int]]:
    """(start, end) of a flat or plot and the street it stands on, without a house number between them:
    "apartment fourteen the maltings bray road", "Apt 14, The Maltings, Bray Road", "Plot 17, Gatitu Road"."""
    out: list[tuple[int, int]] = []
    for m in _EN_UNIT_LED_RE.finditer(f):
        words = re.findall(r"[^\W\d_][\w'’-]*", m.group("name"))
        if words and not any(w in _EN_ADDR_STOP and w != "the" for w in words) and words[-1] != "the":
            out.append((m.start(), m.end()))
    return out


def find_addresses_en(text: str, folded: str | None = None) -> list[Entity]:
    """"42 Willow Lane, Springfield", "eighteen baker street", "1600 Pennsylvania Avenue NW Washington DC
    20500": a number, one to three name words, a street type, then an optional city / ZIP code; a flat or
    plot right before a street has the street's place ("Apt 14, The Maltings, Bray Road")."""
    f = folded if folded is not None else fold(text)
    out: list[Entity] = []
    for a, b in _unit_led_streets(f):
        e = Entity(start=a, end=b, label="ADDRESS", text=text[a:b], source="pattern")
        tail = _EN_TOWN_TAIL.match(f, b)
        out.append(e.model_copy(update={"end": tail.end(), "text": text[a:tail.end()]}) if tail else e)
    for m in _EN_ADDR_RE.finditer(f):
        name = m.group(2).split()
        if any(w in _EN_ADDR_STOP for w in name) or (name[0] in _EN_COUNT_NOUNS and not (
                name[0] == "second" and len(name) > 1)):
            continue  # "the 2024 year end", "a 5 year view", "12 people walk": a count, not a house number
            # ("seven second cross street": an ordinal street name)
        end = _complements_after(f, m.end(), _EN_AFTER)  # "..., flat 2, leeds ls6 2ab"
        c = _EN_CITY_RE.match(f, end)
        tail = _EN_TOWN_TAIL.match(f, end)
        if tail and (c is None or tail.end() > c.end()):
            c = tail  # ", new york", ", dublin two", ", Dublin 2, D02 X285", ", london n w one six x e"
        city = False
        if c:
            words = re.findall(r"[^\W\d_][\w'’-]*", c.group())
            # single letters and digit words belong to a spoken postcode ("c t nine one a b")
            if not any((w in _EN_ADDR_STOP or w in _EN_UNIT_WORDS) and len(w) > 1 and w not in EN_NUMBER_WORDS
                       for w in words):
                end = c.end()
                city = True
        street = f[m.end(2):m.end()].rstrip(".").split()[0]
        if (street in _EN_AMBIGUOUS_STREET and not city and name[0].endswith("s") and not name[0].endswith("ss")
                and not text[m.start(2)].isupper()):
            continue  # "2 rounds end to end", "3 kids park there": a plural noun counted, lower case, no town
        st = _complements_before(f, m.start(), _EN_BEFORE)
        end = _complements_after(f, end, _EN_AFTER)
        out.append(Entity(start=st, end=end, label="ADDRESS", text=text[st:end], source="pattern"))
    return out


# "flat 3, 14 elm grove", "apartment 4b, 350 west 57th street", "unit 7, 88 station approach", "..., suite 200"
_EN_UNIT_WORDS = frozenset("flat apartment apt unit suite ste floor room building block".split())
_EN_UNIT = (rf"(?:flat|apartment|apt\.?|unit|suite|ste\.?|floor|room|building|block)[ \t]+(?:no\.?[ \t]*|number[ \t]+)?"
            rf"(?:[a-z]?\d{{1,4}}[a-z]?(?:/\d{{1,3}})?|[a-z]\b|(?:{_EN_NUM})(?:[ -](?:{_EN_NUM}))*(?:[ \t]?[a-z]\b)?)")
_EN_UNIT_LED_RE = re.compile(
    rf"(?<![\w'’])(?:flat|apartment|apt\.?|unit|suite|plot)[ \t]+(?:no\.?[ \t]*|number[ \t]+)?"
    rf"(?:[a-z]?\d{{1,4}}[a-z]?|(?:{_EN_NUM})(?:[ -](?:{_EN_NUM}|oh))*)"
    rf"(?P<name>(?:[ \t]*,?[ \t]+[^\W\d_][\w'’-]*){{1,5}}?)[ \t]+(?:{_EN_STREET})\b\.?")
_EN_BEFORE = re.compile(rf"(?<![\w'’])(?:{_EN_UNIT}[ \t]*,?[ \t]*)+$")
_EN_AFTER = re.compile(rf"(?:[ \t]*,?[ \t]*{_EN_UNIT})+(?![\w'’])")


# ---------------------------------------------------------------- addresses a residence cue announces (English)

# "she lives alone at …", "stays with the granny at …", "the address on the nadra record is …", "the flat is …",
# "renting privately at …", a written "address: …", and "at" before a dwelling's word ("at lot two twenty one",
# "at block c house fourteen"): what follows, up to where the sentence goes on, is the household's address when
# it holds a number and a dwelling or street word. Orders of many countries (Irish townlands and Eircodes, Indian
# flats and societies, South African stands, Pakistani mohallas and chaks, Kenyan estates) need no grammar then.
_EN_RESIDENCE_CUE = re.compile(
    r"(?<![\w'’])(?:(?:lives|living|live|stays|staying|stay|resides|residing|reside|renting(?:[ \t]+privately)?"
    r"|moved[ \t]+in)(?:[ \t]+(?:alone|now|still|currently|privately))?[ \t]+at"
    r"|(?:stays|staying|lives|living)[ \t]+with[ \t]+(?:[a-z'’-]+[ \t]+){1,4}?at"
    # "he lives with me now, House 23, Road 7, …"; "we're at …", "is he still at Village Kalma, …"
    r"|(?:stays|staying|lives|living)[ \t]+with[ \t]+(?:me|us|her|him|them)(?:[ \t]+now)?[ \t]*,"
    r"|(?:we['’]re|we are|i['’]m|i am|he['’]s|she['’]s|they['’]re|they are|still|now)[ \t]+at"
    r"|(?:on[ \t]+rent|renting|rented|tenants?)[ \t]+(?:in|at)"
    r"|(?:the|her|his|their|new|current|home|postal)[ \t]+(?:address|flat|house|home)(?:[ \t]+on(?:[ \t]+[a-z'’-]+)"
    r"{1,4}?)?[ \t]+is|address[ \t]*:|address(?=[ \t]+(?:flat|apartment|house|block|plot|lot|stand|unit|erf|\d))"
    # "address in the old card is …", "Address is 18 Alley 85, …"
    r"|(?<![\w'’])address(?:[ \t]+(?:on|in)(?:[ \t]+[a-z'’-]+){1,4}?)?[ \t]+is"
    r"|at(?=[ \t]+(?:flat|apartment|apt|house[ \t]+number|house|block|plot|lot|stand|unit|erf)\b))[ \t]+")
_EN_DWELLING = re.compile(
    r"\b(?:flat|apartment|apartments|apt|house|block|plot|lot|stand|unit|erf|estate|road|rd|street|st|avenue|ave"
    r"|lane|drive|route|phase|extension|mohalla|gali|chak|sector|colony|nagar|society|court|close|crescent|way"
    r"|terrace|park|gardens|village|township|compound|layout|cross|main|quarters|glades|heights|hills|alley"
    r"|boulevard|blvd|district|ward|post office|gali)\b")
_EN_CLAUSE_GOES_ON = re.compile(
    r"[ \t]+(?:had|has|have|is|was|were|are|will|would|can|could|should|it['’]s|its|she|he|they|we|i|you|and[ \t]+"
    r"(?:she|he|they|we|i|the|her|his|their|a)|but|so|because|since|for|with|who|which|that|when|if|then|also|now"
    r"|in|just|past|near[ \t]+the|from|until|till|last|next|um|uh|okay|ok|yeah|right|same|or)(?![\w'’])"
    # "…, Bengaluru 560008, near Indiranagar metro": the landmark after a comma is the listener's help
    r"|[ \t]*,[ \t]*near(?![\w'’])|[ \t]+[—–][ \t]|[ \t]*[.;!?]")
# the dot of "No. 45", "vul. Sahaidachnoho", "apt. 9", "St. Mary's Road" ends no sentence
_EN_ADDRESS_ABBREVIATION = re.compile(r"(?<![\w'’])(?:no|nr|st|rd|ave|apt|flat|vul|str|ul|blk|bldg|opp|ph|sec)$")
# a public place named before or inside the span: its address is no household's
_PUBLIC_PLACE = re.compile(r"\b(?:office|offices|hall|council|ministry|department|headquarters|centre|center"
                           r"|branch|clinic|hospital|school|court|unhcr|embassy|commission)\b")


def public_place(folded: str, lang: str) -> bool:
    """Does the text name a public place (an office, a council, a school …), whose address is no household's?"""
    return (_FR_PUBLIC_PLACE if lang == "fr" else _PUBLIC_PLACE).search(folded) is not None


def find_cued_addresses_en(text: str, folded: str) -> list[Entity]:
    """Addresses after an English residence cue, to where the sentence goes on (see above)."""
    out: list[Entity] = []
    for m in _EN_RESIDENCE_CUE.finditer(folded):
        if _PUBLIC_PLACE.search(folded, max(0, m.start() - 40), m.end()):
            continue  # "the office address is 71 Main St W": a public place's address stays
        a = m.end()
        limit = min(len(folded), a + 140)
        stop = _EN_CLAUSE_GOES_ON.search(folded, a, limit)
        while stop is not None and stop.group().strip() == "." and _EN_ADDRESS_ABBREVIATION.search(
                folded, a, stop.start()):
            stop = _EN_CLAUSE_GOES_ON.search(folded, stop.end(), limit)
        b = stop.start() if stop is not None else limit
        span = folded[a:b].rstrip(" ,")
        b = a + len(span)
        words = span.split()
        if not 2 <= len(words) <= 18 or _EN_DWELLING.search(span) is None or _PUBLIC_PLACE.search(span):
            continue
        if re.match(r"\+?\(?\d[\d ().-]{7,}\d(?![\w'’])", span) and sum(c.isdigit() for c in span.split(",")[0]) >= 9:
            continue  # "I'm at 204-555-0139, extension 212": a phone, then its extension; "at" cued the phone
        if not (re.search(r"\d", span) or any(w.strip(",") in EN_NUMBER_WORDS and w not in ("a", "and", "oh")
                                               for w in words)):
            continue
        out.append(Entity(start=a, end=b, label="ADDRESS", text=text[a:b], score=0.7, source="context"))
    return out


# ---------------------------------------------------------------- addresses a residence cue announces (French)

# "elle habite résidence al amal immeuble douze appartement quatre hay mohammadi casablanca et …", "il habite Lot
# II M 85 bis, Antsakaviro, Antananarivo 101.", "elle vit rue du Commerce, villa Les Badamiers, Toamasina 501, sa
# voisine …", "Adresse : 112, rang Notre-Dame, Saint-Raymond (Québec) G3L 1N3.": after a residence cue, what
# follows up to where the sentence goes on is the household's address when it holds a number and a dwelling or
# street word, in whatever order the country writes them (Moroccan derbs and hays, Senegalese cités and villas,
# Malagasy lots, Quebec's rangs).
_FR_RESIDENCE_CUE = re.compile(
    r"(?<![\w'’])(?:(?:habite|habitent|habitait|habitaient|vit|vivent|vivait|vivaient|reside|resident|residait"
    r"|demeure|demeurent|demeurant|domicilie|domiciliee|domicilies|domiciliees|hebergee?s?|logee?s?|loge|logent)"
    r"(?:[ \t]+(?:seule?s?|toujours|actuellement|maintenant|desormais|encore|aujourd'hui))?"
    r"(?:[ \t]+chez[ \t]+(?:son|sa|ses|leur|leurs|un|une)[ \t]+[^\W\d_][\w'’-]*(?:[ \t]+[^\W\d_][\w'’-]*)?)?"
    r"(?:[ \t]+(?:a|au|aux|en))?"
    r"|adresse[ \t]*:|(?:son|sa|leur|nouvelle|ancienne|l['’])[ \t]*adresse(?:[ \t]+(?:actuelle|perso|personnelle))?"
    r"[ \t]+(?:c['’]est|est|:))[ \t,:]+")
_FR_DWELLING = re.compile(
    r"(?<![\w'’])(?:rue|avenue|av|bd|boulevard|chemin|impasse|allee|place|quai|route|rang|cours|lot|lotissement"
    r"|villa|maison|immeuble|imm|batiment|bat|appartement|appt|apt|residence|cite|quartier|hay|derb|escalier|esc"
    r"|etage|case|bp|boite postale|lieu-dit|hameau|parcelle|secteur|tribu|ilot|concession|carre|logement|porte"
    r"|chambre|sicap|hlm)(?![\w'’])")
_FR_CLAUSE_GOES_ON = re.compile(
    r"[ \t,]+(?:et|mais|donc|car|avec|depuis|pour|parce|qui|quand|puis|ou[ \t]+sinon|il|elle|ils|elles|on|je|nous"
    r"|vous|son|sa|ses|leur|leurs|mon|ma|mes|c['’]est|sauf|alors|enfin|bon|voila"
    # the town after "à" and a landmark ("vers la pharmacie des jardins") are no household's: left in the text
    r"|a|vers|pres[ \t]+de|pres[ \t]+du|a[ \t]+cote|en[ \t]+face|derriere|devant|non[ \t]+loin)(?![\w'’])"
    r"|[ \t]*(?:[;!?…]|\.(?=\s|$))")
_FR_ADDRESS_ABBREVIATION = re.compile(r"(?<![\w'’])(?:bat|appt|apt|esc|av|bd|res|imm|st|ste|n|no|ch|rte|pl|imp|bp)$")
# a description of the dwelling, not where it is ("dans un appartement de trois pièces")
_FR_DESCRIPTION = re.compile(r"^(?:dans|en|avec)[ \t]+(?:un|une|des)\b|\b(?:pieces|m2|m²|metres|ans|mois|enfants"
                             r"|personnes|euros)\b")
_FR_PUBLIC_PLACE = re.compile(
    r"\b(?:mairie|prefecture|sous-prefecture|agence|bureau|service|services|centre|hopital|cite administrative"
    r"|tribunal|ecole|college|lycee|universite|caf|cpam|caisse|ambassade|consulat|commissariat|gendarmerie|siege"
    r"|office|direction|ministere|clinique|guichet|antenne|maison france services|permanence)\b")


def _gaps_filled(folded: str, found: list[Entity], cued: list[Entity]) -> list[Entity]:
    """The cued addresses that add to what the street grammars found: those where they found nothing, and
    those that go on past their address after a comma (", Dakar", ", Antananarivo 101") or with a dwelling's or
    a quarter's word ("… appartement trois hay hassani"). Where a grammar read
    the address, its end is the better one ("… 75002 paris demain": the postal code and town end it)."""
    out: list[Entity] = []
    for c in cued:
        over = [e for e in found if e.label == "ADDRESS" and e.start < c.end and c.start < e.end]
        if not over:
            out.append(c)
            continue
        end = max(e.end for e in over)
        tail = folded[end:c.end].lstrip(" \t")
        if c.end > end and (tail.startswith(",") or _FR_DWELLING.match(tail)):
            out.append(c)  # ", Dakar"; "… appartement trois hay hassani fès": the quarter after the flat
    return out


def find_cued_addresses_fr(text: str, folded: str) -> list[Entity]:
    """Addresses after a French residence cue, to where the sentence goes on (see above)."""
    out: list[Entity] = []
    for m in _FR_RESIDENCE_CUE.finditer(folded):
        a = m.end()
        if _FR_PUBLIC_PLACE.search(folded, max(0, m.start() - 30), m.start()):
            continue  # "l'agence, son adresse c'est …": a public place's address stays
        limit = min(len(folded), a + 160)
        if _FR_CLAUSE_GOES_ON.match(" " + folded[a:a + 24]):
            continue  # "il vit seul depuis 2019 …": the cue's sentence goes on at once
        stop = _FR_CLAUSE_GOES_ON.search(folded, a, limit)
        while stop is not None and stop.group().strip() == "." and _FR_ADDRESS_ABBREVIATION.search(
                folded, a, stop.start()):
            stop = _FR_CLAUSE_GOES_ON.search(folded, stop.end(), limit)  # "bât. B", "n. 12": no sentence's end
        b = stop.start() if stop is not None else limit
        span = folded[a:b].rstrip(" ,")
        b = a + len(span)
        words = span.split()
        if (not 2 <= len(words) <= 20 or _FR_DWELLING.search(span) is None or _FR_PUBLIC_PLACE.search(span)
                or _FR_DESCRIPTION.search(span)):
            continue
        if not (re.search(r"\d", span) or any(w.strip(",") in NUMBER_WORDS and w.strip(",") not in ("un", "une", "et")
                                               for w in words)):
            continue
        out.append(Entity(start=a, end=b, label="ADDRESS", text=text[a:b], score=0.7, source="context"))
    return out
