"""What the routers share: the archive's use-case context and who is acting.

One :class:`~visio_archive.usecases.Archive` (settings, storage, search client, audit log) lives on
``app.state.archive``; routes get it with ``Depends(archive)`` and the acting user, with the client's
address, with ``Depends(actor)``. Routes only parse, call a use case and render.
"""

from __future__ import annotations

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
