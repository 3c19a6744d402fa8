"""Prefect workers on this machine: ``visio-archive workers up --count N | down | status``.

``up`` makes one machine ready to process recordings with N process workers:

1. the Prefect server: the one in PREFECT_API_URL when it is set (it must answer), else a local one
   started here (``infra/prefect/server.sh`` on 127.0.0.1:``prefect_port``, its SQLite database in
   ``$VISIO_STATE_DIR/prefect``);
2. on that server: the process work pool, the deployments of ``prefect.yaml`` (re-registered only
   when the file changed), the global concurrency limit of recordings, and the automation that
   marks a flow run Crashed when its heartbeats stop (a killed worker's run would stay Running);
3. N recording workers (``infra/prefect/worker.sh`` on the ``recordings`` queue, one flow run at a
   time each) and one flow worker for nightly, backfill, reindex and retention (``default`` queue),
   so that a nightly run waiting for its recordings never takes a recording worker's place.

Every process is a managed service of :mod:`visio_archive.services`: own process group, pid file
under ``$VISIO_STATE_DIR/services``, log under ``$VISIO_STATE_DIR/logs``. ``up`` is idempotent (it
starts what is missing and stops recording workers beyond N); ``down`` stops the workers, then the
server if this machine started it. Other machines run ``workers up`` with PREFECT_API_URL pointing
at the first one's server (docs/operations.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from visio_archive import services
from visio_archive.offline import OFFLINE_ENVIRONMENT
from visio_archive.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SERVER = "prefect-server"
FLOW_WORKER = "worker-flows"
RECORDING_WORKER = "worker-{index}"
RECORDINGS_QUEUE = "recordings"
FLOWS_QUEUE = "default"
HEARTBEAT_SECONDS = 30  # flow-run heartbeats (Prefect's minimum); a run silent for 3 of them is crashed
CRASH_AUTOMATION = "visio-archive: mark flow runs whose heartbeats stopped as Crashed"
DEPLOYED_STAMP = "prefect-deployed.sha"


class WorkersError(RuntimeError):
    """Something the operator can fix; the message says what."""


class WorkerStatus(BaseModel):
    name: str  # the worker's name on the server
    service: str  # our pid-file name
    queue: str
    pid: int | None
    online: bool | None  # what the server says (None: server not reachable)
    log: str


class WorkersStatus(BaseModel):
    api_url: str
    server_managed: bool  # started by this machine's `workers up`
    server_pid: int | None
    server_healthy: bool
    server_detail: str
    pool: str
    deployments: list[str] = []
    workers: list[WorkerStatus] = []
    recordings_limit: str = ""  # "active/limit"
    flow_runs_running: int | None = None
    crash_detection: bool = False


# ---------------------------------------------------------------- where the server is


def configured_api_url() -> str | None:
    """PREFECT_API_URL from the environment or the active Prefect profile; None when unset."""
    if os.environ.get("PREFECT_API_URL"):
        return os.environ["PREFECT_API_URL"].rstrip("/")
    from prefect.settings import get_current_settings

    url = get_current_settings().api.url
    return url.rstrip("/") if url else None


def local_api_url(settings: Settings) -> str:
    return f"http://127.0.0.1:{settings.prefect_port}/api"


def api_url(settings: Settings) -> str:
    return configured_api_url() or local_api_url(settings)


def probe_server(url: str, timeout: float = 3.0) -> tuple[bool, str]:
    import httpx

    try:
        health = httpx.get(f"{url}/health", timeout=timeout)
        version = httpx.get(f"{url}/admin/version", timeout=timeout)
    except httpx.HTTPError as exc:
        return False, f"not answering ({type(exc).__name__})"
    if health.status_code != 200:
        return False, f"HTTP {health.status_code}"
    return True, f"Prefect {version.json() if version.status_code == 200 else '?'}"


def _state_env(settings: Settings) -> dict[str, str]:
    # spawn() starts from this process's environment; the offline variables are forced on top.
    return {**OFFLINE_ENVIRONMENT, "VISIO_STATE_DIR": str(settings.state_dir.resolve())}


def start_server(settings: Settings, echo: Callable[[str], None] = print) -> str:
    """The API URL of a healthy server: the configured one, or a local one started here."""
    configured = configured_api_url()
    if configured:
        healthy, detail = probe_server(configured)
        if not healthy:
            raise WorkersError(
                f"PREFECT_API_URL={configured} is {detail}: start that server (infra/prefect/server.sh) "
                "or unset PREFECT_API_URL to run one on this machine"
            )
        echo(f"prefect server: using {configured} ({detail})")
        return configured
    url = local_api_url(settings)
    healthy, detail = probe_server(url)
    if healthy:
        echo(f"prefect server: already running at {url} ({detail})")
        return url
    pid = services.managed_pid(settings, SERVER)
    if pid is None:
        echo(f"prefect server: starting on {url}, log {services.log_path(settings, SERVER)}")
        pid = services.spawn(
            SERVER,
            ["bash", str(ROOT / "infra" / "prefect" / "server.sh")],
            settings,
            {**_state_env(settings), "VISIO_PREFECT_PORT": str(settings.prefect_port)},
        )
    deadline = time.monotonic() + settings.service_start_timeout
    while not (answer := probe_server(url))[0]:
        if services.managed_pid(settings, SERVER) is None:
            raise WorkersError(f"the Prefect server exited while starting; read {services.log_path(settings, SERVER)}")
        if time.monotonic() > deadline:
            raise WorkersError(
                f"the Prefect server did not answer within {settings.service_start_timeout:.0f}s "
                f"({answer[1]}); read {services.log_path(settings, SERVER)}"
            )
        time.sleep(0.5)
    echo(f"prefect server: healthy ({answer[1]})")
    return url


# ---------------------------------------------------------------- what the server must hold


def ensure_crash_detection(client: Any, heartbeat_seconds: int = HEARTBEAT_SECONDS) -> bool:
    """Create or update the automation that crashes flow runs silent for 3 heartbeats; True when created.

    Prefect's documented remedy for runs left Running by a dead process: a proactive trigger
    expecting, after each heartbeat, another heartbeat or a final state within the window.
    """
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    automation = AutomationCore(
        name=CRASH_AUTOMATION,
        description=(
            "A process worker that dies leaves its flow runs Running; their heartbeats stop. "
            "Installed by visio-archive (workers up, deploy)."
        ),
        enabled=True,
        trigger=EventTrigger(
            after={"prefect.flow-run.heartbeat"},
            expect={
                "prefect.flow-run.heartbeat",
                "prefect.flow-run.Completed",
                "prefect.flow-run.Failed",
                "prefect.flow-run.Cancelled",
                "prefect.flow-run.Crashed",
            },
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=timedelta(seconds=3 * heartbeat_seconds),
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"no heartbeat for {3 * heartbeat_seconds}s: its process or machine died",
            )
        ],
    )
    existing = client.read_automations_by_name(CRASH_AUTOMATION)
    if existing:
        client.update_automation(existing[0].id, automation)
        for extra in existing[1:]:
            client.delete_automation(extra.id)
        return False
    client.create_automation(automation)
    return True


def _ensure_queue(client: Any, pool: str, queue: str) -> None:
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    try:
        client.read_work_queue_by_name(queue, work_pool_name=pool)
    except ObjectNotFound:
        with contextlib.suppress(ObjectAlreadyExists):  # another machine's `workers up` was quicker
            client.create_work_queue(name=queue, work_pool_name=pool)


def prepare_server(url: str, settings: Settings, pool: str, echo: Callable[[str], None] = print) -> None:
    """Pool, queues, deployments, recordings limit and crash detection on the server at ``url``."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline import CONCURRENCY_LIMIT_NAME
    from visio_archive.cli import deploy_cmd

    prefect_file = deploy_cmd.resolve_prefect_file(None)
    project = deploy_cmd.with_pool(deploy_cmd.load_project(prefect_file), pool)
    with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        if deploy_cmd.ensure_pool(client, pool):
            echo(f"work pool {pool}: created (type process)")
        for queue in (FLOWS_QUEUE, RECORDINGS_QUEUE):
            _ensure_queue(client, pool, queue)
        stamp = settings.services_dir / DEPLOYED_STAMP
        digest = hashlib.sha256(f"{url}\n{pool}\n{prefect_file.read_text()}".encode()).hexdigest()
        names = {d["name"] for d in project["deployments"]}
        registered = {d.name for d in client.read_deployments()}
        if stamp.exists() and stamp.read_text() == digest and names <= registered:
            echo(f"deployments: {len(names)} already registered from {prefect_file}")
        else:
            started = time.monotonic()
            deploy_cmd.run_prefect_deploy(project, prefect_file, prefect_file.parent, url, verbose=False)
            settings.services_dir.mkdir(parents=True, exist_ok=True)
            stamp.write_text(digest)
            echo(f"deployments: {len(names)} registered in {time.monotonic() - started:.0f}s")
        client.upsert_global_concurrency_limit_by_name(CONCURRENCY_LIMIT_NAME, settings.max_concurrent_recordings)
        if ensure_crash_detection(client):
            echo("crash detection: automation created")


