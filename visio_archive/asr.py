"""Speech recognition that keeps everything said: VAD, batched decoding, then a coverage check.

Whisper decoding a 30 s chunk in one pass sometimes stops after its first sentence or two, or loops
on a word; a pipeline that trusts that pass loses whole turns. So every decoded span is checked:

1. **VAD** (whisperX's pyannote segmentation checkpoint, model store ``pyannote-segmentation``)
   finds the speech regions. They are grouped into spans of at most ``chunk_size`` seconds; where
   the Visio metadata says who spoke when, a span never crosses a change of speaker, so that one
   span holds one voice (:func:`plan_spans`).
2. **First pass**, batched (faster-whisper's model, CTranslate2 ``generate`` on a batch of spans,
   timestamp tokens on, word times from cross-attention DTW). With ``language="auto"`` each span's
   language is read from the same encoder output, restricted to the languages Visio offers.
3. **Coverage check** (:func:`problem_areas`): the VAD speech of a span that no word comes within
   ``coverage_tolerance`` of, and the time of any decoded piece the hallucination guard rejects (a
   loop, a text that compresses too well), are problem areas.
4. **Retry smaller**: each problem area is decoded again alone, cut at VAD pauses, sequentially
   with faster-whisper's temperature fallback; what is still uncovered is split again, up to
   ``max_depth`` levels. New words are only taken where no kept word already is.
5. What still has no trustworthy text becomes a **flagged segment** with its times and a reason
   free of any transcribed content; readers show it as ``[passage inaudible …]``
   (``visio_archive.publish``). A short span the model hears as silence at the smallest level
   really holds no speech and is dropped.

Heavy imports (torch, whisperX, faster-whisper) happen inside functions.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from math import ceil
from typing import Any

import numpy as np

from visio_archive.audio import SAMPLE_RATE
from visio_archive.models import ModelInfo, Segment, TimestampMethod, Word
from visio_archive.modelstore import ModelStore, align_model_name, whisper_model_name

log = logging.getLogger(__name__)

# The languages Visio's own transcription accepts; detection never answers anything else.
SUPPORTED_LANGUAGES = ("fr", "en", "de", "nl")

# Progress callback: fraction done in [0, 1] of the current call.
Progress = Callable[[float], None]
Interval = tuple[float, float]
LANGUAGE_SAMPLES = 6  # stretches of speech read to tell a window's language
MAX_WORD_SECONDS = 2.0  # no spoken word lasts longer; a longer DTW time is an alignment error
CONTEXT_MARGIN_FRAMES = 100  # 1 s of padding after a span's audio (10 ms frames)
# faster-whisper's defaults: punctuation glued to the word before or after it.
_PREPEND = "\"'“¿([{-"
_APPEND = "\"'.。,，!！?？:：”)]}、"


# ---------------------------------------------------------------- hallucination guard

COMPRESSION_RATIO_MAX = 2.4
WORD_RUN_MAX = 6          # the same word more than 6 times in a row
NGRAM_N = 3
NGRAM_REPEAT_MIN = 4      # a 3-gram seen 4 times or more...
NGRAM_COVERAGE_MIN = 0.5  # ...that makes up at least half of the segment's words


def compression_ratio(text: str) -> float:
    data = text.encode("utf-8")
    if not data:
        return 0.0
    return len(data) / len(zlib.compress(data))


def _tokens(text: str) -> list[str]:
    return re.findall(r"\w+(?:['’]\w+)*", text.lower())


def hallucination_reason(text: str) -> str | None:
    """Why this text looks like a decoding loop, or None. Pure function of the text.

    The reason never quotes the text: it is stored with the transcript and shown to operators,
    and the text may hold personal data.
    """
    tokens = _tokens(text)
    run = 1
    for prev, cur in pairwise(tokens):
        run = run + 1 if cur == prev else 1
        if run > WORD_RUN_MAX:
            return f"decoding loop: one word repeated more than {WORD_RUN_MAX} times in a row"
    if len(tokens) >= NGRAM_N * NGRAM_REPEAT_MIN:
        grams = Counter(tuple(tokens[i : i + NGRAM_N]) for i in range(len(tokens) - NGRAM_N + 1))
        _gram, count = grams.most_common(1)[0]
        if count >= NGRAM_REPEAT_MIN and count * NGRAM_N / len(tokens) >= NGRAM_COVERAGE_MIN:
            return f"decoding loop: one {NGRAM_N}-word phrase repeated {count} times"
    ratio = compression_ratio(text)
    if ratio > COMPRESSION_RATIO_MAX:
        return f"decoding loop: compression ratio {ratio:.2f} > {COMPRESSION_RATIO_MAX}"
    return None


# ---------------------------------------------------------------- options and records


@dataclass(frozen=True)
class AsrOptions:
    beam_size: int = 5
    batch_size: int = 8
    chunk_size: float = 30.0        # first-pass spans are at most this long (Whisper's window)
    vad_onset: float = 0.5
    vad_offset: float = 0.363
    vad_step: float = 1.0           # seconds between two 5 s VAD windows
    # Silero VAD beside pyannote's: where only Silero hears speech (pyannote's scores sag over some
    # voices for seconds at a time, e.g. a turn's end running into the next speaker's start), that
    # speech is decoded and coverage-checked too. Costs about 0.006 s per audio second.
    second_vad: bool = True
    second_vad_threshold: float = 0.5
    second_vad_min: float = 0.25    # shorter Silero-only speech is a click or a breath
    word_timestamps: bool = True    # DTW word times when no alignment model is in the store
    # Batched passes decode text tokens only (whisperX's choice, best WER here); where that stops
    # early, the coverage check decodes the rest again.
    without_timestamps: bool = True
    short_context: bool = True      # encode only the span's audio (+1 s), not 30 s (see _features)
    use_alignment: bool = True      # use align-<lang> from the store when present
    coverage_tolerance: float = 0.25  # speech within this distance of a word counts as covered
    min_uncovered: float = 0.5      # uncovered speech shorter than this is a breath, not a loss
    max_depth: int = 3              # retry levels below the first pass
    retry_chunk_size: float = 30.0  # retry spans are at most this long
    # Where the metadata says who spoke, a first-pass span holds several voices only up to this
    # length: Whisper stops early more often on long spans that change voice.
    mixed_chunk_size: float = 15.0
    speaker_cut_depth: int = 1      # from this retry level on, a retry span holds one voice
    min_split: float = 3.0          # spans shorter than this are not split again
    inaudible_min: float = 1.0      # unresolved speech at least this long becomes a flagged segment
    switch_probability: float = 0.9  # a span of 4 s or more leaves its prior language only this sure
    temperatures: tuple[float, ...] = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


@dataclass
class Span:
    """A stretch of one window's audio to decode, with the VAD speech regions inside it."""

    start: float
    end: float
    regions: list[Interval]
    depth: int = 0
    speaker: str | None = None   # the metadata participant speaking, when known
    language: str | None = None  # decided for this span (None: to be detected)
    parent_language: str | None = None  # the language of the span this one was cut from
    language_probability: float | None = None  # how sure detection was of ``language``

    @property
    def speech_seconds(self) -> float:
        return sum(b - a for a, b in self.regions)


