"""A real Gradio server on a free loopback port, driven with gradio_client and a real
headless Chromium; plus its safety settings and a bounded load test."""

from __future__ import annotations

import html
import os
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import psutil
import pytest

from rag.pipeline import Pipeline
from tests.fakes import QueueModel, SlowModel
from tests.fixtures.paths import ROOT, SEEDS, free_port
from tests.fixtures.pipelines import make_settings
from ui.app import build_app, launch

pytestmark = pytest.mark.server
QUESTION = "How many settlements near Bakhmut were bombarded?"


def serve(pipe: Pipeline) -> tuple[str, object]:
    port = free_port()
    app = build_app(pipe)
    launch(app, pipe, "127.0.0.1", port, prevent_thread_lock=True)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    return url, app


@pytest.fixture
def fake_server(tmp_path: Path) -> Iterator[tuple[str, Pipeline]]:
    pipe = Pipeline(make_settings(tmp_path, ui={"queue_size": 3, "concurrency": 1}))
    pipe.ingest([SEEDS])
    url, app = serve(pipe)
    yield url, pipe
    app.close()  # type: ignore[attr-defined]


@pytest.fixture
def real_server(real_pipeline: Pipeline) -> Iterator[str]:
    url, app = serve(real_pipeline)
    yield url
    app.close()  # type: ignore[attr-defined]


def text_of(message: dict) -> str:  # type: ignore[type-arg]
    """Gradio 6 returns message content as a list of parts."""
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_streamed_answer_with_citations_matching_the_sources_panel(fake_server) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    url, _ = fake_server
    client = Client(url, verbose=False)
    job = client.submit(QUESTION, [], 4, api_name="/ask")
    job.result(timeout=60)
    updates = job.outputs()
    assert len(updates) >= 3  # streamed: placeholder, sources, tokens..., final
    history, panel, box = updates[-1][:3]
    answer = text_of(history[-1])
    cited = set(re.findall(r'href="#src-(\d+)"', answer))
    assert cited and all(f'id="src-{n}"' in panel for n in cited)
    assert "<mark>" in panel and box["value"] == "" and box["interactive"] is True  # cleared and unlocked


def test_filters_reach_the_pipeline_through_the_server(fake_server) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    url, pipe = fake_server
    client = Client(url, verbose=False)
    history = client.predict(QUESTION, [], 4, [], "2024-01-01", "", api_name="/ask")[0]  # the seed is from 2023
    shown = html.unescape(text_of(history[-1]))
    assert "do not cover" in shown and "searched: all outlets, from 2024-01-01" in shown
    history = client.predict(QUESTION, [], 4, [], "", "2023-12-31", api_name="/ask")[0]
    shown = html.unescape(text_of(history[-1]))
    assert 'href="#src-1"' in shown and "searched: all outlets, up to 2023-12-31" in shown  # answered from the seed


def test_server_side_limits_and_safe_defaults(fake_server) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import Client

    url, pipe = fake_server
    client = Client(url, verbose=False)
    history = client.predict("x" * 100_000, [], 4, api_name="/ask")[0]
    assert "limit" in text_of(history[-1])
    with pytest.raises(Exception, match="greater than maximum"):  # top-k is checked on the server too
        client.predict(QUESTION, [], 500, api_name="/ask")
    # no monitoring dashboard, no files outside gradio's own folders
    assert httpx.get(url + "monitoring", timeout=5).status_code in (401, 403, 404)
    secrets = [ROOT / "pyproject.toml", Path(pipe.settings.store.path) / "chroma.sqlite3"]
    assert all(t.is_file() for t in secrets)
    for target in secrets:
        head = target.read_bytes()[:64]  # what a leak would carry: "SQLite format 3", "[build-system]"
        for path in (f"gradio_api/file={target}", f"file={target}", f"gradio_api/file=../../{target.name}"):
            r = httpx.get(url + path, timeout=5)
            assert not (r.status_code == 200 and head in r.content), path


