"""Speaker corrections by a records officer: rename, merge, reassign one turn.

Each correction is applied to both the redacted and the full transcript (same labels, same segment
positions), stored as a new revision of the meeting (the original transcripts are kept under
``revisions/``), audited, and followed by the subtitles and the index (re-built from the corrected
redacted transcript): search, facets, exports and subtitles show the new names at once, without
running speech again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from visio_archive import archive as archive_mod
from visio_archive.archive import CorrectionError, Revision, SpeakerCorrection
from visio_archive.auth import Permission
from visio_archive.cleantext import clean_line
from visio_archive.usecases.context import Actor, Archive, Invalid, Unavailable, check_meeting_id
from visio_archive.usecases.meetings import read_full, read_redacted

MAX_NAME = 120


def _name(value: str | None) -> str | None:
    if value is None:
        return None
    name = clean_line(value)
    if not name:
        return None
    if len(name) > MAX_NAME:
        raise Invalid(f"Le nom est trop long (maximum {MAX_NAME} caractères).")
    return name


def correct_speakers(archive: Archive, actor: Actor, meeting_id: str, correction: SpeakerCorrection,
                     reason: str | None = None) -> Revision:
    """Apply one correction; returns the stored revision. Needs the REVEAL permission (records
    officers and admins: the people who may read the full transcript and judge who spoke)."""
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.REVEAL, meeting_id=meeting_id)
    correction = correction.model_copy(update={"name": _name(correction.name),
                                               "label": correction.label and clean_line(correction.label),
                                               "into": correction.into and clean_line(correction.into)})
    if correction.kind == "rename" and not correction.name:
        raise Invalid("Indiquez le nouveau nom de l'intervenant.")
    redacted = read_redacted(archive, meeting_id)
    full = read_full(archive, meeting_id)
    try:
        new_redacted = archive_mod.apply_correction(redacted, correction)
        new_full = archive_mod.apply_correction(full, correction)
    except CorrectionError as exc:
        raise Invalid(str(exc)) from exc
    original_redacted, original_full = archive_mod.read_original(archive.storage, meeting_id)
    number = len(archive_mod.read_revisions(archive.storage, meeting_id)) + 1
    revision = Revision(number=number, at=datetime.now(UTC), actor=actor.username, correction=correction,
                        reason=clean_line(reason or "") or None)
    from visio_archive.storage import StorageUnavailable

    try:
        archive_mod.write_revision(archive.storage, revision=revision, redacted=new_redacted, full=new_full,
                                   original_redacted=original_redacted, original_full=original_full)
    except StorageUnavailable as exc:
        raise Unavailable("Le stockage ne répond pas ; la correction n'a pas été enregistrée.") from exc
    reindex(archive, new_redacted)
    archive.forget("participants")
    archive.record(actor, "speaker_correction", meeting_id=meeting_id,
                   details={"revision": number, **correction.model_dump(exclude_none=True),
                            **({"reason": revision.reason} if revision.reason else {})})
    return revision


def reindex(archive: Archive, redacted: Any) -> None:
    """Index the (corrected) redacted transcript again; series and ETag are kept from meeting.json."""
    from visio_archive import index as index_mod
    from visio_archive.documents import build_documents

    info = archive_mod.read_info(archive.storage, redacted.meeting_id)
    meeting_doc, segment_docs = build_documents(
        redacted, series=info.series if info else None, etag=info.etag if info else None,
        legal_hold=info.legal_hold if info else False,
    )
    index_mod.ensure_indices(archive.search_client, archive.prefix)
    index_mod.index_meeting(archive.search_client, archive.prefix, meeting_doc, segment_docs, refresh=True)


def revisions(archive: Archive, actor: Actor, meeting_id: str) -> list[Revision]:
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.VIEW, meeting_id=meeting_id)
    return archive_mod.read_revisions(archive.storage, meeting_id)
