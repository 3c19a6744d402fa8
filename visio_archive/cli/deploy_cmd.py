"""`visio-archive deploy`: register the deployments of prefect.yaml on the Prefect server.

It runs Prefect's own `prefect deploy --all --prefect-file prefect.yaml` without prompts, so that
prefect.yaml stays the one description of the deployments (entrypoints, schedules, pull step,
concurrency); nothing is built or pushed: the process worker runs the flows from the checkout named
by VISIO_ARCHIVE_HOME. Works offline; telemetry is off.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from visio_archive.cli.app import app
from visio_archive.offline import enforce_offline, offline_environment

console = Console(stderr=True)

DEFAULT_API_URL = "http://127.0.0.1:4200/api"
DEFAULT_POOL = "visio-process"
PARIS = ZoneInfo("Europe/Paris")
HEALTHCHECK_FILE = Path("infra/prefect/healthcheck.yaml")
HEALTHCHECK_DEPLOYMENT = "healthcheck/healthcheck"


class DeployError(Exception):
    """A problem the operator can fix; the message says how."""


@dataclass
class Registered:
    name: str  # flow/deployment
    pool: str
    schedules: list[str]
    next_run: datetime | None
    next_run_source: str  # "server" (a scheduled run exists) or "cron" (computed from the schedule)
    paused: bool


# ---------------------------------------------------------------- configuration


def resolve_api_url(option: str | None) -> str:
    """--api-url, else PREFECT_API_URL (environment or Prefect profile), else the local server."""
    if option:
        return option.rstrip("/")
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"].rstrip("/")
    from prefect.settings import get_current_settings

    configured = get_current_settings().api.url
    return (configured or DEFAULT_API_URL).rstrip("/")


def resolve_prefect_file(option: Path | None) -> Path:
    """--prefect-file, else prefect.yaml of VISIO_ARCHIVE_HOME, of the current directory, or of the checkout."""
    if option is not None:
        candidates = [option]
    else:
        candidates = []
        if os.environ.get("VISIO_ARCHIVE_HOME"):
            candidates.append(Path(os.environ["VISIO_ARCHIVE_HOME"]) / "prefect.yaml")
        candidates += [Path.cwd() / "prefect.yaml", Path(__file__).resolve().parents[2] / "prefect.yaml"]
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise DeployError(f"no prefect.yaml found (looked at {', '.join(str(c) for c in candidates)}); use --prefect-file")


def prefect_cli() -> str:
    beside_python = Path(sys.executable).parent / "prefect"
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("prefect")
    if found is None:
        raise DeployError("the `prefect` command is not installed in this environment")
    return found


def subprocess_env(api_url: str) -> dict[str, str]:
    return {**offline_environment(), "PREFECT_API_URL": api_url}


def check_server(api_url: str, timeout: float = 5.0) -> str:
    """The server's API version; DeployError with what to do when nothing answers."""
    import httpx

    hint = (
        "start one with infra/prefect/server.sh (or `systemctl start visio-prefect-server`), "
        "then set PREFECT_API_URL or pass --api-url"
    )
    headers = {}
    if os.environ.get("PREFECT_API_AUTH_STRING"):  # a server started with PREFECT_SERVER_API_AUTH_STRING
        token = base64.b64encode(os.environ["PREFECT_API_AUTH_STRING"].encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    try:
        health = httpx.get(f"{api_url}/health", timeout=timeout, headers=headers)
        version = httpx.get(f"{api_url}/admin/version", timeout=timeout, headers=headers)
    except httpx.HTTPError as exc:
        raise DeployError(f"no Prefect server answers at {api_url} ({type(exc).__name__}: {exc}): {hint}") from None
    if health.status_code != 200:
        raise DeployError(f"the Prefect server at {api_url} is not healthy (HTTP {health.status_code}): {hint}")
    return version.json() if version.status_code == 200 else "?"


# ---------------------------------------------------------------- prefect.yaml


def load_project(prefect_file: Path) -> dict[str, Any]:
    import yaml

    with prefect_file.open() as stream:
        project = yaml.safe_load(stream) or {}
    if not project.get("deployments"):
        raise DeployError(f"{prefect_file} declares no deployments")
    return project


def with_pool(project: dict[str, Any], pool: str) -> dict[str, Any]:
    """A copy of the project whose deployments all use work pool ``pool``."""
    import copy

    project = copy.deepcopy(project)
    for deployment in project["deployments"]:
        work_pool = deployment.get("work_pool") or {}
        work_pool["name"] = pool
        deployment["work_pool"] = work_pool
    return project


def with_healthcheck(project: dict[str, Any], checkup: dict[str, Any]) -> dict[str, Any]:
    """``project`` plus the healthcheck deployment(s), deployed in the same `prefect deploy` call."""
    import copy

    merged = copy.deepcopy(project)
    for deployment in copy.deepcopy(checkup["deployments"]):
        if checkup.get("pull") != project.get("pull"):
            deployment["pull"] = checkup.get("pull") or []
        merged["deployments"].append(deployment)
    return merged


def run_prefect_deploy(project: dict[str, Any], prefect_file: Path, root: Path, api_url: str, *, verbose: bool) -> None:
    """`prefect deploy --all` on ``project`` (read from ``prefect_file``, maybe changed since) from ``root``,
    the directory that its entrypoints are relative to. The file itself is never rewritten."""
    import yaml

    with tempfile.TemporaryDirectory(prefix="visio-deploy-") as tmp:
        effective = Path(tmp) / "prefect.yaml"
        effective.write_text(yaml.safe_dump(project, sort_keys=False))
        command = [prefect_cli(), "--no-prompt", "deploy", "--all", "--prefect-file", str(effective)]
        result = subprocess.run(
            command, cwd=root, env=subprocess_env(api_url), capture_output=True, text=True, timeout=600, check=False
        )
    output = (result.stdout + result.stderr).strip()
    if verbose and output:
        console.print(output, markup=False, highlight=False)
    if result.returncode != 0:
        tail = "\n".join(output.splitlines()[-40:])
        raise DeployError(f"`prefect deploy` failed for {prefect_file} (exit {result.returncode}):\n{tail}")


# ---------------------------------------------------------------- server side


def ensure_pool(client: Any, pool: str) -> bool:
    """Create the process work pool when missing; True when this call created it.

    Through the API with the process worker's default job template, as infra/prefect/ensure_pool.py
    does: `prefect work-pool create` would make the server try Prefect's online collection registry.
    """
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        existing = client.read_work_pool(pool)
    except ObjectNotFound:
        try:
            client.create_work_pool(
                WorkPoolCreate(
                    name=pool, type="process", base_job_template=ProcessWorker.get_default_base_job_template()
                )
            )
        except ObjectAlreadyExists:  # a worker created it meanwhile
            return False
        return True
    if existing.type != "process":
        console.print(
            f"[yellow]warning:[/] work pool {pool} has type {existing.type!r}, not 'process': "
            "its workers must have this checkout and its virtual environment"
        )
    return False


def describe_schedule(schedule: Any) -> str:
    if getattr(schedule, "cron", None):
        return f"cron {schedule.cron} ({schedule.timezone or 'UTC'})"
    if getattr(schedule, "interval", None):
        return f"every {schedule.interval} ({schedule.timezone or 'UTC'})"
    if getattr(schedule, "rrule", None):
        return f"rrule {schedule.rrule}"
    return str(schedule)


def next_from_cron(schedules: list[Any]) -> datetime | None:
    """The next time the server's own cron logic (DST included) gives for the active schedules."""
    import asyncio

    from prefect.server.schemas.schedules import CronSchedule

    dates: list[datetime] = []
    for deployment_schedule in schedules:
        schedule = deployment_schedule.schedule
        if not deployment_schedule.active or not getattr(schedule, "cron", None):
            continue
        server_schedule = CronSchedule(cron=schedule.cron, timezone=schedule.timezone, day_or=schedule.day_or)
        dates += asyncio.run(server_schedule.get_dates(n=1, start=datetime.now(UTC)))
    return min(dates) if dates else None


def registered_deployments(client: Any, project: dict[str, Any]) -> list[Registered]:
    from prefect.client.schemas.filters import (
        DeploymentFilter,
        DeploymentFilterId,
        FlowRunFilter,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.client.schemas.sorting import FlowRunSort

    wanted = {(d["name"], d["entrypoint"]) for d in project["deployments"]}
    found: list[Registered] = []
    for deployment in client.read_deployments():
        if (deployment.name, deployment.entrypoint) not in wanted:
            continue
        flow = client.read_flow(deployment.flow_id)
        scheduled = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))
            ),
            sort=FlowRunSort.EXPECTED_START_TIME_ASC,
            limit=1,
        )
        next_run: datetime | None = None
        source = ""
        if scheduled and scheduled[0].expected_start_time:
            next_run, source = scheduled[0].expected_start_time, "server"
        elif deployment.schedules:
            next_run, source = next_from_cron(deployment.schedules), "cron"
        found.append(
            Registered(
                name=f"{flow.name}/{deployment.name}",
                pool=deployment.work_pool_name or "-",
                schedules=[
                    describe_schedule(s.schedule) + ("" if s.active else " [inactive]") for s in deployment.schedules
                ],
                next_run=next_run,
                next_run_source=source,
                paused=bool(deployment.paused),
            )
        )
    return sorted(found, key=lambda r: r.name)


