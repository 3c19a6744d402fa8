"""Command-line entry point: ``visio-archive``. Each module below registers its commands on ``app``."""

from __future__ import annotations

from visio_archive.cli import (  # noqa: F401  (imported for their command registrations)
    access_cmd,
    demo_cmd,
    deploy_cmd,
    flows_cmd,
    models_cmd,
    redact_cmd,
    services_cmd,
    speech_cmd,
    ui_cmd,
    workers_cmd,
)
from visio_archive.cli.app import app


def main() -> None:
    app()
