"""How people read identifiers out loud, as ASR writes it (issue 11, points 2 and 5, third pass):
letters spelt one by one inside an IBAN's account part (ISO 13616 BBANs hold letters) or in an e-mail's
local part, numbers said digit by digit, foreign mobiles grouped in thousands, and the quantities,
dates and file numbers that look alike and must stay."""

from __future__ import annotations

import pytest
from stdnum import iban as std_iban

from visio_archive.redaction import detect

_EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_FR_DIGITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"]


def spelt(code: str, digits: list[str]) -> str:
    """An identifier read character by character: letters as letters, digits as words."""
    return " ".join(digits[int(c)] if c.isdigit() else c.lower() for c in code.replace(" ", ""))


def with_check(country: str, bban: str) -> str:
    return country + std_iban.calc_check_digits(country + "00" + bban) + bban


def found(text: str, lang: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in detect(text, lang=lang) if e.label != "PERSON"]


@pytest.mark.parametrize(
    ("country", "bban"),
    [
        ("GB", "NWBK60161331926819"),  # ISO 13616 GB: 4 letters (bank) + 14 digits
        ("NL", "ABNA0417164300"),  # NL: 4 letters + 10 digits
        ("FR", "30006000011234567890A89"),  # FR: the account number part may hold letters
    ],
)
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_iban_spelt_letter_by_letter(country: str, bban: str, lang: str) -> None:
    code = with_check(country, bban)
    assert std_iban.is_valid(code)
    said = spelt(code, _EN_DIGITS if lang == "en" else _FR_DIGITS)
    cue = "my iban is" if lang == "en" else "mon iban c'est le"
    text = f"{cue} {said} thanks" if lang == "en" else f"{cue} {said} merci"
    got = found(text, lang)
    assert ("IBAN", said) in got, got


@pytest.mark.parametrize(
    ("text", "local"),
    [
        ("mon adresse c'est k a r i m point b arobase gmail point com", "k a r i m point b"),
        ("écrivez-moi à a b c tiret d arobase laposte point net", "a b c tiret d"),
        ("you can reach me at j o n e s dot p at outlook dot com", "j o n e s dot p"),
    ],
)
def test_email_local_part_spelt(text: str, local: str) -> None:
    lang = "en" if " at " in text and "arobase" not in text else "fr"
    emails = [t for lab, t in found(text, lang) if lab == "EMAIL"]
    assert len(emails) == 1 and emails[0].startswith(local), emails
    # the words that introduce the address are not part of it
    assert not emails[0].startswith(("écrivez", "à ", "you", "me"))


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # seven or more digits said one by one after no cue at all: how an identifier is read out
        ("oui alors c'est le six un deux huit quatre quatre neuf trois voilà", "fr"),
        ("okay so eight one eight, five five, five oh three two one, got it", "en"),
    ],
)
def test_digit_by_digit_reading_is_an_identifier(text: str, lang: str) -> None:
    assert found(text, lang), text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        # a file, order or decree word before the digits: a public reference, kept
        ("le dossier numéro un deux trois quatre cinq six sept huit est clos", "fr"),
        ("le numéro de commande c'est le quatre cinq six sept huit neuf un deux", "fr"),
        ("the case file is two zero two four dash one two three", "en"),
        # amounts, dates and short service numbers
        ("la facture fait un million deux cent mille euros", "fr"),
        ("réunion le douze mars deux mille vingt-quatre à quatorze heures trente", "fr"),
        ("appelez le trois neuf trois neuf ou le cent quinze", "fr"),
        ("the budget is one million two hundred thousand dollars", "en"),
        ("dial nine one one or one one one", "en"),
    ],
)
def test_references_amounts_and_service_numbers_stay(text: str, lang: str) -> None:
    assert found(text, lang) == [], found(text, lang)


def test_thousands_shaped_mobile_after_a_phone_cue() -> None:
    # Spanish mobiles (6xx / 7xx, nine digits) are read in groups of three, like thousands
    assert found("en espagne on peut le joindre au 612 345 678 le soir", "fr") == [("PHONE", "612 345 678")]
    # the same shape without a phone cue, or with a unit after it, is a quantity
    assert found("on a 612 345 678 euros de crédits", "fr") == []
    assert found("le marché porte sur 1 250 000 euros hors taxes", "fr") == []


@pytest.mark.parametrize(
    ("text", "label", "span"),
    [
        # the word before "number" says what the number is
        ("and account number one two three four five six seven eight", "IBAN",
         "one two three four five six seven eight"),
        # a bank sort code: "code" is the cue's own word, not a veto; "is" is no IBAN country code (ISO 13616:
        # the shortest IBAN has 15 characters)
        ("the sort code is 20-34-56", "IBAN", "sort code is 20-34-56"),
        ("sort code two zero, three four, five six", "IBAN", "sort code two zero, three four, five six"),
        # a self-correction: the label follows the number given after it, not the digits of both
        ("my number is oh seven, um, seven double oh, sorry, seven nine double oh, one two three four five",
         "PHONE", "oh seven, um, seven double oh, sorry, seven nine double oh, one two three four five"),
    ],
)
def test_bank_details_and_corrections_in_english(text: str, label: str, span: str) -> None:
    assert found(text, "en") == [(label, span)]


@pytest.mark.parametrize(
    ("text", "lang", "label", "span"),
    [
        # German and Dutch transcripts have no model yet: their own contact words still cue the numbers
        ("seine Nummer ist 0151 23456789", "de", "PHONE", "0151 23456789"),
        ("Handy 0151 2345 6789", "de", "PHONE", "0151 2345 6789"),
        ("mijn bsn is 111222333", "nl", "NIR", "111222333"),
    ],
)
def test_german_and_dutch_cues(text: str, lang: str, label: str, span: str) -> None:
    from visio_archive.redaction.patterns import find_structured

    assert [(e.label, e.text) for e in find_structured(text, lang=lang)] == [(label, span)]


@pytest.mark.parametrize(("text", "lang"), [("die Rechnung Nr. 2024 123456 ist bezahlt", "de"),
                                            ("der Betrag ist 1 234 567 Euro", "de")])
def test_german_invoices_and_amounts_stay(text: str, lang: str) -> None:
    from visio_archive.redaction.patterns import find_structured

    assert find_structured(text, lang=lang) == []
