"""What the speech pipeline keeps, against plain faster-whisper on the same files.

    .venv/bin/python -m benchmarks.coverage [--shapes committee monologue ...] [--json] [--keep DIR]

For each meeting shape of ``benchmarks/shaped_meetings.py`` (long turns with short gaps, a 60+ s
monologue, a rapid five-person exchange, overlapping speech, long noisy pauses, a French/English
meeting, a ten-turn committee), runs

* the pipeline (``visio_archive.speech.run_pipeline``: VAD, coverage-checked ASR, diarization,
  naming from the metadata, default settings: ``language=auto``), and
* plain sequential faster-whisper with the same model files (library defaults, word timestamps),

and prints per file: turns kept, speech time covered, WER, DER, words named right, both RTFs.

Definitions (the issue's): *speech covered* is the share of the reference speech time (each voice's
own signal) lying within 0.25 s of a kept (unflagged) word's timestamps; a *turn is kept* when at
least half of its speech time is covered. WER with jiwer on lower-cased text without punctuation.
DER with pyannote.metrics (collar 0.25 s), the pipeline's segments against the reference turns.
*Words named right*: kept words whose speaker name is the reference speaker at the word's middle
(either one during overlapped speech). Both sides run in this one process, one after the other
per file, so that the machine's load affects them alike.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from benchmarks.shaped_meetings import SHAPES, RefTurn, ShapedMeeting, make_meeting
from visio_archive.asr import union

TOLERANCE = 0.25


# ---------------------------------------------------------------- measures (pure functions)

Interval = tuple[float, float]


def overlap_seconds(a: list[Interval], b: list[Interval]) -> float:
    """Length of the intersection of two interval sets (each is made disjoint first)."""
    a, b = union(a), union(b)
    i = j = 0
    total = 0.0
    while i < len(a) and j < len(b):
        lo, hi = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if hi > lo:
            total += hi - lo
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return total


def covered_by(words: list[Interval], tolerance: float = TOLERANCE) -> list[Interval]:
    return union([(max(0.0, a - tolerance), b + tolerance) for a, b in words])


def speech_coverage(turns: list[RefTurn], words: list[Interval]) -> float:
    speech = union([r for t in turns for r in t.speech])
    total = sum(b - a for a, b in speech)
    return overlap_seconds(speech, covered_by(words)) / total if total else 1.0


def turns_kept(turns: list[RefTurn], words: list[Interval]) -> tuple[int, list[int]]:
    """How many turns have at least half of their speech covered, and the indexes of the others."""
    cover = covered_by(words)
    lost = [i for i, t in enumerate(turns)
            if t.speech_seconds and overlap_seconds(t.speech, cover) < 0.5 * t.speech_seconds]
    return len(turns) - len(lost), lost


def normalise(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w' -]+", " ", text)
    text = re.sub(r"(?<!\w)'|'(?!\w)", " ", text).replace("-", " ")
    return " ".join(text.split())


def wer(reference: str, hypothesis: str) -> float:
    import jiwer

    ref, hyp = normalise(reference), normalise(hypothesis)
    return float(jiwer.wer(ref, hyp)) if ref else 0.0


def words_named_right(turns: list[RefTurn], words: list[tuple[float, float, str | None]]) -> float | None:
    """Share of words (with a speaker) named as the reference speaker active at the word's middle."""
    right = judged = 0
    for a, b, name in words:
        if not name:
            continue
        mid = (a + b) / 2
        active = {t.name for t in turns for lo, hi in t.speech if lo - 0.2 <= mid <= hi + 0.2}
        if not active:
            continue
        judged += 1
        right += name in active
    return right / judged if judged else None


def der(meeting: ShapedMeeting, hypothesis: list[tuple[float, float, str]]) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    reference, hyp = Annotation(uri=meeting.shape), Annotation(uri=meeting.shape)
    for a, b, name in meeting.rttm_rows():
        reference[Segment(a, b)] = name
    for a, b, name in hypothesis:
        if b > a:
            hyp[Segment(a, b)] = name
    return float(DiarizationErrorRate(collar=TOLERANCE)(reference, hyp))


# ---------------------------------------------------------------- the two sides


@dataclass
class Side:
    turns_kept: int
    turns: int
    lost_turns: list[int]
    coverage: float
    wer: float
    rtf: float
    cpu_rtf: float  # CPU seconds / (audio seconds x threads): the RTF of an idle machine, about
    der: float | None = None
    named_right: float | None = None
    language: str | None = None
    inaudible_markers: int = 0


