"""Diarization on real speech (pyannote's 30 s two-speaker sample), from the model store."""

from __future__ import annotations

import numpy as np
import pytest

from visio_archive.diarization import DEFAULT_CONFIG, diarize, estimate_clusters, turns_to_annotation
from visio_archive.models import SpeakerTurn
from visio_archive.samples import pyannote_sample


@pytest.fixture(scope="module")
def store(settings):
    from visio_archive.modelstore import ModelStore, ModelStoreError

    try:
        store = ModelStore.from_settings(settings)
        store.path("pyannote-segmentation")
        store.path("resemblyzer-encoder")
    except ModelStoreError as exc:  # pragma: no cover - environment
        pytest.skip(f"model store not installed ({exc}); run `visio-archive models install`")
    return store


@pytest.mark.models
@pytest.mark.slow
def test_sample_two_speakers_without_count(store) -> None:
    import soundfile as sf
    from pyannote.database.util import load_rttm
    from pyannote.metrics.diarization import DiarizationErrorRate

    audio, sr = sf.read(str(pyannote_sample()), dtype="float32")
    assert sr == 16000
    turns = diarize(audio, store=store)
    assert all(isinstance(t, SpeakerTurn) and 0 <= t.start < t.end <= 30.01 for t in turns)
    assert {t.label for t in turns} == {"SPEAKER_00", "SPEAKER_01"}
    assert turns == sorted(turns, key=lambda t: (t.start, t.end))
    reference = next(iter(load_rttm(str(pyannote_sample().with_suffix(".rttm"))).values()))
    der = DiarizationErrorRate(collar=0.25)(reference, turns_to_annotation(turns))
    assert der < 0.15, der


@pytest.mark.models
def test_silence_and_tiny_input_give_no_turns(store) -> None:
    assert diarize(np.zeros(16000 * 3, dtype=np.float32), store=store) == []
    assert diarize(np.zeros(100, dtype=np.float32), store=store) == []


def _blobs(centers: list[np.ndarray], n: int, noise: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    xs, ys = [], []
    for i, c in enumerate(centers):
        x = c + noise * rng.normal(size=(n, c.size))
        xs.append(x / np.linalg.norm(x, axis=1, keepdims=True))
        ys += [i] * n
    return np.concatenate(xs), np.array(ys)


def _centers(k: int, dim: int = 256, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    base = rng.normal(size=dim)
    out = []
    for _ in range(k):
        c = base + 0.9 * rng.normal(size=dim)  # related voices: cosine distance ~0.4
        out.append(c / np.linalg.norm(c))
    return out


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_estimate_clusters_finds_the_count(k: int) -> None:
    x, y = _blobs(_centers(k), 40, noise=0.04)
    labels = estimate_clusters(x, np.ones(len(x)), DEFAULT_CONFIG)
    assert labels.max() + 1 == k
    # Each true cluster maps to exactly one found cluster.
    assert all(len(set(labels[y == i])) == 1 for i in range(k))


def test_estimate_clusters_small_clusters_fold_and_hint_bounds() -> None:
    x, _ = _blobs(_centers(3), 40, noise=0.04)
    weights = np.ones(len(x))
    weights[80:] = 0.01  # third voice: a fraction of a second in total
    assert estimate_clusters(x, weights, DEFAULT_CONFIG).max() + 1 == 2
    # A hint of 1 caps the search at 2 clusters.
    x4, _ = _blobs(_centers(4), 30, noise=0.04)
    assert estimate_clusters(x4, np.ones(len(x4)), DEFAULT_CONFIG, hint=1).max() + 1 <= 2
    # Degenerate inputs.
    assert estimate_clusters(x[:1], np.ones(1), DEFAULT_CONFIG).tolist() == [0]
    assert estimate_clusters(x[:0], np.ones(0), DEFAULT_CONFIG).tolist() == []