@dataclass
class Piece:
    """One decoded piece of a span (a Whisper segment), times in window coordinates."""

    start: float
    end: float
    text: str
    words: list[Word]
    language: str
    avg_logprob: float
    no_speech_prob: float
    reason: str | None = None  # set when the hallucination guard rejects the piece


@dataclass
class LanguageChoice:
    """How each span's language is chosen: fixed, or detected around a prior."""

    fixed: str | None = None
    prior: str | None = None
    detected: dict[str, float] = field(default_factory=dict)  # speech seconds per language decided

    def choose(self, probabilities: dict[str, float], speech_seconds: float, switch: float,
               prior: str | None = None, *, first_pass: bool = False) -> str:
        """The span's language.

        A first-pass span (up to 30 s, often several voices) goes with its own detection when it is
        more likely than not. A smaller span cut from another one leaves that one's language only
        when long enough and clearly heard: short or unclear speech is often heard as another
        language, and decoding it in the wrong one garbles or translates it."""
        if self.fixed:
            return self.fixed
        prior = prior or self.prior or SUPPORTED_LANGUAGES[0]
        best = max(SUPPORTED_LANGUAGES, key=lambda lang: probabilities.get(lang, 0.0))
        sure = probabilities.get(best, 0.0)
        if best == prior:
            return best
        if first_pass:
            clear = (sure >= 0.8 and speech_seconds >= 8.0) or (sure >= 0.95 and speech_seconds >= 3.0)
            return best if clear else prior
        if (sure >= switch and speech_seconds >= 4.0) or (sure >= 0.97 and speech_seconds >= 2.0):
            return best
        return prior


@dataclass
class AsrResult:
    language: str
    segments: list[Segment]
    timestamp_method: TimestampMethod
    models: list[ModelInfo]
    speech_seconds: float = 0.0
    language_probability: float | None = None
    chunks: int = 0
    retries: int = 0


@dataclass
class WindowResult:
    segments: list[Segment]
    speech_seconds: float
    spans: int
    retries: int
    languages: dict[str, float]
    timestamp_method: TimestampMethod


# ---------------------------------------------------------------- pure planning functions


def union(intervals: Sequence[Interval]) -> list[Interval]:
    out: list[list[float]] = []
    for a, b in sorted(intervals):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def subtract(base: Sequence[Interval], minus: Sequence[Interval]) -> list[Interval]:
    """``base`` minus ``minus`` (both any interval lists); the result is sorted and disjoint."""
    out: list[Interval] = []
    cut = union(minus)
    for a, b in union(base):
        lo = a
        for c, d in cut:
            if d <= lo or c >= b:
                continue
            if c > lo:
                out.append((lo, c))
            lo = max(lo, d)
            if lo >= b:
                break
        if lo < b:
            out.append((lo, b))
    return out


def _label_regions(
    regions: Sequence[Interval], speakers: dict[str, list[Interval]] | None
) -> list[tuple[float, float, str | None]]:
    """Each VAD region with the participant speaking in it; a region that spans a change of
    speaker (no pause between two turns) is cut where the metadata says the voice changed."""
    if not speakers:
        return [(a, b, None) for a, b in regions]
    events = sorted((lo, hi, pid) for pid, ivs in speakers.items() for lo, hi in ivs)
    out: list[tuple[float, float, str | None]] = []
    for a, b in regions:
        # The participant speaking at each instant: the one whose interval started last.
        cuts = sorted({a, b, *(t for lo, hi, _ in events for t in (lo, hi) if a < t < b)})
        pieces: list[tuple[float, float, str | None]] = []
        for lo, hi in pairwise(cuts):
            mid = (lo + hi) / 2
            active = [(s, pid) for s, e, pid in events if s <= mid < e]
            pid = max(active)[1] if active else None
            if pieces and (pieces[-1][2] == pid or pid is None or hi - lo < 0.3):
                pieces[-1] = (pieces[-1][0], hi, pieces[-1][2] or pid)
            else:
                pieces.append((lo, hi, pid))
        out.extend(pieces)
    return out


