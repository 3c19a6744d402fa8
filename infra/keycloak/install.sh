#!/usr/bin/env bash
# Install Keycloak (the development identity provider) from Maven Central: no Docker, no tarball site.
#
#   bash infra/keycloak/install.sh [DEST]
#
# Fetches org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip with Maven (cached in ~/.m2,
# ~180 MB the first time), unzips it and builds it once (`kc.sh build`, development database in
# memory, no management port) into DEST, by default
# ${VISIO_CACHE_DIR:-$HOME/.cache/visio-archive}/keycloak-${KEYCLOAK_VERSION}. DEST is a read-only
# template: infra/keycloak/run.sh makes a private copy of it for every instance it starts (under the
# state directory), so instances never write into the cache or into each other.
# A second run is a fast no-op. Progress goes to stderr; the last line on stdout is DEST.
set -euo pipefail

KEYCLOAK_VERSION="${KEYCLOAK_VERSION:-26.7.3}"
DEST="${1:-${VISIO_CACHE_DIR:-$HOME/.cache/visio-archive}/keycloak-${KEYCLOAK_VERSION}}"

say() { echo "keycloak/install.sh: $*" >&2; }
die() { echo "keycloak/install.sh: error: $*" >&2; exit 1; }

for tool in java mvn python3; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found. Install a JDK 17 and Maven:
    apt-get install -y openjdk-17-jdk-headless maven"
done
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
java_major="${java_major#1.}"
[[ "$java_major" =~ ^[0-9]+$ ]] || die "cannot tell the Java version ('java -version' failed?)"
(( java_major >= 17 )) || die "Java $java_major found; Keycloak ${KEYCLOAK_VERSION} needs Java 17 or later:
    apt-get install -y openjdk-17-jdk-headless"

# Build options baked into the installed copy (run.sh then starts it with `start --optimized`).
# --cache=local: a single node; the default (ispn) would open JGroups cluster ports off loopback.
BUILD_OPTS=(--db=dev-mem --cache=local --health-enabled=false --metrics-enabled=false)
marker_text="keycloak=${KEYCLOAK_VERSION} build=${BUILD_OPTS[*]}"
mkdir -p "$(dirname "$DEST")"
DEST="$(cd "$(dirname "$DEST")" && pwd)/$(basename "$DEST")"
if [[ -f "$DEST/.visio-install" && "$(cat "$DEST/.visio-install")" == "$marker_text" ]]; then
    say "already installed at $DEST"
    echo "$DEST"
    exit 0
fi

exec 9>"$DEST.lock"
flock 9
if [[ -f "$DEST/.visio-install" && "$(cat "$DEST/.visio-install")" == "$marker_text" ]]; then
    say "already installed at $DEST (by a concurrent run)"
    echo "$DEST"
    exit 0
fi
if [[ -e "$DEST" && ! -f "$DEST/.visio-install" && -n "$(ls -A "$DEST" 2>/dev/null)" ]]; then
    die "$DEST exists, is not empty and holds no .visio-install marker; refusing to replace it"
fi

artifact="org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip"
repo="$(mvn -B -q help:evaluate -Dexpression=settings.localRepository -DforceStdout 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | tail -n1 || true)"
[[ -n "$repo" && -d "$repo" ]] || repo="$HOME/.m2/repository"
zip="$repo/org/keycloak/keycloak-quarkus-dist/${KEYCLOAK_VERSION}/keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip"
if [[ ! -f "$zip" ]]; then
    say "fetching $artifact with Maven (first run downloads ~180 MB from Maven Central)"
    mvn -B -q -Dstyle.color=never dependency:get -Dartifact="$artifact" -Dtransitive=false 2>&1 \
        | sed 's/\x1b\[[0-9;]*m//g' >&2 || die "Maven could not fetch $artifact (network? ~/.m2 settings?)"
fi
[[ -f "$zip" ]] || die "Maven reported success but $zip is missing"
# Maven keeps the SHA-1 it checked next to the artifact: check it again (a truncated cache is caught here).
if [[ -f "$zip.sha1" ]]; then
    want="$(cut -c1-40 "$zip.sha1")"
    got="$(sha1sum "$zip" | cut -d' ' -f1)"
    [[ "$want" == "$got" ]] || die "checksum mismatch for $zip (delete it and re-run)"
fi

work="$(mktemp -d "$DEST.partial.XXXXXX")"
trap 'rm -rf "$work"' EXIT
say "unpacking into $DEST"
if command -v unzip >/dev/null 2>&1; then
    unzip -q "$zip" -d "$work"
else  # no unzip on this machine: Python's zipfile (it drops the exec bits, put back below)
    python3 -m zipfile -e "$zip" "$work"
fi
inner="$work/keycloak-${KEYCLOAK_VERSION}"
chmod +x "$inner"/bin/*.sh
[[ -x "$inner/bin/kc.sh" ]] || die "unexpected zip layout: no keycloak-${KEYCLOAK_VERSION}/bin/kc.sh"
say "building the server once (Quarkus augmentation, ~30 s): ${BUILD_OPTS[*]}"
"$inner/bin/kc.sh" build "${BUILD_OPTS[@]}" >&2 || die "kc.sh build failed"
echo "$marker_text" > "$inner/.visio-install"
rm -rf "$DEST"
mv "$inner" "$DEST"
say "installed Keycloak ${KEYCLOAK_VERSION} at $DEST"
echo "$DEST"
