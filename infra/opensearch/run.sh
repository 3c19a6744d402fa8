#!/usr/bin/env bash
# Run the OpenSearch node assembled by install.sh, in the foreground.
#
#   bash infra/opensearch/run.sh HOME_DIR DATA_DIR LOGS_DIR HTTP_PORT HEAP
#
#   HOME_DIR  the directory install.sh printed (lib/, classes/, config/)
#   DATA_DIR  index data (created if missing; one node per DATA_DIR: a second node on it fails to lock)
#   LOGS_DIR  LOGS_DIR/visio-archive.log is the node's log (also written to stdout)
#   HTTP_PORT plain HTTP on 127.0.0.1 only
#   HEAP      JVM heap, e.g. 1g or 512m (-Xms and -Xmx)
#
# The script `exec`s java, so the caller's PID is the JVM's: SIGTERM to it closes the node cleanly
# (exit status 143 after the shutdown hook ran). Exit 1: the node failed to start (reason on stderr and
# in the log); exit 2: bad arguments or missing install.
# Optional environment: VISIO_OPENSEARCH_TRANSPORT_PORT (default a free port in 9300-9399),
# VISIO_OPENSEARCH_NODE_NAME, VISIO_OPENSEARCH_CLUSTER_NAME, VISIO_OPENSEARCH_JAVA_OPTS (extra JVM
# flags), JAVA_HOME; for one node of a cluster VISIO_OPENSEARCH_SEED_HOSTS (127.0.0.1:9351,...) and
# VISIO_OPENSEARCH_INITIAL_MANAGERS (node names), read by VisioNode (src/VisioNode.java).
set -euo pipefail

usage() { echo "usage: run.sh HOME_DIR DATA_DIR LOGS_DIR HTTP_PORT HEAP" >&2; exit 2; }
[[ $# -eq 5 ]] || usage
HOME_DIR="$1" DATA_DIR="$2" LOGS_DIR="$3" HTTP_PORT="$4" HEAP="$5"

[[ "$HTTP_PORT" =~ ^[0-9]+$ ]] || { echo "run.sh: HTTP_PORT must be a number, got '$HTTP_PORT'" >&2; exit 2; }
[[ "$HEAP" =~ ^[0-9]+[kKmMgG]$ ]] || { echo "run.sh: HEAP must look like 1g or 512m, got '$HEAP'" >&2; exit 2; }
if [[ ! -f "$HOME_DIR/classes/VisioNode.class" || ! -f "$HOME_DIR/.visio-install" ]]; then
    echo "run.sh: no OpenSearch install in '$HOME_DIR'; run: bash infra/opensearch/install.sh" >&2
    exit 2
fi

JAVA="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; fi

mkdir -p "$DATA_DIR" "$LOGS_DIR"
# The JVM's temp dir sits next to the data dir (not in /tmp, which systemd-tmpfiles may clean).
TMP_DIR="$(dirname "$DATA_DIR")/tmp"
mkdir -p "$TMP_DIR"

# Flags follow the distribution's jvm.options where they matter for a small node.
# shellcheck disable=SC2086 # VISIO_OPENSEARCH_JAVA_OPTS is a list of flags on purpose
exec "$JAVA" \
    -Xms"$HEAP" -Xmx"$HEAP" \
    -XX:+UseG1GC \
    -Xss1m \
    -XX:+ExitOnOutOfMemoryError \
    -XX:+HeapDumpOnOutOfMemoryError -XX:HeapDumpPath="$LOGS_DIR" \
    -XX:ErrorFile="$LOGS_DIR/hs_err_pid%p.log" \
    -XX:-OmitStackTraceInFastThrow \
    -Djava.awt.headless=true \
    -Dfile.encoding=UTF-8 \
    -Djava.io.tmpdir="$TMP_DIR" \
    -Djna.nosys=true \
    -Dio.netty.noUnsafe=true \
    -Dio.netty.noKeySetOptimization=true \
    -Dio.netty.recycler.maxCapacityPerThread=0 \
    -Dlog4j.shutdownHookEnabled=false \
    -Dlog4j2.disable.jmx=true \
    -Dlog4j2.formatMsgNoLookups=true \
    ${VISIO_OPENSEARCH_JAVA_OPTS:-} \
    -cp "$HOME_DIR/classes:$HOME_DIR/lib/*" \
    VisioNode "$HOME_DIR" "$DATA_DIR" "$LOGS_DIR" "$HTTP_PORT"
