"""Identity numbers of any administration after the name of their scheme or document, and what a name
found in one turn may spread to in the others.

The numbers here are random digits: these schemes' numbers are personal data after their cue whatever
their checksum (issue 11, point 2), so the tests do not build check digits; the written forms follow how
each scheme is printed (dashes, a letter prefix, a check letter).
"""

from __future__ import annotations

import random

import pytest

from visio_archive.redaction.detector import spread_names
from visio_archive.redaction.numbers_fr import fold
from visio_archive.redaction.patterns import find_structured

RNG = random.Random(20261203)
WORDS = ["oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


def digits(n: int) -> str:
    return "".join(str(RNG.randrange(10)) for _ in range(n))


def spoken(number: str) -> str:
    return " ".join(WORDS[int(d)] if d.isdigit() else d.lower() for d in number)


def found(text: str, lang: str = "en") -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in find_structured(text, fold(text), lang)]


@pytest.mark.parametrize("cue, number", [
    ("TRN", f"{digits(3)}-{digits(3)}-{digits(3)}"),
    ("SSS", f"{digits(2)}-{digits(7)}-{digits(1)}"),
    ("PhilHealth PIN", f"{digits(2)}-{digits(9)}-{digits(1)}"),
    ("UMID CRN", f"{digits(4)}-{digits(7)}-{digits(1)}"),
    ("Ghana Card", f"GHA-{digits(9)}-{digits(1)}"),
    ("NHIS", digits(8)),
    ("Aadhaar", f"{RNG.randrange(2, 10)}{digits(3)} {digits(4)} {digits(4)}"),  # UIDAI: never from 0 or 1
    ("ID", digits(13)),
    ("CNIC", f"{digits(5)}-{digits(7)}-{digits(1)}"),
])
def test_a_written_identity_number_after_its_scheme(cue: str, number: str) -> None:
    text = f"Assisted today: Ms R. Obi, {cue} {number}, seen at the counter."
    assert ("NIR", number) in found(text)


def test_two_identity_numbers_a_comma_apart_stay_two() -> None:
    first, second = f"{digits(2)}-{digits(7)}-{digits(1)}", f"{digits(4)}-{digits(7)}-{digits(1)}"
    text = f"SSS {first}, UMID CRN {second}, mobile 0917 555 0142"
    got = found(text)
    assert ("NIR", first) in got and ("NIR", second) in got


def test_a_dashed_identifier_stops_at_the_comma_before_a_street() -> None:
    number = f"{digits(2)}-{digits(9)}-{digits(1)}"
    got = found(f"PhilHealth PIN {number}, 43 Masikap St., Quezon City 1100")
    assert ("NIR", number) in got


@pytest.mark.parametrize("said", [
    "pan card {letters} {digits} {last}",        # India's PAN: five letters, four digits, a letter
    "her nric is {first} {digits7} {last}",      # Singapore: a letter, seven digits, a letter
    "the ghana card is g h a {digits9}",         # Ghana: GHA and nine digits
])
def test_spoken_identifiers_keep_their_letters(said: str) -> None:
    text = said.format(letters="b q r p r", digits=spoken(digits(4)), last="k", first="s",
                       digits7=spoken(digits(7)), digits9=spoken(digits(9)))
    got = found(text)
    number = text.split(" is ")[-1] if " is " in text else text[len("pan card "):]
    assert ("NIR", number) in got, got


def test_the_document_named_before_a_bare_number_says_whose() -> None:
    number = "k " + spoken(digits(7))
    got = found(f"the old passport of the applicant number {number} was damaged in the floods")
    assert ("NIR", number) in got


def test_the_scheme_card_is_no_payment_card() -> None:
    number = spoken(digits(12))
    assert ("NIR", number) in found(f"and aadhaar card {number}")


@pytest.mark.parametrize("text", [
    "case 2024-118734 was reopened",                 # a file number: no identity cue
    "the passport fee is 1 500 rupees",              # an amount after the document's name
    "reference RPO/CHN/REF/2024/0871 was issued",    # a reference with slashes
])
def test_numbers_that_are_not_identifiers_stay(text: str) -> None:
    assert [x for x in found(text) if x[0] == "NIR"] == []


def test_acronyms_fillers_and_number_words_do_not_spread_across_a_meeting() -> None:
    from visio_archive.models import Entity

    turns = ["before the BACS cut-off um we pay", "bacs um said it", "quatre-vingt-onze"]
    wrong = [
        [Entity(start=11, end=15, label="PERSON", text="BACS", score=0.8, source="ner")],
        [Entity(start=0, end=7, label="PERSON", text="bacs um", score=0.8, source="lexicon")],
        [Entity(start=0, end=17, label="PERSON", text="quatre-vingt-onze", score=0.8, source="shape")],
    ]
    spread = spread_names([*turns, "um the BACS run, quatre-vingt-onze"], [*wrong, []], ["en"] * 4)
    assert spread[3] == []