def plan_spans(
    regions: Sequence[Interval],
    max_seconds: float,
    speakers: dict[str, list[Interval]] | None = None,
    *,
    mixed_seconds: float = 0.0,
) -> list[Span]:
    """Group VAD regions into spans of at most ``max_seconds``; a span holds one voice, or several
    as long as it stays within ``mixed_seconds`` (0: never across a change of speaker).

    A region longer than ``max_seconds`` (VAD found no pause) is cut into equal parts.
    """
    labelled: list[tuple[float, float, str | None]] = []
    for a, b, pid in _label_regions(regions, speakers):
        parts = max(1, ceil((b - a) / max_seconds - 1e-9))
        step = (b - a) / parts
        labelled += [(a + k * step, a + (k + 1) * step, pid) for k in range(parts)]
    spans: list[Span] = []
    mixed: set[int] = set()
    for a, b, pid in labelled:
        last = spans[-1] if spans else None
        if last is None:
            spans.append(Span(a, b, [(a, b)], speaker=pid))
            continue
        same_voice = last.speaker == pid or pid is None or last.speaker is None
        limit = max_seconds if same_voice and id(last) not in mixed else mixed_seconds
        if b - last.start <= limit:
            if not same_voice:
                mixed.add(id(last))
            last.end = b
            last.regions.append((a, b))
            last.speaker = last.speaker or pid
        else:
            spans.append(Span(a, b, [(a, b)], speaker=pid))
    for span in spans:
        if id(span) in mixed:
            span.speaker = None  # several voices
    return spans


def with_second_vad(primary: Sequence[Interval], second: Sequence[Interval], min_length: float) -> list[Interval]:
    """``primary``'s regions plus the speech only ``second`` heard (pieces of at least ``min_length``),
    as regions of their own: none grows longer than either VAD made it, and the primary's cuts stay."""
    extra = [(a, b) for a, b in subtract(second, primary) if b - a >= min_length]
    return sorted([*primary, *extra])


def covered(words: Sequence[Word], tolerance: float) -> list[Interval]:
    return union([(w.start - tolerance, w.end + tolerance) for w in words])


def problem_areas(span: Span, kept: Sequence[Word], pieces: Sequence[Piece], options: AsrOptions) -> list[Interval]:
    """Where a decoded span lost speech: VAD speech that no kept word is near, plus rejected pieces."""
    lost = subtract(span.regions, covered(kept, options.coverage_tolerance))
    lost = [(a, b) for a, b in lost if b - a >= options.min_uncovered]
    rejected = [(max(span.start, p.start), min(span.end, p.end)) for p in pieces if p.reason is not None]
    # Problem areas a second or less apart are retried together (one clip, one context).
    merged: list[Interval] = []
    for a, b in union(lost + rejected):
        if merged and a - merged[-1][1] <= 1.0:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def retry_spans(
    span: Span, areas: Sequence[Interval], options: AsrOptions, speakers: dict[str, list[Interval]] | None = None
) -> list[Span]:
    """Smaller spans that cover the problem areas: cut at the VAD pauses around them and, where the
    metadata says who spoke, at every change of speaker, so that each holds one voice.

    When the areas are (almost) the whole span, each part is also split at its widest pause near
    the middle, so that every level decodes less audio than the one before.
    """
    pad = 0.3
    out: list[Span] = []
    for a, b in areas:
        lo, hi = max(span.start, a - pad), min(span.end, b + pad)
        regions = [(max(lo, r0), min(hi, r1)) for r0, r1 in span.regions if r1 > lo and r0 < hi]
        voices = speakers if span.depth + 1 >= options.speaker_cut_depth else None
        for part in plan_spans(regions, options.retry_chunk_size, voices):
            first, last = part.regions[0][0], part.regions[-1][1]
            out.append(Span(max(lo, first - pad), min(hi, last + pad), part.regions, span.depth + 1,
                            part.speaker or span.speaker, span.language))
    if sum(s.end - s.start for s in out) < 0.8 * (span.end - span.start):
        return out
    return [half for child in out for half in split_span(child, options.min_split)]


def split_span(span: Span, min_split: float) -> list[Span]:
    """Two halves cut at the widest pause near the middle; the span itself when too short."""
    length = span.end - span.start
    if length < min_split:
        return [span]
    mid = span.start + length / 2
    pauses = [(r1, r2) for (_, r1), (r2, _) in pairwise(span.regions) if r2 > r1]
    near = [p for p in pauses if abs((p[0] + p[1]) / 2 - mid) <= length / 4]
    if near:
        p0, p1 = max(near, key=lambda p: (p[1] - p[0], -abs((p[0] + p[1]) / 2 - mid)))
        cut_left, cut_right = p0, p1
    else:
        cut_left = cut_right = mid
    left = [(a, min(b, cut_left)) for a, b in span.regions if a < cut_left]
    right = [(max(a, cut_right), b) for a, b in span.regions if b > cut_right]
    halves = []
    if left:
        halves.append(Span(span.start, cut_left, left, span.depth, span.speaker, span.language))
    if right:
        halves.append(Span(cut_right, span.end, right, span.depth, span.speaker, span.language))
    return halves


def take_new_words(kept: Sequence[Word], new: Sequence[Word]) -> list[Word]:
    """Words of a retry that fall where no kept word is (a retry clip overlaps its neighbours)."""
    taken = union([(w.start, w.end) for w in kept])
    out = []
    for w in new:
        mid = (w.start + w.end) / 2
        if not any(a - 0.05 <= mid <= b + 0.05 for a, b in taken):
            out.append(w)
    return out


# ---------------------------------------------------------------- the transcriber


