"""Session and description routes of the JSON API: ``/api/me``, ``/api/openapi.json``."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from search_ui.deps import current_user
from visio_archive.auth import Permission, User

router = APIRouter()


class Me(BaseModel):
    username: str
    role: str
    display_name: str
    permissions: list[str]


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, user: User = Depends(current_user)) -> JSONResponse:
    schema = request.app.openapi()
    schema.setdefault("components", {})["securitySchemes"] = {
        "bearer": {"type": "http", "scheme": "bearer"},
        "basic": {"type": "http", "scheme": "basic"},
    }
    schema["security"] = [{"bearer": []}, {"basic": []}]
    return JSONResponse(schema)


@router.get("/api/me", response_model=Me, tags=["session"])
def api_me(user: User = Depends(current_user)) -> Me:
    return Me(username=user.username, role=user.role.value, display_name=user.label,
              permissions=sorted(p.value for p in Permission if user.can(p)))
