"""Exports of one meeting's redacted minutes, and the legal bundle (every format + a manifest)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel

from visio_archive.auth import Permission
from visio_archive.exports import FORMATS, export_filename, export_transcript
from visio_archive.french import format_datetime, role_label
from visio_archive.usecases.context import Actor, Archive, Invalid, check_meeting_id
from visio_archive.usecases.meetings import index_document, read_redacted

LEGAL_NOTICE = (
    "Compte rendu caviardé : les données personnelles ont été masquées. Chaque fichier de cette archive "
    "est accompagné ci-dessous de son empreinte SHA-256, qui permet de vérifier qu'il n'a pas été modifié."
)


class ExportFile(BaseModel):
    filename: str
    media_type: str
    data: bytes
    audited_at: datetime | None = None


def export_meeting(archive: Archive, actor: Actor, meeting_id: str, fmt: str) -> ExportFile:
    """One format of the redacted minutes; audited as ``export``."""
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.EXPORT, meeting_id=meeting_id)
    if fmt not in FORMATS:
        raise Invalid(f"Format inconnu ; formats disponibles : {', '.join(FORMATS)}.")
    transcript = read_redacted(archive, meeting_id)
    data = export_transcript(transcript, fmt, index_document(archive, meeting_id))
    entry = archive.record(actor, "export", meeting_id=meeting_id, details={"format": fmt, "bytes": len(data)})
    return ExportFile(filename=export_filename(transcript, fmt), media_type=FORMATS[fmt].media_type, data=data,
                      audited_at=entry.ts)


def legal_export(archive: Archive, actor: Actor, meeting_id: str) -> ExportFile:
    """A zip of every redacted format with a French manifest of SHA-256 checksums; audited as ``legal_export``."""
    check_meeting_id(meeting_id)
    archive.require(actor, Permission.LEGAL_EXPORT, meeting_id=meeting_id)
    transcript = read_redacted(archive, meeting_id)
    meta = index_document(archive, meeting_id)
    from visio_archive.exports.common import header_info

    header = header_info(transcript, meta)
    generated = datetime.now(UTC)
    manifest: dict[str, Any] = {
        "meeting_id": meeting_id,
        "title": header.title,
        "date": header.date,
        "participants": header.participants,
        "series": header.series,
        "generated_at": generated.isoformat(),
        "generated_at_label": format_datetime(generated),
        "generated_by": actor.username,
        "role": actor.role,
        "role_label": role_label(actor.role),
        "notice": LEGAL_NOTICE,
        "files": {},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for fmt in FORMATS:
            data = export_transcript(transcript, fmt, meta)
            name = export_filename(transcript, fmt)
            bundle.writestr(name, data)
            manifest["files"][name] = hashlib.sha256(data).hexdigest()
        bundle.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    entry = archive.record(actor, "legal_export", meeting_id=meeting_id, details={"files": manifest["files"]})
    return ExportFile(filename=f"{meeting_id}.legal-export.zip", media_type="application/zip",
                      data=buffer.getvalue(), audited_at=entry.ts)
