"""The audit log for auditors: ``/admin/audit`` and ``GET /api/audit``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from search_ui.deps import current_user
from search_ui.rendering import render
from search_ui.services import UiServices, services
from visio_archive.auth import Permission, User

router = APIRouter()


@router.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
def audit_page(request: Request, user: User = Depends(current_user), svc: UiServices = Depends(services)) -> Response:
    svc.require(user, Permission.AUDIT_READ, request)
    return render(request, "audit.html", {
        "user": user, "entries": svc.audit.tail(300), "chain_ok": svc.audit.verify_chain(),
    })


@router.get("/api/audit", tags=["audit"])
def api_audit(request: Request, limit: int = Query(200, ge=1, le=5000), action: str | None = None,
              meeting: str | None = None, user: User = Depends(current_user),
              svc: UiServices = Depends(services)) -> list[dict[str, Any]]:
    """Most recent audit entries first (admins)."""
    svc.require(user, Permission.AUDIT_READ, request)
    return [e.model_dump(mode="json") for e in svc.audit.tail(limit, action, meeting)]
