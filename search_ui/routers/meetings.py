"""Meeting pages and API: view, search within, reveal, speaker corrections, audio, exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from search_ui.deps import check_csrf
from search_ui.forms import read_form
from search_ui.rendering import render
from search_ui.services import actor, archive
from visio_archive.archive import Revision, SpeakerCorrection
from visio_archive.auth import Permission
from visio_archive.exports import FORMATS
from visio_archive.usecases import (
    Actor,
    Archive,
    ExportFile,
    Forbidden,
    Invalid,
    MeetingView,
    audio_chunks,
    audio_file,
    check_meeting_id,
    correct_speakers,
    export_meeting,
    legal_export,
    public_transcript,
    reveal,
    reveal_transcript,
    revealed_view,
    view_meeting,
)
from visio_archive.usecases.meetings import REVEAL_GRANT_SECONDS, RevealedTranscript
from visio_archive.usecases.speakers import revisions

router = APIRouter()
GRANT_COOKIE = "visio_reveal"


class RevealBody(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="Why the full transcript is needed (audited).")


class CorrectionBody(SpeakerCorrection):
    reason: str | None = Field(None, max_length=500, description="Why (kept in the revision and the audit log).")


def _seconds(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or number != number or number < 0 or number > 10 * 24 * 3600:
        return None
    return number


def _page(request: Request, who: Actor, view: MeetingView, **extra: Any) -> Response:
    return render(request, "meeting.html", {
        "view": view, "meeting": view.header, "start": _seconds(request.query_params.get("t")),
        "can_reveal": who.can(Permission.REVEAL), "can_correct": who.can(Permission.REVEAL),
        "can_legal": who.can(Permission.LEGAL_EXPORT), "can_export": who.can(Permission.EXPORT), **extra,
    })


def _download(file: ExportFile) -> Response:
    return Response(file.data, media_type=file.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{file.filename}\"; filename*=UTF-8''{quote(file.filename)}",
        **({"X-Audit-Timestamp": file.audited_at.isoformat()} if file.audited_at else {}),
    })


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


def _audio(request: Request, arc: Archive, who: Actor, meeting_id: str, download: bool) -> Response:
    audio = audio_file(arc, who, meeting_id, download=download)
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    if download:
        headers["Content-Disposition"] = f'attachment; filename="{audio.filename}"'
    start, end, status = 0, audio.size - 1, 200
    range_header = request.headers.get("range")
    if range_header and audio.size > 0:
        parsed = _parse_range(range_header, audio.size)
        if parsed is None:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{audio.size}", **headers})
        (start, end), status = parsed, 206
        headers["Content-Range"] = f"bytes {start}-{end}/{audio.size}"
    length = end - start + 1 if audio.size > 0 else 0
    headers["Content-Length"] = str(length)
    if request.method == "HEAD" or length == 0:
        return Response(status_code=status, headers=headers, media_type=audio.content_type)
    return StreamingResponse(audio_chunks(arc, audio, start, length), status_code=status, headers=headers,
                             media_type=audio.content_type)


# ---------------------------------------------------------------- pages


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False)
def meeting_page(request: Request, meeting_id: str, q: Annotated[str, Query(max_length=2000)] = "",
                 who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    return _page(request, who, view_meeting(arc, who, meeting_id, q=q),
                 corrected=request.query_params.get("corrected"))


@router.post("/meetings/{meeting_id}/reveal", include_in_schema=False)
async def reveal_page(request: Request, meeting_id: str, who: Actor = Depends(actor),
                      arc: Archive = Depends(archive)) -> Response:
    form = await read_form(request)
    check_meeting_id(meeting_id)
    arc.require(who, Permission.REVEAL, meeting_id=meeting_id)
    check_csrf(request, form)
    grant = reveal(arc, who, meeting_id, form.get("reason", ""))
    # POST-redirect-GET: the full transcript lives at a GET address for the grant's lifetime, so a
    # reload or a timestamp link opened in a new tab neither re-posts nor re-audits.
    target = f"/meetings/{quote(meeting_id)}/revealed"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(GRANT_COOKIE, grant.token, max_age=REVEAL_GRANT_SECONDS, httponly=True, samesite="strict",
                        path=target, secure=request.url.scheme == "https")
    return response


@router.get("/meetings/{meeting_id}/revealed", response_class=HTMLResponse, include_in_schema=False)
def revealed_page(request: Request, meeting_id: str, who: Actor = Depends(actor),
                  arc: Archive = Depends(archive)) -> Response:
    token = request.cookies.get(GRANT_COOKIE, "")
    if not token:
        check_meeting_id(meeting_id)
        arc.require(who, Permission.REVEAL, meeting_id=meeting_id)
        raise Forbidden("Aucune consultation en cours pour cette réunion : indiquez le motif depuis la page de la "
                        "réunion.")
    return _page(request, who, revealed_view(arc, who, meeting_id, token))


@router.post("/meetings/{meeting_id}/speakers", include_in_schema=False)
async def speakers_form(request: Request, meeting_id: str, who: Actor = Depends(actor),
                        arc: Archive = Depends(archive)) -> Response:
    form = await read_form(request)
    check_meeting_id(meeting_id)
    arc.require(who, Permission.REVEAL, meeting_id=meeting_id)
    check_csrf(request, form)
    kind = form.get("kind", "")
    if kind not in ("rename", "merge", "reassign"):
        raise Invalid("Correction inconnue : renommer, fusionner ou réattribuer.")
    segment: int | None = None
    if form.get("segment"):
        try:
            segment = int(form["segment"])
        except ValueError as exc:
            raise Invalid("Tour de parole invalide.") from exc
    into = form.get("into") or None
    name = form.get("name") or None
    if kind == "reassign" and into == "__new__":
        into = None
    correction = SpeakerCorrection(kind=kind, label=form.get("label") or None,
                                   into=into, name=name, segment=segment)
    revision = correct_speakers(arc, who, meeting_id, correction, form.get("reason"))
    anchor = f"#seg-{segment}" if segment is not None else "#speakers"
    return RedirectResponse(f"/meetings/{quote(meeting_id)}?corrected={revision.number}{anchor}", status_code=303)


@router.api_route("/meetings/{meeting_id}/audio", methods=["GET", "HEAD"], include_in_schema=False)
def audio_page(request: Request, meeting_id: str, download: bool = False, who: Actor = Depends(actor),
               arc: Archive = Depends(archive)) -> Response:
    return _audio(request, arc, who, meeting_id, download)


@router.get("/meetings/{meeting_id}/export/{fmt}", include_in_schema=False)
def export_page(meeting_id: str, fmt: str, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    return _download(export_meeting(arc, who, meeting_id, fmt))


@router.get("/meetings/{meeting_id}/legal-export", include_in_schema=False)
def legal_page(meeting_id: str, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    return _download(legal_export(arc, who, meeting_id))


# ---------------------------------------------------------------- API


@router.get("/api/meetings/{meeting_id}", tags=["meetings"])
def api_meeting(meeting_id: str, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> dict[str, Any]:
    """Meeting header (French date, participants, series), speakers and the redacted segments with word
    timings; a span without trustworthy text is one `[passage inaudible …]` segment (`inaudible: true`)."""
    data = public_transcript(arc, who, meeting_id)
    data["audio_url"] = f"/api/meetings/{meeting_id}/audio"
    data["exports"] = {fmt: f"/api/meetings/{meeting_id}/export?format={fmt}" for fmt in FORMATS}
    return data


@router.post("/api/meetings/{meeting_id}/reveal", response_model=RevealedTranscript, tags=["meetings"])
def api_reveal(meeting_id: str, body: RevealBody, who: Actor = Depends(actor),
               arc: Archive = Depends(archive)) -> RevealedTranscript:
    """The full (unredacted) transcript. Records officers only; every call is audited with its reason."""
    return reveal_transcript(arc, who, meeting_id, body.reason)


@router.post("/api/meetings/{meeting_id}/speakers", response_model=Revision, tags=["meetings"])
def api_correct(meeting_id: str, body: Annotated[CorrectionBody, Body()], who: Actor = Depends(actor),
                arc: Archive = Depends(archive)) -> Revision:
    """Rename a speaker (`kind=rename, label, name`), merge two (`kind=merge, label, into`) or reassign one
    turn (`kind=reassign, segment, into` or `name`). Records officers; stored as a revision; audited."""
    correction = SpeakerCorrection.model_validate(body.model_dump(exclude={"reason"}))
    return correct_speakers(arc, who, meeting_id, correction, body.reason)


@router.get("/api/meetings/{meeting_id}/revisions", response_model=list[Revision], tags=["meetings"])
def api_revisions(meeting_id: str, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> list[Revision]:
    """The speaker corrections of a meeting, oldest first (the original transcripts are kept)."""
    return revisions(arc, who, meeting_id)


ExportName = Literal["odt", "docx", "pdf", "md", "srt", "vtt", "json"]


@router.get("/api/meetings/{meeting_id}/export", tags=["exports"],
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}})
def api_export(meeting_id: str, format: Annotated[str, Query(description=", ".join(FORMATS))] = "pdf",
               who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    """Redacted minutes with header and timestamped speaker turns."""
    return _download(export_meeting(arc, who, meeting_id, format))


@router.get("/api/meetings/{meeting_id}/legal-export", tags=["exports"],
            responses={200: {"content": {"application/zip": {}}}})
def api_legal(meeting_id: str, who: Actor = Depends(actor), arc: Archive = Depends(archive)) -> Response:
    """A zip of every redacted format with a SHA-256 manifest (legal, records officers, admins; audited)."""
    return _download(legal_export(arc, who, meeting_id))


# GET is described once in the API description; HEAD (same handler) is left out of it, so that the
# description has one operation id per operation.
@router.head("/api/meetings/{meeting_id}/audio", include_in_schema=False)
@router.get("/api/meetings/{meeting_id}/audio", tags=["meetings"],
            responses={200: {"content": {"audio/ogg": {}}}, 206: {"description": "Partial content"}})
def api_audio(request: Request, meeting_id: str, download: bool = False, who: Actor = Depends(actor),
              arc: Archive = Depends(archive)) -> Response:
    """The redacted audio; honours HTTP Range requests and HEAD."""
    return _audio(request, arc, who, meeting_id, download)
