"""Answers given after a pause, numbers read back, self-corrections inside numbers and addresses, service lines
and the bodies people work for (issue 11, 4 December, from the misses of a meeting set written blind). The
turns are written for each class, not copied from a benchmark set."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect
from visio_archive.redaction.detector import answered_cues, detect_many, repeated_numbers


def spans(text: str, lang: str = "en", label: str | None = None) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in detect(text, lang=lang) if label is None or e.label == label]


def meeting(turns: list[str], lang: str = "en") -> list[list[tuple[str, str]]]:
    """(label, text) of each turn's entities once the meeting is read as redact_transcript reads it."""
    langs = [lang] * len(turns)
    found = repeated_numbers(turns, answered_cues(turns, detect_many(turns, lang=lang), langs), langs)
    return [[(e.label, e.text) for e in ents] for ents in found]


def test_an_answer_given_after_a_pause_takes_the_question_as_its_cue() -> None:
    turns = ["Can you read me the member number on her card?",
             "uh hold on it's in the other bag right here it's k t five five oh two nine one"]
    assert any(label == "NIR" and "five five oh two nine one" in text for label, text in meeting(turns)[1])


def test_a_service_line_after_a_pause_is_no_answer() -> None:
    turns = ["What number should I give her?",
             "[Chat] Officer: the tenancy advice line is (613) 555-0102, weekdays."]
    assert not [t for label, t in meeting(turns)[1] if label == "PHONE"]


def test_an_address_that_answers_the_question_is_redacted_to_where_the_sentence_goes_on() -> None:
    turns = ["And where does she live now?",
             "flat six forty two harrow crescent leeds she moved in march"]
    found = meeting(turns)[1]
    assert any(label == "ADDRESS" and "forty two harrow crescent" in text and "march" not in text
               for label, text in found)


def test_a_public_place_asked_for_keeps_its_address() -> None:
    turns = ["What's the address of the housing office?", "It's 40 Market Street, second floor."]
    assert not [t for label, t in meeting(turns)[1] if label == "ADDRESS"]


def test_a_number_read_back_later_in_the_meeting_is_redacted_with_its_label() -> None:
    turns = ["His passport number is PX 4471 0926.", "Right.", "So that's 4471 0926, yes?"]
    assert ("NIR", "4471 0926") in meeting(turns)[2]


def test_short_numbers_said_again_are_not_read_backs() -> None:
    turns = ["Her phone is 0412 883 190.", "We meet at 10 on the 12th, room 412."]
    assert meeting(turns)[1] == []


@pytest.mark.parametrize(("text", "number"), [
    ("the permit number is W41... no, W4192273", "W41... no, W4192273"),
    ("her licence number is r uh four four two one nine seven", "r uh four four two one nine seven"),
    ("her card number is k t five five oh two nine one", "k t five five oh two nine one"),
])
def test_a_broken_off_identifier_and_its_correction_are_one_span(text: str, number: str) -> None:
    assert any(number in t for _, t in spans(text))


def test_a_canadian_sin_read_in_groups_of_three_is_no_quantity() -> None:
    assert ("NIR", "712 455 903") in spans("and his SIN, that's 712 455 903")


@pytest.mark.parametrize("text", [
    "The front desk is 613-555-0144 if anything changes.",
    "For your records, our number is 0800 915 4603, lines open at nine.",
    "the disability services victoria line is thirteen hundred sixty two forty eight fifty",
    "le standard de la préfecture c'est le 04 91 15 60 00",
])
def test_an_organisations_line_stays(text: str) -> None:
    lang = "fr" if "préfecture" in text else "en"
    assert spans(text, lang, "PHONE") == []


@pytest.mark.parametrize("text", [
    "my direct line is 613-555-0144",
    "call her mobile line on 0412 555 019",
])
def test_a_persons_line_is_still_redacted(text: str) -> None:
    assert spans(text, "en", "PHONE")


@pytest.mark.parametrize(("text", "address"), [
    ("we were at twelve elm road sorry twenty one elm road until june", "twelve elm road sorry twenty one elm road"),
    ("She lives at 4 Mill Lane — sorry, 14 Mill Lane, Carlow.", "4 Mill Lane — sorry, 14 Mill Lane, Carlow"),
])
def test_a_corrected_address_is_one_span(text: str, address: str) -> None:
    assert any(address in t for label, t in spans(text) if label == "ADDRESS")


def test_a_phone_and_its_extension_are_no_address() -> None:
    assert spans("You can reach me at 416-555-0190, extension 348.", label="ADDRESS") == []


def test_the_address_of_a_public_place_stays_and_a_household_is_redacted() -> None:
    assert spans("It takes an hour to the consulate at Via Nomentana 54.", label="ADDRESS") == []
    assert spans("she is staying at Via Nomentana 54, Roma", label="ADDRESS")


def test_an_indian_branch_code_goes_with_its_account() -> None:
    assert ("IBAN", "HDFC0002231, a/c 50100234876512") in spans("Please refund to HDFC0002231, a/c 50100234876512.")


@pytest.mark.parametrize(("text", "body"), [
    ("I'm Priya Nair, outreach worker with Open Doors, and I'm here for Mr. Lee.", "Open Doors"),
    ("Hello, I'm Tomasz Nowak from Ontario Legal Aid.", "Ontario Legal Aid"),
    ("This is Grace Mensah, Senior Benefits Officer at the district office.", "Benefits Officer"),
])
def test_the_body_or_post_beside_a_name_is_no_person(text: str, body: str) -> None:
    persons = [t for _, t in spans(text, label="PERSON")]
    assert not any(body in t for t in persons)
    assert persons  # the person beside it still is


def test_a_civility_after_a_role_is_still_a_person() -> None:
    assert ("PERSON", "Mrs Adeyemi") in spans("I'm Ana, the support worker with Mrs Adeyemi today.")