def test_a_name_spreads_to_the_other_turns_but_not_into_a_place_named_after_it() -> None:
    from visio_archive.models import Entity

    turns = ["madame kowalczyk a rappelé", "le dossier kowalczyk est complet",
             "elle est au lycée kowalczyk de Rezé"]
    first = [[Entity(start=0, end=16, label="PERSON", text="madame kowalczyk", score=0.9, source="context")], [], []]
    spread = spread_names(turns, first, ["fr"] * 3)
    assert [(e.label, e.text) for e in spread[1]] == [("PERSON", "kowalczyk")]
    assert spread[2] == []


# ------------------------------------------------------------------ names as a meeting says them


def persons(text: str, lang: str = "fr") -> list[str]:
    from visio_archive.redaction.detector import detect

    return [e.text for e in detect(text, lang=lang) if e.label == "PERSON"]


@pytest.mark.parametrize("spelled", ["e t x e b e r r i a", "o tréma z t u r k", "a deux t o u m a n i"])
def test_a_name_spelled_letter_by_letter_needs_no_cue(spelled: str) -> None:
    assert persons(f"{spelled} avec un x oui") == [spelled]


@pytest.mark.parametrize("acronym", ["l'u r s s a f", "la s n c f", "c a f"])
def test_an_acronym_spelled_out_is_no_name(acronym: str) -> None:
    assert persons(f"écrivez à {acronym} demain") == []


def test_a_name_broken_off_and_said_again_is_one_span() -> None:
    assert persons("c'est bien monsieur kowal euh kowalski") == ["monsieur kowal euh kowalski"]
    assert persons("oui c'est madame kaczma- kaczmarek qui a appelé") == ["madame kaczma- kaczmarek"]


def test_a_first_name_the_lemma_tables_also_list_is_a_name_alone() -> None:
    assert persons("sa petite-fille morgane est aidante") == ["morgane"]
    assert persons("on mange sous le vieil olivier si le vent se calme") == []  # a tree


def test_a_word_first_name_after_a_civility_takes_the_surname() -> None:
    assert persons("et sa mère madame france técher atteste") == ["madame france técher"]
    assert persons("elle est inscrite à france travail depuis mars") == []


def test_a_compound_first_name_is_a_name() -> None:
    assert persons("pas toi marie-france l'autre") == ["marie-france"]
    assert persons("le vin château pierre-blanche est une marque") == []


@pytest.mark.parametrize(("text", "number"), [
    ("her ohip is one two three four five six seven eight nine oh b c and the kids have theirs",
     "one two three four five six seven eight nine oh b c"),
    ("the kra pin is a oh oh five one two three four five six z thanks", "a oh oh five one two three four five six z"),
    ("his nhi is z a b one two three four", "z a b one two three four"),
    ("sa carte de travail ok mais le nas c'est le neuf quatre six deux un zéro huit sept trois",
     "neuf quatre six deux un zéro huit sept trois"),
    ("son matricule c'est le un neuf huit huit zéro un un deux trois quatre cinq six sept",
     "un neuf huit huit zéro un un deux trois quatre cinq six sept"),
])
def test_more_schemes_and_their_letters(text: str, number: str) -> None:
    lang = "fr" if " le " in text or "c'est" in text else "en"
    got = [e.text for e in find_structured(text, lang=lang) if e.label == "NIR"]
    assert any(number in g for g in got), got


def test_an_iban_read_out_with_its_country_letters() -> None:
    text = "le nouveau compte c'est l u deux huit zéro zéro un neuf quatre zéro six quatre quatre zéro zéro zéro zéro"
    got = [(e.label, e.text) for e in find_structured(text, lang="fr") if e.label == "IBAN"]
    assert got and got[0][1].startswith("l u deux huit"), got


def test_a_short_group_after_a_filler_with_its_check_letter_belongs_to_the_number() -> None:
    text = "his national insurance is j r one two three four uh one five c thanks"  # 15: a service number alone
    got = [e.text for e in find_structured(text, lang="en") if e.label == "NIR"]
    assert got == ["j r one two three four uh one five c"], got


def test_an_emergency_number_said_alone_stays() -> None:
    assert [e for e in find_structured("if it's urgent ring nine nine nine um nine nine nine", lang="en")
            if e.label != "PERSON"] == []
