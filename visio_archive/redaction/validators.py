"""Checksum and structure validators for structured identifiers (pure functions).

Rules come from the standards, not from examples:

* **NIR** (INSEE, *répertoire national d'identification des personnes physiques*): 15 characters =
  sex (1, 2; 3, 4, 7, 8 for provisional and temporary numbers), year (2 digits), month (01-12;
  20-42 or 50-99 when the civil-status record gives no month), place of birth (department 01-19,
  21-95; 20 for Corsica before its 1976 split, 2A/2B after it; 96-99: former protectorates,
  overseas and abroad, 97x/98x overseas with a 3-digit department and a 2-digit commune, 99 + an
  INSEE country code for births abroad), commune (3), order number (3, not 000), key (2):
  ``97 - (first 13 digits mod 97)`` with 2A read as 19 and 2B as 18.
* **IBAN** (ISO 13616): country code, 2 check digits, a BBAN whose length and format (``n`` digits,
  ``a`` upper-case letters, ``c`` letters or digits) the SWIFT IBAN registry fixes per country;
  ``mod 97 = 1`` over the rearranged number.  The registry's formats are read from python-stdnum's
  copy of it (``stdnum/iban.dat``: every registry country).
* **Payment cards** (ISO/IEC 7812): 12 to 19 digits, the last one a Luhn check digit; the first
  digit is the major industry identifier and the issuer identification number (IIN) the scheme's
  range: 1 UATP (airlines, 15 digits), 2221-2720 Mastercard and 2200-2204 Mir, 34/37 American
  Express (15), 300-305/3095/36/38/39 Diners Club (14-19), 3528-3589 JCB (16-19), 4 Visa (13, 16,
  19), 51-55 Mastercard (16), 50 and 56-69 Maestro (12-19), 60/62/64/65 Discover/UnionPay/RuPay
  (16-19).  Digits 7 (petroleum), 8 (health care, telecoms) and 9 (national use) are not payment
  cards.
* **Phones**: Google's libphonenumber metadata (the ``phonenumbers`` package) for every country plan;
  French national numbers ``0X XX XX XX XX`` are checked by hand (the common case, and the fastest).
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "IBAN_COUNTRIES",
    "IBAN_LENGTHS",
    "card_iin_ok",
    "iban_checksum_ok",
    "iban_format_ok",
    "iban_shape_ok",
    "luhn_ok",
    "nir_key",
    "nir_key_ok",
    "nir_shape_ok",
    "nir_valid",
    "phone_kind",
    "phone_valid",
    "rib_key_ok",
]


# ---------------------------------------------------------------- IBAN


# The letters of a French account number as the RIB key reads them (A and J = 1, B and K and S = 2 ...)
_RIB_LETTERS = {c: str(v) for letters, v in (("AJ", 1), ("BKS", 2), ("CLT", 3), ("DMU", 4), ("ENV", 5),
                                             ("FOW", 6), ("GPX", 7), ("HQY", 8), ("IRZ", 9)) for c in letters}


def rib_key_ok(bank: str, branch: str, account: str, key: str) -> bool:
    """A French RIB (relevé d'identité bancaire, the BBAN of a French IBAN): bank code (5 digits), branch code
    (5 digits), account number (11 characters, letters allowed) and its key (2 digits), the key being
    97 - ((89 x bank + 15 x branch + 3 x account) mod 97), letters of the account read as digits."""
    account = "".join(_RIB_LETTERS.get(c, c) for c in account.upper())
    if not (bank.isdigit() and branch.isdigit() and account.isdigit() and key.isdigit()):
        return False
    if (len(bank), len(branch), len(account), len(key)) != (5, 5, 11, 2):
        return False
    return 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97 == int(key)


def _registry() -> dict[str, tuple[int, re.Pattern[str]]]:
    """Country -> (IBAN length, BBAN regular expression), from the IBAN registry."""
    from stdnum import numdb

    out: dict[str, tuple[int, re.Pattern[str]]] = {}
    chars = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
    for entry in numdb.get("iban").prefixes:
        cc, props = entry[1], entry[3]
        struct = props.get("bban", "")
        parts = re.findall(r"(\d+)!([nac])", struct)
        if len(cc) != 2 or not parts:
            continue
        length = 4 + sum(int(n) for n, _ in parts)
        out[cc] = (length, re.compile("".join(f"{chars[k]}{{{n}}}" for n, k in parts)))
    return out


# Countries whose banks issue IBAN-format account numbers (same ISO 13616 check digits) without being in
# the SWIFT registry yet: most of francophone Africa (the UEMOA and CEMAC banking zones), Morocco,
# Algeria, Madagascar, Comoros ... Lengths and BBAN layouts as the banks publish them (the "partial IBAN"
# lists of the payment schemes); the first two BBAN characters hold a bank letter code in the UEMOA zone.
_PARTIAL_IBAN: dict[str, str] = {
    "AO": "21!n", "BF": "2!c22!n", "BJ": "2!c22!n", "CF": "23!n", "CG": "23!n", "CI": "2!c22!n", "CM": "23!n",
    "CV": "21!n", "DZ": "22!n", "GA": "23!n", "GQ": "23!n", "GW": "2!c19!n", "HN": "4!a20!n", "IR": "22!n",
    "KM": "23!n", "MA": "24!n", "MG": "23!n", "ML": "2!c22!n", "MZ": "21!n", "NE": "2!a22!n", "SN": "2!c22!n",
    "TD": "23!n", "TG": "2!a22!n",
}


def _with_partial(registry: dict[str, tuple[int, re.Pattern[str]]]) -> dict[str, tuple[int, re.Pattern[str]]]:
    chars = {"n": "[0-9]", "a": "[A-Z]", "c": "[A-Z0-9]"}
    out = dict(registry)
    for cc, struct in _PARTIAL_IBAN.items():
        parts = re.findall(r"(\d+)!([nac])", struct)
        out.setdefault(cc, (4 + sum(int(n) for n, _ in parts),
                            re.compile("".join(f"{chars[k]}{{{n}}}" for n, k in parts))))
    return out


REGISTRY = _with_partial(_registry())
IBAN_LENGTHS: dict[str, int] = {cc: length for cc, (length, _) in REGISTRY.items()}
IBAN_COUNTRIES = frozenset(REGISTRY)
_IBAN_HEAD = re.compile(r"[A-Z]{2}[0-9]{2}")


def _compact(iban: str) -> str:
    return re.sub(r"[\s.\-]", "", iban).upper()


def _iban_int(iban: str) -> int:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s))


def iban_format_ok(iban: str) -> bool:
    """Country in the registry, the country's length, check digits and the BBAN format (letters and
    digits where the registry puts them)."""
    iban = _compact(iban)
    spec = REGISTRY.get(iban[:2])
    return (spec is not None and len(iban) == spec[0] and bool(_IBAN_HEAD.match(iban))
            and spec[1].fullmatch(iban[4:]) is not None)


def iban_shape_ok(iban: str) -> bool:
    """Country known and the country's length, whatever the BBAN holds (a mis-heard letter for a
    digit still makes an IBAN look-alike)."""
    iban = _compact(iban)
    return (bool(re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", iban)) and IBAN_LENGTHS.get(iban[:2]) == len(iban))


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: registry format and mod 97 == 1."""
    iban = _compact(iban)
    return iban_format_ok(iban) and _iban_int(iban) % 97 == 1


