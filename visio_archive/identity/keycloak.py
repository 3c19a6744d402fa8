"""The development identity provider: Keycloak on loopback, started like OpenSearch.

``visio-archive services up`` starts it when the configured OIDC issuer is a Keycloak realm on
this machine (``VISIO_OIDC_ISSUER=http://127.0.0.1:8180/realms/visio``); ``down`` stops it. It is
installed by ``infra/keycloak/install.sh`` (Maven Central, cached) and run by
``infra/keycloak/run.sh`` from ``infra/keycloak/realm.json``: the realm ``visio`` with the archive's
confidential client (``visio-archive``, secret = ``VISIO_OIDC_CLIENT_SECRET``), script clients for
API tokens, one user per role (groups ``archive-*`` in a ``groups`` claim), one user with no role,
and ProConnect's claim scopes (``given_name``, ``usual_name``, ``uid``, ``siret``, ``idp_id``).
Its state (a private copy of the server, in-memory database) lives in ``{state_dir}/keycloak``
and is rebuilt at every start.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from visio_archive.settings import Settings

if TYPE_CHECKING:
    from visio_archive.services import ServiceSpec

REALM = "visio"
_REALM_PATH = re.compile(r"^/realms/([A-Za-z0-9_-]+)/?$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}

# The development users of infra/keycloak/realm.json: username -> (e-mail, group).
DEV_USERS: dict[str, tuple[str, str | None]] = {
    "camille.durand": ("camille.durand@culture.gouv.fr", "archive-records-officers"),
    "dominique.martin": ("dominique.martin@interieur.gouv.fr", "archive-viewers"),
    "sacha.bernard": ("sacha.bernard@justice.gouv.fr", "archive-legal"),
    "alex.petit": ("alex.petit@numerique.gouv.fr", "archive-admins"),
    "lou.moreau": ("lou.moreau@exemple-prestataire.fr", None),
}
# The groups of the realm and the roles they give (the access table rules `visio-archive access
# dev-groups` writes).
DEV_GROUP_ROLES = {
    "archive-viewers": "viewer",
    "archive-records-officers": "records_officer",
    "archive-legal": "legal",
    "archive-admins": "admin",
}


class KeycloakDevSettings(BaseSettings):
    """Secrets of the development realm (env prefix ``VISIO_KEYCLOAK_``); change them on any shared machine."""

    model_config = SettingsConfigDict(env_prefix="VISIO_KEYCLOAK_", env_file=".env", extra="ignore")

    admin_password: SecretStr = SecretStr("visio-keycloak-admin-change-me")
    users_password: SecretStr = SecretStr("visio-dev-password-change-me")  # every development user's
    heap: str = "-Xms64m -Xmx512m"


def managed_port(settings: Settings) -> int | None:
    """The port of the development Keycloak to manage, or None: only an issuer of the form
    ``http://127.0.0.1:PORT/realms/visio`` (loopback) is ours to start; ProConnect never is."""
    issuer = settings.oidc_issuer
    if not issuer:
        return None
    parts = urlsplit(issuer)
    match = _REALM_PATH.match(parts.path)
    if parts.scheme != "http" or (parts.hostname or "") not in _LOOPBACK or not match or match.group(1) != REALM:
        return None
    return parts.port or 80


def run_env(settings: Settings, dev: KeycloakDevSettings | None = None) -> dict[str, str]:
    """What run.sh reads from the environment (never from its command line)."""
    dev = dev or KeycloakDevSettings()
    if settings.oidc_client_secret is None:
        raise ValueError("VISIO_OIDC_CLIENT_SECRET must be set to start the development Keycloak")
    public = settings.public_url.rstrip("/")
    return {
        "KC_BOOTSTRAP_ADMIN_USERNAME": "admin",
        "KC_BOOTSTRAP_ADMIN_PASSWORD": dev.admin_password.get_secret_value(),
        "VISIO_KC_CLIENT_SECRET": settings.oidc_client_secret.get_secret_value(),
        "VISIO_KC_REDIRECT_URI": settings.oidc_redirect_url or f"{public}/oidc/callback",
        "VISIO_KC_POST_LOGOUT_URI": settings.oidc_post_logout_url or f"{public}/login?logged_out=1",
        "VISIO_KC_USER_PASSWORD": dev.users_password.get_secret_value(),
        "JAVA_OPTS_KC_HEAP": dev.heap,
    }


def probe(settings: Settings) -> tuple[bool, str]:
    """Healthy when the realm's discovery document answers and names the configured issuer."""
    issuer = (settings.oidc_issuer or "").rstrip("/")
    try:
        with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=2.0) as response:
            data = json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code} (realm {REALM} not imported yet?)"
    except (OSError, urllib.error.URLError, ValueError) as exc:
        return False, f"not answering ({getattr(exc, 'reason', exc)})"
    if str(data.get("issuer", "")).rstrip("/") != issuer:
        return False, f"answers as issuer {data.get('issuer')!r}, not {issuer!r}"
    return True, f"Keycloak, realm {REALM}"


def service_spec(settings: Settings) -> ServiceSpec | None:
    """The Keycloak entry for :mod:`visio_archive.services`, when the settings ask for it."""
    from visio_archive.services import INFRA_DIR, ServiceSpec

    if managed_port(settings) is None:
        return None
    return ServiceSpec(
        name="keycloak",
        tools=("java:openjdk-17-jdk-headless", "mvn:maven"),
        install_script=INFRA_DIR / "keycloak" / "install.sh",
        run_script=INFRA_DIR / "keycloak" / "run.sh",
        run_args=lambda s, installed: [
            installed, str((s.state_dir / "keycloak").resolve()), str(managed_port(s) or 8180),
        ],
        env=run_env,
        url=lambda s: s.oidc_issuer or "",
        probe=probe,
    )
