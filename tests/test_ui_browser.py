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
from datetime import UTC, datetime
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
    odd_meeting,
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
    load_archive(settings, [*meetings, odd_meeting(run_id), fix_meeting(run_id)], make_audio(state / "audio.ogg"))
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


def fix_meeting(run_id: str) -> MeetingFixture:
    """A meeting of its own for the speaker corrections (they change it)."""
    from test_search_fixtures import M2, _meeting

    return _meeting(f"fix-{run_id}", "Réunion de correction", datetime(2024, 2, 1, 9, 0, tzinfo=UTC), "fr",
                    ["Intervenant inconnu", "Zoé Arnaud"], M2, "fix")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    # Real headless Chromium from Debian (infra/bootstrap.sh installs it): missing is a failure, not a skip.
    assert Path(CHROMIUM).exists(), "chromium is not installed (bash infra/bootstrap.sh, or apt-get install chromium)"
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def login(browser: Any, base: str, username: str, **options: Any) -> Any:
    context = browser.new_context(accept_downloads=True, **options)
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
    # The click seeks and plays: check the seek target, and that playback is at or just past it.
    page.wait_for_function("() => { const a = document.getElementById('player'); "
                           "return Math.abs(parseFloat(a.dataset.seeked) - 2.0) < 0.01 "
                           "&& a.currentTime >= 1.99 && a.currentTime < 4.0; }")
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



# ---------------------------------------------------------------- second pass (issue 12)

