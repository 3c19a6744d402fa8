"""Checksums and shapes (pure unit tests)."""

from __future__ import annotations

import pytest

from visio_archive.redaction.validators import (
    card_iin_ok,
    iban_checksum_ok,
    iban_shape_ok,
    luhn_ok,
    nir_key,
    nir_key_ok,
    nir_shape_ok,
    phone_kind,
)


@pytest.mark.parametrize(
    "iban",
    [
        "FR76 3000 6000 0112 3456 7890 189",
        "DE89 3704 0044 0532 0130 00",
        "GB82 WEST 1234 5698 7654 32",
        "BE68 5390 0754 7034",
        "IT60 X054 2811 1010 0000 0123 456",
        "ES91 2100 0418 4502 0005 1332",
        "NL91 ABNA 0417 1643 00",
        "CH93 0076 2011 6238 5295 7",
    ],
)
def test_iban_valid(iban: str) -> None:
    assert iban_checksum_ok(iban)


def test_iban_invalid() -> None:
    assert not iban_checksum_ok("FR76 3000 6000 0112 3456 7890 188")
    assert iban_shape_ok("FR76 3000 6000 0112 3456 7890 188")  # right shape, wrong key
    assert not iban_shape_ok("FR76 3000 6000 0112 3456")  # too short for France
    assert not iban_checksum_ok("XX76 3000 6000 0112 3456 7890 189")


def test_luhn_and_schemes() -> None:
    assert luhn_ok("4111111111111111")
    assert luhn_ok("378282246310005")
    assert not luhn_ok("4111111111111112")
    assert card_iin_ok("4111111111111111")
    assert card_iin_ok("378282246310005")
    assert card_iin_ok("5555555555554444")
    assert not card_iin_ok("1100460180001300")  # no card scheme starts with 1 (SIRET-like)


def test_nir_key_and_corsica() -> None:
    body = "1850578006084"
    nir = body + f"{nir_key(body):02d}"
    assert nir_key_ok(nir)
    assert not nir_key_ok(nir[:-2] + f"{(int(nir[-2:]) % 97) + 1:02d}")
    for dep, subst in (("2A", "19"), ("2B", "18")):
        body = f"28512{dep}123456"
        key = 97 - int(body.replace(dep, subst)) % 97
        assert nir_key(body) == key
        assert nir_key_ok(body + f"{key:02d}")
    assert nir_shape_ok("185057800608491")
    assert not nir_shape_ok("585057800608491")  # sex digit
    assert not nir_shape_ok("18513780060849")  # length


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("0612345678", "national"),
        ("0145678910", "national"),
        ("+33612345678", "international"),
        ("+330612345678", "international"),
        ("0033612345678", "international"),
        ("+442079460958", "international"),
        ("3939", None),
        ("0012", None),
        ("061234567", None),
        ("+33612", None),
    ],
)
def test_phone_kind(digits: str, kind: str | None) -> None:
    assert phone_kind(digits) == kind
