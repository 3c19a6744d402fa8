"""Reading one meeting: the page a viewer sees, the audited reveal, the redacted audio.

Everything a viewer sees comes from redacted data: the redacted transcript under ``archive/`` and
the index (which holds redacted documents only). Segments go through
:func:`visio_archive.publish.publishable_segments` (a flagged span is one inaudible marker), and
every text is cleaned of control characters and bidi overrides before it leaves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field

from visio_archive import search as search_mod
from visio_archive.archive import FULL_TRANSCRIPT, REDACTED_AUDIO, REDACTED_TRANSCRIPT
from visio_archive.auth import Permission
from visio_archive.cleantext import clean_line, clean_transcript
from visio_archive.exports.common import Header, header_info, hms
from visio_archive.models import RedactedTranscript, Transcript
from visio_archive.publish import publishable_segments
from visio_archive.subtitles import join_words
from visio_archive.usecases.context import (
    Actor,
    Archive,
    Forbidden,
    Invalid,
    NotFound,
    Unavailable,
    Unreadable,
    check_meeting_id,
)

REVEAL_GRANT_SECONDS = 15 * 60
MAX_MATCHES = 500


# ---------------------------------------------------------------- views


class WordView(BaseModel):
    text: str
    start: float
    end: float
    space_before: bool = True
    marked: bool = False  # one of the searched terms


class TurnView(BaseModel):
    index: int
    start: float
    end: float
    timestamp: str
    speaker_label: str | None = None
    speaker: str
    text: str
    words: list[WordView] = Field(default_factory=list)
    inaudible: bool = False
    matched: bool = False


class SpeakerView(BaseModel):
    label: str
    name: str
    turns: int = 0


class MeetingView(BaseModel):
    header: Header
    turns: list[TurnView]
    speakers: list[SpeakerView] = Field(default_factory=list)
    has_audio: bool = False
    revealed: bool = False
    q: str = ""
    matches: int = 0  # turns matching ``q``
    revisions: int = 0  # speaker corrections applied


def _fold_word(word: str) -> str:
    return search_mod.fold("".join(c for c in word if c.isalnum()))


def build_turns(transcript: RedactedTranscript | Transcript, marked: dict[int, set[str]] | None = None
                ) -> list[TurnView]:
    names = {s.label: s.name for s in transcript.speakers}
    out: list[TurnView] = []
    for segment in publishable_segments(transcript):
        speaker = names.get(segment.speaker or "", segment.speaker or "Intervenant inconnu")
        terms = (marked or {}).get(segment.index)
        words: list[WordView] = []
        if not segment.inaudible:
            tokens = [w.word.strip() for w in segment.words]
            times = [(w.start, w.end) for w in segment.words]
            if not tokens:
                tokens, times = [segment.text], [(segment.start, segment.end)]
            previous = ""
            for token, (start, end) in zip(tokens, times, strict=True):
                space = bool(previous) and len(join_words([previous, token])) > len(previous) + len(token)
                folded = _fold_word(token)
                words.append(WordView(text=token, start=start, end=end, space_before=space,
                                      marked=bool(terms) and bool(folded) and folded in (terms or set())))
                previous = token
        out.append(TurnView(
            index=segment.index, start=segment.start, end=segment.end, timestamp=hms(segment.start),
            speaker_label=segment.speaker, speaker=speaker, text=segment.text, words=words,
            inaudible=segment.inaudible, matched=bool(terms),
        ))
    return out


def _speakers(transcript: RedactedTranscript | Transcript) -> list[SpeakerView]:
    counts: dict[str, int] = {}
    for segment in transcript.segments:
        if segment.speaker:
            counts[segment.speaker] = counts.get(segment.speaker, 0) + 1
    return [SpeakerView(label=s.label, name=s.name, turns=counts.get(s.label, 0)) for s in transcript.speakers
            if counts.get(s.label, 0) or not counts]


# ---------------------------------------------------------------- reading artifacts


def _read(archive: Archive, key: str, model: type[Any]) -> Any:
    from visio_archive.storage import ObjectNotFound, StorageError, StorageUnavailable

    try:
        return archive.storage.get_json(key, model)
    except ObjectNotFound as exc:
        raise NotFound("Réunion introuvable dans l'archive.") from exc
    except StorageUnavailable as exc:
        raise Unavailable("Le stockage ne répond pas ; réessayez dans un instant.") from exc
    except StorageError as exc:
        raise Unreadable("Les fichiers de cette réunion sont illisibles.") from exc


def read_redacted(archive: Archive, meeting_id: str) -> RedactedTranscript:
    check_meeting_id(meeting_id)
    transcript: RedactedTranscript = _read(archive, archive.storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT),
                                           RedactedTranscript)
    return clean_transcript(transcript)


def read_full(archive: Archive, meeting_id: str) -> Transcript:
    check_meeting_id(meeting_id)
    transcript: Transcript = _read(archive, archive.storage.restricted_key(meeting_id, FULL_TRANSCRIPT), Transcript)
    return clean_transcript(transcript)


def index_document(archive: Archive, meeting_id: str) -> dict[str, Any]:
    """The meeting's index document (redacted metadata); {} when the index cannot say."""
    try:
        return search_mod.get_meeting(archive.search_client, archive.prefix, meeting_id) or {}
    except (search_mod.SearchUnavailable, search_mod.QueryError):
        return {}


