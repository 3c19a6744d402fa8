"""Start, stop and check the two local services: OpenSearch and the S3 server (versitygw).

OpenSearch runs as one node, or as a cluster of N nodes on loopback (``opensearch_nodes``,
``services up --opensearch-nodes N``): consecutive HTTP ports from the configured one, transport
ports 100 above, one cluster name, each node seeded with the others.

Both are installed by scripts in ``infra/`` (Maven Central and the Go module proxy) and run as
plain child processes on loopback; there is no Docker engine on the target machines.
Everything a service writes (data, pid file, log) lives under ``settings.state_dir``.

``up`` is idempotent: a service that already answers is left alone. ``down`` stops only what
its pid file names, first politely (SIGTERM to the process group), then with SIGKILL.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from visio_archive.processes import process_alive
from visio_archive.settings import Settings

INFRA_DIR = Path(__file__).resolve().parent.parent / "infra"


class ServiceError(RuntimeError):
    """A service could not be installed or started; the message says what to do."""


class NodeStatus(BaseModel):
    """One OpenSearch node of a local cluster, as `services status` shows it."""

    name: str
    url: str
    pid: int | None = None
    up: bool  # answers HTTP
    cluster_manager: bool = False  # the elected cluster manager


class ServiceStatus(BaseModel):
    name: str
    url: str
    managed: bool  # a pid file of ours names a live process
    pid: int | None = None
    healthy: bool
    detail: str = ""  # version, or why it is not healthy
    log: str
    nodes: list[NodeStatus] = []  # OpenSearch with --opensearch-nodes > 1


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    tools: tuple[str, ...]  # executables the install needs, with the apt package to get them
    install_script: Path
    run_script: Path
    run_args: Callable[[Settings, str], list[str]]  # (settings, install output) -> run.sh arguments
    env: Callable[[Settings], dict[str, str]]
    url: Callable[[Settings], str]
    probe: Callable[[Settings], tuple[bool, str]]


# ---------------------------------------------------------------- health probes


def _http_get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:  # an HTTP answer, even 403, means the server is up
        return exc.code, exc.read()


def _probe_opensearch(settings: Settings) -> tuple[bool, str]:
    """Healthy when some node answers and the cluster is green or yellow."""
    import json

    from visio_archive.index import node_urls

    count = opensearch_node_count(settings)
    urls = node_urls(settings.model_copy(update={"opensearch_nodes": count}))[:count]
    reason = ""
    for url in urls:
        try:
            status, body = _http_get(url + "/")
        except (OSError, urllib.error.URLError) as exc:
            reason = f"not answering ({getattr(exc, 'reason', exc)})"
            continue
        if status != 200:
            reason = f"HTTP {status}"
            continue
        version = json.loads(body).get("version", {}).get("number", "?")
        try:
            status, body = _http_get(url + "/_cluster/health")
            health = json.loads(body)
        except (OSError, urllib.error.URLError, ValueError):
            health = {}
        cluster = health.get("status", "?")
        nodes = f", {health.get('number_of_nodes', '?')}/{len(urls)} nodes" if len(urls) > 1 else ""
        return cluster in ("green", "yellow"), f"OpenSearch {version}, cluster {cluster}{nodes}"
    return False, reason


def _s3_url(settings: Settings) -> str:
    scheme = "https" if settings.s3_secure else "http"
    return f"{scheme}://{settings.s3_endpoint}"


def _probe_s3(settings: Settings) -> tuple[bool, str]:
    # An authenticated call proves more than an open port: the keys match and the backend answers.
    from minio import Minio

    try:
        _http_get(_s3_url(settings) + "/")
    except (OSError, urllib.error.URLError) as exc:
        return False, f"not answering ({getattr(exc, 'reason', exc)})"
    client = Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure,
        region=settings.s3_region,
    )
    try:
        buckets = client.list_buckets()
    except Exception as exc:
        return False, f"answers but refuses our keys or fails: {type(exc).__name__}"
    return True, f"versitygw, {len(buckets)} bucket(s)"


def _port(url: str, default: int) -> int:
    parsed = urlsplit(url if "://" in url else f"http://{url}")
    return parsed.port or default


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(
        name="opensearch",
        tools=("java:openjdk-17-jdk-headless", "javac:openjdk-17-jdk-headless", "mvn:maven"),
        install_script=INFRA_DIR / "opensearch" / "install.sh",
        run_script=INFRA_DIR / "opensearch" / "run.sh",
        run_args=lambda s, installed: [
            installed,
            str((s.state_dir / "opensearch" / "data").resolve()),
            str(s.logs_dir.resolve()),
            str(_port(s.opensearch_url, 9200)),
            s.opensearch_heap,
        ],
        env=lambda s: {},
        url=lambda s: s.opensearch_url.split(",")[0].strip(),
        probe=_probe_opensearch,
    ),
    ServiceSpec(
        name="s3",
        # versitygw needs Go >= 1.25: Debian's golang-go is older, so point at go.dev instead.
        tools=("go:Go >= 1.25 from https://go.dev/dl",),
        install_script=INFRA_DIR / "s3" / "install.sh",
        run_script=INFRA_DIR / "s3" / "run.sh",
        run_args=lambda s, installed: [
            installed,
            str((s.state_dir / "s3").resolve()),
            str(_port(s.s3_endpoint, 9000)),
        ],
        # Keys travel in the environment, never on a command line that `ps` shows.
        env=lambda s: {
            "ROOT_ACCESS_KEY": s.s3_access_key,
            "ROOT_SECRET_KEY": s.s3_secret_key.get_secret_value(),
        },
        url=_s3_url,
        probe=_probe_s3,
    ),
)


# ---------------------------------------------------------------- OpenSearch as a cluster

NODES_FILE = "opensearch-nodes"  # under services/: how many nodes `services up` started here
TRANSPORT_OFFSET = 100  # a node's transport port is its HTTP port + 100 (9200 -> 9300)


@dataclass(frozen=True)
class OpenSearchNode:
    service: str  # pid-file and log name
    node_name: str
    url: str
    http_port: int
    transport_port: int | None  # None: the single node takes a free one in 9300-9399
    data_dir: Path
    logs_dir: Path


def opensearch_node_count(settings: Settings) -> int:
    """VISIO_OPENSEARCH_NODES (or --opensearch-nodes), else what `services up` last started here."""
    if settings.opensearch_nodes > 1:
        return settings.opensearch_nodes
    try:
        return max(1, int((settings.services_dir / NODES_FILE).read_text().strip()))
    except (OSError, ValueError):
        return 1


def opensearch_nodes(settings: Settings) -> list[OpenSearchNode]:
    """The nodes on this host: one (``opensearch``, as ever), or N named ``opensearch-1``... with
    one cluster name, distinct HTTP and transport ports, and each other as seed hosts."""
    from visio_archive.index import node_urls

    count = opensearch_node_count(settings)
    urls = node_urls(settings.model_copy(update={"opensearch_nodes": count}))[:count]
    if count == 1:
        return [
            OpenSearchNode(
                service="opensearch",
                node_name="visio-node-1",
                url=urls[0],
                http_port=_port(urls[0], 9200),
                transport_port=None,
                data_dir=settings.state_dir / "opensearch" / "data",
                logs_dir=settings.logs_dir,
            )
        ]
    return [
        OpenSearchNode(
            service=f"opensearch-{number}",
            node_name=f"visio-node-{number}",
            url=url,
            http_port=_port(url, 9200),
            transport_port=_port(url, 9200) + TRANSPORT_OFFSET,
            data_dir=settings.state_dir / "opensearch" / f"node-{number}" / "data",
            logs_dir=settings.logs_dir / f"opensearch-{number}",
        )
        for number, url in enumerate(urls, start=1)
    ]


def _node_env(node: OpenSearchNode, nodes: list[OpenSearchNode]) -> dict[str, str]:
    if node.transport_port is None:
        return {}
    return {
        "VISIO_OPENSEARCH_NODE_NAME": node.node_name,
        "VISIO_OPENSEARCH_TRANSPORT_PORT": str(node.transport_port),
        "VISIO_OPENSEARCH_SEED_HOSTS": ",".join(f"127.0.0.1:{n.transport_port}" for n in nodes),
        "VISIO_OPENSEARCH_INITIAL_MANAGERS": ",".join(n.node_name for n in nodes),
    }


def _node_up(url: str) -> bool:
    try:
        return _http_get(url + "/", timeout=1.0)[0] == 200
    except (OSError, urllib.error.URLError):
        return False


def start_node(node: OpenSearchNode, settings: Settings, installed: str, echo: Callable[[str], None] = print) -> int:
    """Start one node of this host's OpenSearch (not waiting for it); its pid."""
    echo(f"{node.service}: starting {node.node_name} on {node.url}, log {_log_file(settings, node.service)}")
    return spawn(
        node.service,
        [
            "bash",
            str(INFRA_DIR / "opensearch" / "run.sh"),
            installed,
            str(node.data_dir.resolve()),
            str(node.logs_dir.resolve()),
            str(node.http_port),
            settings.opensearch_heap,
        ],
        settings,
        _node_env(node, opensearch_nodes(settings)),
    )


