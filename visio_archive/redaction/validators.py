"""Checksum and shape validators for structured identifiers (pure functions)."""

from __future__ import annotations

import re

__all__ = [
    "IBAN_LENGTHS",
    "iban_checksum_ok",
    "iban_shape_ok",
    "luhn_ok",
    "nir_key",
    "nir_key_ok",
    "nir_shape_ok",
    "phone_kind",
]

# Official IBAN lengths (SWIFT registry) for the countries that use IBAN.
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

_IBAN_RE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]+")


def _iban_int(iban: str) -> int:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s))


def iban_shape_ok(iban: str) -> bool:
    """Country known, length right for that country, check digits present."""
    iban = iban.replace(" ", "").upper()
    return bool(_IBAN_RE.fullmatch(iban)) and IBAN_LENGTHS.get(iban[:2]) == len(iban)


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616 mod-97 check (any country of the registry)."""
    iban = iban.replace(" ", "").upper()
    return iban_shape_ok(iban) and _iban_int(iban) % 97 == 1


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
    """Lengths and prefixes of the card schemes in use (Visa, Mastercard/CB, Amex, Discover, JCB...)."""
    n = len(number)
    if not number.isdigit() or not 13 <= n <= 19:
        return False
    if number[0] == "4":
        return n in (13, 16, 19)
    if number[:2] in ("34", "37"):
        return n == 15
    if "51" <= number[:2] <= "55" or "2221" <= number[:4] <= "2720":
        return n == 16
    if number[0] == "6":
        return n in (16, 19)
    if number[:2] in ("35", "36", "30", "38", "39"):
        return n in (14, 16, 19)
    return False


# NIR: sex (1,2; 3,4,7,8 for provisional numbers), year, month (01-12, 20-42 or 50-99 when unknown),
# department (01-19, 2A/2B, 21-95, 96-99 abroad / overseas), commune (3), order (3), key (2).
_NIR_RE = re.compile(
    r"[1-478]\d{2}(?:0[1-9]|1[0-2]|[2-3]\d|4[0-2]|[5-9]\d)(?:0[1-9]|1\d|2[AB1-9]|[3-9]\d)\d{6}(?:\d{2})?"
)


def nir_shape_ok(nir: str) -> bool:
    """Structure of a NIR, with key (15 characters) or without it (13)."""
    return bool(_NIR_RE.fullmatch(nir.upper()))


def nir_key(nir13: str) -> int:
    s = nir13.upper().replace("2A", "19", 1) if nir13[5:7].upper() == "2A" else nir13.upper()
    if s[5:7] == "2B":
        s = s[:5] + "18" + s[7:]
    return 97 - int(s) % 97


def nir_key_ok(nir: str) -> bool:
    """Full NIR (15 characters) whose key matches; Corsica 2A/2B counts as 19/18 for the key."""
    nir = nir.upper()
    return len(nir) == 15 and nir_shape_ok(nir) and nir[13:].isdigit() and nir_key(nir[:13]) == int(nir[13:])


def phone_kind(digits: str) -> str | None:
    """"national" for a French 0X XX XX XX XX number, "international" for +CC... / 00CC..."""
    if len(digits) == 10 and digits[0] == "0" and digits[1] != "0" and digits.isdigit():
        return "national"
    if digits.startswith("+"):
        rest = digits[1:]
    elif digits.startswith("00"):
        rest = digits[2:]
    else:
        return None
    if not rest.isdigit() or rest.startswith("0"):
        return None
    if rest.startswith("33"):
        tail = rest[2:]
        if (len(tail) == 9 and tail[0] != "0") or (len(tail) == 10 and tail[0] == "0" and tail[1] != "0"):
            return "international"
        return None
    if 8 <= len(rest) <= 15:
        return "international"
    return None
