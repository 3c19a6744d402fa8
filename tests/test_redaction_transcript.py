"""redact_transcript: every free-text field a viewer sees (title, series, speaker labels that are not
participants) is redacted with the same pseudonyms as the text; flagged segments keep no text."""

from __future__ import annotations

from visio_archive.models import Segment, Speaker, Transcript, Word
from visio_archive.redaction import decrypt_mapping, redact_transcript
from visio_archive.redaction.civility import strip_civility
from visio_archive.redaction.operators import Pseudonymizer, normalize_value
from visio_archive.redaction.person import looks_like_name
from visio_archive.settings import Settings

SETTINGS = Settings(redaction_key="test-transcript-key")


def _words(text: str, t0: float) -> list[Word]:
    out, t = [], t0
    for w in text.split():
        out.append(Word(word=w, start=t, end=t + 0.4))
        t += 0.5
    return out


def _meeting(title: str | None = None) -> Transcript:
    s1 = "bonjour à tous, jean dupont va présenter le budget"
    s2 = "vous pouvez rappeler Jean Dupont au 06 12 34 56 78"
    return Transcript(
        meeting_id="m-free", language="fr", duration=20.0,
        title=title,
        speakers=[
            Speaker(label="S0", name="Claire Martin", participant_id="p1", source="metadata"),
            Speaker(label="S1", name="Kerwan Le Tallec", source="diarization"),  # typed by an operator
            Speaker(label="S2", name="Intervenant 3", source="diarization"),
        ],
        segments=[
            Segment(start=0.0, end=5.0, text=s1, speaker="S0", words=_words(s1, 0.0)),
            Segment(start=5.0, end=10.0, text=s2, speaker="S1", words=_words(s2, 5.0)),
            Segment(start=10.0, end=14.0, text="rappelez le zéro six douze trente-quatre cinquante-six "
                    "soixante-dix-huit merci merci merci", speaker="S2",
                    words=_words("rappelez le zéro six", 10.0), flagged="repeated phrase"),
            Segment(start=14.0, end=16.0, text="merci merci merci merci", speaker="S2", flagged="repeated word"),
            Segment(start=16.0, end=20.0, text="merci kerwan, au revoir", speaker="S0",
                    words=_words("merci kerwan, au revoir", 16.0)),
        ],
    )


def test_title_series_and_labels_share_the_text_pseudonyms() -> None:
    tr = _meeting(title="Point budget avec Jean Dupont (06 12 34 56 78)")
    red, blob = redact_transcript(tr, settings=SETTINGS, series="Comité de Jean Dupont")
    dump = red.model_dump_json()
    for secret in ("Dupont", "dupont", "06 12", "Kerwan", "kerwan", "Tallec"):
        assert secret not in dump, secret
    person = red.title.split("avec ")[1].split(" ")[0]  # type: ignore[union-attr]
    assert person.startswith("[PERSONNE_")
    assert red.title == f"Point budget avec {person} ([TÉLÉPHONE_1])"
    assert red.series == f"Comité de {person}"
    # the same pseudonym in the text, in both spellings
    assert red.segments[0].text == f"bonjour à tous, {person} va présenter le budget"
    assert red.segments[1].text == f"vous pouvez rappeler {person} au [TÉLÉPHONE_1]"
    # a speaker label that is not a participant is free text: redacted, same pseudonym as in the text
    label = red.speakers[1].name
    assert label.startswith("[PERSONNE_") and label != person
    assert red.segments[4].text == f"merci {label}, au revoir"
    # participants keep their display names (documented choice); generic labels are left as they are
    assert red.speakers[0].name == "Claire Martin"
    assert red.speakers[2].name == "Intervenant 3"
    mapping = decrypt_mapping(blob, SETTINGS)["pseudonyms"]
    assert "Jean Dupont" in mapping[person]["values"]
    assert "Kerwan Le Tallec" in mapping[label]["values"]


