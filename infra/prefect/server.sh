#!/usr/bin/env bash
# Run the Prefect server (API, UI, scheduler) in the foreground: for a terminal or a systemd unit.
#
#   bash infra/prefect/server.sh                  # http://127.0.0.1:4200, state in .visio/prefect
#   VISIO_PREFECT_PORT=4300 bash infra/prefect/server.sh
#
# Environment: VISIO_STATE_DIR (default .visio; the database is $VISIO_STATE_DIR/prefect/prefect.db),
# PREFECT_HOME (overrides that), VISIO_PREFECT_HOST (default 127.0.0.1), VISIO_PREFECT_PORT
# (default 4200), PREFECT_SERVER_DATABASE_CONNECTION_URL (PostgreSQL instead of SQLite),
# VISIO_PREFECT_ALLOW_EGRESS=1 (let it make outgoing HTTP requests; by default they are blocked).
# Extra arguments go to `prefect server start`. Telemetry is off. See docs/operations.md.
set -euo pipefail
# shellcheck source=infra/prefect/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

# The server is its own API: a PREFECT_API_URL left in the environment must not point it elsewhere.
unset PREFECT_API_URL

# Belt and braces: the server needs nothing from the internet. The one thing it would try is
# Prefect's online collection registry (lists of integrations for the UI), falling back to the copy
# it ships; route its outgoing HTTP(S) to a closed loopback port so that such a try fails at once,
# without even a DNS query. VISIO_PREFECT_ALLOW_EGRESS=1 keeps the environment's proxy settings
# (for webhook notifications, say).
if [ "${VISIO_PREFECT_ALLOW_EGRESS:-0}" != 1 ]; then
  for var in HTTP_PROXY HTTPS_PROXY ALL_PROXY http_proxy https_proxy all_proxy; do
    export "$var=http://127.0.0.1:9"
  done
  export NO_PROXY="127.0.0.1,localhost,::1" no_proxy="127.0.0.1,localhost,::1"
fi

echo "prefect server: http://$VISIO_PREFECT_HOST:$VISIO_PREFECT_PORT (PREFECT_HOME=$PREFECT_HOME)" >&2
exec "$PREFECT_BIN" server start --host "$VISIO_PREFECT_HOST" --port "$VISIO_PREFECT_PORT" --analytics-off "$@"
