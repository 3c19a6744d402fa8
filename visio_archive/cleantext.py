"""Text that is safe to store, index, show and export: one cleaning rule for every input and output.

Transcripts come from outside (caption files, the transcription service, metadata typed by people).
Some characters in them break readers or mislead them:

* C0/C1 control characters (NUL, SOH, ESC, ..., DEL, U+0080-U+009F): invalid in XML (DOCX, ODT
  exports answer an error), confuse terminals, and NUL/SOH collided with the highlight markers;
* Unicode bidirectional overrides, embeddings and isolates (U+202A-U+202E, U+2066-U+2069) and the
  implicit marks (U+200E, U+200F, U+061C): they reorder what a reader sees ("Trojan Source"), so a
  name or a number can be shown reversed;
* the byte-order mark / zero-width no-break space (U+FEFF) and the interlinear annotation marks;
* Unicode non-characters and lone surrogates (not text at all);
* the private-use characters the search layer uses as highlight sentinels (U+E000, U+E001).

Line breaks and tabs become spaces inside one-line fields (:func:`clean_line`) and are kept in
multi-line text (:func:`clean_text`). Everything else, including every letter of every script,
emoji and typographic punctuation, is kept as it is.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TypeVar

from visio_archive.models import RedactedTranscript, Transcript

TranscriptT = TypeVar("TranscriptT", Transcript, RedactedTranscript)

# Controls that separate words (vertical tab, form feed, the C0 information separators, NEL) become a
# space; every other unsafe character is removed, so "quar\x00tier" stays one word.
_SEPARATORS = re.compile("[\x0b\x0c\x1c-\x1f\x85]")
_UNSAFE = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"  # C0 (except \t \n \r), DEL, C1
    "\u061c\u200e\u200f"                    # implicit directional marks
    "\u202a-\u202e\u2066-\u2069"            # bidi embeddings, overrides, isolates
    "\ufeff\ufff9-\ufffb"                   # BOM / ZWNBSP, interlinear annotation
    "\ue000\ue001"                          # our highlight sentinels
    "\ufdd0-\ufdef\ufffe\uffff"             # non-characters
    "\ud800-\udfff"                         # lone surrogates
    "]"
)
_SPACES = re.compile(r"[ \t\r\n\u2028\u2029]+")


def clean_text(value: str) -> str:
    """Remove unsafe characters (those that separate words become a space); keep line breaks."""
    if not value:
        return value
    text = _UNSAFE.sub("", _SEPARATORS.sub(" ", value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return unicodedata.normalize("NFC", text)


def clean_line(value: str) -> str:
    """One-line text (names, titles, a word, a reason): unsafe characters and runs of white space,
    line breaks included, become one space; the ends are stripped."""
    if not value:
        return value
    return _SPACES.sub(" ", clean_text(value)).strip()


def clean_optional(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_line(value) or None


def is_clean(value: str) -> bool:
    """Whether ``value`` holds none of the characters :func:`clean_text` removes."""
    return _UNSAFE.search(value) is None


def clean_transcript(transcript: TranscriptT) -> TranscriptT:
    """A copy of a (full or redacted) transcript with every field a reader sees cleaned: title,
    series, speaker names and labels, segment text, words. Times, flags and entities are kept."""
    update: dict[str, object] = {
        "title": clean_optional(transcript.title),
        "speakers": [s.model_copy(update={"name": clean_line(s.name) or s.label, "label": clean_line(s.label)})
                     for s in transcript.speakers],
        "segments": [
            seg.model_copy(update={
                "text": clean_line(seg.text),
                "speaker": clean_optional(seg.speaker),
                "words": [w.model_copy(update={"word": clean_line(w.word), "speaker": clean_optional(w.speaker)})
                          for w in seg.words],
            })
            for seg in transcript.segments
        ],
    }
    if hasattr(transcript, "series"):
        update["series"] = clean_optional(transcript.series)
    return transcript.model_copy(update=update)
