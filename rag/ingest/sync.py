"""Ingest runs over paths: add and update (`ingest`), remove what vanished (`--sync`), and
re-embed into a new generation (`--rebuild`), each refusing what would lose data before
anything is written."""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rag.config import ChunkingSettings, FetchSettings, IngestSettings
from rag.errors import IngestRefused
from rag.ingest.copies import record_copies, separate_copies
from rag.ingest.files import LoadResult, load_articles
from rag.ingest.indexer import IngestReport, ProgressFn, ingest_articles
from rag.ingest.web import is_web, load_web, read_url_list
from rag.providers.embedding import Embedder
from rag.store.chroma import ChunkStore
from rag.types import Article


def _from_web(path: str | Path) -> bool:
    """A URL, or a `.urls` file listing URLs."""
    return is_web(path) or Path(path).suffix.lower() == ".urls"


def _under(origin: str, roots: list[Path]) -> bool:
    p = Path(origin)
    return any(p == r or r in p.parents for r in roots)


@dataclass
class PathIngest:
    """Ingest runs over files and folders into one store."""

    store: ChunkStore
    embedder: Embedder
    chunking: ChunkingSettings
    settings: IngestSettings
    progress: ProgressFn | None = None
    fetch: FetchSettings | None = None  # for URLs, feeds and `.urls` files
    fetch_cache: Path | None = None

    def _load(self, paths: list[str | Path]) -> LoadResult:
        """Files and folders from disk; URLs, feeds, sitemaps and `.urls` lists from the web."""
        web = [str(p) for p in paths if is_web(p)]
        lists = [Path(p) for p in paths if _from_web(p) and not is_web(p)]
        files = [p for p in paths if not _from_web(p)]
        loaded = load_articles(files) if files or not (web or lists) else LoadResult()
        for listing in lists:
            try:
                web += read_url_list(listing)
            except (OSError, UnicodeDecodeError) as exc:
                loaded.skipped.append((str(listing), f"unreadable URL list ({exc})"))
        if web:
            loaded.merge(load_web(web, self.fetch or FetchSettings(), self.fetch_cache))
        return loaded

    def _write(self, loaded: LoadResult, store: ChunkStore) -> IngestReport:
        report = IngestReport(files_read=loaded.files_read, skipped=list(loaded.skipped),
                              not_modified=loaded.not_modified)  # fmt: skip
        fresh, copies, signatures = separate_copies(loaded.articles, store)
        ingest_articles(fresh, store, self.embedder, self.chunking, self.settings.embed_group_sentences,
                        progress=self.progress, report=report)  # fmt: skip
        report.copies = record_copies(copies, signatures, store)
        for done in loaded.after_write:
            done()
        return report

    def add(self, paths: Iterable[str | Path], *, sync: bool = False, force: bool = False) -> IngestReport:
        """Read files under `paths` and ingest them.

        With `sync`, articles that came from these paths but are gone from them are removed.
        A sync cannot destroy: it refuses a path that is missing or holds no article files
        (an unmounted drive looks exactly like that), keeps every article whose file or
        folder could not be read this time, and refuses to remove more than
        `max_removal_share` of the store without `force`. Every refusal happens before
        anything is written.
        """
        t0 = time.perf_counter()
        paths = list(paths)
        check_named_paths(paths)
        if sync and any(_from_web(p) for p in paths):
            raise IngestRefused("--sync works on files and folders; a feed or page is never taken for deleted")
        loaded = self._load(paths)
        doomed: list[str] = []
        if sync:
            _check_sync_roots(paths, loaded)
            known = self.store.articles()
            doomed = _vanished(paths, loaded, known)
            check_removal_share(len(doomed), len(known), self.settings.max_removal_share, force, "--sync")
        report = self._write(loaded, self.store)
        return self._finish(self._delete(doomed, report), t0)

    def remove(self, doc_ids: Iterable[str], *, force: bool = False) -> IngestReport:
        """Delete stored articles by id (the UI's delete), the way `--sync` removes vanished
        ones, under the same refusal to remove more than `max_removal_share` without `force`."""
        t0 = time.perf_counter()
        known = self.store.articles()
        doomed = [d for d in dict.fromkeys(doc_ids) if d in known]
        check_removal_share(len(doomed), len(known), self.settings.max_removal_share, force, "delete")
        return self._finish(self._delete(doomed, IngestReport()), t0)

    def _delete(self, doc_ids: list[str], report: IngestReport) -> IngestReport:
        for doc_id in doc_ids:
            report.chunks_deleted += self.store.delete_article(doc_id)
            report.deleted += 1
        return report

    def _finish(self, report: IngestReport, t0: float) -> IngestReport:
        """Stamp a new store version when anything changed (other readers follow it)."""
        if report.added or report.updated or report.deleted:
            self.store.touch()
        elif self.store.ready:
            self.store.release_writer()
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - t0
        return report

    def add_articles(self, articles: list[Article]) -> IngestReport:
        """Articles from elsewhere than files (LlamaIndex Documents, the HTTP API)."""
        t0 = time.perf_counter()
        return self._finish(self._write(LoadResult(articles=list(articles)), self.store), t0)

    def rebuild(self, paths: Iterable[str | Path], *, force: bool = False) -> IngestReport:
        """Re-embed everything under `paths` into new collections and switch over only when
        they are complete: the old index serves until then, and an interrupted or refused
        rebuild leaves it as it was."""
        t0 = time.perf_counter()
        paths = list(paths)
        check_named_paths(paths)
        loaded = self._load(paths)
        if not loaded.articles:
            raise IngestRefused(f"--rebuild read no article from {', '.join(map(str, paths))}; the index was left as it was")
        known = self.store.articles()
        lost = [d for d in known if d not in {a.doc_id for a in loaded.articles}]
        check_removal_share(len(lost), len(known), self.settings.max_removal_share, force, "--rebuild")
        staged = self.store.staging()
        report = self._write(loaded, staged)
        self.store.promote(staged)
        report.deleted = len(lost)
        report.chunks_total = self.store.count()
        report.seconds = time.perf_counter() - t0
        return report


