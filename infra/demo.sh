#!/usr/bin/env bash
# The main command of the README: set up what is missing, then run `visio-archive demo`
# (starts the local services, installs the models, processes sample recordings end to end).
set -euo pipefail
cd "$(dirname "$0")/.."
bash infra/bootstrap.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 DO_NOT_TRACK=1
exec .venv/bin/visio-archive demo "$@"
