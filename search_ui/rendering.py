"""Jinja2 templates and the one function that renders a page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from search_ui.deps import csrf_for, optional_user
from search_ui.views import install_filters
from visio_archive.exports import FORMATS
from visio_archive.exports.common import hms

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["formats"] = FORMATS
templates.env.filters["hms"] = hms
install_filters(templates.env)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200,
           headers: dict[str, str] | None = None) -> HTMLResponse:
    if context.get("user") is None:
        context["user"] = optional_user(request)
    context["csrf"] = csrf_for(request)
    return templates.TemplateResponse(request, name, context, status_code=status, headers=headers)
