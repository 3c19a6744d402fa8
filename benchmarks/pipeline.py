"""End-to-end cost of the nightly pipeline against bare faster-whisper, on one generated meeting.

    .venv/bin/python -m benchmarks.pipeline [--minutes 10] [--language fr] [--json]

Needs the services (`visio-archive services up`) and the model store. Prints:
- the pipeline's real-time factor: wall time of one `process-recording` flow run (fetch from S3,
  decode, VAD + ASR, diarization, naming, redaction, redacted audio, artifacts, indexing, ledger)
  divided by the audio's duration, and its peak RSS;
- bare faster-whisper's real-time factor on the same file with the same model and compute type
  (library defaults otherwise: beam 5, no VAD, sequential, condition on previous text; word
  timestamps on, so that what it keeps can be measured), and its peak RSS;
- their ratio. Targets (2 cores, whisper base): RTF <= 0.30, ratio <= 1.6;
- beside the speed, what each side kept (``benchmarks.coverage``'s measures against the meeting's
  reference speech regions): the share of speech time within 0.25 s of a kept word, and the turns
  (a speaker's regions less than 1 s apart) with at least half of their speech covered.

Each side runs in a fresh subprocess, so that model loading is counted and peak RSS is its own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # ffmpeg/ffprobe
    return max(own, children) / 1024


def run_bare(audio: str, language: str) -> dict[str, float]:
    from faster_whisper import WhisperModel

    from visio_archive.modelstore import ModelStore, whisper_model_name
    from visio_archive.settings import get_settings

    settings = get_settings()
    store = ModelStore.from_settings(settings)
    start = time.perf_counter()
    model = WhisperModel(
        str(store.path(whisper_model_name(settings.whisper_model))),
        device="cpu",
        compute_type=settings.compute_type,
        cpu_threads=settings.cpu_threads,
    )
    segments, info = model.transcribe(audio, word_timestamps=True)  # the language is detected, as by default
    words = [(w.start, w.end) for segment in segments for w in (segment.words or [])]  # the generator works
    return {
        "seconds": time.perf_counter() - start,
        "duration": info.duration,
        "words": words,
        "peak_rss_mb": _peak_rss_mb(),
    }


def run_pipeline(audio: str, metadata: str, language: str) -> dict[str, Any]:
    # Default settings: the language is detected (language=auto), as in the nightly flow.
    from flows.pipeline import process_recording
    from visio_archive.archive import read_full, read_redacted
    from visio_archive.settings import get_settings
    from visio_archive.storage import Storage

    settings = get_settings()
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    recording_id = f"bench-{uuid.uuid4().hex[:8]}"
    ref = storage.put_recording(audio, recording_id, metadata=metadata)
    start = time.perf_counter()
    outcome = process_recording(ref)
    seconds = time.perf_counter() - start
    redacted = read_redacted(storage, recording_id)
    full = read_full(storage, recording_id)
    return {
        "words": [(w.start, w.end) for segment in full.segments if not segment.flagged for w in segment.words],
        "inaudible": sum(1 for segment in full.segments if segment.flagged),
        "seconds": seconds,
        "duration": redacted.duration,
        "outcome": outcome,
        "segments": len(redacted.segments),
        "peak_rss_mb": _peak_rss_mb(),
    }


def reference_turns(rttm: Path) -> list[Any]:
    """The meeting's reference speech regions, grouped into turns (one speaker, gaps under 1 s)."""
    from benchmarks.shaped_meetings import RefTurn

    rows = sorted((float(p[3]), float(p[3]) + float(p[4]), p[7]) for p in
                  (line.split() for line in rttm.read_text().splitlines()) if p and p[0] == "SPEAKER")
    turns: list[RefTurn] = []
    for a, b, who in rows:
        last = turns[-1] if turns else None
        if last is not None and last.name == who and a - last.end < 1.0:
            last.end = b
            last.speech.append((a, b))
        else:
            turns.append(RefTurn(0, who, a, b, "", "", [(a, b)]))
    return turns


