"""Speech pipeline benchmark: per-stage real-time factors, WER, DER, naming accuracy, peak memory.

    .venv/bin/python -m benchmarks.speech                  # sample + 4 generated meetings
    .venv/bin/python -m benchmarks.speech --json out.json  # also write the rows as JSON
    .venv/bin/python -m benchmarks.speech --long           # + a 2-hour concatenation (subprocess, peak RSS)
    .venv/bin/python -m benchmarks.speech --only sample --diarization-only

Files: pyannote's 30 s sample (real speech; reference ``sample.rttm`` / ``sample.stm``) and
synthetic French and English 2- and 3-speaker meetings from :mod:`benchmarks.meetings` (seeds
different from the ones the diarization was tuned on).

Per file:

* RTF of each stage (``decode``, ``asr``, ``diarization``, ``naming``) from ``speech.run_pipeline``;
* WER (jiwer; lowercase, punctuation stripped) against the reference text;
* DER (pyannote.metrics, collar 0.25 s, overlap scored) of the diarization run **without** the
  speaker count (the pipeline runs with no metadata), and the number of speakers found;
* naming: share of words given the right participant by :func:`visio_archive.naming.name_speakers`
  with metadata derived from the reference turns, and, for comparison, by Visio's own rule (a
  whole diarized speaker goes to the participant overlapping >= 50 % of its speech).

The reference speaker of a word is the reference speaker overlapping it most (words outside every
reference turn are not scored).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.meetings import generate_meeting  # noqa: E402

SAMPLE_NAMES = ("Locuteur A", "Locuteur B", "Locuteur C")
# (language, speakers, seed): seeds 1-2 were used to tune the diarization, these are held out.
GENERATED = (("fr", 2, 11), ("fr", 3, 12), ("en", 2, 13), ("en", 3, 14))


@dataclass
class Case:
    name: str
    audio: Path
    language: str
    rttm: Path
    reference_text: str
    metadata: dict[str, Any]
    label_to_pid: dict[str, str]  # reference speaker label -> participant id


@dataclass
class Row:
    file: str
    seconds: float
    rtf: dict[str, float] = field(default_factory=dict)
    wer: float | None = None
    der: float | None = None
    speakers_ref: int = 0
    speakers_found: int = 0
    named_ok: float | None = None
    named_ok_visio_rule: float | None = None
    words_scored: int = 0
    peak_rss_mb: float | None = None
    cpu_rtf_2cores: float | None = None


# ---------------------------------------------------------------- cases


def read_rttm(path: Path) -> list[tuple[float, float, str]]:
    turns = []
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) >= 8 and parts[0] == "SPEAKER":
            start, dur = float(parts[3]), float(parts[4])
            turns.append((start, start + dur, parts[7]))
    return sorted(turns)


def metadata_from_turns(
    turns: list[tuple[float, float, str]], started_at: datetime, names: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """A Visio metadata JSON whose speech events are the reference turns (VAD-like: gaps < 0.6 s merged)."""
    ids = {label: f"p{i}-{label}" for i, label in enumerate(sorted({t[2] for t in turns}))}
    events: list[tuple[float, str, str]] = []
    for label, pid in ids.items():
        events.append((-3.0, pid, "participant_connected"))
        merged: list[list[float]] = []
        for a, b, lab in turns:
            if lab != label:
                continue
            if merged and a - merged[-1][1] < 0.6:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        for a, b in merged:
            events += [(a, pid, "speech_start"), (b, pid, "speech_end")]
    events.sort()
    meta = {
        "recording_started_at": started_at.isoformat(),
        "participants": [{"participantId": pid, "name": names.get(label, label)} for label, pid in ids.items()],
        "events": [
            {"participant_id": pid, "type": kind, "timestamp": (started_at + timedelta(seconds=t)).isoformat(),
             "data": None}
            for t, pid, kind in events
        ],
    }
    return meta, ids


def sample_case() -> Case:
    from visio_archive.samples import pyannote_sample, pyannote_sample_text

    audio = pyannote_sample()
    rttm = audio.with_suffix(".rttm")
    turns = read_rttm(rttm)
    labels = sorted({t[2] for t in turns})
    meta, ids = metadata_from_turns(turns, datetime(2026, 3, 2, 9, tzinfo=UTC),
                                    dict(zip(labels, SAMPLE_NAMES, strict=False)))
    return Case("pyannote-sample", audio, "en", rttm, pyannote_sample_text(), meta, ids)


def generated_case(work: Path, language: str, speakers: int, seed: int, seconds: float = 60.0) -> Case:
    m = generate_meeting(work, language=language, speakers=speakers, seconds=seconds, seed=seed)
    meta = json.loads(m.metadata.read_text(encoding="utf-8"))
    # The generator lists participants in speaker order (spk0, spk1, ...), then a silent observer.
    ids = {f"spk{i}": p["participantId"] for i, p in enumerate(meta["participants"][:speakers])}
    return Case(m.audio.stem, m.audio, language, m.rttm, m.text.read_text(encoding="utf-8"), meta, ids)


# ---------------------------------------------------------------- metrics


def normalise(text: str, language: str = "fr") -> str:
    """Lower case, typographic apostrophes, punctuation removed; for English, the common
    contractions expanded (jiwer's list), as Whisper's own English normaliser does."""
    import jiwer

    text = text.lower().replace("’", "'")
    if language == "en":
        text = jiwer.ExpandCommonEnglishContractions()(text)
    text = re.sub(r"[^\w\s]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def wer(reference: str, hypothesis: str, language: str = "fr") -> float:
    import jiwer

    ref, hyp = normalise(reference, language), normalise(hypothesis, language)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(ref, hyp or "<empty>"))


def der(rttm: Path, turns: list[Any]) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.metrics.diarization import DiarizationErrorRate

    ref = Annotation()
    for a, b, label in read_rttm(rttm):
        ref[Segment(a, b)] = label
    hyp = Annotation()
    for i, t in enumerate(turns):
        hyp[Segment(t.start, t.end), i] = t.label
    return float(DiarizationErrorRate(collar=0.25, skip_overlap=False)(ref, hyp))


def reference_speaker(start: float, end: float, ref: list[tuple[float, float, str]]) -> str | None:
    best, best_ov = None, 0.0
    if end - start < 0.02:
        start, end = (start + end) / 2 - 0.01, (start + end) / 2 + 0.01
    for a, b, label in ref:
        ov = min(end, b) - max(start, a)
        if ov > best_ov:
            best, best_ov = label, ov
    return best


def visio_rule_names(words: list[Any], turns: list[Any], intervals: dict[str, list[tuple[float, float]]]) -> list[
        str | None]:
    """Participant id per word by the Visio platform's rule (diarized speaker -> participant at >= 50 %)."""
    speech: dict[str, float] = defaultdict(float)
    overlap: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for t in turns:
        speech[t.label] += t.end - t.start
        for pid, ivs in intervals.items():
            for a, b in ivs:
                overlap[t.label][pid] += max(0.0, min(t.end, b) - max(t.start, a))
    mapping = {}
    for label, ov in overlap.items():
        if ov:
            pid, v = max(ov.items(), key=lambda kv: kv[1])
            if v >= 0.5 * speech[label]:
                mapping[label] = pid
    out: list[str | None] = []
    spans = [(t.start, t.end, t.label) for t in turns]
    for w in words:
        diar = reference_speaker(w.start, w.end, spans)
        out.append(mapping.get(diar) if diar else None)
    return out


# ---------------------------------------------------------------- running


def run_case(case: Case, settings: Any, store: Any, diarization_only: bool = False) -> Row:
    from visio_archive.models import MeetingMetadata
    from visio_archive.naming import name_speakers, resolve_recording_start, speech_intervals

    metadata = MeetingMetadata.model_validate(case.metadata)
    started = resolve_recording_start(metadata, None)
    if diarization_only:
        return _diarization_only(case, store)

    from visio_archive.speech import run_pipeline

    # No metadata: the diarization gets no hint (DER "without the count"); naming is rerun below.
    result = run_pipeline(case.audio, meeting_id=case.name, metadata=None, language=case.language,
                          settings=settings, store=store)
    dur = result.transcript.duration
    words = [w for s in result.transcript.segments if not s.flagged for w in s.words]
    hyp_text = " ".join(s.text for s in result.transcript.segments if not s.flagged)
    t = time.perf_counter()
    named, speakers = name_speakers(words, result.turns, metadata, started)
    naming_s = time.perf_counter() - t
    row = Row(file=case.name, seconds=round(dur, 1))
    for stage in ("decode", "asr", "diarization"):
        row.rtf[stage] = round(result.timings.get(stage, 0.0) / dur, 4)
    row.rtf["naming"] = round(naming_s / dur, 5)
    row.rtf["total"] = round(sum(row.rtf.values()), 4)
    row.wer = round(wer(case.reference_text, hyp_text, case.language), 4)
    row.der = round(der(case.rttm, result.turns), 4)
    ref = read_rttm(case.rttm)
    row.speakers_ref = len({r[2] for r in ref})
    row.speakers_found = len({t.label for t in result.turns})
    pid_of_label = {s.label: s.participant_id for s in speakers}
    intervals = speech_intervals(metadata, started, end_s=dur + 1)
    visio = visio_rule_names(words, result.turns, intervals)
    ok = ok_visio = scored = 0
    for w, v, orig in zip(named, visio, words, strict=True):
        true = reference_speaker(orig.start, orig.end, ref)
        if true is None:
            continue
        scored += 1
        ok += int(pid_of_label.get(w.speaker or "") == case.label_to_pid.get(true))
        ok_visio += int(v == case.label_to_pid.get(true))
    row.words_scored = scored
    row.named_ok = round(ok / scored, 4) if scored else None
    row.named_ok_visio_rule = round(ok_visio / scored, 4) if scored else None
    return row


def _diarization_only(case: Case, store: Any) -> Row:
    import numpy as np

    from visio_archive.audio import open_audio
    from visio_archive.diarization import diarize, load_models

    load_models(store)  # once per process, not part of the per-file cost
    t0 = time.perf_counter()
    with open_audio(case.audio, max_hours=4.0) as decoded:
        t1 = time.perf_counter()
        c1 = time.process_time()
        turns = diarize(np.asarray(decoded.samples), store=store)
        t2 = time.perf_counter()
        c2 = time.process_time()
        dur = decoded.duration
    row = Row(file=case.name, seconds=round(dur, 1))
    row.rtf = {"decode": round((t1 - t0) / dur, 4), "diarization": round((t2 - t1) / dur, 4)}
    # CPU seconds per audio second, over the 2 cores: close to the wall RTF of an unloaded machine.
    row.cpu_rtf_2cores = round((c2 - c1) / dur / 2, 4)
    row.der = round(der(case.rttm, turns), 4)
    row.speakers_ref = len({r[2] for r in read_rttm(case.rttm)})
    row.speakers_found = len({t.label for t in turns})
    return row


def long_case(work: Path, minutes: float) -> Case:
    """About `minutes` of meetings end to end (generated meetings + the sample), one Ogg/Opus file."""
    import numpy as np
    import soundfile as sf

    out = work / f"long-{int(minutes)}min.ogg"  # delete it after changing how it is built
    rttm = work / f"long-{int(minutes)}min.rttm"
    txt = work / f"long-{int(minutes)}min.txt"
    if not out.exists():
        parts, rows, texts, t = [], [], [], 0.0
        cases = [generated_case(work, lang, spk, seed) for lang, spk, seed in GENERATED]
        i = 0
        while t < minutes * 60:
            case = cases[i % len(cases)]
            data, sr = sf.read(str(case.audio.with_suffix(".wav")), dtype="float32")
            parts.append(data)
            # The generator gives speaker slot N of a language the same voice in every meeting.
            for a, b, label in read_rttm(case.rttm):
                rows.append((t + a, t + b, f"{case.language}-{label}"))
            texts.append(case.reference_text)
            t += len(data) / sr
            i += 1
        wav = work / "long.wav"
        sf.write(str(wav), np.concatenate(parts), 16000, subtype="PCM_16")
        subprocess.run(["ffmpeg", "-y", "-loglevel", "error", "-i", str(wav), "-c:a", "libopus", "-b:a", "32k",
                        str(out)], check=True)
        wav.unlink()
        rttm.write_text("".join(f"SPEAKER long 1 {a:.3f} {b - a:.3f} <NA> <NA> {lab} <NA> <NA>\n"
                                for a, b, lab in rows))
        txt.write_text("\n".join(texts))
    turns = read_rttm(rttm)
    meta, ids = metadata_from_turns(turns, datetime(2026, 3, 2, 9, tzinfo=UTC), {})
    return Case(out.stem, out, "fr", rttm, txt.read_text(), meta, ids)


def _child_long(work: Path, minutes: float, diarization_only: bool) -> None:
    """Runs inside the subprocess: prints one JSON row, with this process's peak RSS."""
    from visio_archive.modelstore import ModelStore
    from visio_archive.settings import Settings

    settings = Settings()
    store = ModelStore.from_settings(settings)
    case = long_case(work, minutes)
    row = run_case(case, settings, store, diarization_only=diarization_only)
    row.peak_rss_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("ROW " + json.dumps(asdict(row)), flush=True)


def run_long(work: Path, minutes: float, diarization_only: bool) -> Row:
    # Build the file first (outside the measured process).
    long_case(work, minutes)
    cmd = [sys.executable, "-m", "benchmarks.speech", "--child-long", str(minutes), "--work", str(work)]
    if diarization_only:
        cmd.append("--diarization-only")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith("ROW "):
            return Row(**json.loads(line[4:]))
    raise RuntimeError(f"long run failed (rc {proc.returncode}): {proc.stderr[-2000:]}")


# ---------------------------------------------------------------- output


def table(rows: list[Row]) -> str:
    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:.1f}%"

    def num(v: float | None, fmt: str = "{:.3f}") -> str:
        return "-" if v is None else fmt.format(v)

    head = ("file", "sec", "decode", "asr", "diar", "naming", "total", "WER", "DER", "spk", "named",
            "visio-rule", "peakMB", "diar-cpu/2")
    lines = [head]
    for r in rows:
        lines.append((
            r.file, f"{r.seconds:.0f}", num(r.rtf.get("decode")), num(r.rtf.get("asr")),
            num(r.rtf.get("diarization")), num(r.rtf.get("naming"), "{:.4f}"), num(r.rtf.get("total")),
            pct(r.wer), pct(r.der), f"{r.speakers_found}/{r.speakers_ref}", pct(r.named_ok),
            pct(r.named_ok_visio_rule), num(r.peak_rss_mb, "{:.0f}"), num(r.cpu_rtf_2cores),
        ))
    widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
    out = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out) + "\n(RTF columns: seconds of processing per second of audio; spk: found/reference)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / ".visio" / "bench", help="generated files go here")
    parser.add_argument("--only", action="append", help="run only files whose name contains this (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    parser.add_argument("--long", action="store_true", help="add the long concatenation (subprocess, peak RSS)")
    parser.add_argument("--long-minutes", type=float, default=120.0)
    parser.add_argument("--diarization-only", action="store_true", help="decode + diarization only (no ASR)")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the generated meetings")
    parser.add_argument("--child-long", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child_long:
        _child_long(args.work, args.child_long, args.diarization_only)
        return 0

    from visio_archive.modelstore import ModelStore
    from visio_archive.settings import Settings

    settings = Settings()
    store = ModelStore.from_settings(settings)
    cases = [sample_case()] + [generated_case(args.work, lang, spk, seed, args.seconds)
                               for lang, spk, seed in GENERATED]
    if args.only:
        cases = [c for c in cases if any(o in c.name for o in args.only)]
    rows = []
    for case in cases:
        row = run_case(case, settings, store, diarization_only=args.diarization_only)
        print(f"{row.file}: {json.dumps(asdict(row))}", file=sys.stderr, flush=True)
        rows.append(row)
    if args.long:
        rows.append(run_long(args.work, args.long_minutes, args.diarization_only))
    print(table(rows))
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