def test_hmac_tokens_are_the_same_in_title_and_text() -> None:
    tr = _meeting(title="Réunion avec Jean Dupont")
    red, _ = redact_transcript(tr, settings=SETTINGS, operator="hmac", series=None)
    token = red.title.split("avec ")[1]  # type: ignore[union-attr]
    assert token.startswith("[PERSONNE_") and len(token) == len("[PERSONNE_]") + 12
    assert token in red.segments[0].text and token in red.segments[1].text
    assert red.series is None


def test_no_title_and_no_series_stay_none() -> None:
    red, _ = redact_transcript(_meeting(), settings=SETTINGS)
    assert red.title is None and red.series is None
    red2, _ = redact_transcript(_meeting(title="Comité de pilotage"), settings=SETTINGS, series="Copil")
    assert red2.title == "Comité de pilotage" and red2.series == "Copil"


def test_flagged_segments_keep_no_text_and_carry_their_reason() -> None:
    red, blob = redact_transcript(_meeting(), settings=SETTINGS)
    flagged = [s for s in red.segments if s.flagged]
    assert [s.flagged for s in flagged] == ["repeated phrase", "repeated word"]
    for s in flagged:
        assert s.text == "" and s.words == [] and s.entities == []
    # personal data in the doubtful text: the whole segment's audio is redacted (its word times are not
    # trustworthy either); a harmless flagged segment is not
    assert flagged[0].redacted_intervals == [(10.0, 14.0)]
    assert flagged[1].redacted_intervals == []
    assert "zéro six" not in red.model_dump_json()
    # nothing of a flagged segment enters the mapping either
    values = [v for e in decrypt_mapping(blob, SETTINGS)["pseudonyms"].values() for v in e["values"]]
    assert not any("zéro" in v for v in values)
    assert [s.index for s in red.segments] == [0, 1, 2, 3, 4]
    assert not red.segments[0].flagged and red.segments[0].text


def test_speaker_labels() -> None:
    assert looks_like_name("Kerwan") and looks_like_name("Dr Le Tallec") and looks_like_name("jean-marc")
    for label in ("Présidente de séance", "Salle 3", "Intervenant 2", "DINUM", "SPEAKER_01", ""):
        assert not looks_like_name(label), label
    tr = Transcript(meeting_id="m-l", language="fr", duration=2.0,
                    speakers=[Speaker(label="A", name="Présidente de séance", source="diarization"),
                              Speaker(label="B", name="Sixtine", source="diarization")],
                    segments=[Segment(start=0.0, end=2.0, text="bonjour", speaker="A")])
    red, _ = redact_transcript(tr, settings=SETTINGS)
    assert red.speakers[0].name == "Présidente de séance"
    assert red.speakers[1].name == "[PERSONNE_1]"


def test_one_civility_list_for_every_pattern() -> None:
    """"Professeur Dupont", "Pr Dupont", "Dr Dupont", "Mme Dupont" and "Dupont": one HMAC token."""
    ps = Pseudonymizer("fr", b"k" * 32)
    forms = ["Professeur Dupont", "Pr Dupont", "Pr. Dupont", "Dr Dupont", "docteure Dupont", "Mme Dupont",
             "Maître Dupont", "M. Dupont", "Dupont", "Mr Dupont", "Prof. Dupont"]
    tokens = {ps.hmac_token("PERSON", f) for f in forms}
    assert len(tokens) == 1
    assert {normalize_value("PERSON", f) for f in forms} == {"dupont"}
    assert strip_civility("madame") == "madame"  # a civility alone is not stripped to nothing


def test_civility_is_part_of_the_span_for_every_form() -> None:
    from visio_archive.redaction import detect

    for civ in ("Professeur", "Pr", "Dr", "Docteur", "Mme", "Madame", "M.", "Maître", "Me"):
        text = f"nous avons reçu {civ} Kerleroux hier"
        got = [(e.label, e.text) for e in detect(text)]
        assert ("PERSON", f"{civ} Kerleroux") in got, (civ, got)
