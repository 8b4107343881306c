"""Files and folders -> articles. A bad file never stops a batch: it is reported in
`LoadResult.skipped` with its reason and the rest of the batch is read."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.readers import article_from_record, decode_bytes, extract_html, read_text, records
from rag.types import Article

SUPPORTED_SUFFIXES = {".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl"}
# A file larger than this is refused rather than read into memory whole. The MultiHop-RAG
# corpus (one JSON file of 609 articles) is 6.8 MB; a single article is rarely 1 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BODY_CHARS = 2_000_000  # one article; longer ones are refused as "huge"
MAX_SINGLE_CHARS = 4 * MAX_BODY_CHARS  # a one-article file (markup included) is refused before parsing past this
MIN_BODY_CHARS = 20


@dataclass
class LoadResult:
    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, path#record or URL, reason)
    files_read: int = 0  # files, pages and feeds read
    not_modified: int = 0  # pages and feeds the server said are unchanged (HTTP 304)
    after_write: list[Callable[[], None]] = field(default_factory=list)  # run once the articles are stored

    def merge(self, other: LoadResult) -> LoadResult:
        """Both results as one; an article whose id was already read is a skipped duplicate."""
        seen = {a.doc_id for a in self.articles}
        for art in other.articles:
            if art.doc_id in seen:
                self.skipped.append((art.url or art.origin, "duplicate of an article already read"))
            else:
                seen.add(art.doc_id)
                self.articles.append(art)
        self.skipped += other.skipped
        self.files_read += other.files_read
        self.not_modified += other.not_modified
        self.after_write += other.after_write
        return self


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

    if path.suffix.lower() not in {".json", ".jsonl"} and len(text) > MAX_SINGLE_CHARS:
        return [], [(str(path), f"article too long ({len(text):,} chars; not parsed)")]
    try:
        articles, skipped = _parse(text, path, origin)
    except RecursionError:
        return [], [(str(path), "nesting too deep to read")]
    except Exception as exc:  # any parser fault is this file's problem, never the batch's
        return [], [(str(path), f"unreadable ({type(exc).__name__}: {str(exc)[:120]})")]
    if not articles and not skipped:  # "[]", a JSONL of blank lines: say so, never vanish silently
        return [], [(str(path), "no article in the file")]
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
        return [extract_html(text, origin)], []
    if suffix not in {".json", ".jsonl"}:
        return [read_text(text, origin, markdown=suffix in {".md", ".markdown"})], []
    articles: list[Article] = []
    skipped: list[tuple[str, str]] = []
    try:
        for idx, rec in records(text, jsonl=suffix == ".jsonl"):
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