@dataclass
class Transcriber:
    """Holds the loaded models; reuse one instance for every window of a recording."""

    store: ModelStore
    whisper_name: str = "whisper-base"
    compute_type: str = "int8"
    cpu_threads: int = 2
    options: AsrOptions = field(default_factory=AsrOptions)
    _model: Any = None
    _vad: Any = None
    _silero: Any = None
    _align: dict[str, Any] = field(default_factory=dict)
    _tokenizers: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any, store: ModelStore | None = None, **kwargs: Any) -> Transcriber:
        return cls(
            store=store or ModelStore.from_settings(settings),
            whisper_name=whisper_model_name(settings.whisper_model),
            compute_type=settings.compute_type,
            cpu_threads=settings.cpu_threads,
            **kwargs,
        )

    # ------------------------------------------------------------ loading
    def load(self) -> None:
        if self._model is not None:
            return
        import torch
        from faster_whisper import WhisperModel
        from pyannote.audio import Inference, Model

        torch.set_num_threads(self.cpu_threads)
        self._model = WhisperModel(
            str(self.store.path(self.whisper_name)),
            device="cpu",
            compute_type=self.compute_type,
            cpu_threads=self.cpu_threads,
            num_workers=1,
            local_files_only=True,
        )
        logging.getLogger("whisperx").setLevel(logging.WARNING)
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)
        # The bundled checkpoint predates Lightning 2; its in-memory upgrade notice is noise.
        for name in ("lightning.pytorch.utilities.migration.utils", "pytorch_lightning.utilities.migration.utils"):
            logging.getLogger(name).setLevel(logging.WARNING)
        # whisperX's VAD (its pyannote segmentation checkpoint, speech = the most active of its
        # speaker outputs), with a 1 s step instead of 0.5 s: half the cost, same regions to
        # within a frame on our recordings; the coverage check catches what VAD would miss.
        checkpoint = self.store.path("pyannote-segmentation") / "pytorch_model.bin"
        segmentation = Model.from_pretrained(str(checkpoint))
        if segmentation is None:
            raise RuntimeError(f"{checkpoint}: pyannote could not load this segmentation checkpoint")
        self._vad = Inference(
            segmentation,
            duration=5.0,
            step=self.options.vad_step,
            batch_size=32,
            device=torch.device("cpu"),
            pre_aggregation_hook=lambda scores: np.max(scores, axis=-1, keepdims=True),
        )
        if self.options.second_vad:
            from silero_vad.utils_vad import OnnxWrapper

            self._silero = OnnxWrapper(str(self.store.path("silero-vad") / "silero_vad.onnx"), force_onnx_cpu=True)

    def model_infos(self, timestamp_method: TimestampMethod, language: str) -> list[ModelInfo]:
        infos = [
            self.store.info(self.whisper_name, "asr"),
            self.store.info("pyannote-segmentation", "vad"),
        ]
        if self.options.second_vad:
            infos.append(self.store.info("silero-vad", "vad"))
        if timestamp_method == "alignment":
            infos.append(self.store.info(align_model_name(language), "alignment"))
        return infos

    def _tokenizer(self, language: str) -> Any:
        from faster_whisper.tokenizer import Tokenizer

        if language not in self._tokenizers:
            self._tokenizers[language] = Tokenizer(
                self._model.hf_tokenizer, self._model.model.is_multilingual, task="transcribe", language=language
            )
        return self._tokenizers[language]

    # ------------------------------------------------------------ VAD and language
    def speech_regions(self, audio: np.ndarray) -> list[Interval]:
        """Speech regions of ``audio`` (seconds), none longer than ``chunk_size``."""
        import torch
        from whisperx.vads.pyannote import Binarize

        self.load()
        if len(audio) < SAMPLE_RATE // 10:
            return []
        waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).unsqueeze(0)
        with torch.inference_mode():
            scores = self._vad({"waveform": waveform, "sample_rate": SAMPLE_RATE})
        binarize = Binarize(max_duration=self.options.chunk_size, onset=self.options.vad_onset,
                            offset=self.options.vad_offset)
        timeline = binarize(scores).get_timeline()
        regions = [(float(s.start), float(s.end)) for s in timeline if s.end > s.start]
        if self._silero is None:
            return regions
        # Speech only the second VAD hears joins as regions of its own, so that no region grows past
        # ``chunk_size`` and pyannote's cuts (at its lowest scores) stay where they are.
        return with_second_vad(regions, self.silero_regions(audio), self.options.second_vad_min)

    def silero_regions(self, audio: np.ndarray) -> list[Interval]:
        """Speech regions of ``audio`` by Silero VAD (from the model store), none longer than ``chunk_size``."""
        import torch
        from silero_vad.utils_vad import get_speech_timestamps

        self.load()
        stamps = get_speech_timestamps(
            torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)), self._silero,
            threshold=self.options.second_vad_threshold, sampling_rate=SAMPLE_RATE,
            min_speech_duration_ms=250, min_silence_duration_ms=100, speech_pad_ms=30,
            max_speech_duration_s=self.options.chunk_size,
        )
        return [(s["start"] / SAMPLE_RATE, s["end"] / SAMPLE_RATE) for s in stamps]

    def language_probabilities(self, audio: np.ndarray, regions: Sequence[Interval]) -> dict[str, float]:
        """Probabilities of the supported languages over the whole of the given speech: up to
        ``LANGUAGE_SAMPLES`` stretches of about 10 s spread from its start to its end, weighted by
        their speech (the first 30 s alone may all be a guest speaking another language)."""
        self.load()
        stretches = plan_spans(regions, 10.0)
        if len(stretches) > LANGUAGE_SAMPLES:
            step = (len(stretches) - 1) / (LANGUAGE_SAMPLES - 1)
            stretches = [stretches[round(k * step)] for k in range(LANGUAGE_SAMPLES)]
        if not stretches:
            stretches = [Span(0.0, min(len(audio) / SAMPLE_RATE, 30.0), [(0.0, min(len(audio) / SAMPLE_RATE, 30.0))])]
        total: dict[str, float] = {}
        for stretch, probabilities in zip(stretches, self.detect_batch(audio, stretches), strict=True):
            for lang, p in probabilities.items():
                total[lang] = total.get(lang, 0.0) + p * stretch.speech_seconds
        weight = sum(total.values())
        return {lang: p / weight for lang, p in total.items()} if weight > 0 else {}

    def detect_language(self, audio: np.ndarray, regions: Sequence[Interval]) -> tuple[str, float]:
        """The most likely supported language of the given speech, and its probability."""
        probabilities = self.language_probabilities(audio, regions)
        best = max(SUPPORTED_LANGUAGES, key=lambda lang: probabilities.get(lang, 0.0))
        return best, probabilities.get(best, 0.0)

    def _features(self, clips: Sequence[np.ndarray]) -> np.ndarray:
        """Log-mel features of a batch of clips, all as long as the longest one (plus a margin).

        Whisper's encoder is given only the audio there is (``short_context``), not 30 s padded
        with silence: the encoder's cost grows with the square of its input, and a 5 s span then
        costs a thirtieth of a 30 s one. The decoder reads the same words from it."""
        from faster_whisper.audio import pad_or_trim

        mels = [self._model.feature_extractor(c)[..., :-1] for c in clips]
        frames = 3000
        if self.options.short_context:
            longest = max(m.shape[-1] for m in mels)
            frames = min(3000, ceil((longest + CONTEXT_MARGIN_FRAMES) / 100) * 100)
        return np.stack([pad_or_trim(m, frames) for m in mels])

    def detect_batch(self, audio: np.ndarray, spans: Sequence[Span]) -> list[dict[str, float]]:
        """Supported-language probabilities of each span (one encoder pass each, no decoding)."""

        self.load()
        out: list[dict[str, float]] = []
        for i in range(0, len(spans), self.options.batch_size):
            batch = spans[i : i + self.options.batch_size]
            clips = [audio[int(s.start * SAMPLE_RATE) : int(s.end * SAMPLE_RATE)] for s in batch]
            features = self._features(clips)
            detections = self._model.model.detect_language(self._model.encode(features))
            out += [_supported_probabilities(d) for d in detections]
        return out

    def split_languages(
        self,
        audio: np.ndarray,
        todo: list[tuple[Span, list[Piece]]],
        choice: LanguageChoice,
        speakers: dict[str, list[Interval]] | None,
    ) -> list[tuple[Span, list[Piece]]]:
        """A first-pass span holding several voices gets one language for all of them; where its
        language is not the window's or detection was unsure, each voice's turn is asked for its own
        language, and when they differ the span is decoded again, one part per language.

        A French meeting with an English guest is thus decoded in both languages, while a meeting in
        one language costs nothing more (the check only runs on spans that stand out)."""
        if choice.fixed is not None or not speakers:
            return todo
        out: list[tuple[Span, list[Piece]]] = []
        for span, pieces in todo:
            turns = plan_spans(span.regions, self.options.chunk_size, speakers)
            sure = (span.language_probability or 0.0) >= self.options.switch_probability
            unsure = span.language != choice.prior or not sure
            if not unsure or len({t.speaker for t in turns}) < 2:
                out.append((span, pieces))
                continue
            for turn, probabilities in zip(turns, self.detect_batch(audio, turns), strict=True):
                turn.language = choice.choose(probabilities, turn.speech_seconds, self.options.switch_probability,
                                              span.language)
                turn.language_probability = probabilities.get(turn.language, 0.0)
            if len({t.language for t in turns}) < 2:
                out.append((span, pieces))
                continue
            parts: list[Span] = []
            for turn in turns:
                last = parts[-1] if parts else None
                if last is not None and last.language == turn.language:
                    last.end, last.regions = turn.end, last.regions + turn.regions
                else:
                    parts.append(Span(turn.start, turn.end, list(turn.regions), span.depth, None, turn.language,
                                      language_probability=turn.language_probability))
            log.info("ASR: %.1f-%.1f s holds %s: decoded again in %d parts", span.start, span.end,
                     "/".join(sorted({p.language or "?" for p in parts})), len(parts))
            out += list(zip(parts, self.decode_batch(audio, parts, choice), strict=True))
        return out

    def alignment_available(self, language: str) -> bool:
        return self.options.use_alignment and self.store.has(align_model_name(language))

    # ------------------------------------------------------------ decoding
    def decode_batch(self, audio: np.ndarray, spans: Sequence[Span], choice: LanguageChoice) -> list[list[Piece]]:
        """First pass: one batched encoder + decoder run per ``batch_size`` spans."""
        from faster_whisper.transcribe import get_suppressed_tokens

        self.load()
        model, opts = self._model, self.options
        out: list[list[Piece]] = []
        for i in range(0, len(spans), opts.batch_size):
            batch = spans[i : i + opts.batch_size]
            clips = [audio[int(s.start * SAMPLE_RATE) : int(s.end * SAMPLE_RATE)] for s in batch]
            features = self._features(clips)
            encoder_output = model.encode(features)
            if choice.fixed is None:
                detections = model.model.detect_language(encoder_output)
                for span, detection in zip(batch, detections, strict=True):
                    probabilities = _supported_probabilities(detection)
                    if span.language is None:
                        span.language = choice.choose(probabilities, span.speech_seconds, opts.switch_probability,
                                                      span.parent_language, first_pass=span.depth == 0)
                        span.language_probability = probabilities.get(span.language, 0.0)
                    log.debug("span %.1f-%.1f s: %s -> %s", span.start, span.end,
                              {k: round(v, 2) for k, v in probabilities.items()}, span.language)
            for span in batch:
                span.language = span.language or choice.fixed or choice.prior or SUPPORTED_LANGUAGES[0]
            prompts = [model.get_prompt(self._tokenizer(s.language or "fr"), [],
                                        without_timestamps=opts.without_timestamps) for s in batch]
            tokenizer = self._tokenizer(batch[0].language or "fr")
            results = model.model.generate(
                encoder_output,
                prompts,
                beam_size=opts.beam_size,
                patience=1.0,
                length_penalty=1.0,
                max_length=model.max_length,
                suppress_blank=True,
                suppress_tokens=get_suppressed_tokens(tokenizer, [-1]),
                return_scores=True,
                return_no_speech_prob=True,
                sampling_temperature=0.0,
            )
            segmented: list[list[dict[str, Any]]] = []
            sizes: list[int] = []
            stats: list[tuple[float, float]] = []
            for span, result in zip(batch, results, strict=True):
                tokens = result.sequences_ids[0]
                duration = span.end - span.start
                size = int(ceil(duration) * model.frames_per_second)
                sizes.append(size)
                stats.append((result.scores[0] * len(tokens) / (len(tokens) + 1), result.no_speech_prob))
                subsegments, _seek, _single = model._split_segments_by_timestamps(
                    tokenizer=tokenizer, tokens=tokens, time_offset=span.start, segment_size=size,
                    segment_duration=duration, seek=0,
                )
                for sub in subsegments:
                    sub["seek"] = int(span.start * model.frames_per_second)
                    sub["end"] = min(sub["end"], span.end)
                segmented.append([s for s in subsegments if s["tokens"]])
            if opts.word_timestamps and all(segmented):
                model.add_word_timestamps(segmented, tokenizer, encoder_output, sizes, _PREPEND, _APPEND, 0.0)
            elif opts.word_timestamps:
                self._word_times_per_item(segmented, tokenizer, encoder_output, sizes)
            for span, subsegments, (avg_logprob, no_speech_prob) in zip(batch, segmented, stats, strict=True):
                out.append([
                    piece
                    for sub in subsegments
                    for piece in _pieces(tokenizer.decode(sub["tokens"]), sub["start"], sub["end"],
                                         sub.get("words") or [], span.language or "fr", avg_logprob, no_speech_prob)
                ])
        return out

    def _word_times_per_item(
        self, segmented: list[list[dict[str, Any]]], tokenizer: Any, encoder_output: Any, sizes: list[int]
    ) -> None:
        """DTW word times when some items of the batch decoded nothing (the batched call needs every
        item to hold tokens): one item at a time, on its own encoder output."""
        import ctranslate2

        full = np.array(encoder_output)
        for k, subsegments in enumerate(segmented):
            if not subsegments:
                continue
            single = ctranslate2.StorageView.from_array(np.ascontiguousarray(full[k : k + 1]))
            self._model.add_word_timestamps([subsegments], tokenizer, single, [sizes[k]], _PREPEND, _APPEND, 0.0)

    def decode_with_fallback(self, audio: np.ndarray, span: Span) -> list[Piece]:
        """A retry: the span alone, sequential decoding with temperature fallback, word times."""
        self.load()
        clip = np.ascontiguousarray(audio[int(span.start * SAMPLE_RATE) : int(span.end * SAMPLE_RATE)],
                                    dtype=np.float32)
        language = span.language or "fr"
        segments, _info = self._model.transcribe(
            clip,
            language=language,
            beam_size=self.options.beam_size,
            temperature=list(self.options.temperatures),
            best_of=2,
            # Fall back to a higher temperature when the text loops (compression ratio), not merely
            # because it is uncertain; and VAD heard speech here, so no window is skipped as silence:
            # whether the span really holds no speech is decided afterwards (_give_up).
            log_prob_threshold=None,
            no_speech_threshold=None,
            condition_on_previous_text=False,
            word_timestamps=self.options.word_timestamps,
            vad_filter=False,
        )
        pieces = []
        for s in segments:
            words = [
                {"word": w.word, "start": w.start + span.start, "end": w.end + span.start, "probability": w.probability}
                for w in (s.words or [])
            ]
            pieces += _pieces(s.text, s.start + span.start, min(span.end, s.end + span.start), words, language,
                              s.avg_logprob, s.no_speech_prob)
        return pieces

    # ------------------------------------------------------------ one window, coverage-checked
    def transcribe_window(
        self,
        audio: np.ndarray,
        regions: Sequence[Interval],
        choice: LanguageChoice,
        *,
        speakers: dict[str, list[Interval]] | None = None,
        offset: float = 0.0,
        progress: Progress | None = None,
    ) -> WindowResult:
        """Decode every VAD region of ``audio`` until its speech is covered by words or flagged.

        ``speakers`` (metadata speech intervals per participant, window coordinates) keeps one voice
        per span. Times in the result are shifted by ``offset``.
        """
        self.load()
        opts = self.options
        # First pass: whisperX-style spans of up to 30 s of one voice (up to 15 s across voices,
        # when the metadata says who spoke), batched.
        spans = plan_spans(regions, opts.chunk_size, speakers, mixed_seconds=opts.mixed_chunk_size)
        todo = list(zip(spans, self.decode_batch(audio, spans, choice) if spans else [], strict=True))
        if choice.fixed is None and spans:
            # The window's language is the one most of its first pass was heard in (the first 30 s
            # of speech alone may belong to a guest speaking another language).
            votes: dict[str, float] = {}
            for span in spans:
                if span.language and (span.language_probability or 0.0) >= 0.6:
                    votes[span.language] = votes.get(span.language, 0.0) + span.speech_seconds
            choice.prior = main_language(votes) or choice.prior
        todo = self.split_languages(audio, todo, choice, speakers)
        for span, _pieces in todo:
            language = span.language or "fr"
            choice.detected[language] = choice.detected.get(language, 0.0) + span.speech_seconds
        if progress:
            progress(0.5)

        def report(fraction: float) -> None:
            if progress:
                progress(0.5 + 0.5 * fraction)

        segments, retries = self.settle(audio, todo, choice, speakers=speakers, offset=offset, progress=report)
        method: TimestampMethod = "whisper"
        if segments and self.alignment_available(choice.fixed or choice.prior or "fr"):
            kept = [s for s in segments if not s.flagged]
            segments = self._align_segments(audio, kept, offset) + [s for s in segments if s.flagged]
            segments.sort(key=lambda s: (s.start, s.end))
            method = "alignment"
        return WindowResult(segments, sum(b - a for a, b in regions), len(spans), retries, choice.detected, method)

    def settle(
        self,
        audio: np.ndarray,
        todo: list[tuple[Span, list[Piece]]],
        choice: LanguageChoice,
        *,
        speakers: dict[str, list[Interval]] | None = None,
        offset: float = 0.0,
        progress: Progress | None = None,
    ) -> tuple[list[Segment], int]:
        """From decoded spans to segments: keep their good words, decode their problem areas again,
        smaller, level by level, and flag what still has no trustworthy text.

        Returns the segments (times shifted by ``offset``) and the number of retry decodings."""
        opts = self.options
        kept: list[Piece] = []
        flagged: list[Segment] = []
        retries = 0
        for depth in range(1, opts.max_depth + 2):
            children: list[Span] = []
            for span, pieces in todo:
                areas = self._keep(span, pieces, kept)
                if not areas:
                    continue
                if depth > opts.max_depth:
                    self._give_up(span, areas, pieces, flagged)
                else:
                    children += retry_spans(span, areas, opts, speakers)
            if not children:
                break
            retries += len(children)
            if depth < opts.max_depth:
                # Smaller spans, batched again; with language=auto each one's language is read again.
                for child in children:
                    child.parent_language, child.language = child.language, choice.fixed
                decoded = self.decode_batch(audio, children, choice)
            else:
                # Last level: one span at a time, with temperature fallback (what ends a loop).
                decoded = [self.decode_with_fallback(audio, child) for child in children]
            todo = list(zip(children, decoded, strict=True))
            if progress:
                progress(depth / (opts.max_depth + 1))
        segments = [_segment(p, offset) for p in sorted(kept, key=lambda p: p.start)]
        segments += [s.model_copy(update={"start": round(s.start + offset, 3), "end": round(s.end + offset, 3)})
                     for s in flagged]
        segments.sort(key=lambda s: (s.start, s.end))
        if progress:
            progress(1.0)
        return segments, retries

    def _keep(self, span: Span, pieces: list[Piece], kept: list[Piece]) -> list[Interval]:
        """Keep a decoded span's good words (where no kept word is yet); return its problem areas."""
        near = [w for p in kept if p.end >= span.start - 1 and p.start <= span.end + 1 for w in p.words]
        for p in pieces:
            if p.reason is None and p.words:
                fresh = take_new_words(near, p.words)
                if fresh:
                    kept.append(_with_words(p, fresh))
                    near += fresh
        return problem_areas(span, near, pieces, self.options)

    def _give_up(self, span: Span, areas: list[Interval], pieces: list[Piece], flagged: list[Segment]) -> None:
        """Speech with no trustworthy text after every retry: a flagged segment, unless the model
        hears the (short) span as silence, i.e. it really holds no speech."""
        opts = self.options
        silent = not any(p.text.strip() for p in pieces) and all(p.no_speech_prob > 0.6 for p in pieces)
        rejected = [p for p in pieces if p.reason]
        for a, b in areas:
            speech = sum(min(b, r1) - max(a, r0) for r0, r1 in span.regions if r1 > a and r0 < b)
            if speech < opts.inaudible_min or (silent and speech < 2 * opts.min_split):
                log.info("ASR: %.1f-%.1f s: no speech after %d retries (dropped)", a, b, span.depth)
                continue
            reason = next((p.reason for p in rejected if p.start < b and p.end > a), None)
            reason = reason or f"no trustworthy text decoded for {speech:.1f} s of speech after {span.depth} retries"
            log.warning("ASR: %.1f-%.1f s flagged inaudible (%s)", a, b, reason)
            flagged.append(Segment(start=round(a, 3), end=round(b, 3), text="", language=span.language,
                                   flagged=reason))

    def _align_segments(self, audio: np.ndarray, segs: list[Segment], offset: float) -> list[Segment]:
        """whisperX forced alignment with a wav2vec2 model from the store (``align-<lang>``)."""
        import whisperx

        language = segs[0].language or "fr"
        if language not in self._align:
            path = self.store.path(align_model_name(language))
            self._align[language] = whisperx.load_align_model(
                language_code=language, device="cpu", model_name=str(path), model_cache_only=True
            )
        model, metadata = self._align[language]
        raw = [{"text": s.text, "start": s.start - offset, "end": s.end - offset} for s in segs]
        # whisperX splits sentences with NLTK's punkt data, and downloads it when missing: give it an
        # untrained Punkt splitter instead (we only use the words), so that nothing reaches the network.
        from unittest import mock

        import whisperx.alignment
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        with mock.patch.object(whisperx.alignment, "nltk_load", lambda *_a, **_k: PunktSentenceTokenizer()):
            aligned = whisperx.align(raw, model, metadata, np.ascontiguousarray(audio, dtype=np.float32), "cpu",
                                     return_char_alignments=False)
        # whisperX re-cuts segments at sentence ends: gather its words in order and give them back to
        # our segments by time. Words it could not align (digits, symbols) keep their text and take
        # the previous word's end as their time, so the searchable text is never shortened.
        flat: list[Word] = []
        for a in aligned.get("segments", []):
            prev_end = float(a.get("start", 0.0))
            for w in a.get("words", []):
                text = str(w.get("word", "")).strip()
                if not text:
                    continue
                start = float(w["start"]) if "start" in w else prev_end
                end = float(w["end"]) if "end" in w else start
                prev_end = end
                flat.append(Word(word=text, start=round(start + offset, 3), end=round(end + offset, 3),
                                 score=round(float(w["score"]), 3) if "score" in w else None))
        for seg in segs:
            seg.words = []
        for w in flat:
            mid = (w.start + w.end) / 2

            def distance(sg: Segment, mid: float = mid) -> float:
                return 0.0 if sg.start <= mid <= sg.end else min(abs(mid - sg.start), abs(mid - sg.end))

            min(segs, key=distance).words.append(w)
        return segs


