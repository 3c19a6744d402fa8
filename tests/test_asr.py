"""ASR: the hallucination guard and the coverage planning (pure), then the coverage-checked decoder
with the real models on short real audio: an uncovered tail is decoded again, a rejected chunk is
split and retried, the language is detected per recording and per voice."""

from __future__ import annotations

import os
from itertools import pairwise
from pathlib import Path

import jiwer
import numpy as np
import pytest

from visio_archive.asr import (
    AsrOptions,
    LanguageChoice,
    Piece,
    Span,
    compression_ratio,
    hallucination_reason,
    loop_start,
    plan_spans,
    problem_areas,
    retry_spans,
    split_span,
    subtract,
    take_new_words,
)
from visio_archive.models import Word
from visio_archive.samples import pyannote_sample, pyannote_sample_text, speak

SAMPLE = pyannote_sample()
SR = 16_000

# ---------------------------------------------------------------- hallucination guard (pure)

NORMAL_FR = (
    "Bonjour à tous. Il y a trois points à l'ordre du jour. Il y a d'abord le budget, "
    "il y a ensuite le recrutement et il y a enfin la question des locaux de Lyon."
)
NORMAL_EN = "Hello? Hello? Oh, hello. I didn't know you were there. Neither did I."


@pytest.mark.parametrize("text", [NORMAL_FR, NORMAL_EN, "Oui. Oui, oui, oui. D'accord.", "", "Merci."])
def test_normal_speech_is_not_flagged(text: str) -> None:
    assert hallucination_reason(text) is None


def test_loops_are_flagged_without_quoting_the_text() -> None:
    reason = hallucination_reason("Merci " * 7)
    assert reason is not None and "decoding loop" in reason and "merci" not in reason.lower()
    assert hallucination_reason("non " * 6) is None  # six in a row is still speech ("non, non, non...")
    text = "Sous-titrage réalisé par la communauté d'Amara.org " * 4
    assert hallucination_reason(text) is not None
    reason = hallucination_reason("et on va voir et on va voir et on va voir et on va voir")
    assert reason is not None and "voir" not in reason


def test_compression_ratio_guard() -> None:
    assert compression_ratio("") == 0.0
    assert compression_ratio(NORMAL_FR) < 2.0
    assert compression_ratio("la la la " * 30) > 2.4
    reason = hallucination_reason("abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc")
    assert reason is not None and "compression ratio" in reason


def test_loop_start_finds_where_a_good_piece_turns_into_a_loop() -> None:
    words = ["nous", "validons", "le", "budget", "et", "puis", "et", "puis", "et", "puis", "et", "puis"]
    assert loop_start(words) == 4
    assert loop_start(["oui", "oui", "oui", "oui", "oui", "oui"]) is None
    assert loop_start(["le"] * 7) == 0
    assert loop_start(["on", "en", "parle,", "on", "en", "parle,", "on", "en", "parle", "encore"]) == 0
    assert loop_start(NORMAL_FR.split()) is None


# ---------------------------------------------------------------- planning (pure)

OPTS = AsrOptions()


def _w(text: str, start: float, end: float) -> Word:
    return Word(word=text, start=start, end=end)


def test_spans_never_cross_a_change_of_speaker_when_metadata_says_who_spoke() -> None:
    regions = [(0.5, 4.0), (4.6, 9.0), (9.2, 15.0)]
    assert [(s.start, s.end) for s in plan_spans(regions, 30.0)] == [(0.5, 15.0)]
    speakers = {"alice": [(0.4, 4.1), (9.1, 15.1)], "bob": [(4.5, 9.1)]}
    spans = plan_spans(regions, 30.0, speakers)
    assert [(s.start, s.end, s.speaker) for s in spans] == [
        (0.5, 4.0, "alice"), (4.6, 9.0, "bob"), (9.2, 15.0, "alice")]
    # One VAD region over two voices with no pause between them is cut where the voice changes.
    spans = plan_spans([(1.0, 11.0)], 30.0, {"alice": [(0.9, 6.0)], "bob": [(6.0, 11.2)]})
    assert [(round(s.start, 1), round(s.end, 1), s.speaker) for s in spans] == [(1.0, 6.0, "alice"), (6.0, 11.0, "bob")]
    # A region longer than the maximum is cut into equal parts.
    assert [(s.start, s.end) for s in plan_spans([(0.0, 50.0)], 30.0)] == [(0.0, 25.0), (25.0, 50.0)]


