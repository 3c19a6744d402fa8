"""Identifiers, accounts, relatives and housing-estate addresses of French-speaking administrations (Belgium,
Switzerland, Quebec, Morocco, Haiti, New Caledonia, Mayotte) as meetings say and write them (issue 11:
what the held-out meetings of 3 December showed; the values here are written from the schemes)."""

from __future__ import annotations

import pytest

from visio_archive.redaction import detect
from visio_archive.redaction.validators import rib_key_ok


def spans(text: str, label: str, lang: str = "fr") -> list[str]:
    """The texts ``detect`` labels ``label`` in ``text``."""
    return [e.text for e in detect(text, lang=lang) if e.label == label]


@pytest.mark.parametrize(("text", "ident"), [
    ("Tchat : NISS 85.07.30-033.28, dossier suivi par le CPAS", "85.07.30-033.28"),  # Belgium's NISS
    ("Tchat : AVS 756.9217.0769.85, dossier OCE ouvert", "756.9217.0769.85"),  # Switzerland's AVS number
    ("Clavardage : RAMQ TREM 7203 1512, courriel à suivre", "TREM 7203 1512"),  # Quebec's health number
    ("Tchat : NAS 130 692 544 — on ne le saisit pas", "130 692 544"),  # Canada's SIN said in French
    ("n° allocataire CAF 2468013, aucun versement depuis octobre", "2468013"),
    ("CIN de M. Saint-Fleur : 01-02-99-1985-04-00123 ; à vérifier", "01-02-99-1985-04-00123"),  # Haiti's CIN
])
def test_a_written_identifier_after_its_schemes_name(text: str, ident: str) -> None:
    assert spans(text, "NIR") == [ident]


@pytest.mark.parametrize(("text", "ident"), [
    ("son numéro avs c'est le sept cent cinquante-six point neuf deux un sept point zéro sept six neuf point "
     "huit cinq", "sept cent cinquante-six point neuf deux un sept point zéro sept six neuf point huit cinq"),
    ("le ins qualifié c'est un quatre-vingt-cinq zéro sept soixante-quinze euh cent douze zéro trente-quatre",
     "un quatre-vingt-cinq zéro sept soixante-quinze euh cent douze zéro trente-quatre"),
    ("sa carte soleil c'est t r e m euh soixante-douze zéro trois quinze douze",
     "t r e m euh soixante-douze zéro trois quinze douze"),
    ("sa carte nationale marocaine c'est b e cent douze mille trois cent quarante-cinq",
     "b e cent douze mille trois cent quarante-cinq"),
    ("son numéro cafat c'est le trois cent vingt et un mille euh six cent cinquante-quatre",
     "trois cent vingt et un mille euh six cent cinquante-quatre"),
])
def test_a_spoken_identifier_after_its_schemes_name(text: str, ident: str) -> None:
    assert spans(text, "NIR") == [ident]


def test_the_rib_key_is_the_standards() -> None:
    # 97 - ((89 x bank + 15 x branch + 3 x account) mod 97); letters of the account read as digits
    assert rib_key_ok("30006", "00001", "12345678901", "89")
    assert not rib_key_ok("30006", "00001", "12345678901", "88")
    assert rib_key_ok("30002", "00550", "0000157845Z", "02")
    assert not rib_key_ok("3000", "00001", "12345678901", "89")


def test_a_written_rib_is_an_account_without_a_cue() -> None:
    assert spans("le relevé porte 30006 00001 12345678901 89 pour madame", "IBAN") == ["30006 00001 12345678901 89"]
    assert spans("le relevé porte 30006 00001 12345678901 88 en référence", "IBAN") == []


def test_a_letter_said_inside_an_account_number_stays_in_it() -> None:
    text = ("alors c'est f r soixante-seize trois zéro zéro zéro deux euh zéro zéro cinq cinq zéro et après zéro "
            "zéro zéro zéro un cinq sept huit quatre cinq z zéro deux")
    assert spans(text, "IBAN") == [text[len("alors c'est "):]]


def test_two_phones_side_by_side_are_two_spans() -> None:
    assert spans("tél. 06 12 34 56 78 / 07 98 76 54 32", "PHONE") == ["06 12 34 56 78", "07 98 76 54 32"]


@pytest.mark.parametrize(("text", "name"), [
    ("sa mère vaimiti a appelé de papeete hier", "vaimiti"),
    ("mais c'est sa voisine manoucheka qui a répondu", "manoucheka"),
    ("il est chez son cousin dieuseul depuis lundi", "dieuseul"),
    ("prélevé sur son compte à la banque postale julien tu peux me relire le rib", "julien"),
])
def test_a_relative_or_a_colleague_spoken_to_is_named(text: str, name: str) -> None:
    assert name in spans(text, "PERSON")


@pytest.mark.parametrize("text", [
    "sa fille aînée est en terminale",
    "sa mère malade ne peut pas venir",
    "son fils cadet habite à lyon",
    "le dossier de la mère tu peux le relire",
])
def test_a_relative_described_is_no_name(text: str) -> None:
    assert spans(text, "PERSON") == []


@pytest.mark.parametrize(("text", "address"), [
    ("elle est maintenant résidence les hortensias bâtiment c escalier deux à roubaix",
     "résidence les hortensias bâtiment c escalier deux"),
    ("elle loge cité des Fleurs, bât. B, esc. 3, appt 12 à Sevran", "cité des Fleurs, bât. B, esc. 3, appt 12"),
    ("il est chez son cousin à l'impasse lavaud numéro huit", "impasse lavaud numéro huit"),
    ("il demeure au deux mille cinq cent cinquante rue ontario est logement quatorze",
     "deux mille cinq cent cinquante rue ontario est logement quatorze"),
])
def test_estates_buildings_and_numbers_said_after_the_street(text: str, address: str) -> None:
    assert spans(text, "ADDRESS") == [address]


@pytest.mark.parametrize("text", [
    "la réunion a lieu à la résidence administrative bâtiment b",
    "la rue ontario est fermée jusqu'à lundi",
])
def test_offices_and_a_street_that_is_closed_are_no_private_address(text: str) -> None:
    assert spans(text, "ADDRESS") == []


@pytest.mark.parametrize("text", [
    "ben on peut demander une avance à l'office social de strassen et claude appelle le propriétaire",
    "il faudra saisir le parquet de mamoudzou si elle ne retourne pas au collège",
    "en attente du jugement supplétif (TPI de Bouaké) pour la pension",
    "moien bonjour on fait le point sur les demandes",
])
def test_towns_after_their_court_or_office_and_greetings_are_no_names(text: str) -> None:
    assert [n for n in spans(text, "PERSON") if n.lower() in ("strassen", "mamoudzou", "bouaké", "de bouaké",
                                                                "moien")] == []


def test_a_public_roads_number_is_no_address() -> None:
    assert spans("au sujet du chemin rural n° 12 et de son entretien", "ADDRESS") == []
