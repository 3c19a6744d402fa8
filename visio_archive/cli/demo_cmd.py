"""`visio-archive demo`: the whole job on local defaults, for a first look."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer
from rich.console import Console
from rich.panel import Panel

from visio_archive.cli.app import app
from visio_archive.settings import get_settings

console = Console(stderr=True)

DEMO_MEETING = "demo-comite-numerique"
DEMO_SAMPLE = "demo-pyannote-sample"
DEMO_CORRUPT = "demo-corrupt"


@app.command()
def demo() -> None:
    """Start the local services, install the models, upload sample recordings in the Visio layout
    (a generated French meeting with its metadata, pyannote's real two-speaker sample, one corrupt
    file), run the nightly flow once and print where to search. A second run does no new work."""
    from visio_archive import services
    from visio_archive.modelstore import ModelStore, install
    from visio_archive.samples import write_demo_recordings
    from visio_archive.storage import Storage

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    settings = get_settings()
    console.rule("1/4 services")
    try:
        services.up(settings, console.print)
    except services.ServiceError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None

    console.rule("2/4 models")
    store = ModelStore.from_settings(settings)
    install(store)

    console.rule("3/4 sample recordings")
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    demo_dir = settings.state_dir / "demo"
    for recording in write_demo_recordings(demo_dir):
        existing = storage.list_keys(f"{settings.recordings_prefix}{recording.recording_id}.")
        if existing:
            console.print(f"{recording.recording_id}: already in the bucket ({existing[0]})")
            continue
        ref = storage.put_recording(
            recording.audio, recording.recording_id, metadata=recording.metadata, started_at=recording.started_at
        )
        console.print(f"{recording.recording_id}: uploaded {ref.key} ({recording.description})")

    console.rule("4/4 nightly flow")
    from visio_archive.cli.flows_cmd import _prefect_env, _print_run, _summary_of

    _prefect_env()
    from flows.pipeline import nightly

    outcome = _print_run(_summary_of(nightly))
    _summary(settings, storage)
    raise typer.Exit(outcome)


def _summary(settings: object, storage: object) -> None:
    from visio_archive import index
    from visio_archive.archive import archive_stats
    from visio_archive.settings import Settings

    assert isinstance(settings, Settings)
    stats = archive_stats(settings)
    client = index.client_from_settings(settings)
    hits = index.search_segments(client, settings.index_prefix, "budget", size=3)
    quarantined = [record for record in storage.quarantine_list()]  # type: ignore[attr-defined]
    lines = [f"{key.replace('_', ' ')}: {value}" for key, value in stats.model_dump().items()]
    for record in quarantined:
        lines.append(f"quarantined {record.recording_id} at {record.stage}: {record.message}")
    lines.append("")
    lines.append("A search for 'budget':")
    for hit in hits:
        segment = hit.segment
        lines.append(f"  [{segment.meeting_id} {segment.start:.1f}s] {segment.speaker}: {segment.text[:90]}")
    lines.append("")
    lines.append('Search from the command line:  .venv/bin/visio-archive search "budget"')
    lines.append("Open the search UI:            .venv/bin/visio-archive ui   then http://127.0.0.1:8000")
    lines.append("Stop the services:             .venv/bin/visio-archive services down")
    console.print(Panel("\n".join(lines), title="visio-archive demo", expand=False))
    print(json.dumps(stats.model_dump()))


__all__ = ["DEMO_CORRUPT", "DEMO_MEETING", "DEMO_SAMPLE", "Path", "demo"]
