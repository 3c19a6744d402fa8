"""Past one machine, for real: a Prefect server and two recording workers started by
`visio-archive workers up --count 2` (separate processes, each running its own flow runs), the real
S3 server and OpenSearch node, the real models, and eight short spoken recordings.

1. A nightly run fans out: every recording done exactly once (one ledger entry, one ledger version,
   no duplicate index document), and both workers took some.
2. A worker is SIGKILLed, with its flow run, in the middle of a recording: the server marks that
   run Crashed (heartbeats stopped), the recording is not marked done, and after `workers up` again
   a rerun ends with every recording done once and nothing half-written.

Every process started here carries a marker in its environment; teardown stops them by pid and the
test fails if one is left. Slow (several minutes on 2 cores): each flow run loads the models.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import drop_bucket
from test_deployment import free_port, marked_pids

from visio_archive import index
from visio_archive.archive import read_redacted
from visio_archive.offline import offline_environment
from visio_archive.settings import Settings
from visio_archive.storage import Storage

pytestmark = [pytest.mark.services, pytest.mark.models, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "visio_archive"]
MARKER_VAR = "VISIO_PREFECT_TEST_MARKER"
FIRST = [f"fan-{i}" for i in range(8)]
SECOND = [f"kill-{i}" for i in range(3)]


@dataclass
class Cluster:
    env: dict[str, str]
    settings: Settings
    storage: Storage
    state: Path
    api_url: str


def _cli(cluster: Cluster, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], cwd=ROOT, env=cluster.env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Path, Path]]:
    """Two short spoken meetings (a few seconds, two speakers), uploaded under several ids."""
    from visio_archive.samples import scripted_meeting

    out = tmp_path_factory.mktemp("recordings")
    scripts = [
        [(0, "Bonjour à tous, la séance est ouverte."), (1, "Merci, je présente le budget.")],
        [(0, "Nous passons au point suivant."), (1, "Le rapport est adopté.")],
    ]
    made = []
    for number, script in enumerate(scripts):
        audio, metadata, _ = scripted_meeting(
            out,
            script,
            [("p1", "Alice Martin"), ("p2", "Bruno Petit")],
            recording_id=f"clip-{number}",
            title="Comité de suivi",
            started_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        )
        made.append((audio, metadata))
    return made


@pytest.fixture(scope="module")
def cluster(run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    marker = uuid.uuid4().hex
    state = tmp_path_factory.mktemp("workers") / "state"
    port = free_port()
    settings = Settings(bucket=f"workers-{run_id}", index_prefix=f"workers-{run_id}", state_dir=state)
    env = offline_environment({k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")})
    env.update(
        {
            MARKER_VAR: marker,
            "VISIO_STATE_DIR": str(state),
            "VISIO_PREFECT_PORT": str(port),
            "VISIO_BUCKET": settings.bucket,
            "VISIO_INDEX_PREFIX": settings.index_prefix,
            "VISIO_MAX_CONCURRENT_RECORDINGS": "2",  # both workers at once
            "VISIO_LEASE_SECONDS": "20",
            "VISIO_FANOUT": "deployments",  # fail, rather than quietly process in the test's process
            "VISIO_FANOUT_TIMEOUT": "600",
            "PREFECT_WORKER_QUERY_SECONDS": "2",
            "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
        }
    )
    storage = Storage.from_settings(settings)
    storage.ensure_bucket()
    api_url = f"http://127.0.0.1:{port}/api"
    cluster = Cluster(env=env, settings=settings, storage=storage, state=state, api_url=api_url)
    try:
        started = _cli(cluster, "workers", "up", "--count", "2", timeout=300)
        assert started.returncode == 0, started.stdout + started.stderr
        cluster.env["PREFECT_API_URL"] = api_url  # from now on, clients use that server
        yield cluster
    finally:
        down = _cli(cluster, "workers", "down", timeout=120)
        left = marked_pids(marker)
        for pid in left:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        drop_bucket(storage.client, settings.bucket)
        index.delete_prefix(index.client_from_settings(settings), settings.index_prefix)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not left, f"processes left running after `workers down` (killed now): {left}"


def _upload(cluster: Cluster, ids: list[str], recordings: list[tuple[Path, Path]]) -> None:
    for number, recording_id in enumerate(ids):
        audio, metadata = recordings[number % len(recordings)]
        cluster.storage.put_recording(audio, recording_id, metadata=metadata)


def _segments(cluster: Cluster, meeting_id: str) -> list[dict[str, Any]]:
    client = index.client_from_settings(cluster.settings)
    alias = index.alias_name(cluster.settings.index_prefix, "segments")
    client.indices.refresh(index=alias)
    answer = client.search(index=alias, body={"query": {"term": {"meeting_id": meeting_id}}, "size": 1000})
    return [hit["_source"] | {"_id": hit["_id"]} for hit in answer["hits"]["hits"]]


def _versions(storage: Storage, key: str) -> int:
    return sum(
        1
        for obj in storage.client.list_objects(bucket_name=storage.bucket, prefix=key, include_version=True)
        if obj.object_name == key
    )


def _assert_done_exactly_once(cluster: Cluster, ids: list[str]) -> dict[str, Any]:
    """Each recording: one ledger entry written once, its artifacts present, its documents once each."""
    storage = cluster.storage
    entries = {}
    for recording_id in ids:
        entry = storage.ledger_get(recording_id)
        assert entry is not None, f"{recording_id} not done"
        assert _versions(storage, storage.ledger_key(recording_id)) == 1, f"{recording_id} marked done twice"
        assert entry.host and entry.pid and entry.worker and entry.flow_run_id, entry
        for key in entry.artifacts:
            assert storage.exists(key), f"{recording_id}: {key} missing"
        documents = _segments(cluster, recording_id)
        assert len(documents) == len({d["_id"] for d in documents})
        redacted = read_redacted(storage, recording_id)
        readable = sum(1 for s in redacted.segments if s.text.strip() and not s.flagged)
        assert len(documents) == entry.segment_count == readable, recording_id
        assert len(documents) > 0
        entries[recording_id] = entry
    assert storage.list_keys(cluster.settings.leases_prefix) == [], "a lease was left behind"
    return entries


def _flow_run_state(cluster: Cluster, flow_run_id: str) -> str:
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(updates={PREFECT_API_URL: cluster.api_url}), get_client(sync_client=True) as client:
        state = client.read_flow_run(uuid.UUID(flow_run_id)).state
    return str(state.name) if state else "none"


def test_nightly_fans_out_over_two_workers_exactly_once(
    cluster: Cluster, recordings: list[tuple[Path, Path]]
) -> None:
    _upload(cluster, FIRST, recordings)
    started = time.monotonic()
    run = _cli(cluster, "nightly")
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:]
    assert "8 flow run(s) of process-recording/process-recording created" in output, output[-3000:]
    assert "processed 8 recording(s): 8 done" in " ".join(output.split()), output[-3000:]

    entries = _assert_done_exactly_once(cluster, FIRST)
    workers = {entry.worker for entry in entries.values()}
    assert len(workers) == 2, f"one worker did everything: {workers}"
    assert len({entry.pid for entry in entries.values()}) == 8  # one flow-run process per recording
    for entry in entries.values():
        assert entry.flow_run_id is not None
        assert _flow_run_state(cluster, entry.flow_run_id) == "Completed"
    print(f"8 recordings over 2 workers in {time.monotonic() - started:.0f}s (loaded 2-core machine)")

    again = _cli(cluster, "nightly")
    assert again.returncode == 0 and "0 new recording(s); 8 already done" in again.stdout + again.stderr


def test_a_worker_killed_mid_recording_costs_nothing(cluster: Cluster, recordings: list[tuple[Path, Path]]) -> None:
    storage = cluster.storage
    _upload(cluster, SECOND, recordings)
    log = cluster.state / "killed-night.log"
    with log.open("wb") as out:
        night = subprocess.Popen([*CLI, "nightly"], cwd=ROOT, env=cluster.env, stdout=out, stderr=subprocess.STDOUT)
    try:
        # Wait until worker-2's flow run holds a lease and has had time to start on the recording.
        victim = None
        worker_pid = int((cluster.state / "services" / "worker-2.pid").read_text())
        deadline = time.monotonic() + 300
        while victim is None:
            assert night.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "worker-2 never took a recording"
            held = storage.leases_all()
            victim = next((lease for lease in held if lease.worker and lease.worker.endswith("-2")), None)
            time.sleep(0.5)
        time.sleep(4)
        assert storage.ledger_get(victim.recording_id) is None, "too late: the recording finished before the kill"
        # The machine dies: the worker and the flow-run process it started (its own session).
        os.killpg(worker_pid, signal.SIGKILL)
        os.killpg(victim.pid, signal.SIGKILL)

        # The server sees the heartbeats stop and marks the run Crashed; the nightly run reports it.
        assert victim.flow_run_id is not None
        returncode = night.wait(timeout=600)
    finally:
        if night.poll() is None:
            night.kill()
            night.wait()
    output = " ".join(log.read_text().split())
    assert returncode == 1, output[-3000:]  # one recording failed: the run says so
    assert f"{victim.recording_id}: failed: Crashed" in output, output[-3000:]
    assert _flow_run_state(cluster, victim.flow_run_id) == "Crashed"
    assert storage.ledger_get(victim.recording_id) is None

    # Bring the dead worker back (idempotent: only what is missing starts), then rerun.
    restarted = _cli(cluster, "workers", "up", "--count", "2", timeout=300)
    assert restarted.returncode == 0, restarted.stdout + restarted.stderr
    assert "worker-1: already running" in restarted.stdout + restarted.stderr
    rerun = _cli(cluster, "nightly")
    assert rerun.returncode == 0, (rerun.stdout + rerun.stderr)[-3000:]
    assert f"{victim.recording_id}: done" in rerun.stdout + rerun.stderr

    entries = _assert_done_exactly_once(cluster, FIRST + SECOND)
    assert entries[victim.recording_id].flow_run_id != victim.flow_run_id
    # Same documents as a clean run of the same audio (SECOND reuses the clips of FIRST).
    twin = FIRST[SECOND.index(victim.recording_id) % 2]
    assert len(_segments(cluster, victim.recording_id)) == len(_segments(cluster, twin))
    # The dead run's slot of the recordings limit comes back when its slot lease expires (60 s).
    deadline = time.monotonic() + 180
    while True:
        status = _cli(cluster, "workers", "status", "--json")
        report = json.loads(status.stdout)
        if report["recordings_limit"] == "0/2" or time.monotonic() > deadline:
            break
        time.sleep(5)
    assert status.returncode == 0 and report["recordings_limit"] == "0/2", report
