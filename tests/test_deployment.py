"""The Prefect deployment, for real: infra/prefect/server.sh on a free port with a private
PREFECT_HOME, infra/prefect/worker.sh (which creates the process work pool), `visio-archive deploy
--check`, then the Prefect client checks what the server holds and runs the healthcheck deployment
once more through the worker. Every process started here (server, worker, the flow runs the worker
spawns in their own sessions) carries a marker in its environment; teardown stops each of them by
pid and the test fails if one is left.

The `nightly` flow is never run: it needs S3 and OpenSearch. infra/prefect/healthcheck.py stands in.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from visio_archive.offline import offline_environment

ROOT = Path(__file__).resolve().parents[1]
POOL = "visio-process"
CLI = [sys.executable, "-c", "import visio_archive.cli.deploy_cmd; from visio_archive.cli import main; main()"]
MARKER_VAR = "VISIO_PREFECT_TEST_MARKER"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def marked_pids(marker: str) -> list[int]:
    """Live processes whose environment carries this test's marker (all descendants inherit it)."""
    needle = f"{MARKER_VAR}={marker}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if state != "Z":
                    pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"


@dataclass
class Stack:
    api_url: str
    env: dict[str, str]
    logs: Path
    marker: str


def _stop(process: subprocess.Popen[bytes], grace: float) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture
def prefect_stack(tmp_path: Path) -> Iterator[Stack]:
    marker = uuid.uuid4().hex
    port = free_port()
    api_url = f"http://127.0.0.1:{port}/api"
    env = offline_environment({k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")})
    env.update(
        {
            MARKER_VAR: marker,
            "VISIO_STATE_DIR": str(tmp_path / "state"),  # PREFECT_HOME becomes state/prefect
            "VISIO_PREFECT_PORT": str(port),
            "PREFECT_API_URL": api_url,
            "VISIO_WORKER_NAME": f"test-{marker[:8]}",
            "PREFECT_WORKER_QUERY_SECONDS": "1",  # poll fast: the test waits on the worker
        }
    )
    logs = tmp_path / "logs"
    logs.mkdir()
    processes: list[subprocess.Popen[bytes]] = []

    def start(script: str, log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["bash", f"infra/prefect/{script}"],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, stopped as a whole
            )
        processes.append(process)
        return process

    try:
        server = start("server.sh", logs / "server.log")
        worker = start("worker.sh", logs / "worker.log")  # it waits for the server by itself
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"server.sh exited {server.returncode}:\n{tail(logs / 'server.log')}")
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"the Prefect server did not answer within 60s:\n{tail(logs / 'server.log')}")
            time.sleep(0.5)
        deadline = time.monotonic() + 45
        while "started!" not in (logs / "worker.log").read_text(errors="replace"):
            if worker.poll() is not None:
                pytest.fail(f"worker.sh exited {worker.returncode}:\n{tail(logs / 'worker.log')}")
            if time.monotonic() > deadline:
                pytest.fail(f"the worker did not start within 45s:\n{tail(logs / 'worker.log')}")
            time.sleep(0.5)
        yield Stack(api_url=api_url, env=env, logs=logs, marker=marker)
    finally:
        for process in reversed(processes):  # the worker first, while the server still answers it
            _stop(process, grace=10)
        left = marked_pids(marker)
        for pid in left:
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes left running after teardown (killed now): {left}"