def _start_cluster(settings: Settings, echo: Callable[[str], None]) -> ServiceStatus:
    spec = _spec("opensearch")
    settings.services_dir.mkdir(parents=True, exist_ok=True)
    (settings.services_dir / NODES_FILE).write_text(str(opensearch_node_count(settings)))
    nodes = opensearch_nodes(settings)
    missing = [node for node in nodes if _read_pid(settings, node.service) is None and not _node_up(node.url)]
    if missing:
        echo("opensearch: installing (cached after the first run)…")
        installed = install(spec, settings, echo)
        for node in missing:
            start_node(node, settings, installed, echo)
    else:
        echo(f"opensearch: all {len(nodes)} nodes already running")
    wait_cluster(settings, len(nodes))
    status = status_of(spec, settings)
    echo(f"opensearch: healthy ({status.detail})")
    from visio_archive.index import node_urls

    if len(node_urls(settings)) < len(nodes):
        echo(
            "opensearch: clients fail over only if they know every node: "
            f"export VISIO_OPENSEARCH_NODES={len(nodes)} (or VISIO_OPENSEARCH_URL={','.join(n.url for n in nodes)})"
        )
    return status


def wait_cluster(settings: Settings, count: int, statuses: tuple[str, ...] = ("green", "yellow")) -> str:
    """Wait until the cluster has ``count`` nodes and one of ``statuses``; the probe's detail."""
    spec = _spec("opensearch")
    deadline = time.monotonic() + settings.service_start_timeout
    while True:
        healthy, detail = spec.probe(settings)
        if healthy and f" {count}/" in detail and any(f"cluster {s}" in detail for s in statuses):
            return detail
        for node in opensearch_nodes(settings):
            if _read_pid(settings, node.service) is None and not _node_up(node.url):
                raise ServiceError(f"{node.service} is not running; read {_log_file(settings, node.service).resolve()}")
        if time.monotonic() > deadline:
            raise ServiceError(
                f"the OpenSearch cluster did not reach {count} nodes ({'/'.join(statuses)}) within "
                f"{settings.service_start_timeout:.0f} s (last probe: {detail}); "
                f"read the logs under {settings.logs_dir.resolve()}"
            )
        time.sleep(0.5)


