#!/usr/bin/env bash
# Assemble an OpenSearch 2.19.6 single node from Maven Central artifacts (no Docker, no tarball).
#
#   bash infra/opensearch/install.sh [DEST]
#
# DEST defaults to ${VISIO_CACHE_DIR:-$HOME/.cache/visio-archive}/opensearch-2.19.6 and gets:
#   lib/      the server, its dependencies and the module jars (one flat classpath)
#   classes/  VisioNode, the in-process launcher (see src/VisioNode.java for why not the bootstrap)
#   config/   log4j2.properties
#   .visio-install   marker: hash of pom.xml, the launcher source, the log config and this script
# A second run with the same inputs is a fast no-op; editing any of them triggers a rebuild.
# Progress goes to stderr; the last line on stdout is DEST (callers read it with `| tail -n1`).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OPENSEARCH_VERSION="2.19.6"
DEST="${1:-${VISIO_CACHE_DIR:-$HOME/.cache/visio-archive}/opensearch-${OPENSEARCH_VERSION}}"

say() { echo "install.sh: $*" >&2; }
die() { echo "install.sh: error: $*" >&2; exit 1; }

for tool in java javac mvn; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found. Install a JDK 17 and Maven:
    apt-get install -y openjdk-17-jdk-headless maven"
done
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
java_major="${java_major#1.}"
[[ "$java_major" =~ ^[0-9]+$ ]] || die "cannot tell the Java version ('java -version' failed?)"
# OpenSearch 2.19 is built for Java 11+; it is tested here on 17. Java 24+ removed the security
# manager, which 2.19 still references (the in-process launcher never installs it, but untested).
if (( java_major < 11 )); then
    die "Java $java_major found; OpenSearch ${OPENSEARCH_VERSION} needs Java 11 or later (17 recommended):
    apt-get install -y openjdk-17-jdk-headless maven"
fi
if (( java_major > 23 )); then
    say "warning: Java $java_major is untested with OpenSearch ${OPENSEARCH_VERSION}; Java 17 is the tested one"
fi

inputs=("$HERE/pom.xml" "$HERE/src/VisioNode.java" "$HERE/config/log4j2.properties" "$HERE/install.sh")
hash="$(cat "${inputs[@]}" | sha256sum | cut -d' ' -f1)"
marker_text="opensearch=${OPENSEARCH_VERSION} inputs=${hash} java=${java_major}"

mkdir -p "$(dirname "$DEST")"
DEST="$(cd "$(dirname "$DEST")" && pwd)/$(basename "$DEST")"

if [[ -f "$DEST/.visio-install" && "$(cat "$DEST/.visio-install")" == "$marker_text" ]]; then
    say "already installed at $DEST"
    echo "$DEST"
    exit 0
fi

# Serialise concurrent installs (service manager and a test run may race) on a lock next to DEST.
exec 9>"$DEST.lock"
flock 9
if [[ -f "$DEST/.visio-install" && "$(cat "$DEST/.visio-install")" == "$marker_text" ]]; then
    say "already installed at $DEST (by a concurrent run)"
    echo "$DEST"
    exit 0
fi
# DEST is replaced wholesale below: never do that to a directory this script did not make.
if [[ -e "$DEST" && ! -f "$DEST/.visio-install" && -n "$(ls -A "$DEST" 2>/dev/null)" ]]; then
    die "$DEST exists, is not empty and holds no .visio-install marker; refusing to replace it"
fi

say "building OpenSearch ${OPENSEARCH_VERSION} node into $DEST"
work="$(mktemp -d "$DEST.partial.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lib" "$work/classes" "$work/config" "$work/plugins" "$work/modules"

say "resolving jars with Maven (first run downloads ~80 MB from Maven Central)"
# (sed: Maven 3.8 still prints colour resets in batch+quiet mode; keep the install log clean.)
if ! mvn -B -q -Dstyle.color=never -f "$HERE/pom.xml" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$work/lib" 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2; then
    die "Maven could not resolve the jars (network? ~/.m2 settings?); re-run with output above"
fi

# log4j-core is optional in the server's pom, so it is pinned in ours: it must match log4j-api.
api="$(cd "$work/lib" && ls log4j-api-*.jar)"
core="$(cd "$work/lib" && ls log4j-core-*.jar)"
[[ "${api#log4j-api-}" == "${core#log4j-core-}" ]] \
    || die "log4j version mismatch: $api vs $core; set log4j.version in pom.xml to ${api#log4j-api-} (without .jar)"

say "compiling the launcher"
javac -nowarn -encoding UTF-8 --release 11 -cp "$work/lib/*" -d "$work/classes" "$HERE/src/VisioNode.java" >&2 \
    || die "javac failed on $HERE/src/VisioNode.java"
cp "$HERE/config/log4j2.properties" "$work/config/"

echo "$marker_text" > "$work/.visio-install"
# A node may be running from DEST: move it aside and put the new tree in place in two renames (the
# jar paths a running JVM opens later then find the same jars again), then drop the old one.
old=""
if [[ -e "$DEST" ]]; then old="$(mktemp -d "$DEST.old.XXXXXX")"; rmdir "$old"; mv "$DEST" "$old"; fi
mv "$work" "$DEST"
[[ -z "$old" ]] || rm -rf "$old"
trap - EXIT
say "installed OpenSearch ${OPENSEARCH_VERSION} node at $DEST ($(ls "$DEST/lib" | wc -l) jars)"
echo "$DEST"
