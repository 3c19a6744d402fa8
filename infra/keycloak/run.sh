#!/usr/bin/env bash
# Run one Keycloak development instance on loopback, in the foreground (the service manager keeps
# its pid and stops its process group).
#
#   bash infra/keycloak/run.sh INSTALLED_DIR INSTANCE_DIR PORT
#
# INSTANCE_DIR (under the state directory) is rebuilt at every start: a private copy of the
# installed Keycloak (its jars hard-linked, everything Keycloak writes copied), the realm file
# infra/keycloak/realm.json in data/import, and an in-memory database. Stopping the instance and
# starting it again therefore starts from the realm file, with nothing left behind.
# Read from the environment (never from the command line, which `ps` shows):
#   KC_BOOTSTRAP_ADMIN_PASSWORD   password of the temporary "admin" user of the master realm
#   VISIO_KC_CLIENT_SECRET        secret of the archive's confidential client
#   VISIO_KC_REDIRECT_URI         the archive's callback, e.g. http://127.0.0.1:8000/oidc/callback
#   VISIO_KC_POST_LOGOUT_URI      where Keycloak sends the browser after logout
#   VISIO_KC_USER_PASSWORD        password of every development user of the realm
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
installed="${1:?installed Keycloak directory}"
instance="${2:?instance directory}"
port="${3:?http port}"
die() { echo "keycloak/run.sh: error: $*" >&2; exit 1; }
[[ -x "$installed/bin/kc.sh" ]] || die "$installed holds no Keycloak (run infra/keycloak/install.sh)"
for var in KC_BOOTSTRAP_ADMIN_PASSWORD VISIO_KC_CLIENT_SECRET VISIO_KC_REDIRECT_URI VISIO_KC_POST_LOGOUT_URI \
           VISIO_KC_USER_PASSWORD; do
    [[ -n "${!var:-}" ]] || die "$var is not set"
done

# Never remove a directory this script did not make.
if [[ -e "$instance" && ! -f "$instance/.visio-keycloak-instance" ]]; then
    [[ -z "$(ls -A "$instance" 2>/dev/null)" ]] || die "$instance exists and is not a Keycloak instance of ours"
fi
rm -rf "$instance"
mkdir -p "$instance"
touch "$instance/.visio-keycloak-instance"
home="$instance/home"
mkdir -p "$home/lib"
# 170 MB of jars, shared read-only (hard links; a plain copy when the state dir is on another filesystem)
cp -al "$installed/lib/lib" "$home/lib/lib" 2>/dev/null || { rm -rf "$home/lib/lib"; cp -a "$installed/lib/lib" "$home/lib/lib"; }
cp -a "$installed/lib/app" "$installed/lib/quarkus" "$installed/lib/quarkus-run.jar" "$home/lib/"
cp -a "$installed/bin" "$installed/conf" "$installed/providers" "$installed/themes" "$home/"
mkdir -p "$home/data/import"
cp "$HERE/realm.json" "$home/data/import/visio-realm.json"

export KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}"
# A small heap: this is a development provider on a 2-core, shared machine.
export JAVA_OPTS_KC_HEAP="${JAVA_OPTS_KC_HEAP:--Xms64m -Xmx512m}"
# `start --optimized` on the build that install.sh made (dev-mem database, no management port):
# no Quarkus re-augmentation at every start (it takes ~30 s on two busy cores). Plain HTTP on
# loopback only, hostname taken from the request (so the issuer is the URL the archive uses), one
# node (local cache: the default would open JGroups cluster ports on other interfaces).
exec "$home/bin/kc.sh" start --optimized \
    --http-enabled true --http-host 127.0.0.1 --http-port "$port" \
    --cache local --hostname-strict false --import-realm --log-level INFO
