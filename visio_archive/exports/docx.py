"""Word (DOCX) export (python-docx)."""

from __future__ import annotations

import io

from visio_archive.exports.common import NOTICE, MeetingInfo, header_info, header_lines, hms, turns
from visio_archive.models import RedactedTranscript


def render_docx(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    from docx import Document

    header = header_info(transcript, meeting)
    doc = Document()
    doc.core_properties.title = header.title
    doc.core_properties.language = header.language
    doc.add_heading(header.title, level=1)
    for label, value in header_lines(header):
        p = doc.add_paragraph()
        p.add_run(f"{label} : ").bold = True
        p.add_run(value)
    doc.add_paragraph().add_run(NOTICE).italic = True
    doc.add_heading("Transcription", level=2)
    for turn in turns(transcript):
        p = doc.add_paragraph()
        p.add_run(f"[{hms(turn.start)}] {turn.speaker} : ").bold = True
        p.add_run(turn.text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