AXE = Path(__file__).resolve().parent.parent / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core (from npm, injected by Playwright) on the current page: A and AA violations."""
    assert AXE.exists(), f"axe-core is missing: {AXE} (bash infra/bootstrap.sh installs it from npm)"
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
                           ".violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)}))",
                           AXE_TAGS)
    return list(result)


def test_axe_finds_no_a_or_aa_violation_on_any_page(browser: Any, server: tuple[str, list[MeetingFixture]],
                                                    run_id: str) -> None:
    base, meetings = server
    anonymous = browser.new_context(bypass_csp=True)
    page = anonymous.new_page()
    page.goto(f"{base}/login")
    assert axe_violations(page) == [], "login"
    anonymous.close()

    page = login(browser, base, "admin", bypass_csp=True)
    checked = {
        "search": f"{base}/?q=budget",
        "browse": f"{base}/",
        "passages": f"{base}/?q=budget&view=passages&participant=martin",
        "meeting": f"{base}/meetings/{meetings[0].meeting_id}?q=budget",
        "english meeting": f"{base}/meetings/{meetings[2].meeting_id}",
        "inaudible": f"{base}/meetings/odd-{run_id}",
        "audit": f"{base}/admin/audit",
        "error": f"{base}/meetings/does-not-exist",
    }
    for name, url in checked.items():
        page.goto(url)
        assert axe_violations(page) == [], name
    page.goto(f"{base}/meetings/{meetings[0].meeting_id}")
    page.click("details.reveal summary")
    page.fill("#reason", "Contrôle d'accessibilité")
    page.click("details.reveal button[type=submit]")
    page.wait_for_url(f"**/meetings/{meetings[0].meeting_id}/revealed")
    assert "Dupont" in page.inner_text("#transcript")
    assert axe_violations(page) == [], "revealed"
    page.context.close()


def test_grouped_results_passage_view_browse_chips_and_french_dates(browser: Any,
                                                                    server: tuple[str, list[MeetingFixture]]) -> None:
    base, meetings = server
    copil = meetings[0].meeting_id
    page = login(browser, base, "viewer")
    # Browse without a query: meetings, newest first, dates in French (Paris time).
    assert page.locator("li.meeting-result").count() >= 4
    dates = page.locator("li.meeting-result .when").all_inner_texts()
    assert dates[:2] == ["20 mai 2026, 18 h 30", "15 avril 2026, 16 h 00"]
    page.fill("#q", "budget")
    page.press("#q", "Enter")
    page.wait_for_selector("li.meeting-result")
    group = page.locator(f"li.meeting-result[data-meeting='{copil}']")
    assert group.count() == 1 and group.locator("li.hit").count() == 2
    assert "2 passages trouvés" in group.inner_text() and "2 mars 2026, 10 h 00" in group.inner_text()
    page.click("ul.views >> text=Par passage")
    page.wait_for_selector("ol.hits li.hit")
    assert page.locator(f"ol.hits li.hit[data-meeting='{copil}']").count() == 2
    # A facet becomes a chip; removing it, or "tout effacer", takes it away.
    page.click("[data-facet=participants] >> text=Alice Martin")
    page.wait_for_selector(".chips")
    assert "Participant : Alice Martin" in page.inner_text(".chips")
    assert {h.get_attribute("data-meeting") for h in page.locator("li.hit").all()} == {copil}
    page.click(".chips a.chip")
    page.wait_for_function("() => !document.querySelector('.chips')")
    assert "participant=" not in page.url and "q=budget" in page.url
    page.goto(f"{base}/?q=budget&language=fr&sort=date")
    page.click("text=Tout effacer")
    page.wait_for_function("() => !document.querySelector('.chips')")
    assert "language" not in page.url and "sort" not in page.url
    page.context.close()


def test_participant_suggestions_as_one_types(browser: Any, server: tuple[str, list[MeetingFixture]]) -> None:
    base, _meetings = server
    page = login(browser, base, "viewer")
    page.click("details.filters-box summary")
    page.type("#f-participant", "mar", delay=50)
    page.wait_for_function("() => document.querySelectorAll('#participant-suggestions option').length >= 2")
    names = page.eval_on_selector_all("#participant-suggestions option", "els => els.map(e => e.value)")
    assert names[0] == "MARTIN Paul" and "Alice Martin" in names
    page.fill("#f-participant", "martin")
    page.press("#f-participant", "Enter")
    page.wait_for_selector("li.meeting-result")
    assert page.locator("li.meeting-result").count() == 2  # Alice Martin's meeting and Paul MARTIN's
    page.context.close()


def test_search_within_a_meeting_marks_terms_and_copies_a_link_to_the_moment(
        browser: Any, server: tuple[str, list[MeetingFixture]], run_id: str) -> None:
    base, meetings = server
    mid = meetings[0].meeting_id
    page = login(browser, base, "viewer", permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"{base}/meetings/{mid}")
    page.fill("#within-q", "budgets")
    page.press("#within-q", "Enter")
    page.wait_for_selector("#transcript mark")
    assert {m.lower().strip(".,") for m in page.locator("#transcript mark").all_inner_texts()} == {"budget"}
    assert page.locator(".turn.matched").count() == 2
    assert "2 tours de parole correspondent" in page.inner_text("#within-status")
    page.click("#seg-3 a.ts")
    page.evaluate("() => document.getElementById('player').pause()")
    page.click("#copy-moment")
    page.wait_for_function("() => document.getElementById('copy-status').textContent.includes('?t=')")
    link = page.get_attribute("#copy-moment", "data-link") or ""
    assert link.startswith(f"{base}/meetings/{mid}?t=") and link.endswith("#seg-3")
    other = page.context.new_page()
    other.goto(link)
    seconds = float(link.split("?t=")[1].split("#")[0])
    assert abs(audio_time(other) - seconds) < 0.05 and 6.0 <= seconds < 8.0
    assert other.get_attribute("#seg-3", "aria-current") == "true" and other.is_visible("#seg-3 .now")
    # The inaudible marker on the meeting page.
    page.goto(f"{base}/meetings/odd-{run_id}")
    assert "[passage inaudible 00:00:05–00:00:19]" in page.inner_text("#transcript")
    page.context.close()


def test_keyboard_only_search_meeting_and_seek(browser: Any, server: tuple[str, list[MeetingFixture]]) -> None:
    base, meetings = server
    page = login(browser, base, "viewer")

    def focused() -> dict[str, str]:
        return dict(page.evaluate("() => ({tag: document.activeElement.tagName, id: document.activeElement.id, "
                                  "cls: document.activeElement.className, href: document.activeElement.href || ''})"))

    def tab_to(test: Any, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if test(focused()):
                return
        raise AssertionError(f"focus never reached the target; last {focused()}")

    page.keyboard.press("Tab")
    assert focused()["cls"] == "skip"
    page.keyboard.press("Enter")
    assert focused()["id"] == "contenu"
    tab_to(lambda f: f["id"] == "q")
    page.keyboard.type("fonctionnement")
    page.keyboard.press("Enter")
    page.wait_for_selector("li.hit")
    tab_to(lambda f: "hit-link" in f["cls"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/meetings/{meetings[0].meeting_id}?t=6.0*")
    tab_to(lambda f: f["cls"] == "ts" and "t=2" in f["href"])
    page.keyboard.press("Enter")
    page.wait_for_function("() => Math.abs(parseFloat(document.getElementById('player').dataset.seeked) - 2.0) < 0.01")
    assert page.get_attribute("#seg-1", "aria-current") == "true"
    page.evaluate("() => document.getElementById('player').pause()")
    page.context.close()


def test_phone_width_keeps_results_readable(browser: Any, server: tuple[str, list[MeetingFixture]]) -> None:
    base, meetings = server
    page = login(browser, base, "viewer", viewport={"width": 390, "height": 844})
    page.goto(f"{base}/?q=budget")
    page.wait_for_selector("section.results")
    width = page.evaluate("() => document.querySelector('section.results').getBoundingClientRect().width")
    assert width >= 300, width
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.goto(f"{base}/meetings/{meetings[0].meeting_id}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.context.close()


def test_speaker_rename_and_merge_reach_search_and_exports(browser: Any, server: tuple[str, list[MeetingFixture]],
                                                           run_id: str, tmp_path: Path) -> None:
    base, _meetings = server
    mid = f"fix-{run_id}"
    page = login(browser, base, "officer")
    page.goto(f"{base}/meetings/{mid}")
    page.click("details.speakers summary")
    page.select_option("#rename-label", "SPEAKER_00")
    page.fill("#rename-name", "Yannick Le Goff")
    page.click("fieldset:has(#rename-name) button[type=submit]")
    page.wait_for_selector("#corrected")
    assert "Yannick Le Goff" in page.inner_text("dd.participants")
    page.click("details.speakers summary")
    page.select_option("#merge-label", "SPEAKER_01")
    page.select_option("#merge-into", "SPEAKER_00")
    page.click("fieldset:has(#merge-into) button[type=submit]")
    page.wait_for_selector("#corrected")
    assert page.inner_text("dd.participants") == "Yannick Le Goff"
    page.goto(f"{base}/?participant=yannick&view=passages")
    page.wait_for_selector("li.hit")
    assert {h.get_attribute("data-meeting") for h in page.locator("li.hit").all()} == {mid}
    assert page.locator("li.hit").count() == 3
    page.goto(f"{base}/meetings/{mid}")
    with page.expect_download() as info:
        page.click("a.export[data-format=md]")
    target = tmp_path / "minutes.md"
    info.value.save_as(target)
    minutes = target.read_text()
    assert "Yannick Le Goff" in minutes and "Zoé" not in minutes and "Intervenant inconnu" not in minutes
    page.context.close()
