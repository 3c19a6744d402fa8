"""Sign-in against a real Keycloak (installed from Maven Central, started by this module on a private
port through `visio_archive.services`, stopped at the end), the real OpenSearch and S3, and the real
headless Chromium.

* API: a provider token is accepted on /api/search; an expired, a wrongly signed, a wrong-audience and a
  wrong-issuer token are refused with 401 (each failure audited); a person whose role is removed from
  the access table is refused at the next request; a person with no role gets 403.
* Browser: the archive redirects to Keycloak's login page, a records officer signs in, lands on the
  search page with that role, reveals a meeting (audited with the OIDC subject), logs out (at Keycloak
  too), and neither the old session cookie nor the back button gives anything.

Set VISIO_TEST_KEYCLOAK_ISSUER (+ VISIO_TEST_KEYCLOAK_SECRET, VISIO_TEST_KEYCLOAK_PASSWORD,
VISIO_TEST_APP_PORT) to reuse a running development Keycloak instead of starting one.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from test_search_fixtures import SECRETS, MeetingFixture, corpus, load_archive

from visio_archive.audit import AuditLog
from visio_archive.auth import AuthSettings
from visio_archive.identity.access import AccessTable, Grant
from visio_archive.identity.keycloak import KeycloakDevSettings
from visio_archive.settings import Settings

pytestmark = [pytest.mark.services, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
OFFICER = "camille.durand"
OFFICER_EMAIL = "camille.durand@culture.gouv.fr"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Env:
    settings: Settings  # the archive's, with the OIDC block
    base: str  # the archive's URL
    issuer: str
    secret: str
    password: str  # every development user's
    meetings: list[MeetingFixture]
    access: AccessTable
    audit: AuditLog

    def token(self, username: str, client: str = "archive-scripts", host: str = "127.0.0.1") -> dict[str, Any]:
        """Tokens from Keycloak's token endpoint (password grant of a script client of the dev realm)."""
        url = self.issuer.replace("127.0.0.1", host) + "/protocol/openid-connect/token"
        response = httpx.post(url, data={"grant_type": "password", "client_id": client, "client_secret": self.secret,
                                         "username": username, "password": self.password,
                                         "scope": "openid email given_name usual_name siret idp_id"}, timeout=30)
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(self.base + path, headers=headers, timeout=30, follow_redirects=False, **kwargs)