def main_language(speech_seconds: dict[str, float]) -> str | None:
    """The language most of the speech was decoded in."""
    return max(speech_seconds, key=lambda lang: speech_seconds[lang]) if speech_seconds else None


def _supported_probabilities(detection: Sequence[tuple[str, float]]) -> dict[str, float]:
    """CTranslate2's ``[("<|fr|>", p), ...]`` restricted to the supported languages, renormalised."""
    probs = {token[2:-2]: float(p) for token, p in detection if token[2:-2] in SUPPORTED_LANGUAGES}
    total = sum(probs.values())
    return {lang: p / total for lang, p in probs.items()} if total > 0 else {}


def loop_start(tokens: Sequence[str]) -> int | None:
    """Index of the first token of a decoding loop (a unit of 1 to 4 words repeated back to back:
    more than 6 times for one word, 4 times for two, 3 times for three or four), or None."""
    words = [t.lower().strip(".,;:!?…'’\"-") for t in tokens]
    for i in range(len(words)):
        for n, times in ((1, WORD_RUN_MAX + 1), (2, 4), (3, 3), (4, 3)):
            unit = words[i : i + n]
            if len(unit) < n or not all(unit):
                continue
            if all(words[i + k * n : i + (k + 1) * n] == unit for k in range(1, times)):
                return i
    return None


