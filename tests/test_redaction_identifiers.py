"""Identifier classes written from the standards (issue 11, point 5), valid and invalid forms.

Every valid number here is built in the test from the standard's rule (INSEE NIR key, ISO 13616
check digits over a BBAN of the registry's format, ISO/IEC 7812 IIN + Luhn check digit), not copied
from a list of examples; then the validators and the detector must accept it, and reject the
forms the standard rules out.
"""

from __future__ import annotations

import random
import re

import pytest

from visio_archive.redaction.patterns import find_emails, find_structured
from visio_archive.redaction.validators import (
    IBAN_LENGTHS,
    card_iin_ok,
    iban_checksum_ok,
    iban_format_ok,
    luhn_ok,
    nir_key_ok,
    nir_shape_ok,
    nir_valid,
    phone_kind,
    phone_valid,
)

RNG = random.Random(20261201)


def labels(text: str, lang: str = "fr") -> list[tuple[str, str]]:
    from visio_archive.redaction import detect

    return [(e.label, e.text) for e in detect(text, lang=lang)]


# ---------------------------------------------------------------- NIR (INSEE)


def make_nir(sex: str, yy: str, mm: str, place: str, order: str = "123") -> str:
    """sex(1) year(2) month(2) place(5: department + commune) order(3) key(2), key = 97 - n mod 97
    with 2A read as 19 and 2B as 18."""
    body = sex + yy + mm + place + order
    n = int(body.replace("2A", "19", 1).replace("2B", "18", 1)) if place[:2] in ("2A", "2B") else int(body)
    return body + f"{97 - n % 97:02d}"


@pytest.mark.parametrize(
    ("sex", "yy", "mm", "place"),
    [
        ("1", "85", "05", "35238"),  # Ille-et-Vilaine
        ("2", "69", "11", "20004"),  # Corsica before 1976: department 20
        ("1", "55", "02", "20144"),
        ("2", "92", "03", "2A004"),  # Corse-du-Sud from 1976
        ("1", "78", "12", "2B033"),  # Haute-Corse
        ("1", "90", "07", "97411"),  # overseas: 3-digit department 974, 2-digit commune
        ("2", "88", "01", "99350"),  # born abroad: 99 + INSEE country code (Morocco)
        ("1", "62", "03", "96100"),  # 96: former protectorate
        ("2", "01", "06", "93066"),
        ("1", "75", "31", "75114"),  # month 31-42: registered from a civil-status request
        ("2", "48", "62", "13055"),  # month 50-99: month unknown
        ("7", "80", "01", "99139"),  # 7/8: temporary number
    ],
)
def test_nir_valid(sex: str, yy: str, mm: str, place: str) -> None:
    nir = make_nir(sex, yy, mm, place)
    assert nir_shape_ok(nir) and nir_key_ok(nir) and nir_valid(nir)
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert labels(f"mon numéro de sécurité sociale est le {spaced} voilà") == [("NIR", spaced)]
    assert labels(f"NIR {nir}.") == [("NIR", nir)]


@pytest.mark.parametrize(
    ("nir", "why"),
    [
        (make_nir("5", "85", "05", "35238"), "sex digit 5"),
        (make_nir("0", "85", "05", "35238"), "sex digit 0"),
        (make_nir("1", "85", "00", "35238"), "month 00"),
        (make_nir("1", "85", "13", "35238"), "month 13"),
        (make_nir("1", "85", "45", "35238"), "month 43-49"),
        (make_nir("1", "85", "05", "00238"), "department 00"),
        (make_nir("1", "85", "05", "35238", "000"), "order 000"),
    ],
)
def test_nir_invalid_structure(nir: str, why: str) -> None:
    assert not nir_shape_ok(nir), why
    assert not nir_valid(nir), why


