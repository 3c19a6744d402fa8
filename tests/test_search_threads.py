"""Searches run on a few threads of their own, in arrival order (search_ui.services.run_search_work)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from search_ui import services
from search_ui.routers import search as search_router
from visio_archive.search import SearchResult
from visio_archive.settings import Settings


def test_searches_share_a_bounded_pool_in_arrival_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from search_ui.app import create_app

    monkeypatch.setattr(services, "SEARCH_THREADS", 3)
    running = 0
    most = 0
    started: list[str] = []
    lock = threading.Lock()

    def slow_search(arc: Any, who: Any, params: Any, **kwargs: Any) -> SearchResult:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            started.append(params.q)
        time.sleep(0.05)
        with lock:
            running -= 1
        return SearchResult(total=0, page=1, size=20)

    monkeypatch.setattr(search_router, "run_search", slow_search)
    app = create_app(Settings(state_dir=tmp_path), storage=object(), client=object())
    app.dependency_overrides[services.actor] = lambda: object()
    sent: list[str] = []

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            codes: list[int] = []

            async def one(n: int) -> None:
                sent.append(f"q{n}")
                codes.append((await client.get("/api/search", params={"q": f"q{n}"})).status_code)

            async with anyio.create_task_group() as group:
                for n in range(12):
                    group.start_soon(one, n)
                    await anyio.sleep(0.002)  # a known arrival order
            return codes

    codes = anyio.run(main)
    assert codes == [200] * 12
    assert most == 3  # never more than the search threads at once, and all of them used
    # Served in the order they arrived: the pool hands its threads out first come, first served, so a
    # search starts at most as many places away from its arrival as there are threads running together.
    assert sorted(started) == sorted(sent)
    assert all(abs(started.index(q) - sent.index(q)) < 3 for q in sent), (sent, started)
