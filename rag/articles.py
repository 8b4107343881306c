"""Reading article files (.txt, .md, .html, .json, .jsonl) into `Article` records.

A bad file never stops a batch: it is reported in `LoadResult.skipped` with its reason
and the rest of the batch is read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
# A file larger than this is refused rather than read into memory whole. The MultiHop-RAG
# corpus (one JSON file of 609 articles) is 6.8 MB; a single article is rarely 1 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BODY_CHARS = 2_000_000  # one article; longer ones are refused as "huge"
MIN_BODY_CHARS = 20

_DATE_PREFIX = re.compile(r"^\s*date[:\s]\s*(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)
_HEADER_LINE = re.compile(
    r"^(title|source|outlet|url|author|category|date|published|published_at)\s*:\s*(.*)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Article:
    """One news article with the metadata every chunk keeps."""

    doc_id: str  # stable identity: from the url, else from the file path (+ record index)
    title: str
    source: str  # the outlet ("The Verge"); "" when unknown
    url: str
    published: date | None
    body: str
    author: str = ""
    category: str = ""
    origin: str = ""  # the file it came from (used by `ingest --sync`)

    @property
    def content_hash(self) -> str:
        parts = [self.title, self.source, self.url, self.published_iso, self.author, self.body]
        return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()

    @property
    def published_iso(self) -> str:
        return self.published.isoformat() if self.published else ""


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path or path#record, reason)
    files_read: int = 0


def make_doc_id(url: str, origin: str, record: int | None = None) -> str:
    """Identity of an article: its url when it has one, else its absolute path."""
    key = f"url:{url.strip()}" if url.strip() else f"file:{origin}" + (f"#{record}" if record is not None else "")
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def parse_date(value: object) -> date | None:
    """Parse an ISO date or datetime ('2023-11-27T08:45:59+00:00'); None when absent/bad."""
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() in {"none", "null", "nan"}:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None
    return None


def _clean(value: object) -> str:
    text = "" if value is None else str(value).strip()
    return "" if text.lower() in {"none", "null", "nan"} else text


def derive_title(body: str, max_words: int = 12) -> str:
    """A title for an article that has none: the start of its first sentence."""
    first = re.split(r"(?<=[.!?])\s", body.strip(), maxsplit=1)[0]
    words = first.split()
    return " ".join(words[:max_words]) + ("…" if len(words) > max_words else "")


def _normalise_body(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip()


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


# ---------------------------------------------------------------- per-format readers


def _read_text(text: str, origin: str, markdown: bool) -> Article:
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
        text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
        text = re.sub(r"^#{1,6}\s*", "", text, flags=re.MULTILINE)
    body = _normalise_body(text)
    url = _clean(meta.get("url"))
    return Article(
        doc_id=make_doc_id(url, origin),
        title=_clean(meta.get("title")) or derive_title(body),
        source=_clean(meta.get("source") or meta.get("outlet")),
        url=url,
        published=parse_date(meta.get("date") or meta.get("published") or meta.get("published_at")),
        author=_clean(meta.get("author")),
        category=_clean(meta.get("category")),
        body=body,
        origin=origin,
    )


def _read_html(text: str, origin: str) -> Article:
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
    blocks = [el.get_text(" ", strip=True) for el in root.find_all(["p", "li", "h2", "h3", "blockquote"])]
    body = "\n\n".join(b for b in blocks if b) or root.get_text("\n", strip=True)
    body = _normalise_body(body)
    return Article(
        doc_id=make_doc_id(url, origin),
        title=title or derive_title(body),
        source=meta_content("og:site_name", "publisher"),
        url=url,
        published=parse_date(published),
        author=meta_content("author", "article:author"),
        body=body,
        origin=origin,
    )


def article_from_record(rec: object, origin: str, index: int | None) -> Article:
    """A JSON record in the MultiHop-RAG corpus format -> Article (ValueError if unusable)."""
    if not isinstance(rec, dict):
        raise ValueError("record is not an object")
    body = rec.get("body") or rec.get("text") or rec.get("content")
    if not isinstance(body, str) or not body.strip():
        raise ValueError("record has no body text")
    url = _clean(rec.get("url"))
    body = _normalise_body(body)
    return Article(
        doc_id=make_doc_id(url, origin, index),
        title=_clean(rec.get("title")) or derive_title(body),
        source=_clean(rec.get("source") or rec.get("outlet")),
        url=url,
        published=parse_date(rec.get("published_at") or rec.get("date") or rec.get("published")),
        author=_clean(rec.get("author")),
        category=_clean(rec.get("category")),
        body=body,
        origin=origin,
    )


def _records(text: str, jsonl: bool) -> Iterator[tuple[int, object | ValueError]]:
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


# ---------------------------------------------------------------- files and folders


def _walk(folder: Path) -> Iterator[tuple[Path, str | None]]:
    """Files under `folder` (hidden ones skipped), and every subfolder that could not be
    listed: `Path.rglob` passes over those in silence, and `ingest --sync` would then take
    their articles for deleted ones."""
    problems: list[OSError] = []
    for root, dirs, files in os.walk(folder, onerror=problems.append, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name, None
        for d in dirs:  # a link to a folder is not followed; say so instead of skipping silently
            if (Path(root) / d).is_symlink():
                yield Path(root) / d, "link to a folder (not followed)"
        yield from _unreadable(problems)
    yield from _unreadable(problems)  # os.walk reports a folder it cannot list after its last yield


def _unreadable(problems: list[OSError]) -> Iterator[tuple[Path, str]]:
    while problems:
        err = problems.pop()
        yield Path(str(err.filename)), f"unreadable folder ({err.strerror or err})"


def iter_article_files(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """Yield (file, problem) for every candidate file under the given paths."""
    for p in paths:
        path = Path(p).expanduser()
        if path.is_symlink() and not path.exists():
            yield path, "broken link"
        elif path.is_dir():
            for child, problem in _walk(path):
                if problem:
                    yield child, problem
                elif child.is_symlink() and not child.exists():
                    yield child, "broken link"
                elif child.is_file() and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child, None
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                yield path, None
            else:
                yield path, f"unsupported file type '{path.suffix or '(none)'}'"
        elif not path.exists():
            yield path, "no such file or folder"
        else:
            yield path, "not a regular file"


def read_article_file(path: Path) -> tuple[list[Article], list[tuple[str, str]]]:
    """Read one file; return its articles and the (place, reason) of what was skipped."""
    origin = str(path.resolve())
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return [], [(str(path), f"too large ({size / 1e6:.0f} MB > {MAX_FILE_BYTES / 1e6:.0f} MB)")]
        if size == 0:
            return [], [(str(path), "empty file")]
        text = decode_bytes(path.read_bytes())
    except PermissionError:
        return [], [(str(path), "permission denied")]
    except OSError as exc:
        return [], [(str(path), f"unreadable ({exc.strerror or exc})")]
    except ValueError as exc:
        return [], [(str(path), str(exc))]

    try:
        articles, skipped = _parse(text, path, origin)
    except RecursionError:
        return [], [(str(path), "nesting too deep to read")]
    except Exception as exc:  # any parser fault is this file's problem, never the batch's
        return [], [(str(path), f"unreadable ({type(exc).__name__}: {str(exc)[:120]})")]
    kept = []
    for art in articles:
        if len(art.body) < MIN_BODY_CHARS:
            skipped.append((str(path), f"'{art.title[:40]}': no article text"))
        elif len(art.body) > MAX_BODY_CHARS:
            skipped.append((str(path), f"'{art.title[:40]}': article too long ({len(art.body):,} chars)"))
        else:
            kept.append(art)
    return kept, skipped


def _parse(text: str, path: Path, origin: str) -> tuple[list[Article], list[tuple[str, str]]]:
    suffix = path.suffix.lower()
    if suffix in {".html", ".htm"}:
        return [_read_html(text, origin)], []
    if suffix not in {".json", ".jsonl"}:
        return [_read_text(text, origin, markdown=suffix in {".md", ".markdown"})], []
    articles: list[Article] = []
    skipped: list[tuple[str, str]] = []
    try:
        for idx, rec in _records(text, jsonl=suffix == ".jsonl"):
            where = f"{path}#{idx}"
            if isinstance(rec, ValueError):
                skipped.append((where, str(rec)))
                continue
            try:
                articles.append(article_from_record(rec, origin, idx))
            except ValueError as exc:
                skipped.append((where, str(exc)))
    except json.JSONDecodeError as exc:
        return [], [(str(path), f"invalid JSON at line {exc.lineno} ({exc.msg})")]
    except ValueError as exc:
        return [], [(str(path), str(exc))]
    return articles, skipped


def load_articles(paths: Iterable[str | Path]) -> LoadResult:
    """Read every supported file under `paths`; bad files are skipped with a reason."""
    result = LoadResult()
    seen: set[str] = set()
    for path, problem in iter_article_files(paths):
        if problem:
            result.skipped.append((str(path), problem))
            continue
        result.files_read += 1
        arts, skipped = read_article_file(path)
        result.skipped.extend(skipped)
        for art in arts:
            if art.doc_id in seen:  # the same url twice in a batch: keep the first
                result.skipped.append((art.origin, f"duplicate of an article already read ({art.url or art.title})"))
                continue
            seen.add(art.doc_id)
            result.articles.append(art)
    return result
