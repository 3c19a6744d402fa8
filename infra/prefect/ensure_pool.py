"""Wait for the Prefect server, then create the process work pool if it does not exist (idempotent).

    python infra/prefect/ensure_pool.py POOL [--wait SECONDS]

Uses the API with the process worker's own default job template, not `prefect work-pool create`:
that command asks the server for the worker types of Prefect's online collection registry, and the
server then tries to reach raw.githubusercontent.com. Exit status 0: the pool exists (created or
not); 2: no server answered at PREFECT_API_URL in time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import urllib.request
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.client.orchestration import SyncPrefectClient


def wait_for_server(api_url: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=3) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(1)


def ensure_process_pool(client: SyncPrefectClient, name: str) -> bool:
    """Create work pool ``name`` (type process) unless it exists; True when this call created it."""
    from prefect.client.schemas.actions import WorkPoolCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
    from prefect.workers.process import ProcessWorker

    try:
        client.read_work_pool(name)
        return False
    except ObjectNotFound:
        pass
    try:
        client.create_work_pool(
            WorkPoolCreate(name=name, type="process", base_job_template=ProcessWorker.get_default_base_job_template())
        )
    except ObjectAlreadyExists:  # another worker created it meanwhile
        return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pool")
    parser.add_argument("--wait", type=float, default=120.0, help="seconds to wait for the server")
    args = parser.parse_args()
    api_url = os.environ.get("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    if not wait_for_server(api_url, args.wait):
        print(
            f"error: no Prefect server answers at {api_url} after {args.wait:.0f}s "
            "(start one with infra/prefect/server.sh, or set PREFECT_API_URL)",
            file=sys.stderr,
        )
        return 2
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        if ensure_process_pool(client, args.pool):
            print(f"work pool {args.pool} created (type process)", file=sys.stderr)
        elif (pool_type := client.read_work_pool(args.pool).type) != "process":
            print(f"warning: work pool {args.pool} has type {pool_type!r}, not 'process'", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