def test_an_uncovered_tail_is_a_problem_area_and_its_retry_is_the_tail_only() -> None:
    span = Span(0.0, 28.0, [(0.5, 9.0), (9.5, 27.5)])
    words = [_w("mot", 0.5 + 0.4 * i, 0.8 + 0.4 * i) for i in range(20)]  # 0.5 .. 8.7 s
    piece = Piece(0.5, 8.8, "…", words, "fr", -0.3, 0.01)
    areas = problem_areas(span, words, [piece], OPTS)
    assert areas == [(9.5, 27.5)]
    children = retry_spans(span, areas, OPTS)
    assert [(c.start, c.end, c.depth) for c in children] == [(9.2, 27.8, 1)]
    assert children[0].regions == [(9.5, 27.5)]


def test_a_rejected_piece_over_the_whole_span_is_split_at_its_widest_pause() -> None:
    span = Span(0.0, 20.0, [(0.5, 6.0), (6.3, 9.0), (10.5, 19.5)])
    loop = Piece(0.0, 20.0, "", [], "fr", -0.2, 0.01, reason="decoding loop")
    areas = problem_areas(span, [], [loop], OPTS)
    assert areas == [(0.0, 20.0)]
    children = retry_spans(span, areas, OPTS)
    assert [(c.start, c.end) for c in children] == [(0.2, 9.0), (10.5, 19.8)]
    assert all(c.depth == 1 for c in children)
    assert split_span(Span(0.0, 2.0, [(0.0, 2.0)]), OPTS.min_split) == [Span(0.0, 2.0, [(0.0, 2.0)])]


def test_words_of_a_retry_are_taken_only_where_no_kept_word_is() -> None:
    kept = [_w("budget", 1.0, 1.4), _w("validé", 1.5, 2.0)]
    new = [_w("validé", 1.52, 1.98), _w("merci", 3.0, 3.4)]
    assert [w.word for w in take_new_words(kept, new)] == ["merci"]
    assert subtract([(0.0, 10.0)], [(1.0, 2.0), (5.0, 12.0)]) == [(0.0, 1.0), (2.0, 5.0)]


def test_language_choice_leaves_its_prior_only_when_sure() -> None:
    choice = LanguageChoice(prior="fr")
    assert choice.choose({"en": 0.95, "fr": 0.05}, 6.0, 0.9) == "en"
    assert choice.choose({"en": 0.85, "fr": 0.15}, 6.0, 0.9) == "fr"   # not sure enough
    assert choice.choose({"en": 0.99, "fr": 0.01}, 1.0, 0.9) == "fr"   # too short to tell
    assert choice.choose({"en": 0.85, "fr": 0.15}, 20.0, 0.9, first_pass=True) == "en"
    assert choice.choose({"en": 0.7, "fr": 0.3}, 20.0, 0.9, first_pass=True) == "fr"
    assert choice.choose({"de": 0.9}, 6.0, 0.9, prior="en") == "de"
    assert LanguageChoice(fixed="nl").choose({"fr": 1.0}, 30.0, 0.9) == "nl"


# ---------------------------------------------------------------- real models

NORM = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.ExpandCommonEnglishContractions(),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)

FRENCH = [
    "Bonjour à tous, nous commençons la réunion du comité de pilotage.",
    "Le premier point concerne le budget de l'année prochaine.",
    "Le déploiement commencera en mars dans trois départements pilotes.",
    "Je vous enverrai le relevé de décisions demain matin.",
]
ENGLISH = [
    "Good morning everyone, thank you for inviting me to this committee.",
    "We deployed the service in four cities over six months.",
]


def _spoken(sentences: list[str], voice: tuple[str, int, int], gap: float = 0.5) -> np.ndarray:
    pieces = []
    for sentence in sentences:
        pieces += [speak(sentence, *voice), np.zeros(int(gap * SR), dtype=np.float32)]
    audio = np.concatenate([np.zeros(int(0.5 * SR), dtype=np.float32), *pieces])
    return audio + np.random.default_rng(0).normal(0, 0.002, size=audio.size).astype(np.float32)


