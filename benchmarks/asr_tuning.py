"""ASR configuration sweep on pyannote's sample (30 s, two speakers, reference transcript).

For each configuration prints: real-time factor (wall time / audio duration, model loading excluded;
best of --repeat runs), CPU seconds per audio second (robust when other processes share the cores),
the VAD's share of the time, WER (official: jiwer lowercase + common English contractions expanded +
punctuation removed; "basic": without the contraction expansion), and how many words got times.

    .venv/bin/python benchmarks/asr_tuning.py [--repeat N] [--tile K] [--only NAME ...] [--diarize]
        [--models whisper-base whisper-tiny.en ...] [--oracle] [--probe]

``--tile K`` repeats the sample K times (and its reference) to see batching on longer audio.
``--diarize`` also times visio_archive.diarization on the same audio (transcribe+diarize RTF).
``--models`` runs every configuration with each Whisper model of the store (default: whisper-base;
add others with ``visio-archive models add``, see docs/models.md).
``--oracle`` prints the reference words that *no* decoding got right: their share is a lower bound
of the WER of any word-by-word choice among those decodings (insertions not even counted).
``--probe`` decodes the overlapped phrase "so what can I say" (24.0-28.45 s) alone, in several ways.
The shipped configuration is "shipped" (visio_archive.asr.Transcriber with its defaults).
Needs the model store (``visio-archive models install``).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from typing import Any

import jiwer
import numpy as np
import soundfile as sf

from visio_archive.samples import pyannote_sample, pyannote_sample_text

SAMPLE = pyannote_sample()


_TAIL = [jiwer.RemovePunctuation(), jiwer.RemoveMultipleSpaces(), jiwer.Strip(), jiwer.ReduceToListOfListOfWords()]
NORM = jiwer.Compose([jiwer.ToLowerCase(), jiwer.ExpandCommonEnglishContractions(), *_TAIL])
BASIC = jiwer.Compose([jiwer.ToLowerCase(), *_TAIL])


def wer(ref: str, hyp: str, norm: Any = NORM) -> float:
    return float(jiwer.wer(ref, hyp, reference_transform=norm, hypothesis_transform=norm))


# mode: "shipped" (our Transcriber), "batched" (pyannote VAD chunks -> BatchedInferencePipeline),
# "seq" (faster-whisper's sequential transcribe over the whole audio, or over VAD clips with clip=True).
CONFIGS: dict[str, dict[str, Any]] = {
    "shipped": dict(mode="shipped"),
    "wx-b5-nowords": dict(mode="batched", beam=5, words=False, chunk=30),
    "batched-b5-words": dict(mode="batched", beam=5, words=True, chunk=30),
    "batched-b5-words-ts": dict(mode="batched", beam=5, words=True, chunk=30, without_ts=False),
    "batched-b1-words": dict(mode="batched", beam=1, words=True, chunk=30),
    "batched-b2-words": dict(mode="batched", beam=2, words=True, chunk=30),
    "batched-b5-words-c20": dict(mode="batched", beam=5, words=True, chunk=20),
    "batched-b5-words-c10": dict(mode="batched", beam=5, words=True, chunk=10),
    "batched-b5-words-p2": dict(mode="batched", beam=5, words=True, chunk=30, kw=dict(patience=2)),
    "batched-b5-words-on65": dict(mode="batched", beam=5, words=True, chunk=30, onset=0.65, offset=0.5),
    "batched-b5-words-fp32": dict(mode="batched", beam=5, words=True, chunk=30, ct="float32"),
    "seq-b5-words": dict(mode="seq", beam=5, words=True),
    "seq-b1-words": dict(mode="seq", beam=1, words=True),
    "seq-b5-words-nocond": dict(mode="seq", beam=5, words=True, cond=False),
    "seq-b5-words-vadclip": dict(mode="seq", beam=5, words=True, clip=True),
    "seq-b5-words-nocond-vadclip": dict(mode="seq", beam=5, words=True, cond=False, clip=True),
    # One clip per diarized speaker turn (same-speaker turns < 0.5 s apart joined), shipped decoding.
    "turns-b5-words": dict(mode="turns"),
}


def turn_speakers(audio: np.ndarray, store: Any, gap: float = 0.5) -> dict[str, list[tuple[float, float]]]:
    """Diarized turns (same-speaker turns < 0.5 s apart joined), as speech intervals per speaker."""
    from visio_archive.diarization import diarize

    out: dict[str, list[tuple[float, float]]] = {}
    for t in sorted(diarize(audio, store=store), key=lambda t: t.start):
        turns = out.setdefault(t.label, [])
        if turns and t.start - turns[-1][1] <= gap:
            turns[-1] = (turns[-1][0], max(turns[-1][1], t.end))
        else:
            turns.append((t.start, t.end))
    return out


def oracle_report(ref: str, hyps: dict[str, str]) -> None:
    """Reference words that no decoding matched: a floor for any combination of the decodings."""
    matched: set[int] = set()
    ref_words: list[str] = []
    for hyp in hyps.values():
        out = jiwer.process_words(ref, hyp, reference_transform=NORM, hypothesis_transform=NORM)
        ref_words = out.references[0]
        for chunk in out.alignments[0]:
            if chunk.type == "equal":
                matched.update(range(chunk.ref_start_idx, chunk.ref_end_idx))
    missed = [i for i in range(len(ref_words)) if i not in matched]
    print(f"\noracle over {len(hyps)} decodings: {len(missed)} of {len(ref_words)} reference words were never "
          f"recognised -> WER >= {100 * len(missed) / len(ref_words):.1f}% for any word-level combination")
    marked = " ".join(f"[{w}]" if i in missed else w for i, w in enumerate(ref_words))
    print("    " + marked)


def probe_report(audio: np.ndarray, sr: int, store: Any, models: list[str]) -> None:
    """The overlapped end of Sheila's turn, decoded on its own with every model and setting."""
    from faster_whisper import WhisperModel

    print("\nprobe: 'so what can I say' (Sheila, under Diane's 'Oh'), clip decoded alone:")
    for name in models:
        for ct in ("int8", "float32"):
            model = WhisperModel(str(store.path(name)), device="cpu", compute_type=ct, cpu_threads=2)
            for a, b in ((24.0, 28.45), (25.5, 28.45), (21.9, 30.0)):
                clip = audio[int(a * sr) : int(b * sr)]
                for beam in (1, 5):
                    segs, _ = model.transcribe(clip, language="en", beam_size=beam, without_timestamps=True)
                    text = " ".join(x.text.strip() for x in segs)
                    print(f"    {name:<16} {ct:<7} {a:4.1f}-{b:4.1f} s beam {beam}: {text}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tile", type=int, default=1)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--diarize", action="store_true")
    ap.add_argument("--models", nargs="+", default=["whisper-base"])
    ap.add_argument("--oracle", action="store_true")
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--store", default=os.environ.get("VISIO_MODEL_STORE", ".visio/models"))
    args = ap.parse_args()

    import torch

    torch.set_num_threads(2)
    from faster_whisper import BatchedInferencePipeline, WhisperModel
    from whisperx.vads import Pyannote

    from visio_archive.asr import LanguageChoice, Transcriber
    from visio_archive.modelstore import ModelStore

    store = ModelStore(args.store)
    audio, sr = sf.read(SAMPLE, dtype="float32")
    assert sr == 16000
    audio = np.tile(audio, args.tile)
    ref = " ".join([pyannote_sample_text()] * args.tile)
    dur = len(audio) / sr
    hyps: dict[str, str] = {}

    for model_name in args.models:
        t0 = time.perf_counter()
        shipped = Transcriber(store=store, whisper_name=model_name, cpu_threads=2)
        shipped.load()
        model = shipped._model
        vad = shipped._vad
        print(f"{model_name}: audio {dur:.1f} s; model+VAD load {time.perf_counter() - t0:.2f} s")
        pipelines = {"int8": BatchedInferencePipeline(model)}

        def pipeline(ct: str, model_name: str = model_name, pipelines: dict[str, Any] = pipelines) -> Any:
            if ct not in pipelines:
                pipelines[ct] = BatchedInferencePipeline(
                    WhisperModel(str(store.path(model_name)), device="cpu", compute_type=ct, cpu_threads=2)
                )
            return pipelines[ct]

        def run_vad(
            chunk: float, onset: float = 0.5, offset: float = 0.363, vad: Any = vad
        ) -> tuple[list[dict[str, float]], float]:
            t = time.perf_counter()
            scores = vad({"waveform": torch.from_numpy(audio).unsqueeze(0), "sample_rate": sr})
            merged = Pyannote.merge_chunks(scores, chunk, onset=onset, offset=offset)
            return [{"start": m["start"], "end": m["end"]} for m in merged], time.perf_counter() - t

        run_vad(30)  # warm-up
        print(f"{'config':<28} {'rtf':>6} {'cpu/s':>6} {'vad_s':>6} {'wer%':>6} {'basic%':>6} {'words':>6} chunks")
        for name, cfg in CONFIGS.items():
            if args.only and name not in args.only:
                continue
            best: tuple[Any, ...] | None = None
            for _ in range(args.repeat):
                t = time.perf_counter()
                c0 = time.process_time()
                vad_s = 0.0
                if cfg["mode"] in ("shipped", "turns"):
                    tv = time.perf_counter()
                    regions = shipped.speech_regions(audio)
                    speakers = turn_speakers(audio, store) if cfg["mode"] == "turns" else None
                    vad_s = time.perf_counter() - tv
                    window = shipped.transcribe_window(audio, regions, LanguageChoice(fixed="en"), speakers=speakers)
                    segs_out = window.segments
                    hyp = " ".join(s.text for s in segs_out)
                    nwords = sum(len(s.words) for s in segs_out)
                    nchunks = window.spans + window.retries
                else:
                    if cfg["mode"] == "batched":
                        clips, vad_s = run_vad(cfg["chunk"], cfg.get("onset", 0.5), cfg.get("offset", 0.363))
                        segs, _info = pipeline(cfg.get("ct", "int8")).transcribe(
                            audio, language="en", clip_timestamps=clips, vad_filter=False, beam_size=cfg["beam"],
                            word_timestamps=cfg["words"], without_timestamps=cfg.get("without_ts", True),
                            batch_size=8, **cfg.get("kw", {}),
                        )
                        nchunks = len(clips)
                    else:
                        kw: dict[str, Any] = {}
                        if cfg.get("clip"):
                            clips, vad_s = run_vad(30)
                            kw["clip_timestamps"] = [x for c in clips for x in (c["start"], c["end"])]
                        segs, _info = model.transcribe(
                            audio, language="en", beam_size=cfg["beam"], word_timestamps=cfg["words"],
                            condition_on_previous_text=cfg.get("cond", True), **kw,
                        )
                    segs = list(segs)
                    if cfg["mode"] == "seq":
                        nchunks = len(segs)
                    hyp = " ".join(s.text.strip() for s in segs)
                    nwords = sum(len(s.words or []) for s in segs)
                el = time.perf_counter() - t
                cpu = time.process_time() - c0
                row = (el / dur, cpu / dur, vad_s, 100 * wer(ref, hyp), 100 * wer(ref, hyp, BASIC), nwords, nchunks,
                       hyp)
                if best is None or row[0] < best[0]:
                    best = row
            assert best is not None
            rtf, cpus, vad_s, w, wb, nw, nc, hyp = best
            hyps[f"{model_name}/{name}"] = hyp
            print(f"{name:<28} {rtf:6.3f} {cpus:6.3f} {vad_s:6.2f} {w:6.1f} {wb:6.1f} {nw:6d} {nc}")
            if os.environ.get("SHOW_TEXT"):
                print("    ", re.sub(r"\s+", " ", hyp)[:400])
        print()

    if args.oracle:
        oracle_report(ref, hyps)
    if args.probe:
        probe_report(audio, sr, store, args.models)

    if args.diarize:
        from visio_archive.diarization import diarize

        diarize(audio[: 16000 * 5], store=store)  # load models
        t = time.perf_counter()
        c0 = time.process_time()
        turns = diarize(audio, store=store, num_speakers_hint=2)
        el = time.perf_counter() - t
        print(
            f"diarization: rtf {el / dur:.3f}, cpu/s {(time.process_time() - c0) / dur:.3f}, "
            f"{len({x.label for x in turns})} speakers"
        )


if __name__ == "__main__":
    main()
