"""Names in lower-case ASR French that are also ordinary words: found where the grammar leaves only a
person, kept where a determiner or the sense makes them words (issue 11, third pass)."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect


# First names that are also French words ("pierre", "rose", "olivier"): a person where grammar leaves only one.
@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("j'ai vu pierre ce matin, il était avec jacques", ["pierre", "jacques"]),  # object of "voir", then a time
        ("moi et rose on s'occupe du planning", ["rose"]),  # paired with "moi"
        ("oui alors josé et moi on a vu ça", ["josé"]),
        ("olivier m'a dit que le dossier était complet", ["olivier"]),  # subject of "m'a dit"
        ("il a eu rose au téléphone", ["rose"]),
    ],
)
def test_french_first_names_that_are_words_in_person_grammar(text: str, names: list[str]) -> None:
    assert [e.text for e in detect(text) if e.label == "PERSON"] == names


@pytest.mark.parametrize(
    "text",
    ["on a vu la pierre ce matin", "j'ai vu rouge quand il a dit ça", "le mur en pierre", "la rose est fanée"],
)
def test_french_words_that_are_first_names_stay(text: str) -> None:
    assert [e.text for e in detect(text) if e.label == "PERSON"] == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("le remplaçant de dupuis arrive demain", "dupuis"),
        ("ça c'est géré par la collègue de laurent", "laurent"),
        ("le contrat de travail de martin", "martin"),
    ],
)
def test_french_person_named_through_a_relation(text: str, name: str) -> None:
    assert [e.text for e in detect(text) if e.label == "PERSON"] == [name]


@pytest.mark.parametrize(
    "text",
    ["le chef de projet est absent", "la mère de famille a appelé", "le bureau de poste ferme à midi",
     "la demande de subvention", "le bureau de justice", "le dossier d'aide de paris"],
)
def test_french_relation_before_an_ordinary_word_stays(text: str) -> None:
    assert [e.text for e in detect(text) if e.label == "PERSON"] == []
