"""Spoken numbers as ASR writes them (issue 11, point 2): six or more digits after a contact or identity
cue are personal data even without a checksum; fillers, self-corrections and garbled tokens may sit
inside the span; amounts, dates, times, articles, file numbers and service numbers stay."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect


def spans(text: str, lang: str = "fr") -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in detect(text, lang=lang) if e.label != "PERSON"]


@pytest.mark.parametrize(
    ("text", "label", "span"),
    [
        ("vous pouvez appeler le service au douze tratt' quatre, cinq, quatre, six, trois, sept c'est le fixe",
         "PHONE", "douze tratt' quatre, cinq, quatre, six, trois, sept"),
        ("mon portable c'est le zéro six euh douze trente-quatre cinquante-six soixante-dix-huit",
         "PHONE", "zéro six euh douze trente-quatre cinquante-six soixante-dix-huit"),
        ("tu peux me joindre au zéro six, non pardon, zéro sept quarante-deux dix-huit trente-trois zéro un voilà",
         "PHONE", "zéro six, non pardon, zéro sept quarante-deux dix-huit trente-trois zéro un"),
        ("rappelez-moi au 06 71 euh 28 44 19 demain", "PHONE", "06 71 euh 28 44 19"),
        ("son numéro c'est le zéro six trente-deux tr... quarante quatre-vingt-huit dix-sept",
         "PHONE", "zéro six trente-deux tr... quarante quatre-vingt-huit dix-sept"),
        ("vous avez son numéro ? oui c'est le zéro six quatre-vingt-un euh non quatre-vingt-onze vingt-deux treize",
         "PHONE", "zéro six quatre-vingt-un euh non quatre-vingt-onze vingt-deux treize"),
        ("mon numéro de sécu c'est un quatre-vingt-cinq zéro cinq trente-cinq deux cent trente-huit euh zéro "
         "quarante-cinq", "NIR",
         "un quatre-vingt-cinq zéro cinq trente-cinq deux cent trente-huit euh zéro quarante-cinq"),
        ("le rib de l'association c'est trente mille quatre zéro zéro zéro un zéro trois un deux",
         "IBAN", "trente mille quatre zéro zéro zéro un zéro trois un deux"),
        ("le numéro de carte quarante-neuf seize soixante-treize euh quarante-deux zéro sept cinquante",
         "PAYMENT_CARD", "quarante-neuf seize soixante-treize euh quarante-deux zéro sept cinquante"),
    ],
)
def test_spoken_identifiers_in_context(text: str, label: str, span: str) -> None:
    got = spans(text)
    assert any(s == span or (span in s) for _, s in got), got
    assert label in {lab for lab, s in got if span in s or s in span}


@pytest.mark.parametrize(
    ("text", "lang", "span"),
    [
        ("my cell is six one seven, five five five, oh one nine eight okay", "en",
         "six one seven, five five five, oh one nine eight"),
        ("call me back on six oh two, um, five five five, oh one one five", "en",
         "six oh two, um, five five five, oh one one five"),
        ("the number is plus four four seven seven zero zero nine double zero one two three", "en",
         "plus four four seven seven zero zero nine double zero one two three"),
    ],
)
def test_spoken_english(text: str, lang: str, span: str) -> None:
    assert ("PHONE", span) in spans(text, lang)


@pytest.mark.parametrize(
    "text",
    [
        "il faut appeler le standard avant le 12 mars 2025",
        "on peut appeler la plateforme entre 9 h et 17 h 30",
        "en cas d'urgence appelez le 15 ou le 112",
        "le numéro de dossier c'est le 2024-000456",
        "le numéro d'agrément 14 52 18 est valable",
        "appel d'offres numéro 23 145 0981 publié hier",
        "la subvention de 150 000 euros a été versée sur le compte de la commune",
        "on a versé un million deux cent mille euros sur le compte",
        "il faut appeler avant le trente et un décembre deux mille vingt-quatre",
        "on nous a appelés trois fois pour le dossier 452",
        "the case number is 2024-118-0042",
        "we had three hundred and forty calls",
        "sur le compte 512 il reste 2 400 000 euros",
    ],
)
def test_numbers_that_must_survive(text: str) -> None:
    lang = "en" if text.startswith(("the ", "we ")) else "fr"
    assert spans(text, lang) == [], spans(text, lang)


def test_six_digits_need_a_cue() -> None:
    assert spans("il y avait quatre cinq six sept huit neuf personnes") == []
    assert spans("mon numéro c'est quatre cinq six sept huit neuf") != []


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("on a reçu l'appel de la préfecture le 12 03 2024 à 10 h", "fr"),
        ("il faut appeler le 01 02 2026 pour confirmer", "fr"),
        ("mon portable a coûté 1 200 000", "fr"),
        ("vous pouvez joindre le service pour les années 2023 2024 2025", "fr"),
        ("le compte de résultat 2024 présente 12 345 678 de charges", "fr"),
        ("la carte scolaire 2024 2025 est publiée", "fr"),
        ("we need to call them back before june 12 2025", "en"),
        ("my number of attendees was 120 000 last year", "en"),
    ],
)
def test_dates_years_and_amounts_after_a_cue_survive(text: str, lang: str) -> None:
    assert spans(text, lang) == []


def test_a_phone_whose_last_group_looks_like_a_year_is_still_a_phone() -> None:
    assert spans("call me at (415) 555-2019 please", "en") == [("PHONE", "(415) 555-2019")]
    assert spans("mon numéro 06 12 20 24 19") == [("PHONE", "06 12 20 24 19")]
