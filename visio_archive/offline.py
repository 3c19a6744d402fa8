"""Sovereignty guard: nothing leaves the machine but calls to the configured S3, OpenSearch and
identity provider (the identity code checks the provider's origin itself).

Libraries in the stack phone home unless told not to: Prefect's server sends usage telemetry,
pyannote.audio sends OpenTelemetry metrics, Hugging Face libraries try the model hub. These
variables switch all of that off. They are forced (not defaults) because no configuration of
this product may turn them back on; models come from the local, hash-checked model store only.

This is the one list: importing ``visio_archive`` forces it in the current process
(:func:`enforce_offline`), and :func:`offline_environment` gives it to child processes.
"""

from __future__ import annotations

import os

OFFLINE_ENVIRONMENT: dict[str, str] = {
    "HF_HUB_OFFLINE": "1",                     # huggingface_hub: never contact the hub
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "PYANNOTE_METRICS_ENABLED": "false",        # pyannote.audio 4 OpenTelemetry usage metrics
    "DO_NOT_TRACK": "1",                        # Prefect client analytics (and other tools honouring it)
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",  # Prefect server telemetry service
}


def enforce_offline() -> None:
    os.environ.update(OFFLINE_ENVIRONMENT)


def offline_environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a child process (a worker, a Prefect server, a CLI run by a test): ``base``
    (default: this process's environment) with every variable above forced. Use this instead of a
    local copy of the list, so that one place says what "offline" means."""
    return {**(dict(os.environ) if base is None else base), **OFFLINE_ENVIRONMENT}
