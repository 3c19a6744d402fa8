"""Numbers that answer the turn before, names spelled with hyphens, a freephone number said digit by digit
(issue 11, 4 December). The turns are written for each class, not copied from a benchmark set."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect
from visio_archive.redaction.detector import answered_cues, detect_many


def answered(turns: list[str], lang: str = "en") -> list[list[tuple[str, str]]]:
    """(label, text) of each turn's entities once the meeting's previous turns are read as cues."""
    found = answered_cues(turns, detect_many(turns, lang=lang), [lang] * len(turns))
    return [[(e.label, e.text) for e in ents] for ents in found]


@pytest.mark.parametrize(("question", "answer", "label", "number"), [
    ("Could you give me your Medicare number, please?", "Yes. It's 7731 2204. No, wait, 7731 2240.",
     "NIR", "7731 2204. No, wait, 7731 2240"),
    ("We need the applicant's tax file number for the form.", "884019275.", "NIR", "884019275"),
    ("And I need your national ID as well.", "Mine is 5512 8830 17, I think.", "NIR", "5512 8830 17"),
    ("which account do you want it paid into", "um it's four four oh one two two nine three eight seven",
     "IBAN", "four four oh one two two nine three eight seven"),
])
def test_a_number_opening_a_turn_takes_the_cue_of_the_turn_before(question: str, answer: str, label: str,
                                                                   number: str) -> None:
    assert (label, number) in answered([question, answer])[1]


@pytest.mark.parametrize(("question", "answer", "kept"), [
    # a date, a time and an amount said later in the turn answer nothing
    ("Please confirm the account it goes to.", "Hearing listed for 3 March 2026, 14:30, court four.", "2026"),
    ("What's the bank account?", "It's 1,250 a month, paid on the 5th.", "1,250"),
    # a freephone line stays a helpline's, whoever asked
    ("And what number should she call?", "eight hundred four four one two two nine three", "eight hundred"),
])
def test_what_does_not_open_a_turn_as_an_identifier_answers_nothing(question: str, answer: str, kept: str) -> None:
    assert not any(kept in text for _, text in answered([question, answer])[1])


def test_a_ten_digit_freephone_number_said_digit_by_digit_is_no_nine_digit_phone() -> None:
    text = "you need to call customer service at eight seven seven three two eight nine six seven seven today"
    assert [e.text for e in detect(text, lang="en") if e.label == "PHONE"] == []


@pytest.mark.parametrize(("text", "spelled"), [
    ("Family name Okonkwo. Okonkwo is O-K-O-N-K-W-O.", "O-K-O-N-K-W-O"),
    ("My daughter, Siobhan, S-I-O-B-H-A-N, will bring it.", "S-I-O-B-H-A-N"),
])
def test_a_name_spelled_with_hyphens_is_redacted(text: str, spelled: str) -> None:
    assert any(spelled in e.text for e in detect(text, lang="en") if e.label == "PERSON")


def test_an_acronym_spelled_with_hyphens_stays() -> None:
    assert not [e for e in detect("The new N-H-S rules start in May.", lang="en") if e.label == "PERSON"]
