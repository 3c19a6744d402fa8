"""The records officers' search front end: server-rendered pages and a JSON API under /api.

``create_app`` only assembles the pieces:

* ``search_ui.deps``: authentication (who is asking), the ``current_user`` dependency;
* ``search_ui.routers``: one ``APIRouter`` per area (auth, search, meetings, audit, api);
* ``search_ui.services``: the use-case context (:class:`visio_archive.usecases.Archive`) and the acting user;
* ``search_ui.errors``: messages safe to show, as pages (with the header) or JSON bodies.

Every route except the login page and the static files needs an authenticated user. Viewers see
redacted text only: pages, API and exports start from the index (redacted segments) and the
``archive/`` artifacts; the full transcript under ``restricted/`` is read only by ``reveal``,
which needs the REVEAL permission and is audited.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_ui import deps
from search_ui.errors import install_error_handlers
from search_ui.rendering import HERE
from search_ui.routers import api, auth, meetings, search
from search_ui.routers import audit as audit_router
from visio_archive.audit import AuditLog
from visio_archive.auth import Authenticator, AuthSettings
from visio_archive.settings import Settings
from visio_archive.usecases import Archive

CSP = ("default-src 'self'; media-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")


# search-perf (issue 12): a plain ASGI middleware rather than ``@app.middleware("http")``, whose
# BaseHTTPMiddleware runs every request in an extra task with in-memory streams (about a tenth of the
# app's CPU per search under load).
class SecurityHeaders:
    """Adds the security headers (CSP, nosniff, no referrer off-site, no framing, no-store except
    static files) to every HTTP response that does not set them itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if not static:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings | None = None,
    *,
    authenticator: Authenticator | None = None,
    auth_settings: AuthSettings | None = None,
    storage: Any = None,
    client: Any = None,
    audit: AuditLog | None = None,
) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(
        title="visio-archive search",
        version="1.0",
        description=(
            "Search the redacted archive of recorded Visio meetings. Authenticate with "
            "`Authorization: Bearer <token>` (API tokens from the users file) or HTTP Basic. "
            "Viewers only ever receive redacted text."
        ),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    app.state.archive = Archive.from_settings(settings, storage=storage, client=client, audit=audit)
    app.state.audit = app.state.archive.audit
    deps.install_auth(app, settings, auth_settings, authenticator)
    install_error_handlers(app)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    app.add_middleware(SecurityHeaders)  # search-perf (issue 12): plain ASGI, see the class
    for module in (auth, search, meetings, audit_router, api):
        app.include_router(module.router)
    return app