# ---------------------------------------------------------------- workers


def _worker_name(service: str) -> str:
    return f"visio-{socket.gethostname().split('.')[0]}-{service.removeprefix('worker-')}"


def _start_worker(settings: Settings, url: str, pool: str, service: str, queue: str, limit: int | None) -> int:
    heartbeat = os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    env = {
        **_state_env(settings),
        "PREFECT_API_URL": url,
        "VISIO_WORK_POOL": pool,
        "VISIO_WORK_QUEUES": queue,
        "VISIO_WORKER_NAME": _worker_name(service),
        "VISIO_ARCHIVE_HOME": str(ROOT),
        # Flow runs this worker starts inherit these: they beat, so that a dead one is crashed.
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": heartbeat,
    }
    if limit:
        env["VISIO_WORKER_LIMIT"] = str(limit)
    return services.spawn(service, ["bash", str(ROOT / "infra" / "prefect" / "worker.sh")], settings, env)


def _recording_services(settings: Settings) -> list[str]:
    """Recording workers that have a pid file here, worker-1, worker-2, ... in order."""
    found = [path.stem for path in settings.services_dir.glob("worker-*.pid") if path.stem[7:].isdigit()]
    return sorted(found, key=lambda name: int(name[7:]))


def up(
    settings: Settings,
    count: int,
    echo: Callable[[str], None] = print,
    *,
    pool: str = "visio-process",
    limit: int = 1,
    flow_worker: bool = True,
) -> WorkersStatus:
    """Server, pool, deployments and ``count`` recording workers (each running ``limit`` flow runs at once)."""
    if count < 0:
        raise WorkersError("--count must be 0 or more")
    url = start_server(settings, echo)
    prepare_server(url, settings, pool, echo)
    wanted = [RECORDING_WORKER.format(index=i) for i in range(1, count + 1)]
    for service in _recording_services(settings):
        if service not in wanted:
            echo(f"{service}: beyond --count {count}, stopping")
            services.stop(service, settings, echo)
    plan = [(service, RECORDINGS_QUEUE, limit) for service in wanted]
    if flow_worker:
        plan.append((FLOW_WORKER, FLOWS_QUEUE, 4))
    for service, queue, worker_limit in plan:
        pid = services.managed_pid(settings, service)
        if pid is not None:
            echo(f"{service}: already running (pid {pid})")
            continue
        pid = _start_worker(settings, url, pool, service, queue, worker_limit)
        echo(f"{service}: started {_worker_name(service)} on queue {queue} (pid {pid})")
    _wait_online(settings, url, pool, [service for service, _, _ in plan])
    return status(settings, pool=pool)


