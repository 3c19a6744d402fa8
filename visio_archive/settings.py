"""Configuration, read from the environment (prefix ``VISIO_``) and an optional ``.env`` file.

Secrets are ``SecretStr`` so that printing or logging the settings never shows them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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
    # "auto" (detected per recording and per stretch of speech, among fr, en, de, nl), or one of
    # those to force it; a metadata "language" field (the meeting's own choice) wins over both.
    language: str = "auto"

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
    # Processes that share the detection of one transcript (0: one per usable core). Each extra one
    # loads the language's pipeline once (5-10 s of CPU) and is used from the next transcript on, so
    # it pays only in a process that redacts many meetings (VISIO_FANOUT=local, imports): a flow run
    # per recording (the deployments fan-out) would load it for nothing. See redaction/pool.py.
    redaction_processes: int = Field(default=1, ge=0)

    # --- identity (owner: identity helper, issue 13) -------------------------------------------
    # Where people reach the archive (redirect URL, Secure cookies, Origin checks derive from it).
    public_url: str = "http://127.0.0.1:8000"
    # OpenID Connect provider (ProConnect, or the development Keycloak). Unset: users file only.
    oidc_issuer: str | None = None
    oidc_client_id: str = "visio-archive"
    oidc_client_secret: SecretStr | None = None
    oidc_scopes: str = "openid email given_name usual_name siret idp_id"  # ProConnect's claim scopes
    oidc_redirect_url: str | None = None  # default {public_url}/oidc/callback
    oidc_post_logout_url: str | None = None  # default {public_url}/login?logged_out=1
    oidc_acr_values: str | None = None  # ProConnect: "eidas1"
    oidc_groups_claim: str | None = "groups"  # roles by group, for providers that send one ("" = off)
    oidc_audience: str | None = None  # expected "aud" of API bearer tokens; default the client id
    oidc_leeway_seconds: int = Field(default=10, ge=0, le=300)
    # --- end identity ----------------------------------------------------------------------------

    # How long services get to come up before we give up and point at the log.
    service_start_timeout: float = Field(default=120.0, ge=1.0)

    # --- scale (issue 14): several workers, leases, the OpenSearch cluster -------------------------
    # A recording is claimed with a lease object (leases/{id}.json) before any work; the holder
    # renews it every third of lease_seconds; a lease not renewed for lease_seconds is taken over.
    leases_prefix: str = "leases/"
    lease_seconds: float = Field(default=120.0, ge=3.0)
    # Wait after writing a lease before reading it back (S3 servers whose conditional PUT is a
    # check-then-write, like versitygw, can let two racing writers both succeed: the last one wins).
    lease_settle_seconds: float = Field(default=1.0, ge=0.0)
    # nightly/backfill: "auto" = one flow run per recording through the process-recording
    # deployment when a Prefect server is configured and has it, else in this process ("local").
    fanout: Literal["auto", "local", "deployments"] = "auto"
    fanout_timeout: float = Field(default=8 * 3600.0, ge=1.0)  # bounded wait for the fanned-out runs
    # `services up` starts this many OpenSearch nodes (ports follow the first URL's port unless
    # opensearch_url lists every node, comma-separated: the client is given all of them).
    opensearch_nodes: int = Field(default=1, ge=1, le=9)
    # Primary shards of each new index version (docs/scale.md: 1 up to ~10 M segments).
    index_shards: int = Field(default=1, ge=1, le=64)
    # `workers up` starts a local Prefect server on this port when PREFECT_API_URL is not set.
    prefect_port: int = Field(default=4200, ge=1, le=65535)
    # --- end scale -----------------------------------------------------------------------------
    # --- search3 (issue 12): OpenSearch's shard request cache for search pages as well as summaries
    # (answers are dropped whenever the index refreshes); off only to measure uncached searches.
    search_request_cache: bool = True
    # --- end search3 ---------------------------------------------------------------------------

    @property
    def services_dir(self) -> Path:
        return self.state_dir / "services"

    @property
    def logs_dir(self) -> Path:
        return self.state_dir / "logs"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
