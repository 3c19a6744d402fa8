"""Login and logout pages (the form-based login against the configured Authenticator)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_ui.deps import COOKIE, auth_runtime, check_csrf, current_user
from search_ui.forms import read_form
from search_ui.rendering import render
from search_ui.services import client_address, services
from visio_archive.auth import User

router = APIRouter(include_in_schema=False)


def safe_next(value: str) -> str:
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return "/"
    return value


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
async def login_submit(request: Request) -> Response:
    runtime = auth_runtime(request)
    audit = services(request).audit
    form = await read_form(request)
    username = (form.get("username") or "")[:200]
    password = (form.get("password") or "")[:1000]
    next_url = safe_next(form.get("next") or "/")
    user = runtime.authenticator.authenticate_password(username, password) if username else None
    if user is None:
        audit.record(username or "-", "login_failed", client=client_address(request))
        return render(request, "login.html", {"next": next_url, "error": "Identifiant ou mot de passe incorrect."},
                      401)
    audit.record(user.username, "login", role=user.role.value, client=client_address(request))
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        COOKIE, runtime.signer.dumps(user.username), max_age=int(runtime.signer.max_age), httponly=True,
        samesite="lax", secure=runtime.settings.cookie_secure, path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request, user: User = Depends(current_user)) -> Response:
    form = await read_form(request)
    check_csrf(request, form)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
