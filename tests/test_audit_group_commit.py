"""The audit log's group commit: every record() returns with its line on disk (fsynced), the chain
holds, and concurrent requests share fsyncs instead of paying one each."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from visio_archive import audit


def test_concurrent_records_share_fsyncs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real_fsync = os.fsync

    def slow_fsync(fd: int) -> None:  # the real fsync, counted, made slow as on a busy disk
        calls.append(fd)
        time.sleep(0.02)
        real_fsync(fd)

    monkeypatch.setattr(audit.os, "fsync", slow_fsync)
    log = audit.AuditLog(tmp_path / "audit.log")
    durable: list[bool] = []
    start = threading.Barrier(40)

    def one(n: int) -> None:
        start.wait()
        log.record(f"user{n}", "search", details={"q": f"budget {n}"})
        # record() has returned: our line is in the file already (written before the fsync it waited for).
        durable.append(f'"actor":"user{n}"' in (tmp_path / "audit.log").read_text())

    threads = [threading.Thread(target=one, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = list(log.entries())
    assert sorted(e.actor for e in entries) == sorted(f"user{n}" for n in range(40))
    assert all(durable) and len(durable) == 40
    assert log.verify_chain()
    assert 1 <= len(calls) < 20, len(calls)  # one fsync per batch of waiting requests, not one per request