def _in_subprocess(mode: str, *args: str, env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-m", "benchmarks.pipeline", "--child", mode, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"{mode} run failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--language", default="fr", choices=["fr", "en"])
    parser.add_argument("--speakers", type=int, default=2)
    parser.add_argument("--workdir", default=str(ROOT / "benchmarks" / "out"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        mode, *rest = args.child
        answer = run_bare(rest[0], rest[1]) if mode == "bare" else run_pipeline(rest[0], rest[1], rest[2])
        print(json.dumps(answer))
        return

    from benchmarks.meetings import generate_meeting

    workdir = Path(args.workdir)
    name = f"pipeline-{args.language}-{args.speakers}spk-{int(args.minutes * 60)}s"
    audio, metadata = workdir / f"{name}.ogg", workdir / f"{name}-metadata.json"
    if not audio.exists():
        print(f"generating a {args.minutes:g}-minute {args.language} meeting…", file=sys.stderr)
        generate_meeting(
            workdir, language=args.language, speakers=args.speakers, seconds=args.minutes * 60, seed=7, name=name
        )
    env = {**os.environ, "VISIO_BUCKET": "bench-pipeline", "VISIO_INDEX_PREFIX": "bench-pipeline"}
    print("bare faster-whisper…", file=sys.stderr)
    bare = _in_subprocess("bare", str(audio), args.language, env=env)
    print("pipeline (one process-recording flow run)…", file=sys.stderr)
    pipe = _in_subprocess("pipeline", str(audio), str(metadata), args.language, env=env)
    duration = pipe["duration"]
    from benchmarks.coverage import speech_coverage, turns_kept

    turns = reference_turns(workdir / f"{name}.rttm")
    kept_pipe, kept_bare = turns_kept(turns, pipe["words"])[0], turns_kept(turns, bare["words"])[0]
    report = {
        "audio_seconds": round(duration, 1),
        "pipeline_rtf": round(pipe["seconds"] / duration, 3),
        "pipeline_peak_rss_mb": round(pipe["peak_rss_mb"]),
        "bare_faster_whisper_rtf": round(bare["seconds"] / duration, 3),
        "bare_peak_rss_mb": round(bare["peak_rss_mb"]),
        "ratio_pipeline_to_bare": round(pipe["seconds"] / bare["seconds"], 2),
        "pipeline_speech_covered": round(speech_coverage(turns, pipe["words"]), 3),
        "bare_speech_covered": round(speech_coverage(turns, bare["words"]), 3),
        "pipeline_turns_kept": f"{kept_pipe} of {len(turns)}",
        "bare_turns_kept": f"{kept_bare} of {len(turns)}",
        "pipeline_inaudible_markers": pipe["inaudible"],
        "pipeline_outcome": pipe["outcome"],
        "segments": pipe["segments"],
        "cpus": os.cpu_count(),
    }
    if args.json:
        print(json.dumps(report))
        return
    print(f"audio                      {report['audio_seconds']:8.1f} s ({args.language}, {args.speakers} speakers)")
    print(f"pipeline real-time factor  {report['pipeline_rtf']:8.3f}   (target <= 0.30)")
    print(f"bare faster-whisper RTF    {report['bare_faster_whisper_rtf']:8.3f}")
    print(f"ratio pipeline / bare      {report['ratio_pipeline_to_bare']:8.2f}   (target <= 1.6)")
    print(f"peak RSS pipeline / bare   {report['pipeline_peak_rss_mb']:5d} MB / {report['bare_peak_rss_mb']} MB")
    print(f"speech covered pipe / bare {report['pipeline_speech_covered']:8.3f} / {report['bare_speech_covered']:.3f}")
    print(f"turns kept pipe / bare     {report['pipeline_turns_kept']:>8} / {report['bare_turns_kept']}")
    print(f"inaudible markers          {report['pipeline_inaudible_markers']:8d}")
    print(f"outcome                    {report['pipeline_outcome']}, {report['segments']} segments")


if __name__ == "__main__":
    main()
