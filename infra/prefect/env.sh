# Shared by server.sh and worker.sh (sourced, not run): repository root, Prefect binary, state
# directory and the settings that keep Prefect offline. Every value can be overridden from the
# environment (systemd EnvironmentFile=, a shell export) before the scripts run.

VISIO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$VISIO_ROOT"

# The Prefect CLI of the project's virtual environment (the one that has visio_archive installed).
PREFECT_BIN="${PREFECT_BIN:-${VISIO_VENV:-$VISIO_ROOT/.venv}/bin/prefect}"
if [ ! -x "$PREFECT_BIN" ]; then
  echo "error: no Prefect CLI at $PREFECT_BIN (run infra/bootstrap.sh, or set VISIO_VENV / PREFECT_BIN)" >&2
  exit 2
fi
VISIO_PYTHON="$(dirname "$PREFECT_BIN")/python"

# State (Prefect's SQLite database, profiles, local result storage) under VISIO_STATE_DIR,
# made absolute so that it does not depend on the directory a flow run later changes into.
VISIO_STATE_DIR_ABS="$(realpath -m "${VISIO_STATE_DIR:-.visio}")"
export PREFECT_HOME="${PREFECT_HOME:-$VISIO_STATE_DIR_ABS/prefect}"
mkdir -p "$PREFECT_HOME"

# Offline: no telemetry from the server, the CLI, the worker or the flow runs it starts
# (they inherit this environment), no promotional content in the UI.
export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_UI_SHOW_PROMOTIONAL_CONTENT=false
export HF_HUB_OFFLINE="${HF_HUB_OFFLINE:-1}"
export TRANSFORMERS_OFFLINE="${TRANSFORMERS_OFFLINE:-1}"

VISIO_PREFECT_HOST="${VISIO_PREFECT_HOST:-127.0.0.1}"
VISIO_PREFECT_PORT="${VISIO_PREFECT_PORT:-4200}"
VISIO_WORK_POOL="${VISIO_WORK_POOL:-visio-process}"
