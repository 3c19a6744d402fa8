#!/usr/bin/env bash
# Regenerate the hash-pinned lock files from pyproject.toml (after adding or changing a dependency):
#
#   bash infra/lock.sh            # then commit requirements.lock and infra/build-requirements.lock
#
# requirements.lock            every package of the project, its `models` and `dev` extras, for
#                              CPython 3.11 on Linux x86_64, each with its sha256 hashes
# infra/build-requirements.lock  pip, setuptools and wheel, to build the two sdists (odfpy, webrtcvad) and
#                              the project itself without fetching unpinned build tools
# infra/bootstrap.sh installs them with `pip install --require-hashes`, so a machine set up next year
# gets exactly the versions tested today. The resolver is uv (from PyPI, kept in the download cache,
# pinned below); installing needs only pip.
set -euo pipefail
cd "$(dirname "$0")/.."
UV_VERSION=0.13.9
CACHE="${VISIO_CACHE_DIR:-$HOME/.cache/visio-archive}"
UV_VENV="$CACHE/uv-$UV_VERSION"
PY=${PYTHON:-python3.11}
if [ ! -x "$UV_VENV/bin/uv" ]; then
  "$PY" -m venv "$UV_VENV"
  "$UV_VENV/bin/pip" install -q "uv==$UV_VERSION"
fi
UV="$UV_VENV/bin/uv"
common=(--python-version 3.11 --python-platform x86_64-unknown-linux-gnu --generate-hashes --quiet)
"$UV" pip compile pyproject.toml --extra models --extra dev "${common[@]}" --constraint infra/lock-constraints.txt \
  --custom-compile-command "bash infra/lock.sh" -o requirements.lock
printf 'pip\nsetuptools<81\nwheel\n' | "$UV" pip compile - "${common[@]}" \
  --custom-compile-command "bash infra/lock.sh" -o infra/build-requirements.lock
# The inputs the lock was made from, so that bootstrap.sh can tell a stale lock from a current one.
echo "# inputs: $("$PY" infra/lock_inputs.py)" >> requirements.lock
echo "requirements.lock: $(grep -c '^[A-Za-z0-9].*==' requirements.lock) packages; infra/build-requirements.lock: $(grep -c '^[A-Za-z0-9].*==' infra/build-requirements.lock)" >&2
