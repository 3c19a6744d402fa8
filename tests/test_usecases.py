"""The use-case layer's pure parts: parameters, French formatting, text cleaning, speaker corrections,
permissions and their audit. No server (the use cases against the real services are exercised by
tests/test_search_api.py, test_search_cli.py and the browser tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from search_ui.views import page_numbers
from visio_archive.archive import CorrectionError, SpeakerCorrection, TranscriptT, apply_correction
from visio_archive.audit import AuditLog
from visio_archive.auth import Role, User
from visio_archive.cleantext import clean_line, clean_text, clean_transcript, is_clean
from visio_archive.french import format_datetime, format_day, language_label, month_label, plural, role_label
from visio_archive.models import RedactedSegment, RedactedTranscript, Segment, Speaker, Transcript, Word
from visio_archive.settings import Settings
from visio_archive.usecases import Actor, Archive, Forbidden, Invalid, NotFound, SearchParams, check_meeting_id


def test_french_dates_are_in_paris_time_with_french_hours() -> None:
    assert format_datetime(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == "2 mars 2026, 10 h 00"
    assert format_datetime(datetime(2026, 7, 14, 7, 5, tzinfo=UTC)) == "14 juillet 2026, 9 h 05"  # summer time
    assert format_datetime("2026-01-01T00:30:00Z") == "1er janvier 2026, 1 h 30"
    assert format_datetime(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == "1er janvier 2026, 0 h 30"
    assert format_datetime(None) == "date inconnue"
    assert format_day(date(2026, 8, 15)) == "15 août 2026"
    assert month_label("2026-02") == "février 2026" and month_label("n/a") == "n/a"
    assert language_label("en") == "anglais" and role_label("records_officer") == "archiviste"
    assert plural(1, "passage") == "1 passage" and plural(1234, "réunion") == "1\u202f234 réunions"


def test_cleaning_removes_controls_and_bidi_and_keeps_every_letter() -> None:
    text = ("Zo\u00e9 \u202e\u00e9lu\u202c \x00x\x01y \u2066\u05e9\u05dc\u05d5\u05dd\u2069 "
            "\ufeff\U0001f642\x7f\x9b \ue000")
    cleaned = clean_line(text)
    assert cleaned == "Zoé élu xy שלום 🙂" and is_clean(cleaned)
    assert clean_line("a\x0bb\x0cc\x1fd\x85e") == "a b c d e"  # separators stay word breaks
    assert clean_text("ligne 1\r\nligne 2\u2028ligne 3") == "ligne 1\nligne 2\nligne 3"
    assert clean_line("  ") == "" and not is_clean("\u202ebad")


def _pair() -> tuple[Transcript, RedactedTranscript]:
    speakers = [Speaker(label="SPEAKER_00", name="Intervenant 1"), Speaker(label="SPEAKER_01", name="Bruno")]
    rows = [("SPEAKER_00", "Bonjour Jean Dupont."), ("SPEAKER_01", "Bonjour."), ("SPEAKER_00", "On commence.")]
    full = Transcript(meeting_id="m", language="fr", duration=6.0, speakers=speakers, segments=[
        Segment(start=i * 2.0, end=i * 2.0 + 1.5, text=t, speaker=s,
                words=[Word(word=w, start=i * 2.0, end=i * 2.0 + 1.0, speaker=s) for w in t.split()])
        for i, (s, t) in enumerate(rows)])
    redacted = RedactedTranscript(meeting_id="m", language="fr", duration=6.0, speakers=speakers, segments=[
        RedactedSegment(index=i, start=i * 2.0, end=i * 2.0 + 1.5, text=t.replace("Jean Dupont", "[PERSONNE_1]"),
                        speaker=s) for i, (s, t) in enumerate(rows)])
    return full, redacted


def _walk_corrections(transcript: TranscriptT, rename: SpeakerCorrection, merge: SpeakerCorrection,
                      reassign: SpeakerCorrection) -> None:
    renamed = apply_correction(transcript, rename)
    assert [s.name for s in renamed.speakers] == ["Alice Martin", "Bruno"]
    assert [s.name for s in transcript.speakers] == ["Intervenant 1", "Bruno"]  # the original is untouched
    merged = apply_correction(renamed, merge)
    assert [s.label for s in merged.speakers] == ["SPEAKER_00"]
    assert {s.speaker for s in merged.segments} == {"SPEAKER_00"}
    moved = apply_correction(merged, reassign)
    assert moved.speakers[-1].name == "Chloé Petit" and moved.segments[1].speaker == moved.speakers[-1].label
    assert moved.segments[0].speaker == "SPEAKER_00"


def test_speaker_corrections_apply_alike_to_the_full_and_the_redacted_transcript() -> None:
    full, redacted = _pair()
    rename = SpeakerCorrection(kind="rename", label="SPEAKER_00", name="Alice Martin")
    merge = SpeakerCorrection(kind="merge", label="SPEAKER_01", into="SPEAKER_00")
    reassign = SpeakerCorrection(kind="reassign", segment=1, name="Chloé Petit")
    _walk_corrections(full, rename, merge, reassign)
    _walk_corrections(redacted, rename, merge, reassign)
    assert apply_correction(apply_correction(full, merge), reassign).segments[1].words[0].speaker == "CORRECTION_01"
    for bad in (SpeakerCorrection(kind="rename", label="SPEAKER_09", name="X"),
                SpeakerCorrection(kind="merge", label="SPEAKER_00", into="SPEAKER_00"),
                SpeakerCorrection(kind="reassign", segment=7, into="SPEAKER_00"),
                SpeakerCorrection(kind="reassign", segment=0)):
        with pytest.raises(CorrectionError):
            apply_correction(redacted, bad)


def test_search_parameters_are_validated_once_with_french_messages() -> None:
    request, view = SearchParams.from_mapping({"q": "budget", "from": "2026-01-01", "size": "50", "view": "",
                                               "sort": "date"}).request(default_view="meetings")
    assert view == "meetings" and request.size == 50 and request.date_from == date(2026, 1, 1)
    cases = {"from": "hier", "sort": "bogus", "page": "0", "size": "1000", "view": "grid", "q": "x" * 501,
             "participant": "p" * 201}
    for key, value in cases.items():
        with pytest.raises(Invalid) as caught:
            SearchParams.from_mapping({key: value}).request()
        assert caught.value.status == 400 and caught.value.message
    assert SearchParams.from_mapping({"q": "a\x00b\u202ec"}).request()[0].q == "abc"


def test_meeting_ids_must_match_in_full() -> None:
    assert check_meeting_id("copil-2026.03_a") == "copil-2026.03_a"
    for bad in ("copil\n", "../x", "", "a" * 129, "é", "x\u202e"):
        with pytest.raises(NotFound):
            check_meeting_id(bad)


def test_refusals_are_audited_with_the_client_address(tmp_path: Path) -> None:
    archive = Archive.from_settings(Settings(state_dir=tmp_path))
    viewer = Actor.of_user(User("vera", Role.VIEWER), client="192.0.2.7")
    from visio_archive.auth import Permission

    archive.require(viewer, Permission.SEARCH)
    with pytest.raises(Forbidden):
        archive.require(viewer, Permission.REVEAL, meeting_id="m1", where="/meetings/m1/reveal")
    entry = AuditLog.in_state_dir(tmp_path).tail()[0]
    assert (entry.actor, entry.action, entry.meeting_id, entry.client) == ("vera", "denied", "m1", "192.0.2.7")
    assert entry.details == {"permission": "reveal", "path": "/meetings/m1/reveal"}
    assert Actor.command_line().can(Permission.AUDIT_READ) and Actor.command_line().username.startswith("cli:")


def test_page_numbers_keep_the_ends_and_the_neighbourhood() -> None:
    assert page_numbers(1, 1) == [1]
    assert page_numbers(6, 20) == [1, None, 4, 5, 6, 7, 8, None, 20]
    assert page_numbers(2, 5) == [1, 2, 3, 4, 5]


def test_clean_transcript_copies_and_cleans_every_field_a_reader_sees() -> None:
    _, redacted = _pair()
    odd = redacted.model_copy(update={"title": "Ti\x00tre\u202e", "series": "s\x01"})
    cleaned = clean_transcript(odd)
    assert (cleaned.title, cleaned.series) == ("Titre", "s") and odd.title == "Ti\x00tre\u202e"


def test_audit_chain_holds_across_a_line_longer_than_the_read_back_block(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.log")
    log.record("a", "legal_export", details={"files": {f"f{i}": "x" * 64 for i in range(2000)}})  # ~150 KB
    log.record("b", "export")
    log.record("c", "export")
    assert log.verify_chain() and [e.actor for e in log.newest_first()] == ["c", "b", "a"]
    from visio_archive.audit import AuditQuery

    page = log.query(AuditQuery(category="sensitive"), offset=1, limit=1)
    assert [e.actor for e in page.entries] == ["b"] and page.more


def test_meeting_page_words_join_the_french_way_and_inaudible_spans_are_markers() -> None:
    from visio_archive.usecases.meetings import build_turns

    tokens = ["Je", "vais", "m", "'appeler", "Paul", ".", "C", "'est", "là", "-bas", "[PERSONNE_1]", "."]
    words = [Word(word=w, start=i * 0.3, end=i * 0.3 + 0.2) for i, w in enumerate(tokens)]
    transcript = RedactedTranscript(meeting_id="m", language="fr", duration=20.0,
                                    speakers=[Speaker(label="S0", name="Alice Martin")], segments=[
        RedactedSegment(index=0, start=0.0, end=4.0, speaker="S0", text=" ".join(tokens), words=words),
        RedactedSegment(index=1, start=5.0, end=12.4, speaker="S0", text="", flagged="decoding loop"),
    ])
    turns = build_turns(transcript, {0: {"appeler"}})
    rendered = "".join((" " if w.space_before else "") + w.text for w in turns[0].words)
    assert rendered == "Je vais m'appeler Paul. C'est là-bas [PERSONNE_1]."
    assert [w.text for w in turns[0].words if w.marked] == ["'appeler"] and turns[0].matched
    assert turns[1].inaudible and turns[1].text == "[passage inaudible 00:00:05–00:00:13]" and not turns[1].words
