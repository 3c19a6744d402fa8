"""`visio-archive workers up --count N | down | status`: Prefect process workers on this machine."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from visio_archive.cli.app import app
from visio_archive.offline import enforce_offline
from visio_archive.settings import get_settings

console = Console(stderr=True)


class Action(StrEnum):
    up = "up"
    down = "down"
    status = "status"


@app.command()
def workers(
    action: Action = typer.Argument(..., help="up: start what is missing; down: stop; status: report."),
    count: int = typer.Option(1, "--count", "-n", help="With up: recording workers on this machine."),
    limit: int = typer.Option(1, "--limit", help="With up: recordings each worker processes at once."),
    pool: str = typer.Option("visio-process", "--pool", help="The process work pool."),
    as_json: bool = typer.Option(False, "--json", help="With status: print JSON on stdout."),
) -> None:
    """Run Prefect process workers here, so that nightly and backfill fan out over them.

    `up` uses the Prefect server in PREFECT_API_URL, or starts one on this machine
    (127.0.0.1:VISIO_PREFECT_PORT, default 4200) when none is configured; registers the work pool,
    the deployments of prefect.yaml, the recordings concurrency limit and the crash detection of
    silent flow runs; then starts COUNT recording workers and one worker for the nightly flows.
    Idempotent: a second `up` starts only what is missing (and stops workers beyond COUNT).

    Other machines: set PREFECT_API_URL to the first machine's server and the same VISIO_* S3 and
    OpenSearch settings, then `visio-archive workers up --count N` there (docs/operations.md).
    Pid files and logs: VISIO_STATE_DIR/services and VISIO_STATE_DIR/logs.
    """
    enforce_offline()
    from visio_archive import workers as wk
    from visio_archive.cli.deploy_cmd import DeployError

    settings = get_settings()
    try:
        if action is Action.up:
            report = wk.up(settings, count, console.print, pool=pool, limit=limit)
            console.print(
                f"[green]{sum(1 for w in report.workers if w.online)} worker(s) online[/] at {report.api_url}; "
                f"recordings limit {report.recordings_limit}. For clients here: export PREFECT_API_URL={report.api_url}"
            )
            return
        if action is Action.down:
            wk.down(settings, console.print)
            return
        report = wk.status(settings, pool=pool)
    except (wk.WorkersError, DeployError) as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if as_json:
        print(json.dumps(report.model_dump(), indent=2))
    else:
        where = f"started here, pid {report.server_pid}" if report.server_managed else "not started here"
        if report.server_healthy:
            console.print(f"Prefect server {report.api_url}: [green]healthy[/] ({report.server_detail}; {where})")
        else:
            console.print(f"Prefect server {report.api_url}: [red]{report.server_detail}[/] ({where})")
        table = Table("worker", "queue", "pid", "online", "log")
        for w in report.workers:
            online = "?" if w.online is None else "[green]yes[/]" if w.online else "[red]no[/]"
            table.add_row(w.name, w.queue, str(w.pid or "-"), online, w.log)
        Console().print(table)
        if report.server_healthy:
            console.print(
                f"pool {report.pool}: {len(report.deployments)} deployment(s) ({', '.join(report.deployments)}); "
                f"recordings in flight {report.recordings_limit}; flow runs running {report.flow_runs_running}; "
                f"crash detection {'on' if report.crash_detection else 'OFF (run workers up or deploy)'}"
            )
    healthy = report.server_healthy and all(w.pid and w.online for w in report.workers)
    if not healthy:
        raise typer.Exit(1)
