"""Private addresses with what comes with them (building, staircase, floor, flat, residence, hamlet;
flat / unit / suite and UK postcodes in English), and the counts and quantities that look like a
house number followed by a street word and must stay (issue 11, third pass)."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect
from visio_archive.redaction.patterns import find_addresses, find_addresses_en


def fr(text: str) -> list[str]:
    return [e.text for e in find_addresses(text)]


def en(text: str) -> list[str]:
    return [e.text for e in find_addresses_en(text)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("j'habite bâtiment b, escalier deux, 14 rue des lilas à lyon", "bâtiment b, escalier deux, 14 rue des lilas"),
        ("elle est au 8 boulevard voltaire, appartement trente-deux, deuxième étage",
         "8 boulevard voltaire, appartement trente-deux, deuxième étage"),
        ("la résidence les tilleuls, 4 allée des roses, 35000 rennes",
         "résidence les tilleuls, 4 allée des roses, 35000 rennes"),
        ("au 3 avenue jean jaurès, 5e étage, on sonne", "3 avenue jean jaurès, 5e étage"),
        ("c'est au 7 impasse des mimosas, lieu-dit le moulin, 29000 quimper",
         "7 impasse des mimosas, lieu-dit le moulin, 29000 quimper"),
    ],
)
def test_french_address_complements(text: str, address: str) -> None:
    got = fr(text)
    assert len(got) == 1 and got[0].startswith(address), got


def test_french_complement_ends_with_the_clause() -> None:
    got = fr("il habite 12 rue des acacias, quartier nord c'est là où on a ouvert le centre")
    assert got == ["12 rue des acacias, quartier nord"]


def test_french_unit_words_alone_are_no_address() -> None:
    assert fr("il y a deux salles au bâtiment c, on se voit au troisième étage") == []
    assert fr("la tour 3 du quartier est en travaux depuis le 12 mars") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("she lives at flat 4, 27 mill road, cambridge cb1 2ab", "flat 4, 27 mill road, cambridge cb1 2ab"),
        ("send it to 88 station approach, unit 7", "88 station approach, unit 7"),
        ("apartment 4b, 350 west 57th street", "apartment 4b, 350 west 57th street"),
        ("it goes to 14 Elm Grove, Leeds LS6 2AB tomorrow", "14 Elm Grove, Leeds LS6 2AB"),
    ],
)
def test_english_address_units_and_uk_postcodes(text: str, address: str) -> None:
    assert en(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "by the 2024 year end we should have the numbers",
        "we have a 5 year view of the budget",
        "it took us 2 rounds end to end",
        "there were 12 people walk in",
        "the order was for 3 park benches",
    ],
)
def test_english_counts_are_no_house_numbers(text: str) -> None:
    assert en(text) == []


# ---------------------------------------------------------------- a French residence cue (issue 11, meet12)

@pytest.mark.parametrize(("text", "address"), [
    ("elle habite résidence el yasmine immeuble six appartement trois hay hassani fès et son fils aussi",
     "résidence el yasmine immeuble six appartement trois hay hassani fès"),
    ("La belle-mère habite Cité Djily Mbaye, villa n° 212, Yoff.", "Cité Djily Mbaye, villa n° 212, Yoff"),
    ("Adresse : 45, rang Saint-Joseph, Lac-Etchemin (Québec) G0R 1S0.",
     "45, rang Saint-Joseph, Lac-Etchemin (Québec) G0R 1S0"),
    ("il habite Lot IVB 12 ter, Ambohipo, Antananarivo 101.", "Lot IVB 12 ter, Ambohipo, Antananarivo 101"),
    ("Elle vit rue des Flamboyants, villa Les Cocotiers, Mahajanga 401, sa fille passe le soir.",
     "rue des Flamboyants, villa Les Cocotiers, Mahajanga 401"),
])
def test_a_french_residence_cue_takes_the_address_to_where_the_sentence_goes_on(text: str, address: str) -> None:
    assert [e.text for e in detect(text, lang="fr") if e.label == "ADDRESS"] == [address]


@pytest.mark.parametrize("text", [
    "elle vit dans un appartement de trois pièces au deuxième étage",
    "il vit seul depuis deux ans avec son chien",
    "le centre social, son adresse c'est Lot II M 85, Antsakaviro",
    "elle habite à Lyon avec ses 2 enfants",
])
def test_a_residence_cue_without_a_households_address_takes_nothing(text: str) -> None:
    assert [e.text for e in detect(text, lang="fr") if e.label == "ADDRESS"] == []


def test_the_town_after_a_and_a_landmark_stay_outside_the_cued_address() -> None:
    text = "il habite yopougon sicogi lot trois cent douze îlot neuf vers la pharmacie des lagunes"
    assert [e.text for e in detect(text, lang="fr") if e.label == "ADDRESS"] == [
        "yopougon sicogi lot trois cent douze îlot neuf"]
