"""PDF export (reportlab), with an embedded Unicode font when the system has DejaVu Sans."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from visio_archive.exports.common import NOTICE, MeetingInfo, header_info, header_lines, hms, turns
from visio_archive.models import RedactedTranscript

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_DEJAVU_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


def _fonts() -> tuple[str, str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _DEJAVU.exists() and _DEJAVU_BOLD.exists():
        if "VisioSans" not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont("VisioSans", str(_DEJAVU)))
            pdfmetrics.registerFont(TTFont("VisioSans-Bold", str(_DEJAVU_BOLD)))
        return "VisioSans", "VisioSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def render_pdf(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    header = header_info(transcript, meeting)
    regular, bold = _fonts()
    title_style = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=13, leading=16, spaceBefore=10, spaceAfter=6)
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13, spaceAfter=4)
    notice = ParagraphStyle("notice", parent=body, textColor="#555555")

    def b(text: str) -> str:
        return f'<font name="{bold}">{escape(text)}</font>'

    story = [Paragraph(escape(header.title), title_style)]
    story += [Paragraph(f"{b(label + ' :')} {escape(value)}", body) for label, value in header_lines(header)]
    story += [Spacer(1, 0.2 * cm), Paragraph(escape(NOTICE), notice), Paragraph("Transcription", h2)]
    story += [
        Paragraph(f"{b(f'[{hms(t.start)}] {t.speaker} :')} {escape(t.text)}", body) for t in turns(transcript)
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, title=header.title, author="visio-archive", subject=NOTICE,
        leftMargin=2 * cm, rightMargin=2 * cm, topMargin=2 * cm, bottomMargin=2 * cm,
    )
    document.build(story)
    return buffer.getvalue()
