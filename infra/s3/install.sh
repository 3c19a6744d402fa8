#!/usr/bin/env bash
# Build the S3-compatible server (versitygw, Apache-2.0) into the visio-archive cache.
#
#   bash infra/s3/install.sh            -> prints the binary path as the LAST stdout line
#
# Idempotent: when the binary is already there and reports the pinned version, nothing is
# rebuilt. All progress goes to stderr so that callers can take `tail -n1` of stdout.
#
# Environment:
#   VISIO_CACHE_DIR   cache root (default: $HOME/.cache/visio-archive); binary in $VISIO_CACHE_DIR/bin
#   VISIO_S3_FORCE=1  rebuild even when the binary looks current
#
# Why versitygw and not the MinIO server: MinIO is AGPL-3.0 and no longer maintained;
# versitygw's posix backend stores objects as plain files, which is all we need on loopback.
set -euo pipefail

VERSION="v1.7.0"
MODULE="github.com/versity/versitygw/cmd/versitygw"
CACHE_DIR="${VISIO_CACHE_DIR:-${HOME:?HOME is not set}/.cache/visio-archive}"
BIN_DIR="${CACHE_DIR}/bin"
BIN="${BIN_DIR}/versitygw"
MARKER="${BIN_DIR}/versitygw.version"

log() { printf 'install-s3: %s\n' "$*" >&2; }
die() { printf 'install-s3: ERROR: %s\n' "$1" >&2; exit "${2:-1}"; }

# The binary is current when its own --version says so (we stamp it with -ldflags below),
# or, for a binary built without the stamp, when the marker we write after a good build says so.
is_current() {
    [[ -x "${BIN}" ]] || return 1
    local out
    out="$("${BIN}" --version 2>/dev/null || true)"
    if grep -Eq "^Version *: *${VERSION}\$" <<<"${out}"; then
        return 0
    fi
    [[ -f "${MARKER}" && "$(cat "${MARKER}")" == "${VERSION}" ]]
}

if [[ "${VISIO_S3_FORCE:-0}" != "1" ]] && is_current; then
    log "versitygw ${VERSION} already installed"
    echo "${BIN}"
    exit 0
fi

if ! command -v go >/dev/null 2>&1; then
    die "'go' was not found on PATH. versitygw ${VERSION} is built from source and needs Go >= 1.25:
  install it from https://go.dev/dl/ (e.g. tar -C /usr/local -xzf go1.25.x.linux-amd64.tar.gz
  and add /usr/local/go/bin to PATH), then rerun: bash infra/s3/install.sh" 2
fi

# versitygw v1.7.0's go.mod says `go 1.25`. An older local toolchain would try to download a
# newer one (GOTOOLCHAIN=auto), which fails offline with an obscure message: say it plainly.
go_version="$(go env GOVERSION 2>/dev/null || true)"   # e.g. go1.26.8
if [[ "${go_version}" =~ ^go1\.([0-9]+) ]] && (( BASH_REMATCH[1] < 25 )); then
    log "warning: ${go_version} is older than go1.25; go will try to fetch a newer toolchain (needs network)"
fi

mkdir -p "${BIN_DIR}"

# Serialise concurrent installs (two services starting at once) on one lock file.
exec 9>"${BIN_DIR}/.versitygw.install.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
    if [[ "${VISIO_S3_FORCE:-0}" != "1" ]] && is_current; then
        log "versitygw ${VERSION} was installed by a concurrent run"
        echo "${BIN}"
        exit 0
    fi
fi

log "building versitygw ${VERSION} with ${go_version:-go} into ${BIN_DIR} (first build takes a few minutes)"
rm -f "${MARKER}"
start=$(date +%s)
# -ldflags stamps the version so that `versitygw --version` can be checked next time
# (a plain `go install pkg@version` reports "git"). (No -trimpath: it would
# invalidate the whole Go build cache and turn a ~10 s relink into a full rebuild.)
if ! GOBIN="${BIN_DIR}" go install \
        -ldflags "-s -w -X main.Version=${VERSION} -X main.Build=go-install" \
        "${MODULE}@${VERSION}" >&2; then
    die "go install ${MODULE}@${VERSION} failed (see the messages above). Is the Go module proxy
  reachable? Check: go env GOPROXY GOSUMDB GOFLAGS" 3
fi
echo "${VERSION}" >"${MARKER}"
log "built in $(( $(date +%s) - start ))s"

is_current || die "built ${BIN} but it does not report ${VERSION}" 4
echo "${BIN}"