@pytest.fixture(scope="module")
def store():
    from visio_archive.modelstore import ModelStore, install
    from visio_archive.settings import Settings

    s = ModelStore.from_settings(Settings())
    install(s, names=["whisper-base", "pyannote-segmentation", "silero-vad"])
    return s


@pytest.fixture(scope="module")
def transcriber(store):
    from visio_archive.asr import Transcriber

    tr = Transcriber(store=store, cpu_threads=min(2, os.cpu_count() or 1))
    tr.load()
    return tr


@pytest.fixture(scope="module")
def french() -> np.ndarray:
    return _spoken(FRENCH, ("fr+m3", 38, 160))


def _coverage(regions: list[tuple[float, float]], words: list[Word]) -> float:
    from visio_archive.asr import covered, union

    speech = sum(b - a for a, b in union(regions))
    lost = sum(b - a for a, b in subtract(regions, covered(words, 0.25)))
    return 1 - lost / speech


def test_speech_only_the_second_vad_hears_is_added_as_regions_of_its_own() -> None:
    from visio_archive.asr import with_second_vad

    primary = [(0.0, 10.0), (20.0, 30.0)]
    second = [(0.5, 12.0), (12.1, 12.2), (15.0, 19.0), (19.5, 31.0)]
    merged = with_second_vad(primary, second, 0.25)
    # the tail 10-12 s, the 15-19 s turn and 30-31 s join; the 0.1 s click does not
    assert merged == [(0.0, 10.0), (10.0, 12.0), (15.0, 19.0), (19.5, 20.0), (20.0, 30.0), (30.0, 31.0)]
    assert with_second_vad(primary, [], 0.25) == primary


@pytest.mark.models
def test_the_second_vad_finds_a_turn_end_and_start_pyannote_scores_low(transcriber, tmp_path: Path) -> None:
    """Two voices handing over with a 0.3 s pause (generated long-turns meeting, seed 7): pyannote's
    scores sag below its offset from 65 s to 68 s, over the end of one turn and the start of the
    next. With Silero beside it, every second of the reference speech there is in a region."""
    from benchmarks.shaped_meetings import make_meeting
    from visio_archive.asr import Transcriber, union
    from visio_archive.audio import load_audio

    meeting = make_meeting("long_turns", tmp_path, seed=7)
    audio = load_audio(meeting.audio)
    speech = union([r for t in meeting.turns for r in t.speech])
    both = transcriber.speech_regions(audio)
    alone = Transcriber(store=transcriber.store, options=AsrOptions(second_vad=False))
    alone._model, alone._vad = transcriber._model, transcriber._vad  # same loaded models, Silero off
    pyannote_only = alone.speech_regions(audio)

    def missed(regions: list[tuple[float, float]]) -> float:
        return sum(b - a for a, b in subtract(speech, union(regions)))

    assert missed(both) < 0.5 * missed(pyannote_only)
    assert missed(both) < 0.01 * sum(b - a for a, b in speech)


@pytest.mark.models
def test_sample_transcription_quality_and_word_times(store, transcriber) -> None:
    from visio_archive.asr import transcribe_audio
    from visio_archive.audio import load_audio

    audio = load_audio(SAMPLE)
    result = transcribe_audio(audio, store=store, language="auto", transcriber=transcriber)
    assert result.language == "en"
    assert result.timestamp_method == "whisper"
    assert [m.name for m in result.models] == ["whisper-base", "pyannote-segmentation", "silero-vad"]
    assert result.models[0].sha256 == "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"
    hyp = " ".join(s.text for s in result.segments)
    wer = jiwer.wer(pyannote_sample_text(), hyp, reference_transform=NORM, hypothesis_transform=NORM)
    # 12.6% on the Intel machine of 1 December (benchmarks/speech.py), 17.2% on an AMD EPYC machine on
    # 2 December with the same code and model files (also at bc2ac70): CTranslate2's int8 kernels differ
    # by CPU. The bound fails a real regression (a lost turn costs far more) and holds on both.
    assert wer <= 0.19, hyp
    words = [w for s in result.segments for w in s.words]
    assert len(words) >= 65
    assert all(0.0 <= w.start <= w.end <= 30.01 for w in words)
    assert all(a.start <= b.start for a, b in pairwise(words))
    assert abs(words[0].start - 6.68) < 0.6  # "Hello?" starts at 6.68 s in the reference
    sheila = next(w for w in words if w.word.strip(".,").lower() == "sheila")
    assert 14.4 <= sheila.start <= 16.0
    assert all(s.language == "en" for s in result.segments)


