"""OpenDocument Text export (odfpy)."""

from __future__ import annotations

import io
from typing import Any

from visio_archive.exports.common import NOTICE, MeetingInfo, header_info, header_lines, hms, turns
from visio_archive.models import RedactedTranscript


def render_odt(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.style import ParagraphProperties, Style, TextProperties
    from odf.text import H, P, Span

    header = header_info(transcript, meeting)
    doc = OpenDocumentText()
    doc.meta.addElement(_title_meta(header.title))

    h1 = Style(name="Heading 1", family="paragraph")
    h1.addElement(TextProperties(fontsize="18pt", fontweight="bold"))
    h1.addElement(ParagraphProperties(marginbottom="0.3cm"))
    h2 = Style(name="Heading 2", family="paragraph")
    h2.addElement(TextProperties(fontsize="14pt", fontweight="bold"))
    bold = Style(name="Bold", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    italic = Style(name="Notice", family="paragraph")
    italic.addElement(TextProperties(fontstyle="italic"))
    turn_style = Style(name="Turn", family="paragraph")
    turn_style.addElement(ParagraphProperties(marginbottom="0.2cm"))
    for style in (h1, h2, italic, turn_style):
        doc.styles.addElement(style)
    doc.automaticstyles.addElement(bold)

    doc.text.addElement(H(outlinelevel=1, stylename=h1, text=header.title))
    for label, value in header_lines(header):
        p = P()
        p.addElement(Span(stylename=bold, text=f"{label} : "))
        p.addText(value)
        doc.text.addElement(p)
    doc.text.addElement(P(stylename=italic, text=NOTICE))
    doc.text.addElement(H(outlinelevel=2, stylename=h2, text="Transcription"))
    for turn in turns(transcript):
        p = P(stylename=turn_style)
        p.addElement(Span(stylename=bold, text=f"[{hms(turn.start)}] {turn.speaker} : "))
        p.addText(turn.text)
        doc.text.addElement(p)

    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def _title_meta(title: str) -> Any:
    from odf.dc import Title

    return Title(text=title)
