"""National identifiers of English-speaking administrations, written after their cue (pure functions).

Each scheme is the issuing body's rule, checked by python-stdnum where it has one:

* Ireland, **PPS number** (Department of Social Protection): seven digits, a check letter (weighted mod 23)
  and, since 2013, a second letter (``W`` or ``A``-``I``); ``stdnum.ie.pps``.
* Canada, **Social Insurance Number** (ESDC): nine digits, Luhn; ``stdnum.ca.sin``.
* Australia, **Tax File Number** (ATO): eight or nine digits, weighted mod 11; ``stdnum.au.tfn``.
* Australia, **Medicare card number** (Services Australia): ten digits, the first 2-6, the ninth a check
  digit (weights 1 3 7 9 1 3 7 9, mod 10), the tenth the card's issue number; an eleventh digit, the
  person's position on the card, is often written after it.
* New Zealand, **IRD number** (Inland Revenue): eight or nine digits, weighted mod 11 with a second
  weighting when the first gives 10; ``stdnum.nz.ird``.
* India, **Permanent Account Number** (Income Tax Department): five letters (the fourth says what holds it:
  P a person, C a company …), four digits, a letter; ``stdnum.in_.pan``.
* Kenya, **national identity card number** (NRB): seven or eight digits with no check, so only right
  after its cue ("ID No.", "ID number", "national ID").

A checksum alone is weak on nine digits (one number in ten passes Luhn), so every scheme needs its cue in
the few words before the number; the cue is what says which scheme to check.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from stdnum.au import tfn
from stdnum.ca import sin
from stdnum.ie import pps
from stdnum.in_ import pan
from stdnum.nz import ird

from visio_archive.models import Entity

__all__ = ["cued_national_id", "find_national_ids", "medicare_ok", "trailing_letters_end"]


def medicare_ok(number: str) -> bool:
    """Australian Medicare card number: 10 digits (11 with the person's position), first digit 2-6,
    ninth digit = (d1*1 + d2*3 + d3*7 + d4*9 + d5*1 + d6*3 + d7*7 + d8*9) mod 10."""
    digits = re.sub(r"[\s/-]", "", number)
    if not digits.isdigit() or len(digits) not in (10, 11) or digits[0] not in "23456":
        return False
    check = sum(int(d) * w for d, w in zip(digits[:8], (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    return check == int(digits[8])


def _kenyan_id_ok(number: str) -> bool:
    return re.fullmatch(r"\d{7,8}", number) is not None and number[0] != "0"


_Validator = Callable[[str], bool]
_SEP = r"[ \t-]?"
# (cue in the words before, written number, validator over the number without separators)
_SCHEMES: tuple[tuple[re.Pattern[str], re.Pattern[str], _Validator], ...] = (
    (re.compile(r"\bppsn?\b|\bpps no\b|personal public service", re.IGNORECASE),
     re.compile(r"\d{7}[ \t]?[A-W][A-IW]?(?![\w'’])", re.IGNORECASE), lambda n: bool(pps.is_valid(n.upper()))),
    (re.compile(r"\bsin\b|social insurance|\bnas\b|assurance sociale", re.IGNORECASE),
     re.compile(rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?![\w'’-])"), sin.is_valid),
    (re.compile(r"\btfn\b|tax file", re.IGNORECASE),
     re.compile(rf"\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{2,3}}(?![\w'’-])"), tfn.is_valid),
    (re.compile(r"\bmedicare\b", re.IGNORECASE),
     re.compile(r"[2-6]\d{3}[ \t]?\d{5}[ \t]?\d(?:[ \t/-]?\d)?(?![\w'’-])"), medicare_ok),
    (re.compile(r"\bird\b|inland revenue", re.IGNORECASE),
     re.compile(rf"\d{{2,3}}{_SEP}\d{{3}}{_SEP}\d{{3}}(?![\w'’-])"), ird.is_valid),
    (re.compile(r"\bpan\b", re.IGNORECASE),
     re.compile(r"[A-Z]{5}[ \t]?\d{4}[ \t]?[A-Z](?![\w'’])"), lambda n: bool(pan.is_valid(n))),
    # a French passport: two digits, two letters, five digits (its letters stop the spoken-number reading)
    (re.compile(r"passeport|passport", re.IGNORECASE),
     re.compile(r"\d{2}[ \t]?[A-Z]{2}[ \t]?\d{5}(?![\w'’-])"), lambda n: True),
    (re.compile(r"\bid (?:no|number|card)\b\.?|national id\b|identity card|kitambulisho", re.IGNORECASE),
     re.compile(r"\d{7,8}(?![\w'’-])"), _kenyan_id_ok),
)
_ANY_CUE = re.compile("|".join(f"(?:{cue.pattern})" for cue, _, _ in _SCHEMES), re.IGNORECASE)
_CUE_REACH = 60  # characters before the number where its cue must stand ("IRD 49-582-161", "card 2953 ...")


# A PPS number with its second letter (W, or A-I since 2013): seven digits and two such letters are a shape no
# amount, date or file number has, so it needs no cue ("It's 6612308KA.", after the question of the turn before)
# and no valid check letter either (a number misheard or mistyped is still the person's)
_PPSN_TWO_LETTERS = re.compile(r"(?<![\w'’/-])\d{7}[A-W][A-IW](?![\w'’-])")


# The US Medicare Beneficiary Identifier (CMS, 2018): eleven characters, digits and letters at fixed places,
# letters without S, L, O, I, B, Z, written 4-3-4 with dashes or without ("5TP9-QR2-HW41"): no date, amount or
# file number has that shape
_MBI_LETTER = "[AC-HJKMNP-RT-Y]"
_MBI = re.compile(rf"(?<![\w'’/-])[1-9]{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?{_MBI_LETTER}[0-9AC-HJKMNP-RT-Y]\d-?"
                  rf"{_MBI_LETTER}{{2}}\d{{2}}(?![\w'’-])")


def find_national_ids(text: str) -> list[Entity]:
    """Written national identifiers after their cue, checked by their scheme's rule (label NIR); Irish PPS
    numbers with two letters and Medicare beneficiary identifiers wherever they stand."""
    out: list[Entity] = [Entity(start=m.start(), end=m.end(), label="NIR", text=m.group(), score=0.9, source="pattern")
                         for m in _PPSN_TWO_LETTERS.finditer(text)]
    out += [Entity(start=m.start(), end=m.end(), label="NIR", text=m.group(), score=0.9, source="pattern")
            for m in _MBI.finditer(text)]
    if _ANY_CUE.search(text) is None:
        return out  # one pass over the text for the common case: no scheme named
    for cue, shape, valid in _SCHEMES:
        if cue.search(text) is None:
            continue
        for m in shape.finditer(text):
            if m.start() > 0 and (text[m.start() - 1].isalnum() or text[m.start() - 1] in "-/"):
                continue  # inside a longer code ("CR-2024-55812")
            before = text[max(0, m.start() - _CUE_REACH):m.start()]
            # the cue in the same sentence (an initial's dot, "B. P.", ends none)
            if cue.search(before) is None or re.search(r"(?<![A-Z])[.;!?]\s", before[_last_cue(cue, before):]):
                continue
            if valid(re.sub(r"[\s/-]", "", m.group())) and not any(e.start == m.start() for e in out):
                out.append(Entity(start=m.start(), end=m.end(), label="NIR", text=m.group(), score=1.0,
                                  source="pattern"))
    return sorted(out, key=lambda e: e.start)


def cued_national_id(digits: str, before: str) -> bool:
    """Spoken digits that a scheme cued in ``before`` validates: "her medicare number it's on the green card
    two nine five three ..." is the Medicare number, though "card" is the closest cue."""
    return any(cue.search(before) is not None and valid(digits) for cue, _, valid in _SCHEMES)


def _last_cue(cue: re.Pattern[str], before: str) -> int:
    return max(m.end() for m in cue.finditer(before))


# A check digit said after the number: Hong Kong's "a three three four oh one eight bracket two" (HKID, the
# digit printed in brackets), Australia's Medicare "… slash two" (the card's individual reference number)
_CHECK_DIGIT_AFTER = re.compile(r"[ \t]+(?:open[ \t]+)?(?:bracket|brackets|parenthesis|slash)[ \t]+"
                                r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|a|\d)"
                                r"(?:[ \t]+close[ \t]+bracket)?(?![\w'’])", re.IGNORECASE)


def trailing_letters_end(text: str, end: int) -> int:
    """Where the check letters after an identifier's digits end: "seven seven one nine two six four f",
    "6403918QA" (an Irish PPSN ends in one or two letters, a UK NINO in one), and a check digit said in
    brackets or after a slash."""
    if end < len(text) and text[end].isalpha():
        m = re.match(r"[A-Za-z]{1,2}(?![\w'’])", text[end:])
        end = end + m.end() if m else end
    elif text[end:end + 1] == "-" and end > 0 and text[end - 1].isdigit():
        m = re.match(r"-[A-Z]{1,2}(?![\w'’-])", text[end:])  # Ontario's health card "5483-910-278-KT"
        end = end + m.end() if m else end
    else:
        m = re.match(r"(?:[ \t][A-Za-z](?![\w'’])){1,2}", text[end:])
        end = end + m.end() if m else end
    c = _CHECK_DIGIT_AFTER.match(text, end)
    return c.end() if c else end
