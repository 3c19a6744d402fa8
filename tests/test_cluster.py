"""OpenSearch as a three-node cluster on loopback (`services up --opensearch-nodes 3`), on ports and
a state directory of its own (HTTP 9251-9253, transport 9351-9353): indices get one replica, the
client knows every node, and one node stopped while meetings are indexed and searched costs no
search and no document; the cluster is green again once the node is back."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from opensearchpy.exceptions import ConnectionError as OpenSearchConnectionError
from opensearchpy.exceptions import TransportError

from visio_archive import index, services
from visio_archive.models import MeetingDocument, SegmentDocument
from visio_archive.settings import Settings

pytestmark = [pytest.mark.services, pytest.mark.slow]

SEGMENTS = 40
MEETINGS = 48
STOP_AT = 16  # the node stops after this many meetings have been indexed during the run


def _processes_mentioning(text: str) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if text in line and "ps -eo" not in line]


@pytest.fixture(scope="module")
def cluster(run_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(
        state_dir=tmp_path_factory.mktemp("cluster") / "state",
        opensearch_url="http://127.0.0.1:9251",
        opensearch_nodes=3,
        opensearch_heap="512m",
        index_prefix=f"cluster-{run_id}",
        service_start_timeout=300,
    )
    messages: list[str] = []
    try:
        services.start("opensearch", settings, messages.append)
        yield settings
    finally:
        services.stop("opensearch", settings, messages.append)
    assert _processes_mentioning(str(settings.state_dir.resolve())) == [], messages
    assert not any(settings.services_dir.glob("*.pid"))


def _meeting(number: int) -> tuple[MeetingDocument, list[SegmentDocument]]:
    meeting_id = f"cluster-meeting-{number:03d}"
    segments = [
        SegmentDocument(
            meeting_id=meeting_id,
            segment_index=i,
            start=i * 5.0,
            end=i * 5.0 + 4.5,
            speaker=f"Intervenant {i % 3 + 1}",
            text=f"Le budget de la séance {number} est examiné, point {i} de l'ordre du jour.",
            language="fr",
        )
        for i in range(SEGMENTS)
    ]
    return MeetingDocument(meeting_id=meeting_id, language="fr", duration=SEGMENTS * 5.0), segments


def test_three_nodes_one_cluster_and_status_shows_them(cluster: Settings) -> None:
    status = services.status_of(services._spec("opensearch"), cluster)
    assert status.healthy and "cluster green, 3/3 nodes" in status.detail, status
    assert [node.url for node in status.nodes] == [f"http://127.0.0.1:{p}" for p in (9251, 9252, 9253)]
    assert all(node.up and node.pid for node in status.nodes)
    assert sum(node.cluster_manager for node in status.nodes) == 1

    # The CLI, from another process that only knows the state directory and the first URL.
    result = subprocess.run(
        [sys.executable, "-m", "visio_archive.cli", "services", "status", "--json"],
        capture_output=True,
        text=True,
        env={
            "VISIO_STATE_DIR": str(cluster.state_dir),
            "VISIO_OPENSEARCH_URL": "http://127.0.0.1:9251",
            "VISIO_S3_ENDPOINT": "127.0.0.1:9",  # nothing there: S3 is not part of this test
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    opensearch = next(s for s in json.loads(result.stdout) if s["name"] == "opensearch")
    assert opensearch["healthy"] and len(opensearch["nodes"]) == 3, opensearch

    client = index.client_from_settings(cluster)
    assert len(client.transport.connection_pool.connections) == 3  # the client knows every node


def test_a_node_stopped_during_indexing_and_searching(cluster: Settings) -> None:
    client = index.client_from_settings(cluster)
    prefix = cluster.index_prefix
    current = index.ensure_indices(client, prefix)
    settings = client.indices.get_settings(index=current["segments"])[current["segments"]]["settings"]["index"]
    assert settings["auto_expand_replicas"] == "0-1" and settings["number_of_replicas"] == "1"
    client.cluster.health(index=current["segments"], params={"wait_for_status": "green"})  # 30 s at most

    searches: list[tuple[float, bool, int]] = []  # (time, answered, hits)
    failures: list[str] = []
    stop = threading.Event()

    def search_all_the_time() -> None:
        searcher = index.client_from_settings(cluster)
        while not stop.is_set():
            try:
                hits = index.search_segments(searcher, prefix, "budget séance", size=5)
                searches.append((time.monotonic(), True, len(hits)))
            except (TransportError, OpenSearchConnectionError) as exc:
                searches.append((time.monotonic(), False, 0))
                failures.append(f"{type(exc).__name__}: {exc}")
            time.sleep(0.02)

    victim = next(node for node in services.cluster_nodes(cluster) if node.cluster_manager)
    victim_node = next(n for n in services.opensearch_nodes(cluster) if n.node_name == victim.name)
    thread = threading.Thread(target=search_all_the_time, daemon=True)
    thread.start()
    stopped_at = 0.0
    retried = 0
    try:
        for number in range(MEETINGS):
            if number == STOP_AT:
                stopped_at = time.monotonic()
                services.stop(victim_node.service, cluster, print)  # the elected cluster manager
            meeting, segments = _meeting(number)
            for attempt in range(4):  # as the flow's index task does for transient faults
                try:
                    index.index_meeting(client, prefix, meeting, segments)
                    break
                except (TransportError, OpenSearchConnectionError, index.IndexLayerError):
                    if attempt == 3:
                        raise
                    retried += 1
                    time.sleep(2**attempt)
    finally:
        time.sleep(1.0)
        stop.set()
        thread.join(timeout=60)

    after_stop = [s for s in searches if s[0] > stopped_at]
    assert failures == [], failures[:5]
    assert len(after_stop) > 10 and all(answered and hits > 0 for _, answered, hits in after_stop[-10:])
    # index_meeting writes the meeting document last and without a refresh: count both after one.
    for kind in index.KINDS:
        client.indices.refresh(index=index.alias_name(prefix, kind))
    assert index.count_segments(client, prefix) == MEETINGS * SEGMENTS
    assert index.count_meetings(client, prefix) == MEETINGS
    health = client.cluster.health()
    assert health["number_of_nodes"] == 2 and health["status"] in ("green", "yellow"), health

    # The node comes back: the cluster heals to green with every copy allocated.
    installed = services.install(services._spec("opensearch"), cluster)
    services.start_node(victim_node, cluster, installed, print)
    detail = services.wait_cluster(cluster, 3, ("green",))
    assert "cluster green, 3/3 nodes" in detail
    assert index.count_segments(client, prefix) == MEETINGS * SEGMENTS
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(searches) if b[0] > stopped_at]
    print(f"node {victim.name} stopped: longest gap between answered searches {max(gaps) * 1000:.0f} ms; "
          f"{len(after_stop)} searches after the stop; {retried} indexing retries")


def test_the_data_dirs_are_per_node(cluster: Settings) -> None:
    dirs = sorted(Path(p).name for p in cluster.state_dir.glob("opensearch/node-*"))
    assert dirs == ["node-1", "node-2", "node-3"]
