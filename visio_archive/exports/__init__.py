"""Exports of redacted minutes: pure functions ``RedactedTranscript (+ meeting metadata) -> bytes``.

Every format carries the same header (title, date, participants, duration) and the speaker turns
with ``[hh:mm:ss]`` timestamps, dates in French (Europe/Paris). Only redacted text is ever written: the entity list of a
:class:`~visio_archive.models.RedactedSegment` (which holds the original spans) is never exported.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from visio_archive.cleantext import clean_transcript
from visio_archive.exports.common import MeetingInfo, Turn, header_info, turns
from visio_archive.models import RedactedTranscript


@dataclass(frozen=True)
class ExportFormat:
    name: str
    extension: str
    media_type: str
    label: str


FORMATS: dict[str, ExportFormat] = {
    "odt": ExportFormat("odt", "odt", "application/vnd.oasis.opendocument.text", "OpenDocument (ODT)"),
    "docx": ExportFormat(
        "docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word (DOCX)"
    ),
    "pdf": ExportFormat("pdf", "pdf", "application/pdf", "PDF"),
    "md": ExportFormat("md", "md", "text/markdown; charset=utf-8", "Markdown"),
    "srt": ExportFormat("srt", "srt", "application/x-subrip; charset=utf-8", "Sous-titres SRT"),
    "vtt": ExportFormat("vtt", "vtt", "text/vtt; charset=utf-8", "Sous-titres WebVTT"),
    "json": ExportFormat("json", "json", "application/json", "JSON"),
}


def _renderer(fmt: str) -> Callable[[RedactedTranscript, MeetingInfo | None], bytes]:
    if fmt == "odt":
        from visio_archive.exports.odt import render_odt

        return render_odt
    if fmt == "docx":
        from visio_archive.exports.docx import render_docx

        return render_docx
    if fmt == "pdf":
        from visio_archive.exports.pdf import render_pdf

        return render_pdf
    from visio_archive.exports import text

    return {"md": text.render_markdown, "srt": text.render_srt, "vtt": text.render_vtt,
            "json": text.render_json}[fmt]


def export_transcript(transcript: RedactedTranscript, fmt: str, meeting: MeetingInfo | None = None) -> bytes:
    """Render the redacted minutes in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    # Control characters and bidi overrides never reach a file (they break DOCX/ODT and mislead readers).
    return _renderer(fmt)(clean_transcript(transcript), meeting)


def export_filename(transcript: RedactedTranscript, fmt: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in transcript.meeting_id)[:80] or "meeting"
    return f"{safe}.redacted.{FORMATS[fmt].extension}"


__all__ = ["FORMATS", "ExportFormat", "MeetingInfo", "Turn", "export_filename", "export_transcript",
           "header_info", "turns"]
