"""Issue #15's story tools in Debian's headless Chromium, driven from the keyboard: filter to
one outlet, the timeline (one point per source at its date, a click opens the source), the
Markdown export, deleting an article, and the layout at a phone's and a desktop's width.

The model is scripted: what is tested is the page, not the answer (the bundled models
are driven through the same page in test_ui_server.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from eval.newssite import news_site
from rag.pipeline import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.articles import SETTLEMENTS_REPLY, THREE_REPORTS, write_articles
from tests.fixtures.pipelines import make_settings
from tests.real.test_ui_server import chromium_page, serve

pytestmark = [pytest.mark.server, pytest.mark.browser]
QUESTION = "How many settlements were bombarded near Bakhmut?"
ANSWERED = ("n => document.querySelectorAll('#nd-chat a.cite').length > n && "
            "!document.querySelector('#nd-chat').innerText.includes('▌')")  # fmt: skip


@pytest.fixture
def story_server(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = write_articles(tmp_path / "articles", THREE_REPORTS)
    settings = make_settings(tmp_path, fetch={"allow_private": True, "timeout_s": 1.0, "retries": 0})
    pipe = Pipeline(settings, llm=QueueModel(SETTLEMENTS_REPLY))
    pipe.ingest([folder])
    url, app = serve(pipe)
    with news_site() as site:
        yield url, site
    app.close()


def ask(page, question: str) -> None:  # type: ignore[no-untyped-def]
    """Type a question and press Enter; return once its answer, with citations, is shown."""
    cited_before = page.locator("#nd-chat a.cite").count()
    page.locator("#nd-question textarea").focus()
    page.keyboard.type(question)
    page.keyboard.press("Enter")
    page.wait_for_function(ANSWERED, arg=cited_before, timeout=60_000)
    page.wait_for_function("() => !document.querySelector('#nd-question textarea').disabled", timeout=10_000)


def choose(page, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Pick an option of a Gradio dropdown by typing it, as a keyboard user does."""
    page.locator(f"#{field} input").first.focus()
    page.keyboard.type(text)
    page.get_by_role("option", name=re.compile(re.escape(text))).first.wait_for(timeout=10_000)  # the list is shown
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


def test_timeline_export_filter_and_delete_by_keyboard(story_server, output_dir: Path) -> None:  # type: ignore[no-untyped-def]
    url, site = story_server
    outside: list[str] = []
    with chromium_page(outside) as page:
        page.goto(url, wait_until="load")
        page.wait_for_selector("#nd-question textarea", timeout=60_000)
        ask(page, QUESTION)
        # The timeline: one point per source, at its publication date; the two reports that
        # disagree (16 and 21 settlements) are both cited, ringed, and the newer is labelled.
        panel = page.locator("#nd-sources")
        shown = {m[0]: m[1] for m in re.findall(r"\[(\d)\] [^\n]+\n[^·\n]+ · (\d{4}-\d{2}-\d{2})", panel.inner_text())}
        points = panel.locator(".nd-point")
        dates = {points.nth(i).get_attribute("data-n"): points.nth(i).get_attribute("data-date") for i in range(points.count())}
        assert dates == shown and len(dates) == 3, (dates, shown)
        assert panel.locator(".nd-point.cited").count() == 2 and panel.locator(".nd-ring").count() == 2
        newest = panel.locator(".nd-point:has(.nd-newest)")
        assert newest.count() == 1 and newest.get_attribute("data-date") == "2023-02-14"
        # Tab reaches the citations and the timeline's points; Enter on a point opens its source.
        assert page.get_by_role("link", name=re.compile(r"Source 1: \w")).count() >= 1  # a citation's accessible name
        newest.focus()
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == f"#src-{newest.get_attribute('data-n')}"
        page.screenshot(path=str(output_dir / "timeline-1400.png"), full_page=True)
        # Export: a Markdown file with the question, the answer and each cited source's quote.
        page.wait_for_function("() => { const b = document.querySelector('button#nd-export, #nd-export button'); "
                               "return b && !b.disabled; }", timeout=10_000)  # ready once the turn is recorded
        page.locator("#nd-export").focus()
        with page.expect_download() as download:
            page.keyboard.press("Enter")
        exported = Path(download.value.path()).read_text(encoding="utf-8")
        assert f"## 1. {QUESTION}" in exported and "Shelling near Bakhmut (Wire, 2023-02-13)" in exported
        assert "> The Ukrainian military said 21 settlements" in exported
        (output_dir / "conversation.md").write_text(exported, encoding="utf-8")
        # A filter to one outlet: only that outlet is read and cited, and the answer says so.
        page.get_by_role("button", name="Filters").focus()
        page.keyboard.press("Enter")  # the accordion opens from the keyboard too
        choose(page, "nd-outlets", "Wire")
        ask(page, "And how many settlements were bombarded?")
        assert "searched: Wire" in page.locator("#nd-chat").inner_text()
        assert {p for p in re.findall(r"\n([^·\n]+) · \d{4}", panel.inner_text())} == {"Wire"}
        # Delete an article from the corpus tab: it leaves the answers and the timeline.
        page.get_by_role("tab", name="Corpus").focus()
        page.keyboard.press("Enter")
        page.locator("#nd-corpus-search textarea, #nd-corpus-search input").first.focus()
        page.keyboard.type("more shelling")
        page.wait_for_function("() => document.querySelector('#nd-corpus-stats').innerText.includes(\"1 match 'more shelling'\")", timeout=10_000)
        assert "2023-02-14" in page.locator("#nd-corpus").inner_text()  # each article's date and counts are shown
        choose(page, "nd-delete-choice", "More shelling")
        page.wait_for_function("() => document.querySelector('#nd-delete-choice input').value.includes('(Daily')",
                               timeout=10_000)  # fmt: skip - the whole title, as a person sees it before deleting
        page.locator("button#nd-delete").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('#nd-corpus-status').innerText.includes('Deleted')", timeout=20_000)
        assert "2 articles" in page.locator("#nd-corpus-stats").inner_text()
        # Add from the web: a feed URL typed in the corpus tab (the site is on loopback, allowed here).
        page.locator("#nd-urls textarea").focus()
        page.keyboard.type(f"{site.base}/feed.xml")
        page.locator("button#nd-fetch").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.querySelector('#nd-corpus-status').innerText.includes('2 new')", timeout=30_000)
        fetched = page.locator("#nd-corpus-status").inner_text()
        assert "1 copies of a stored report" in fetched and "HTTP 404" in fetched and "4 articles" in page.locator("#nd-corpus-stats").inner_text()
        page.get_by_role("tab", name="Sources").focus()
        page.keyboard.press("Enter")
        page.locator("#nd-new").focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => !document.querySelector('#nd-chat a.cite')", timeout=10_000)  # a new, empty chat
        page.locator("#nd-outlets input").first.focus()
        page.keyboard.press("Backspace")  # the outlet filter off again
        page.keyboard.press("Escape")
        page.wait_for_function("() => !document.querySelector('#nd-outlets').innerText.includes('Wire')", timeout=10_000)
        ask(page, QUESTION + " Any other counts?")
        assert "More shelling" not in panel.inner_text() and "2023-02-14" not in (panel.inner_html())
        # Layout: usable at a phone's width (nothing wider than the screen) and at 1400 px.
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(500)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=str(output_dir / "phone-390.png"), full_page=True)
    assert not outside, f"the page asked other hosts: {outside[:5]}"
    assert (output_dir / "phone-390.png").stat().st_size > 10_000 and (output_dir / "timeline-1400.png").stat().st_size > 10_000
