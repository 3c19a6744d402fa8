"""The archive's use cases, once, as plain functions under the web pages, the JSON API and the CLI.

Each takes an :class:`~visio_archive.usecases.context.Archive` (settings, storage, search client,
audit log) and an :class:`~visio_archive.usecases.context.Actor` (who, with which permissions, from
which address), checks the permission (a refusal is audited), does the work and audits it. Errors
are :class:`~visio_archive.usecases.context.UseCaseError` subclasses with a French message safe to
show and an HTTP-like ``status``.

* search: :func:`run_search` (grouped by meeting, passages, or browse), :func:`suggest_participants`
* meetings: :func:`view_meeting`, :func:`public_transcript`, :func:`reveal` + :func:`revealed_view`
  (a short-lived grant: POST-redirect-GET), :func:`reveal_transcript` (API), :func:`audio_file`
* exports: :func:`export_meeting`, :func:`legal_export`
* speakers: :func:`correct_speakers` (rename, merge, reassign; stored as a revision)
* imports: :func:`import_transcript`
* audit: :func:`read_audit`, :func:`audit_csv`
"""

from visio_archive.usecases.audit import AuditFilters, audit_csv, chain_intact, read_audit
from visio_archive.usecases.context import (
    Actor,
    Archive,
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    Unavailable,
    Unreadable,
    UseCaseError,
    check_meeting_id,
)
from visio_archive.usecases.exports import ExportFile, export_meeting, legal_export
from visio_archive.usecases.imports import ImportSummary, import_transcript
from visio_archive.usecases.meetings import (
    AudioFile,
    MeetingView,
    RevealGrant,
    audio_chunks,
    audio_file,
    public_transcript,
    reveal,
    reveal_transcript,
    revealed_view,
    view_meeting,
)
from visio_archive.usecases.search import SearchParams, run_search, suggest_participants
from visio_archive.usecases.speakers import correct_speakers

__all__ = [
    "Actor", "Archive", "AudioFile", "AuditFilters", "Conflict", "ExportFile", "Forbidden", "ImportSummary",
    "Invalid", "MeetingView", "NotFound", "RevealGrant", "SearchParams", "Unavailable", "Unreadable",
    "UseCaseError", "audio_chunks", "audio_file", "audit_csv", "chain_intact", "check_meeting_id",
    "correct_speakers", "export_meeting", "import_transcript", "legal_export", "public_transcript",
    "read_audit", "reveal", "reveal_transcript", "revealed_view", "run_search", "suggest_participants",
    "view_meeting",
]