# ---------------------------------------------------------------- cards


def luhn_ok(number: str) -> bool:
    if not number.isdigit() or len(number) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def card_iin_ok(number: str) -> bool:
    """Issuer range and length of a payment card number (ISO/IEC 7812; Luhn checked separately)."""
    n = len(number)
    if not number.isdigit() or not 12 <= n <= 19:
        return False
    d1, d2, d3, d4 = number[0], number[:2], number[:3], number[:4]
    if d1 == "1":
        return n == 15  # UATP
    if d1 == "2":
        if "2221" <= d4 <= "2720":
            return n == 16  # Mastercard 2-series
        return "2200" <= d4 <= "2204" and 16 <= n <= 19  # Mir
    if d1 == "3":
        if d2 in ("34", "37"):
            return n == 15  # American Express
        if "3528" <= d4 <= "3589":
            return 16 <= n <= 19  # JCB
        if "300" <= d3 <= "305" or d4 == "3095" or d2 in ("36", "38", "39"):
            return 14 <= n <= 19  # Diners Club
        return False
    if d1 == "4":
        return n in (13, 16, 19)  # Visa
    if d1 == "5":
        if "51" <= d2 <= "55":
            return n == 16  # Mastercard
        return 12 <= n <= 19  # Maestro 50, 56-59
    if d1 == "6":
        return 12 <= n <= 19  # Maestro 60-69, Discover, UnionPay, RuPay
    return False


