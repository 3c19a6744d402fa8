"""Who is asking: the authentication piece of the web app, in one replaceable module.

Everything the rest of the app needs from authentication goes through this module:

* :func:`install_auth` (called once by ``create_app``) keeps the identity source and the session
  machinery on ``app.state.auth`` and registers the handler that turns :class:`NotAuthenticated`
  into a 401 (API) or a redirect to the login page (pages);
* :func:`current_user` is the FastAPI dependency every protected route declares
  (``user: User = Depends(current_user)``);
* :func:`optional_user` is the same without failing (error pages keep the header);
* :func:`csrf_for` / :func:`check_csrf` protect state-changing forms.

Routers never read cookies or ``Authorization`` headers themselves.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from visio_archive.auth import (
    Authenticator,
    AuthSettings,
    ConfigAuthenticator,
    SessionSigner,
    User,
    session_secret,
    users_file,
)

COOKIE = "visio_session"


class NotAuthenticated(Exception):
    """No valid credentials on a request that needs them."""


@dataclass
class AuthRuntime:
    authenticator: Authenticator
    signer: SessionSigner
    settings: AuthSettings


def install_auth(app: FastAPI, state_dir: Path, auth_settings: AuthSettings | None = None,
                 authenticator: Authenticator | None = None) -> AuthRuntime:
    auth_settings = auth_settings or AuthSettings()
    if authenticator is None:
        authenticator = ConfigAuthenticator.from_file(users_file(auth_settings, state_dir))
    signer = SessionSigner(session_secret(auth_settings, state_dir), auth_settings.session_hours * 3600)
    runtime = AuthRuntime(authenticator, signer, auth_settings)
    app.state.auth = runtime
    app.state.signer = signer
    app.add_exception_handler(NotAuthenticated, _not_authenticated)  # type: ignore[arg-type]
    return runtime


def auth_runtime(request: Request) -> AuthRuntime:
    runtime: AuthRuntime = request.app.state.auth
    return runtime


async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if request.url.path.startswith("/api/") or request.headers.get("authorization"):
        return JSONResponse(
            {"detail": "Authentification requise."},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="visio-archive", Basic realm="visio-archive"'},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _user_from_header(authenticator: Authenticator, header: str) -> User | None:
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer" and value:
        return authenticator.authenticate_token(value)
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        username, sep, password = decoded.partition(":")
        return authenticator.authenticate_password(username, password) if sep else None
    return None


def optional_user(request: Request) -> User | None:
    """The authenticated user, or None (never raises)."""
    cached: User | None = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    runtime = auth_runtime(request)
    header = request.headers.get("authorization")
    user: User | None = None
    if header:
        user = _user_from_header(runtime.authenticator, header)
    else:
        cookie = request.cookies.get(COOKIE)
        username = runtime.signer.loads(cookie) if cookie else None
        if username:
            user = runtime.authenticator.get_user(username)
    if user is not None:
        request.state.user = user
    return user


def current_user(request: Request) -> User:
    """FastAPI dependency: the authenticated user; NotAuthenticated otherwise."""
    user = optional_user(request)
    if user is None:
        raise NotAuthenticated()
    return user


def csrf_for(request: Request) -> str:
    """The CSRF token of this browser session ('' without a session cookie)."""
    cookie = request.cookies.get(COOKIE)
    return auth_runtime(request).signer.csrf_token(cookie) if cookie else ""


def check_csrf(request: Request, form: dict[str, str]) -> None:
    if request.headers.get("authorization"):
        return  # not a cookie session: no cross-site request forgery possible
    expected = csrf_for(request)
    if not expected or not hmac.compare_digest(form.get("csrf", "").encode(), expected.encode()):
        from search_ui.errors import HttpProblem

        raise HttpProblem(403, "Jeton de formulaire invalide ; rechargez la page.")
