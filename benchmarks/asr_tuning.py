"""ASR configuration sweep on pyannote's sample (30 s, two speakers, reference transcript).

Prints, for each configuration: wall time, real-time factor (processing time / audio duration,
model loading excluded and printed apart), WER (jiwer, lowercase, punctuation removed) and the
number of words with timestamps. Usage:

    .venv/bin/python benchmarks/asr_tuning.py [--repeat N] [--tile K] [--only NAME ...]

``--tile K`` concatenates the sample K times (and its reference), to see how batching behaves on
longer audio. Runs on the model store (``visio-archive models install`` first).
"""

from __future__ import annotations

import argparse
import os
import re
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import jiwer
import numpy as np
import soundfile as sf

SAMPLE_DIR = Path(__import__("pyannote.audio", fromlist=["x"]).__file__).parent / "sample"


def reference_text() -> str:
    lines = (SAMPLE_DIR / "sample.stm").read_text().splitlines()
    return " ".join(line.split(" ", 5)[5] for line in lines if line.strip())


_BASIC = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)
# The official number: jiwer's standard normalisation (lowercase, common English contractions
# expanded) plus punctuation removal.
_NORM = jiwer.Compose(
    [
        jiwer.ToLowerCase(),
        jiwer.ExpandCommonEnglishContractions(),
        jiwer.RemovePunctuation(),
        jiwer.RemoveMultipleSpaces(),
        jiwer.Strip(),
        jiwer.ReduceToListOfListOfWords(),
    ]
)


def wer(ref: str, hyp: str) -> float:
    return jiwer.wer(ref, hyp, reference_transform=_NORM, hypothesis_transform=_NORM)


def wer_basic(ref: str, hyp: str) -> float:
    return jiwer.wer(ref, hyp, reference_transform=_BASIC, hypothesis_transform=_BASIC)


