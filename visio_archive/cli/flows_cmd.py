"""Commands that run the flows or look after the archive: nightly, backfill, reindex, retention,
erase, requeue, legal-hold, upload-recording, stats, demo."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from visio_archive.cli.app import app
from visio_archive.offline import enforce_offline
from visio_archive.settings import get_settings

console = Console(stderr=True)


def _prefect_env() -> None:
    """Run flows offline and quiet: no telemetry; Prefect's embedded server when none is configured."""
    enforce_offline()
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO")


def _fail(message: str, code: int = 2) -> typer.Exit:
    console.print(f"[red]error:[/] {message}")
    return typer.Exit(code)


def _print_run(result: dict[str, Any]) -> int:
    processed: dict[str, str] = result.get("processed", {})
    failed = {k: v for k, v in processed.items() if v.startswith("failed")}
    quarantined = sum(1 for v in processed.values() if v == "quarantined")
    elsewhere = sum(1 for v in processed.values() if v in ("busy", "already done"))
    for recording_id, outcome in processed.items():
        colour = {"done": "green", "quarantined": "yellow", "busy": "cyan", "already done": "cyan"}.get(outcome, "red")
        console.print(f"  {recording_id}: [{colour}]{outcome}[/]")
    console.print(
        f"processed {len(processed)} recording(s): {len(processed) - len(failed) - quarantined - elsewhere} done, "
        f"{quarantined} quarantined, {len(failed)} failed, {elsewhere} taken by another run; "
        f"{result.get('already_done', 0)} already done, {result.get('quarantined_skipped', 0)} quarantined earlier"
    )
    return 1 if failed else 0


def _summary_of(flow_fn: Any, **parameters: Any) -> dict[str, Any]:
    """Run a processing flow; a run that failed for some recordings still reports each outcome."""
    from flows.pipeline import FanoutUnavailable, RecordingsFailed

    try:
        summary: dict[str, Any] = flow_fn(**parameters)
    except RecordingsFailed as failure:
        summary = failure.summary
    except FanoutUnavailable as exc:  # VISIO_FANOUT=deployments without a server or deployment
        raise _fail(str(exc)) from None
    return summary


@app.command()
def nightly() -> None:
    """Run the nightly flow once, now: process every recording in S3 that is not done yet.

    Uses the Prefect server in PREFECT_API_URL when set, else Prefect's embedded one. With a server
    that has the process-recording deployment (`visio-archive workers up`), each recording becomes
    a flow run that any worker of the pool takes; otherwise all are processed in this process
    (VISIO_FANOUT=local forces that). A rerun does no new work. Bad recordings are quarantined (see `requeue`).
    """
    _prefect_env()
    from flows.pipeline import nightly as nightly_flow

    raise typer.Exit(_print_run(_summary_of(nightly_flow)))


@app.command()
def backfill(
    since: datetime = typer.Option(None, "--since", help="Only recordings last modified at or after this time."),
    until: datetime = typer.Option(None, "--until", help="Only recordings last modified before this time."),
) -> None:
    """Process the not-yet-done recordings of a time range (for migrations and catch-up)."""
    _prefect_env()
    from flows.pipeline import backfill as backfill_flow

    raise typer.Exit(_print_run(_summary_of(backfill_flow, since=since, until=until)))


@app.command()
def reindex() -> None:
    """Rebuild the search index from the stored artifacts into new versioned indices, then swap
    the aliases: no speech stage re-run, no search downtime."""
    _prefect_env()
    from flows.maintenance import reindex as reindex_flow

    reindex_flow()


@app.command()
def retention() -> None:
    """Delete what the retention policy says is expired (never meetings under legal hold)."""
    _prefect_env()
    from flows.maintenance import retention as retention_flow

    result = retention_flow()
    print(json.dumps(result, indent=2))


@app.command()
def erase(
    meeting_id: str = typer.Argument(..., help="The meeting (recording) id to remove everywhere."),
    reason: str = typer.Option(..., "--reason", help="Why (kept in the audit log), e.g. a GDPR request number."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Remove a meeting everywhere: recording, metadata, artifacts, index documents, ledger. Audited."""
    if not yes and not typer.confirm(f"Erase meeting {meeting_id} everywhere? This cannot be undone"):
        raise typer.Exit(1)
    _prefect_env()
    from flows.maintenance import erase as erase_flow

    erase_flow(meeting_id, actor=os.environ.get("USER", "operator"), reason=reason)


@app.command()
def requeue(recording_id: str = typer.Argument(..., help="A quarantined recording id.")) -> None:
    """Take a recording out of quarantine so that the next nightly run tries it again."""
    from visio_archive.storage import Storage

    storage = Storage.from_settings(get_settings())
    record = storage.quarantine_get(recording_id)
    if record is None:
        raise _fail(f"{recording_id} is not in quarantine (see `visio-archive stats`)", 1)
    storage.requeue(recording_id)
    console.print(f"{recording_id} requeued (was quarantined at {record.stage}: {record.message})")


@app.command("legal-hold")
def legal_hold(
    meeting_id: str = typer.Argument(...),
    off: bool = typer.Option(False, "--off", help="Lift the hold instead of placing it."),
) -> None:
    """Place (or lift) a legal hold: retention never deletes a meeting under hold."""
    from visio_archive import archive
    from visio_archive.storage import Storage

    storage = Storage.from_settings(get_settings())
    if not archive.set_legal_hold(storage, meeting_id, not off):
        raise _fail(f"no archived meeting {meeting_id}", 1)
    console.print(f"{meeting_id}: legal hold {'lifted' if off else 'placed'}")


@app.command("upload-recording")
def upload_recording(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="OGG, MP4, WAV or MP3."),
    recording_id: str = typer.Option(..., "--id", help="The recording id (file stem in the bucket)."),
    metadata: Path = typer.Option(None, "--metadata", exists=True, dir_okay=False, help="Visio metadata JSON."),
    started_at: datetime = typer.Option(None, "--started-at", help="When the recording started (ISO-8601)."),
) -> None:
    """Put a recording (and its metadata JSON) into the bucket in the Visio layout."""
    from visio_archive.storage import Storage

    storage = Storage.from_settings(get_settings())
    storage.ensure_bucket()
    ref = storage.put_recording(file, recording_id, metadata=metadata, started_at=started_at)
    console.print(
        f"uploaded {file} as s3://{storage.bucket}/{ref.key} (ETag {ref.etag})"
        + (f" with {ref.metadata_key}" if ref.metadata_key else " (no metadata JSON: speakers will be unnamed)")
    )


@app.command()
def stats(as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout.")) -> None:
    """Counts of done and quarantined recordings and of indexed meetings and segments."""
    from visio_archive.archive import archive_stats

    result = archive_stats(get_settings())
    if as_json:
        print(json.dumps(result.model_dump()))
    else:
        for key, value in result.model_dump().items():
            console.print(f"{key.replace('_', ' ')}: {value}")