def _pieces(text: str, start: float, end: float, words: Sequence[dict[str, Any]], language: str,
            avg_logprob: float, no_speech_prob: float) -> list[Piece]:
    """A decoded Whisper segment as pieces: the good words, and a rejected piece where the text
    loops (from the loop's first word on) or where the whole text fails the hallucination guard."""
    text = text.strip()
    kept = [Word(word=str(w["word"]).strip(), start=round(float(w["start"]), 3), end=round(float(w["end"]), 3),
                 score=round(float(w["probability"]), 3)) for w in words if str(w["word"]).strip()]
    start, end = float(start), float(max(end, start))
    kept = _bounded_words(kept)
    loop = loop_start([w.word for w in kept])
    if loop is not None and loop >= 3:
        before, after = kept[:loop], kept[loop:]
        return [
            Piece(start, before[-1].end, " ".join(w.word for w in before), before, language, avg_logprob,
                  no_speech_prob),
            Piece(after[0].start, end, "", [], language, avg_logprob, no_speech_prob,
                  reason=f"decoding loop: a unit of words repeated back to back from {after[0].start:.1f} s"),
        ]
    reason = hallucination_reason(text) if text else None
    if reason is None and loop is not None:
        reason = "decoding loop: a unit of words repeated back to back"
    return [Piece(start, end, text, [] if reason else kept, language, float(avg_logprob), float(no_speech_prob),
                  reason)]


