"""Pure logic of the cluster layout and of the client's node list (no service needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from visio_archive import index, services
from visio_archive.leases import Holder
from visio_archive.settings import Settings


def test_node_urls_from_one_url_a_list_or_a_count() -> None:
    assert index.node_urls(Settings(opensearch_url="http://127.0.0.1:9200/")) == ["http://127.0.0.1:9200"]
    listed = Settings(opensearch_url="http://a:9200, http://b:9200 ,http://c:9200")
    assert index.node_urls(listed) == ["http://a:9200", "http://b:9200", "http://c:9200"]
    counted = Settings(opensearch_url="http://127.0.0.1:9251", opensearch_nodes=3)
    assert index.node_urls(counted) == [f"http://127.0.0.1:{port}" for port in (9251, 9252, 9253)]
    with pytest.raises(ValueError, match="empty"):
        index.node_urls(Settings(opensearch_url=" , "))


def test_the_client_is_given_every_node() -> None:
    client = index.client_from_settings(Settings(opensearch_url="http://127.0.0.1:9251", opensearch_nodes=3))
    hosts = sorted(f"{c.host}" for c in client.transport.connection_pool.connections)
    assert hosts == [f"http://127.0.0.1:{port}" for port in (9251, 9252, 9253)]


def test_a_three_node_layout_has_distinct_ports_dirs_and_the_same_seeds(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path, opensearch_url="http://127.0.0.1:9251", opensearch_nodes=3)
    nodes = services.opensearch_nodes(settings)
    assert [n.service for n in nodes] == ["opensearch-1", "opensearch-2", "opensearch-3"]
    assert [(n.http_port, n.transport_port) for n in nodes] == [(9251, 9351), (9252, 9352), (9253, 9353)]
    assert len({n.data_dir for n in nodes}) == 3 and len({n.logs_dir for n in nodes}) == 3
    envs = [services._node_env(n, nodes) for n in nodes]
    assert {e["VISIO_OPENSEARCH_SEED_HOSTS"] for e in envs} == {"127.0.0.1:9351,127.0.0.1:9352,127.0.0.1:9353"}
    assert {e["VISIO_OPENSEARCH_INITIAL_MANAGERS"] for e in envs} == {"visio-node-1,visio-node-2,visio-node-3"}
    assert [e["VISIO_OPENSEARCH_NODE_NAME"] for e in envs] == ["visio-node-1", "visio-node-2", "visio-node-3"]


def test_a_single_node_keeps_its_old_layout(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    [node] = services.opensearch_nodes(settings)
    assert node.service == "opensearch" and node.data_dir == tmp_path / "opensearch" / "data"
    assert services._node_env(node, [node]) == {}  # single-node discovery, transport port picked by the node


def test_status_and_down_remember_how_many_nodes_up_started(tmp_path: Path) -> None:
    settings = Settings(state_dir=tmp_path)
    assert services.opensearch_node_count(settings) == 1
    settings.services_dir.mkdir(parents=True)
    (settings.services_dir / services.NODES_FILE).write_text("3")
    assert services.opensearch_node_count(settings) == 3
    assert services.opensearch_node_count(settings.model_copy(update={"opensearch_nodes": 5})) == 5


def test_templates_expand_to_one_replica_from_two_nodes() -> None:
    template = index.index_template("p", "segments", shards=4)
    assert template["template"]["settings"]["index"] == {"number_of_shards": 4, "auto_expand_replicas": "0-1"}
    assert index.index_template("p", "meetings")["template"]["settings"]["index"]["number_of_shards"] == 1


def test_the_holder_names_its_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISIO_WORKER_NAME", "visio-host-2")
    holder = Holder.this_process(flow_run_id="run-1")
    assert holder.worker == "visio-host-2" and holder.flow_run_id == "run-1" and holder.pid > 0
