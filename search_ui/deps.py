"""Who is asking: the authentication piece of the web app, in one replaceable module.

Everything the rest of the app needs from authentication goes through this module:

* :func:`install_auth` (called once by ``create_app``) builds the
  :class:`~visio_archive.identity.service.IdentityService` (users file, OpenID Connect provider,
  access table, server-held sessions, throttle) on ``app.state.auth`` and registers the handler that
  turns :class:`NotAuthenticated` into a 401 (API) or a redirect to the login page (pages);
* :func:`current_user` is the FastAPI dependency every protected route declares
  (``user: User = Depends(current_user)``);
* :func:`optional_user` is the same without failing (error pages keep the header);
* :func:`csrf_for` / :func:`check_csrf` protect state-changing forms.

Credentials, in order: ``Authorization: Bearer`` (an archive API token, or a JWT access token from
the provider), HTTP Basic (users file, throttled), or the session cookie (an id into the server-held
session store). A cookie-authenticated request that changes state (POST, PUT, PATCH, DELETE) must
come from the archive's own pages: ``Sec-Fetch-Site`` must be ``same-origin`` (or ``none``) and
``Origin``, when sent, must be the archive's. Routers never read cookies or ``Authorization``
headers themselves.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, RedirectResponse, Response

from visio_archive.auth import Authenticator, AuthSettings, User, session_secret
from visio_archive.identity.service import IdentityService, LoginRefused
from visio_archive.settings import Settings

COOKIE = "visio_session"
LOGIN_COOKIE = "visio_login"  # anonymous: binds the login form's CSRF token and a pending OIDC login
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotAuthenticated(Exception):
    """No valid credentials on a request that needs them."""


@dataclass
class AuthRuntime:
    identity: IdentityService
    settings: AuthSettings
    secret: bytes  # keys the login form's CSRF token

    @property
    def authenticator(self) -> Authenticator:
        return self.identity.local

    @property
    def cookie_secure(self) -> bool:
        return self.identity.cookie_secure


def install_auth(app: FastAPI, settings: Settings | Path, auth_settings: AuthSettings | None = None,
                 authenticator: Authenticator | None = None) -> AuthRuntime:
    """``settings``: the app's Settings (given a bare state directory, the Settings already on
    ``app.state.archive`` are used when they name that directory)."""
    if not isinstance(settings, Settings):
        known = getattr(getattr(app.state, "archive", None), "settings", None)
        same = isinstance(known, Settings) and known.state_dir == settings
        settings = known if same and isinstance(known, Settings) else Settings(state_dir=settings)
    auth_settings = auth_settings or AuthSettings()
    identity = IdentityService.from_settings(settings, auth_settings, audit=getattr(app.state, "audit", None),
                                             local=authenticator)
    runtime = AuthRuntime(identity, auth_settings, session_secret(auth_settings, settings.state_dir))
    app.state.auth = runtime
    app.state.identity = identity
    app.add_exception_handler(NotAuthenticated, _not_authenticated)  # type: ignore[arg-type]
    return runtime


def auth_runtime(request: Request) -> AuthRuntime:
    runtime: AuthRuntime = request.app.state.auth
    return runtime


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
    if request.url.path.startswith("/api/") or request.headers.get("authorization"):
        return JSONResponse(
            {"detail": "Authentification requise."},
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="visio-archive", Basic realm="visio-archive"'},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _problem(status: int, message: str, headers: dict[str, str] | None = None) -> Exception:
    from search_ui.errors import HttpProblem

    return HttpProblem(status, message, headers)


def _from_header(request: Request, identity: IdentityService, header: str) -> User | None:
    """The user of an Authorization header; None when it carries no usable credentials. A refusal
    other than "wrong credentials" (throttled, no role, saturated) is kept on ``request.state``."""
    scheme, _, value = header.partition(" ")
    value = value.strip()
    address = client_address(request)
    try:
        if scheme.lower() == "bearer" and value:
            return identity.bearer(value, address)
        if scheme.lower() == "basic" and value:
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                identity.failed("basic", "malformed Basic header", address=address)
                return None
            username, sep, password = decoded.partition(":")
            if not sep:
                identity.failed("basic", "malformed Basic header", address=address)
                return None
            return identity.password_login(username, password, address, kind="basic")
        identity.failed("header", f"unsupported Authorization scheme {scheme[:20]!r}", address=address)
    except LoginRefused as refusal:
        if refusal.status != 401:
            request.state.auth_refusal = refusal
    return None


def optional_user(request: Request) -> User | None:
    """The authenticated user, or None (never raises)."""
    if getattr(request.state, "auth_done", False):
        cached: User | None = getattr(request.state, "user", None)
        return cached
    identity = auth_runtime(request).identity
    header = request.headers.get("authorization")
    user: User | None = None
    if header:
        user = _from_header(request, identity, header)
    else:
        cookie = request.cookies.get(COOKIE)
        if cookie:
            user = identity.session_user(cookie, client_address(request))
            request.state.cookie_session = user is not None
    request.state.user = user
    request.state.auth_done = True
    return user


def same_origin(request: Request, public_url: str) -> bool:
    """Did a browser send this from the archive's own pages? (Fetch metadata, then Origin.)"""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a cross-site browser request (browsers send Origin on those), or not a browser
    public = urlsplit(public_url)
    allowed = {f"{public.scheme}://{public.netloc}".lower()}
    host = request.headers.get("host")
    if host:
        allowed.add(f"{request.url.scheme}://{host}".lower())
    return origin.lower() in allowed