def meeting_header(archive: Archive, transcript: RedactedTranscript) -> Header:
    return header_info(transcript, index_document(archive, transcript.meeting_id))


def has_audio(archive: Archive, meeting_id: str) -> bool:
    from visio_archive.storage import ObjectNotFound, StorageError

    try:
        archive.storage.stat(archive.storage.artifact_key(meeting_id, REDACTED_AUDIO))
    except ObjectNotFound:
        return False
    except StorageError:
        return False
    return True


def _revisions(archive: Archive, meeting_id: str) -> int:
    from visio_archive.archive import read_revisions

    try:
        return len(read_revisions(archive.storage, meeting_id))
    except Exception:  # a missing or unreadable revision log never hides the meeting
        return 0


def _matches(archive: Archive, meeting_id: str, q: str) -> dict[int, set[str]]:
    """segment index -> the folded words the search engine marked in it, for ``q`` in this meeting."""
    if not q.strip():
        return {}
    request = search_mod.SearchRequest(q=q, meeting_id=meeting_id, facets=False)
    try:
        found = search_mod.matching_segments(archive.search_client, archive.prefix, request, MAX_MATCHES)
    except search_mod.QueryError as exc:
        raise Invalid(str(exc)) from exc
    except search_mod.SearchUnavailable as exc:
        raise Unavailable(str(exc)) from exc
    out: dict[int, set[str]] = {}
    for index, terms in found.items():
        folded = {_fold_word(w) for term in terms for w in term.split()}
        out[index] = {t for t in folded if t} or {"\x00"}
    return out


def view_meeting(archive: Archive, actor: Actor, meeting_id: str, *, q: str = "") -> MeetingView:
    """The meeting page (or ``GET /api/meetings/{id}``): audited as ``view``."""
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.VIEW, meeting_id=meeting_id)
    transcript = read_redacted(archive, meeting_id)
    q = clean_line(q)[: search_mod.MAX_QUERY_CHARS]
    marked = _matches(archive, meeting_id, q) if q else {}
    archive.record(actor, "view", meeting_id=meeting_id, details={"q": q} if q else None)
    turns = build_turns(transcript, marked)
    return MeetingView(
        header=meeting_header(archive, transcript), turns=turns, speakers=_speakers(transcript),
        has_audio=has_audio(archive, meeting_id), q=q, matches=sum(1 for t in turns if t.matched),
        revisions=_revisions(archive, meeting_id),
    )


# ---------------------------------------------------------------- reveal


class RevealGrant(BaseModel):
    token: str
    meeting_id: str
    expires_at: float


def _grant_key(archive: Archive) -> bytes:
    path = archive.settings.state_dir / "reveal-grant.key"
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker made it first
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key)
    return key


def _sign(key: bytes, payload: bytes) -> str:
    return base64.urlsafe_b64encode(hmac.new(key, payload, hashlib.sha256).digest()).decode().rstrip("=")


def clean_reason(reason: str) -> str:
    reason = clean_line(reason or "")
    if not 3 <= len(reason) <= 500:
        raise Invalid("Indiquez le motif de la consultation (3 à 500 caractères).")
    return reason


