"""Per-format article readers: text (with header lines), Markdown, HTML, and JSON records
in the MultiHop-RAG corpus format. Each turns a file's text into `Article`s or raises
ValueError with the reason; `files.py` turns any fault into a skipped row."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import date
from itertools import islice
from typing import Any
from urllib.parse import urlparse

from rag.text.clean import printable, strip_markup
from rag.text.dates import parse_date
from rag.types import Article

_DATE_PREFIX = re.compile(r"^\s*date[:\s]\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^(title|source|outlet|url|author|category|date|published|published_at)\s*:\s*(.*)$",
    re.IGNORECASE,
)


def make_doc_id(url: str, origin: str, record: int | None = None) -> str:
    """Identity of an article: its url when it has one, else its absolute path."""
    key = f"url:{url.strip()}" if url.strip() else f"file:{origin}" + (f"#{record}" if record is not None else "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _clean(value: object) -> str:
    """A metadata field as stored: one line, no control characters (a title carrying ANSI
    escapes must not reach a terminal)."""
    text = "" if value is None else " ".join(printable(str(value)).split())
    return "" if text.lower() in {"none", "null", "nan"} else text


def derive_title(body: str, max_words: int = 12) -> str:
    """A title for an article that has none: the start of its first sentence."""
    first = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def outlet_from_url(url: str) -> str:
    """The site an article came from when it names no outlet: better than "unknown outlet"
    in every citation.

    >>> outlet_from_url("https://www.reuters.com/world/x"), outlet_from_url("notes/a.txt")
    ('reuters.com', '')
    """
    host = urlparse(url).hostname if re.match(r"^https?://", url or "") else None
    return (host or "").removeprefix("www.")


def _normalise_body(text: str) -> str:
    text = printable(text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


def article_from_fields(fields: Mapping[str, object], body: str, origin: str, record: int | None = None) -> Article:
    """An article from its metadata fields (any of the names the formats use) and body."""
    body = _normalise_body(body)
    url = _clean(fields.get("url"))
    return Article(
        doc_id=make_doc_id(url, origin, record),
        title=_clean(fields.get("title")) or derive_title(body),
        source=_clean(fields.get("source") or fields.get("outlet")) or outlet_from_url(url),
        url=url,
        published=parse_date(fields.get("published_at") or fields.get("date") or fields.get("published")),
        author=_clean(fields.get("author")),
        category=_clean(fields.get("category")),
        body=body,
        origin=origin,
    )


def article_from_document(doc: Any) -> Article:
    """A LlamaIndex `Document` (anything with `text`, `metadata` and `doc_id`) as an article:
    its metadata read by the names the formats use ("outlet" or "source", "date" ...)."""
    meta = dict(getattr(doc, "metadata", None) or {})
    fields = {**meta, "source": meta.get("source") or meta.get("outlet")}
    return article_from_fields(fields, str(doc.text), origin=f"document:{doc.doc_id}")


def decode_bytes(raw: bytes) -> str:
    """Decode UTF-8 (with or without BOM); fall back to cp1252 for legacy files.

    Raises ValueError for data that is not text at all.
    """
    if b"\x00" in raw[:8192]:
        raise ValueError("binary file (NUL bytes)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 and not cp1252 text") from exc
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > max(5, len(text) // 200):
        raise ValueError("binary or unknown encoding")
    return text


def read_text(text: str, origin: str, markdown: bool) -> Article:
    meta: dict[str, str] = {}
    m = _DATE_PREFIX.match(text)
    if m:  # the seed format: "date YYYY-MM-DD" before the body
        meta["date"] = m.group(1)
        text = text[m.end() :]
    if markdown and text.lstrip().startswith("---"):  # YAML-like front matter
        fm = re.match(r"\s*---\s*\n(.*?)\n---\s*\n", text, re.DOTALL)
        if fm:
            for line in fm.group(1).splitlines():
                hm = _HEADER_LINE.match(line.strip())
                if hm:
                    meta[hm.group(1).lower()] = hm.group(2).strip().strip("\"'")
            text = text[fm.end() :]
    lines = text.splitlines()
    i = 0
    while i < len(lines) and i < 12:
        hm = _HEADER_LINE.match(lines[i].strip())
        if not hm:
            break
        meta[hm.group(1).lower()] = hm.group(2).strip()
        i += 1
    text = "\n".join(lines[i:])
    if markdown:
        hm2 = re.match(r"\s*#\s+(.+)\n", text)
        if hm2 and "title" not in meta:
            meta["title"] = hm2.group(1).strip()
            text = text[hm2.end() :]
        # Keep the words, drop markdown link/image syntax (images are never rendered).
        text = strip_markup(text)  # words of links and images kept; bounded patterns (clean.py)
        text = re.sub(r"^#{1,6}[ \t]*", "", text, flags=re.MULTILINE)
    return article_from_fields(meta, text, origin)


_INLINE = ("span", "i", "u", "b", "em", "strong", "font", "small", "mark", "sup", "sub", "abbr", "cite", "q", "s")


def _inline_flattened(text: str) -> Any:
    """The page with inline formatting tags removed and their text kept in place: trafilatura
    loses the words between empty inline elements ("Dis<span></span>regard the ab<i></i>ove"
    came out as "Diswer"), which hides a split injection from the guard and drops real text."""
    import lxml.html
    from lxml import etree

    try:
        tree = lxml.html.fromstring(text)
    except ValueError:  # a string with an XML encoding declaration
        tree = lxml.html.fromstring(text.encode("utf-8"))
    except etree.ParserError:
        return text
    etree.strip_tags(tree, *_INLINE)
    return tree


def extract_html(text: str, origin: str, url: str = "", fallback_date: date | None = None,
                 fetched: date | None = None) -> Article:
    """A news page's article: its main text without navigation, teasers, newsletter boxes or
    reader comments, with title, outlet, author, date and canonical URL (trafilatura, the
    field's standard extractor). The same for a page on disk and the page fetched. A page
    trafilatura finds no article in falls back to `read_html` (short or bare HTML files).
    The date is the page's own, else the feed's (`fallback_date`), else the fetch time, and
    `date_source` says which."""
    import trafilatura

    doc: dict[str, Any] | None = trafilatura.bare_extraction(  # type: ignore[assignment]  # as_dict=True: a dict
        _inline_flattened(text), url=url or None, with_metadata=True, include_comments=False, include_tables=False,
        favor_precision=True, as_dict=True)  # fmt: skip
    if not doc or not (doc.get("text") or "").strip():
        base = read_html(text, origin)
        return base if not url else replace(base, url=base.url or url, source=base.source or outlet_from_url(url))
    canonical = _clean(doc.get("url")) or url
    page_date = parse_date(doc.get("date"))
    published, dated = ((page_date, "page") if page_date else (fallback_date, "feed") if fallback_date
                        else (fetched, "fetch time") if fetched else (None, ""))  # fmt: skip
    body = _normalise_body(doc["text"])
    title = _clean(doc.get("title"))
    if title and body.startswith(title):
        body = body[len(title) :].lstrip()
    return Article(
        doc_id=make_doc_id(canonical, origin), title=title or derive_title(body),
        source=_clean(doc.get("sitename")) or outlet_from_url(canonical), url=canonical, published=published,
        author=_clean(doc.get("author")), body=body, origin=origin, date_source=dated,
    )  # fmt: skip


def read_html(text: str, origin: str) -> Article:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(text, "html.parser")

    def meta_content(*names: str) -> str:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
            if tag and tag.get("content"):
                return str(tag["content"]).strip()
        return ""

    title = meta_content("og:title") or (soup.title.get_text(strip=True) if soup.title else "")
    h1 = soup.find("h1")
    if not title and h1:
        title = h1.get_text(" ", strip=True)
    canonical = soup.find("link", attrs={"rel": "canonical"})
    url = meta_content("og:url") or (str(canonical["href"]) if canonical and canonical.get("href") else "")
    time_tag = soup.find("time")
    published = meta_content("article:published_time", "date", "pubdate") or (
        str(time_tag.get("datetime")) if time_tag and time_tag.get("datetime") else ""
    )
    for tag in soup(["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe"]):
        tag.decompose()
    root = soup.find("article") or soup.body or soup
    blocks = _blocks(root)
    body = "\n\n".join(b for b in blocks if b) or root.get_text("\n", strip=True)
    body = _normalise_body(body)
    return Article(
        doc_id=make_doc_id(url, origin),
        title=title or derive_title(body),
        source=meta_content("og:site_name", "publisher") or outlet_from_url(url),
        url=url,
        published=parse_date(published),
        author=meta_content("author", "article:author"),
        body=body,
        origin=origin,
    )


_BLOCKS = {"p", "li", "h2", "h3", "blockquote"}


def _blocks(root: Any) -> list[str]:
    """The text of each paragraph-like block, in page order. One pass over the page's text
    nodes, each given to its innermost block: asking every block for its text walks nested
    blocks again and again (12,000 nested <p> took 13 s)."""
    from bs4 import NavigableString

    texts: dict[int, list[str]] = {}
    for node in root.find_all(string=True):
        if type(node) is not NavigableString:  # comments, doctypes, CDATA: not article text
            continue
        block = next((p for p in islice(node.parents, 64) if p.name in _BLOCKS), None)
        if block is not None and node.strip():
            texts.setdefault(id(block), []).append(node.strip())
    return [" ".join(parts) for parts in texts.values()]


def article_from_record(rec: object, origin: str, index: int | None) -> Article:
    """A JSON record in the MultiHop-RAG corpus format -> Article (ValueError if unusable)."""
    if not isinstance(rec, dict):
        raise ValueError("record is not an object")
    body = rec.get("body") or rec.get("text") or rec.get("content")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("record has no body text")
    return article_from_fields(rec, body, origin, index)


def records(text: str, jsonl: bool) -> Iterator[tuple[int, object | ValueError]]:
    if jsonl:
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                yield n, ValueError(f"invalid JSON ({exc.msg})")
        return
    data = json.loads(text)  # a broken file raises; the caller reports it
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise ValueError("JSON is neither a record nor a list of records")
    yield from enumerate(data)
