"""The records officers' search front end: server-rendered pages and a JSON API under /api.

Every route except the login page and the static files needs an authenticated user (session
cookie from the login form, HTTP Basic, or an API token as ``Authorization: Bearer``). Viewers see
redacted text only: pages, API and exports all start from the index (redacted segments) and the
``archive/`` artifacts; the full transcript under ``restricted/`` is read only by
``reveal``, which needs the REVEAL permission and is audited.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from visio_archive import search as search_mod
from visio_archive.archive import FULL_TRANSCRIPT, REDACTED_AUDIO, REDACTED_TRANSCRIPT
from visio_archive.audit import AuditLog
from visio_archive.auth import (
    Authenticator,
    AuthSettings,
    ConfigAuthenticator,
    Permission,
    SessionSigner,
    User,
    session_secret,
    users_file,
)
from visio_archive.exports import FORMATS, export_filename, export_transcript
from visio_archive.exports.common import format_date, hms
from visio_archive.models import RedactedTranscript, Transcript
from visio_archive.settings import Settings

HERE = Path(__file__).resolve().parent
COOKIE = "visio_session"
MEETING_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
MAX_FORM_BYTES = 16 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ---------------------------------------------------------------- errors


class HttpProblem(Exception):
    """An error with a status and a message that is safe to show."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


class NotAuthenticated(Exception):
    pass


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


# ---------------------------------------------------------------- artifacts


