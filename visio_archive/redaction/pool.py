"""Detection on every core: a long batch of texts split across worker processes.

The NER and the rule layers run under one GIL: two threads are slower than one (measured on
meet3-en: 2,044 against 3,792 words/s), and spaCy's own ``n_process`` parallelises only the NER
(about 1.2x). A worker process that runs the whole detection on its share of the texts gives 1.5-1.9x
on 2 cores (benchmarks/redaction.py prints both figures).

Workers are started with ``forkserver`` (never ``fork``: the caller may hold threads, HTTP pools or
OpenMP state that a forked child would inherit half-locked); each loads the language's pipeline from
the model store once (about 5 s for English, more for French) and keeps it. That load costs more than
it saves on one meeting (a one-hour meeting is about 9,000 words: under 2 s in one process), so a
process uses the pool only when asked: batch jobs (``visio-archive redact``, the benchmark) and
``VISIO_REDACTION_PROCESSES`` for a worker that redacts many meetings in one process.

Results are those of one process: each text is detected independently, the texts are split into
contiguous runs and the answers put back in order (tests/test_redaction_pool.py compares them).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from visio_archive.models import Entity
    from visio_archive.redaction.detector import Detector

log = logging.getLogger(__name__)

# Below this many words a batch stays in this process: shipping texts and answers between processes
# and waiting for the slower half cost more than the second core gives back.
MIN_PARALLEL_WORDS = 2_000


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _load(lang: str, size: str) -> None:
    """Worker initializer: load the pipeline once, before any text arrives."""
    from visio_archive.redaction.detector import get_detector

    get_detector(lang, size=size)


def _ready() -> bool:
    return True


def _detect_run(lang: str, size: str, labels: list[str], min_score: float, texts: list[str],
                participants: list[str], batch_size: int) -> list[list[Entity]]:
    """One worker's share, detected exactly as :meth:`Detector.detect_many` does in one process."""
    from visio_archive.redaction.detector import Detector, get_detector

    det = get_detector(lang, size=size)
    if frozenset(labels) != det.labels or min_score != det.min_score:
        det = Detector(det.nlp, det.common, lang=det.lang, labels=labels, min_score=min_score, size=size)
    return det.detect_serial(texts, participants, batch_size=batch_size)


class _Pool:
    def __init__(self, lang: str, size: str, workers: int) -> None:
        context = multiprocessing.get_context("forkserver")
        self.workers = workers
        self.executor = ProcessPoolExecutor(workers, mp_context=context, initializer=_load, initargs=(lang, size))
        # One no-op per worker: done once every worker has loaded its pipeline.
        self.ready: list[Future[bool]] = [self.executor.submit(_ready) for _ in range(workers)]

    def warm(self) -> bool:
        return all(f.done() and not f.exception() for f in self.ready)


_POOLS: dict[tuple[str, str], _Pool] = {}
_LOCK = threading.Lock()


def warm(lang: str, size: str = "md", processes: int | None = None) -> None:
    """Start the workers for ``lang`` now (returns at once; they load in the background)."""
    _pool(lang, size, processes)


def _pool(lang: str, size: str, processes: int | None) -> _Pool | None:
    workers = (processes if processes is not None else usable_cores()) - 1
    if workers < 1:
        return None
    with _LOCK:
        pool = _POOLS.get((lang, size))
        if pool is None or pool.workers != workers:
            if pool is not None:
                pool.executor.shutdown(wait=False, cancel_futures=True)
            pool = _POOLS[(lang, size)] = _Pool(lang, size, workers)
        return pool


def wait_until_warm(lang: str, size: str = "md", processes: int | None = None) -> None:
    """Block until every worker has loaded its pipeline (the first batch then runs on every core)."""
    pool = _pool(lang, size, processes)
    if pool is not None:
        for f in pool.ready:
            f.result()


def shutdown() -> None:
    with _LOCK:
        for pool in _POOLS.values():
            pool.executor.shutdown(wait=True, cancel_futures=True)
        _POOLS.clear()


def split_runs(texts: Sequence[str], parts: int) -> list[tuple[int, int]]:
    """``parts`` contiguous (start, end) runs of ``texts`` holding about as many characters each (a
    text goes to the run its middle falls in); fewer when there are fewer texts."""
    total = sum(len(t) for t in texts)
    runs: list[tuple[int, int]] = []
    start = acc = 0
    for k, text in enumerate(texts):
        if k > start and len(runs) < parts - 1 and acc + len(text) / 2 > total * (len(runs) + 1) / parts:
            runs.append((start, k))
            start = k
        acc += len(text)
    if start < len(texts):
        runs.append((start, len(texts)))
    return runs


def detect_on_every_core(det: Detector, texts: Sequence[str], participants: Sequence[str], *,
                         batch_size: int, processes: int | None) -> list[list[Entity]] | None:
    """The entities of ``texts``, this process taking the first run and the workers the others; None
    when the batch is too small to be worth it, no worker is wanted, or the workers are still loading
    their pipeline (the caller detects it itself; the workers are used from the next batch on).

    A worker that dies (killed, out of memory) costs its run, not the batch: that run is detected here
    and the pool restarted for the next batch."""
    if sum(len(t.split()) for t in texts) < MIN_PARALLEL_WORDS:
        return None
    pool = _pool(det.lang, det.size, processes)
    if pool is None or not pool.warm():
        return None  # still loading (started just now if not before): never wait for a load
    runs = split_runs(texts, pool.workers + 1)
    try:
        futures = [pool.executor.submit(_detect_run, det.lang, det.size, sorted(det.labels), det.min_score,
                                        list(texts[a:b]), list(participants), batch_size) for a, b in runs[1:]]
    except BrokenProcessPool:  # a worker died since the last batch
        _drop(pool, det.lang, det.size)
        return None
    a, b = runs[0]
    results = det.detect_serial(list(texts[a:b]), participants, batch_size=batch_size)
    for (a, b), future in zip(runs[1:], futures, strict=True):
        try:
            results += future.result()
        except BrokenProcessPool:
            log.warning("redaction worker died: texts %d-%d detected in this process; pool restarted", a, b)
            _drop(pool, det.lang, det.size)
            results += det.detect_serial(list(texts[a:b]), participants, batch_size=batch_size)
    return results


def _drop(pool: _Pool, lang: str, size: str) -> None:
    """Forget a broken pool: the next batch starts a fresh one."""
    with _LOCK:
        if _POOLS.get((lang, size)) is pool:
            del _POOLS[(lang, size)]
    pool.executor.shutdown(wait=False, cancel_futures=True)