def _bounded_words(words: list[Word]) -> list[Word]:
    """Cross-attention word times sometimes stretch one word over a pause or a stretch the decoder
    skipped (a 9 s "reste"): such a word is cut back to ``MAX_WORD_SECONDS`` on the side away
    from its neighbour, so that it neither claims speech it does not cover (the coverage check
    then sees the gap and decodes it again) nor gives a reader a useless seek target."""
    out: list[Word] = []
    for k, w in enumerate(words):
        if w.end - w.start > MAX_WORD_SECONDS:
            next_start = words[k + 1].start if k + 1 < len(words) else None
            if next_start is not None and next_start - w.end < 0.1:
                w = w.model_copy(update={"start": round(w.end - MAX_WORD_SECONDS / 2, 3)})
            else:
                w = w.model_copy(update={"end": round(w.start + MAX_WORD_SECONDS / 2, 3)})
        out.append(w)
    return out


def _with_words(piece: Piece, words: list[Word]) -> Piece:
    return Piece(piece.start, piece.end, piece.text, words, piece.language, piece.avg_logprob,
                 piece.no_speech_prob, piece.reason)


def _segment(piece: Piece, offset: float) -> Segment:
    words = [w.model_copy(update={"start": round(w.start + offset, 3), "end": round(w.end + offset, 3)})
             for w in piece.words]
    start = min([piece.start + offset, *(w.start for w in words)])
    end = max([piece.end + offset, *(w.end for w in words)])
    text = piece.text if len(words) == len(piece.words) else " ".join(w.word for w in words)
    return Segment(start=round(start, 3), end=round(end, 3), text=text, words=words, language=piece.language)


# ---------------------------------------------------------------- one-call convenience


def transcribe_audio(
    audio: np.ndarray,
    *,
    store: ModelStore,
    language: str = "auto",
    transcriber: Transcriber | None = None,
    progress: Progress | None = None,
) -> AsrResult:
    """VAD + coverage-checked decoding of an in-memory recording (short audio; long audio goes
    through speech.py, window by window)."""
    tr = transcriber or Transcriber(store=store)
    regions = tr.speech_regions(audio)
    choice = LanguageChoice(fixed=None if language == "auto" else language)
    prob: float | None = None
    if choice.fixed is None and regions:
        choice.prior, prob = tr.detect_language(audio, regions)
    window = tr.transcribe_window(audio, regions, choice, progress=progress)
    detected = choice.fixed or main_language(window.languages) or choice.prior or "fr"
    return AsrResult(
        language=detected,
        segments=window.segments,
        timestamp_method=window.timestamp_method,
        models=tr.model_infos(window.timestamp_method, detected),
        speech_seconds=window.speech_seconds,
        language_probability=prob,
        chunks=window.spans,
        retries=window.retries,
    )