# ---------------------------------------------------------------- NIR

_NIR_RE = re.compile(
    r"(?P<sex>[1-478])(?P<yy>\d{2})(?P<mm>0[1-9]|1[0-2]|[23]\d|4[0-2]|[5-9]\d)"
    r"(?P<dep>0[1-9]|1\d|2[0-9AB]|[3-8]\d|9[0-9])(?P<com>\d{3})(?P<order>\d{3})(?P<key>\d{2})?"
)


def nir_shape_ok(nir: str) -> bool:
    """Structure of a NIR, with its key (15 characters) or without it (13): sex, month and place of
    birth in their ranges.  Department 20 and 2A/2B are all accepted here (the year decides which is
    right, see :func:`nir_valid`)."""
    m = _NIR_RE.fullmatch(nir.upper())
    return bool(m) and m.group("order") != "000"  # type: ignore[union-attr]


def nir_key(nir13: str) -> int:
    s = nir13.upper()
    if s[5:7] == "2A":
        s = s[:5] + "19" + s[7:]
    elif s[5:7] == "2B":
        s = s[:5] + "18" + s[7:]
    return 97 - int(s[:13]) % 97


def nir_key_ok(nir: str) -> bool:
    """Full NIR (15 characters) whose key matches; Corsica 2A/2B counts as 19/18 for the key."""
    nir = nir.upper()
    return len(nir) == 15 and nir_shape_ok(nir) and nir[13:].isdigit() and nir_key(nir[:13]) == int(nir[13:])


def nir_valid(nir: str, *, current_year: int = 2026) -> bool:
    """A NIR the INSEE rules allow: key right, and Corsica coded as the year of birth requires
    (department 20 only for births before 1976, 2A/2B only from 1976 on; two-digit years after the
    current one are read as 19xx)."""
    nir = nir.upper()
    if not nir_key_ok(nir):
        return False
    yy, dep = int(nir[1:3]), nir[5:7]
    year = 2000 + yy if yy <= current_year % 100 else 1900 + yy
    if dep == "20":
        return year < 1976
    if dep in ("2A", "2B"):
        return year >= 1976
    return True


# ---------------------------------------------------------------- phones


def phone_kind(digits: str) -> str | None:
    """"national" for a French 0X XX XX XX XX number, "international" for +CC... / 00CC... numbers
    that the country's plan (libphonenumber) says can exist."""
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0" and digits.isdigit():
        return "national"
    if digits.startswith("+"):
        rest = digits[1:]
    elif digits.startswith("00"):
        rest = digits[2:]
    else:
        return None
    if not rest.isdigit() or rest.startswith("0") or not 7 <= len(rest) <= 15:
        return None
    if rest.startswith("33") and len(rest) == 12 and rest[2] == "0":
        rest = "33" + rest[3:]  # "+33 (0)6 ...": the trunk zero said anyway
    return "international" if _possible("+" + rest, None) else None


@lru_cache(maxsize=4096)
def _possible(number: str, region: str | None) -> bool:
    import phonenumbers

    try:
        num = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_possible_number(num))


def _fiction_range(num: object) -> bool:
    """Ofcom's mobile range for drama (07700 900000-900999): libphonenumber calls it unallocated, but it is a
    mobile number's shape and people write it as one (a script, a training case, a test): redacted like one."""
    return getattr(num, "country_code", None) == 44 and re.fullmatch(r"7700900\d{3}", str(
        getattr(num, "national_number", ""))) is not None


@lru_cache(maxsize=4096)
def phone_valid(number: str, region: str | None = None) -> tuple[int, ...] | None:
    """The national grouping (digit counts of each group, as the country's plan formats the number)
    when ``number`` is a valid number of ``region`` (or an international ``+CC...`` number); else None."""
    import phonenumbers

    try:
        num = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(num) and not _fiction_range(num):
        return None
    national = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.NATIONAL)
    groups = re.findall(r"\d+", national)
    if region is not None and "".join(groups) != re.sub(r"\D", "", number):
        return None  # written without the country's trunk prefix ("0" in most plans): not a national form
    return tuple(len(g) for g in groups)
