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

from fastapi import FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

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

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    for module in (auth, search, meetings, audit_router, api):
        app.include_router(module.router)
    return app