def cluster_nodes(settings: Settings) -> list[NodeStatus]:
    """Each node of this host's OpenSearch: its pid, whether it answers, which one is cluster manager."""
    import json

    nodes = opensearch_nodes(settings)
    manager = ""
    for node in nodes:
        try:
            status, body = _http_get(node.url + "/_cat/cluster_manager?format=json", timeout=2.0)
        except (OSError, urllib.error.URLError):
            continue
        if status == 200:
            answer = json.loads(body)
            manager = answer[0].get("node", "") if answer else ""
            break
    return [
        NodeStatus(
            name=node.node_name,
            url=node.url,
            pid=_read_pid(settings, node.service),
            up=_node_up(node.url),
            cluster_manager=node.node_name == manager,
        )
        for node in nodes
    ]


# ---------------------------------------------------------------- pid files


def _pid_file(settings: Settings, name: str) -> Path:
    return settings.services_dir / f"{name}.pid"


def _log_file(settings: Settings, name: str) -> Path:
    return settings.logs_dir / f"{name}.log"


def _read_pid(settings: Settings, name: str) -> int | None:
    path = _pid_file(settings, name)
    try:
        pid = int(path.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if process_alive(pid) else None


# ---------------------------------------------------------------- operations


# --- identity hook (identity helper, issue 13): the development Keycloak joins the list when
# VISIO_OIDC_ISSUER names one on loopback (see visio_archive/identity/keycloak.py) ---------------
def _all(settings: Settings | None) -> tuple[ServiceSpec, ...]:
    if settings is None:
        return SERVICES
    from visio_archive.identity.keycloak import service_spec

    extra = service_spec(settings)
    return (*SERVICES, extra) if extra is not None else SERVICES
# --- end identity hook -----------------------------------------------------------------------


def _spec(name: str, settings: Settings | None = None) -> ServiceSpec:
    for spec in _all(settings):
        if spec.name == name:
            return spec
    raise ServiceError(f"unknown service {name!r}; known: {', '.join(s.name for s in _all(settings))}")


def _check_tools(spec: ServiceSpec) -> None:
    missing = [tool.split(":", 1) for tool in spec.tools if shutil.which(tool.split(":")[0]) is None]
    if not missing:
        return
    names = ", ".join(name for name, _ in missing)
    packages = sorted({where for _, where in missing if " " not in where})
    others = sorted({where for _, where in missing if " " in where})
    how = [f"`apt-get install -y {' '.join(packages)}`"] if packages else []
    how += [f"install {where}" for where in others]
    raise ServiceError(
        f"{spec.name} needs {names}, which is not on PATH: {' and '.join(how)} (or run `bash infra/bootstrap.sh`)."
    )


def install(spec: ServiceSpec, settings: Settings, echo: Callable[[str], None] = print) -> str:
    """Run the service's install script (a no-op when already installed); returns what it printed last."""
    _check_tools(spec)
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    install_log = settings.logs_dir / f"{spec.name}-install.log"
    with install_log.open("ab") as log:
        result = subprocess.run(["bash", str(spec.install_script)], stdout=subprocess.PIPE, stderr=log, check=False)
    output = result.stdout.decode().strip().splitlines()
    if result.returncode != 0 or not output:
        raise ServiceError(f"installing {spec.name} failed (exit {result.returncode}); read {install_log.resolve()}")
    return output[-1]


def start(name: str, settings: Settings, echo: Callable[[str], None] = print) -> ServiceStatus:
    if name == "opensearch" and opensearch_node_count(settings) > 1:
        return _start_cluster(settings, echo)
    spec = _spec(name, settings)
    healthy, detail = spec.probe(settings)
    if healthy:
        echo(f"{name}: already running ({detail})")
        return status_of(spec, settings)
    pid = _read_pid(settings, name)
    if pid is None:
        echo(f"{name}: installing (cached after the first run)…")
        installed = install(spec, settings, echo)
        echo(f"{name}: starting, log {_log_file(settings, name)}")
        pid = spawn(
            name, ["bash", str(spec.run_script), *spec.run_args(settings, installed)], settings, spec.env(settings)
        )
    else:
        echo(f"{name}: process {pid} is up, waiting for it to answer…")
    _wait_healthy(spec, settings, pid)
    status = status_of(spec, settings)
    echo(f"{name}: healthy ({status.detail})")
    return status


def spawn(name: str, argv: list[str], settings: Settings, env: dict[str, str] | None = None) -> int:
    """Start ``argv`` in the background as managed process ``name``: its own process group (so that
    ``stop`` ends all of it), output appended to ``logs/{name}.log``, pid in ``services/{name}.pid``."""
    settings.services_dir.mkdir(parents=True, exist_ok=True)
    settings.logs_dir.mkdir(parents=True, exist_ok=True)
    with _log_file(settings, name).open("ab") as log:
        process = subprocess.Popen(
            argv,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    _pid_file(settings, name).write_text(str(process.pid))
    return process.pid


def managed_pid(settings: Settings, name: str) -> int | None:
    """The live process that our pid file for ``name`` names, if any."""
    return _read_pid(settings, name)


def log_path(settings: Settings, name: str) -> Path:
    return _log_file(settings, name).resolve()


def _wait_healthy(spec: ServiceSpec, settings: Settings, pid: int) -> None:
    deadline = time.monotonic() + settings.service_start_timeout
    log_path = _log_file(settings, spec.name).resolve()
    detail = ""
    while time.monotonic() < deadline:
        if not process_alive(pid):
            _pid_file(settings, spec.name).unlink(missing_ok=True)
            raise ServiceError(f"{spec.name} exited while starting; read {log_path}")
        healthy, detail = spec.probe(settings)
        if healthy:
            return
        time.sleep(0.5)
    raise ServiceError(
        f"{spec.name} did not become healthy within {settings.service_start_timeout:.0f} s "
        f"(last probe: {detail}); read {log_path}. It is left running: "
        "`visio-archive services down` stops it."
    )


def stop(name: str, settings: Settings, echo: Callable[[str], None] = print, grace: float = 30.0) -> None:
    if name == "opensearch" and opensearch_node_count(settings) > 1:
        for node in opensearch_nodes(settings):
            stop(node.service, settings, echo, grace)
        (settings.services_dir / NODES_FILE).unlink(missing_ok=True)
        return
    pid = _read_pid(settings, name)
    pid_file = _pid_file(settings, name)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        echo(f"{name}: not running (nothing of ours to stop)")
        return
    echo(f"{name}: stopping process group {pid}…")
    # Children that started sessions of their own (a Prefect worker's flow runs) are not in the
    # group: note them now, while they are still the process's descendants, and stop them after.
    escaped = [child for child in _descendants(pid) if _session(child) != _session(pid)]
    _signal_group(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and process_alive(pid):
        time.sleep(0.2)
    if process_alive(pid):
        echo(f"{name}: did not stop within {grace:.0f} s, killing it")
        _signal_group(pid, signal.SIGKILL)
        while process_alive(pid):
            time.sleep(0.1)
    _stop_escaped(name, escaped, echo, grace)
    pid_file.unlink(missing_ok=True)
    echo(f"{name}: stopped")


def _proc_stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _session(pid: int) -> int | None:
    fields = _proc_stat(pid)
    return int(fields[3]) if fields else None  # after "state ppid pgrp": session


def _descendants(pid: int) -> list[int]:
    """Every live descendant of ``pid`` (children, their children...), from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _proc_stat(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _stop_escaped(name: str, pids: list[int], echo: Callable[[str], None], grace: float) -> None:
    alive = [pid for pid in pids if process_alive(pid)]
    if not alive:
        return
    echo(f"{name}: stopping {len(alive)} process(es) it started in their own session")

    def signal_it(pid: int, sig: signal.Signals) -> None:
        fields = _proc_stat(pid)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if fields and int(fields[2]) == pid:  # leads its own group: the whole group
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)

    for pid in alive:
        signal_it(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(process_alive(pid) for pid in alive):
        time.sleep(0.2)
    for pid in alive:
        if process_alive(pid):
            signal_it(pid, signal.SIGKILL)


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except ProcessLookupError:
        pass
    except PermissionError:
        os.kill(pid, sig)


def status_of(spec: ServiceSpec, settings: Settings) -> ServiceStatus:
    if spec.name == "opensearch" and opensearch_node_count(settings) > 1:
        nodes = cluster_nodes(settings)
        healthy, detail = spec.probe(settings)
        pids = [node.pid for node in nodes if node.pid is not None]
        return ServiceStatus(
            name=spec.name,
            url=",".join(node.url for node in nodes),
            managed=bool(pids),
            pid=pids[0] if pids else None,
            healthy=healthy,
            detail=detail,
            log=str(settings.logs_dir.resolve() / "opensearch-*.log"),
            nodes=nodes,
        )
    pid = _read_pid(settings, spec.name)
    healthy, detail = spec.probe(settings)
    return ServiceStatus(
        name=spec.name,
        url=spec.url(settings),
        managed=pid is not None,
        pid=pid,
        healthy=healthy,
        detail=detail,
        log=str(_log_file(settings, spec.name).resolve()),
    )


def up(settings: Settings, echo: Callable[[str], None] = print) -> list[ServiceStatus]:
    return [start(spec.name, settings, echo) for spec in _all(settings)]


def down(settings: Settings, echo: Callable[[str], None] = print) -> None:
    for spec in reversed(_all(settings)):
        stop(spec.name, settings, echo)


def status(settings: Settings) -> list[ServiceStatus]:
    return [status_of(spec, settings) for spec in _all(settings)]
