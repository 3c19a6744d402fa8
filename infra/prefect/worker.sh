#!/usr/bin/env bash
# Run a Prefect worker on the process work pool in the foreground: it polls the server and runs
# each flow run as a child process of this machine, from this checkout.
#
#   bash infra/prefect/worker.sh
#
# Creates the work pool (type process) when it does not exist yet: safe to run again, and on
# several machines at once. Environment: PREFECT_API_URL (default http://127.0.0.1:4200/api),
# VISIO_WORK_POOL (default visio-process), VISIO_ARCHIVE_HOME (default this checkout: the
# deployments' pull step changes into it), VISIO_WORKER_NAME (default visio-<host>; give each
# worker of one machine its own), VISIO_WORKER_LIMIT (flow runs at once on this worker; default
# no limit), VISIO_WORK_QUEUES (queues to poll, comma-separated; default every queue of the pool:
# `visio-archive workers up` gives recording workers "recordings"), VISIO_STATE_DIR / PREFECT_HOME as for server.sh. Extra arguments go to
# `prefect worker start`. See docs/operations.md.
set -euo pipefail
# shellcheck source=infra/prefect/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

export PREFECT_API_URL="${PREFECT_API_URL:-http://127.0.0.1:4200/api}"
export VISIO_ARCHIVE_HOME="${VISIO_ARCHIVE_HOME:-$VISIO_ROOT}"
# Exported: the flow runs this worker starts inherit it, and record it in the ledger.
export VISIO_WORKER_NAME="${VISIO_WORKER_NAME:-visio-$(hostname -s)}"
worker_name="$VISIO_WORKER_NAME"

# Wait for the server (a worker unit may start before the server unit answers), then create the
# work pool if it does not exist: idempotent, and several workers may race.
"$VISIO_PYTHON" "$VISIO_ROOT/infra/prefect/ensure_pool.py" "$VISIO_WORK_POOL" \
  --wait "${VISIO_PREFECT_WAIT_SECONDS:-120}"

limit_args=()
if [ -n "${VISIO_WORKER_LIMIT:-}" ]; then
  limit_args=(--limit "$VISIO_WORKER_LIMIT")
fi
# VISIO_WORK_QUEUES=recordings (comma-separated): poll only these queues of the pool; default all.
queue_args=()
queues="${VISIO_WORK_QUEUES:-}"
for queue in ${queues//,/ }; do
  queue_args+=(--work-queue "$queue")
done
echo "prefect worker $worker_name: pool $VISIO_WORK_POOL at $PREFECT_API_URL, runs flows from $VISIO_ARCHIVE_HOME" >&2
exec "$PREFECT_BIN" worker start --pool "$VISIO_WORK_POOL" --type process --name "$worker_name" \
  --install-policy never --no-create-pool-if-not-found "${limit_args[@]}" "${queue_args[@]}" "$@"
