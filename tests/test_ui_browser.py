"""The pages in real headless Chromium (Debian's chromium driven by Playwright; no downloaded browser).

Search, see the highlight, open the meeting from a hit and check that the audio is positioned at the
hit's start, click a turn, see the word highlighted, download an export; a viewer finds no personal
data and cannot reveal; a records officer can.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_search_fixtures import (
    PASSWORD,
    SECRETS,
    MeetingFixture,
    authenticator,
    corpus,
    load_archive,
    make_audio,
    ui_settings,
)

from visio_archive.auth import AuthSettings
from visio_archive.settings import Settings

pytestmark = pytest.mark.services

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--autoplay-policy=no-user-gesture-required"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(module_settings: Settings, run_id: str,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[MeetingFixture]]]:
    settings = module_settings
    import uvicorn

    from search_ui.app import create_app

    state = tmp_path_factory.mktemp("browser-state")
    meetings = corpus(run_id)
    load_archive(settings, meetings, make_audio(state / "audio.ogg"))
    app = create_app(ui_settings(settings, state), authenticator=authenticator(),
                     auth_settings=AuthSettings(session_secret="b" * 40))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 20
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}", meetings
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def login(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base}/")
    assert "/login" in page.url
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


def audio_time(page: Any) -> float:
    page.wait_for_function("() => document.getElementById('player').readyState >= 1", timeout=15000)
    return float(page.evaluate("() => document.getElementById('player').currentTime"))


def test_search_open_hit_seek_audio_and_download(browser: Any, server: tuple[str, list[MeetingFixture]],
                                                 tmp_path: Path) -> None:
    base, meetings = server
    page = login(browser, base, "viewer")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.fill("input[name=q]", "fonctionnement")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("li.hit")
    assert page.inner_text("li.hit mark").lower() == "fonctionnement"
    assert page.is_visible("[data-facet=participants]")
    hit = page.locator(f"li.hit[data-meeting='{meetings[0].meeting_id}']").first
    start = float(hit.get_attribute("data-start") or "nan")
    assert start == 6.0

    hit.locator("a.hit-link").click()
    page.wait_for_url(f"**/meetings/{meetings[0].meeting_id}?t=6.0*")
    assert abs(audio_time(page) - start) < 0.01
    assert page.is_visible("#seg-3")

    # Clicking a turn's timestamp seeks there and puts it in the URL; the word there is highlighted.
    page.click("#seg-1 a.ts")
    page.wait_for_function("() => Math.abs(document.getElementById('player').currentTime - 2.0) < 0.01")
    assert "t=2" in page.url
    page.evaluate("() => document.getElementById('player').pause()")
    page.wait_for_selector("#seg-1 .w.playing")
    assert float(page.get_attribute("#seg-1 .w.playing", "data-start") or "nan") == pytest.approx(2.0, abs=0.01)

    # Clicking a word seeks to that word.
    word = page.locator("#seg-3 .w").nth(2)
    word_start = float(word.get_attribute("data-start") or "nan")
    word.click()
    # The click seeks and starts playing, so currentTime moves on at once: check the seek target
    # and that playback is at or just past it.
    page.wait_for_function(
        f"() => {{ const a = document.getElementById('player'); "
        f"return Math.abs(parseFloat(a.dataset.seeked) - {word_start}) < 0.01 "
        f"&& a.currentTime >= {word_start} - 0.01 && a.currentTime < {word_start} + 2.0; }}")
    page.evaluate("() => document.getElementById('player').pause()")

    # Playing moves the highlight along (when the headless browser can decode audio).
    page.evaluate("() => { const a = document.getElementById('player'); a.currentTime = 0; "
                  "a.muted = true; return a.play().catch(() => null); }")
    try:
        page.wait_for_function("() => document.getElementById('player').currentTime > 0.6", timeout=5000)
        page.wait_for_selector("#seg-0 .w.playing", timeout=3000)
    finally:
        page.evaluate("() => document.getElementById('player').pause()")

    with page.expect_download() as info:
        page.click("a.export[data-format=pdf]")
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF-") and target.name.endswith(".redacted.pdf")

    with page.expect_download() as info:
        page.click("a.export[data-format=odt]")
    odt = tmp_path / "m.odt"
    info.value.save_as(odt)
    assert odt.read_bytes()[:2] == b"PK"
    assert not errors, errors
    page.context.close()


def test_viewer_sees_no_personal_data_and_cannot_reveal(browser: Any,
                                                        server: tuple[str, list[MeetingFixture]]) -> None:
    base, meetings = server
    page = login(browser, base, "viewer")
    page.goto(f"{base}/?q=joindre")
    page.wait_for_selector("li.hit")
    texts = [page.inner_text("body")]
    page.goto(f"{base}/meetings/{meetings[0].meeting_id}")
    texts.append(page.inner_text("body"))
    texts.append(page.content())
    assert page.locator("form[action$='/reveal']").count() == 0
    assert page.locator("a.legal").count() == 0
    # Posting the form by hand is refused too.
    status = page.evaluate(
        "async (url) => (await fetch(url, {method: 'POST', body: new URLSearchParams({reason: 'x y z'})})).status",
        f"/meetings/{meetings[0].meeting_id}/reveal",
    )
    assert status == 403
    for secret in SECRETS:
        assert all(secret not in t for t in texts), secret
    assert "[PERSONNE_1]" in texts[1]
    page.context.close()


def test_records_officer_reveals_with_a_reason(browser: Any, server: tuple[str, list[MeetingFixture]]) -> None:
    base, meetings = server
    page = login(browser, base, "officer")
    page.goto(f"{base}/meetings/{meetings[0].meeting_id}")
    assert "Dupont" not in page.inner_text("body")
    page.click("details.reveal summary")
    page.fill("input[name=reason]", "Demande d'accès CADA")
    page.click("details.reveal button[type=submit]")
    page.wait_for_selector(".revealed-banner")
    assert "Dupont" in page.inner_text("#transcript")
    page.context.close()