def test_nir_invalid_key_and_corsica_era() -> None:
    good = make_nir("1", "85", "05", "35238")
    bad = good[:13] + f"{(int(good[13:]) % 97) + 1:02d}"
    assert nir_shape_ok(bad) and not nir_key_ok(bad) and not nir_valid(bad)
    # key right, but Corsica coded against its era: 20 after 1976, 2A/2B before
    assert nir_key_ok(make_nir("1", "85", "05", "20004")) and not nir_valid(make_nir("1", "85", "05", "20004"))
    assert nir_key_ok(make_nir("1", "60", "05", "2A004")) and not nir_valid(make_nir("1", "60", "05", "2A004"))
    assert not nir_shape_ok(good[:14]) and not nir_shape_ok(good + "1")
    assert not nir_shape_ok(good[:5] + "2C" + good[7:])
    # a look-alike with a wrong key is still redacted, as a shape
    from visio_archive.redaction import detect

    (e,) = detect(f"numéro de sécu {bad}")
    assert (e.label, e.score) == ("NIR", 0.5)


# ---------------------------------------------------------------- IBAN (ISO 13616)

# BBAN formats from the SWIFT IBAN registry, written here for the test (n digits, a upper-case letters,
# c letters or digits).
BBAN = {
    "FR": "5n5n11c2n", "DE": "8n10n", "GB": "4a6n8n", "NL": "4a10n", "BE": "3n7n2n", "ES": "4n4n1n1n10n",
    "IT": "1a5n5n12c", "CH": "5n12c", "MT": "4a5n18c", "QA": "4a21c", "BH": "4a14c", "BR": "8n5n10n1a1c",
    "MU": "4a2n2n12n3n3a", "SC": "4a2n2n16n3a", "LC": "4a24c", "NO": "4n6n1n", "PL": "8n16n", "TN": "2n3n13n2n",
    "KW": "4a22c", "JO": "4a4n18c", "RO": "4a16c", "GI": "4a15c",
}
LENGTHS = {"FR": 27, "DE": 22, "GB": 22, "NL": 18, "BE": 16, "ES": 24, "IT": 27, "CH": 21, "MT": 31, "QA": 29,
           "BH": 22, "BR": 29, "MU": 30, "SC": 31, "LC": 32, "NO": 15, "PL": 28, "TN": 24, "KW": 30, "JO": 30,
           "RO": 24, "GI": 23}


def make_iban(cc: str, letters: bool = True) -> str:
    bban = ""
    for n, kind in re.findall(r"(\d+)([nac])", BBAN[cc]):
        for _ in range(int(n)):
            if kind == "a" or (kind == "c" and letters and RNG.random() < 0.5):
                bban += RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
            else:
                bban += RNG.choice("0123456789")
    n = int("".join(str(int(ch, 36)) for ch in bban + cc + "00"))
    return cc + f"{98 - n % 97:02d}" + bban


def grouped(iban: str) -> str:
    return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4))


def test_registry_lengths() -> None:
    assert len(IBAN_LENGTHS) >= 80  # every registry country
    for cc, length in LENGTHS.items():
        assert IBAN_LENGTHS[cc] == length, cc


@pytest.mark.parametrize("cc", sorted(BBAN))
def test_iban_valid_every_format(cc: str) -> None:
    iban = make_iban(cc)
    assert iban_format_ok(iban) and iban_checksum_ok(iban), iban
    assert iban_checksum_ok(grouped(iban))
    text = f"voici mon IBAN {grouped(iban)} merci"
    assert labels(text) == [("IBAN", grouped(iban))]


def test_iban_invalid() -> None:
    iban = make_iban("DE")
    wrong_check = iban[:2] + f"{(int(iban[2:4]) + 1) % 97:02d}" + iban[4:]
    assert not iban_checksum_ok(wrong_check)
    assert not iban_format_ok(iban[:-1]) and not iban_checksum_ok(iban[:-1])  # length
    assert not iban_format_ok(iban[:10] + "A" + iban[11:])  # a letter where Germany has digits
    assert not iban_checksum_ok("XX" + iban[2:])  # no such country
    fr = make_iban("FR")
    assert not iban_format_ok(fr[:4] + "A" + fr[5:])  # bank code: 5 digits


