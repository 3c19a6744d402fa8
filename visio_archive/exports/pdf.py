"""PDF export: a tagged PDF (PDF/UA-1) made by WeasyPrint from a small, semantic HTML document.

Tagged means the file carries its structure (title, headings, paragraphs, a description list for
the header) and its language, so screen readers and the RGAA checks can read it; the text is
embedded in a real font (DejaVu Sans when the system has it), so every script is kept.
"""

from __future__ import annotations

from html import escape

from visio_archive.exports.common import NOTICE, MeetingInfo, header_info, header_lines, hms, turns
from visio_archive.models import RedactedTranscript

_CSS = """
@page { size: A4; margin: 2cm; @bottom-right { content: "Page " counter(page) " / " counter(pages);
        font-size: 8pt; color: #444; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.35; color: #111; }
h1 { font-size: 16pt; margin: 0 0 8pt; }
h2 { font-size: 13pt; margin: 12pt 0 6pt; }
dl { display: grid; margin: 0 0 6pt; }
dt { font-weight: bold; float: left; clear: left; margin-right: 4pt; }
dd { margin: 0 0 2pt; }
p.notice { color: #444; font-style: italic; }
p.turn { margin: 0 0 4pt; }
.who { font-weight: bold; }
"""


def render_html(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> str:
    header = header_info(transcript, meeting)
    lang = escape(transcript.language or "fr")
    rows = "".join(f"<dt>{escape(label)} :</dt><dd>{escape(value)}</dd>" for label, value in header_lines(header))
    body = "".join(
        f'<p class="turn"><span class="who">[{hms(t.start)}] {escape(t.speaker)} :</span> {escape(t.text)}</p>'
        for t in turns(transcript)
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(header.title)}</title>'
        f'<meta name="author" content="visio-archive"><meta name="description" content="{escape(NOTICE)}">'
        f"<style>{_CSS}</style></head><body>"
        f'<h1 lang="fr">{escape(header.title)}</h1><dl lang="fr">{rows}</dl>'
        f'<p class="notice" lang="fr">{escape(NOTICE)}</p><h2 lang="fr">Transcription</h2>{body}</body></html>'
    )


def render_pdf(transcript: RedactedTranscript, meeting: MeetingInfo | None = None) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=render_html(transcript, meeting)).write_pdf(pdf_variant="pdf/ua-1")
    return pdf
