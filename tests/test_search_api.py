"""The search API and pages against the real OpenSearch node and S3 server (FastAPI TestClient)."""

from __future__ import annotations

import io
import json
import re
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_search_fixtures import (
    PASSWORD,
    SECRETS,
    MeetingFixture,
    auth_header,
    authenticator,
    corpus,
    load_archive,
    make_audio,
    ui_settings,
)

from visio_archive.auth import AuthSettings
from visio_archive.settings import Settings

pytestmark = pytest.mark.services

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient


@pytest.fixture(scope="module")
def meetings(run_id: str) -> list[MeetingFixture]:
    return corpus(run_id)


@pytest.fixture(scope="module")
def ui_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-state")


@pytest.fixture(scope="module")
def app_client(settings: Settings, opensearch_client: Any, minio_client: Any, meetings: list[MeetingFixture],
               ui_state: Path) -> Iterator[TestClient]:
    from search_ui.app import create_app

    audio = make_audio(ui_state / "audio.ogg")
    load_archive(settings, meetings, audio)
    app = create_app(ui_settings(settings, ui_state), authenticator=authenticator(),
                     auth_settings=AuthSettings(session_secret="s" * 40))
    with TestClient(app, follow_redirects=False) as client:
        yield client


def api(client: TestClient, who: str, **params: Any) -> Any:
    response = client.get("/api/search", params=params, headers=auth_header(who))
    assert response.status_code == 200, response.text
    return response.json()


def ids(result: dict[str, Any]) -> set[str]:
    return {h["meeting_id"] for h in result["hits"]}


# ---------------------------------------------------------------- authentication


