"""Places and institutions named after people are kept (issue 11, point 3), unless a private address."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect
from visio_archive.redaction.places import find_places


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("la réunion aura lieu salle jean moulin au deuxième étage", "salle jean moulin"),
        ("les élèves du lycée Victor Hugo sont venus", "lycée Victor Hugo"),
        ("elle est à l'hôpital Georges-Pompidou depuis mardi", "hôpital Georges-Pompidou"),
        ("le colloque se tient à l'université paul-sabatier", "université paul-sabatier"),
        ("on se retrouve rue Jean Jaurès devant la mairie", "rue Jean Jaurès"),
        ("l'amphithéâtre marguerite yourcenar est réservé", "amphithéâtre marguerite yourcenar"),
        ("le centre hospitalier andré mignot a répondu", "centre hospitalier andré mignot"),
        ("l'avenue du président kennedy est en travaux", "avenue du président kennedy"),
        ("la station franklin d. roosevelt est fermée", "station franklin d. roosevelt"),
    ],
)
def test_french_places_named_after_people(text: str, place: str) -> None:
    assert detect(text) == []
    s = text.index(place)
    assert any(a <= s and s + len(place) <= b for a, b in find_places(text)), find_places(text)


@pytest.mark.parametrize(
    "text",
    ["she was treated at John Radcliffe Hospital in Oxford", "we'll meet at Victoria Station",
     "they are based on martin luther king jr boulevard", "the workshop is at King's College"],
)
def test_english_places_named_after_people(text: str) -> None:
    assert [e for e in detect(text, lang="en") if e.label == "PERSON"] == []


def test_private_address_with_a_number_is_still_redacted() -> None:
    got = [(e.label, e.text) for e in detect("il habite au 12 rue Jean Jaurès à Lyon")]
    assert got == [("ADDRESS", "12 rue Jean Jaurès à Lyon")]


def test_a_person_next_to_a_place_is_still_redacted() -> None:
    got = [(e.label, e.text) for e in detect("merci à madame Kerleroux du lycée Victor Hugo")]
    assert got == [("PERSON", "madame Kerleroux")]
    got = [(e.label, e.text) for e in detect("j'ai vu jean dupont à l'hôpital hier")]
    assert got == [("PERSON", "jean dupont")]


def test_common_words_after_a_place_kind_are_no_name() -> None:
    from visio_archive.redaction.detector import get_detector

    common = get_detector("fr").common  # the model's dictionary of ordinary words
    assert find_places("la salle de réunion est prise", common=common) == []
    assert find_places("le lycée a fermé ses portes", common=common) == []
    assert find_places("la salle de réunion est prise") != []  # without a dictionary every word may be a name
