"""National identifiers of English-speaking administrations and the address forms of their countries.

Each valid number is built here from the issuing body's rule (Revenue's PPSN mod-23 check letter, ESDC's
Luhn SIN, the ATO's TFN weights, Services Australia's Medicare check digit, Inland Revenue's IRD mod 11),
then changed in its check to make the invalid form; the recognizers must take the first after its cue and
leave the second, and leave a valid number without its cue.
"""

from __future__ import annotations

import random

import pytest

from visio_archive.redaction.national_ids import find_national_ids, medicare_ok
from visio_archive.redaction.numbers_fr import fold
from visio_archive.redaction.patterns import find_structured

RNG = random.Random(20261202)
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def spoken(digits: str) -> str:
    return " ".join(WORDS[int(d)] for d in digits)


def luhn_complete(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body + "0")):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


def pps(seven: str, second: str = "") -> str:
    """Revenue: weights 8..2 over the digits, 9 x the second letter's value (A=1 .. I=9, W=0), mod 23."""
    value = 0 if second in ("", "W") else ord(second) - 64
    r = (sum(int(d) * w for d, w in zip(seven, range(8, 1, -1), strict=True)) + 9 * value) % 23
    return seven + "WABCDEFGHIJKLMNOPQRSTUV"[r] + second


def tfn() -> str:
    """ATO: weights 1 4 3 7 5 8 6 9 10, the sum a multiple of 11."""
    while True:
        n = str(RNG.randint(1, 9)) + "".join(str(RNG.randint(0, 9)) for _ in range(8))
        if sum(int(d) * w for d, w in zip(n, (1, 4, 3, 7, 5, 8, 6, 9, 10), strict=True)) % 11 == 0:
            return n


def ird(eight: str) -> str | None:
    """Inland Revenue: weights 3 2 7 6 5 4 3 2 over the base, check 11 - r (0 when r is 0); when that
    gives 10, the second weights 7 4 3 2 5 2 7 6; 10 again: no such number."""
    for weights in ((3, 2, 7, 6, 5, 4, 3, 2), (7, 4, 3, 2, 5, 2, 7, 6)):
        r = sum(int(d) * w for d, w in zip(eight, weights, strict=True)) % 11
        check = 0 if r == 0 else 11 - r
        if check != 10:
            return eight[1:] + str(check) if eight[0] == "0" else eight + str(check)
    return None


def medicare(body8: str, issue: str = "1") -> str:
    check = sum(int(d) * w for d, w in zip(body8, (1, 3, 7, 9, 1, 3, 7, 9), strict=True)) % 10
    return body8 + str(check) + issue


def wrong_last(n: str) -> str:
    return n[:-1] + str((int(n[-1]) + 1) % 10)


def nir_texts(text: str, lang: str = "en") -> list[str]:
    return [e.text for e in find_structured(text, fold(text), lang) if e.label == "NIR"]


def test_pps_numbers_after_their_cue_with_one_or_two_letters() -> None:
    old, new = pps("7719264"), pps("6403918", "A")
    found = [e.text for e in find_national_ids(f"PPSN {old}, nominated person (PPSN {new})")]
    assert found == [old, new]
    bad = old[:7] + ("A" if old[7] != "A" else "B")
    assert find_national_ids(f"PPSN {bad}") == []
    assert find_national_ids(f"reference {old}") == []  # the check letter alone is one chance in 23


@pytest.mark.parametrize("cue", ["SIN", "social insurance number", "NAS"])
def test_social_insurance_numbers_need_luhn_and_their_cue(cue: str) -> None:
    sin = luhn_complete("7" + "".join(str(RNG.randint(0, 9)) for _ in range(7)))
    written = f"{sin[:3]} {sin[3:6]} {sin[6:]}"
    assert [e.text for e in find_national_ids(f"client R. M., {cue} {written}, new address")] == [written]
    assert find_national_ids(f"client R. M., {cue} {wrong_last(sin)}, new address") == []
    assert find_national_ids(f"invoice {written}") == []


def test_tax_file_and_ird_numbers() -> None:
    t = tfn()
    assert [e.text for e in find_national_ids(f"partner TFN {t[:3]} {t[3:6]} {t[6:]}; address")] == [
        f"{t[:3]} {t[3:6]} {t[6:]}"]
    assert find_national_ids(f"partner TFN {wrong_last(t)}; address") == []
    base = "049582" + "16"
    number = ird(base)
    assert number is not None
    dashed = f"{number[:-6]}-{number[-6:-3]}-{number[-3:]}"
    assert [e.text for e in find_national_ids(f"customer (IRD {dashed}), partner")] == [dashed]
    assert find_national_ids(f"customer (IRD {wrong_last(number)}), partner") == []


