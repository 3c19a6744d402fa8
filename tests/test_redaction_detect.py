"""The full detector (spaCy NER + rules), transcript redaction and the CLI contract.

spaCy is loaded once for the session (module-level cache in ``get_detector``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from visio_archive.models import Segment, Speaker, Transcript, Word
from visio_archive.redaction import decrypt_mapping, detect, detect_many, redact_transcript
from visio_archive.settings import Settings


def found(text: str, **kw: Any) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in detect(text, **kw)]


def test_person_ner_civility_and_lowercase() -> None:
    assert ("PERSON", "Monsieur Jean Dupont") in found("Merci Monsieur Jean Dupont pour cette présentation.")
    assert found("donc jean-pierre le gall va présenter le budget") == [("PERSON", "jean-pierre le gall")]
    assert found("madame lefèvre a envoyé le document") == [("PERSON", "madame lefèvre")]
    assert ("PERSON", "Maître de La Fontaine") in found("Maître de La Fontaine représente la famille.")


def test_titles_and_public_bodies_survive() -> None:
    text = "Monsieur le ministre, Madame la préfète, la DINUM, le CNRS et le ministère de l'Intérieur."
    assert found(text) == []


def test_participants_gazetteer() -> None:
    text = "oui kerwan tu peux partager ton écran ? merci le tallec"
    assert found(text) == [] or all(lab == "PERSON" for lab, _ in found(text))
    got = found(text, participants=["Kerwan Le Tallec", "Intervenant 3"])
    assert ("PERSON", "kerwan") in got and ("PERSON", "le tallec") in got


def test_location_and_organization_off_by_default_but_available() -> None:
    text = "La DINUM a organisé la réunion à Lyon."
    assert found(text) == []
    labs = {lab for lab, _ in found(text, labels=["ORGANIZATION", "LOCATION"])}
    assert labs <= {"ORGANIZATION", "LOCATION"} and labs


def test_detect_many_mixed() -> None:
    texts = [
        "écrivez à jean point dupont arobase interieur point gouv point fr",
        "mon numéro zéro six douze trente-quatre cinquante-six soixante-dix-huit",
        "le 12 mars à 14 h 30, 1 250 000 euros sur le programme 129",
    ]
    out = detect_many(texts)
    assert [e.label for e in out[0]] == ["EMAIL"]
    assert [e.label for e in out[1]] == ["PHONE"]
    assert out[2] == []


def _transcript() -> Transcript:
    text = "Bonjour Jean Dupont, rappelez-moi au 06 12 34 56 78."
    words, t = [], 0.0
    for w in text.split():
        words.append(Word(word=w, start=t, end=t + 0.4))
        t += 0.5
    return Transcript(
        meeting_id="m-1", language="fr", duration=t,
        speakers=[Speaker(label="S0", name="Jean Dupont", source="metadata")],
        segments=[Segment(start=0.0, end=t, text=text, speaker="S0", words=words),
                  Segment(start=t, end=t + 2, text="merci jean", speaker="S1")],
    )


def test_redact_transcript() -> None:
    s = Settings(redaction_key="test-key")
    red, blob = redact_transcript(_transcript(), settings=s)
    seg = red.segments[0]
    assert seg.text == "Bonjour [PERSONNE_1], rappelez-moi au [TÉLÉPHONE_1]."
    assert red.segments[1].text == "merci [PERSONNE_1]"
    # Jean Dupont = words 1-2, the phone = words 5-9
    assert seg.redacted_intervals == [(0.5, 1.4), (2.5, 4.9)]
    assert [w.word for w in seg.words][:3] == ["Bonjour", "[PERSONNE_1]", ","]
    assert all("Dupont" not in w.word for w in seg.words)
    assert all(e.text.startswith("[") for e in seg.entities)  # no original in the viewer's record
    assert red.speakers[0].name == "Jean Dupont"  # display names kept (documented choice)
    assert "Dupont" not in red.model_dump_json().replace('"name":"Jean Dupont"', "")
    mapping = decrypt_mapping(blob, s)
    assert mapping["pseudonyms"]["[PERSONNE_1]"]["values"][0] == "Jean Dupont"
    assert mapping["meeting_id"] == "m-1"
    red2, _ = redact_transcript(_transcript(), settings=s, pseudonymize_speakers=True)
    assert red2.speakers[0].name == "[PERSONNE_1]"


def test_cli_contract(tmp_path: pytest.TempPathFactory) -> None:
    from typer.testing import CliRunner

    from visio_archive.cli import app

    parts = tmp_path / "meta.json"  # type: ignore[operator]
    parts.write_text(json.dumps({"participants": [{"participantId": "p1", "name": "Kerwan Le Tallec"}]}))
    lines = [
        json.dumps({"id": "a", "text": "merci kerwan, mon mail c'est k point letallec arobase gouv point fr"}),
        "{not json",
        json.dumps({"id": "c", "text": "le budget 2024 est de 3 millions"}),
        json.dumps({"id": 4, "text": "x"}),
    ]
    result = CliRunner().invoke(app, ["redact", "--lang", "fr", "--participants", str(parts)],
                                input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == 4
    assert out[0]["id"] == "a" and "kerwan" not in out[0]["redacted_text"]
    text = json.loads(lines[0])["text"]
    for e in out[0]["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]
        assert set(e) == {"start", "end", "label", "text"}
    assert "error" in out[1] and out[1]["id"] is None
    assert out[2] == {"id": "c", "redacted_text": "le budget 2024 est de 3 millions", "entities": []}
    assert "error" in out[3]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("comme l'a dit Delaunay tout à l'heure", "Delaunay"),
        ("j'ai vu Dupuis-Morizeau et Le Bras hier", "Le Bras"),
        ("oui c'est sixtine du ministère", "sixtine"),
        ("et pour le gall c'est validé", "le gall"),
        ("écrivez à la fille de M. N'Diaye", "M. N'Diaye"),
        ("j'ai parlé avec benoît-xavier d'hérouville ce matin", "benoît-xavier d'hérouville"),
    ],
)
def test_person_rules(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "Prochaine réunion le mardi 12 novembre à 10 h, la DINUM et l'ANSSI seront là.",
        "le mail de gaspard m'a été transféré",
        "Selon l'INSEE, le taux de chômage est de 7,3 % au deuxième trimestre 2024.",
        "merci beaucoup pour ces éléments est-ce qu'il y a des questions",
    ],
)
def test_no_spurious_names(text: str) -> None:
    assert all(lab == "PERSON" and "m'a" not in t for lab, t in found(text))
    if "gaspard" not in text:
        assert found(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("je laisse théodule sarfati conclure", "théodule sarfati"),
        ("iphigénie mazé a signé le bon de commande", "iphigénie mazé"),
        ("il faudrait inviter léopoldine sarfati au prochain comité", "léopoldine sarfati"),
    ],
)
def test_unknown_lowercase_names(text: str, name: str) -> None:
    assert ("PERSON", name) in found(text)


def test_english_patterns_without_model() -> None:
    got = found("Call Mr Smith at +44 20 7946 0958 or mail j.smith@example.co.uk", lang="en")
    assert ("PHONE", "+44 20 7946 0958") in got and ("EMAIL", "j.smith@example.co.uk") in got
    assert any(lab == "PERSON" and "Smith" in t for lab, t in got)


@pytest.mark.parametrize("operator", ["mask", "hmac"])
def test_redact_transcript_other_operators(operator: str) -> None:
    s = Settings(redaction_key="test-key")
    red, blob = redact_transcript(_transcript(), settings=s, operator=operator)
    text = red.segments[0].text
    assert "Dupont" not in text and "06 12" not in text
    assert red.operator == operator
    assert decrypt_mapping(blob, s)["operator"] == operator
    if operator == "hmac":  # keyed and stable: the same key gives the same tokens
        again, _ = redact_transcript(_transcript(), settings=s, operator=operator)
        assert again.segments[0].text == text


def test_segment_without_words_gets_estimated_intervals() -> None:
    tr = Transcript(meeting_id="m-2", language="fr", duration=10.0,
                    segments=[Segment(start=0.0, end=10.0, text="x" * 50 + " 06 12 34 56 78 " + "y" * 34)])
    red, _ = redact_transcript(tr, settings=Settings(redaction_key="k"))
    ((a, b),) = red.segments[0].redacted_intervals
    assert (a, b) == pytest.approx((5.1, 6.5))  # characters 51-65 of 100, over 10 s
