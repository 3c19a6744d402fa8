"""Sign-in through the web app with the users file (FastAPI TestClient; no OpenSearch or S3 needed for
these routes): CSRF on the login form, server-held sessions that end at logout, Origin and
Sec-Fetch-Site on cookie requests, throttled HTTP Basic, Secure cookies, the access-table admin page."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from visio_archive.auth import AuthSettings, Role, user_entry_toml
from visio_archive.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PASSWORD = "un mot de passe correct"


def _app(tmp_path: Path, public_url: str = "http://127.0.0.1:8000") -> TestClient:
    from search_ui.app import create_app

    users = tmp_path / "users.toml"
    if not users.exists():
        users.write_text(user_entry_toml("alice", Role.RECORDS_OFFICER, PASSWORD, None, "Alice Martin")
                         + user_entry_toml("root", Role.ADMIN, PASSWORD, None)
                         + user_entry_toml("bob", Role.VIEWER, PASSWORD, None))
    settings = Settings(state_dir=tmp_path, public_url=public_url, oidc_issuer=None)
    app = create_app(settings, auth_settings=AuthSettings(users_file=users, session_secret="w" * 40))
    return TestClient(app, follow_redirects=False, base_url="http://127.0.0.1:8000")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _app(tmp_path) as c:
        yield c


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field in the page"
    return found.group(1)


def _login(client: TestClient, username: str = "alice", password: str = PASSWORD) -> str:
    csrf = _csrf(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": password, "next": "/", "csrf": csrf})
    assert response.status_code == 303, response.text
    cookie = response.cookies.get("visio_session")
    assert cookie
    return str(cookie)


def test_login_form_needs_its_csrf_token(client: TestClient) -> None:
    fresh = TestClient(client.app, follow_redirects=False)  # no visio_login cookie, no token
    assert fresh.post("/login", data={"username": "alice", "password": PASSWORD}).status_code == 403
    csrf = _csrf(client.get("/login").text)
    assert client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf": "0" * 64}).status_code == 403
    ok = client.post("/login", data={"username": "alice", "password": PASSWORD, "csrf": csrf, "next": "/"})
    assert ok.status_code == 303
    set_cookie = ok.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=lax" in set_cookie and "secure" not in set_cookie  # http loopback


def test_logout_ends_the_session_for_the_old_cookie(client: TestClient) -> None:
    cookie = _login(client)
    assert client.get("/api/me").json()["role"] == "records_officer"
    page = client.get("/")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    out = client.post("/logout", data={"csrf": _csrf(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login?logged_out=1"
    replay = TestClient(client.app, follow_redirects=False, cookies={"visio_session": cookie})
    assert replay.get("/api/me").status_code == 401
    assert replay.get("/").status_code == 303
    audit = client.app.state.audit.tail(20)  # type: ignore[attr-defined]
    assert [e.action for e in audit if e.action in ("login", "logout")][:2] == ["logout", "login"]


def test_cookie_requests_from_other_sites_are_refused(client: TestClient) -> None:
    _login(client)
    csrf = _csrf(client.get("/").text)
    for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"},
                    {"Sec-Fetch-Site": "same-site", "Origin": "http://127.0.0.1:8000"}):
        refused = client.post("/api/meetings/m-1/reveal", json={"reason": "contrôle CADA"}, headers=headers)
        assert refused.status_code == 403, headers
        assert "ne vient pas des pages" in refused.json()["detail"]
    denied = [e for e in client.app.state.audit.tail(20) if e.action == "denied"]  # type: ignore[attr-defined]
    assert len(denied) == 3 and denied[-1].details["origin"] == "https://evil.example"
    same = client.post("/logout", data={"csrf": csrf},
                       headers={"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 303


def test_basic_auth_is_throttled_and_every_failure_audited(client: TestClient) -> None:
    statuses = [client.get("/api/me", auth=("bob", f"faux-{i}")).status_code for i in range(30)]
    assert statuses[:5] == [401] * 5
    assert statuses.count(429) >= 20  # slowed down: refused at once while the delay runs
    throttled = client.get("/api/me", auth=("bob", PASSWORD))
    assert throttled.status_code == 429 and int(throttled.headers["retry-after"]) >= 1
    assert "Réessayez" in throttled.json()["detail"]
    assert client.get("/api/me", auth=("alice", PASSWORD)).status_code == 200  # another account is not affected
    failed = [e for e in client.app.state.audit.tail(100) if e.action == "login_failed"]  # type: ignore[attr-defined]
    assert len(failed) == 31 and all(e.details["kind"] == "basic" and e.actor == "bob" for e in failed)


def test_secure_cookies_when_the_public_url_is_https(tmp_path: Path) -> None:
    with _app(tmp_path, public_url="https://archive.interieur.gouv.fr") as client:
        cookie_page = client.get("/login")
        assert "secure" in cookie_page.headers["set-cookie"].lower()


def test_users_file_changes_apply_to_open_sessions(tmp_path: Path) -> None:
    with _app(tmp_path) as client:
        _login(client, "bob")
        assert client.get("/api/me").status_code == 200
        users = tmp_path / "users.toml"
        users.write_text(users.read_text().replace('[users."bob"]\nrole = "viewer"', '[users."bob"]\nrole = "legal"'))
        assert client.get("/api/me").status_code == 401  # role changed: that session is over
        _login(client, "bob")
        assert client.get("/api/me").json()["role"] == "legal"


def test_access_table_admin_page(client: TestClient) -> None:
    _login(client, "bob")
    assert client.get("/admin/access").status_code == 403
    client.cookies.clear()
    _login(client, "root")
    page = client.get("/admin/access")
    assert page.status_code == 200 and "Table d'accès" in page.text
    csrf = _csrf(page.text)
    forged = client.post("/admin/access", data={"kind": "domain", "value": "culture.gouv.fr", "grant": "viewer"})
    assert forged.status_code == 403
    added = client.post("/admin/access", data={"kind": "domain", "value": "Culture.gouv.fr", "grant": "viewer",
                                               "csrf": csrf})
    assert added.status_code == 200 and "culture.gouv.fr" in added.text
    bad = client.post("/admin/access", data={"kind": "siret", "value": "123", "grant": "viewer", "csrf": csrf})
    assert bad.status_code == 400 and "SIRET invalide" in bad.text
    removed = client.post("/admin/access/remove", data={"kind": "domain", "value": "culture.gouv.fr", "csrf": csrf})
    assert removed.status_code == 200 and "supprimée" in removed.text
    changes = [e for e in client.app.state.audit.tail(20) if e.action == "access_change"]  # type: ignore[attr-defined]
    assert [c.details["role"] for c in changes] == [None, "viewer"]


def test_provider_login_without_a_provider_says_so(client: TestClient) -> None:
    page = client.get("/oidc/login")
    assert page.status_code == 404 and "pas configurée" in page.text


def test_signing_in_again_gives_a_new_session_and_ends_the_old_one(client: TestClient) -> None:
    first = _login(client)
    second = _login(client)  # same browser, cookie jar still holds the first session
    assert first != second
    assert TestClient(client.app, cookies={"visio_session": first}).get("/api/me").status_code == 401
    assert TestClient(client.app, cookies={"visio_session": second}).get("/api/me").status_code == 200
