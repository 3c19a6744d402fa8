"""What the routers share: the archive's use-case context and who is acting.

One :class:`~visio_archive.usecases.Archive` (settings, storage, search client, audit log) lives on
``app.state.archive``; routes get it with ``Depends(archive)`` and the acting user, with the client's
address, with ``Depends(actor)``. Routes only parse, call a use case and render.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Request

from search_ui.deps import current_user
from visio_archive.auth import User
from visio_archive.usecases import Actor, Archive


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


# Non-blocking dependencies are coroutines: FastAPI then calls them on the event loop instead of
# handing each to the thread pool (a search would otherwise cross threads a dozen times).
async def archive(request: Request) -> Archive:
    value: Archive = request.app.state.archive
    return value


async def actor(request: Request, user: User = Depends(current_user)) -> Actor:
    return Actor.of_user(user, client_address(request))


def services(request: Request) -> Archive:
    """The same context under its first name (``services(request).audit`` is the audit log)."""
    value: Archive = request.app.state.archive
    return value


T = TypeVar("T")

# Searches run on worker threads of their own, a few per core (VISIO_SEARCH_THREADS overrides), and the
# ones beyond wait their turn in order (anyio's CapacityLimiter is first come, first served). With one
# thread per request (anyio's default pool has 40), 20 concurrent searches all hold threads and take
# turns at the GIL, so each one's Python work is stretched by everyone else's: a search that began
# first does not end first, and the slowest tenth waits about twice the mean. A few threads keep the
# cores just as busy (the rest of a search's time is spent waiting on OpenSearch, outside the GIL) and
# serve searches about in arrival order: under 20 concurrent clients on 2 cores the same throughput
# with a p95 closer to the mean (docs/benchmarks.md, "Concurrent search"). Other routes (sign-in,
# exports, meeting pages) keep anyio's default pool, so no search queue holds them up.
SEARCH_THREADS = int(os.environ.get("VISIO_SEARCH_THREADS") or 0) or max(4, 3 * (os.cpu_count() or 1))


def search_limiter(request: Request) -> anyio.CapacityLimiter:
    """The app's search thread limiter (one per app, made in its event loop on first use)."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "search_limiter", None)
    if limiter is None:
        limiter = request.app.state.search_limiter = anyio.CapacityLimiter(SEARCH_THREADS)
    return limiter


async def run_search_work(request: Request, work: Callable[[], T]) -> T:
    """``work`` (a search and what renders it) on one of the search threads, in arrival order."""
    return await anyio.to_thread.run_sync(work, limiter=search_limiter(request))