def online_workers(client: Any, pool: str) -> list[str]:
    from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus

    workers = client.read_workers_for_work_pool(
        pool, worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))
    )
    return [worker.name for worker in workers]


def run_healthcheck(client: Any, timeout: float) -> tuple[str, str]:
    """Start a healthcheck run and wait for its end: (final state name, the run's 'healthcheck ok' log line)."""
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId

    deployment = client.read_deployment_by_name(HEALTHCHECK_DEPLOYMENT)
    flow_run = client.create_flow_run_from_deployment(deployment.id, name=f"check-{datetime.now(UTC):%Y%m%dT%H%M%S}")
    deadline = time.monotonic() + timeout
    while True:
        flow_run = client.read_flow_run(flow_run.id)
        state = flow_run.state
        if state is not None and state.is_final():
            break
        if time.monotonic() > deadline:
            where = state.name if state else "no state"
            raise DeployError(
                f"the healthcheck run {flow_run.name} is still {where} after {timeout:.0f}s: no worker picked it up. "
                "Start one with infra/prefect/worker.sh (or `systemctl start visio-prefect-worker`)"
            )
        time.sleep(1.0)
    line = ""
    for _ in range(10):  # the run's logs reach the server in batches: give the last one a moment
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run.id])))
        line = next((log.message for log in logs if log.message.startswith("healthcheck ok")), "")
        if line:
            break
        time.sleep(0.5)
    return state.name, line