def check_removal_share(n_remove: int, n_total: int, share: float, force: bool, what: str) -> None:
    """Refuse to remove more than `share` of the store's articles without `force`."""
    if force or n_remove <= 1 or n_remove <= share * n_total:
        return
    raise IngestRefused(
        f"{what} would remove {n_remove} of the {n_total} articles in the store (more than {share:.0%}); "
        f"nothing was changed. Check the path, or add --force if that is what you want."
    )


def check_named_paths(paths: list[str | Path]) -> None:
    """A file or folder the caller named must exist: a typo is an error, not a skipped row
    after an ingest that did nothing (and exited as if it had worked)."""
    for p in paths:
        if not is_web(p) and not Path(p).expanduser().exists():
            raise IngestRefused(f"{Path(p).expanduser()} does not exist (a typo, moved, or not mounted?); "
                                "nothing was changed")  # fmt: skip


def _check_sync_roots(paths: list[str | Path], loaded: LoadResult) -> None:
    for p in paths:
        root = Path(p).expanduser()
        resolved = root.resolve()
        seen = [a.origin for a in loaded.articles] + [where.split("#")[0] for where, _ in loaded.skipped]
        if not any(_under(str(Path(o).resolve()), [resolved]) for o in seen):
            raise IngestRefused(
                f"--sync: {root} holds no article files (empty, or not mounted?); nothing was changed"
            )


def _vanished(paths: list[str | Path], loaded: LoadResult, known: dict[str, dict[str, object]]) -> list[str]:
    """Stored articles that came from under `paths` and are gone, except those under a
    file or folder that could not be read this time (a passing error must not delete)."""
    roots = [Path(p).expanduser().resolve() for p in paths]
    present = {a.doc_id for a in loaded.articles}
    protected = [Path(where.split("#")[0]).resolve() for where, _ in loaded.skipped]
    out = []
    for doc_id, meta in known.items():
        origin = str(meta.get("origin", ""))
        if doc_id in present or not origin or not _under(origin, roots) or _under(origin, protected):
            continue
        out.append(doc_id)
    return out