def run_cli(stack: Stack, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "deploy", "--api-url", stack.api_url, *args],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_deploy_registers_schedules_and_a_worker_runs_a_deployment(prefect_stack: Stack) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId, LogFilter, LogFilterFlowRunId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    stack = prefect_stack
    started = time.monotonic()
    deployed = run_cli(stack, "--check", "--check-timeout", "60")
    output = deployed.stdout + deployed.stderr
    assert deployed.returncode == 0, f"deploy failed:\n{output}\nworker log:\n{tail(stack.logs / 'worker.log')}"
    assert "nightly/nightly  pool=visio-process  schedule=cron 0 2 * * * (Europe/Paris)" in output
    assert "healthcheck Completed" in output
    deploy_seconds = time.monotonic() - started

    with temporary_settings(updates={PREFECT_API_URL: stack.api_url}), get_client(sync_client=True) as client:
        assert client.read_work_pool(POOL).type == "process"

        nightly = client.read_deployment_by_name("nightly/nightly")
        assert client.read_flow(nightly.flow_id).name == "nightly"
        assert nightly.work_pool_name == POOL
        assert nightly.entrypoint == "flows/pipeline.py:nightly"
        assert len(nightly.schedules) == 1
        schedule = nightly.schedules[0]
        assert schedule.active
        assert getattr(schedule.schedule, "cron", None) == "0 2 * * *"
        assert getattr(schedule.schedule, "timezone", None) == "Europe/Paris"
        assert nightly.pull_steps == [
            {"prefect.deployments.steps.set_working_directory": {"directory": "{{ $VISIO_ARCHIVE_HOME }}"}}
        ]
        assert nightly.global_concurrency_limit is not None and nightly.global_concurrency_limit.limit == 1

        retention = client.read_deployment_by_name("retention/retention")
        assert [getattr(s.schedule, "cron", None) for s in retention.schedules] == ["30 4 * * 0"]
        assert retention.global_concurrency_limit is not None and retention.global_concurrency_limit.limit == 1
        for name in ("backfill/backfill", "reindex/reindex", "process-recording/process-recording"):
            deployment = client.read_deployment_by_name(name)
            assert deployment.work_pool_name == POOL and not deployment.schedules
        process = client.read_deployment_by_name("process-recording/process-recording")
        assert process.entrypoint == "flows/pipeline.py:process_recording"
        assert process.work_queue_name == "recordings"  # the recording workers' queue
        # The automation that marks flow runs whose heartbeats stopped as Crashed.
        from visio_archive.workers import CRASH_AUTOMATION

        assert len(client.read_automations_by_name(CRASH_AUTOMATION)) == 1
        reindex = client.read_deployment_by_name("reindex/reindex")
        assert reindex.global_concurrency_limit is not None and reindex.global_concurrency_limit.limit == 1

        # worker.sh again, for a second worker, while deploying again: the pool exists
        # now, which must not be an error (started after the healthcheck run so that it cannot take it).
        second = subprocess.Popen(
            ["bash", "infra/prefect/worker.sh", "--run-once"],
            cwd=ROOT,
            env={**stack.env, "VISIO_WORKER_NAME": "second"},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        # Deploying again updates in place: same deployment, still one schedule.
        again = run_cli(stack)
        assert again.returncode == 0, again.stdout + again.stderr
        nightly_again = client.read_deployment_by_name("nightly/nightly")
        assert nightly_again.id == nightly.id
        assert len(nightly_again.schedules) == 1

        # The healthcheck run that `deploy --check` triggered through the API: a worker picked it up,
        # ran it as a child process in the checkout, and it completed.
        healthcheck = client.read_deployment_by_name("healthcheck/healthcheck")
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[healthcheck.id])))
        assert len(runs) == 1, runs
        flow_run = runs[0]
        assert flow_run.state is not None and flow_run.state.is_completed(), (
            f"healthcheck ended {flow_run.state}:\n{tail(stack.logs / 'worker.log')}"
        )
        assert flow_run.work_pool_name == POOL
        assert flow_run.infrastructure_pid, "the worker did not record the process it started"
        messages: list[str] = []
        for _ in range(20):
            logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run.id])))
            messages = [log.message for log in logs]
            if any(m.startswith("healthcheck ok") for m in messages):
                break
            time.sleep(0.5)
        line = next((m for m in messages if m.startswith("healthcheck ok")), "")
        assert f"cwd={ROOT}" in line.split(), f"healthcheck log: {messages}"
        assert f"visio_archive_home={ROOT}" in line.split()

    second_output = second.communicate(timeout=60)[0]
    assert second.returncode == 0, second_output
    assert "created" not in second_output and "Worker 'second' started!" in second_output

    worker_log = (stack.logs / "worker.log").read_text(errors="replace")
    assert f"Worker '{stack.env['VISIO_WORKER_NAME']}' submitting flow run '{flow_run.id}'" in worker_log
    print(f"deploy --check (deploy, run the healthcheck, wait for it): {deploy_seconds:.1f}s")


def test_deploy_without_a_server_says_how_to_start_one(tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = offline_environment({k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")})
    env["PREFECT_HOME"] = str(tmp_path)
    result = subprocess.run(
        [*CLI, "deploy", "--api-url", f"http://127.0.0.1:{port}/api"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    message = " ".join((result.stdout + result.stderr).split())
    assert result.returncode == 2, message
    assert f"no Prefect server answers at http://127.0.0.1:{port}/api" in message
    assert "infra/prefect/server.sh" in message and "PREFECT_API_URL" in message


def test_with_pool_rewrites_every_deployment_and_leaves_the_file_alone() -> None:
    from visio_archive.cli.deploy_cmd import load_project, with_pool

    original = (ROOT / "prefect.yaml").read_text()
    project = load_project(ROOT / "prefect.yaml")
    moved = with_pool(project, "other-pool")
    assert {d["work_pool"]["name"] for d in moved["deployments"]} == {"other-pool"}
    assert {d["work_pool"]["name"] for d in project["deployments"]} == {POOL}
    assert (ROOT / "prefect.yaml").read_text() == original