# ---------------------------------------------------------------- command


def _paris(moment: datetime | None) -> str:
    return moment.astimezone(PARIS).strftime("%Y-%m-%d %H:%M %Z") if moment else "-"


@app.command()
def deploy(
    pool: str = typer.Option(DEFAULT_POOL, "--pool", help="The process work pool the deployments go to."),
    api_url: str = typer.Option(
        None, "--api-url", help=f"The Prefect API. Default: PREFECT_API_URL, else {DEFAULT_API_URL}."
    ),
    prefect_file: Path = typer.Option(
        None, "--prefect-file", help="Default: prefect.yaml of VISIO_ARCHIVE_HOME, of ., or of the checkout."
    ),
    check: bool = typer.Option(
        False,
        "--check",
        help="Also register the `healthcheck` deployment, run it and wait until a worker has completed it.",
    ),
    check_timeout: float = typer.Option(120.0, "--check-timeout", help="Seconds --check waits for the run."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Show the output of `prefect deploy`."),
) -> None:
    """Register the deployments of prefect.yaml (nightly, backfill, process-recording, reindex, retention) on the
    Prefect server.

    Idempotent: a rerun updates them in place (schedules included). Creates the process work pool if missing,
    and the automation that marks flow runs whose heartbeats stopped as Crashed.

    For workers on this machine in one command (server included): `visio-archive workers up`.

    Nothing is built or pushed: workers run the flows from their checkout (VISIO_ARCHIVE_HOME).

    Needs a running server: infra/prefect/server.sh. See docs/operations.md.
    """
    enforce_offline()
    started = time.monotonic()
    try:
        url = resolve_api_url(api_url)
        os.environ["PREFECT_API_URL"] = url
        project_file = resolve_prefect_file(prefect_file)
        server_version = check_server(url)
        console.print(f"Prefect server {url} (API {server_version}); deploying {project_file}")

        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
            if ensure_pool(client, pool):
                console.print(f"created work pool {pool} (type process)")
            project = with_pool(load_project(project_file), pool)
            root = project_file.parent
            if check:
                project = with_healthcheck(project, with_pool(load_project(root / HEALTHCHECK_FILE), pool))
            run_prefect_deploy(project, project_file, root, url, verbose=verbose)
            from visio_archive.workers import ensure_crash_detection

            if ensure_crash_detection(client):  # a dead worker's runs would otherwise stay Running
                console.print("created the automation that marks flow runs without heartbeats Crashed")
            registered = registered_deployments(client, project)
            workers = online_workers(client, pool)
            for item in registered:
                print(
                    f"{item.name}{' [paused]' if item.paused else ''}  pool={item.pool}  "
                    f"schedule={'; '.join(item.schedules) or 'none (on demand)'}  "
                    f"next run={_paris(item.next_run)}"
                )
            console.print(
                f"{len(registered)} deployment(s) registered in {time.monotonic() - started:.1f}s; "
                f"workers online in {pool}: {', '.join(workers) if workers else 'none (start infra/prefect/worker.sh)'}"
            )
            if check:
                state, line = run_healthcheck(client, check_timeout)
                if state != "Completed":
                    raise DeployError(f"the healthcheck run ended {state}: see the worker's log")
                console.print(f"[green]healthcheck Completed[/]: {line or '(log line not received yet)'}")
    except DeployError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2 if "no Prefect server answers" in str(exc) else 1) from None
