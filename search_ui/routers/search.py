"""The search page and ``GET /api/search``."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from search_ui.deps import current_user
from search_ui.rendering import render
from search_ui.services import UiServices, client_address, services
from visio_archive import search as search_mod
from visio_archive.auth import Permission, User

router = APIRouter()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(value: str | None, limit: int = 200) -> str | None:
    if value is None:
        return None
    value = _CONTROL.sub(" ", value).strip()
    if len(value) > limit:
        raise search_mod.QueryError(f"Un filtre est trop long (maximum {limit} caractères).")
    return value or None


def _parse_date(value: str | None, what: str) -> date | None:
    value = _clean(value, 32)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise search_mod.QueryError(f"Date {what} invalide : utilisez le format AAAA-MM-JJ.") from exc


def _parse_int(value: str | None, default: int, low: int, high: int, what: str) -> int:
    if value is None or not value.strip():
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise search_mod.QueryError(f"Valeur de {what} invalide.") from exc
    if not low <= number <= high:
        raise search_mod.QueryError(f"{what.capitalize()} hors limites ({low} à {high}).")
    return number


def build_request(params: dict[str, str | None]) -> search_mod.SearchRequest:
    """A SearchRequest from raw query parameters; raises QueryError with a message to show."""
    q = params.get("q") or ""
    if len(q) > search_mod.MAX_QUERY_CHARS:
        raise search_mod.QueryError(
            f"La requête est trop longue (maximum {search_mod.MAX_QUERY_CHARS} caractères)."
        )
    sort = (params.get("sort") or "relevance").strip()
    if sort not in ("relevance", "date", "date_asc"):
        raise search_mod.QueryError("Tri inconnu : relevance, date ou date_asc.")
    try:
        return search_mod.SearchRequest(
            q=_CONTROL.sub(" ", q),
            date_from=_parse_date(params.get("from"), "de début"),
            date_to=_parse_date(params.get("to"), "de fin"),
            participant=_clean(params.get("participant")),
            title=_clean(params.get("title")),
            series=_clean(params.get("series")),
            language=_clean(params.get("language"), 16),
            meeting_id=_clean(params.get("meeting")),
            sort=sort,
            page=_parse_int(params.get("page"), 1, 1, 10_000, "page"),
            size=_parse_int(params.get("size"), 20, 1, search_mod.MAX_PAGE_SIZE, "taille de page"),
        )
    except ValidationError as exc:
        raise search_mod.QueryError("Paramètres de recherche invalides.") from exc


def search_params(request: Request) -> dict[str, str | None]:
    keys = ("q", "from", "to", "participant", "title", "series", "language", "meeting", "sort", "page", "size")
    return {k: request.query_params.get(k) for k in keys}


def do_search(svc: UiServices, request: Request, user: User,
              params: dict[str, str | None]) -> search_mod.SearchResult:
    svc.require(user, Permission.SEARCH, request)
    req = build_request(params)
    result = search_mod.search(svc.search_client, svc.settings.index_prefix, req)
    svc.audit.record(
        user.username, "search", role=user.role.value,
        details={k: v for k, v in params.items() if v} | {"total": result.total},
        client=client_address(request),
    )
    return result


def _month_end(month: str) -> str:
    year, mon = (int(x) for x in month.split("-")[:2])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def search_page(request: Request, user: User = Depends(current_user),
                svc: UiServices = Depends(services)) -> Response:
    params = search_params(request)
    context: dict[str, Any] = {"user": user, "params": params, "result": None, "error": None, "searched": False}
    active = any(params.get(k) for k in ("q", "from", "to", "participant", "title", "series", "language",
                                         "meeting"))
    status = 200
    if active:
        context["searched"] = True
        try:
            context["result"] = do_search(svc, request, user, params)
        except search_mod.QueryError as exc:
            context["error"], status = str(exc), 400
        except search_mod.SearchUnavailable as exc:
            context["error"], status = str(exc), 503
    else:
        svc.require(user, Permission.SEARCH, request)
    context["page_url"] = lambda page: "/?" + urlencode(
        {k: v for k, v in params.items() if v and k != "page"} | {"page": page}
    )
    context["facet_url"] = lambda key, value: "/?" + urlencode(
        {k: v for k, v in params.items() if v and k not in ("page", key)} | {key: value}
    )
    context["month_url"] = lambda month: "/?" + urlencode(
        {k: v for k, v in params.items() if v and k not in ("page", "from", "to")}
        | {"from": f"{month}-01", "to": _month_end(month)}
    )
    return render(request, "search.html", context, status)


@router.get("/api/search", response_model=search_mod.SearchResult, tags=["search"])
def api_search(
    request: Request,
    q: str = Query("", description='Words, "phrases", AND/OR/NOT, -exclusion, (groups).'),
    date_from: str | None = Query(None, alias="from", description="YYYY-MM-DD"),
    date_to: str | None = Query(None, alias="to", description="YYYY-MM-DD"),
    participant: str | None = None,
    title: str | None = None,
    series: str | None = None,
    language: str | None = None,
    meeting: str | None = None,
    sort: str = Query("relevance", description="relevance, date or date_asc"),
    page: str | None = None,
    size: str | None = None,
    user: User = Depends(current_user),
    svc: UiServices = Depends(services),
) -> search_mod.SearchResult:
    """Search the redacted segments. `highlight` is HTML: escaped text with `<mark>` around matches."""
    return do_search(svc, request, user, search_params(request))
