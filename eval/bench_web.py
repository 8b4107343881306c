"""`newsdesk bench --only web`: fetched pages, measured on the fictional news site
(eval/newssite.py). The first MultiHop articles are published there as pages wrapped in the
site's furniture (navigation, a cookie banner, trending headlines, a newsletter box, reader
comments, a footer) and listed in its RSS feed; Newsdesk ingests the feed with the bundled
embedding model. Reported: pages per second fetched and extracted, and ingested whole; the
share of the furniture's text that stayed out of the stored articles, and the share of the
articles' own sentences that got in."""

from __future__ import annotations

import re
import time
from typing import Any

from eval.newssite import BOILERPLATE_BOTTOM, BOILERPLATE_TOP, news_site
from rag import Pipeline, Settings
from rag.ingest.files import load_articles


def _texts(markup: str) -> list[str]:
    """The visible text pieces of a block of markup."""
    return [t.strip() for t in re.split(r"<[^>]+>", markup) if t.strip()]


def _paragraphs(body: str) -> list[str]:
    parts = [p.strip() for p in re.split(r"\n\s*\n|\n", body) if p.strip()]
    return parts or [body]


def bench_web(settings: Settings, corpus: Any, pages: int = 60) -> dict[str, Any]:
    from rag.ingest.web import load_web

    articles = load_articles([corpus]).articles[:pages]
    furniture = _texts(BOILERPLATE_TOP) + _texts(BOILERPLATE_BOTTOM)
    data = settings.model_dump()
    data["fetch"].update({"allow_private": True})
    settings = Settings.model_validate(data)
    with news_site() as site:
        site.feed_items = []  # only the archive: no failing test pages in a speed figure
        site.add_articles([(a.title, a.source, a.published_iso, _paragraphs(a.body)) for a in articles])
        feed = f"{site.base}/feed.xml"
        t = time.perf_counter()
        loaded = load_web([feed], settings.fetch, None)
        fetch_s = time.perf_counter() - t
        pipe = Pipeline(settings)
        pipe.embedder  # noqa: B018 - loaded before timing
        t = time.perf_counter()
        report = pipe.ingest([feed])
        ingest_s = time.perf_counter() - t
    # Whitespace is compared loosely (paragraph breaks differ); furniture pieces of one or two
    # words ("Home", "Sports") are left out of the count, as article text contains them anyway.
    got = " ".join(" ".join(a.body.split()) for a in loaded.articles)
    pieces = [f for f in furniture if len(f.split()) >= 3]
    leaked = sum(len(f) * got.count(f) for f in pieces)
    total = sum(len(f) for f in pieces) * len(loaded.articles)
    sentences = [" ".join(s.split()) for a in articles for s in re.split(r"(?<=[.!?])\s+", a.body) if len(s.strip()) > 30]
    kept = sum(s in got for s in sentences)
    return {"pages": len(articles), "extracted": len(loaded.articles), "skipped": loaded.skipped[:5],
            "fetch_extract_s": round(fetch_s, 2), "pages_per_s_fetch_extract": round(len(articles) / fetch_s, 2),
            "ingest_s": round(ingest_s, 2), "pages_per_s_ingest": round(len(articles) / ingest_s, 2),
            "added": report.added, "furniture_chars_removed_share": round(1 - leaked / max(total, 1), 4),
            "article_sentences_kept_share": round(kept / max(len(sentences), 1), 4),
            "embedding": settings.embedding.label()}  # fmt: skip


def render_web(r: dict[str, Any]) -> list[str]:
    return ["### Fetched pages (the fictional news site)", "",
            f"{r['pages']} MultiHop articles as boilerplate-heavy pages in one RSS feed, embedding {r['embedding']}.", "",
            "| measure | value |", "|---|---|",
            f"| fetched and extracted | {r['fetch_extract_s']} s ({r['pages_per_s_fetch_extract']} pages/s) |",
            f"| ingested whole (fetch, extract, embed, store) | {r['ingest_s']} s ({r['pages_per_s_ingest']} pages/s), {r['added']} added |",
            f"| page furniture kept out (share of its characters) | {r['furniture_chars_removed_share']:.1%} |",
            f"| article sentences kept (over 30 characters) | {r['article_sentences_kept_share']:.1%} |", ""]  # fmt: skip
