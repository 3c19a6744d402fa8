"""A flow that does nothing but report where it runs: proves that a worker of the work pool picks up
runs, that the deployments' pull step puts them in the checkout and that ``visio_archive`` imports.

Deployed with ``visio-archive deploy --check`` (which also runs it and waits for the result) and by
tests/test_deployment.py; never scheduled.
"""

from __future__ import annotations

import os
import socket
import sys

from prefect import flow, get_run_logger


@flow(name="healthcheck", log_prints=False)
def healthcheck() -> dict[str, str]:
    import visio_archive

    logger = get_run_logger()
    report = {
        "host": socket.gethostname(),
        "pid": str(os.getpid()),
        "cwd": os.getcwd(),
        "visio_archive_home": os.environ.get("VISIO_ARCHIVE_HOME", ""),
        "python": sys.executable,
        "visio_archive": getattr(visio_archive, "__version__", "?"),
    }
    logger.info("healthcheck ok %s", " ".join(f"{key}={value}" for key, value in report.items()))
    return report


if __name__ == "__main__":
    print(healthcheck())
