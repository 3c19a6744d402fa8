#!/usr/bin/env bash
# Run the S3-compatible server (versitygw, posix backend) in the FOREGROUND.
#
#   bash infra/s3/run.sh BIN DATA_DIR PORT [ACCESS_KEY SECRET_KEY]
#
# The script ends with `exec`, so the PID of this process becomes the server's PID: stop it
# with SIGTERM (versitygw shuts down cleanly on SIGTERM/SIGINT).
#
# Credentials: pass them as the 4th/5th argument, or (better: arguments of the short-lived
# bash process are visible in `ps` for a moment) leave them out, or pass "-", and export
# ROOT_ACCESS_KEY / ROOT_SECRET_KEY instead. versitygw v1.7.0 reads the root credentials from
# those environment variables, so they never appear on the server's own command line.
#
# Layout under DATA_DIR:
#   buckets/     one directory per bucket, objects are plain files
#   versions/    older object versions (bucket versioning needs this directory)
#   meta/        sidecar metadata, only when the filesystem has no user xattrs
#   .metadata-mode   "xattr" or "sidecar", fixed on first start (see below)
#
# Health: GET http://127.0.0.1:PORT/_health -> 200 (no auth). "_health" cannot be a bucket
# name, so the probe never shadows a bucket.
#
# Other environment knobs: VGW_REGION (default us-east-1), VISIO_S3_VERBOSE=1 to log every request.
set -euo pipefail

die() { printf 'run-s3: ERROR: %s\n' "$1" >&2; exit 2; }

if [[ $# -lt 3 || $# -gt 5 ]]; then
    die "usage: run.sh BIN DATA_DIR PORT [ACCESS_KEY SECRET_KEY]"
fi
BIN="$1"
DATA_DIR="$2"
PORT="$3"
ACCESS_KEY="${4:--}"
SECRET_KEY="${5:--}"

[[ -x "${BIN}" ]] || die "versitygw binary '${BIN}' is missing or not executable (run: bash infra/s3/install.sh)"
[[ "${PORT}" =~ ^[0-9]+$ ]] && (( PORT > 0 && PORT < 65536 )) || die "invalid port '${PORT}'"

if [[ "${ACCESS_KEY}" != "-" ]]; then export ROOT_ACCESS_KEY="${ACCESS_KEY}"; fi
if [[ "${SECRET_KEY}" != "-" ]]; then export ROOT_SECRET_KEY="${SECRET_KEY}"; fi
[[ -n "${ROOT_ACCESS_KEY:-}" ]] || die "no access key: pass ACCESS_KEY or export ROOT_ACCESS_KEY"
[[ -n "${ROOT_SECRET_KEY:-}" ]] || die "no secret key: pass SECRET_KEY or export ROOT_SECRET_KEY"
# Don't let a stray variant (which versitygw would read first) override what we were given.
unset ROOT_ACCESS_KEY_ID ROOT_SECRET_ACCESS_KEY

mkdir -p "${DATA_DIR}/buckets" "${DATA_DIR}/versions"
DATA_DIR="$(cd "${DATA_DIR}" && pwd)"
GWROOT="${DATA_DIR}/buckets"
VERSIONS="${DATA_DIR}/versions"
SIDECAR="${DATA_DIR}/meta"
MODE_FILE="${DATA_DIR}/.metadata-mode"

# Object metadata (ETag, content-type, x-amz-meta-*, version ids) lives in user xattrs when the
# filesystem supports them, otherwise in a sidecar directory. Switching mode on an existing store
# would make every stored object lose its metadata, so the first start decides and records it.
xattrs_supported() {
    local probe="${GWROOT}/.xattr-probe.$$" ok=1
    : >"${probe}"
    if command -v setfattr >/dev/null 2>&1; then
        setfattr -n user.visio_probe -v 1 "${probe}" 2>/dev/null && ok=0
    elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.visio_probe", b"1")' "${probe}" \
            2>/dev/null && ok=0
    fi  # neither tool: cannot tell, so use the sidecar, which works everywhere
    rm -f "${probe}"
    return "${ok}"
}

if [[ -f "${MODE_FILE}" ]]; then
    MODE="$(cat "${MODE_FILE}")"
elif xattrs_supported; then
    MODE="xattr"
else
    MODE="sidecar"
fi
case "${MODE}" in
    xattr) META_ARGS=() ;;
    sidecar) mkdir -p "${SIDECAR}"; META_ARGS=(--sidecar "${SIDECAR}") ;;
    *) die "unknown metadata mode '${MODE}' in ${MODE_FILE} (expected xattr or sidecar)" ;;
esac
[[ -f "${MODE_FILE}" ]] || echo "${MODE}" >"${MODE_FILE}"

GLOBAL_ARGS=(--port "127.0.0.1:${PORT}" --health /_health)
if [[ "${VISIO_S3_VERBOSE:-0}" != "1" ]]; then
    GLOBAL_ARGS+=(--quiet)   # otherwise one stdout line per request fills the service log
fi

printf 'run-s3: versitygw on 127.0.0.1:%s, data %s, metadata %s, pid %s\n' \
    "${PORT}" "${DATA_DIR}" "${MODE}" "$$" >&2
exec "${BIN}" "${GLOBAL_ARGS[@]}" posix --versioning-dir "${VERSIONS}" "${META_ARGS[@]}" "${GWROOT}"
