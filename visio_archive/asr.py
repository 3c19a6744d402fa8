"""Speech recognition: whisperX's pyannote VAD cut + faster-whisper batched decoding, on CPU.

The chosen configuration (see ``benchmarks/asr_tuning.py`` and docs/models.md):

* VAD: whisperX's pyannote segmentation checkpoint (model store ``pyannote-segmentation``), speech
  regions merged into chunks of at most 30 s (whisperX's "VAD cut & merge").
* Decoding: faster-whisper's ``BatchedInferencePipeline`` on those chunks, int8, beam 5, text-only
  tokens (whisperX's settings), ``cpu_threads`` from the settings.
* Word timestamps: whisperX alignment when an ``align-<lang>`` model is in the store, else
  faster-whisper's cross-attention DTW (``word_timestamps=True``, no extra weights).
* Hallucination guard: a segment whose text compresses too well or loops on an n-gram is flagged
  and its words are not emitted as searchable text.

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
from typing import Any

import numpy as np

from visio_archive.audio import SAMPLE_RATE
from visio_archive.models import ModelInfo, Segment, TimestampMethod, Word
from visio_archive.modelstore import ModelStore, align_model_name, whisper_model_name

log = logging.getLogger(__name__)

SUPPORTED_LANGUAGES = ("fr", "en")

# Progress callback: fraction done in [0, 1] of the current call.
Progress = Callable[[float], None]


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
    """Why this text looks like a decoding loop, or None. Pure function of the text."""
    tokens = _tokens(text)
    run = 1
    for prev, cur in pairwise(tokens):
        run = run + 1 if cur == prev else 1
        if run > WORD_RUN_MAX:
            return f"repeated word: {cur!r} more than {WORD_RUN_MAX} times in a row"
    if len(tokens) >= NGRAM_N * NGRAM_REPEAT_MIN:
        grams = Counter(tuple(tokens[i : i + NGRAM_N]) for i in range(len(tokens) - NGRAM_N + 1))
        gram, count = grams.most_common(1)[0]
        if count >= NGRAM_REPEAT_MIN and count * NGRAM_N / len(tokens) >= NGRAM_COVERAGE_MIN:
            return f"repeated phrase: {' '.join(gram)!r} {count} times"
    ratio = compression_ratio(text)
    if ratio > COMPRESSION_RATIO_MAX:
        return f"compression ratio {ratio:.2f} > {COMPRESSION_RATIO_MAX}"
    return None


# ---------------------------------------------------------------- options and results


@dataclass(frozen=True)
class AsrOptions:
    beam_size: int = 5
    batch_size: int = 8
    chunk_size: float = 30.0       # VAD regions are merged into chunks up to this length
    vad_onset: float = 0.5
    vad_offset: float = 0.363
    word_timestamps: bool = True   # DTW word times when no alignment model is in the store
    use_alignment: bool = True     # use align-<lang> from the store when present


@dataclass
class AsrResult:
    language: str
    segments: list[Segment]
    timestamp_method: TimestampMethod
    models: list[ModelInfo]
    speech_seconds: float = 0.0
    language_probability: float | None = None
    chunks: int = 0


@dataclass
class SpeechChunk:
    start: float  # seconds, relative to the audio given to ``vad``
    end: float


@dataclass
class Transcriber:
    """Holds the loaded models; reuse one instance for every window of a recording."""

    store: ModelStore
    whisper_name: str = "whisper-base"
    compute_type: str = "int8"
    cpu_threads: int = 2
    options: AsrOptions = field(default_factory=AsrOptions)
    _model: Any = None
    _pipeline: Any = None
    _vad: Any = None
    _align: dict[str, Any] = field(default_factory=dict)

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
        from faster_whisper import BatchedInferencePipeline, WhisperModel
        from whisperx.vads import Pyannote

        torch.set_num_threads(self.cpu_threads)
        model_dir = self.store.path(self.whisper_name)
        seg_dir = self.store.path("pyannote-segmentation")
        self._model = WhisperModel(
            str(model_dir),
            device="cpu",
            compute_type=self.compute_type,
            cpu_threads=self.cpu_threads,
            num_workers=1,
            local_files_only=True,
        )
        self._pipeline = BatchedInferencePipeline(self._model)
        logging.getLogger("whisperx").setLevel(logging.WARNING)
        # The bundled checkpoint predates Lightning 2; its in-memory upgrade notice is noise.
        for name in ("lightning.pytorch.utilities.migration.utils", "pytorch_lightning.utilities.migration.utils"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._vad = Pyannote(
            torch.device("cpu"),
            model_fp=str(seg_dir / "pytorch_model.bin"),
            vad_onset=self.options.vad_onset,
            vad_offset=self.options.vad_offset,
            chunk_size=self.options.chunk_size,
        )

    def model_infos(self, timestamp_method: TimestampMethod, language: str) -> list[ModelInfo]:
        infos = [
            self.store.info(self.whisper_name, "asr"),
            self.store.info("pyannote-segmentation", "vad"),
        ]
        if timestamp_method == "alignment":
            infos.append(self.store.info(align_model_name(language), "alignment"))
        return infos

    # ------------------------------------------------------------ stages
    def vad(self, audio: np.ndarray) -> list[SpeechChunk]:
        """Speech regions of ``audio``, merged into chunks of at most ``chunk_size`` seconds."""
        import torch
        from whisperx.vads import Pyannote

        self.load()
        if len(audio) < SAMPLE_RATE // 10:
            return []
        waveform = torch.from_numpy(np.ascontiguousarray(audio, dtype=np.float32)).unsqueeze(0)
        scores = self._vad({"waveform": waveform, "sample_rate": SAMPLE_RATE})
        merged = Pyannote.merge_chunks(
            scores, self.options.chunk_size, onset=self.options.vad_onset, offset=self.options.vad_offset
        )
        return [SpeechChunk(float(m["start"]), float(m["end"])) for m in merged if m["end"] > m["start"]]

    def detect_language(self, audio: np.ndarray, chunks: Sequence[SpeechChunk]) -> tuple[str, float]:
        """Language of the first 30 s of speech, restricted to the supported languages."""
        self.load()
        pieces: list[np.ndarray] = []
        total = 0
        for c in chunks:
            piece = audio[int(c.start * SAMPLE_RATE) : int(c.end * SAMPLE_RATE)]
            pieces.append(piece)
            total += len(piece)
            if total >= 30 * SAMPLE_RATE:
                break
        sample = np.concatenate(pieces) if pieces else audio[: 30 * SAMPLE_RATE]
        _lang, _prob, all_probs = self._model.detect_language(audio=sample.astype(np.float32))
        probs = dict(all_probs)
        best = max(SUPPORTED_LANGUAGES, key=lambda lang: probs.get(lang, 0.0))
        return best, float(probs.get(best, 0.0))

    def alignment_available(self, language: str) -> bool:
        return self.options.use_alignment and self.store.has(align_model_name(language))

    def transcribe_chunks(
        self,
        audio: np.ndarray,
        chunks: Sequence[SpeechChunk],
        language: str,
        *,
        offset: float = 0.0,
        progress: Progress | None = None,
    ) -> tuple[list[Segment], TimestampMethod]:
        """Decode the given chunks of ``audio``; times in the result are shifted by ``offset``."""
        self.load()
        if not chunks:
            return [], "whisper"
        align = self.alignment_available(language)
        clips = [{"start": c.start, "end": c.end} for c in chunks]
        segments_iter, _info = self._pipeline.transcribe(
            np.ascontiguousarray(audio, dtype=np.float32),
            language=language,
            clip_timestamps=clips,
            vad_filter=False,
            beam_size=self.options.beam_size,
            batch_size=self.options.batch_size,
            without_timestamps=True,
            word_timestamps=self.options.word_timestamps and not align,
        )
        out: list[Segment] = []
        raw: list[dict[str, Any]] = []
        n = max(1, len(chunks))
        done_chunks = 0
        for s in segments_iter:
            text = s.text.strip()
            if not text:
                continue
            reason = hallucination_reason(text)
            if reason is None and s.no_speech_prob > 0.6 and s.avg_logprob < -1.0:
                reason = f"no speech (no_speech_prob {s.no_speech_prob:.2f}, avg_logprob {s.avg_logprob:.2f})"
            words = [
                Word(word=w.word.strip(), start=round(w.start + offset, 3), end=round(w.end + offset, 3),
                     score=round(float(w.probability), 3))
                for w in (s.words or [])
                if w.word.strip()
            ]
            seg = Segment(
                start=round(s.start + offset, 3), end=round(s.end + offset, 3), text=text,
                words=[] if reason else words, flagged=reason,
            )
            if reason:
                log.warning("ASR segment %.1f-%.1f s flagged (%s): %r", seg.start, seg.end, reason, text[:120])
            out.append(seg)
            raw.append({"text": text, "start": s.start, "end": s.end})
            done_chunks += 1
            if progress:
                progress(min(1.0, done_chunks / n))
        method: TimestampMethod = "whisper"
        if align and out:
            out = self._align_segments(audio, out, raw, language, offset)
            method = "alignment"
        return out, method

    def _align_segments(
        self, audio: np.ndarray, segs: list[Segment], raw: list[dict[str, Any]], language: str, offset: float
    ) -> list[Segment]:
        """whisperX forced alignment with a wav2vec2 model from the store (``align-<lang>``)."""
        import whisperx

        if language not in self._align:
            path = self.store.path(align_model_name(language))
            self._align[language] = whisperx.load_align_model(
                language_code=language, device="cpu", model_name=str(path), model_cache_only=True
            )
        model, metadata = self._align[language]
        keep = [(seg, r) for seg, r in zip(segs, raw, strict=True) if not seg.flagged]
        # whisperX splits sentences with NLTK's punkt data, and downloads it when missing: give it an
        # untrained Punkt splitter instead (we only use the words), so that nothing reaches the network.
        from unittest import mock

        import whisperx.alignment
        from nltk.tokenize.punkt import PunktSentenceTokenizer

        with mock.patch.object(whisperx.alignment, "nltk_load", lambda *_a, **_k: PunktSentenceTokenizer()):
            aligned = whisperx.align(
                [r for _, r in keep], model, metadata, np.ascontiguousarray(audio, dtype=np.float32), "cpu",
                return_char_alignments=False,
            )
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
                flat.append(
                    Word(word=text, start=round(start + offset, 3), end=round(end + offset, 3),
                         score=round(float(w["score"]), 3) if "score" in w else None)
                )
        kept = [seg for seg, _ in keep]
        for seg in kept:
            seg.words = []
        for w in flat:
            mid = (w.start + w.end) / 2

            def distance(sg: Segment, mid: float = mid) -> float:
                return 0.0 if sg.start <= mid <= sg.end else min(abs(mid - sg.start), abs(mid - sg.end))

            min(kept, key=distance).words.append(w)
        return segs


# ---------------------------------------------------------------- one-call convenience


def transcribe_audio(
    audio: np.ndarray,
    *,
    store: ModelStore,
    language: str = "fr",
    transcriber: Transcriber | None = None,
    progress: Progress | None = None,
) -> AsrResult:
    """VAD + decoding of an in-memory recording (short audio; long audio goes through speech.py)."""
    tr = transcriber or Transcriber(store=store)
    chunks = tr.vad(audio)
    prob: float | None = None
    if language == "auto":
        language, prob = tr.detect_language(audio, chunks)
    segments, method = tr.transcribe_chunks(audio, chunks, language, progress=progress)
    return AsrResult(
        language=language,
        segments=segments,
        timestamp_method=method,
        models=tr.model_infos(method, language),
        speech_seconds=sum(c.end - c.start for c in chunks),
        language_probability=prob,
        chunks=len(chunks),
    )