def _wait_online(settings: Settings, url: str, pool: str, service_names: list[str]) -> None:
    deadline = time.monotonic() + settings.service_start_timeout
    names = {_worker_name(service): service for service in service_names}
    while True:
        online = set(_online_workers(url, pool) or [])
        missing = [name for name in names if name not in online]
        if not missing:
            return
        for name in missing:
            if services.managed_pid(settings, names[name]) is None:
                raise WorkersError(f"{name} exited while starting; read {services.log_path(settings, names[name])}")
        if time.monotonic() > deadline:
            raise WorkersError(
                f"{', '.join(missing)} not online after {settings.service_start_timeout:.0f}s; "
                f"read {', '.join(str(services.log_path(settings, names[n])) for n in missing)}"
            )
        time.sleep(1.0)


def _online_workers(url: str, pool: str) -> list[str] | None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if not probe_server(url)[0]:
        return None
    with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        try:
            workers = client.read_workers_for_work_pool(
                pool, worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))
            )
        except ObjectNotFound:
            return []
    return [worker.name for worker in workers]


def down(settings: Settings, echo: Callable[[str], None] = print) -> None:
    """Stop this machine's workers (recording runs in progress die with them: their leases expire
    and the next run redoes them), then the local server if this machine started it."""
    for service in [*_recording_services(settings), FLOW_WORKER]:
        services.stop(service, settings, echo)
    services.stop(SERVER, settings, echo)


def status(settings: Settings, *, pool: str = "visio-process") -> WorkersStatus:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.exceptions import ObjectNotFound
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.pipeline import CONCURRENCY_LIMIT_NAME

    url = api_url(settings)
    healthy, detail = probe_server(url)
    server_pid = services.managed_pid(settings, SERVER)
    result = WorkersStatus(
        api_url=url,
        server_managed=server_pid is not None,
        server_pid=server_pid,
        server_healthy=healthy,
        server_detail=detail,
        pool=pool,
    )
    online = set(_online_workers(url, pool) or []) if healthy else set()
    for service in [*_recording_services(settings), FLOW_WORKER]:
        pid = services.managed_pid(settings, service)
        if pid is None and service == FLOW_WORKER:
            continue
        result.workers.append(
            WorkerStatus(
                name=_worker_name(service),
                service=service,
                queue=FLOWS_QUEUE if service == FLOW_WORKER else RECORDINGS_QUEUE,
                pid=pid,
                online=(_worker_name(service) in online) if healthy else None,
                log=str(services.log_path(settings, service)),
            )
        )
    if not healthy:
        return result
    with temporary_settings(updates={PREFECT_API_URL: url}), get_client(sync_client=True) as client:
        deployments = [d for d in client.read_deployments() if d.work_pool_name == pool]
        result.deployments = sorted(f"{client.read_flow(d.flow_id).name}/{d.name}" for d in deployments)
        try:
            limit = client.read_global_concurrency_limit_by_name(CONCURRENCY_LIMIT_NAME)
            result.recordings_limit = f"{limit.active_slots}/{limit.limit}"
        except ObjectNotFound:
            result.recordings_limit = "not set"
        result.flow_runs_running = len(
            client.read_flow_runs(
                flow_run_filter=FlowRunFilter(
                    state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING]))
                )
            )
        )
        result.crash_detection = bool(client.read_automations_by_name(CRASH_AUTOMATION))
    return result