@pytest.fixture(scope="module")
def env(settings: Settings, opensearch_client: Any, minio_client: Any, run_id: str,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    import uvicorn

    from search_ui.app import create_app
    from visio_archive import services

    state = tmp_path_factory.mktemp("keycloak-state")
    reuse = os.environ.get("VISIO_TEST_KEYCLOAK_ISSUER")
    if reuse:
        issuer, app_port = reuse.rstrip("/"), int(os.environ.get("VISIO_TEST_APP_PORT", "8000"))
        secret = os.environ.get("VISIO_TEST_KEYCLOAK_SECRET", "dev-secret-1234567890")
        password = os.environ.get("VISIO_TEST_KEYCLOAK_PASSWORD", "Mot-de-passe-dev-1")
    else:
        issuer, app_port = f"http://127.0.0.1:{_free_port()}/realms/visio", _free_port()
        secret, password = f"test-secret-{run_id}-0123456789", KeycloakDevSettings().users_password.get_secret_value()
    base = f"http://127.0.0.1:{app_port}"
    app_settings = settings.model_copy(update={
        "state_dir": state, "public_url": base, "oidc_issuer": issuer, "oidc_client_secret": SecretStr(secret),
        "oidc_leeway_seconds": 1, "service_start_timeout": 300.0,
    })
    if not reuse:
        services.start("keycloak", app_settings, echo=print)  # installs (cached) and waits until healthy
    try:
        meetings = corpus(run_id)
        load_archive(app_settings, meetings, None)
        access = AccessTable.in_state_dir(state)
        access.set("email", OFFICER_EMAIL, Grant.RECORDS_OFFICER, actor="test")
        access.set("group", "archive-viewers", Grant.VIEWER, actor="test")
        app = create_app(app_settings, auth_settings=AuthSettings(users_file=state / "no-users.toml",
                                                                  session_secret="k" * 40,
                                                                  provider_name="Keycloak (développement)"))
        srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning"))
        thread = threading.Thread(target=srv.run, daemon=True)
        thread.start()
        deadline = time.time() + 20
        while not srv.started and time.time() < deadline:
            time.sleep(0.05)
        assert srv.started, "uvicorn did not start"
        yield Env(app_settings, base, issuer, secret, password, meetings, access, app.state.audit)
        srv.should_exit = True
        thread.join(timeout=10)
    finally:
        if not reuse:
            services.stop("keycloak", app_settings, echo=print)
            assert services.managed_pid(app_settings, "keycloak") is None


# ---------------------------------------------------------------- API


def test_provider_token_is_accepted_on_the_search_api(env: Env) -> None:
    tokens = env.token(OFFICER)
    me = env.get("/api/me", tokens["access_token"])
    assert me.status_code == 200, me.text
    assert me.json()["role"] == "records_officer" and me.json()["display_name"] == "Camille Durand"
    result = env.get("/api/search", tokens["access_token"], params={"q": "budget"})
    assert result.status_code == 200, result.text
    assert result.json()["total"] >= 1
    # and the groups claim gives a role too (archive-viewers -> viewer)
    viewer = env.get("/api/me", env.token("dominique.martin")["access_token"])
    assert viewer.status_code == 200 and viewer.json()["role"] == "viewer"


def _resigned(token: str) -> str:
    """The same header and claims, signed by a key that is not the provider's (same kid)."""
    from joserfc import jwt
    from joserfc.jwk import RSAKey

    from visio_archive.identity.oidc import unverified_parts

    header, claims = unverified_parts(token)
    key = RSAKey.generate_key(2048, parameters={"kid": header["kid"]})
    return jwt.encode({"alg": "RS256", "kid": header["kid"], "typ": "JWT"}, claims, key)


def _unsigned(token: str) -> str:
    import base64
    import json

    from visio_archive.identity.oidc import unverified_parts

    _, claims = unverified_parts(token)

    def enc(d: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")

    return f"{enc({'alg': 'none', 'typ': 'JWT'})}.{enc(claims)}."


def test_bad_tokens_are_refused_with_401_and_audited(env: Env) -> None:
    good = env.token(OFFICER)["access_token"]
    short = env.token(OFFICER, client="archive-scripts-short")["access_token"]  # lives 2 s
    wrong_audience = env.token(OFFICER, client="other-app")["access_token"]
    wrong_issuer = env.token(OFFICER, host="localhost")["access_token"]  # same realm key, iss says localhost
    assert env.get("/api/search", short, params={"q": "budget"}).status_code == 200  # valid while fresh
    time.sleep(2 + 1 + 1.5)  # lifetime + the app's leeway (1 s) + margin
    before = len(env.audit.tail(5000))
    cases = {"expired": short, "wrongly signed": _resigned(good), "unsigned": _unsigned(good),
             "wrong audience": wrong_audience, "wrong issuer": wrong_issuer, "garbage": "a.b.c"}
    for name, token in cases.items():
        response = env.get("/api/search", token, params={"q": "budget"})
        assert response.status_code == 401, (name, response.status_code, response.text)
        assert "Bearer" in response.headers.get("www-authenticate", "")
    entries = env.audit.tail(5000)[: len(env.audit.tail(5000)) - before]
    failed = [e for e in entries if e.action == "login_failed" and e.details.get("kind") == "oidc_token"]
    reasons = " | ".join(e.details["reason"] for e in failed)
    assert len(failed) == len(cases), reasons
    for fragment in ("ExpiredTokenError", "BadSignatureError", "'none' not accepted", "'aud'", "'iss'"):
        assert fragment in reasons, (fragment, reasons)
    assert env.get("/api/search", good, params={"q": "budget"}).status_code == 200  # the good one still works


def test_a_person_whose_role_is_removed_is_refused_at_the_next_request(env: Env) -> None:
    token = env.token("sacha.bernard")["access_token"]
    assert env.get("/api/me", token).status_code == 403  # no rule yet: authenticated, no role
    env.access.set("email", "sacha.bernard@justice.gouv.fr", Grant.LEGAL, actor="test")
    me = env.get("/api/me", token)
    assert me.status_code == 200 and me.json()["role"] == "legal"
    env.access.remove("email", "sacha.bernard@justice.gouv.fr")
    refused = env.get("/api/me", token)  # same, still valid token
    assert refused.status_code == 403 and "aucun rôle" in refused.json()["detail"]


# ---------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _keycloak_login(page: Any, env: Env, username: str) -> None:
    page.wait_for_url(f"{env.issuer}/protocol/openid-connect/auth*", timeout=30000)
    assert "Se connecter" in page.title()
    page.fill("#username", username)
    page.fill("#password", env.password)
    page.click("#kc-login")


def test_browser_sign_in_reveal_logout(env: Env, browser: Any) -> None:
    context = browser.new_context(locale="fr-FR")  # a French ministry agent's browser
    page = context.new_page()
    meeting = env.meetings[0]
    page.goto(f"{env.base}/")
    _keycloak_login(page, env, OFFICER)  # the archive sent us to the real Keycloak login page
    page.wait_for_url(f"{env.base}/", timeout=30000)
    assert page.get_attribute(".who", "data-role") == "records_officer"
    assert "Camille Durand" in page.inner_text("header")
    cookies = {c["name"]: c for c in context.cookies()}
    session = cookies["visio_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"

    page.goto(f"{env.base}/meetings/{meeting.meeting_id}")
    assert SECRETS[0] not in page.inner_text("body")
    page.click("details.reveal summary")
    page.fill("input[name=reason]", "Demande d'accès CADA n° 2026-114")
    page.click("details.reveal button[type=submit]")
    page.wait_for_selector(".revealed-banner")
    assert SECRETS[0] in page.inner_text("#transcript")
    revealed_url = page.url

    login = next(e for e in env.audit.tail(500) if e.action == "login" and e.details.get("method") == "oidc"
                 and e.details.get("email") == OFFICER_EMAIL)
    sub = login.actor
    assert len(sub) >= 20 and "@" not in sub  # Keycloak's subject (a UUID), not a name
    reveal = next(e for e in env.audit.tail(500) if e.action == "reveal" and e.meeting_id == meeting.meeting_id)
    assert reveal.actor == sub and reveal.role == "records_officer"

    page.click("header form[action='/logout'] button")  # logout here, then at Keycloak, then back
    try:
        page.wait_for_url(f"{env.base}/login?logged_out=1*", timeout=30000)  # (+ the state Keycloak echoes)
    except Exception:
        raise AssertionError(f"logout ended at {page.url}: {page.inner_text('body')[:500]}") from None
    assert "déconnecté" in page.inner_text("main")
    assert any(e.action == "logout" and e.actor == sub for e in env.audit.tail(50))

    # the old cookie gives nothing, on pages and on the API
    old = {"visio_session": session["value"]}
    assert httpx.get(f"{env.base}/api/me", cookies=old, timeout=30).status_code == 401
    again = httpx.get(f"{env.base}{revealed_url.removeprefix(env.base)}", cookies=old, timeout=30,
                      follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")
    # the back button gives nothing either (pages are no-store: the browser asks again, and is refused)
    page.go_back()
    page.go_back()
    page.wait_for_load_state()
    body = page.inner_text("body")
    assert SECRETS[0] not in body and "Transcription intégrale" not in body
    assert page.url.startswith(env.base + "/login") or page.url.startswith(env.issuer)
    # and Keycloak's own session ended too (RP-initiated logout): signing in asks for the password again
    page.goto(f"{env.base}/")
    _keycloak_login(page, env, "lou.moreau")  # a person the archive gives no role
    page.wait_for_url(f"{env.base}/oidc/callback*", timeout=30000)
    assert "Accès non attribué" in page.inner_text("h1")
    assert "lou.moreau@exemple-prestataire.fr" in page.inner_text("main")
    assert "visio_session" not in {c["name"] for c in context.cookies()}
    context.close()
