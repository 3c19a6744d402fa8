"""`visio-archive services up|down|status`: the local OpenSearch node and S3 server."""

from __future__ import annotations

import json
from enum import StrEnum

import typer
from rich.console import Console
from rich.table import Table

from visio_archive.cli.app import app
from visio_archive.settings import get_settings

console = Console(stderr=True)


class Action(StrEnum):
    up = "up"
    down = "down"
    status = "status"


@app.command()
def services(
    action: Action = typer.Argument(..., help="up: install if needed and start; down: stop; status: report."),
    as_json: bool = typer.Option(False, "--json", help="With status: print JSON on stdout."),
    opensearch_nodes: int = typer.Option(
        None,
        "--opensearch-nodes",
        min=1,
        max=9,
        help="With up: run OpenSearch as a cluster of N nodes on loopback (consecutive HTTP ports from "
        "VISIO_OPENSEARCH_URL's, transport ports 100 above). Default VISIO_OPENSEARCH_NODES, else 1.",
    ),
) -> None:
    """Start, stop or check the local OpenSearch node (or cluster) and S3 server.

    State, pid files and logs live under VISIO_STATE_DIR (default ./.visio).
    `up` is idempotent: a service that already answers is left alone.
    The first `up` downloads OpenSearch from Maven Central and builds versitygw with Go
    (a few minutes, cached afterwards).

    `up --opensearch-nodes 3` runs three OpenSearch nodes as one cluster; indices then get one
    replica each, and `status` lists the nodes and the cluster health. Clients fail over when they
    know every node: VISIO_OPENSEARCH_NODES=3 (or every URL in VISIO_OPENSEARCH_URL, comma-separated).
    """
    from visio_archive import services as svc

    settings = get_settings()
    if opensearch_nodes is not None:
        settings = settings.model_copy(update={"opensearch_nodes": opensearch_nodes})
    echo = console.print
    try:
        if action is Action.up:
            svc.up(settings, echo)
        elif action is Action.down:
            svc.down(settings, echo)
        else:
            statuses = svc.status(settings)
            if as_json:
                print(json.dumps([s.model_dump() for s in statuses], indent=2))
            else:
                table = Table("service", "url", "healthy", "pid", "detail", "log")
                for s in statuses:
                    table.add_row(
                        s.name,
                        s.url,
                        "[green]yes[/]" if s.healthy else "[red]no[/]",
                        str(s.pid or "-"),
                        s.detail,
                        s.log,
                    )
                Console().print(table)
                for s in statuses:
                    if s.nodes:
                        nodes = Table(f"{s.name} node", "url", "up", "pid", "cluster manager")
                        for node in s.nodes:
                            nodes.add_row(
                                node.name,
                                node.url,
                                "[green]yes[/]" if node.up else "[red]no[/]",
                                str(node.pid or "-"),
                                "*" if node.cluster_manager else "",
                            )
                        Console().print(nodes)
            if not all(s.healthy for s in statuses):
                raise typer.Exit(1)
    except svc.ServiceError as exc:
        console.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
