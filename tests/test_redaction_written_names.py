"""Names as minutes write them (initials before a surname, even where the English model calls the pair a
place) and Chinese names as Hong Kong and Singapore meetings say them (family name first, then a given name
of one or two syllables)."""

from __future__ import annotations

import pytest

from visio_archive.redaction.detector import get_detector


def persons(text: str, lang: str = "en") -> list[str]:
    return [e.text for e in get_detector(lang).detect_many([text], [])[0] if e.label == "PERSON"]


@pytest.mark.parametrize(("text", "name"), [
    ("Present: K. Mwangi (chair), S. Achieng, B. Otieno.", "S. Achieng"),
    ("Apologies from D. ap Gwilym; minutes approved.", "D. ap Gwilym"),
    ("Action: A. K. Boateng to write to the landlord.", "A. K. Boateng"),
    ("Action: J.M. Wanjiru to confirm the payroll date.", "J.M. Wanjiru"),
])
def test_initials_and_a_surname_are_a_name(text: str, name: str) -> None:
    assert name in persons(text), persons(text)


def test_dotted_abbreviations_are_no_initials() -> None:
    text = "The U.S. Embassy wrote; send it to the P.O. Box in Nairobi."
    assert not any("Embassy" in p or "Box" in p for p in persons(text)), persons(text)


@pytest.mark.parametrize(("text", "name"), [
    ("the tenant is mr chan siu keung he is eighty one", "chan siu keung"),
    ("can ms yeung mei ling sign the form", "yeung mei ling"),
    ("we spoke to mr tan wee kiat at the town council", "tan wee kiat"),
])
def test_a_chinese_name_with_its_given_syllables(text: str, name: str) -> None:
    assert any(name in p for p in persons(text)), persons(text)


def test_an_english_word_after_a_chinese_surname_stays() -> None:
    assert not any("desk" in p or p.endswith("man") for p in persons("ask mr lee man the front desk")), persons(
        "ask mr lee man the front desk")


@pytest.mark.parametrize(("text", "lang", "name"), [
    ("the letter is for mrs agnes baker at the same flat", "en", "agnes baker"),
    ("mr tomasz wood rang back this morning", "en", "tomasz wood"),
    ("deuxième dossier monsieur moana boucher il est boucher à papeete", "fr", "moana boucher"),
])
def test_after_a_civility_and_a_first_name_a_word_is_the_surname(text: str, lang: str, name: str) -> None:
    assert any(name in p for p in persons(text, lang)), persons(text, lang)


def test_a_chat_heading_is_no_name() -> None:
    assert persons("Tchat — Inès Moreau : je me connecte dans cinq minutes.", "fr") == ["Inès Moreau"]
