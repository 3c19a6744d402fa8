"""One recording -> a full ``Transcript``: decode, VAD + ASR, diarization, naming.

``transcribe_recording`` is what the flows call. Memory stays bounded on long recordings: the audio
is decoded once into a memory-mapped temp file and ASR runs window by window (10 min by default),
each window's cut placed in a pause found by the VAD so that no word is split between windows.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from visio_archive.audio import NoSpeechFound, check_not_silent, no_speech, open_audio
from visio_archive.models import (
    MeetingMetadata,
    ModelInfo,
    Segment,
    Speaker,
    SpeakerTurn,
    TimestampMethod,
    Transcript,
    Word,
)
from visio_archive.modelstore import ModelStore
from visio_archive.progress import Progress, safe_progress
from visio_archive.subtitles import join_words

log = logging.getLogger(__name__)

# Progress stages: "decode", "asr", "diarization", "naming".

WINDOW_SECONDS = 10 * 60.0  # VAD memory grows with the window (about 1 GB at 20 min)
WINDOW_MARGIN = 60.0      # audio read past a window's end so that its last VAD chunk is whole
MAX_SEGMENT_SECONDS = 30.0
SENTENCE_SPLIT_SECONDS = 10.0
PAUSE_SPLIT_SECONDS = 2.0
_SENTENCE_END = (".", "?", "!", "…")


@dataclass
class SpeechResult:
    transcript: Transcript
    turns: list[SpeakerTurn] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------- speakers on words and segments


def speaking_participants(metadata: MeetingMetadata | None) -> int | None:
    """Hint for diarization: participants with speech events, else all participants, else None."""
    if metadata is None:
        return None
    try:
        from visio_archive.naming import speaking_participants as from_naming
    except ImportError:
        pass
    else:
        return from_naming(metadata) or (len(metadata.participants) or None)
    spoke = {e.participant_id for e in metadata.events if e.type in ("speech_start", "speech_end")}
    if spoke:
        return len(spoke)
    return len(metadata.participants) or None


def assign_by_overlap(words: list[Word], turns: list[SpeakerTurn]) -> list[Word]:
    """Fallback naming: each word gets the turn label it overlaps most (nearest turn if none)."""
    out = []
    ordered = sorted(turns, key=lambda t: t.start)
    for w in words:
        best, best_ov = None, 0.0
        for t in ordered:
            if t.start > w.end:
                break
            ov = min(w.end, t.end) - max(w.start, t.start)
            if ov > best_ov:
                best, best_ov = t.label, ov
        if best is None and ordered:
            mid = (w.start + w.end) / 2
            best = min(ordered, key=lambda t: min(abs(mid - t.start), abs(mid - t.end))).label
        out.append(w.model_copy(update={"speaker": best}))
    return out


def fallback_speakers(words: list[Word]) -> list[Speaker]:
    labels: list[str] = []
    for w in words:
        if w.speaker and w.speaker not in labels:
            labels.append(w.speaker)
    return [Speaker(label=lab, name=f"Intervenant {i}") for i, lab in enumerate(labels, start=1)]


def build_segments(words: list[Word]) -> list[Segment]:
    """Cut a stream of words into segments: one speaker each, split at long pauses and sentence ends."""
    segments: list[Segment] = []
    cur: list[Word] = []
    cur_speaker: str | None = None

    def flush() -> None:
        nonlocal cur, cur_speaker
        if cur:
            named = Counter(w.speaker for w in cur if w.speaker)
            speaker = named.most_common(1)[0][0] if named else None
            segments.append(
                Segment(
                    start=cur[0].start,
                    end=max(w.end for w in cur),
                    text=join_words([w.word for w in cur]),
                    speaker=speaker,
                    words=list(cur),
                )
            )
        cur, cur_speaker = [], None

    for w in words:
        if cur:
            gap = w.start - cur[-1].end
            length = w.end - cur[0].start
            ended = cur[-1].word.rstrip("\"'»”)").endswith(_SENTENCE_END)
            if (
                (w.speaker and cur_speaker and w.speaker != cur_speaker)
                or gap >= PAUSE_SPLIT_SECONDS
                or length > MAX_SEGMENT_SECONDS
                or (ended and w.start - cur[0].start >= SENTENCE_SPLIT_SECONDS)
            ):
                flush()
        cur.append(w)
        if w.speaker and cur_speaker is None:
            cur_speaker = w.speaker
    flush()
    return segments


# ---------------------------------------------------------------- the pipeline


def _diarize(audio: Any, store: ModelStore, hint: int | None, report: Progress) -> list[SpeakerTurn]:
    from visio_archive.diarization import diarize

    def cb(_stage: str, fraction: float) -> None:
        report("diarization", fraction)

    return diarize(audio, store=store, num_speakers_hint=hint, progress=cb)


def _name(
    words: list[Word],
    turns: list[SpeakerTurn],
    metadata: MeetingMetadata | None,
    started_at: datetime | None,
) -> tuple[list[Word], list[Speaker]]:
    try:
        from visio_archive.naming import name_speakers
    except ImportError:
        log.warning("visio_archive.naming is not available: speakers get anonymous names")
        if not turns:
            return words, []
        named = assign_by_overlap(words, turns)
        return named, fallback_speakers(named)
    return name_speakers(words, turns, metadata, started_at)


def _recording_start(metadata: MeetingMetadata | None, given: datetime | None) -> datetime | None:
    if given is not None:
        return given
    if metadata is None:
        return None
    try:
        from visio_archive.naming import resolve_recording_start
    except ImportError:
        return metadata.recording_started_at
    return resolve_recording_start(metadata, None)


def run_pipeline(
    path: Path | str,
    *,
    meeting_id: str,
    metadata: MeetingMetadata | None,
    language: str,
    settings: Any,
    recording_started_at: datetime | None = None,
    progress: Progress | None = None,
    store: ModelStore | None = None,
    transcriber: Any = None,
    diarization: bool = True,
    window_seconds: float = WINDOW_SECONDS,
) -> SpeechResult:
    """The whole speech pipeline; returns the transcript plus the diarization turns and timings."""
    from visio_archive.asr import SUPPORTED_LANGUAGES, Transcriber

    if language not in (*SUPPORTED_LANGUAGES, "auto"):
        raise ValueError(f"language must be one of {', '.join(SUPPORTED_LANGUAGES)} or auto, not {language!r}")
    store = store or ModelStore.from_settings(settings)
    timings: dict[str, float] = {}
    report = safe_progress(progress)
    t0 = time.perf_counter()
    report("decode", 0.0)
    decoded = open_audio(path, max_hours=settings.max_audio_hours)
    with decoded:
        warnings = list(decoded.warnings)
        duration = decoded.duration
        check_not_silent(decoded.samples, path)
        decoded.release_pages()
        timings["decode"] = time.perf_counter() - t0
        report("decode", 1.0)

        # ---------------------------------------------------- VAD + ASR, window by window
        t1 = time.perf_counter()
        report("asr", 0.0)
        own_transcriber = transcriber is None
        tr = transcriber or Transcriber.from_settings(settings, store=store)
        tr.load()
        lang: str | None = None if language == "auto" else language
        segments: list[Segment] = []
        method: TimestampMethod = "whisper"
        speech_seconds = 0.0
        a = 0.0
        while a < duration - 0.05:
            b = min(duration, a + window_seconds)
            last = b >= duration
            slice_end = duration if last else min(duration, b + WINDOW_MARGIN)
            window = decoded.window(a, slice_end)
            chunks = tr.vad(window)
            if not last:
                chunks = [c for c in chunks if c.start < b - a]
            if chunks and lang is None:
                lang, _prob = tr.detect_language(window, chunks)
            if chunks:
                assert lang is not None
                def asr_progress(f: float, a: float = a, b: float = b) -> None:
                    report("asr", min(1.0, (a + f * (b - a)) / duration))

                segs, method = tr.transcribe_chunks(window, chunks, lang, offset=a, progress=asr_progress)
                segments.extend(segs)
                speech_seconds += sum(c.end - c.start for c in chunks)
            next_a = a + chunks[-1].end if (chunks and not last) else b
            a = max(next_a, a + 1.0)
            del window
            decoded.release_pages()
            report("asr", min(1.0, a / duration))
        if speech_seconds == 0.0 or lang is None:
            raise no_speech(path)
        models: list[ModelInfo] = tr.model_infos(method, lang)
        if own_transcriber:
            del tr  # free the ASR model before diarization loads its own
        timings["asr"] = time.perf_counter() - t1
        report("asr", 1.0)

        # ---------------------------------------------------- diarization
        t2 = time.perf_counter()
        turns: list[SpeakerTurn] = []
        if diarization:
            report("diarization", 0.0)
            try:
                turns = _diarize(decoded.samples, store, speaking_participants(metadata), report)
                models += [store.info("pyannote-segmentation", "segmentation"),
                           store.info("resemblyzer-encoder", "embedding")]
            except ImportError as exc:
                warnings.append(f"diarization unavailable ({exc}); segments have no speaker")
                log.warning("diarization unavailable: %s", exc)
        timings["diarization"] = time.perf_counter() - t2
        report("diarization", 1.0)

    # -------------------------------------------------------- naming and segments
    t3 = time.perf_counter()
    report("naming", 0.0)
    started_at = _recording_start(metadata, recording_started_at)
    words = [w for s in segments if not s.flagged for w in s.words]
    speakers: list[Speaker] = []
    if words and (turns or metadata is not None):
        words, speakers = _name(words, turns, metadata, started_at)
    out_segments = build_segments(words)
    # Flagged segments stay in the transcript (for review) but carry no searchable words.
    out_segments += [s for s in segments if s.flagged]
    if not any(s.words for s in segments) and not any(s.flagged for s in segments):
        # Word timestamps disabled: keep the ASR segments as they are.
        out_segments = segments
    out_segments.sort(key=lambda s: (s.start, s.end))
    if not out_segments:
        raise NoSpeechFound(f"{path}: speech was detected but nothing intelligible was transcribed")
    timings["naming"] = time.perf_counter() - t3
    report("naming", 1.0)
    timings["total"] = time.perf_counter() - t0

    transcript = Transcript(
        meeting_id=meeting_id,
        language=lang,
        duration=round(duration, 3),
        started_at=started_at,
        title=metadata.title if metadata else None,
        models=models,
        timestamp_method=method,
        speakers=speakers,
        segments=out_segments,
    )
    return SpeechResult(transcript=transcript, turns=turns, warnings=warnings, timings=timings)


def transcribe_recording(
    path: Path | str,
    *,
    meeting_id: str,
    metadata: MeetingMetadata | None,
    language: str,
    settings: Any,
    recording_started_at: datetime | None = None,
    progress: Progress | None = None,
) -> Transcript:
    """Decode, transcribe, diarize and name one recording. Raises ``AudioError`` / ``ModelStoreError``."""
    return run_pipeline(
        path,
        meeting_id=meeting_id,
        metadata=metadata,
        language=language,
        settings=settings,
        recording_started_at=recording_started_at,
        progress=progress,
    ).transcript