def test_medicare_card_number_check_digit_and_issue_number() -> None:
    number = medicare("2953" + "1748")
    assert medicare_ok(number) and not medicare_ok("7" + number[1:])
    assert not medicare_ok(number[:8] + str((int(number[8]) + 1) % 10) + number[9])
    text = f"Medicare claim note: patient B. P., card {number[:4]} {number[4:9]} {number[9]}"
    assert [e.text for e in find_national_ids(text)] == [f"{number[:4]} {number[4:9]} {number[9]}"]


def test_kenyan_identity_card_number_only_after_its_cue() -> None:
    assert [e.text for e in find_national_ids("issued to O. O., ID No. 31047582, for KES 12,500")] == ["31047582"]
    assert find_national_ids("receipt 31047582 issued") == []


def test_spoken_identifiers_keep_their_letters() -> None:
    number = pps("7719264")
    said = spoken(number[:7]) + " " + number[7].lower()
    assert nir_texts(f"can i take her p p s number please yeah it's {said} and that's the one") == [said]
    # a NINO read out: letters, six digits, letter
    nino = "n p " + spoken("730158") + " a"
    assert nir_texts(f"can you confirm your national insurance number it's {nino} thanks") == [nino]


def test_a_scheme_cue_relabels_digits_that_another_cue_would_call_a_card() -> None:
    number = medicare("2953" + "1748")
    text = f"okay and her medicare number it's on the green card {spoken(number)} she's number two"
    assert nir_texts(text) == [spoken(number)]


def address_texts(text: str, lang: str = "en") -> list[str]:
    return [e.text for e in find_structured(text, fold(text), lang) if e.label == "ADDRESS"]


@pytest.mark.parametrize(("said", "address"), [
    ("so the address on file is forty one saint brendan's terrace tralee county kerry v nine two k x two eight "
     "is that still correct",
     "forty one saint brendan's terrace tralee county kerry v nine two k x two eight"),
    ("is it still unit twelve oh four eighty eight grangeway avenue scarborough ontario m one h oh c three",
     "unit twelve oh four eighty eight grangeway avenue scarborough ontario m one h oh c three"),
    ("we're now at forty two macquarie street south dubbo new south wales two eight three oh since february",
     "forty two macquarie street south dubbo new south wales two eight three oh"),
    ("and the mailing address twenty one forty west armitage avenue apartment three b chicago illinois six oh six "
     "one four dash three nine two one",
     "twenty one forty west armitage avenue apartment three b chicago illinois six oh six one four dash three "
     "nine two one"),
])
def test_spoken_addresses_run_through_region_and_spoken_postal_code(said: str, address: str) -> None:
    assert address_texts(said) == [address]


@pytest.mark.parametrize(("text", "address"), [
    ("new address PO Box 417, Station A, Kingston ON K7L 4W2; ROE", "PO Box 417, Station A, Kingston ON K7L 4W2"),
    ("no we moved it's p o box four one seven station a kingston ontario k seven l four w two for now",
     "p o box four one seven station a kingston ontario k seven l four w two"),
    ("the postal address is p o box two oh four one dash zero zero nine hundred kiambu",
     "p o box two oh four one dash zero zero nine hundred kiambu"),
])
def test_post_office_boxes_are_addresses(text: str, address: str) -> None:
    assert address_texts(text) == [address]


def test_french_box_with_a_lower_case_town() -> None:
    text = "il sera convoqué à sa domiciliation BP quatre cent dix-sept quatre-vingt-treize mille sept bobigny cedex"
    assert address_texts(text, "fr") == ["BP quatre cent dix-sept quatre-vingt-treize mille sept bobigny cedex"]


def test_a_flat_or_plot_before_a_street_without_a_house_number() -> None:
    assert address_texts("to post form MC1 to Apt 14, The Maltings, Bray Road, Cabinteely, Dublin 18, D18 W2P5 by "
                         "Friday") == ["Apt 14, The Maltings, Bray Road, Cabinteely, Dublin 18, D18 W2P5"]
    assert address_texts('find attached lease for Plot 17, Gatitu Road, Section 9, Thika."') == [
        "Plot 17, Gatitu Road, Section 9, Thika"]
    assert address_texts("i live in flat 3 and the road is long") == []


def test_a_postal_code_said_after_its_name() -> None:
    text = "send it to mine sorry the eircode is d eighteen w two p five"
    assert address_texts(text) == ["d eighteen w two p five"]
    assert address_texts("the code is a b and then we start") == []