def reveal(archive: Archive, actor: Actor, meeting_id: str, reason: str) -> RevealGrant:
    """Audit a reveal (with its reason) and hand out a short-lived grant to read the full transcript.

    The page posts the reason once, then follows a redirect to a GET carrying the grant: reloading
    or opening a timestamp link in a new tab reads again without a second audit entry or a re-post.
    """
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.REVEAL, meeting_id=meeting_id)
    reason = clean_reason(reason)
    read_full(archive, meeting_id)  # refuse now (404) rather than after the redirect
    expires = time.time() + REVEAL_GRANT_SECONDS
    entry = archive.record(actor, "reveal", meeting_id=meeting_id, details={"reason": reason})
    payload = json.dumps({"u": actor.username, "m": meeting_id, "exp": int(expires),
                          "a": entry.ts.isoformat()}, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return RevealGrant(token=f"{body}.{_sign(_grant_key(archive), payload)}", meeting_id=meeting_id,
                       expires_at=expires)


def check_grant(archive: Archive, actor: Actor, meeting_id: str, token: str) -> None:
    try:
        body, signature = token.split(".", 1)
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        data = json.loads(payload)
    except (ValueError, TypeError) as exc:
        raise Forbidden("Autorisation de consultation invalide ; indiquez à nouveau le motif.") from exc
    if not hmac.compare_digest(signature, _sign(_grant_key(archive), payload)):
        raise Forbidden("Autorisation de consultation invalide ; indiquez à nouveau le motif.")
    if not isinstance(data, dict) or data.get("u") != actor.username or data.get("m") != meeting_id:
        raise Forbidden("Cette autorisation de consultation a été donnée à quelqu'un d'autre ou pour une autre "
                        "réunion.")
    if float(data.get("exp", 0)) < time.time():
        raise Forbidden("L'autorisation de consultation a expiré (15 minutes) ; indiquez à nouveau le motif.")


def revealed_view(archive: Archive, actor: Actor, meeting_id: str, token: str) -> MeetingView:
    """The full transcript after an audited reveal, for the holder of a valid grant."""
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.REVEAL, meeting_id=meeting_id)
    check_grant(archive, actor, meeting_id, token)
    redacted = read_redacted(archive, meeting_id)
    full = read_full(archive, meeting_id)
    return MeetingView(header=meeting_header(archive, redacted), turns=build_turns(full), speakers=_speakers(full),
                       has_audio=has_audio(archive, meeting_id), revealed=True,
                       revisions=_revisions(archive, meeting_id))


class RevealedTranscript(BaseModel):
    """What ``POST /api/meetings/{id}/reveal`` answers: the full text, through the publishing rule."""

    meeting_id: str
    header: Header
    speakers: list[SpeakerView]
    segments: list[Any]


def reveal_transcript(archive: Archive, actor: Actor, meeting_id: str, reason: str) -> RevealedTranscript:
    """The API's reveal: audited with its reason, answered at once."""
    reveal(archive, actor, meeting_id, reason)
    redacted = read_redacted(archive, meeting_id)
    full = read_full(archive, meeting_id)
    names = {s.label: s.name for s in full.speakers}
    segments = [s.model_dump() | {"speaker_name": names.get(s.speaker or "", s.speaker or "Intervenant inconnu")}
                for s in publishable_segments(full)]
    return RevealedTranscript(meeting_id=meeting_id, header=meeting_header(archive, redacted),
                              speakers=_speakers(full), segments=segments)


def public_transcript(archive: Archive, actor: Actor, meeting_id: str) -> dict[str, Any]:
    """``GET /api/meetings/{id}``: header, speakers and the published segments (no entity spans)."""
    view = view_meeting(archive, actor, meeting_id)
    transcript = read_redacted(archive, meeting_id)
    names = {s.label: s.name for s in transcript.speakers}
    return {
        "meeting": view.header.model_dump(mode="json"),
        "speakers": [s.model_dump() for s in view.speakers],
        "segments": [s.model_dump() | {"speaker_name": names.get(s.speaker or "", s.speaker or "Intervenant inconnu")}
                     for s in publishable_segments(transcript)],
        "has_audio": view.has_audio,
        "revisions": view.revisions,
    }


# ---------------------------------------------------------------- audio


class AudioFile(BaseModel):
    key: str
    size: int
    content_type: str
    filename: str


def audio_file(archive: Archive, actor: Actor, meeting_id: str, *, download: bool = False) -> AudioFile:
    """The redacted audio's size and type (listening needs VIEW; a download needs EXPORT and is audited)."""
    from visio_archive.storage import ObjectNotFound, StorageError, StorageUnavailable

    check_meeting_id(meeting_id)
    archive.require(actor, Permission.VIEW, meeting_id=meeting_id)
    if download:
        archive.require(actor, Permission.EXPORT, meeting_id=meeting_id)
    key = archive.storage.artifact_key(meeting_id, REDACTED_AUDIO)
    try:
        info = archive.storage.stat(key)
    except ObjectNotFound as exc:
        raise NotFound("Pas d'audio caviardé pour cette réunion.") from exc
    except StorageUnavailable as exc:
        raise Unavailable("Le stockage ne répond pas ; réessayez dans un instant.") from exc
    except StorageError as exc:
        raise Unreadable("L'audio de cette réunion est illisible.") from exc
    if download:
        archive.record(actor, "audio_download", meeting_id=meeting_id)
    content_type = info.content_type if info.content_type.startswith("audio/") else "audio/ogg"
    return AudioFile(key=key, size=info.size, content_type=content_type, filename=f"{meeting_id}.redacted.ogg")


def audio_chunks(archive: Archive, audio: AudioFile, offset: int, length: int) -> Iterator[bytes]:
    chunks: Iterator[bytes] = archive.storage.read_range(audio.key, offset, length)
    return chunks
