"""The service manager against the real servers, on ports and a state directory of its own,
so it never disturbs the services the rest of the suite uses."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from visio_archive import services
from visio_archive.settings import Settings

pytestmark = [pytest.mark.services, pytest.mark.slow]


def _processes_mentioning(text: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if text in line and "ps -eo" not in line]


@pytest.fixture()
def private_settings(tmp_path: Path) -> Settings:
    return Settings(
        state_dir=tmp_path / "state",
        opensearch_url="http://127.0.0.1:9251",
        opensearch_heap="512m",
        s3_endpoint="127.0.0.1:9151",
    )


def test_up_is_idempotent_and_down_leaves_no_process(private_settings: Settings) -> None:
    messages: list[str] = []
    try:
        first = services.up(private_settings, messages.append)
        assert all(status.healthy and status.managed for status in first)
        with urllib.request.urlopen("http://127.0.0.1:9251/", timeout=5) as response:
            assert json.load(response)["version"]["number"].startswith("2.19.")

        messages.clear()
        second = services.up(private_settings, messages.append)
        assert [s.pid for s in second] == [s.pid for s in first]  # nothing restarted
        assert all("already running" in message for message in messages), messages
    finally:
        services.down(private_settings, messages.append)
    state = str(private_settings.state_dir.resolve())
    assert _processes_mentioning(state) == []
    assert not any(private_settings.services_dir.glob("*.pid"))
    assert all(not status.healthy for status in services.status(private_settings))


def test_status_cli_reports_health_as_json(private_settings: Settings) -> None:
    env = {
        "VISIO_STATE_DIR": str(private_settings.state_dir),
        "VISIO_OPENSEARCH_URL": private_settings.opensearch_url,
        "VISIO_S3_ENDPOINT": private_settings.s3_endpoint,
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "-m", "visio_archive.cli", "services", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 1  # nothing runs on these ports: unhealthy, and said so
    statuses = json.loads(result.stdout)
    assert {s["name"] for s in statuses} == {"opensearch", "s3"}
    assert not any(s["healthy"] for s in statuses)


def test_missing_tool_gives_an_actionable_error(private_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    with pytest.raises(services.ServiceError, match="apt-get install"):
        services.install(services.SERVICES[0], private_settings)


def test_stop_also_ends_what_the_service_started_in_a_session_of_its_own(tmp_path: Path) -> None:
    """A Prefect worker starts each flow run in its own session: `stop` must not leave them behind."""
    import time

    from visio_archive.processes import process_alive

    settings = Settings(state_dir=tmp_path / "state")
    child_file = tmp_path / "child.pid"
    pid = services.spawn("sleeper", ["bash", "-c", f"setsid sleep 300 & echo $! > {child_file}; wait"], settings)
    deadline = time.monotonic() + 10
    while not child_file.exists() or not child_file.read_text().strip():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child = int(child_file.read_text())
    while services._session(child) != child:  # `$!` is known before the child has called setsid()
        assert time.monotonic() < deadline, "the child never started its own session"
        time.sleep(0.05)
    assert services._session(pid) != child
    messages: list[str] = []
    services.stop("sleeper", settings, messages.append, grace=5)
    assert not process_alive(pid) and not process_alive(child), messages
    assert any("own session" in message for message in messages)