def test_every_route_needs_authentication(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    mid = meetings[0].meeting_id
    for path in ["/api/search?q=budget", f"/api/meetings/{mid}", f"/api/meetings/{mid}/export?format=md",
                 f"/api/meetings/{mid}/audio", "/api/openapi.json", "/api/me", "/api/audit"]:
        response = app_client.get(path)
        assert response.status_code == 401, path
        assert "Bearer" in response.headers["www-authenticate"]
    for path in ["/", "/?q=budget", f"/meetings/{mid}", f"/meetings/{mid}/export/pdf", "/admin/audit"]:
        response = app_client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    assert app_client.get("/api/search", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert app_client.get("/api/search", headers={"Authorization": "Basic !!!"}).status_code == 401
    assert app_client.get("/api/me", auth=("viewer", PASSWORD)).json()["role"] == "viewer"
    assert app_client.get("/api/me", auth=("viewer", "wrong")).status_code == 401


def test_login_form_sets_a_signed_cookie(app_client: TestClient) -> None:
    page = app_client.get("/login")
    assert page.status_code == 200 and 'name="password"' in page.text
    bad = app_client.post("/login", data={"username": "viewer", "password": "nope", "next": "/"})
    assert bad.status_code == 401 and "incorrect" in bad.text
    good = app_client.post("/login", data={"username": "viewer", "password": PASSWORD, "next": "//evil.example/"})
    assert good.status_code == 303 and good.headers["location"] == "/"
    cookie = good.cookies.get("visio_session")
    assert cookie and "httponly" in good.headers["set-cookie"].lower()
    app_client.cookies.set("visio_session", cookie)
    try:
        assert app_client.get("/").status_code == 200
        app_client.cookies.set("visio_session", cookie[:-3] + "AAA")
        assert app_client.get("/").status_code == 303
    finally:
        app_client.cookies.clear()


def test_openapi_description(app_client: TestClient) -> None:
    schema = app_client.get("/api/openapi.json", headers=auth_header("viewer")).json()
    assert {"/api/search", "/api/meetings/{meeting_id}", "/api/meetings/{meeting_id}/export",
            "/api/meetings/{meeting_id}/reveal"} <= set(schema["paths"])
    assert "bearer" in schema["components"]["securitySchemes"]


# ---------------------------------------------------------------- search behaviour


def test_search_highlights_facets_and_french_analysis(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    copil, ca, _steer = (m.meeting_id for m in meetings)
    result = api(app_client, "viewer", q="budget")
    assert result["total"] >= 3
    assert any("<mark>budget</mark>" in h["highlight"] for h in result["hits"])
    facets = result["facets"]
    assert {"Alice Martin", "Bernard Petit"} <= {f["value"] for f in facets["participants"]}
    assert {"2026-03", "2025-12"} <= {f["value"] for f in facets["month"]}
    assert {f["value"] for f in facets["language"]} >= {"fr", "en"}
    # Stemming and accent folding: élection ~ élections, reunion ~ réunion.
    assert ids(api(app_client, "viewer", q="élection")) >= {copil, ca}
    assert ca in ids(api(app_client, "viewer", q="reunion budgetaire"))
    # Typo tolerance.
    fuzzy = api(app_client, "viewer", q="bugdet")
    assert copil in ids(fuzzy) and any("<mark>" in h["highlight"] for h in fuzzy["hits"])
    assert api(app_client, "viewer", q="fonctionemment")["total"] >= 1


def test_phrases_and_boolean_operators(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    copil, ca, steer = (m.meeting_id for m in meetings)
    phrase = api(app_client, "viewer", q='"comité de pilotage"')
    assert ids(phrase) == {copil} and phrase["total"] == 1
    assert "<mark>" in phrase["hits"][0]["highlight"]
    assert api(app_client, "viewer", q='"pilotage de comité"')["total"] == 0
    both = api(app_client, "viewer", q="procès-verbal OR migration")
    assert ids(both) == {ca, steer}
    without = api(app_client, "viewer", q="budget -fonctionnement")
    assert all("fonctionnement" not in h["text"] for h in without["hits"]) and without["total"] >= 1
    assert api(app_client, "viewer", q="budget NOT fonctionnement")["total"] == without["total"]
    grouped = api(app_client, "viewer", q="(procès-verbal OR migration) AND séance")
    assert ids(grouped) == {ca}


def test_filters_sort_and_pagination(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    copil, ca, steer = (m.meeting_id for m in meetings)
    assert ids(api(app_client, "viewer", q="budget", **{"from": "2026-01-01"})) == {copil}
    assert ids(api(app_client, "viewer", q="budget", to="2025-12-31")) == {steer}
    assert ids(api(app_client, "viewer", q="", participant="Claire Roux")) == {ca}
    assert ids(api(app_client, "viewer", title="conseil administration")) == {ca}
    assert ids(api(app_client, "viewer", series="steering")) == {steer}
    assert ids(api(app_client, "viewer", language="en")) == {steer}
    dated = api(app_client, "viewer", meeting=copil, sort="date_asc", size=2)
    assert dated["total"] == 5 and [h["start"] for h in dated["hits"]] == [0.0, 2.0]
    page2 = api(app_client, "viewer", meeting=copil, sort="date_asc", size=2, page=2)
    assert [h["start"] for h in page2["hits"]] == [4.0, 6.0]
    newest = api(app_client, "viewer", q="budget", sort="date")
    dates = [h["started_at"] for h in newest["hits"]]
    assert dates == sorted(dates, reverse=True)


def test_search_page_renders_hits_facets_and_empty_state(app_client: TestClient) -> None:
    page = app_client.get("/", params={"q": "budget"}, headers=auth_header("viewer"))
    assert page.status_code == 200
    assert "<mark>budget</mark>" in page.text and 'data-facet="participants"' in page.text
    assert 'href="/meetings/' in page.text and "?t=" in page.text
    empty = app_client.get("/", params={"q": "zzzyyyxxx inexistant"}, headers=auth_header("viewer"))
    assert empty.status_code == 200 and 'id="no-results"' in empty.text
    # Without a query the page browses meetings, newest first.
    landing = app_client.get("/", headers=auth_header("viewer"))
    assert landing.status_code == 200 and "les plus récentes d'abord" in landing.text
    order = re.findall(r'class="meeting-result" data-meeting="([^"]+)"', landing.text)
    assert order.index(f"ca-{order[0].split('-', 1)[1]}") < order.index(f"steer-{order[0].split('-', 1)[1]}")


HOSTILE = [
    '"', '""', '"unbalanced phrase', "((((", "))))", "a AND", "OR", "NOT", "-", "--", "*", "?", "\\", "/",
    "text:foo", "foo~2", "a^3", "{", "[", "]", "<script>alert(1)</script>", "\x00", "\u202e", "🙂🙂",
    "' OR 1=1 --", "&&", "||", "!", '{"query":{"match_all":{}}}', "é" * 400, "a" * 300, "_all:*",
    "NOT NOT NOT", "(a OR (b AND (c OR d)))", "%00%27", "title:(x) AND y:[1 TO 5]", "/.*/", "\n\t\r",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_fail_nor_leak_server_errors(app_client: TestClient, query: str) -> None:
    for path in ("/api/search", "/"):
        response = app_client.get(path, params={"q": query}, headers=auth_header("viewer"))
        assert response.status_code in (200, 400), (path, query, response.status_code, response.text[:300])
        body = response.text.lower()
        for leak in ("opensearch", "exception", "traceback", "query_shard", "parse_exception", "lucene"):
            assert leak not in body, (path, query, leak)
        if path == "/":
            assert "<script>alert" not in response.text


@pytest.mark.parametrize("params", [
    {"q": "x" * 501}, {"q": " ".join(["mot"] * 60)}, {"q": "(" * 30 + "a"}, {"q": "a", "from": "hier"},
    {"q": "a", "from": "2026-05-01", "to": "2026-01-01"}, {"q": "a", "page": "abc"}, {"q": "a", "page": "0"},
    {"q": "a", "page": "9999"}, {"q": "a", "size": "1000"}, {"q": "a", "sort": "bogus"},
    {"q": "a", "participant": "p" * 1000}, {"q": "a", "from": "2026-13-45"},
])
def test_bad_parameters_are_a_clear_400(app_client: TestClient, params: dict[str, str]) -> None:
    response = app_client.get("/api/search", params=params, headers=auth_header("viewer"))
    assert response.status_code == 400, (params, response.text)
    assert response.json()["detail"] and "opensearch" not in response.text.lower()
    page = app_client.get("/", params=params, headers=auth_header("viewer"))
    assert page.status_code == 400 and 'role="alert"' in page.text


def test_huge_query_string_is_refused_cleanly(app_client: TestClient) -> None:
    response = app_client.get("/api/search", params={"q": "budget " * 3000}, headers=auth_header("viewer"))
    assert response.status_code == 400


# ---------------------------------------------------------------- meeting page, audio, exports


def test_meeting_page_has_turns_words_audio_and_exports(app_client: TestClient,
                                                         meetings: list[MeetingFixture]) -> None:
    mid = meetings[0].meeting_id
    page = app_client.get(f"/meetings/{mid}", params={"t": "4.0"}, headers=auth_header("viewer"))
    assert page.status_code == 200
    html = page.text
    assert "Comité de pilotage budget" in html and "Alice Martin" in html and "Bernard Petit" in html
    assert html.count('class="turn"') == 5 and "[00:00:04]" in html
    assert re.search(r'<span class="w" data-start="[\d.]+" data-end="[\d.]+">Bonjour</span>', html)
    assert f'src="/meetings/{mid}/audio"' in html and 'data-start="4.0"' in html
    for fmt in ("odt", "docx", "pdf", "md", "srt", "vtt", "json"):
        assert f"/meetings/{mid}/export/{fmt}" in html
    assert "legal-export" not in html and "reveal" not in html  # a viewer is offered neither
    assert app_client.get("/meetings/does-not-exist", headers=auth_header("viewer")).status_code == 404
    assert app_client.get("/meetings/..%2F..%2Fetc", headers=auth_header("viewer")).status_code == 404


def test_audio_proxy_honours_range(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    path = f"/api/meetings/{meetings[0].meeting_id}/audio"
    full = app_client.get(path, headers=auth_header("viewer"))
    assert full.status_code == 200 and full.content[:4] == b"OggS"
    size = len(full.content)
    part = app_client.get(path, headers={**auth_header("viewer"), "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == full.content[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{size}"
    tail = app_client.get(path, headers={**auth_header("viewer"), "Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == full.content[-10:]
    bad = app_client.get(path, headers={**auth_header("viewer"), "Range": f"bytes={size + 10}-"})
    assert bad.status_code == 416
    assert app_client.get(f"/api/meetings/{meetings[2].meeting_id}/audio",
                          headers=auth_header("viewer")).status_code == 404


@pytest.mark.parametrize("fmt", ["odt", "docx", "pdf", "md", "srt", "vtt", "json"])
def test_exports_download(app_client: TestClient, meetings: list[MeetingFixture], fmt: str) -> None:
    response = app_client.get(f"/meetings/{meetings[0].meeting_id}/export/{fmt}", headers=auth_header("viewer"))
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    assert _export_text(fmt, response.content).count("Alice Martin") >= 1


def test_unknown_export_format(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    response = app_client.get(f"/api/meetings/{meetings[0].meeting_id}/export", params={"format": "exe"},
                              headers=auth_header("viewer"))
    assert response.status_code == 400


# ---------------------------------------------------------------- roles: what a viewer can never see


def _export_text(fmt: str, data: bytes) -> str:
    if fmt == "odt":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("content.xml").decode()
    if fmt == "docx":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("word/document.xml").decode()
    if fmt == "pdf":
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return data.decode()


def test_viewer_finds_no_personal_data_anywhere(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    seen: list[str] = []
    h = auth_header("viewer")
    for secret in [*SECRETS, "Jean", "dupont", "example.fr", "0612345678"]:
        result = api(app_client, "viewer", q=secret)
        assert result["total"] == 0 or all(secret.lower() not in json.dumps(x, ensure_ascii=False).lower()
                                           for x in result["hits"]), secret
        assert result["total"] == 0, secret  # (the query itself is echoed back, so not added to `seen`)
    for q in ("budget", "élections", "joindre", "rapport", "présentera"):
        seen.append(json.dumps(api(app_client, "viewer", q=q), ensure_ascii=False))
        seen.append(app_client.get("/", params={"q": q}, headers=h).text)
    seen.append(json.dumps(api(app_client, "viewer", q="", size=100), ensure_ascii=False))
    for m in meetings:
        seen.append(app_client.get(f"/meetings/{m.meeting_id}", headers=h).text)
        seen.append(app_client.get(f"/api/meetings/{m.meeting_id}", headers=h).text)
        for fmt in ("odt", "docx", "pdf", "md", "srt", "vtt", "json"):
            seen.append(_export_text(fmt, app_client.get(f"/meetings/{m.meeting_id}/export/{fmt}", headers=h).content))
    blob = "\n".join(seen)
    for secret in SECRETS:
        assert secret not in blob, secret
    assert "[PERSONNE_1]" in blob  # the redacted placeholder is what viewers see
    detail = app_client.get(f"/api/meetings/{meetings[0].meeting_id}", headers=h).json()
    assert detail["segments"] and all("entities" not in s for s in detail["segments"])


def test_viewer_cannot_reveal_nor_make_legal_exports(app_client: TestClient, meetings: list[MeetingFixture],
                                                     ui_state: Path) -> None:
    mid = meetings[0].meeting_id
    h = auth_header("viewer")
    response = app_client.post(f"/api/meetings/{mid}/reveal", json={"reason": "curiosité"}, headers=h)
    assert response.status_code == 403 and "Dupont" not in response.text
    page = app_client.post(f"/meetings/{mid}/reveal", data={"reason": "curiosité", "csrf": "x"}, headers=h)
    assert page.status_code == 403 and "Dupont" not in page.text
    assert app_client.get(f"/api/meetings/{mid}/legal-export", headers=h).status_code == 403
    assert app_client.get("/api/audit", headers=h).status_code == 403
    log = [json.loads(line) for line in (ui_state / "audit.log").read_text().splitlines()]
    assert any(e["action"] == "denied" and e["actor"] == "viewer" and e["meeting_id"] == mid for e in log)


def test_records_officer_reveal_is_audited(app_client: TestClient, meetings: list[MeetingFixture],
                                           ui_state: Path) -> None:
    mid = meetings[0].meeting_id
    h = auth_header("officer")
    assert app_client.post(f"/api/meetings/{mid}/reveal", json={"reason": ""}, headers=h).status_code == 422
    response = app_client.post(f"/api/meetings/{mid}/reveal", json={"reason": "Demande CADA 2026-17"}, headers=h)
    assert response.status_code == 200 and "Jean Dupont" in response.text
    entries = app_client.get("/api/audit", params={"action": "reveal"}, headers=auth_header("admin")).json()
    assert entries[0]["actor"] == "officer" and entries[0]["meeting_id"] == mid
    assert entries[0]["details"]["reason"] == "Demande CADA 2026-17"

    # The page flow: POST the reason once, then GET the full transcript with a short-lived grant
    # (POST-redirect-GET): a reload or a timestamp link neither re-posts nor re-audits.
    page = app_client.get(f"/meetings/{mid}", headers=h)
    assert "Afficher la transcription intégrale" in page.text and "Dupont" not in page.text
    def reveals() -> int:
        return len(app_client.get("/api/audit", params={"action": "reveal"}, headers=auth_header("admin")).json())
    before = reveals()
    try:
        posted = app_client.post(f"/meetings/{mid}/reveal", data={"reason": "contrôle"}, headers=h)
        assert posted.status_code == 303 and posted.headers["location"] == f"/meetings/{mid}/revealed"
        assert reveals() == before + 1
        for url in (posted.headers["location"], posted.headers["location"], f"/meetings/{mid}/revealed?t=2.0"):
            revealed = app_client.get(url, headers=h)
            assert revealed.status_code == 200 and ">Dupont<" in revealed.text and "journal d'audit" in revealed.text
        assert reveals() == before + 1
        assert app_client.get(f"/meetings/{mid}/revealed", headers=auth_header("admin")).status_code == 403
    finally:
        app_client.cookies.clear()
    assert app_client.get(f"/meetings/{mid}/revealed", headers=h).status_code == 403
    audit_page = app_client.get("/admin/audit", headers=auth_header("admin"))
    assert audit_page.status_code == 200 and "levée du caviardage" in audit_page.text and "intact" in audit_page.text


def test_legal_export_bundle(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    mid = meetings[0].meeting_id
    response = app_client.get(f"/api/meetings/{mid}/legal-export", headers=auth_header("legal"))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
        manifest = json.loads(bundle.read("manifest.json"))
        assert manifest["generated_by"] == "legal" and len(manifest["files"]) == 7
        for name in manifest["files"]:
            assert "Dupont" not in _export_text(name.rsplit(".", 1)[1], bundle.read(name))


def test_search_is_audited(app_client: TestClient, ui_state: Path) -> None:
    api(app_client, "viewer", q="audit-marker-xyz")
    log = [json.loads(line) for line in (ui_state / "audit.log").read_text().splitlines()]
    assert any(e["action"] == "search" and e["details"].get("q") == "audit-marker-xyz" for e in log)


def test_search_service_down_is_a_clean_503(settings: Settings, tmp_path: Path) -> None:
    from search_ui.app import create_app

    down = settings.model_copy(update={"opensearch_url": "http://127.0.0.1:9", "state_dir": tmp_path})
    app = create_app(down, authenticator=authenticator(), auth_settings=AuthSettings(session_secret="d" * 40))
    with TestClient(app) as client:
        response = client.get("/api/search", params={"q": "budget"}, headers=auth_header("viewer"))
        assert response.status_code == 503 and "ne répond pas" in response.json()["detail"]
        page = client.get("/", params={"q": "budget"}, headers=auth_header("viewer"))
        assert page.status_code == 503 and 'role="alert"' in page.text and "9200" not in page.text
