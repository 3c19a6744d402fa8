"""What the routers share: settings, the archive's storage and search client, the audit log.

One :class:`UiServices` lives on ``app.state.services``; routers get it with
``Depends(services)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from pydantic import BaseModel

from search_ui.errors import HttpProblem
from visio_archive import search as search_mod
from visio_archive.archive import FULL_TRANSCRIPT, REDACTED_AUDIO, REDACTED_TRANSCRIPT
from visio_archive.audit import AuditLog
from visio_archive.auth import Permission, User
from visio_archive.models import RedactedTranscript, Transcript
from visio_archive.settings import Settings

MEETING_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


@dataclass
class UiServices:
    settings: Settings
    audit: AuditLog
    _storage: Any = None
    _client: Any = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def storage(self) -> Any:
        if self._storage is None:
            from visio_archive.storage import Storage

            self._storage = Storage.from_settings(self.settings)
        return self._storage

    @property
    def search_client(self) -> Any:
        if self._client is None:
            self._client = search_mod.open_client(self.settings)
        return self._client

    # ------------------------------------------------------------ authorization

    def require(self, user: User, permission: Permission, request: Request, meeting_id: str | None = None) -> None:
        if not user.can(permission):
            self.audit.record(user.username, "denied", role=user.role.value, meeting_id=meeting_id,
                              details={"permission": permission.value, "path": request.url.path},
                              client=client_address(request))
            raise HttpProblem(403, "Votre rôle ne permet pas cette action.")

    # ------------------------------------------------------------ artifacts

    def _get_model(self, key: str, model: type[BaseModel]) -> Any:
        from visio_archive.storage import ObjectNotFound, StorageError, StorageUnavailable

        try:
            return self.storage.get_json(key, model)
        except ObjectNotFound as exc:
            raise HttpProblem(404, "Réunion introuvable dans l'archive.") from exc
        except StorageUnavailable as exc:
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        except StorageError as exc:
            raise HttpProblem(502, "Les fichiers de cette réunion sont illisibles.") from exc

    def redacted(self, meeting_id: str) -> RedactedTranscript:
        key = self.storage.artifact_key(meeting_id, REDACTED_TRANSCRIPT)
        result: RedactedTranscript = self._get_model(key, RedactedTranscript)
        return result

    def full(self, meeting_id: str) -> Transcript:
        key = self.storage.restricted_key(meeting_id, FULL_TRANSCRIPT)
        result: Transcript = self._get_model(key, Transcript)
        return result

    def audio_key(self, meeting_id: str) -> str:
        return str(self.storage.artifact_key(meeting_id, REDACTED_AUDIO))

    def stat(self, key: str) -> tuple[int, str] | None:
        from minio.error import S3Error

        try:
            st = self.storage.client.stat_object(bucket_name=self.storage.bucket, object_name=key)
        except S3Error as exc:
            if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound", "NoSuchBucket", "ResourceNotFound"}:
                return None
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        except Exception as exc:
            raise HttpProblem(503, "Le stockage ne répond pas ; réessayez dans un instant.") from exc
        return int(st.size or 0), st.content_type or "audio/ogg"

    def stream(self, key: str, offset: int, length: int) -> Iterator[bytes]:
        response = self.storage.client.get_object(
            bucket_name=self.storage.bucket, object_name=key, offset=offset, length=length
        )
        try:
            yield from response.stream(64 * 1024)
        finally:
            response.close()
            response.release_conn()


def services(request: Request) -> UiServices:
    svc: UiServices = request.app.state.services
    return svc


def check_meeting_id(meeting_id: str) -> str:
    if not MEETING_ID.match(meeting_id):
        raise HttpProblem(404, "Réunion introuvable dans l'archive.")
    return meeting_id
