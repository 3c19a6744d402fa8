#!/usr/bin/env bash
# The test command of the README: set up what is missing, start the services that are not
# already running, run the whole test suite against them, then stop what this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/bootstrap.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 DO_NOT_TRACK=1

started=0
if ! .venv/bin/visio-archive services status >/dev/null 2>&1; then
  started=1
  trap '.venv/bin/visio-archive services down || true' EXIT
fi
.venv/bin/visio-archive services up
.venv/bin/visio-archive services status
set +e
.venv/bin/python -m pytest "$@"
rc=$?
set -e
[ "$started" -eq 1 ] || echo "services were already running before the tests: left running" >&2
exit $rc
