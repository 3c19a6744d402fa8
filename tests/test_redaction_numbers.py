"""French number words -> digits, with offsets (pure unit tests)."""

from __future__ import annotations

import pytest

from visio_archive.redaction.numbers_fr import fold, number_to_words, numeric_runs, words_to_digits


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("zéro six", "06"),
        ("douze", "12"),
        ("vingt", "20"),
        ("vingt et un", "21"),
        ("vingt deux", "22"),
        ("soixante-dix", "70"),
        ("soixante et onze", "71"),
        ("soixante dix-huit", "78"),
        ("quatre-vingts", "80"),
        ("quatre vingt dix", "90"),
        ("quatre-vingt-dix-neuf", "99"),
        ("dix sept", "17"),
        ("cent", "100"),
        ("deux cent douze", "212"),
        ("mille neuf cent quatre-vingt-cinq", "1985"),
        ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678"),
        ("zéro zéro six", "006"),
        ("Zéro Six", "06"),
    ],
)
def test_words_to_digits(words: str, digits: str) -> None:
    assert words_to_digits(words) == digits


def test_not_a_number() -> None:
    assert words_to_digits("six pommes") is None


def test_round_trip_all_numbers_below_100000() -> None:
    for n in range(100_000):
        assert words_to_digits(number_to_words(n)) == str(n), n


def test_runs_keep_offsets() -> None:
    text = "appelez le zéro six 12 trente-quatre 56 soixante-dix-huit merci"
    runs = numeric_runs(text)
    assert len(runs) == 1
    run = runs[0]
    assert "".join(u.digits for u in run) == "0612345678"
    assert text[run[0].start:run[-1].end] == "zéro six 12 trente-quatre 56 soixante-dix-huit"
    assert [text[u.start:u.end] for u in run][:3] == ["zéro", "six", "12"]


def test_runs_plus_country_and_corsica() -> None:
    t = "+33 (0)6 12 34 56 78"
    (run,) = numeric_runs(t)
    assert "".join(u.digits for u in run) == "+330612345678"
    (run,) = numeric_runs("numéro deux quatre-vingt-cinq zéro cinq deux A zéro zéro six")
    assert "".join(u.digits for u in run) == "28505" + "2A" + "006"


def test_runs_break_on_words() -> None:
    runs = numeric_runs("le 12 mars à 14 h 30")
    assert ["".join(u.digits for u in r) for r in runs] == ["12", "14", "30"]


def test_fold_keeps_length() -> None:
    s = "Élodie Lefèvre-Çağlar"
    assert len(fold(s)) == len(s)
    assert fold(s).startswith("elodie lefevre-")


def test_hyphens_disambiguate_spoken_pairs() -> None:
    def digits(t: str) -> list[str]:
        return ["".join(u.digits for u in r) for r in numeric_runs(t)]

    assert digits("zéro quatre vingt-six") == ["0426"]  # 04 26
    assert digits("zéro quatre-vingt-six") == ["086"]
    assert digits("soixante dix-huit") == ["6018"]
    assert digits("soixante-dix-huit") == ["78"]
    assert digits("soixante dix huit") == ["78"]  # no hyphen at all: the usual reading
    assert digits("zéro six douze trente quatre cinquante six soixante dix huit") == ["0612345678"]


def test_strict_reading_and_final_vingts() -> None:
    def digits(t: str, strict: bool = False) -> list[str]:
        return ["".join(u.digits for u in r) for r in numeric_runs(t, strict=strict)]

    assert digits("quarante trois") == ["43"]
    assert digits("quarante trois", strict=True) == ["403"]
    assert digits("quatre-vingts dix-huit") == ["8018"]  # "vingts" with an s ends the number
    assert digits("quatre-vingt-dix-huit", strict=True) == ["98"]
