"""Meeting pages and API: view, reveal, audio, exports, legal export."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel, Field

from search_ui.deps import check_csrf, current_user
from search_ui.errors import HttpProblem
from search_ui.forms import read_form
from search_ui.rendering import render
from search_ui.services import UiServices, check_meeting_id, client_address, services
from visio_archive import search as search_mod
from visio_archive.auth import Permission, User
from visio_archive.exports import FORMATS, export_filename, export_transcript
from visio_archive.exports.common import format_date, hms
from visio_archive.models import RedactedTranscript, Transcript

router = APIRouter()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class RevealBody(BaseModel):
    reason: str = Field(min_length=3, max_length=500, description="Why the full transcript is needed (audited).")


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
        out.append(TurnView(
            index=index, start=segment.start, end=segment.end, timestamp=hms(segment.start),
            speaker=names.get(segment.speaker or "", segment.speaker or "Intervenant inconnu"),
            words=words, text=segment.text,
        ))
    return out


def _public_transcript(transcript: RedactedTranscript) -> dict[str, Any]:
    """The redacted transcript without the entity spans (they hold the original personal data)."""
    data = transcript.model_dump(mode="json")
    for segment in data["segments"]:
        segment.pop("entities", None)
    return data


def meeting_metadata(svc: UiServices, meeting_id: str, transcript: RedactedTranscript) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    try:
        doc = search_mod.get_meeting(svc.search_client, svc.settings.index_prefix, meeting_id) or {}
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


def _float_or_none(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    if number is None or number != number or number < 0 or number > 10 * 24 * 3600:
        return None
    return number


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


def make_export(svc: UiServices, request: Request, user: User, meeting_id: str, fmt: str) -> Response:
    check_meeting_id(meeting_id)
    svc.require(user, Permission.EXPORT, request, meeting_id)
    if fmt not in FORMATS:
        raise HttpProblem(400, f"Format inconnu ; formats disponibles : {', '.join(FORMATS)}.")
    transcript = svc.redacted(meeting_id)
    data = export_transcript(transcript, fmt, meeting_metadata(svc, meeting_id, transcript))
    svc.audit.record(user.username, "export", role=user.role.value, meeting_id=meeting_id,
                     details={"format": fmt, "bytes": len(data)}, client=client_address(request))
    filename = export_filename(transcript, fmt)
    return Response(data, media_type=FORMATS[fmt].media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def legal_bundle(svc: UiServices, request: Request, user: User, meeting_id: str) -> Response:
    check_meeting_id(meeting_id)
    svc.require(user, Permission.LEGAL_EXPORT, request, meeting_id)
    transcript = svc.redacted(meeting_id)
    meta = meeting_metadata(svc, meeting_id, transcript)
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
    entry = svc.audit.record(user.username, "legal_export", role=user.role.value, meeting_id=meeting_id,
                             details={"files": manifest["files"]}, client=client_address(request))
    return Response(buffer.getvalue(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="{meeting_id}.legal-export.zip"',
        "X-Audit-Timestamp": entry.ts.isoformat(),
    })


def reveal(svc: UiServices, request: Request, user: User, meeting_id: str, reason: str) -> Transcript:
    check_meeting_id(meeting_id)
    svc.require(user, Permission.REVEAL, request, meeting_id)
    reason = _CONTROL.sub(" ", reason).strip()
    if not 3 <= len(reason) <= 500:
        raise HttpProblem(400, "Indiquez le motif de la consultation (3 à 500 caractères).")
    transcript = svc.full(meeting_id)
    svc.audit.record(user.username, "reveal", role=user.role.value, meeting_id=meeting_id,
                     details={"reason": reason}, client=client_address(request))
    return transcript


def audio_response(svc: UiServices, request: Request, user: User, meeting_id: str, download: bool) -> Response:
    check_meeting_id(meeting_id)
    svc.require(user, Permission.VIEW, request, meeting_id)
    key = svc.audio_key(meeting_id)
    info = svc.stat(key)
    if info is None:
        raise HttpProblem(404, "Pas d'audio caviardé pour cette réunion.")
    size, content_type = info
    headers = {"Accept-Ranges": "bytes", "Cache-Control": "private, no-store"}
    if download:
        svc.require(user, Permission.EXPORT, request, meeting_id)
        headers["Content-Disposition"] = f'attachment; filename="{meeting_id}.redacted.ogg"'
        svc.audit.record(user.username, "audio_download", role=user.role.value, meeting_id=meeting_id,
                         client=client_address(request))
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
    return StreamingResponse(svc.stream(key, start, length), status_code=status, headers=headers,
                             media_type=content_type)


def meeting_view(svc: UiServices, request: Request, user: User, meeting_id: str, *,
                 redacted: RedactedTranscript, shown: RedactedTranscript | Transcript,
                 start: float | None = None, q: str = "") -> Response:
    """The meeting page: metadata from the redacted transcript, turns from ``shown`` (the redacted
    one, or the full one after an audited reveal)."""
    revealed = shown is not redacted
    return render(request, "meeting.html", {
        "user": user,
        "meeting": meeting_metadata(svc, meeting_id, redacted),
        "turns": transcript_turns(shown),
        "has_audio": svc.stat(svc.audio_key(meeting_id)) is not None,
        "revealed": revealed,
        "can_reveal": revealed or user.can(Permission.REVEAL),
        "can_legal": user.can(Permission.LEGAL_EXPORT),
        "start": start,
        "q": q,
    })


# ---------------------------------------------------------------- pages


@router.get("/meetings/{meeting_id}", response_class=HTMLResponse, include_in_schema=False)
def meeting_page(request: Request, meeting_id: str, user: User = Depends(current_user),
                 svc: UiServices = Depends(services)) -> Response:
    check_meeting_id(meeting_id)
    svc.require(user, Permission.VIEW, request, meeting_id)
    transcript = svc.redacted(meeting_id)
    svc.audit.record(user.username, "view", role=user.role.value, meeting_id=meeting_id,
                     client=client_address(request))
    return meeting_view(
        svc, request, user, meeting_id, redacted=transcript, shown=transcript,
        start=_float_or_none(request.query_params.get("t")),
        q=_CONTROL.sub(" ", request.query_params.get("q") or "")[: search_mod.MAX_QUERY_CHARS],
    )


@router.post("/meetings/{meeting_id}/reveal", response_class=HTMLResponse, include_in_schema=False)
async def reveal_page(request: Request, meeting_id: str, user: User = Depends(current_user),
                      svc: UiServices = Depends(services)) -> Response:
    form = await read_form(request)
    check_meeting_id(meeting_id)
    svc.require(user, Permission.REVEAL, request, meeting_id)
    check_csrf(request, form)
    full = reveal(svc, request, user, meeting_id, form.get("reason", ""))
    return meeting_view(svc, request, user, meeting_id, redacted=svc.redacted(meeting_id), shown=full)


@router.get("/meetings/{meeting_id}/audio", include_in_schema=False)
def audio_page(request: Request, meeting_id: str, download: bool = False, user: User = Depends(current_user),
               svc: UiServices = Depends(services)) -> Response:
    return audio_response(svc, request, user, meeting_id, download)


@router.get("/meetings/{meeting_id}/export/{fmt}", include_in_schema=False)
def export_page(request: Request, meeting_id: str, fmt: str, user: User = Depends(current_user),
                svc: UiServices = Depends(services)) -> Response:
    return make_export(svc, request, user, meeting_id, fmt)


@router.get("/meetings/{meeting_id}/legal-export", include_in_schema=False)
def legal_page(request: Request, meeting_id: str, user: User = Depends(current_user),
               svc: UiServices = Depends(services)) -> Response:
    return legal_bundle(svc, request, user, meeting_id)


# ---------------------------------------------------------------- API


@router.get("/api/meetings/{meeting_id}", tags=["meetings"])
def api_meeting(request: Request, meeting_id: str, user: User = Depends(current_user),
                svc: UiServices = Depends(services)) -> dict[str, Any]:
    """Meeting metadata and its redacted transcript (segments with word timings)."""
    check_meeting_id(meeting_id)
    svc.require(user, Permission.VIEW, request, meeting_id)
    transcript = svc.redacted(meeting_id)
    svc.audit.record(user.username, "view", role=user.role.value, meeting_id=meeting_id,
                     client=client_address(request))
    meta = meeting_metadata(svc, meeting_id, transcript)
    if isinstance(meta["started_at"], datetime):
        meta["started_at"] = meta["started_at"].isoformat()
    return {
        "meeting": meta,
        "transcript": _public_transcript(transcript),
        "audio_url": f"/api/meetings/{meeting_id}/audio",
        "exports": {fmt: f"/api/meetings/{meeting_id}/export?format={fmt}" for fmt in FORMATS},
    }


@router.post("/api/meetings/{meeting_id}/reveal", response_model=Transcript, tags=["meetings"])
def api_reveal(request: Request, meeting_id: str, body: RevealBody, user: User = Depends(current_user),
               svc: UiServices = Depends(services)) -> Transcript:
    """The full (unredacted) transcript. Records officers only; every call is audited with its reason."""
    return reveal(svc, request, user, meeting_id, body.reason)


@router.get("/api/meetings/{meeting_id}/export", tags=["exports"],
            responses={200: {"content": {f.media_type: {} for f in FORMATS.values()}}})
def api_export(request: Request, meeting_id: str, format: str = Query("pdf", description=", ".join(FORMATS)),
               user: User = Depends(current_user), svc: UiServices = Depends(services)) -> Response:
    """Redacted minutes with header and timestamped speaker turns."""
    return make_export(svc, request, user, meeting_id, format)


@router.get("/api/meetings/{meeting_id}/legal-export", tags=["exports"],
            responses={200: {"content": {"application/zip": {}}}})
def api_legal(request: Request, meeting_id: str, user: User = Depends(current_user),
              svc: UiServices = Depends(services)) -> Response:
    """A zip of every redacted format with a SHA-256 manifest (legal, records officers, admins; audited)."""
    return legal_bundle(svc, request, user, meeting_id)


@router.get("/api/meetings/{meeting_id}/audio", tags=["meetings"],
            responses={200: {"content": {"audio/ogg": {}}}, 206: {"description": "Partial content"}})
def api_audio(request: Request, meeting_id: str, download: bool = False, user: User = Depends(current_user),
              svc: UiServices = Depends(services)) -> Response:
    """The redacted audio; honours HTTP Range requests."""
    return audio_response(svc, request, user, meeting_id, download)
