"""The audit log for auditors: ``/admin/audit`` (filters, pages, CSV) and ``GET /api/audit``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from search_ui.rendering import render
from search_ui.services import actor, archive
from visio_archive.french import format_day
from visio_archive.usecases import Actor, Archive, AuditFilters, audit_csv, chain_intact, read_audit
from visio_archive.usecases.audit import CATEGORIES, details_text
from visio_archive.usecases.search import PAGE_SIZES

router = APIRouter()


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    filters = AuditFilters.from_mapping(request.query_params)
    page = read_audit(arc, who, filters)
    query = filters.as_query()
    number = page.offset // page.limit + 1

    def url(**changes: Any) -> str:
        from urllib.parse import urlencode

        values = {k: v for k, v in query.items() if k != "page"} | {k: str(v) for k, v in changes.items()}
        return "?" + urlencode(values)

    return render(request, "audit.html", {
        "page": page, "filters": filters, "chain_ok": chain_intact(arc, who), "categories": CATEGORIES,
        "category": filters.category or ("all" if filters.action else "sensitive"), "number": number,
        "prev_url": url(page=number - 1) if number > 1 else None,
        "next_url": url(page=number + 1) if page.more else None,
        "category_url": lambda c: url(category=c), "csv_url": "/admin/audit.csv" + url(),
        "details": details_text, "page_sizes": PAGE_SIZES, "day": format_day,
    })


@router.get("/admin/audit.csv", include_in_schema=False)
def audit_export(request: Request, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    data = audit_csv(arc, who, AuditFilters.from_mapping(request.query_params))
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="journal-audit.csv"'})


@router.get("/api/audit", tags=["audit"])
def api_audit(
    limit: Annotated[int, Query(ge=1, le=5000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
    action: str | None = None, actor_name: Annotated[str | None, Query(alias="actor")] = None,
    meeting: str | None = None, category: Annotated[str, Query(description="all, sensitive, routine")] = "all",
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    client: str | None = None, who: Actor = Depends(actor), arc: Archive = Depends(archive),
) -> list[dict[str, Any]]:
    """Audit entries, newest first (admins), filtered by actor, action(s, comma-separated), meeting, date
    range (Paris days), client address and category."""
    filters = AuditFilters(actor=actor_name, action=action, meeting=meeting, category=category,
                           date_from=date_from, date_to=date_to, client=client)
    page = read_audit(arc, who, filters, default_category="all", offset=offset, limit=limit)
    return [e.model_dump(mode="json") for e in page.entries]