def test_bounded_load_no_lost_request_and_clear_busy_answers(tmp_path: Path) -> None:
    def slow(messages):  # type: ignore[no-untyped-def]
        time.sleep(0.8)
        return "The Ukrainian military said 16 settlements had been bombarded near Bakhmut [1]."

    pipe = Pipeline(make_settings(tmp_path, ui={"queue_size": 3, "concurrency": 1}), llm=QueueModel(slow))
    pipe.ingest([SEEDS])
    url, app = serve(pipe)
    from gradio_client import Client

    proc = psutil.Process(os.getpid())
    results: list[str] = []
    lock = threading.Lock()

    def one() -> None:
        try:
            client = Client(url, verbose=False)
            history = client.predict(QUESTION, [], 4, api_name="/ask")[0]
            out = "answered" if "16" in text_of(history[-1]) else "wrong"
        except Exception as exc:  # gradio_client raises on a full queue
            out = "busy" if re.search(r"queue is full|too many|busy", str(exc), re.I) else f"error: {exc}"
        with lock:
            results.append(out)

    rss = []
    try:
        for _ in range(2):
            threads = [threading.Thread(target=one) for _ in range(10)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=120)
            rss.append(proc.memory_info().rss)
    finally:
        app.close()  # type: ignore[attr-defined]
    assert len(results) == 20  # no request lost: each got an answer or a clear "busy"
    assert all(r in {"answered", "busy"} for r in results), results
    assert results.count("answered") >= 4 and results.count("busy") >= 1
    assert rss[1] - rss[0] < 150 * 2**20  # memory stable across rounds


@pytest.mark.real
@contextmanager
def chromium_page(outside: list[str]) -> Iterator[Any]:
    """A page of Debian's headless Chromium that refuses, and records in `outside`, any request
    beyond loopback: an offline-first page asks nothing of other hosts (no web fonts, no CDN)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.fail("Debian's chromium is not installed: run `bash scripts/setup.sh --browser`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def only_loopback(route) -> None:  # type: ignore[no-untyped-def]
            host = urlparse(route.request.url).hostname or ""
            if route.request.url.startswith(("data:", "blob:")) or host in {"127.0.0.1", "localhost"}:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_loopback)
        try:
            yield page
        finally:
            browser.close()


@pytest.mark.browser
def test_real_browser_asks_and_sees_cited_sources(real_server: str, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    """The whole product as a person meets it: bundled models, real server, Debian's Chromium."""
    outside: list[str] = []
    with chromium_page(outside) as page:
        page.goto(real_server, wait_until="load")
        page.wait_for_selector("#nd-question textarea", timeout=60_000)
        page.locator("#nd-question textarea").fill(QUESTION)
        page.locator("#nd-ask").click()
        page.wait_for_selector("#nd-chat a.cite", timeout=180_000)
        page.wait_for_function("() => !document.querySelector('#nd-chat').innerText.includes('▌')", timeout=180_000)
        chat = page.locator("#nd-chat").inner_text()
        assert "16" in chat
        sources = page.locator("#nd-sources")
        assert sources.locator("mark").count() >= 1
        assert "2023-02-14" in sources.inner_text()
        page.locator("#nd-chat a.cite").first.click()
        page.screenshot(path=str(output_dir / "answer.png"), full_page=True)
        # nothing the model wrote became an image or a script
        assert page.locator("#nd-chat img").count() == 0
    assert not outside, f"the page asked other hosts: {outside[:5]}"
    assert (output_dir / "answer.png").stat().st_size > 10_000