def run_pipeline_side(meeting: ShapedMeeting, *, with_metadata: bool = True) -> tuple[Side, Any]:
    from visio_archive.models import MeetingMetadata
    from visio_archive.settings import Settings
    from visio_archive.speech import run_pipeline

    settings = Settings()
    metadata = (MeetingMetadata.model_validate_json(meeting.metadata.read_text(encoding="utf-8"))
                if with_metadata else None)
    started, cpu = time.perf_counter(), time.process_time()
    result = run_pipeline(meeting.audio, meeting_id=meeting.shape, metadata=metadata, language=settings.language,
                          settings=settings)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    transcript = result.transcript
    names = {s.label: s.name for s in transcript.speakers}
    kept = [w for s in transcript.segments if not s.flagged for w in s.words]
    spans = [(w.start, w.end) for w in kept]
    n_kept, lost = turns_kept(meeting.turns, spans)
    hypothesis = [(s.start, s.end, names.get(s.speaker or "", s.speaker or "?")) for s in transcript.segments
                  if not s.flagged and s.speaker]
    side = Side(
        turns_kept=n_kept,
        turns=len(meeting.turns),
        lost_turns=lost,
        coverage=speech_coverage(meeting.turns, spans),
        wer=wer(" ".join(t.text for t in meeting.turns), " ".join(w.word for w in kept)),
        rtf=seconds / meeting.duration,
        cpu_rtf=cpu / meeting.duration / settings.cpu_threads,
        der=der(meeting, hypothesis),
        # Without metadata the speakers are anonymous ("Intervenant 2"): nothing to compare names with.
        named_right=words_named_right(meeting.turns, [(w.start, w.end, names.get(w.speaker or "")) for w in kept])
        if with_metadata else None,
        language=transcript.language,
        inaudible_markers=sum(1 for s in transcript.segments if s.flagged),
    )
    return side, transcript


def run_plain_side(meeting: ShapedMeeting) -> Side:
    from faster_whisper import WhisperModel

    from visio_archive.modelstore import ModelStore, whisper_model_name
    from visio_archive.settings import Settings

    settings = Settings()
    store = ModelStore.from_settings(settings)
    started, cpu = time.perf_counter(), time.process_time()
    model = WhisperModel(str(store.path(whisper_model_name(settings.whisper_model))), device="cpu",
                         compute_type=settings.compute_type, cpu_threads=settings.cpu_threads)
    segments, info = model.transcribe(str(meeting.audio), word_timestamps=True)
    words = [w for s in segments for w in (s.words or [])]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    spans = [(w.start, w.end) for w in words]
    n_kept, lost = turns_kept(meeting.turns, spans)
    return Side(
        turns_kept=n_kept,
        turns=len(meeting.turns),
        lost_turns=lost,
        coverage=speech_coverage(meeting.turns, spans),
        wer=wer(" ".join(t.text for t in meeting.turns), " ".join(w.word for w in words)),
        rtf=seconds / meeting.duration,
        cpu_rtf=cpu / meeting.duration / settings.cpu_threads,
        language=info.language,
    )


# ---------------------------------------------------------------- main


def _fmt(value: float | None, pattern: str = "{:.2f}") -> str:
    return "n/a" if value is None else pattern.format(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="write the meetings and transcripts here")
    parser.add_argument("--no-plain", action="store_true", help="skip plain faster-whisper (quicker, no comparison)")
    parser.add_argument("--no-metadata", action="store_true",
                        help="give the pipeline no metadata JSON (no speech events, anonymous speakers)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    out_dir = args.keep or Path(tempfile.mkdtemp(prefix="visio-coverage-"))
    rows: list[dict[str, Any]] = []
    for shape in args.shapes:
        meeting = make_meeting(shape, out_dir, seed=args.seed)
        print(f"[{shape}] {meeting.duration:.0f} s, {len(meeting.turns)} turns", file=sys.stderr, flush=True)
        pipeline, transcript = run_pipeline_side(meeting, with_metadata=not args.no_metadata)
        if args.keep:
            (out_dir / f"{shape}.transcript.json").write_text(transcript.model_dump_json(indent=1), encoding="utf-8")
        plain = None if args.no_plain else run_plain_side(meeting)
        rows.append({"shape": shape, "duration": meeting.duration, "pipeline": asdict(pipeline),
                     "plain": asdict(plain) if plain else None})
        print(f"  pipeline: {pipeline}", file=sys.stderr)
        if plain:
            print(f"  plain:    {plain}", file=sys.stderr)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    header = (f"{'shape':<13} {'dur':>5}  {'turns kept':>10}  {'covered':>7} {'plain':>6}  {'WER':>5} {'plain':>5}  "
              f"{'DER':>5}  {'named':>6}  {'lang':>4}  {'inaud':>5}  {'RTF':>5} {'plain':>5}  "
              f"{'cpuRTF':>6} {'plain':>5}")
    print(header)
    print("-" * len(header))
    for row in rows:
        p, f = row["pipeline"], row["plain"] or {}
        print(
            f"{row['shape']:<13} {row['duration']:>5.0f}  {p['turns_kept']:>4} of {p['turns']:<3}  "
            f"{p['coverage']:>7.2f} {_fmt(f.get('coverage')):>6}  {p['wer']:>5.2f} {_fmt(f.get('wer')):>5}  "
            f"{_fmt(p['der'], '{:.1%}'):>5}  {_fmt(p['named_right'], '{:.1%}'):>6}  {p['language']:>4}  "
            f"{p['inaudible_markers']:>5}  {p['rtf']:>5.2f} {_fmt(f.get('rtf')):>5}  {p['cpu_rtf']:>6.2f} "
            f"{_fmt(f.get('cpu_rtf')):>5}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
