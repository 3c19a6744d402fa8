"""French spoken-number parsing with character offsets.

ASR writes identifiers as a mix of digits and French number words
("zéro six douze trente-quatre", "un quatre-vingt-cinq zéro cinq 2A ...").  This module
cuts a text into *numeric runs*: maximal sequences of digit groups and number words separated
only by spaces or light punctuation.  Each run is a list of :class:`Unit` (one spoken or written
number, its digit string and its character span in the original text), so that validators can
work on the concatenated digits while every match maps back to exact character offsets.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from visio_archive.redaction.validators import IBAN_COUNTRIES

__all__ = ["EN_NUMBER_WORDS", "Unit", "fold", "numeric_runs", "parse_en_number_words", "parse_number_words",
           "words_to_digits"]

_FOLD_CACHE: dict[str, str] = {}
# Letters with a stroke that Unicode does not decompose ("Małgorzata", "Søren", "Đorđević"): one
# character for one, like the accents.
_STROKED = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h", "ı": "i", "ŧ": "t"}


def _fold_char(c: str) -> str:
    r = _FOLD_CACHE.get(c)
    if r is None:
        d = unicodedata.normalize("NFD", _STROKED.get(c, c))
        r = d[0] if d else c
        r = r.lower()
        if len(r) != 1:
            r = c.lower()[:1] or c
        _FOLD_CACHE[c] = r
    return r


def fold(text: str) -> str:
    """Lower-case and strip accents, one output character per input character (offsets kept)."""
    if text.isascii():
        return text.lower()
    return "".join(_fold_char(c) for c in text)


UNITS: dict[str, int] = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13,
    "quatorze": 14, "quinze": 15, "seize": 16, "vingt": 20, "vingts": 20, "trente": 30,
    "quarante": 40, "cinquante": 50, "soixante": 60, "cent": 100, "cents": 100, "mille": 1000,
    # Belgian and Swiss French
    "septante": 70, "octante": 80, "huitante": 80, "nonante": 90,
}
NUMBER_WORDS = frozenset(UNITS) | {"et"}

# A token: a digit group, a word (letters), or a plus sign.
_TOKEN_RE = re.compile(r"\d+|[^\W\d_]+|\+")
# What may sit between two units of one run.
_GAP_RE = re.compile(r"[ \t\u00a0\u202f.\-/,()]{0,4}")


@dataclass(frozen=True)
class Unit:
    """One number (or one allowed letter / plus sign) inside a numeric run."""

    digits: str        # "06", "85", "0", "A" (Corsica), "+", "FR" (IBAN country)
    start: int
    end: int
    kind: str          # "digits", "words", "letter", "plus", "country"

    @property
    def is_number(self) -> bool:
        return self.kind in ("digits", "words")


def _val(word: str) -> int | None:
    return UNITS.get(word)


def parse_number_words(words: list[str], i: int = 0, hyphen: list[bool] | None = None,
                       strict: bool = False) -> tuple[int, int] | None:
    """Parse one French number starting at ``words[i]`` (folded, one word per element).

    Returns ``(value, next_index)`` or ``None``.  "zéro" is always a number on its own, so that
    "zéro six" reads as two numbers (0, 6) and gives the digits "06".
    """
    n = len(words)

    def joined(k: int) -> bool:
        """words[k] is glued to words[k-1] by a hyphen (unknown: assume so)."""
        return hyphen is None or k >= len(hyphen) or hyphen[k]

    def split_here(k: int) -> bool:
        """"quatre vingt-six" / "soixante dix-huit": a space, then a hyphenated compound: two numbers
        (4, 26 / 60, 18), as standard spelling hyphenates every compound number."""
        return hyphen is not None and not joined(k) and k + 1 < n and joined(k + 1) and _val(words[k + 1]) is not None

    def v(k: int) -> int | None:
        return _val(words[k]) if k < n else None

    def teen(k: int) -> tuple[int, int] | None:
        w = v(k)
        if w == 10 and v(k + 1) in (7, 8, 9) and not (strict and not joined(k + 1)):
            return 10 + (v(k + 1) or 0), k + 2
        if w is not None and 10 <= w <= 16:
            return w, k + 1
        return None

    def below100(k: int) -> tuple[int, int] | None:
        w = v(k)
        if w is None:
            return None
        if w == 0:
            return 0, k + 1
        if w == 4 and k + 1 < n and words[k + 1] in ("vingt", "vingts") and not split_here(k + 1):
            val, k = 80, k + 2
            if words[k - 1] == "vingts" or (k < n and (split_here(k) or (strict and not joined(k)))):
                return val, k  # "quatre-vingts" is final; "quatre-vingt dix-huit" = 80, 18
            t = teen(k)
            if t:
                return val + t[0], t[1]
            u = v(k)
            if u is not None and 1 <= u <= 9:
                return val + u, k + 1
            return val, k
        if w in (20, 30, 40, 50, 60, 70, 80, 90):  # 70, 80, 90: septante, huitante / octante, nonante
            val, k = w, k + 1
            if strict and k < n and not joined(k) and words[k] != "et":
                return val, k  # strict reading: "quarante trois" = 40, 3
            if k + 1 < n and words[k] == "et" and (v(k + 1) == 1 or (w == 60 and v(k + 1) == 11)):
                return val + (v(k + 1) or 0), k + 2
            if w == 60 and not split_here(k) and not (strict and not joined(k)):
                t = teen(k)
                if t:
                    return val + t[0], t[1]
            u = v(k)
            if u is not None and 1 <= u <= 9:
                return val + u, k + 1
            return val, k
        if 10 <= w <= 16:
            return teen(k)
        if 1 <= w <= 9:
            return w, k + 1
        return None

    def below1000(k: int) -> tuple[int, int] | None:
        w = v(k)
        if w is None:
            return None
        if w == 100 or (w is not None and 2 <= w <= 9 and v(k + 1) == 100):
            if w == 100:
                val, k = 100, k + 1
            else:
                val, k = w * 100, k + 2
            u = v(k)
            if u is not None and 1 <= u <= 99:
                r = below100(k)
                if r:
                    return val + r[0], r[1]
            return val, k
        return below100(k)

    w0 = v(i)
    if w0 is None:
        return None
    if w0 == 0:
        return 0, i + 1
    if w0 == 1000:
        val, k = 1000, i + 1
    else:
        r = below1000(i)
        if r is None:
            return None
        val, k = r
        if v(k) == 1000 and 1 <= val <= 999:
            val, k = val * 1000, k + 1
        else:
            return val, k
    u = v(k)
    if u is not None and 1 <= u <= 999:
        r = below1000(k)
        if r:
            return val + r[0], r[1]
    return val, k


# English number words as ASR writes phone and card numbers: digit by digit ("oh seven seven"),
# by pairs ("twenty two"), with "double"/"triple" ("double oh four four").
EN_UNITS: dict[str, int] = {
    "zero": 0, "oh": 0, "nought": 0, "naught": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100,
}
EN_REPEAT = {"double": 2, "triple": 3}
EN_NUMBER_WORDS = frozenset(EN_UNITS) | frozenset(EN_REPEAT)


def parse_en_number_words(words: list[str], i: int = 0) -> tuple[str, int] | None:
    """One English number group at ``words[i]`` as its digit string: "oh" -> "0", "twenty two" -> "22",
    "double five" -> "55", "eight hundred" -> "800"; ``(digits, next_index)`` or None."""
    n = len(words)
    w = words[i]
    if w in EN_REPEAT:
        if i + 1 < n and words[i + 1] in EN_UNITS and EN_UNITS[words[i + 1]] <= 9:
            return str(EN_UNITS[words[i + 1]]) * EN_REPEAT[w], i + 2
        return None
    v = EN_UNITS.get(w)
    if v is None or v == 100:
        return None
    if v >= 20 and v % 10 == 0 and i + 1 < n and 1 <= EN_UNITS.get(words[i + 1], 0) <= 9:
        return str(v + EN_UNITS[words[i + 1]]), i + 2
    if 1 <= v <= 9 and i + 1 < n and words[i + 1] == "hundred":
        return str(v * 100), i + 2
    return str(v), i + 1


def words_to_digits(text: str) -> str | None:
    """"zéro six douze" -> "0612"; None when a word is not a number word."""
    words = [w for w in re.split(r"[\s\-]+", fold(text)) if w]
    out: list[str] = []
    i = 0
    while i < len(words):
        r = parse_number_words(words, i)
        if r is None:
            if words[i].isdigit():
                out.append(words[i])
                i += 1
                continue
            return None
        out.append(str(r[0]))
        i = r[1]
    return "".join(out)


def _en_next_is_number(toks: list[tuple[int, int]], i: int, f: str, text: str) -> bool:
    """English "oh" is a zero only next to another number ("oh seven", "six oh two"), not in "oh, hello"."""
    if i + 1 < len(toks):
        s2, e2 = toks[i + 1]
        if text[toks[i][1]:s2] in (" ", ", ", "-") and (f[s2:e2] in EN_NUMBER_WORDS or text[s2:e2].isdigit()):
            return True
    return False


def numeric_runs(text: str, folded: str | None = None, strict: bool = False, lang: str = "fr") -> list[list[Unit]]:
    """Cut ``text`` into numeric runs (each at least one number unit).

    ``strict``: number words separated by a space are separate numbers unless standard spelling
    joins them ("quarante trois" = 40, 3 instead of 43): the other reading of spoken digit groups,
    tried as well by the recognizers, and the checksums decide.  ``lang="en"`` reads English number
    words instead of French ones."""
    f = folded if folded is not None else fold(text)
    english = lang == "en"
    # number words: French, English; other languages (de, nl) are read as digits only
    table: frozenset[str] | dict[str, int] = EN_NUMBER_WORDS if english else UNITS if lang == "fr" else {}
    linkers = EN_NUMBER_WORDS if english else NUMBER_WORDS
    toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
    runs: list[list[Unit]] = []
    cur: list[Unit] = []
    prev_end = -1
    i = 0
    n = len(toks)

    def flush() -> None:
        nonlocal cur
        while cur and not cur[-1].is_number:
            cur.pop()
        if any(u.is_number for u in cur):
            runs.append(cur)
        cur = []

    while i < n:
        s, e = toks[i]
        if cur and (_GAP_RE.fullmatch(text, prev_end, s) is None):
            flush()
        tok = text[s:e]
        ftok = f[s:e]
        if tok.isdigit():
            cur.append(Unit(tok, s, e, "digits"))
            prev_end = e
            i += 1
            continue
        if ftok in table and not (english and ftok == "oh" and not _en_next_is_number(toks, i, f, text)):
            # Collect the maximal stretch of number words (with "et") joined by spaces/hyphens.
            words = [ftok]
            hyph = [False]
            spans = [(s, e)]
            j = i + 1
            while j < n:
                s2, e2 = toks[j]
                gap = text[spans[-1][1]:s2]
                if gap not in (" ", "-", "\u00a0", "-\u00a0") and not (gap.strip() == "" and len(gap) <= 2):
                    break
                fw = f[s2:e2]
                if fw not in linkers:
                    break
                words.append(fw)
                hyph.append("-" in gap)
                spans.append((s2, e2))
                j += 1
            k = 0
            while k < len(words):
                if english:
                    re_ = parse_en_number_words(words, k)
                    if re_ is None:
                        break
                    digits, k2 = re_
                else:
                    r = parse_number_words(words, k, hyph, strict)
                    if r is None:
                        break
                    digits, k2 = str(r[0]), r[1]
                cur.append(Unit(digits, spans[k][0], spans[k2 - 1][1], "words"))
                prev_end = spans[k2 - 1][1]
                k = k2
            i += k
            if k < len(words):  # a dangling "et": the run ends here
                flush()
                i += 1
            continue
        if tok == "+" or ftok == "plus":
            flush()
            cur.append(Unit("+", s, e, "plus"))
            prev_end = e
            i += 1
            continue
        if (cur and len(tok) == 1 and tok in "ABab" and cur[-1].digits.endswith("2")
                and (cur[-1].digits == "2" or (cur[-1].end == s and e < len(text) and text[e:e + 1].isdigit()))):
            cur.append(Unit(tok.upper(), s, e, "letter"))
            prev_end = e
            i += 1
            continue
        if (cur and cur[0].kind == "country" and len(tok) == 1 and tok.isalpha() and len(cur) >= 2
                and (cur[-1].is_number or cur[-1].kind == "letter") and i + 1 < n
                and (toks[i + 1][1] - toks[i + 1][0] == 1 or text[toks[i + 1][0]].isdigit()
                     or f[toks[i + 1][0]:toks[i + 1][1]] in table)):
            # letters of an IBAN's account part spelt one by one ("g b nine eight, f v c q, four oh ...")
            cur.append(Unit(tok.upper(), s, e, "letter"))
            prev_end = e
            i += 1
            continue
        if (cur and cur[0].kind == "country" and tok.isalpha() and len(tok) <= 4 and cur[-1].kind == "digits"
                and (tok.isupper() or len(cur) == 2 or cur[-1].end == s
                     or (e < len(text) and text[e:e + 1].isdigit()))):
            # letters inside a written IBAN's BBAN ("GB82 WEST 1234 ...")
            cur.append(Unit(tok, s, e, "letter"))
            prev_end = e
            i += 1
            continue
        if (len(tok) == 1 and tok.isalpha() and i + 2 < n and toks[i + 1][1] - toks[i + 1][0] == 1
                and text[e:toks[i + 1][0]] in (" ", ".", ". ")
                and (tok + text[toks[i + 1][0]]).upper() in IBAN_COUNTRIES
                and (text[toks[i + 2][0]].isdigit() or f[toks[i + 2][0]:toks[i + 2][1]] in table)):
            # "F R 76 ...", "f. r. soixante-seize ...": a country code spelt letter by letter
            flush()
            s2, e2 = toks[i + 1]
            cur.append(Unit((tok + text[s2]).upper(), s, e2, "country"))
            prev_end = e2
            i += 2
            continue
        if len(tok) == 2 and tok.upper() in IBAN_COUNTRIES and (tok.isupper() or i + 1 < n):
            flush()
            cur.append(Unit(tok.upper(), s, e, "country"))
            prev_end = e
            i += 1
            continue
        flush()
        i += 1
    flush()
    return runs


_W0 = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze",
       "treize", "quatorze", "quinze", "seize"]
_TENS = {20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante"}


def number_to_words(n: int) -> str:
    """French words for 0 <= n < 1_000_000 (traditional spelling with hyphens)."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(n)
    if n <= 16:
        return _W0[n]
    if n < 20:
        return "dix-" + _W0[n - 10]
    if n < 70:
        t, u = divmod(n, 10)
        base = _TENS[t * 10]
        if u == 0:
            return base
        return f"{base} et un" if u == 1 else f"{base}-{_W0[u]}"
    if n < 80:
        return "soixante et onze" if n == 71 else "soixante-" + number_to_words(n - 60)
    if n < 100:
        return "quatre-vingts" if n == 80 else "quatre-vingt-" + number_to_words(n - 80)
    if n < 1000:
        h, r = divmod(n, 100)
        head = "cent" if h == 1 else f"{_W0[h]} cent"
        if r == 0:
            return head + ("s" if h > 1 else "")
        return f"{head} {number_to_words(r)}"
    th, r = divmod(n, 1000)
    head = "mille" if th == 1 else f"{number_to_words(th)} mille"
    return head if r == 0 else f"{head} {number_to_words(r)}"