@pytest.mark.browser
def test_no_question_is_dropped_while_answering_and_stop_keeps_the_partial_answer(tmp_path: Path, output_dir: Path) -> None:
    """Issue #15's lost question: while an answer streams the box is locked and says why;
    Stop ends it, keeps what streamed (marked unchecked) and the next question is answered.
    The model is scripted and slow (0.25 s a piece) so that Stop lands mid-answer every time."""
    long = " ".join(["16 settlements had been bombarded near Bakhmut [1]."] * 12)
    short = "16 settlements had been bombarded near Bakhmut [1]."
    pipe = Pipeline(make_settings(tmp_path), llm=SlowModel(long, short, short, long))
    pipe.ingest([SEEDS])
    url, app = serve(pipe)
    outside: list[str] = []
    try:
        with chromium_page(outside) as page:
            page.goto(url, wait_until="load")
            box = page.locator("#nd-question textarea")
            box.fill(QUESTION)
            box.press("Enter")
            page.wait_for_function("() => document.querySelector('#nd-chat').innerText.includes('▌')", timeout=60_000)
            assert box.is_disabled() and "Stop" in (box.get_attribute("placeholder") or "")
            page.keyboard.press("Escape")  # Esc stops, as the Stop button does (clicked below)
            page.wait_for_function("() => document.querySelector('#nd-chat').innerText.includes('Stopped')", timeout=30_000)
            # Stop unlocks at once; an update the cancelled answer had already sent may lock the box
            # for a moment, until Stop's queued settling lands (ui/controls.py). A user waits for it.
            page.wait_for_function("() => !document.querySelector('#nd-question textarea').disabled", timeout=10_000)
            assert "16 settl" in page.locator("#nd-chat").inner_text()  # what streamed stays
            box.fill("And how many were bombarded on Monday?")
            box.press("Enter")
            page.wait_for_function("() => document.querySelector('#nd-chat').innerText.includes('Monday?')", timeout=30_000)
            assert box.is_disabled()  # locked again for the next answer
            page.wait_for_function("() => document.querySelectorAll('#nd-chat a.cite').length >= 1 && "
                                   "!document.querySelector('#nd-chat').innerText.includes('▌')", timeout=60_000)  # fmt: skip
            page.screenshot(path=str(output_dir / "stopped.png"), full_page=True)
            chat = page.locator("#nd-chat").inner_text()
            assert QUESTION in chat and "And how many were bombarded on Monday?" in chat and "Stopped" in chat
            page.wait_for_function("() => !document.querySelector('#nd-question textarea').disabled", timeout=10_000)
            assert page.locator("button#nd-stop").is_disabled()  # nothing to stop
            # Edit puts the last question back in the box and takes its turn out; Retry asks it again.
            page.locator("button#nd-edit").focus()
            page.keyboard.press("Enter")
            page.wait_for_function("() => document.querySelector('#nd-question textarea').value.includes('Monday?')",
                                   timeout=10_000)  # fmt: skip
            assert "Monday?" not in page.locator("#nd-chat").inner_text()
            box.fill("And how many were bombarded on Tuesday?")
            box.press("Enter")
            page.wait_for_function("() => !document.querySelector('#nd-chat').innerText.includes('▌') && "
                                   "document.querySelector('#nd-chat').innerText.includes('Tuesday?')", timeout=60_000)  # fmt: skip
            page.wait_for_function("() => !document.querySelector('#nd-question textarea').disabled", timeout=10_000)
            page.locator("button#nd-retry").focus()
            page.keyboard.press("Enter")
            page.wait_for_function("() => document.querySelector('#nd-chat').innerText.includes('▌')", timeout=30_000)
            page.locator("button#nd-stop").click()  # the retried answer is a long one
            page.wait_for_function("() => document.querySelector('#nd-chat').innerText.split('Stopped').length === 3",
                                   timeout=30_000)  # fmt: skip
            chat = page.locator("#nd-chat").inner_text()
            assert chat.count("Tuesday?") == 1, chat  # asked again, not twice
            page.wait_for_function("() => !document.querySelector('#nd-question textarea').disabled", timeout=10_000)
            # The conversation survives a reload (kept in the browser, with the turns follow-ups read).
            page.reload(wait_until="load")
            page.wait_for_function("() => (document.querySelector('#nd-chat')?.innerText || '').includes('Tuesday?')",
                                   timeout=30_000)  # fmt: skip
            assert QUESTION in page.locator("#nd-chat").inner_text()
    finally:
        app.close()  # type: ignore[attr-defined]
    assert not outside