def test_iban_letters_in_account_parts_and_several_in_a_row() -> None:
    mt, qa, fr = make_iban("MT"), make_iban("QA"), make_iban("FR")
    for iban in (mt, qa, fr):
        assert re.search(r"[A-Z]{2}", iban[4:]) or iban is fr
    text = f"les comptes {grouped(mt)} {grouped(qa)} et {fr} sont à jour"
    got = labels(text)
    assert got == [("IBAN", grouped(mt)), ("IBAN", grouped(qa)), ("IBAN", fr)]


def test_iban_one_character_short_after_the_word_iban() -> None:
    iban = grouped(make_iban("FR"))[:-1]
    got = labels(f"mon IBAN {iban} voilà")
    assert got == [("IBAN", iban)]
    assert labels(f"la référence {iban.replace(' ', '')[:10]} du courrier") == []


# ---------------------------------------------------------------- payment cards (ISO/IEC 7812)


def make_card(prefix: str, length: int) -> str:
    body = prefix + "".join(RNG.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # doubled once the check digit is appended
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


@pytest.mark.parametrize(
    ("prefix", "length"),
    [
        ("1", 15),      # UATP
        ("4", 13), ("4", 16), ("4", 19),  # Visa
        ("51", 16), ("55", 16), ("2221", 16), ("2720", 16),  # Mastercard
        ("34", 15), ("37", 15),  # American Express
        ("3528", 16), ("3589", 19),  # JCB
        ("36", 14), ("300", 14),  # Diners Club
        ("50", 16), ("50", 18), ("56", 16), ("58", 19), ("63", 16), ("67", 19), ("69", 16),  # Maestro
        ("6011", 16), ("65", 16), ("62", 19),  # Discover, UnionPay
    ],
)
def test_card_valid(prefix: str, length: int) -> None:
    number = make_card(prefix, length)
    assert luhn_ok(number) and card_iin_ok(number), number
    assert labels(f"ma carte bancaire c'est {number} voilà") == [("PAYMENT_CARD", number)]


def test_card_maestro_short_lengths_need_a_card_context() -> None:
    number = make_card("50", 12)
    assert card_iin_ok(number)
    assert labels(f"numéro de carte {number}") == [("PAYMENT_CARD", number)]


@pytest.mark.parametrize(
    ("number", "why"),
    [
        (make_card("7", 16), "MII 7: petroleum"),
        (make_card("8", 16), "MII 8: health care"),
        (make_card("9", 16), "MII 9: national use"),
        (make_card("34", 16), "American Express has 15 digits"),
        (make_card("4", 15), "Visa: 13, 16 or 19"),
        (make_card("1", 16), "UATP has 15 digits"),
        (make_card("51", 19), "Mastercard 51-55: 16"),
        (make_card("4", 16)[:11], "shorter than 12"),
        (make_card("4", 19) + "1", "longer than 19"),
    ],
)
def test_card_iin_invalid(number: str, why: str) -> None:
    assert not card_iin_ok(number), why


def test_card_luhn_invalid() -> None:
    good = make_card("4", 16)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    assert not luhn_ok(bad)


# ---------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    "email",
    ["info@example.xn--p1ai", "contact@xn--80ak6aa92e.com", "jean@xn--mller-kva.de", "a.b@c.xn--vermgensberatung-pwb",
     "prenom.nom@numerique.gouv.fr", "x_y+tag@sub.example.museum"],
)
def test_email_valid_incl_punycode(email: str) -> None:
    assert [e.text for e in find_emails(f"écrire à {email} merci")] == [email]


@pytest.mark.parametrize("text", ["a@b", "x@y.1", "le @ seul", "dupont @ 12"])
def test_email_invalid(text: str) -> None:
    assert find_emails(text) == []


