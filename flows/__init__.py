"""Prefect flows of visio-archive: they only orchestrate the stages of ``visio_archive``."""

import visio_archive  # noqa: F401  (switches off every library's telemetry and hub access first)
