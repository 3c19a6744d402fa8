"""The search page (``/``), ``GET /api/search`` and participant suggestions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from search_ui.rendering import render
from search_ui.services import actor, archive, run_search_work
from search_ui.views import search_links
from visio_archive.search import SearchResult
from visio_archive.usecases import Actor, Archive, Invalid, SearchParams, Unavailable, run_search, suggest_participants

router = APIRouter()


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def search_page(request: Request, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    def work() -> Response:
        params = SearchParams.from_mapping(request.query_params)
        context: dict[str, Any] = {"params": params, "result": None, "error": None}
        status = 200
        try:
            context["result"] = run_search(arc, who, params, default_view="meetings", default_size=10)
        except Invalid as exc:
            context["error"], status = exc.message, 400
        except Unavailable as exc:
            context["error"], status = exc.message, 503
        context.update(search_links(params, context["result"]))
        return render(request, "search.html", context, status)

    return await run_search_work(request, work)


@router.get("/api/search", response_model=SearchResult, tags=["search"])
async def api_search(request: Request, params: Annotated[SearchParams, Query()], who: Actor = Depends(actor),
                     arc: Archive = Depends(archive)) -> Response:
    """Search the redacted segments. `view=passages` (default): `hits`, one per passage; `view=meetings`:
    `meetings`, one per meeting with its best passages and `count`; without `q` the meetings view lists
    meetings, newest first. `highlight` is HTML: escaped text with `<mark>` around matches."""
    # Serialised once by pydantic, straight to bytes (returning the model would make FastAPI validate
    # it again against response_model and encode it a second time).
    # On the search threads (search_ui.services.run_search_work): in arrival order, a few at a time.
    body = await run_search_work(request, lambda: run_search(arc, who, params).model_dump_json())
    return Response(body, media_type="application/json")


@router.get("/api/participants", tags=["search"])
def api_participants(q: Annotated[str, Query(max_length=200, description="The start of a name")] = "",
                     who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> list[str]:
    """Participant names for the filter box as one types (accents and case ignored)."""
    return suggest_participants(arc, who, q)