@pytest.mark.models
def test_vad_finds_no_speech_in_noise(transcriber) -> None:
    rng = np.random.default_rng(0)
    noise = (rng.standard_normal(SR * 8) * 0.001).astype(np.float32)
    assert transcriber.speech_regions(noise) == []


@pytest.mark.models
def test_french_is_detected(transcriber, french) -> None:
    """espeak-ng French (synthetic, hard to hear) is still recognised as French."""
    regions = transcriber.speech_regions(french)
    assert regions
    language, prob = transcriber.detect_language(french, regions)
    assert language == "fr" and prob > 0.5


@pytest.mark.models
def test_an_uncovered_tail_is_decoded_again(transcriber, french) -> None:
    """A first pass that stopped after its first sentence (what Whisper does on some 30 s chunks)
    leaves the rest uncovered: the tail is decoded again and its words come back, once."""
    regions = transcriber.speech_regions(french)
    span = Span(max(0.0, regions[0][0] - 0.2), min(len(french) / SR, regions[-1][1] + 0.2), regions)
    choice = LanguageChoice(fixed="fr")
    [pieces] = transcriber.decode_batch(french, [span], choice)
    words = [w for p in pieces for w in p.words]
    cut = words[0].start + 4.0
    truncated = [Piece(p.start, min(p.end, cut), p.text, [w for w in p.words if w.end <= cut], p.language,
                       p.avg_logprob, p.no_speech_prob) for p in pieces if p.start < cut]
    segments, retries = transcriber.settle(french, [(span, truncated)], choice)
    kept = [w for s in segments for w in s.words]
    assert retries >= 1
    assert not any(s.flagged for s in segments)
    # Without the second decode coverage is about 0.3 (4 s of 13.8 s); with it 0.90-0.95 depending
    # on the CPU's int8 kernels (0.897 on one AMD EPYC with unchanged code and models).
    assert _coverage(regions, kept) > 0.85
    assert max(w.end for w in kept) > regions[-1][1] - 1.5
    # Nothing decoded twice: word times never overlap.
    assert all(a.end <= b.start + 0.05 for a, b in pairwise(sorted(kept, key=lambda w: w.start)))
    # The tail's words are new words (espeak French is hard for the base model: no exact text here).
    assert sum(1 for w in kept if w.start > cut) >= 8


@pytest.mark.models
def test_a_rejected_chunk_is_split_and_retried(transcriber, french) -> None:
    """A chunk the guard rejects as a loop is not given up: it is split at a pause and each half is
    decoded again (then with temperature fallback), until its speech is covered."""
    regions = transcriber.speech_regions(french)
    span = Span(0.0, len(french) / SR, regions)
    rejected = [Piece(0.0, span.end, "", [], "fr", -0.2, 0.01, reason="decoding loop: test")]
    segments, retries = transcriber.settle(french, [(span, rejected)], LanguageChoice(fixed="fr"))
    kept = [w for s in segments for w in s.words]
    assert retries >= 2
    assert not any(s.flagged for s in segments)
    assert _coverage(regions, kept) > 0.9


@pytest.mark.models
def test_each_voice_is_decoded_in_its_own_language(transcriber) -> None:
    """A French chair and an English guest in one 30 s chunk: with the metadata's speech events,
    the guest's turn is detected as English and decoded in English, the chair's in French."""
    fr = _spoken(FRENCH[:2], ("fr+m3", 38, 160))
    en = _spoken(ENGLISH, ("en-gb+f3", 62, 160))
    audio = np.concatenate([fr, en])
    boundary = len(fr) / SR
    regions = transcriber.speech_regions(audio)
    speakers = {"chair": [(0.0, boundary)], "guest": [(boundary, len(audio) / SR)]}
    choice = LanguageChoice(prior="fr")
    window = transcriber.transcribe_window(audio, regions, choice, speakers=speakers)
    by_language = {s.language for s in window.segments if s.words}
    assert by_language == {"fr", "en"}
    english = " ".join(w.word for s in window.segments if s.language == "en" for w in s.words).lower()
    assert "morning" in english or "cities" in english or "months" in english, english
    assert all(s.start >= boundary - 1.0 for s in window.segments if s.language == "en")