# search-perf (issue 12): a session cookie is looked up on the event loop (one SQLite read, cheap, no
# worker-thread hop per request); an Authorization header may hash a password or fetch a provider's
# keys, so it is checked in a worker thread.
async def current_user(request: Request) -> User:
    """FastAPI dependency: the authenticated user; NotAuthenticated otherwise."""
    if request.headers.get("authorization") and not getattr(request.state, "auth_done", False):
        return await run_in_threadpool(_current_user, request)
    return _current_user(request)


def _current_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        refusal: LoginRefused | None = getattr(request.state, "auth_refusal", None)
        if refusal is not None:
            headers = {"Retry-After": str(max(1, round(refusal.retry_after)))} if refusal.retry_after else None
            raise _problem(refusal.status, refusal.message, headers)
        raise NotAuthenticated()
    if getattr(request.state, "cookie_session", False) and request.method in UNSAFE_METHODS:
        identity = auth_runtime(request).identity
        if not same_origin(request, identity.settings.public_url):
            identity.audit.record(user.username, "denied", role=user.role.value, client=client_address(request),
                                  details={"reason": "cross-site request with a session cookie",
                                           "path": request.url.path,
                                           "origin": (request.headers.get("origin") or "")[:200],
                                           "sec_fetch_site": request.headers.get("sec-fetch-site")})
            raise _problem(403, "Requête refusée : elle ne vient pas des pages de l'archive.")
    return user


# ---------------------------------------------------------------- CSRF


def login_binding(request: Request) -> str:
    """The anonymous browser's binding value (cookie ``visio_login``), made on first use; the login
    router sets the cookie when it is new (``request.state.new_login_binding``)."""
    value: str | None = getattr(request.state, "login_binding", None)
    if value:
        return value
    value = request.cookies.get(LOGIN_COOKIE) or ""
    if not 20 <= len(value) <= 100:
        value = secrets.token_urlsafe(24)
        request.state.new_login_binding = True
    request.state.login_binding = value
    return value


def _login_csrf(request: Request, binding: str) -> str:
    return hmac.new(auth_runtime(request).secret, b"login-csrf:" + binding.encode(), hashlib.sha256).hexdigest()


def csrf_for(request: Request) -> str:
    """The CSRF token for the forms of this page: the session's own token, or (signed-out pages such
    as the login form) one bound to the ``visio_login`` cookie."""
    user = optional_user(request)
    if user is not None and user.csrf:
        return user.csrf
    if user is not None:
        return ""  # Authorization header: no cookie, nothing to forge
    return _login_csrf(request, login_binding(request))


def check_csrf(request: Request, form: dict[str, str]) -> None:
    if request.headers.get("authorization"):
        return  # not a cookie session: no cross-site request forgery possible
    user = optional_user(request)
    if user is not None and user.csrf:
        expected = user.csrf
    elif user is None and request.cookies.get(LOGIN_COOKIE):
        expected = _login_csrf(request, request.cookies[LOGIN_COOKIE])
    else:
        expected = ""
    if not expected or not hmac.compare_digest(form.get("csrf", "").encode(), expected.encode()):
        raise _problem(403, "Jeton de formulaire invalide ; rechargez la page.")
