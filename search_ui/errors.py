"""Errors with a message that is safe to show, and how each becomes a page or a JSON body."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from visio_archive import search as search_mod
from visio_archive.usecases import UseCaseError

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


FIELD_NAMES = {"reason": "motif", "name": "nom", "label": "intervenant", "into": "intervenant cible",
               "segment": "tour de parole", "kind": "type de correction"}


def validation_message(errors: Any) -> str:
    """A French sentence for FastAPI's validation errors: a malformed JSON body says so, a field is named."""
    errors = list(errors)
    if any(e.get("type") == "json_invalid" for e in errors):
        return "Corps de requête illisible : envoyez un objet JSON valide (Content-Type: application/json)."
    if any(e.get("type") == "model_attributes_type" or (e.get("loc") == ("body",)) for e in errors):
        return "Corps de requête invalide : un objet JSON est attendu."
    parts = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")]
        name = FIELD_NAMES.get(loc[-1], loc[-1]) if loc else "requête"
        kind = str(e.get("type", ""))
        if kind == "missing":
            parts.append(f"{name} manquant")
        elif kind.startswith("string_too_short"):
            parts.append(f"{name} trop court")
        elif kind.startswith("string_too_long"):
            parts.append(f"{name} trop long")
        else:
            parts.append(f"{name} invalide")
    return "Paramètre invalide : " + ", ".join(sorted(set(parts))) + "."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HttpProblem)
    async def _problem(request: Request, exc: HttpProblem) -> Response:
        return error_response(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(UseCaseError)
    async def _use_case(request: Request, exc: UseCaseError) -> Response:
        return error_response(request, exc.status, exc.message)

    @app.exception_handler(search_mod.QueryError)
    async def _query_error(request: Request, exc: search_mod.QueryError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(search_mod.SearchUnavailable)
    async def _unavailable(request: Request, exc: search_mod.SearchUnavailable) -> Response:
        return error_response(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, validation_message(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "Page introuvable.", 405: "Méthode non autorisée."}.get(exc.status_code, "Requête refusée.")
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        log.exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "Erreur inattendue ; l'incident a été journalisé.")
