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

from visio_archive import naming
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


class DiarizationFailed(RuntimeError):
    """Diarization ran but gave nothing usable: the recording fails (retried, then reported)."""


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
    return naming.speaking_participants(metadata) or (len(metadata.participants) or None)


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


def _recording_start(metadata: MeetingMetadata | None, given: datetime | None) -> datetime | None:
    if given is not None:
        return given
    return naming.resolve_recording_start(metadata, None) if metadata is not None else None


def recording_language(setting: str, metadata: MeetingMetadata | None) -> str:
    """The language to transcribe in: the meeting's own (metadata ``language``, as chosen in Visio)
    over the setting; ``auto`` (the default) detects it per recording and per stretch of speech."""
    from visio_archive.asr import SUPPORTED_LANGUAGES

    chosen = ((metadata.language if metadata is not None else None) or setting).strip().lower()
    if chosen != "auto":
        chosen = chosen[:2]
    if chosen not in (*SUPPORTED_LANGUAGES, "auto"):
        raise ValueError(f"language must be one of {', '.join(SUPPORTED_LANGUAGES)} or auto, not {chosen!r}")
    return chosen


def with_languages(built: list[Segment], decoded: list[Segment], default: str) -> list[Segment]:
    """Each built segment takes the language its words were decoded in (the stretch it overlaps most)."""
    spans = [(s.start, s.end, s.language or default) for s in decoded if not s.flagged]
    out = []
    for seg in built:
        votes: dict[str, float] = {}
        for a, b, lang in spans:
            overlap = min(seg.end, b) - max(seg.start, a)
            if overlap > 0:
                votes[lang] = votes.get(lang, 0.0) + overlap
        out.append(seg.model_copy(update={"language": max(votes, key=lambda k: votes[k]) if votes else default}))
    return out


def name_flagged(flagged: list[Segment], words: list[Word]) -> list[Segment]:
    """An inaudible span still says who was speaking when the named words around it agree: the
    marker is then shown in that speaker's turn."""
    out = []
    for seg in flagged:
        mid, half = (seg.start + seg.end) / 2, (seg.end - seg.start) / 2
        near = [w.speaker for w in words if w.speaker and abs((w.start + w.end) / 2 - mid) <= half + 3.0]
        counts = Counter(near).most_common(2)
        sure = counts and (len(counts) == 1 or counts[0][1] >= 3 * counts[1][1])
        out.append(seg.model_copy(update={"speaker": counts[0][0] if sure else None}))
    return out


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
    from visio_archive.asr import LanguageChoice, Transcriber, main_language

    language = recording_language(language, metadata)
    store = store or ModelStore.from_settings(settings)
    timings: dict[str, float] = {}
    report = safe_progress(progress)
    t0 = time.perf_counter()
    report("decode", 0.0)
    decoded = open_audio(path, max_hours=settings.max_audio_hours)
    started_at = _recording_start(metadata, recording_started_at)
    with decoded:
        warnings = list(decoded.warnings)
        duration = decoded.duration
        check_not_silent(decoded.samples, path)
        decoded.release_pages()
        timings["decode"] = time.perf_counter() - t0
        report("decode", 1.0)
        # Who spoke when, from the Visio metadata: ASR spans then hold one voice each.
        speakers = naming.speech_intervals(metadata, started_at, duration) if metadata is not None else {}

        # ---------------------------------------------------- VAD + ASR, window by window
        t1 = time.perf_counter()
        report("asr", 0.0)
        own_transcriber = transcriber is None
        tr = transcriber or Transcriber.from_settings(settings, store=store)
        tr.load()
        fixed = None if language == "auto" else language
        languages: dict[str, float] = {}
        segments: list[Segment] = []
        method: TimestampMethod = "whisper"
        speech_seconds = 0.0
        retries = 0
        a = 0.0
        while a < duration - 0.05:
            b = min(duration, a + window_seconds)
            last = b >= duration
            slice_end = duration if last else min(duration, b + WINDOW_MARGIN)
            window = decoded.window(a, slice_end)
            regions = tr.speech_regions(window)
            if not last:
                regions = [r for r in regions if r[0] < b - a]
            if regions:
                # The language is detected again in every window, so that a meeting that changes
                # language is followed; inside a window a span may still leave it (asr.LanguageChoice).
                choice = LanguageChoice(fixed=fixed)
                if fixed is None:
                    choice.prior, _probability = tr.detect_language(window, regions)

                def asr_progress(f: float, a: float = a, b: float = b) -> None:
                    report("asr", min(1.0, (a + f * (b - a)) / duration))

                local = {pid: [(lo - a, hi - a) for lo, hi in ivs if hi > a and lo < slice_end]
                         for pid, ivs in speakers.items()}
                result = tr.transcribe_window(window, regions, choice, speakers=local, offset=a,
                                              progress=asr_progress)
                segments.extend(result.segments)
                method = result.timestamp_method
                speech_seconds += result.speech_seconds
                retries += result.retries
            next_a = a + regions[-1][1] if (regions and not last) else b
            a = max(next_a, a + 1.0)
            del window
            decoded.release_pages()
            report("asr", min(1.0, a / duration))
        # The recording's language: the one most of its transcribed speech was decoded in.
        for seg in segments:
            if seg.words and seg.language:
                languages[seg.language] = languages.get(seg.language, 0.0) + sum(w.end - w.start for w in seg.words)
        lang = fixed or main_language(languages)
        if speech_seconds == 0.0 or lang is None:
            raise no_speech(path)
        models: list[ModelInfo] = tr.model_infos(method, lang)
        if own_transcriber:
            del tr  # free the ASR model before diarization loads its own
        timings["asr"] = time.perf_counter() - t1
        timings["asr_retries"] = float(retries)
        report("asr", 1.0)

        # ---------------------------------------------------- diarization
        # Diarization that cannot run fails the recording (the flow retries, then reports it): a
        # transcript without speakers is never stored as done.
        t2 = time.perf_counter()
        turns: list[SpeakerTurn] = []
        if diarization:
            report("diarization", 0.0)
            turns = _diarize(decoded.samples, store, speaking_participants(metadata), report)
            if not turns:
                raise DiarizationFailed(f"{path}: diarization found no speaker in speech that ASR transcribed")
            models += [store.info("pyannote-segmentation", "segmentation"),
                       store.info("resemblyzer-encoder", "embedding")]
        timings["diarization"] = time.perf_counter() - t2
        report("diarization", 1.0)

    # -------------------------------------------------------- naming and segments
    t3 = time.perf_counter()
    report("naming", 0.0)
    words = [w for s in segments if not s.flagged for w in s.words]
    speaker_list: list[Speaker] = []
    if words and (turns or metadata is not None):
        words, speaker_list = naming.name_speakers(words, turns, metadata, started_at)
    out_segments = with_languages(build_segments(words), segments, lang)
    # Spans without trustworthy text stay in the transcript as flagged segments: readers show an
    # "inaudible" marker there, in the turn of whoever was speaking.
    out_segments += name_flagged([s for s in segments if s.flagged], words)
    out_segments.sort(key=lambda s: (s.start, s.end))
    if not any(s.words for s in out_segments):
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
        speakers=speaker_list,
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
