"""Signing in and out: the login page (users file and/or the identity provider), the OpenID Connect
login and callback, logout (RP-initiated at the provider for OIDC sessions), the page for a person
the archive gives no role, and the admin page of the access table.

Routes: ``GET /login``, ``POST /login``, ``GET /oidc/login``, ``GET /oidc/callback``, ``POST /logout``,
``GET /admin/access``, ``POST /admin/access``, ``POST /admin/access/remove``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from search_ui.deps import (
    COOKIE,
    LOGIN_COOKIE,
    AuthRuntime,
    auth_runtime,
    check_csrf,
    client_address,
    current_user,
    login_binding,
)
from search_ui.forms import read_form
from search_ui.rendering import render
from visio_archive.auth import Permission, User
from visio_archive.identity.access import KIND_ORDER, AccessError, Grant, normalize
from visio_archive.identity.service import LoginRefused, NoRole

router = APIRouter(include_in_schema=False)
OIDC_COOKIE = "visio_oidc"  # binds a pending provider login to the browser that started it


def safe_next(value: str) -> str:
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return "/"
    return value


def _secure(request: Request, runtime: AuthRuntime) -> bool:
    """``Secure`` unless the public URL is plain http on loopback, and always when served over https."""
    return runtime.cookie_secure or request.url.scheme == "https"


def _session_cookie(request: Request, response: Response, runtime: AuthRuntime, cookie: str) -> None:
    # A new session id at every sign-in (no fixation); the browser's previous session, if any, ends.
    previous = request.cookies.get(COOKIE)
    if previous:
        runtime.identity.sessions.revoke(previous)
    response.set_cookie(COOKIE, cookie, max_age=int(runtime.settings.session_hours * 3600), httponly=True,
                        samesite="lax", secure=_secure(request, runtime), path="/")
    response.delete_cookie(LOGIN_COOKIE, path="/")


def _login_page(request: Request, context: dict[str, Any], status: int = 200,
                headers: dict[str, str] | None = None) -> Response:
    runtime = auth_runtime(request)
    identity = runtime.identity
    context.setdefault("error", None)
    context.setdefault("notice", None)
    context.update(
        oidc=identity.oidc_enabled,
        provider_name=runtime.settings.provider_name,
        local_login=identity.has_local_users,
    )
    binding = login_binding(request)
    response = render(request, "login.html", context, status, headers=headers)
    if getattr(request.state, "new_login_binding", False):
        response.set_cookie(LOGIN_COOKIE, binding, max_age=3600, httponly=True, samesite="strict",
                            secure=_secure(request, runtime), path="/")
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/", logged_out: str | None = None) -> Response:
    runtime = auth_runtime(request)
    next_url = safe_next(next)
    if runtime.identity.oidc_enabled and not runtime.identity.has_local_users and not logged_out:
        return RedirectResponse(f"/oidc/login?next={quote(next_url, safe='')}", status_code=303)
    notice = "Vous êtes déconnecté(e)." if logged_out else None
    return _login_page(request, {"next": next_url, "notice": notice})


@router.post("/login")
async def login_submit(request: Request) -> Response:
    runtime = auth_runtime(request)
    form = await read_form(request)
    next_url = safe_next(form.get("next") or "/")
    check_csrf(request, form)
    username = (form.get("username") or "").strip()
    password = form.get("password") or ""
    address = client_address(request)
    try:
        # scrypt runs in a worker thread under the bounded hasher; the event loop stays free.
        user = await anyio.to_thread.run_sync(runtime.identity.password_login, username, password, address, "form")
    except LoginRefused as refusal:
        headers = {"Retry-After": str(max(1, round(refusal.retry_after)))} if refusal.retry_after else None
        return _login_page(request, {"next": next_url, "error": refusal.message, "username": username[:200]},
                           refusal.status, headers)
    cookie, _ = runtime.identity.open_session(user, address)
    response = RedirectResponse(next_url, status_code=303)
    _session_cookie(request, response, runtime, cookie)
    return response


@router.get("/oidc/login")
def oidc_login(request: Request, next: str = "/") -> Response:
    runtime = auth_runtime(request)
    try:
        url, binding = runtime.identity.begin_oidc(safe_next(next))
    except LoginRefused as refusal:
        return _login_page(request, {"next": safe_next(next), "error": refusal.message}, refusal.status)
    response = RedirectResponse(url, status_code=303)
    # Lax, not Strict: the provider sends the browser back with a top-level cross-site GET.
    response.set_cookie(OIDC_COOKIE, binding, max_age=600, httponly=True, samesite="lax",
                        secure=_secure(request, runtime), path="/oidc/")
    return response


@router.get("/oidc/callback")
def oidc_callback(request: Request, code: str | None = None, state: str | None = None,
                  error: str | None = None) -> Response:
    runtime = auth_runtime(request)
    try:
        _user, cookie, _, next_url = runtime.identity.complete_oidc(
            code=code, state=state, binding=request.cookies.get(OIDC_COOKIE), error=error,
            address=client_address(request))
    except NoRole as refusal:
        logout_url = runtime.identity.oidc.end_session_url(refusal.id_token) if runtime.identity.oidc else None
        response: Response = render(request, "no_role.html", {
            "identity": refusal.identity, "message": refusal.message, "logout_url": logout_url}, 403)
        response.delete_cookie(OIDC_COOKIE, path="/oidc/")
        return response
    except LoginRefused as refusal:
        response = _login_page(request, {"next": "/", "error": refusal.message}, refusal.status)
        response.delete_cookie(OIDC_COOKIE, path="/oidc/")
        return response
    response = RedirectResponse(safe_next(next_url), status_code=303)
    _session_cookie(request, response, runtime, cookie)
    response.delete_cookie(OIDC_COOKIE, path="/oidc/")
    return response


@router.post("/logout")
async def logout(request: Request, user: User = Depends(current_user)) -> Response:
    runtime = auth_runtime(request)
    form = await read_form(request)
    check_csrf(request, form)
    end_session = runtime.identity.logout(request.cookies.get(COOKIE, ""), client_address(request))
    response: Response
    if end_session:
        # Not a redirect: the page's CSP (form-action 'self') rightly forbids a form post from ending up
        # at another origin, so a small page goes on to the provider's logout (meta refresh, and a link).
        response = render(request, "logout.html", {"user": None, "end_session": end_session,
                                                   "provider_name": runtime.settings.provider_name})
    else:
        response = RedirectResponse("/login?logged_out=1", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


# ---------------------------------------------------------------- admin: the access table


def _require_admin(request: Request, user: User) -> None:
    if not user.can(Permission.MANAGE_ACCESS):
        runtime = auth_runtime(request)
        runtime.identity.audit.record(user.username, "denied", role=user.role.value, client=client_address(request),
                                      details={"permission": Permission.MANAGE_ACCESS.value,
                                               "path": request.url.path})
        from search_ui.errors import HttpProblem

        raise HttpProblem(403, "Votre rôle ne permet pas cette action.")


def _access_page(request: Request, user: User, error: str | None = None, notice: str | None = None,
                 status: int = 200) -> Response:
    runtime = auth_runtime(request)
    try:
        rules = sorted(runtime.identity.access.rules(), key=lambda r: (KIND_ORDER.index(r.kind), r.value))
    except AccessError as exc:
        rules, error = [], str(exc)
    return render(request, "access.html", {
        "user": user, "rules": rules, "kinds": KIND_ORDER, "grants": [g.value for g in Grant],
        "error": error, "notice": notice,
        "groups_claim": runtime.identity.settings.oidc_groups_claim,
    }, status)


@router.get("/admin/access", response_class=HTMLResponse)
def access_page(request: Request, user: User = Depends(current_user)) -> Response:
    _require_admin(request, user)
    return _access_page(request, user)


def _edit(request: Request, user: User, form: dict[str, str], remove: bool) -> Response:
    runtime = auth_runtime(request)
    kind = form.get("kind", "")
    if kind not in KIND_ORDER:
        return _access_page(request, user, error="Type de règle inconnu.", status=400)
    try:
        value = normalize(kind, form.get("value", ""))
        if remove:
            previous = runtime.identity.access.remove(kind, value)
            grant = None
        else:
            grant = Grant(form.get("grant", ""))
            previous = runtime.identity.access.set(kind, value, grant, actor=user.username,
                                                   note=(form.get("note") or "")[:500])
    except (AccessError, ValueError) as exc:
        message = str(exc) if isinstance(exc, AccessError) else "Rôle inconnu."
        return _access_page(request, user, error=message, status=400)
    if remove and previous is None:
        return _access_page(request, user, error=f"Aucune règle {kind} {value}.", status=404)
    before = previous.grant.value if previous else None
    after = grant.value if grant else None
    ended = runtime.identity.revoke_for_rule(kind, value) if before != after else 0
    runtime.identity.audit.record(user.username, "access_change", role=user.role.value,
                                  client=client_address(request),
                                  details={"kind": kind, "value": value, "role": after, "previous": before,
                                           "sessions_ended": ended})
    notice = (f"Règle {kind} {value} supprimée." if remove else f"Règle {kind} {value} : {after}.")
    if ended:
        notice += f" {ended} session(s) fermée(s)."
    return _access_page(request, user, notice=notice)


@router.post("/admin/access", response_class=HTMLResponse)
async def access_set(request: Request, user: User = Depends(current_user)) -> Response:
    form = await read_form(request)
    _require_admin(request, user)
    check_csrf(request, form)
    return _edit(request, user, form, remove=False)


@router.post("/admin/access/remove", response_class=HTMLResponse)
async def access_remove(request: Request, user: User = Depends(current_user)) -> Response:
    form = await read_form(request)
    _require_admin(request, user)
    check_csrf(request, form)
    return _edit(request, user, form, remove=True)
