"""Articles from the web: a page URL, an RSS/Atom feed (feedparser), a sitemap, or a `.urls`
file listing any of those. Pages are fetched politely (fetch.py) and read by the same
extractor as HTML files on disk (readers.extract_html, trafilatura). A bad page is a
skipped row with its reason; nothing else is lost."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from xml.etree import ElementTree

from rag.config import FetchSettings
from rag.ingest.fetch import Fetched, Fetcher, FetchError, ValidatorCache
from rag.ingest.files import MIN_BODY_CHARS, LoadResult
from rag.ingest.readers import extract_html

MAX_FEED_ITEMS = 500
# Shorter than this after extraction: a paywall stub, a cookie wall or an empty page.
MIN_PAGE_CHARS = 200


def is_web(path: str | Path) -> bool:
    return isinstance(path, str) and bool(re.match(r"^https?://", path, re.IGNORECASE))


def _kind(got: Fetched) -> str:
    head = got.body[:2000].lstrip().lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if "html" in got.content_type or b"<html" in head or b"<!doctype html" in head:
        return "page"
    return "other"


def _feed_entries(got: Fetched) -> list[tuple[str, date | None]]:
    import feedparser

    parsed = feedparser.parse(got.body)
    out = []
    for entry in parsed.entries[:MAX_FEED_ITEMS]:
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        if entry.get("link"):
            out.append((str(entry["link"]), date(*when[:3]) if when else None))
    return out


def _sitemap_entries(got: Fetched) -> list[tuple[str, date | None]]:
    try:
        root = ElementTree.fromstring(got.body)  # noqa: S314 - a sitemap is data; entity expansion is off in expat's defaults for external entities
    except ElementTree.ParseError as exc:
        raise FetchError(f"unreadable sitemap ({exc})") from exc
    entries: list[tuple[str, date | None]] = [(el.text.strip(), None) for el in root.iter() if el.tag.endswith("loc") and el.text]
    return entries[:MAX_FEED_ITEMS]


class WebLoader:
    """Reads web sources into a `LoadResult`, one fetcher (and robots.txt cache) per run."""

    def __init__(self, settings: FetchSettings, cache_path: Path | None):
        self.fetcher = Fetcher(settings, ValidatorCache(cache_path))
        self.result = LoadResult()

    def load(self, sources: Iterable[str]) -> LoadResult:
        for source in sources:
            self._source(source)
        # What was fetched is remembered only once its articles are stored: a run killed
        # before then fetches them again instead of taking them for unchanged.
        self.result.after_write.append(self.fetcher.close)
        return self.result

    def _source(self, url: str) -> None:
        try:
            got = self.fetcher.get(url)
        except FetchError as exc:
            self.result.skipped.append((url, str(exc)))
            return
        self.result.files_read += 1
        if got.not_modified:
            self.result.not_modified += 1
            return
        kind = _kind(got)
        if kind in {"feed", "sitemap"}:
            try:
                entries = _feed_entries(got) if kind == "feed" else _sitemap_entries(got)
            except FetchError as exc:
                self.result.skipped.append((url, str(exc)))
                return
            if not entries:
                self.result.skipped.append((url, f"{kind} lists no article"))
            for link, when in entries:
                self._page(link, when, origin=url)
        elif kind == "page":
            self._take(got, None, origin=url)
        else:
            self.result.skipped.append((url, f"not a page or feed ({got.content_type or 'unknown type'})"))

    def _page(self, url: str, feed_date: date | None, origin: str) -> None:
        try:
            got = self.fetcher.get(url)
        except FetchError as exc:
            self.result.skipped.append((url, str(exc)))
            return
        if got.not_modified:
            self.result.not_modified += 1
        elif _kind(got) != "page":
            self.result.skipped.append((url, f"not HTML ({got.content_type or 'unknown type'})"))
        else:
            self._take(got, feed_date, origin)

    def _take(self, got: Fetched, feed_date: date | None, origin: str) -> None:
        try:
            article = extract_html(got.text(), origin, url=got.url, fallback_date=feed_date,
                                   fetched=datetime.now().date())  # fmt: skip
        except ValueError as exc:
            self.result.skipped.append((got.url, str(exc)))
            return
        if len(article.body) < max(MIN_PAGE_CHARS, MIN_BODY_CHARS):
            self.result.skipped.append((got.url, f"too little text ({len(article.body)} chars): a paywall or a stub?"))
            return
        self.result.articles.append(article)


def read_url_list(path: Path) -> list[str]:
    """The URLs of a `.urls` file: one per line; blank lines and # comments ignored."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]


def load_web(sources: list[str], settings: FetchSettings, cache_path: Path | None) -> LoadResult:
    """Articles from web sources; `Article`s carry `date_source` saying where their date came from."""
    return WebLoader(settings, cache_path).load(sources)

