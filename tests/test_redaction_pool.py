"""Detection on every core (visio_archive.redaction.pool): the same answers as one process, with the
real pipelines of the model store and real worker processes."""

from __future__ import annotations

import os
import re
import signal
from pathlib import Path

import pytest

from visio_archive.redaction import pool
from visio_archive.redaction.detector import get_detector

DATA = Path(__file__).resolve().parent.parent / "benchmarks" / "data"


def _plain_lines(name: str) -> list[str]:
    """The transcript lines of a labelled set, markup removed (the labels play no part here)."""
    lines = []
    for raw in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        raw = raw.split("::", 1)[1] if raw.startswith("@participants:") else raw
        lines.append(re.sub(r"\[\[[A-Z_]+:(.*?)\]\]|\{\{(.*?)\}\}", lambda m: m.group(1) or m.group(2), raw).strip())
    return lines


def test_split_runs_keeps_order_and_balances_characters() -> None:
    texts = ["a" * 10, "b" * 10, "c" * 10, "d" * 10, "e" * 60]
    runs = pool.split_runs(texts, 2)
    assert runs == [(0, 4), (4, 5)]
    assert pool.split_runs(texts, 1) == [(0, 5)]
    assert pool.split_runs(["x"], 3) == [(0, 1)]
    assert pool.split_runs([], 2) == []
    flat = [k for a, b in pool.split_runs(texts * 7, 3) for k in range(a, b)]
    assert flat == list(range(35))


@pytest.mark.parametrize(("lang", "name"), [("en", "redaction_meet_en_dev.txt"), ("fr", "redaction_meet_fr_dev.txt")])
def test_two_processes_give_the_answers_of_one(lang: str, name: str) -> None:
    texts = _plain_lines(name)
    while sum(len(t.split()) for t in texts) < 2 * pool.MIN_PARALLEL_WORDS:
        texts = texts + texts
    det = get_detector(lang)
    participants = ["Amara Nwosu", "Jean-Baptiste Le Goff"]
    serial = det.detect_serial(texts, participants)
    assert any(serial), "the set holds personal data"
    pool.wait_until_warm(lang, det.size, 2)
    assert pool.detect_on_every_core(det, texts, participants, batch_size=64, processes=2) == serial
    assert det.detect_many(texts, participants, processes=2) == serial
    # a small batch stays in this process
    assert pool.detect_on_every_core(det, texts[:3], participants, batch_size=64, processes=2) is None


def test_a_worker_that_dies_costs_nothing() -> None:
    texts = _plain_lines("redaction_meet_en_dev.txt") * 4
    det = get_detector("en")
    serial = det.detect_serial(texts, ())
    pool.wait_until_warm("en", det.size, 2)
    executor = pool._POOLS[("en", det.size)].executor
    for pid in list(executor._processes):  # the worker processes of this pool
        os.kill(pid, signal.SIGKILL)
    assert pool.detect_on_every_core(det, texts, (), batch_size=64, processes=2) == serial
    assert ("en", det.size) not in pool._POOLS  # dropped: the next batch starts a fresh one
    pool.wait_until_warm("en", det.size, 2)
    assert pool.detect_on_every_core(det, texts, (), batch_size=64, processes=2) == serial
