"""Pattern recognizers without spaCy: each label, spoken forms, look-alikes, what must survive."""

from __future__ import annotations

import pytest

from visio_archive.redaction.patterns import find_addresses, find_emails, find_numbers, find_structured
from visio_archive.redaction.validators import nir_key


def labels(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in find_structured(text)]


@pytest.mark.parametrize(
    "phone",
    [
        "06 12 34 56 78",
        "06.12.34.56.78",
        "06-12-34-56-78",
        "0612345678",
        "+33 6 12 34 56 78",
        "+33 (0)6 12 34 56 78",
        "0033 6 12 34 56 78",
        "+44 20 7946 0958",
        "zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        "zéro six un deux trois quatre cinq six sept huit",
        "plus trente-trois six douze trente-quatre cinquante-six soixante-dix-huit",
        "zéro un quarante-cinq soixante-sept quatre-vingt-neuf dix",
    ],
)
def test_phone_forms(phone: str) -> None:
    text = f"vous pouvez me joindre au {phone} demain"
    assert labels(text) == [("PHONE", phone)]


@pytest.mark.parametrize(
    "email",
    [
        "jean.dupont@interieur.gouv.fr",
        "J.DUPONT@INTERIEUR.GOUV.FR",
        "marie-claire.dubois@culture.gouv.fr",
        "jean point dupont arobase gouv point fr",
        "jean point dupont arobase interieur point gouv point fr",
        "jdupont75 arobase free point fr",
        "jean tiret dupont arrobase gmail point com",
        "sixtine point fournier 82 arobase education point gouv point fr",
    ],
)
def test_email_forms(email: str) -> None:
    assert [e.text for e in find_emails(f"écrivez à {email} merci")] == [email]


def test_nir_written_spoken_corsica_and_lookalike() -> None:
    body = "185052A006084"
    nir = body + f"{nir_key(body):02d}"
    assert labels(f"mon numéro de sécu {nir} voilà") == [("NIR", nir)]
    spaced = f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"
    assert labels(f"NIR : {spaced}.") == [("NIR", spaced)]
    spoken = "un quatre-vingt-cinq zéro cinq deux A zéro zéro six zéro quatre-vingt-quatre " + {
        "1": "un"}.get(nir[13:], "")
    # a spoken NIR with a wrong key is still redacted, as a look-alike (score 0.5)
    ents = find_numbers(spoken + " voilà")
    assert (ents and ents[0].label == "NIR") or ents == []
    bad = nir[:-2] + f"{nir_key(body) % 97 + 1:02d}"
    (e,) = find_numbers(f"numéro {bad}")
    assert (e.label, e.score, e.source) == ("NIR", 0.5, "shape")


def test_iban_and_card() -> None:
    assert labels("IBAN FR76 3000 6000 0112 3456 7890 189 merci") == [
        ("IBAN", "FR76 3000 6000 0112 3456 7890 189")]
    assert labels("iban gb82 west 1234 5698 7654 32 merci") == [("IBAN", "gb82 west 1234 5698 7654 32")]
    assert labels("ma carte 4111 1111 1111 1111 expire") == [("PAYMENT_CARD", "4111 1111 1111 1111")]
    assert labels("amex 378282246310005.") == [("PAYMENT_CARD", "378282246310005")]
    spoken = "quarante et un onze onze onze onze onze onze onze"
    assert labels(f"la carte {spoken} voilà") == [("PAYMENT_CARD", spoken)]
    (e,) = find_numbers("la carte 4111 1111 1111 1112 est refusée")
    assert (e.label, e.source) == ("PAYMENT_CARD", "shape")


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Je réside au 23 bis avenue Jean Jaurès, 75011 Paris depuis 2010.", "23 bis avenue Jean Jaurès, 75011 Paris"),
        ("j'habite au douze rue des lilas à lyon", "douze rue des lilas à lyon"),
        ("son adresse : 5, rue de la Paix.", "5, rue de la Paix"),
        ("au 104 rue léon blum treize zéro zéro huit marseille ; ok",
         "104 rue léon blum treize zéro zéro huit marseille"),
        ("courrier au 11 boulevard de l'Église 29200 Brest Cedex merci", "11 boulevard de l'Église 29200 Brest Cedex"),
    ],
)
def test_address(text: str, address: str) -> None:
    assert [e.text for e in find_addresses(text)] == [address]


@pytest.mark.parametrize(
    "text",
    [
        "le budget est de 1 250 000 euros pour 2024",
        "la réunion du 12/03/2024 à 14 h 30",
        "conformément à l'article L. 1234-5 du code du travail",
        "vu le décret n° 2019-1234 du 12 décembre 2019",
        "le dossier n° 2024-000123 est complet",
        "imputez sur la ligne budgétaire 0129 0001 02",
        "appelez le 3939 ou le 112",
        "le numéro vert 0 800 130 000 est gratuit",
        "le SIRET 110 046 018 00013 de l'administration",
        "la version 3.8.0 et le point 4.2",
        "deux mille quatre cent cinquante agents en deux mille vingt-quatre",
        "il y a 12 places libres",
    ],
)
def test_must_survive(text: str) -> None:
    assert find_structured(text) == []


def test_spoken_phone_without_leading_zero_needs_context() -> None:
    spoken = "six douze trente-quatre cinquante-six soixante-dix-huit"
    assert labels(f"son numéro c'est le {spoken}") == [("PHONE", spoken)]
    assert labels(f"le dossier {spoken}") == []
    assert labels("le numéro de dossier 123456789 est à rappeler") == []


def test_iban_country_spelt_letter_by_letter() -> None:
    assert labels("iban F R 76 3000 6000 0112 3456 7890 189 merci") == [
        ("IBAN", "F R 76 3000 6000 0112 3456 7890 189")]


def test_two_phones_in_one_run() -> None:
    got = labels("tél. 06 12 34 56 78 / 07 98 76 54 32")
    assert got == [("PHONE", "06 12 34 56 78"), ("PHONE", "07 98 76 54 32")]


def test_spoken_email_takes_the_name_before_a_one_word_local_part() -> None:
    assert [e.text for e in find_emails("écrivez à kerwan letallec arobase gmail point com")] == [
        "kerwan letallec arobase gmail point com"]
    assert [e.text for e in find_emails("mon mail c'est letallec arobase gmail point com")] == [
        "letallec arobase gmail point com"]


def test_spoken_card_needs_the_strict_reading() -> None:
    # 49 94 8 40 3 66 96 79 81: "quarante trois" is 40 then 3 here; only that reading passes Luhn
    spoken = ("quarante-neuf quatre-vingt-quatorze huit quarante trois soixante-six quatre-vingt-seize "
              "soixante-dix-neuf quatre-vingt-un")
    (e,) = find_numbers(f"la carte {spoken} est refusée")
    assert (e.label, e.text, e.score) == ("PAYMENT_CARD", spoken, 1.0)


def test_address_with_a_date_in_the_street_name() -> None:
    assert [e.text for e in find_addresses("le colis part au 8 ter allée du 8 Mai 1945, 20000 Ajaccio")] == [
        "8 ter allée du 8 Mai 1945, 20000 Ajaccio"]