CONFIGS: dict[str, dict] = {
    # whisperX's own settings: VAD chunks merged to 30 s, batched, beam 5, no timestamps.
    "wx-b5-nowords": dict(mode="batched", beam=5, words=False, chunk=30),
    "batched-b5-words": dict(mode="batched", beam=5, words=True, chunk=30),
    "batched-b5-words-ts": dict(mode="batched", beam=5, words=True, chunk=30, without_ts=False),
    "batched-b1-words": dict(mode="batched", beam=1, words=True, chunk=30),
    "batched-b2-words": dict(mode="batched", beam=2, words=True, chunk=30),
    "batched-b5-words-c20": dict(mode="batched", beam=5, words=True, chunk=20),
    "batched-b5-words-c15": dict(mode="batched", beam=5, words=True, chunk=15),
    "batched-b5-words-c10": dict(mode="batched", beam=5, words=True, chunk=10),
    # faster-whisper's sequential decoding (timestamps, previous-text conditioning).
    "seq-b5-words": dict(mode="seq", beam=5, words=True),
    "seq-b1-words": dict(mode="seq", beam=1, words=True),
    "seq-b5-words-vadclip": dict(mode="seq", beam=5, words=True, clip=True),
    "seq-b5-words-nocond": dict(mode="seq", beam=5, words=True, cond=False),
    "seq-b5-words-nocond-vadclip": dict(mode="seq", beam=5, words=True, cond=False, clip=True),
    "seq-b3-words-nocond-vadclip": dict(mode="seq", beam=3, words=True, cond=False, clip=True),
    "batched-b5-words-silero": dict(mode="batched", beam=5, words=True, chunk=30, silero=True),
    "seq-b5-words-nocond-silero": dict(mode="seq", beam=5, words=True, cond=False, silero=True),
    "seq-b5-words-silero": dict(mode="seq", beam=5, words=True, silero=True),
    "batched-b5-words-p2": dict(mode="batched", beam=5, words=True, chunk=30, kw=dict(patience=2)),
    "batched-b5-words-on35": dict(mode="batched", beam=5, words=True, chunk=30, onset=0.35, offset=0.25),
    "batched-b5-words-on65": dict(mode="batched", beam=5, words=True, chunk=30, onset=0.65, offset=0.5),
    "batched-b5-words-fp32": dict(mode="batched", beam=5, words=True, chunk=30, ct="float32"),
    "batched-b5-words-i8f32": dict(mode="batched", beam=5, words=True, chunk=30, ct="int8_float32"),
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--tile", type=int, default=1)
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--store", default=os.environ.get("VISIO_MODEL_STORE", ".visio/models"))
    args = ap.parse_args()

    import torch

    torch.set_num_threads(2)
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    from visio_archive.modelstore import ModelStore

    store = ModelStore(args.store)
    audio, sr = sf.read(SAMPLE_DIR / "sample.wav", dtype="float32")
    assert sr == 16000
    audio = np.tile(audio, args.tile)
    ref = " ".join([reference_text()] * args.tile)
    dur = len(audio) / sr

    t0 = time.perf_counter()
    model = WhisperModel(
        str(store.path("whisper-base")), device="cpu", compute_type="int8", cpu_threads=2, num_workers=1
    )
    from whisperx.vads import Pyannote

    vad = Pyannote(
        torch.device("cpu"),
        model_fp=str(store.path("pyannote-segmentation") / "pytorch_model.bin"),
        vad_onset=0.5,
        vad_offset=0.363,
        chunk_size=30,
    )
    print(f"audio {dur:.1f} s; model+VAD load {time.perf_counter() - t0:.2f} s")
    batched = BatchedInferencePipeline(model)

    models = {"int8": batched}

    def pipeline(ct: str) -> BatchedInferencePipeline:
        if ct not in models:
            models[ct] = BatchedInferencePipeline(
                WhisperModel(str(store.path("whisper-base")), device="cpu", compute_type=ct, cpu_threads=2)
            )
        return models[ct]

    def run_vad(chunk: int, onset: float = 0.5, offset: float = 0.363) -> tuple[list[dict], float]:
        t = time.perf_counter()
        scores = vad({"waveform": torch.from_numpy(audio).unsqueeze(0), "sample_rate": sr})
        merged = Pyannote.merge_chunks(scores, chunk, onset=onset, offset=offset)
        return [{"start": m["start"], "end": m["end"]} for m in merged], time.perf_counter() - t

    print(f"{'config':<24} {'rtf':>6} {'vad_s':>6} {'asr_s':>6} {'wer%':>6} {'basic%':>6} {'words':>6} {'cpu/s':>6} chunks")
    for name, cfg in CONFIGS.items():
        if args.only and name not in args.only:
            continue
        best = None
        for _ in range(args.repeat):
            t = time.perf_counter()
            c0 = time.process_time()
            vad_s = 0.0
            if cfg["mode"] == "batched" and cfg.get("silero"):
                segs, _info = batched.transcribe(
                    audio, language="en", vad_filter=True, beam_size=cfg["beam"],
                    word_timestamps=cfg["words"], batch_size=8,
                )
                segs = list(segs)
                nchunks = -1
            elif cfg["mode"] == "batched":
                clips, vad_s = run_vad(cfg["chunk"], cfg.get("onset", 0.5), cfg.get("offset", 0.363))
                segs, _info = pipeline(cfg.get("ct", "int8")).transcribe(
                    audio,
                    language="en",
                    clip_timestamps=clips,
                    vad_filter=False,
                    beam_size=cfg["beam"],
                    word_timestamps=cfg["words"],
                    without_timestamps=cfg.get("without_ts", True),
                    batch_size=cfg.get("batch", 8),
                    **cfg.get("kw", {}),
                )
                segs = list(segs)
                nchunks = len(clips)
            else:
                kw: dict = {}
                if cfg.get("clip"):
                    clips, vad_s = run_vad(30)
                    kw["clip_timestamps"] = [x for c in clips for x in (c["start"], c["end"])]
                segs, _info = model.transcribe(
                    audio,
                    language="en",
                    beam_size=cfg["beam"],
                    word_timestamps=cfg["words"],
                    condition_on_previous_text=cfg.get("cond", True),
                    vad_filter=bool(cfg.get("silero")),
                    **kw,
                )
                segs = list(segs)
                nchunks = len(segs)
            el = time.perf_counter() - t
            cpu = time.process_time() - c0
            hyp = " ".join(s.text.strip() for s in segs)
            nwords = sum(len(s.words or []) for s in segs)
            row = (el / dur, vad_s, el - vad_s, 100 * wer(ref, hyp), nwords, nchunks, hyp, 100 * wer_basic(ref, hyp), cpu / dur)
            if best is None or row[0] < best[0]:
                best = row
        assert best is not None
        print(f"{name:<24} {best[0]:6.3f} {best[1]:6.2f} {best[2]:6.2f} {best[3]:6.1f} {best[7]:6.1f} {best[4]:6d} {best[8]:6.3f} {best[5]}")
        if os.environ.get("SHOW_TEXT"):
            print("    ", re.sub(r"\s+", " ", best[6])[:400])


if __name__ == "__main__":
    main()
