"""Configuration, read from the environment (prefix ``VISIO_``) and an optional ``.env`` file.

Secrets are ``SecretStr`` so that printing or logging the settings never shows them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VISIO_", env_file=".env", extra="ignore")

    # Where services keep their data, pid files and logs.
    state_dir: Path = Path(".visio")

    # S3-compatible object store (versitygw on loopback by default).
    s3_endpoint: str = "127.0.0.1:9000"
    s3_access_key: str = "visio-admin"
    s3_secret_key: SecretStr = SecretStr("visio-local-secret-change-me")
    s3_secure: bool = False
    s3_region: str = "us-east-1"
    bucket: str = "visio"
    recordings_prefix: str = "recordings/"
    metadata_prefix: str = "metadata/"
    artifacts_prefix: str = "archive/"  # redacted artifacts, readable by viewers
    restricted_prefix: str = "restricted/"  # full transcripts, encrypted mappings
    quarantine_prefix: str = "quarantine/"
    ledger_prefix: str = "ledger/"

    # OpenSearch single node (plain HTTP on loopback, no security plugin).
    opensearch_url: str = "http://127.0.0.1:9200"
    opensearch_user: str | None = None
    opensearch_password: SecretStr | None = None
    opensearch_heap: str = "1g"
    index_prefix: str = "visio"

    # Models: only ever loaded from this directory, checked against its lock file.
    model_store: Path = Path(".visio/models")
    whisper_model: str = "base"
    compute_type: str = "int8"
    cpu_threads: int = 2

    # Audio intake and speech.
    max_audio_hours: float = 4.0
    language: str = "fr"  # "fr", "en" or "auto" (detected per recording)

    # Flows: recordings processed at once (whisper and diarization each want both cores of a
    # 2-core machine, so one at a time by default), and retries of transient S3/OpenSearch faults.
    max_concurrent_recordings: int = Field(default=1, ge=1)
    retry_attempts: int = Field(default=3, ge=0)
    retry_base_delay: float = Field(default=2.0, ge=0.0)

    # Retention (the Visio transcript service keeps originals 31 days and results 365 days).
    retention_recordings_days: int = Field(default=31, ge=1)
    retention_results_days: int = Field(default=365, ge=1)

    # Redaction: key for keyed HMAC pseudonyms and for encrypting the pseudonym mapping.
    redaction_key: SecretStr = SecretStr("visio-local-redaction-key-change-me")

    # How long services get to come up before we give up and point at the log.
    service_start_timeout: float = Field(default=120.0, ge=1.0)

    @property
    def services_dir(self) -> Path:
        return self.state_dir / "services"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