# ---------------------------------------------------------------- phones (libphonenumber plans)


@pytest.mark.parametrize(
    ("written", "region"),
    [
        ("(202) 456-1111", "US"), ("212-736-5000", "US"),  # North American Numbering Plan
        ("02-625-6789", "IL"), ("03-623-4567", "IL"),  # Israel
        ("03-3581-4111", "JP"), ("090-1234-5678", "JP"),  # Japan
        ("010-6552 9988", "CN"), ("138 0013 8000", "CN"),  # China
        ("020 7946 0018", "GB"),
    ],
)
def test_foreign_national_formats(written: str, region: str) -> None:
    digits = re.sub(r"\D", "", written)
    assert phone_valid(digits, region) is not None
    assert labels(f"son numéro est le {written} voilà") == [("PHONE", written)]
    assert labels(f"reach her at {written} please", lang="en") == [("PHONE", written)]


@pytest.mark.parametrize(
    "written", ["+1 202 456 1111", "+972 2 625 6789", "+81 3 3581 4111", "+86 10 6552 9988", "+44 20 7946 0018",
                "+33 6 12 34 56 78", "0033 6 12 34 56 78"],
)
def test_international_formats(written: str) -> None:
    assert phone_kind(re.sub(r"[^\d+]", "", written)) == "international"
    assert labels(f"appelez le {written}") == [("PHONE", written)]


@pytest.mark.parametrize(
    "text",
    ["le décret n° 2019-1234 du 12 décembre 2019", "la note 2024-06-12-0001", "les chiffres 2021 2022 2023",
     "le budget de 1 250 000 euros", "le numéro vert 0 800 130 000", "la référence 23-045-789",
     "le siret 110 046 018 00013"],
)
def test_numbers_that_are_no_phones(text: str) -> None:
    assert find_structured(text) == []


def test_cards_of_15_to_19_digits_and_diners_need_no_context() -> None:
    for prefix, length in (("36", 14), ("4", 16), ("37", 15), ("62", 19)):
        number = make_card(prefix, length)
        assert labels(f"le paiement {number} a été fait") == [("PAYMENT_CARD", number)]
    short = make_card("4", 13)  # 13 digits: a card only in a card context
    assert labels(f"la référence {short}") == []


# UK National Insurance numbers (HMRC rules): two prefix letters (first not D F I Q U V, second not D F I O Q U V,
# BG GB KN NK NT TN ZZ never allocated), six digits, suffix A-D.
@pytest.mark.parametrize("nino", ["AB 12 34 56 C", "JK123456A", "CE 98 76 54 D", "ha 11 22 33 b".upper()])
def test_uk_national_insurance_number_written(nino: str) -> None:
    got = [(e.label, e.text) for e in find_structured(f"reference {nino} on file", lang="en")]
    assert got == [("NIR", nino)], got


@pytest.mark.parametrize("bad", ["DA 12 34 56 C", "AO 12 34 56 C", "GB 12 34 56 A", "AB 12 34 56 E", "ZZ123456A"])
def test_uk_national_insurance_number_invalid_prefix_or_suffix(bad: str) -> None:
    assert not [e for e in find_structured(f"reference {bad} on file", lang="en") if e.label == "NIR"]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("his national insurance number is q q one two three four five six c thanks",
         "q q one two three four five six c"),
        ("my ni number is QQ 12 34 56 C", "QQ 12 34 56 C"),  # HMRC's own specimen, read after a cue
    ],
)
def test_uk_national_insurance_number_read_out(text: str, span: str) -> None:
    assert [(e.label, e.text) for e in find_structured(text, lang="en")] == [("NIR", span)]


def test_two_letter_words_around_six_digits_are_no_insurance_prefix() -> None:
    got = [e.text for e in find_structured("call me on 123456 a bit later", lang="en")]
    assert all(not t.startswith("on") for t in got), got
