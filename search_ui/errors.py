"""Errors with a message that is safe to show, and how each becomes a page or a JSON body."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from visio_archive import search as search_mod

log = logging.getLogger("search_ui")


class HttpProblem(Exception):
    """An error with a status and a message that is safe to show."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", "text/html")


def error_response(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    if wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    from search_ui.rendering import render

    return render(request, "error.html", {"status": status, "message": message}, status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HttpProblem)
    async def _problem(request: Request, exc: HttpProblem) -> Response:
        return error_response(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(search_mod.QueryError)
    async def _query_error(request: Request, exc: search_mod.QueryError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(search_mod.SearchUnavailable)
    async def _unavailable(request: Request, exc: search_mod.SearchUnavailable) -> Response:
        return error_response(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "requête" for e in exc.errors()})
        return error_response(request, 422, f"Paramètre invalide : {', '.join(fields)}.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "Page introuvable.", 405: "Méthode non autorisée."}.get(exc.status_code, "Requête refusée.")
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "Erreur inattendue ; l'incident a été journalisé.")
