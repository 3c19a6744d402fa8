"""What follows a street in any country's order, and addresses that only their postal code shows
(visio_archive.redaction.address_parts): written with other streets, towns and codes than the benchmark's."""

from __future__ import annotations

import pytest

from visio_archive.redaction.patterns import find_structured, fold


def _addresses(text: str, lang: str) -> list[str]:
    return [e.text for e in find_structured(text, fold(text), lang) if e.label == "ADDRESS"]


@pytest.mark.parametrize(("lang", "text", "address"), [
    # flats and floors of other countries after the street
    ("en", "she moved to Drottninggatan 41 A, lgh 1203, 113 36 Stockholm last spring",
     "Drottninggatan 41 A, lgh 1203, 113 36 Stockholm"),
    ("fr", "écrire à Calle Mayor 7, 2.º izda., 28013 Madrid, Espagne pour la notification",
     "Calle Mayor 7, 2.º izda., 28013 Madrid, Espagne"),
    ("fr", "il loge au 31 rue des tanneurs troisième étage droite 67000 strasbourg depuis mars",
     "31 rue des tanneurs troisième étage droite 67000 strasbourg"),
    # the town after a code, with its particles, and the country
    ("en", "the landlord is at Lindenweg 4, 60323 Frankfurt am Main, Germany.",
     "Lindenweg 4, 60323 Frankfurt am Main, Germany"),
    ("fr", "le garant vit 3 chemin du stand 1260 nyon suisse il a signé", "3 chemin du stand 1260 nyon suisse"),
    # a town before its code (British, Australian, North American orders)
    ("en", "new address 12 Wattle Street, Ballarat VIC 3350, from Monday", "12 Wattle Street, Ballarat VIC 3350"),
    ("en", "send it to 77 Elm Avenue, Suite 300, Toronto, ON M5V 2T6 please",
     "77 Elm Avenue, Suite 300, Toronto, ON M5V 2T6"),
    ("en", "he's renting 9 Birch Road, Apt 4B, Madison, WI 53703 now", "9 Birch Road, Apt 4B, Madison, WI 53703"),
    ("fr", "son adresse à Québec est 210 rue Saint-Jean, Québec (Québec) G1R 1N8",
     "210 rue Saint-Jean, Québec (Québec) G1R 1N8"),
    # streets no grammar knows, found from the postal code back to the house number
    ("en", "the tenant is at 14 Ffordd Glyndwr, Llanrug, LL55 4AN since june", "14 Ffordd Glyndwr, Llanrug, LL55 4AN"),
    ("en", "post it to 3 Bothar na Tra, Salthill, Galway H91 X2C4 thanks",
     "3 Bothar na Tra, Salthill, Galway H91 X2C4"),
    ("fr", "Adresse au Maroc : Zankat Ibn Khaldoun 22, Agdal, 10090 Rabat, Maroc.",
     "Zankat Ibn Khaldoun 22, Agdal, 10090 Rabat, Maroc"),
    ("fr", "elle habite quartier bellevue 97200 fort-de-france avec sa mère", "quartier bellevue 97200 fort-de-france"),
    ("fr", "Courrier à adresser : CS 30512, 44105 Nantes CEDEX 4", "CS 30512, 44105 Nantes CEDEX 4"),
    # a flat said before the street, a flat joined to the house number
    ("en", "it's flat 3f2 21 dalry road edinburgh eh11 2bq", "flat 3f2 21 dalry road edinburgh eh11 2bq"),
    ("en", "mailing address 605-120 Bay Street, Toronto, ON M5J 2N8", "605-120 Bay Street, Toronto, ON M5J 2N8"),
])
def test_the_whole_address_is_one_span(lang: str, text: str, address: str) -> None:
    assert address in _addresses(text, lang)


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "le numéro siret 130 005 481 00010 figure sur la facture"),
    ("fr", "Rôle du jour : RG 23/04512, RG 23/04518 – audience à 14 h"),
    ("fr", "la pénalité de 5 % de l'article 1729 du CGI est due"),
    ("en", "Interview recorded 12 March 2025 at Croydon custody suite"),
    ("en", "Agenda: Tuesday 4 February 2025, Committee Room 2, Civic Centre."),
    ("fr", "la subvention de 45000 euros pour 2026 est votée"),
    ("en", "we paid 1250 pounds for 30 licences in 2024"),
    ("fr", "l'autorisation PC 075 112 24 B0031 est affichée en mairie"),
])
def test_numbers_that_are_no_postal_code(lang: str, text: str) -> None:
    assert _addresses(text, lang) == []


def test_a_town_in_lower_case_text_is_one_word_unless_joined() -> None:
    # "paris demain" is a town and a word; "châlons en champagne" is one town
    assert _addresses("il habite 5 rue de la paix 75002 paris demain on verra", "fr") == [
        "5 rue de la paix 75002 paris"]
    assert _addresses("au 4 rue de l'église 51000 châlons en champagne", "fr") == [
        "4 rue de l'église 51000 châlons en champagne"]


@pytest.mark.parametrize(("lang", "text", "address"), [
    ("en", "the meter at 22 Ntuli Road, KwaMashu, Durban 4360 was read twice", "22 Ntuli Road, KwaMashu, Durban 4360"),
    ("en", "she lives at 6 Kowhai Street, Taita, Lower Hutt 5011 now", "6 Kowhai Street, Taita, Lower Hutt 5011"),
    ("en", "forwarding address eleven protea avenue durbanville seven five five oh thanks",
     "eleven protea avenue durbanville seven five five oh"),
    ("en", "moved to 30 Hope Road, Kingston 10 last year", "30 Hope Road, Kingston 10"),
    ("en", "Address: Flat 2, 48 The Parade, Leamington Spa CV32 4AT.",
     "Flat 2, 48 The Parade, Leamington Spa CV32 4AT"),
    ("en", "new address Prinsengracht 263-2, 1016 GV Amsterdam from May", "Prinsengracht 263-2, 1016 GV Amsterdam"),
    ("en", "he stays at blk four five one jurong west street four two hash one one dash two two singapore six four "
           "oh four five one", "blk four five one jurong west street four two hash one one dash two two singapore six "
           "four oh four five one"),
    ("en", "the address is 12 triq il-kbira attard a t d one two three four",
     "12 triq il-kbira attard a t d one two three four"),
    ("en", "relocated to 880 N. Lake Shore Drive, Unit 12B, Chicago, IL 60611",
     "880 N. Lake Shore Drive, Unit 12B, Chicago, IL 60611"),
])
def test_more_national_orders(lang: str, text: str, address: str) -> None:
    assert address in _addresses(text, lang)


def test_a_count_after_a_town_is_no_postal_code() -> None:
    assert _addresses("they sent 14 Mthembu Street, Umlazi 4031 kl of water", "en") == ["14 Mthembu Street, Umlazi"]
