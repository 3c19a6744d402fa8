"""A viewer finds no personal data in any title, series, facet value or export header (issue 11, 4th point).

The meeting is imported through the import use case with the real redaction engine: its title and
series name a person, and one caption is spoken by someone who is not a participant. Everything a
viewer can reach (API, pages in a real browser, facets, every export format, the legal bundle's
manifest) must show the redacted forms only.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import threading
import time
import warnings
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_search_fixtures import auth_header, authenticator, ui_settings

from visio_archive.auth import AuthSettings
from visio_archive.settings import Settings

pytestmark = [pytest.mark.services, pytest.mark.models]

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

PERSONAL = ["Dupont", "Lefebvre", "06 11 22 33 44"]
VTT = """WEBVTT

1
00:00:00.500 --> 00:00:04.000
<v Alice Martin>Bonjour, nous recevons aujourd'hui Monsieur Jean Dupont pour son dossier.

2
00:00:04.500 --> 00:00:08.000
<v Jean Dupont>Merci. Vous pouvez me joindre au 06 11 22 33 44.

3
00:00:08.500 --> 00:00:12.000
<v Alice Martin>Le dossier de Madame Lefebvre sera examiné au prochain comité.
"""


@pytest.fixture(scope="module")
def imported(module_settings: Settings, run_id: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    from visio_archive.usecases import Actor, Archive, import_transcript

    folder = tmp_path_factory.mktemp("redaction-import")
    source = folder / "entretien.vtt"
    source.write_text(VTT)
    participants = folder / "participants.json"
    participants.write_text(json.dumps({"participants": [{"participantId": "p1", "name": "Alice Martin"}]}))
    meeting_id = f"entretien-{run_id}"
    state = folder / "state"
    import_transcript(
        Archive.from_settings(ui_settings(module_settings, state)), Actor.command_line(), source,
        meeting_id=meeting_id, title="Entretien avec Jean Dupont", series="Suivi Dupont",
        started_at=datetime(2026, 3, 9, 14, 0, tzinfo=UTC), participants_file=participants,
    )
    return meeting_id, state


@pytest.fixture(scope="module")
def app(module_settings: Settings, imported: tuple[str, Path]) -> Any:
    from search_ui.app import create_app

    return create_app(ui_settings(module_settings, imported[1]), authenticator=authenticator(),
                      auth_settings=AuthSettings(session_secret="r" * 40))


def _export_text(fmt: str, data: bytes) -> str:
    if fmt in ("odt", "docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.read("content.xml" if fmt == "odt" else "word/document.xml").decode()
    if fmt == "pdf":
        return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()
    return data.decode()


def test_viewer_sees_no_personal_data_in_titles_series_facets_or_export_headers(
        app: Any, imported: tuple[str, Path]) -> None:
    meeting_id, _state = imported
    h = auth_header("viewer")
    seen: list[str] = []
    with TestClient(app) as client:
        for view in ("meetings", "passages"):
            result = client.get("/api/search", params={"q": "dossier", "view": view}, headers=h).json()
            assert result["total"] >= 1
            seen.append(json.dumps(result, ensure_ascii=False))
        browse = client.get("/api/search", params={"view": "meetings"}, headers=h).json()
        titles = [m["title"] for m in browse["meetings"] if m["meeting_id"] == meeting_id]
        assert titles and "Entretien avec" in titles[0]
        seen.append(json.dumps(browse, ensure_ascii=False))
        facet_values = [f["value"] for f in browse["facets"]["participants"]]
        assert "Alice Martin" in facet_values  # a participant's name stays
        seen += [client.get("/", params={"q": "dossier"}, headers=h).text,
                 client.get("/", headers=h).text,
                 client.get(f"/meetings/{meeting_id}", headers=h).text,
                 client.get(f"/api/meetings/{meeting_id}", headers=h).text]
        for fmt in ("odt", "docx", "pdf", "md", "srt", "vtt", "json"):
            response = client.get(f"/meetings/{meeting_id}/export/{fmt}", headers=h)
            assert response.status_code == 200
            seen.append(_export_text(fmt, response.content))
            seen.append(response.headers["content-disposition"])
        legal = client.get(f"/api/meetings/{meeting_id}/legal-export", headers=auth_header("legal"))
        with zipfile.ZipFile(io.BytesIO(legal.content)) as bundle:
            seen.append(bundle.read("manifest.json").decode())
        # The title filter matches the redacted title only.
        assert client.get("/api/search", params={"title": "Dupont"}, headers=h).json()["total"] == 0
        assert client.get("/api/search", params={"series": "Suivi Dupont"}, headers=h).json()["total"] == 0
    for number, text in enumerate(seen):
        for secret in PERSONAL:
            where = text.find(secret)
            assert where < 0, (number, secret, text[max(0, where - 150): where + 60])


@pytest.fixture(scope="module")
def server(app: Any) -> Iterator[str]:
    import socket

    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def test_in_the_browser_a_viewer_reads_no_personal_data(server: str, imported: tuple[str, Path]) -> None:
    from playwright.sync_api import sync_playwright
    from test_search_fixtures import PASSWORD

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    meeting_id, _ = imported
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True,
                                    args=["--headless", "--no-sandbox", "--disable-gpu",
                                          "--disable-background-networking", "--disable-component-update",
                                          "--disable-sync"])
        page = browser.new_page()
        page.goto(f"{server}/")
        page.fill("input[name=username]", "viewer")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{server}/")
        texts = [page.inner_text("body")]
        page.goto(f"{server}/?q=dossier")
        texts.append(page.inner_text("body"))
        page.goto(f"{server}/meetings/{meeting_id}")
        texts += [page.inner_text("body"), page.title()]
        browser.close()
    for secret in PERSONAL:
        assert all(secret not in t for t in texts), secret
    assert any("Entretien avec" in t for t in texts)
