"""Operators, pseudonym consistency and the encrypted mapping (pure unit tests)."""

from __future__ import annotations

import pytest

from visio_archive.models import Entity
from visio_archive.redaction.crypto import decrypt_mapping, encrypt_mapping, hmac_key
from visio_archive.redaction.operators import MASK_CHAR, Pseudonymizer, normalize_value, redact_text
from visio_archive.settings import Settings


def ent(text: str, sub: str, label: str, nth: int = 0) -> Entity:
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Entity(start=start, end=start + len(sub), label=label, text=sub)


TEXT = "Jean Dupont au 06 12 34 56 78 ; Dupont redit zéro six douze trente-quatre cinquante-six soixante-dix-huit"


def entities() -> list[Entity]:
    return [
        ent(TEXT, "Jean Dupont", "PERSON"),
        ent(TEXT, "06 12 34 56 78", "PHONE"),
        ent(TEXT, "Dupont", "PERSON", nth=1),
        ent(TEXT, "zéro six douze trente-quatre cinquante-six soixante-dix-huit", "PHONE"),
    ]


def test_placeholders_are_consistent_across_forms() -> None:
    ps = Pseudonymizer("fr")
    out = redact_text(TEXT, entities(), "placeholder", ps)
    assert out == "[PERSONNE_1] au [TÉLÉPHONE_1] ; [PERSONNE_1] redit [TÉLÉPHONE_1]"
    assert ps.mapping["[TÉLÉPHONE_1]"]["values"] == ["06 12 34 56 78", entities()[3].text]
    assert set(ps.mapping["[PERSONNE_1]"]["values"]) == {"Jean Dupont", "Dupont"}


def test_numbering_per_label() -> None:
    ps = Pseudonymizer("fr")
    text = "Alice Martin et Bob Durand"
    ents = [ent(text, "Alice Martin", "PERSON"), ent(text, "Bob Durand", "PERSON")]
    assert redact_text(text, ents, "placeholder", ps) == "[PERSONNE_1] et [PERSONNE_2]"


def test_mask() -> None:
    out = redact_text(TEXT, entities(), "mask", Pseudonymizer())
    assert "Dupont" not in out and "06 12" not in out and MASK_CHAR * 11 in out


def test_hmac_is_keyed_and_stable() -> None:
    k1, k2 = hmac_key("secret-one"), hmac_key("secret-two")
    a = redact_text(TEXT, entities(), "hmac", Pseudonymizer("fr", k1))
    b = redact_text(TEXT, entities(), "hmac", Pseudonymizer("fr", k1))
    c = redact_text(TEXT, entities(), "hmac", Pseudonymizer("fr", k2))
    assert a == b != c
    assert "Dupont" not in a
    # the two phone renderings give the same token
    tokens = [t for t in a.split() if t.startswith("[TÉLÉPHONE_")]
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    with pytest.raises(ValueError):
        redact_text(TEXT, entities(), "hmac", Pseudonymizer("fr"))


def test_unknown_operator() -> None:
    with pytest.raises(ValueError):
        redact_text(TEXT, entities(), "shred", Pseudonymizer())


def test_normalize_value() -> None:
    assert normalize_value("PHONE", "+33 6 12 34 56 78") == normalize_value("PHONE", "06.12.34.56.78")
    assert normalize_value("EMAIL", "jean point dupont arobase gouv point fr") == "jean.dupont@gouv.fr"
    assert normalize_value("PERSON", "M. Jean-Pierre LE GALL") == "jean pierre le gall"


def test_mapping_encryption_round_trip() -> None:
    s = Settings(redaction_key="k-1")
    mapping = {"pseudonyms": {"[PERSONNE_1]": {"label": "PERSON", "values": ["Élise Durand"]}}}
    blob = encrypt_mapping(mapping, s)
    assert b"Durand" not in blob and "Élise".encode() not in blob
    assert decrypt_mapping(blob, s) == mapping
    assert encrypt_mapping(mapping, s) != blob  # fresh salt and nonce
    with pytest.raises(ValueError):
        decrypt_mapping(blob, Settings(redaction_key="k-2"))
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(ValueError):
        decrypt_mapping(tampered, s)


def test_participant_parts_share_one_pseudonym() -> None:
    ps = Pseudonymizer("fr", participants=["Kerwan Le Tallec", "Anne Martin"])
    text = "merci kerwan et le tallec, puis Anne"
    ents = [ent(text, "kerwan", "PERSON"), ent(text, "le tallec", "PERSON"), ent(text, "Anne", "PERSON")]
    assert redact_text(text, ents, "placeholder", ps) == "merci [PERSONNE_1] et [PERSONNE_1], puis [PERSONNE_2]"
