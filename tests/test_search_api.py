"""The search API and pages against the real OpenSearch node and S3 server (FastAPI TestClient)."""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_search_fixtures import (
    ODD_UNSAFE,
    PASSWORD,
    SECRETS,
    MeetingFixture,
    auth_header,
    authenticator,
    corpus,
    load_archive,
    make_audio,
    odd_meeting,
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
def odd(run_id: str) -> MeetingFixture:
    return odd_meeting(run_id)


@pytest.fixture(scope="module")
def ui_state(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("ui-state")


@pytest.fixture(scope="module")
def app_client(module_settings: Settings, meetings: list[MeetingFixture], odd: MeetingFixture,
               ui_state: Path) -> Iterator[TestClient]:
    settings = module_settings
    from search_ui.app import create_app

    audio = make_audio(ui_state / "audio.ogg")
    load_archive(settings, [*meetings, odd], audio)
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
    found = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)  # the login form has a CSRF token too
    assert found
    csrf = found.group(1)
    bad = app_client.post("/login", data={"username": "viewer", "password": "nope", "next": "/", "csrf": csrf})
    assert bad.status_code == 401 and "incorrect" in bad.text
    good = app_client.post("/login", data={"username": "viewer", "password": PASSWORD, "next": "//evil.example/",
                                           "csrf": csrf})
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


# ---------------------------------------------------------------- second pass (issue 12)


def test_results_grouped_by_meeting_with_best_passages_and_counts(app_client: TestClient,
                                                                   meetings: list[MeetingFixture]) -> None:
    copil, _ca, steer = (m.meeting_id for m in meetings)
    grouped = api(app_client, "viewer", q="budget", view="meetings")
    assert grouped["view"] == "meetings" and grouped["total_meetings"] == len(grouped["meetings"]) >= 2
    by_id = {m["meeting_id"]: m for m in grouped["meetings"]}
    assert by_id[copil]["count"] == 2 and len(by_id[copil]["passages"]) == 2  # its two budget passages
    assert by_id[copil]["title"] == "Comité de pilotage budget"
    assert set(by_id[copil]["participants"]) == {"Alice Martin", "Bernard Petit"}
    assert all("<mark>" in p["highlight"] for p in by_id[copil]["passages"])
    assert steer in by_id and grouped["total"] == sum(m["count"] for m in grouped["meetings"])
    # One passage view as an option, and the page: a meeting once, "voir les N passages" when more.
    flat = api(app_client, "viewer", q="budget", view="passages")
    assert [h["meeting_id"] for h in flat["hits"]].count(copil) == 2
    page = app_client.get("/", params={"q": "budget"}, headers=auth_header("viewer"))
    assert page.text.count(f'data-meeting="{copil}" data-count="2"') == 1
    small = app_client.get("/", params={"q": "budget OR élections OR réunion"}, headers=auth_header("viewer"))
    assert "Voir les 4 passages" in small.text and f"meeting={copil}" in small.text


def test_browse_without_query_lists_meetings_newest_first(app_client: TestClient, meetings: list[MeetingFixture],
                                                          odd: MeetingFixture) -> None:
    browse = api(app_client, "viewer", view="meetings")
    order = [m["meeting_id"] for m in browse["meetings"]]
    assert order[:4] == [odd.meeting_id, meetings[1].meeting_id, meetings[0].meeting_id, meetings[2].meeting_id]
    assert browse["total_meetings"] == 4 and browse["meetings"][0]["count"] == 2  # the flagged span is not indexed
    oldest = api(app_client, "viewer", view="meetings", sort="date_asc")
    assert oldest["meetings"][0]["meeting_id"] == meetings[2].meeting_id
    assert {m["meeting_id"] for m in api(app_client, "viewer", view="meetings", language="en")["meetings"]} == {
        meetings[2].meeting_id}


def test_participant_filter_ignores_accents_and_case_and_suggests(app_client: TestClient,
                                                                  meetings: list[MeetingFixture],
                                                                  odd: MeetingFixture) -> None:
    copil = meetings[0].meeting_id
    assert ids(api(app_client, "viewer", participant="martin")) == {copil, odd.meeting_id}
    assert ids(api(app_client, "viewer", participant="ALICE martin")) == {copil}
    assert ids(api(app_client, "viewer", participant="emilie")) == {odd.meeting_id}
    assert ids(api(app_client, "viewer", participant="Émilie DURAND")) == {odd.meeting_id}
    assert api(app_client, "viewer", participant="personne-inconnue")["total"] == 0
    names = app_client.get("/api/participants", params={"q": "mar"}, headers=auth_header("viewer")).json()
    assert names[0] == "MARTIN Paul" and "Alice Martin" in names
    assert app_client.get("/api/participants", params={"q": "emi"}, headers=auth_header("viewer")).json() == [
        "Émilie Durand"]


def test_chips_pages_and_french_labels(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    h = auth_header("viewer")
    page = app_client.get("/", params={"q": "", "participant": "martin", "from": "2026-01-01", "sort": "date",
                                       "meeting": meetings[0].meeting_id, "view": "passages", "size": "2"}, headers=h)
    assert page.status_code == 200
    chips = re.findall(r'<a class="chip" href="([^"]+)"><span>([^<]+)</span>', page.text)
    chips = [(html.unescape(url), html.unescape(label)) for url, label in chips]
    labels = {label for _, label in chips}
    assert {"Du 1er janvier 2026", "Participant : martin", f"Réunion : {meetings[0].meeting_id}",
            "Tri : plus récentes d'abord"} <= labels
    removal = dict((label, url) for url, label in chips)["Participant : martin"]
    assert "participant" not in removal and "from=2026-01-01" in removal
    assert "Tout effacer" in page.text
    # Page numbers and a page size; dates in French, Paris time (09:00 UTC is 10 h 00 in March).
    assert 'aria-current="page">1</a>' in page.text and "Page </span>2</a>" in page.text  # Alice's 3 passages
    assert page.text.count('class="hit"') == 2
    assert "2 mars 2026, 10 h 00" in page.text and "UTC" not in page.text
    facets = app_client.get("/", params={"q": "budget"}, headers=h).text
    assert ">mars 2026</a>" in facets and ">français</a>" in facets and ">2026-03<" not in facets
    assert "lecteur" in facets  # the viewer's role, in French


def test_meeting_page_marks_the_query_and_shows_the_inaudible_marker(app_client: TestClient,
                                                                      meetings: list[MeetingFixture],
                                                                      odd: MeetingFixture) -> None:
    h = auth_header("viewer")
    page = app_client.get(f"/meetings/{meetings[0].meeting_id}", params={"q": "budgets"}, headers=h)
    assert page.status_code == 200
    marked = re.findall(r"<mark>([^<]+)</mark>", page.text)
    assert marked and {m.strip(".,").lower() for m in marked} == {"budget"}
    assert "2 tours de parole correspondent" in page.text and 'id="copy-moment"' in page.text
    odd_page = app_client.get(f"/meetings/{odd.meeting_id}", headers=h)
    assert "[passage inaudible 00:00:05–00:00:19]" in odd_page.text and "merci merci" not in odd_page.text
    api_view = app_client.get(f"/api/meetings/{odd.meeting_id}", headers=h).json()
    assert [s["inaudible"] for s in api_view["segments"]] == [False, True, False]
    assert api_view["segments"][1]["text"] == "[passage inaudible 00:00:05–00:00:19]"
    officer = auth_header("officer")
    revealed = app_client.post(f"/api/meetings/{odd.meeting_id}/reveal", json={"reason": "contrôle qualité"},
                               headers=officer).json()
    assert revealed["segments"][1]["inaudible"] and "merci" not in json.dumps(revealed)
    english = app_client.get(f"/meetings/{meetings[2].meeting_id}", headers=h).text
    assert 'id="transcript" aria-label="Transcription" lang="en"' in english
    words = app_client.get(f"/meetings/{meetings[0].meeting_id}", headers=h).text
    assert "tous, nous" not in words or "</span> <span" in words  # words separated by one space


def test_odd_text_is_cleaned_everywhere(app_client: TestClient, odd: MeetingFixture) -> None:
    h = auth_header("viewer")
    seen = [app_client.get(f"/meetings/{odd.meeting_id}", headers=h).text,
            app_client.get(f"/api/meetings/{odd.meeting_id}", headers=h).text,
            app_client.get("/api/search", params={"q": "quartier"}, headers=h).text,
            app_client.get("/", params={"q": "quartier travaux"}, headers=h).text]
    hit = api(app_client, "viewer", q="quartier", meeting=odd.meeting_id)
    assert hit["hits"] and all(h["highlight"].count("<mark>") == h["highlight"].count("</mark>") for h in hit["hits"])
    assert "<mark></mark>" not in json.dumps(hit)
    for fmt in ("odt", "docx", "pdf", "md", "srt", "vtt", "json"):
        response = app_client.get(f"/meetings/{odd.meeting_id}/export/{fmt}", headers=h)
        assert response.status_code == 200, (fmt, response.text[:200])
        seen.append(_export_text(fmt, response.content))
    legal = app_client.get(f"/api/meetings/{odd.meeting_id}/legal-export", headers=auth_header("legal"))
    assert legal.status_code == 200
    with zipfile.ZipFile(io.BytesIO(legal.content)) as bundle:
        for name in bundle.namelist():
            ext = name.rsplit(".", 1)[1]
            seen.append(_export_text(ext, bundle.read(name)) if ext != "json" else bundle.read(name).decode())
        manifest = json.loads(bundle.read("manifest.json"))
    assert manifest["notice"].startswith("Compte rendu caviardé") and manifest["title"] == "Conseil de quartier"
    for text in seen:
        for ch in ODD_UNSAFE:
            assert ch not in text and json.dumps(ch)[1:-1] not in text.replace("\\\\", ""), hex(ord(ch))
    assert "Conseil de quartier" in seen[0] and all("[passage inaudible 00:00:05" in t for t in seen[4:11])
    assert "Le quartier vote les travaux ce soir" in seen[0].replace("</span> <span", " ") or \
        "Le quartier vote" in seen[1]  # NUL inside a word is removed, not turned into a space


def test_http_edges_head_ids_and_json_bodies(app_client: TestClient, meetings: list[MeetingFixture]) -> None:
    mid = meetings[0].meeting_id
    h = auth_header("viewer")
    head = app_client.head(f"/meetings/{mid}/audio", headers=h)
    assert head.status_code == 200 and int(head.headers["content-length"]) > 0 and not head.content
    assert app_client.head(f"/api/meetings/{mid}/audio", headers=h).status_code == 200
    for bad in (f"{mid}%0A", f"{mid}%00", f"{mid}%E2%80%AE", "a" * 200):
        response = app_client.get(f"/api/meetings/{bad}", headers=h)
        assert response.status_code == 404, bad
        assert response.json()["detail"] == "Réunion introuvable dans l'archive."
    officer = {**auth_header("officer"), "Content-Type": "application/json"}
    broken = app_client.post(f"/api/meetings/{mid}/reveal", content=b'{"reason": "x', headers=officer)
    assert broken.status_code == 422 and "JSON" in broken.json()["detail"] and "10" not in broken.json()["detail"]
    short = app_client.post(f"/api/meetings/{mid}/reveal", json={"reason": "x"}, headers=officer)
    assert short.status_code == 422 and short.json()["detail"] == "Paramètre invalide : motif trop court."
    page = app_client.get("/meetings/nope-404", headers={**h, "Accept": "text/html"})
    assert page.status_code == 404 and 'class="brand"' in page.text and "Se déconnecter" in page.text


def test_speaker_corrections_reach_search_exports_and_subtitles(app_client: TestClient, module_settings: Settings,
                                                                 run_id: str, ui_state: Path) -> None:
    from test_search_fixtures import M2, _meeting

    from visio_archive.storage import Storage

    fix = _meeting(f"fix-{run_id}", "Réunion de correction", datetime(2024, 2, 1, 9, 0, tzinfo=UTC), "fr",
                   ["Intervenant inconnu", "Zoé Arnaud"], M2, "fix")
    load_archive(module_settings, [fix], None)
    mid, officer, viewer = fix.meeting_id, auth_header("officer"), auth_header("viewer")
    assert app_client.post(f"/api/meetings/{mid}/speakers", json={"kind": "rename", "label": "SPEAKER_00",
                                                                   "name": "Yves"}, headers=viewer).status_code == 403
    renamed = app_client.post(f"/api/meetings/{mid}/speakers", headers=officer,
                              json={"kind": "rename", "label": "SPEAKER_00", "name": "Yannick Le Goff",
                                    "reason": "nom donné par le secrétariat"})
    assert renamed.status_code == 200 and renamed.json()["number"] == 1
    assert ids(api(app_client, "viewer", participant="yannick")) == {mid}
    assert api(app_client, "viewer", participant="Intervenant inconnu", meeting=mid)["total"] == 0
    # Merge: Zoé Arnaud's turns were Yannick's too (two labels for one person).
    merged = app_client.post(f"/api/meetings/{mid}/speakers", headers=officer,
                             json={"kind": "merge", "label": "SPEAKER_01", "into": "SPEAKER_00"})
    assert merged.status_code == 200 and merged.json()["number"] == 2
    assert api(app_client, "viewer", participant="Yannick Le Goff", meeting=mid)["total"] == 3
    assert api(app_client, "viewer", participant="zoé", meeting=mid)["total"] == 0
    # Reassign one turn to a new person.
    moved = app_client.post(f"/api/meetings/{mid}/speakers", headers=officer,
                            json={"kind": "reassign", "segment": 1, "name": "Inès Bako"})
    assert moved.status_code == 200
    assert [h["start"] for h in api(app_client, "viewer", participant="ines", meeting=mid)["hits"]] == [2.0]
    md = app_client.get(f"/meetings/{mid}/export/md", headers=viewer).text
    assert "**[00:00:02] Inès Bako**" in md and "Yannick Le Goff" in md and "Zoé" not in md
    assert "Intervenant inconnu" not in md
    storage = Storage.from_settings(module_settings)
    vtt = storage.get_bytes(f"archive/{mid}/transcript.vtt").decode()
    assert "<v Inès Bako>" in vtt and "Zoé" not in vtt
    original = storage.get_json(f"archive/{mid}/revisions/original.transcript.redacted.json")
    assert [s["name"] for s in original["speakers"]] == ["Intervenant inconnu", "Zoé Arnaud"]
    revisions = app_client.get(f"/api/meetings/{mid}/revisions", headers=viewer).json()
    assert [r["correction"]["kind"] for r in revisions] == ["rename", "merge", "reassign"]
    assert revisions[0]["reason"] == "nom donné par le secrétariat"
    log = [json.loads(line) for line in (ui_state / "audit.log").read_text().splitlines()]
    assert [e["details"]["kind"] for e in log if e["action"] == "speaker_correction"][-3:] == [
        "rename", "merge", "reassign"]
    bad = app_client.post(f"/api/meetings/{mid}/speakers", headers=officer,
                          json={"kind": "merge", "label": "SPEAKER_99", "into": "SPEAKER_00"})
    assert bad.status_code == 400 and "Intervenant inconnu" in bad.json()["detail"]


def test_audit_page_filters_pages_csv_and_client_address(app_client: TestClient,
                                                         meetings: list[MeetingFixture]) -> None:
    admin = auth_header("admin")
    mid = meetings[1].meeting_id
    for _ in range(3):
        api(app_client, "viewer", q="calendrier")
    app_client.get(f"/meetings/{mid}/export/md", headers=auth_header("viewer"))
    page = app_client.get("/admin/audit", headers=admin).text
    rows = re.findall(r'<tr data-action="([^"]+)">', page)
    assert rows and "search" not in rows and "view" not in rows  # searches do not bury exports and reveals
    assert "export" in rows and "testclient" in page  # the client address
    assert "\\u003c" not in page and "format : md" in page
    searches = app_client.get("/admin/audit", params={"category": "routine", "size": "2"}, headers=admin).text
    assert set(re.findall(r'<tr data-action="([^"]+)">', searches)) <= {"search", "view", "login", "logout"}
    assert 'rel="next"' in searches and "page=2" in searches
    only = app_client.get("/admin/audit", params={"action": "export", "meeting": mid, "actor": "viewer"},
                          headers=admin).text
    assert set(re.findall(r'<tr data-action="([^"]+)">', only)) == {"export"}
    future = app_client.get("/admin/audit", params={"from": "2999-01-01"}, headers=admin).text
    assert "Aucune entrée." in future
    csv_response = app_client.get("/admin/audit.csv", params={"action": "export"}, headers=admin)
    csv_text = csv_response.content.decode("utf-8-sig")
    header, *lines = csv_text.splitlines()
    assert header.startswith("horodatage (UTC);date (Paris);utilisateur") and lines
    assert all(";export;" in line for line in lines)
    entries = app_client.get("/api/audit", params={"action": "audit_export"}, headers=admin).json()
    assert entries[0]["actor"] == "admin"
    assert app_client.get("/admin/audit", headers=auth_header("officer")).status_code == 403


def test_audit_group_commit_keeps_every_line_and_the_chain(tmp_path: Path) -> None:
    import threading

    from visio_archive.audit import AuditLog

    log = AuditLog(tmp_path / "audit.log")
    threads = [threading.Thread(target=lambda n=n: [log.record(f"u{n}", "search", details={"i": i})
                                                    for i in range(25)]) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert len(lines) == 200 and log.verify_chain()
    assert {(json.loads(x)["actor"], json.loads(x)["details"]["i"]) for x in lines} == {
        (f"u{n}", i) for n in range(8) for i in range(25)}
