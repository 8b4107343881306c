"""Issue #16: news from feeds and pages, against a fictional news site on a loopback port
(tests/fixtures/newssite.py): boilerplate never becomes news, canonical URLs are cited, a
syndicated story is stored once with both outlets, a second poll fetches nothing new, bad
pages are reported and skipped, private addresses are refused unless allowed, and `watch`
picks up a story published while it runs. Fake models; real HTTP, real Chroma."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from eval.newssite import news_site
from rag import Pipeline
from rag.ingest.readers import extract_html
from rag.ingest.watch import interval_seconds, poll
from tests.fakes import QueueModel
from tests.fixtures.pipelines import make_settings

FETCH = {"allow_private": True, "timeout_s": 1.0, "retries": 1}


@pytest.fixture
def site():  # type: ignore[no-untyped-def]
    with news_site() as s:
        yield s


def web_pipeline(tmp_path: Path, **fetch: object) -> Pipeline:
    return Pipeline(make_settings(tmp_path, fetch={**FETCH, **fetch}), llm=QueueModel())


def pages_served(site) -> int:  # type: ignore[no-untyped-def]
    """Pages and feeds served whole (robots.txt is read once per run, as polite crawlers do)."""
    return sum(n for path, n in site.served.items() if path != "/robots.txt")


def stored_text(pipe: Pipeline) -> str:
    return "\n".join(c.text for c in pipe.store.iter_chunks())


def test_a_feed_is_ingested_without_its_boilerplate_and_bad_pages_are_reported(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path)
    rep = pipe.ingest([f"{site.base}/feed.xml"])
    assert (rep.added, rep.copies) == (2, 1)
    reasons = {where.rsplit("/", 1)[-1]: why for where, why in rep.skipped}
    assert reasons == {
        "slow.html": "timed out after 1 s", "missing.html": "HTTP 404",
        "loop-a": "more than 5 redirects (a redirect loop?)", "huge.html": "larger than 5 MB",
        "memo.html": "disallowed by the site's robots.txt",
        "paywall.html": "too little text (29 chars): a paywall or a stub?",
    }  # fmt: skip
    assert site.served["/private/memo.html"] == 0  # robots.txt is obeyed before any request
    text = stored_text(pipe)
    assert "$48 million" in text
    for boilerplate in ("$200 million", "Mayor Alvarez", "cookies", "newsletter", "Comments (42)", "Trending"):
        assert boilerplate not in text, boilerplate
    # What only a trending headline said is not news here: refused, with the reason.
    answer = pipe.ask("Why did Mayor Alvarez resign?")
    assert answer.refused and "Alvarez" in answer.refusal_reason


def test_answers_cite_the_canonical_url_and_the_page_date(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path)
    pipe.ingest([f"{site.base}/feed.xml"])
    answer = pipe.ask("How much is the harbor seawall expected to cost?")
    assert "48 million" in answer.text
    cited = answer.citations[0]
    assert cited.url == f"{site.base}/news/seawall.html"  # not the feed's ?utm_source link
    assert (cited.outlet, cited.published) == ("Harbor Gazette", "2024-03-05")
    record = next(m for m in pipe.store.articles().values() if m["title"].startswith("Council"))
    assert record["date_source"] == "page"


def test_a_syndicated_story_is_stored_once_with_both_outlets(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path)
    pipe.ingest([f"{site.base}/feed.xml"])
    rescues = [m for m in pipe.store.articles().values() if "rescue" in m["url"]]
    assert len(rescues) == 1
    carriers = json.loads(rescues[0]["carriers"])
    assert {rescues[0]["source"], *(c["outlet"] for c in carriers)} == {"Harbor Gazette", "Bay Courier"}
    answer = pipe.ask("How many fishermen were rescued off Cape Lorne?")
    assert [s.also for s in answer.sources if "rescue" in s.url] == ["Bay Courier"]
    assert sum("rescue" in s.url for s in answer.sources) == 1  # one copy handed to the model, not two
    assert "also published by Bay Courier" in answer.format_text()


def test_a_second_poll_fetches_nothing_new(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path)
    pipe.ingest([f"{site.base}/feed.xml"])
    served = pages_served(site)
    rep = pipe.ingest([f"{site.base}/feed.xml"])
    assert rep.not_modified == 1 and rep.added == rep.updated == 0
    assert pages_served(site) == served  # the feed answered 304; no page was asked for again
    site.add_story()
    rep = pipe.ingest([f"{site.base}/feed.xml"])
    assert rep.added == 1 and rep.not_modified >= 3  # the old pages answered 304, the new one was read
    assert "midnight" in stored_text(pipe)


def test_private_addresses_are_refused_by_default(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path, allow_private=False)
    rep = pipe.ingest([f"{site.base}/feed.xml"])
    assert rep.added == 0 and "private or local address" in rep.skipped[0][1]
    assert sum(site.served.values()) == 0


def test_a_503_is_retried_and_a_url_list_is_read(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    listing = tmp_path / "reading.urls"
    listing.write_text(f"# pages to read\n{site.base}/flaky.html\n\n{site.base}/missing.html\n")
    rep = web_pipeline(tmp_path).ingest([listing])
    assert rep.added == 1 and site.flaky_calls == 2
    assert [why for _, why in rep.skipped] == ["HTTP 404"]


def test_a_sitemap_and_a_single_page_are_read(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pipe = web_pipeline(tmp_path)
    rep = pipe.ingest([f"{site.base}/sitemap.xml"])
    assert rep.added == 2 and not rep.skipped
    assert {m["source"] for m in pipe.store.articles().values()} == {"Harbor Gazette", "Bay Courier"}
    rep = pipe.ingest([f"{site.base}/gazette/rescue.html"])  # the other outlet's copy, as one page
    assert (rep.added, rep.copies) == (0, 1)


def test_a_page_on_disk_and_the_same_page_fetched_give_the_same_article(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    html = site.pages["/news/seawall.html"]
    on_disk = tmp_path / "seawall.html"
    on_disk.write_text(html)
    from_file = extract_html(on_disk.read_text(), str(on_disk))
    fetched = extract_html(html, f"{site.base}/feed.xml", url=f"{site.base}/news/seawall.html?utm_source=rss")
    same = ("doc_id", "title", "source", "url", "published", "body")
    assert [getattr(from_file, f) for f in same] == [getattr(fetched, f) for f in same]


def test_watch_picks_up_a_story_published_while_it_runs(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert interval_seconds("30m") == 1800
    pipe = web_pipeline(tmp_path)
    stop = threading.Event()
    reports: list[object] = []
    watcher = threading.Thread(target=poll, args=(lambda: pipe.ingest([f"{site.base}/feed.xml"]), 0.3, stop,
                                                  lambda rep, err: reports.append(rep or err)))  # fmt: skip
    watcher.start()
    try:
        deadline = time.time() + 30
        while len(reports) < 2 and time.time() < deadline:
            time.sleep(0.1)
        site.add_story()
        while "midnight" not in stored_text(pipe) and time.time() < deadline:
            time.sleep(0.2)
    finally:
        stop.set()
        watcher.join(timeout=30)
    assert "midnight" in stored_text(pipe) and not watcher.is_alive()
    assert sum(getattr(r, "added", 0) for r in reports) == 3  # two at first, one later; nothing twice


def test_watch_killed_mid_poll_loses_nothing_and_the_next_run_stores_all(site, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal
    import subprocess
    import sys

    from tests.fixtures.paths import ROOT
    from tests.fixtures.pipelines import cli_env

    env = {**cli_env(tmp_path), "NEWSDESK_FETCH__ALLOW_PRIVATE": "true", "NEWSDESK_FETCH__TIMEOUT_S": "10"}
    feed = f"{site.base}/feed.xml"
    watch = subprocess.Popen([sys.executable, "-m", "rag.cli", "watch", feed, "--every", "1h"], env=env, cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.time() + 60
    while not site.served["/courier/rescue.html"] and time.time() < deadline:
        time.sleep(0.05)
    assert site.served["/courier/rescue.html"] == 1  # the poll is now waiting on the 3 s page
    os.kill(watch.pid, signal.SIGKILL)
    watch.wait(timeout=30)
    run = subprocess.run([sys.executable, "-m", "rag.cli", "ingest", feed], env=env, cwd=ROOT, capture_output=True,
                         text=True, timeout=300)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert site.served["/courier/rescue.html"] == 2  # fetched again: the killed poll had remembered nothing
    pipe = Pipeline(make_settings(tmp_path))
    titles = sorted(m["title"] for m in pipe.store.articles().values())
    assert titles == ["Council approves harbor seawall", "Eleven fishermen rescued off Cape Lorne"]