class Artifacts:
    """Reads the meeting artifacts from S3 (via visio_archive.storage)."""

    def __init__(self, settings: Settings, storage: Any = None) -> None:
        self.settings = settings
        self._storage = storage

    @property
    def storage(self) -> Any:
        if self._storage is None:
            from visio_archive.storage import Storage

            self._storage = Storage.from_settings(self.settings)
        return self._storage

    def _errors(self) -> tuple[type[Exception], type[Exception], type[Exception]]:
        from visio_archive.storage import ObjectNotFound, StorageError, StorageUnavailable

        return ObjectNotFound, StorageUnavailable, StorageError

    def _get_model(self, key: str, model: type[BaseModel]) -> Any:
        not_found, unavailable, error = self._errors()
        try:
            return self.storage.get_json(key, model)
        except not_found as exc:
            raise HttpProblem(404, "Réunion introuvable dans l'archive.") from exc
        except unavailable as exc:
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        except error as exc:
            raise HttpProblem(502, "Les fichiers de cette réunion sont illisibles.") from exc

    def redacted(self, meeting_id: str) -> RedactedTranscript:
        key = self.storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT)
        result: RedactedTranscript = self._get_model(key, RedactedTranscript)
        return result

    def full(self, meeting_id: str) -> Transcript:
        key = self.storage.restricted_key(meeting_id, FULL_TRANSCRIPT)
        result: Transcript = self._get_model(key, Transcript)
        return result

    def audio_key(self, meeting_id: str) -> str:
        return str(self.storage.artifact_key(meeting_id, REDACTED_AUDIO))

    def stat(self, key: str) -> tuple[int, str] | None:
        from minio.error import S3Error

        try:
            st = self.storage.client.stat_object(bucket_name=self.storage.bucket, object_name=key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound", "NoSuchBucket", "ResourceNotFound"}:
                return None
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        except Exception as exc:
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        return int(st.size or 0), st.content_type or "audio/ogg"

    def stream(self, key: str, offset: int, length: int) -> Iterator[bytes]:
        response = self.storage.client.get_object(
            bucket_name=self.storage.bucket, object_name=key, offset=offset, length=length
        )
        try:
            yield from response.stream(64 * 1024)
        finally:
            response.close()
            response.release_conn()


# ---------------------------------------------------------------- view helpers


@dataclass
class WordView:
    text: str
    start: float
    end: float


@dataclass
class TurnView:
    index: int
    start: float
    end: float
    timestamp: str
    speaker: str
    words: list[WordView]
    text: str


def transcript_turns(transcript: RedactedTranscript | Transcript) -> list[TurnView]:
    names = {s.label: s.name for s in transcript.speakers}
    out: list[TurnView] = []
    segments: list[Any] = list(transcript.segments)
    for position, segment in enumerate(sorted(segments, key=lambda s: s.start)):
        index = getattr(segment, "index", position)
        if getattr(segment, "flagged", None):
            continue
        words = [WordView(w.word.strip(), w.start, w.end) for w in segment.words if w.word.strip()]
        if not words and segment.text.strip():
            words = [WordView(segment.text.strip(), segment.start, segment.end)]
        out.append(
            TurnView(
                index=index,
                start=segment.start,
                end=segment.end,
                timestamp=hms(segment.start),
                speaker=names.get(segment.speaker or "", segment.speaker or "Intervenant inconnu"),
                words=words,
                text=segment.text,
            )
        )
    return out


def _public_transcript(transcript: RedactedTranscript) -> dict[str, Any]:
    """The redacted transcript without the entity spans (they hold the original personal data)."""
    data = transcript.model_dump(mode="json")
    for segment in data["segments"]:
        segment.pop("entities", None)
    return data


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


def _search_params(request: Request) -> dict[str, str | None]:
    keys = ("q", "from", "to", "participant", "title", "series", "language", "meeting", "sort", "page", "size")
    return {k: request.query_params.get(k) for k in keys}


# ---------------------------------------------------------------- API models


class RevealBody(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="Why the full transcript is needed (audited).")


class Me(BaseModel):
    username: str
    role: str
    display_name: str
    permissions: list[str]


# ---------------------------------------------------------------- app factory


def create_app(
    settings: Settings | None = None,
    *,
    authenticator: Authenticator | None = None,
    auth_settings: AuthSettings | None = None,
    storage: Any = None,
    client: Any = None,
    audit: AuditLog | None = None,
) -> FastAPI:
    settings = settings or Settings()
    auth_settings = auth_settings or AuthSettings()
    if authenticator is None:
        authenticator = ConfigAuthenticator.from_file(users_file(auth_settings, settings.state_dir))
    signer = SessionSigner(session_secret(auth_settings, settings.state_dir), auth_settings.session_hours * 3600)
    audit_log = audit or AuditLog.in_state_dir(settings.state_dir)
    artifacts = Artifacts(settings, storage)
    state: dict[str, Any] = {"client": client}

    def os_client() -> Any:
        if state["client"] is None:
            state["client"] = search_mod.open_client(settings)
        return state["client"]

    app = FastAPI(
        title="visio-archive search",
        version="1.0",
        description=(
            "Search the redacted archive of recorded Visio meetings. Authenticate with "
            "`Authorization: Bearer <token>` (API tokens from the users file) or HTTP Basic. "
            "Viewers only ever receive redacted text."
        ),
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals["formats"] = FORMATS
    templates.env.filters["hms"] = hms
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    # ------------------------------------------------------------ security headers

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; media-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if not request.url.path.startswith("/static/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    # ------------------------------------------------------------ authentication

    def _user_from_header(header: str) -> User | None:
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

    def current_user(request: Request) -> User:
        header = request.headers.get("authorization")
        if header:
            user = _user_from_header(header)
            if user is None:
                raise NotAuthenticated()
            return user
        cookie = request.cookies.get(COOKIE)
        if cookie:
            username = signer.loads(cookie)
            if username:
                user = authenticator.get_user(username)
                if user is not None:
                    return user
        raise NotAuthenticated()

    def require(user: User, permission: Permission, request: Request, meeting_id: str | None = None) -> None:
        if not user.can(permission):
            audit_log.record(user.username, "denied", role=user.role.value, meeting_id=meeting_id,
                             details={"permission": permission.value, "path": request.url.path},
                             client=_client(request))
            raise HttpProblem(403, "Votre rôle ne permet pas cette action.")

    def _client(request: Request) -> str | None:
        return request.client.host if request.client else None

    def csrf_for(request: Request) -> str:
        cookie = request.cookies.get(COOKIE)
        return signer.csrf_token(cookie) if cookie else ""

    async def read_form(request: Request) -> dict[str, str]:
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            raise HttpProblem(413, "Formulaire trop volumineux.")
        try:
            parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
        except (UnicodeDecodeError, ValueError) as exc:
            raise HttpProblem(400, "Formulaire illisible.") from exc
        return {k: v[0] for k, v in parsed.items()}

    def check_csrf(request: Request, form: dict[str, str]) -> None:
        if request.headers.get("authorization"):
            return  # not a cookie session: no cross-site request forgery possible
        expected = csrf_for(request)
        if not expected or not _consteq(form.get("csrf", ""), expected):
            raise HttpProblem(403, "Jeton de formulaire invalide ; rechargez la page.")

    def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        context.setdefault("user", None)
        context["csrf"] = csrf_for(request)
        return templates.TemplateResponse(request, name, context, status_code=status)

    # ------------------------------------------------------------ error handlers

    def error_response(request: Request, status: int, message: str,
                       headers: dict[str, str] | None = None) -> Response:
        if _is_api(request) or "text/html" not in request.headers.get("accept", "text/html"):
            return JSONResponse({"detail": message}, status_code=status, headers=headers)
        return render(request, "error.html", {"status": status, "message": message}, status)

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _is_api(request) or request.headers.get("authorization"):
            return JSONResponse(
                {"detail": "Authentification requise."},
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="visio-archive", Basic realm="visio-archive"'},
            )
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    @app.exception_handler(HttpProblem)
    async def _problem(request: Request, exc: HttpProblem) -> Response:
        return error_response(request, exc.status, exc.message, exc.headers)

    @app.exception_handler(search_mod.QueryError)
    async def _query_error(request: Request, exc: search_mod.QueryError) -> Response:
        return error_response(request, 400, str(exc))

    @app.exception_handler(search_mod.SearchUnavailable)
    async def _unavailable(request: Request, exc: search_mod.SearchUnavailable) -> Response:
        return error_response(request, 503, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "requête" for e in exc.errors()})
        return error_response(request, 422, f"Paramètre invalide : {', '.join(fields)}.")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "Page introuvable.", 405: "Méthode non autorisée."}.get(exc.status_code, "Requête refusée.")
        return error_response(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:  # pragma: no cover - last resort
        import logging

        logging.getLogger("search_ui").exception("unexpected error on %s", request.url.path)
        return error_response(request, 500, "Erreur inattendue ; l'incident a été journalisé.")

    # ------------------------------------------------------------ shared logic

    def check_meeting_id(meeting_id: str) -> str:
        if not MEETING_ID.match(meeting_id):
            raise HttpProblem(404, "Réunion introuvable dans l'archive.")
        return meeting_id

    def meeting_metadata(meeting_id: str, transcript: RedactedTranscript) -> dict[str, Any]:
        doc: dict[str, Any] = {}
        try:
            doc = search_mod.get_meeting(os_client(), settings.index_prefix, meeting_id) or {}
        except search_mod.SearchUnavailable:
            doc = {}
        participants: list[str] = list(doc.get("participants") or [])
        for speaker in transcript.speakers:
            if speaker.name not in participants:
                participants.append(speaker.name)
        return {
            "meeting_id": meeting_id,
            "title": transcript.title or doc.get("title") or f"Réunion {meeting_id}",
            "started_at": transcript.started_at or doc.get("started_at"),
            "duration": transcript.duration or doc.get("duration") or 0.0,
            "date_label": format_date(transcript.started_at or doc.get("started_at")),
            "duration_hms": hms(transcript.duration or float(doc.get("duration") or 0.0)),
            "language": transcript.language,
            "series": doc.get("series"),
            "participants": participants,
            "segment_count": len(transcript.segments),
        }

    def do_search(request: Request, user: User, params: dict[str, str | None]) -> search_mod.SearchResult:
        require(user, Permission.SEARCH, request)
        req = build_request(params)
        result = search_mod.search(os_client(), settings.index_prefix, req)
        audit_log.record(
            user.username, "search", role=user.role.value,
            details={k: v for k, v in params.items() if v} | {"total": result.total},
            client=_client(request),
        )
        return result

    def make_export(request: Request, user: User, meeting_id: str, fmt: str) -> Response:
        check_meeting_id(meeting_id)
        require(user, Permission.EXPORT, request, meeting_id)
        if fmt not in FORMATS:
            raise HttpProblem(400, f"Format inconnu ; formats disponibles : {', '.join(FORMATS)}.")
        transcript = artifacts.redacted(meeting_id)
        data = export_transcript(transcript, fmt, meeting_metadata(meeting_id, transcript))
        audit_log.record(user.username, "export", role=user.role.value, meeting_id=meeting_id,
                         details={"format": fmt, "bytes": len(data)}, client=_client(request))
        filename = export_filename(transcript, fmt)
        return Response(
            data,
            media_type=FORMATS[fmt].media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def legal_bundle(request: Request, user: User, meeting_id: str) -> Response:
        check_meeting_id(meeting_id)
        require(user, Permission.LEGAL_EXPORT, request, meeting_id)
        transcript = artifacts.redacted(meeting_id)
        meta = meeting_metadata(meeting_id, transcript)
        buffer = io.BytesIO()
        manifest: dict[str, Any] = {
            "meeting_id": meeting_id,
            "title": meta["title"],
            "generated_at": datetime.now(UTC).isoformat(),
            "generated_by": user.username,
            "role": user.role.value,
            "notice": "Redacted minutes; personal data removed. SHA-256 of each file below.",
            "files": {},
        }
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for fmt in FORMATS:
                data = export_transcript(transcript, fmt, meta)
                name = export_filename(transcript, fmt)
                bundle.writestr(name, data)
                manifest["files"][name] = hashlib.sha256(data).hexdigest()
            bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        entry = audit_log.record(user.username, "legal_export", role=user.role.value, meeting_id=meeting_id,
                                 details={"files": manifest["files"]}, client=_client(request))
        return Response(
            buffer.getvalue(),
            media_type="application/zip",
            headers={
                "Content-Disposition": f'attachment; filename="{meeting_id}.legal-export.zip"',
                "X-Audit-Timestamp": entry.ts.isoformat(),
            },
        )

    def reveal(request: Request, user: User, meeting_id: str, reason: str) -> Transcript:
        check_meeting_id(meeting_id)
        require(user, Permission.REVEAL, request, meeting_id)
        reason = _CONTROL.sub(" ", reason).strip()
        if not 3 <= len(reason) <= 500:
            raise HttpProblem(400, "Indiquez le motif de la consultation (3 à 500 caractères).")
        transcript = artifacts.full(meeting_id)
        audit_log.record(user.username, "reveal", role=user.role.value, meeting_id=meeting_id,
                         details={"reason": reason}, client=_client(request))
        return transcript

    def audio_response(request: Request, user: User, meeting_id: str, download: bool) -> Response:
        check_meeting_id(meeting_id)
        require(user, Permission.VIEW, request, meeting_id)
        key = artifacts.audio_key(meeting_id)
        info = artifacts.stat(key)
        if info is None:
            raise HttpProblem(404, "Pas d'audio caviardé pour cette réunion.")
        size, content_type = info
        headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
        if download:
            require(user, Permission.EXPORT, request, meeting_id)
            headers["Content-Disposition"] = f'attachment; filename="{meeting_id}.redacted.ogg"'
            audit_log.record(user.username, "audio_download", role=user.role.value, meeting_id=meeting_id,
                             client=_client(request))
        range_header = request.headers.get("range")
        start, end = 0, size - 1
        status = 200
        if range_header and size > 0:
            parsed = _parse_range(range_header, size)
            if parsed is None:
                return Response(status_code=416, headers={"Content-Range": f"bytes */{size}", **headers})
            start, end = parsed
            status = 206
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
        length = end - start + 1 if size > 0 else 0
        headers["Content-Length"] = str(length)
        if request.method == "HEAD" or length == 0:
            return Response(status_code=status, headers=headers, media_type=content_type)
        return StreamingResponse(
            artifacts.stream(key, start, length), status_code=status, headers=headers, media_type=content_type
        )

    # ------------------------------------------------------------ pages

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/") -> Response:
        return render(request, "login.html", {"next": _safe_next(next), "error": None})

    @app.post("/login", include_in_schema=False)
    async def login_submit(request: Request) -> Response:
        form = await read_form(request)
        username = (form.get("username") or "")[:200]
        password = (form.get("password") or "")[:1000]
        next_url = _safe_next(form.get("next") or "/")
        user = authenticator.authenticate_password(username, password) if username else None
        if user is None:
            audit_log.record(username or "-", "login_failed", client=_client(request))
            return render(request, "login.html",
                          {"next": next_url, "error": "Identifiant ou mot de passe incorrect."}, 401)
        audit_log.record(user.username, "login", role=user.role.value, client=_client(request))
        response = RedirectResponse(next_url, status_code=303)
        response.set_cookie(
            COOKIE, signer.dumps(user.username), max_age=int(signer.max_age), httponly=True,
            samesite="lax", secure=auth_settings.cookie_secure, path="/",
        )
        return response

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request, user: User = Depends(current_user)) -> Response:
        form = await read_form(request)
        check_csrf(request, form)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request, user: User = Depends(current_user)) -> Response:
        params = _search_params(request)
        context: dict[str, Any] = {"user": user, "params": params, "result": None, "error": None,
                                   "searched": False}
        active = any(params.get(k) for k in ("q", "from", "to", "participant", "title", "series", "language",
                                             "meeting"))
        status = 200
        if active:
            context["searched"] = True
            try:
                context["result"] = do_search(request, user, params)
            except search_mod.QueryError as exc:
                context["error"], status = str(exc), 400
            except search_mod.SearchUnavailable as exc:
                context["error"], status = str(exc), 503
        else:
            require(user, Permission.SEARCH, request)
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

    def meeting_view(
        request: Request, user: User, meeting_id: str, *, redacted: RedactedTranscript,
        shown: RedactedTranscript | Transcript,
        start: float | None = None, q: str = "",
    ) -> Response:
        """The meeting page: metadata from the redacted transcript, turns from ``shown`` (the redacted
        one, or the full one after an audited reveal)."""
        revealed = shown is not redacted
        return render(request, "meeting.html", {
            "user": user,
            "meeting": meeting_metadata(meeting_id, redacted),
            "turns": transcript_turns(shown),
            "has_audio": artifacts.stat(artifacts.audio_key(meeting_id)) is not None,
            "revealed": revealed,
            "can_reveal": revealed or user.can(Permission.REVEAL),
            "can_legal": user.can(Permission.LEGAL_EXPORT),
            "start": start,
            "q": q,
        })

    @app.get("/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False)
    def meeting_page(request: Request, meeting_id: str, user: User = Depends(current_user)) -> Response:
        check_meeting_id(meeting_id)
        require(user, Permission.VIEW, request, meeting_id)
        transcript = artifacts.redacted(meeting_id)
        audit_log.record(user.username, "view", role=user.role.value, meeting_id=meeting_id,
                         client=_client(request))
        return meeting_view(
            request, user, meeting_id, redacted=transcript, shown=transcript,
            start=_float_or_none(request.query_params.get("t")),
            q=_CONTROL.sub(" ", request.query_params.get("q") or "")[: search_mod.MAX_QUERY_CHARS],
        )

    @app.post("/meetings/{meeting_id}/reveal", response_class=HTMLResponse, include_in_schema=False)
    async def reveal_page(request: Request, meeting_id: str, user: User = Depends(current_user)) -> Response:
        form = await read_form(request)
        check_meeting_id(meeting_id)
        require(user, Permission.REVEAL, request, meeting_id)
        check_csrf(request, form)
        full = reveal(request, user, meeting_id, form.get("reason", ""))
        return meeting_view(request, user, meeting_id, redacted=artifacts.redacted(meeting_id), shown=full)

    @app.get("/meetings/{meeting_id}/audio", include_in_schema=False)
    def audio_page(request: Request, meeting_id: str, download: bool = False,
                   user: User = Depends(current_user)) -> Response:
        return audio_response(request, user, meeting_id, download)

    @app.get("/meetings/{meeting_id}/export/{fmt}", include_in_schema=False)
    def export_page(request: Request, meeting_id: str, fmt: str, user: User = Depends(current_user)) -> Response:
        return make_export(request, user, meeting_id, fmt)

    @app.get("/meetings/{meeting_id}/legal-export", include_in_schema=False)
    def legal_page(request: Request, meeting_id: str, user: User = Depends(current_user)) -> Response:
        return legal_bundle(request, user, meeting_id)

    @app.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request, user: User = Depends(current_user)) -> Response:
        require(user, Permission.AUDIT_READ, request)
        return render(request, "audit.html", {
            "user": user, "entries": audit_log.tail(300), "chain_ok": audit_log.verify_chain(),
        })

    # ------------------------------------------------------------ API

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(user: User = Depends(current_user)) -> JSONResponse:
        schema = app.openapi()
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer"},
            "basic": {"type": "http", "scheme": "basic"},
        }
        schema["security"] = [{"bearer": []}, {"basic": []}]
        return JSONResponse(schema)

    @app.get("/api/me", response_model=Me, tags=["session"])
    def api_me(user: User = Depends(current_user)) -> Me:
        return Me(username=user.username, role=user.role.value, display_name=user.label,
                  permissions=sorted(p.value for p in Permission if user.can(p)))

    @app.get("/api/search", response_model=search_mod.SearchResult, tags=["search"])
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
    ) -> search_mod.SearchResult:
        """Search the redacted segments. `highlight` is HTML: escaped text with `<mark>` around matches."""
        return do_search(request, user, _search_params(request))

    @app.get("/api/meetings/{meeting_id}", tags=["meetings"])
    def api_meeting(request: Request, meeting_id: str, user: User = Depends(current_user)) -> dict[str, Any]:
        """Meeting metadata and its redacted transcript (segments with word timings)."""
        check_meeting_id(meeting_id)
        require(user, Permission.VIEW, request, meeting_id)
        transcript = artifacts.redacted(meeting_id)
        audit_log.record(user.username, "view", role=user.role.value, meeting_id=meeting_id,
                         client=_client(request))
        meta = meeting_metadata(meeting_id, transcript)
        meta["started_at"] = meta["started_at"].isoformat() if isinstance(meta["started_at"], datetime) else \
            meta["started_at"]
        return {
            "meeting": meta,
            "transcript": _public_transcript(transcript),
            "audio_url": f"/api/meetings/{meeting_id}/audio",
            "exports": {fmt: f"/api/meetings/{meeting_id}/export?format={fmt}" for fmt in FORMATS},
        }

    @app.post("/api/meetings/{meeting_id}/reveal", response_model=Transcript, tags=["meetings"])
    def api_reveal(request: Request, meeting_id: str, body: RevealBody,
                   user: User = Depends(current_user)) -> Transcript:
        """The full (unredacted) transcript. Records officers only; every call is audited with its reason."""
        return reveal(request, user, meeting_id, body.reason)

    @app.get("/api/meetings/{meeting_id}/export", tags=["exports"],
             responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}})
    def api_export(request: Request, meeting_id: str, format: str = Query("pdf", description=", ".join(FORMATS)),
                   user: User = Depends(current_user)) -> Response:
        """Redacted minutes with header and timestamped speaker turns."""
        return make_export(request, user, meeting_id, format)

    @app.get("/api/meetings/{meeting_id}/legal-export", tags=["exports"],
             responses={200: {"content": {"application/zip": {}}}})
    def api_legal(request: Request, meeting_id: str, user: User = Depends(current_user)) -> Response:
        """A zip of every redacted format with a SHA-256 manifest (legal, records officers, admins; audited)."""
        return legal_bundle(request, user, meeting_id)

    @app.get("/api/meetings/{meeting_id}/audio", tags=["meetings"],
             responses={200: {"content": {"audio/ogg": {}}}, 206: {"description": "Partial content"}})
    def api_audio(request: Request, meeting_id: str, download: bool = False,
                  user: User = Depends(current_user)) -> Response:
        """The redacted audio; honours HTTP Range requests."""
        return audio_response(request, user, meeting_id, download)

    @app.get("/api/audit", tags=["audit"])
    def api_audit(request: Request, limit: int = Query(200, ge=1, le=5000), action: str | None = None,
                  meeting: str | None = None, user: User = Depends(current_user)) -> list[dict[str, Any]]:
        """Most recent audit entries first (admins)."""
        require(user, Permission.AUDIT_READ, request)
        return [e.model_dump(mode="json") for e in audit_log.tail(limit, action, meeting)]

    app.state.audit = audit_log
    app.state.signer = signer
    return app


def _consteq(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a.encode(), b.encode())


def _safe_next(value: str) -> str:
    if not value.startswith("/") or value.startswith("//") or "\\" in value or len(value) > 2000:
        return "/"
    return value


def _float_or_none(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or number != number or number < 0 or number > 10 * 24 * 3600:
        return None
    return number


def _month_end(month: str) -> str:
    year, mon = (int(x) for x in month.split("-")[:2])
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=`` range -> (start, end) inclusive; None when unsatisfiable or malformed."""
    unit, _, spec = header.partition("=")
    if unit.strip().lower() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            suffix = int(last)
            if suffix <= 0:
                return None
            return max(0, size - suffix), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start < 0 or start >= size or end < start:
        return None
    return start, min(end, size - 1)
