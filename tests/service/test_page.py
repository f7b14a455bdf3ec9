"""End-to-end: the analysts' page in headless Chromium (Debian's, driven by Playwright).

Skips with a message where /usr/bin/chromium is absent. Screenshots go to
``$STANCEWATCH_SCREENSHOT_DIR`` (default: the test's temporary folder); their paths are printed.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from service.app import create_app
from service.settings import Settings

CHROMIUM = os.environ.get("STANCEWATCH_CHROMIUM", "/usr/bin/chromium")
pytestmark = pytest.mark.browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def server(toy_model_dir: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(Settings(model_dir=toy_model_dir)), host="127.0.0.1", port=port, log_level="warning"
    )
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium (apt-get install chromium) to run the page tests"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(server + "/")
    page.errors = errors
    yield page
    context.close()


def screenshot(page, tmp_path: Path, name: str) -> Path:  # type: ignore[no-untyped-def]
    folder = Path(os.environ.get("STANCEWATCH_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")
    return path


def test_statement_shows_stance_targets_and_highlights(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = '"The Kiev regime is run by neo-Nazis," the ministry said, calling NATO expansion a threat to Russia.'
    page.fill("#text", text)
    page.click("#analyse")
    page.wait_for_selector("#result:not([hidden])")
    badge = page.locator("#summary .badge").first
    assert badge.get_attribute("data-stance") in {"pro_russia", "pro_nato", "neutral"}
    assert "%" in badge.inner_text()
    assert page.locator("meter").count() == 3
    assert page.locator("tr[data-target-head=nato] .target-label").inner_text() in {"favor", "against", "none"}
    marks = page.locator("mark.term")
    assert [marks.nth(i).inner_text().split("\n")[0] for i in range(marks.count())] == ["Kiev regime", "neo-Nazis"]
    assert marks.first.get_attribute("data-voice") == "quoted"
    tip = marks.first.locator(".tip")
    assert not tip.is_visible()
    marks.first.focus()
    assert tip.is_visible()
    assert "delegitimizing label" in tip.inner_text() and "Ukrainian government" in tip.inner_text()
    assert page.errors == []
    assert screenshot(page, tmp_path, "page-statement.png").stat().st_size > 10_000


def test_keyboard_only_flow(page) -> None:  # type: ignore[no-untyped-def]
    page.focus("#text")
    page.keyboard.type("The so-called referendum was a farce.")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#result:not([hidden])")
    for _ in range(20):  # tab until the highlighted term has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('term')"):
            break
    assert page.evaluate("document.activeElement.dataset.category") == "emotive_intensifier"
    assert page.locator("mark.term .tip").first.is_visible()


def test_article_shows_sentences_and_speakers(page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page.check("input[value=article]")
    page.fill("#title", "Havana backs Moscow")
    page.fill("#text", 'The Cuban regime sided with Moscow. "NATO endangers peace," the Cuban Foreign Ministry said.')
    page.click("#analyse")
    page.wait_for_selector("table.speakers")
    assert page.locator("p.sentence").count() == 3
    speakers = page.locator("table.speakers").inner_text()
    assert "the Cuban Foreign Ministry" in speakers and "(author)" in speakers
    assert page.locator("mark.term[data-target=Cuba]").count() == 1
    screenshot(page, tmp_path, "page-article.png")


def test_markup_in_a_statement_is_shown_not_run(page) -> None:  # type: ignore[no-untyped-def]
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    payload = (
        '<script>window.__pwned = 1; alert(1)</script><img src=x onerror="window.__pwned = 2; alert(2)"> '
        "the Kiev regime"
    )
    page.fill("#text", payload)
    page.click("#analyse")
    page.wait_for_selector("#result:not([hidden])")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("#highlighted img").count() == 0
    assert "<script>" in page.locator("#highlighted").inner_text()


def test_inline_script_is_blocked_by_the_content_security_policy(page) -> None:  # type: ignore[no-untyped-def]
    # Even if markup slipped into the page, the policy forbids inline scripts and handlers.
    page.evaluate("""() => {
        const holder = document.createElement('div');
        holder.innerHTML = '<img src="data:," onerror="window.__csp_broken = 1">';
        document.body.append(holder);
        const script = document.createElement('script');
        script.textContent = 'window.__csp_broken = 2';
        document.body.append(script);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__csp_broken") is None
