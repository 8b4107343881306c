"""The corpus tab: what is indexed (searchable by title or outlet, with each article's date
and chunk count), adding articles by upload, and deleting one by the path `ingest --sync`
removes by."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from rag import IngestReport, NewsdeskError, Pipeline
from ui.messages import friendly_error
from ui.render import escape_text

UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]
HEADERS = ["published", "outlet", "title", "chunks"]
WATCH_MINUTES = 30


def store_upload(src: Path, uploads: Path) -> Path:
    """Keep an uploaded file under its content hash (two uploads with one name never
    overwrite each other; the same file twice is stored once), written to a temporary
    file and renamed, so a crash never leaves a truncated article."""
    digest = hashlib.sha256(src.read_bytes()).hexdigest()[:16]
    dest = uploads / digest / Path(src.name).name
    if dest.is_file():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as f:
            shutil.copyfileobj(f, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, dest)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return dest


def _label(row: dict[str, Any]) -> str:
    bits = " · ".join(str(b) for b in (row["source"], row["published"]) if b)
    return f"{row['title'] or '(untitled)'}" + (f" ({bits})" if bits else "")


class Corpus:
    """The corpus tab's handlers, separate from its layout so tests can call them directly."""

    def __init__(self, pipeline: Pipeline, uploads_dir: Path | None = None):
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self.uploads = Path(uploads_dir or self.settings.store.path.parent / "uploads")

    def view(self, search: str = "") -> tuple[str, list[list[Any]], list[tuple[str, str]]]:
        """(summary, table rows, delete choices), the rows limited to titles or outlets that
        contain `search` (case-insensitive)."""
        try:
            info = self.pipeline.corpus()
        except NewsdeskError as exc:
            return f"**Corpus unavailable:** {escape_text(str(exc))}", [], []
        needle = (search or "").strip().lower()
        rows = [r for r in info["rows"] if needle in f"{r['title']}\n{r['source']}".lower()]
        shown = f" {len(rows)} match '{escape_text(search.strip())}'." if needle else ""
        table = [[r["published"] or "–", r["source"] or "–", r["title"], r["chunks"]] for r in rows]
        return (f"**{info['articles']} articles, {info['chunks']} chunks indexed.**{shown}", table,
                [(_label(r), r["id"]) for r in rows])  # fmt: skip

    def delete(self, doc_id: str | None, search: str = "") -> tuple[str, str, list[list[Any]], list[tuple[str, str]]]:
        """Delete one article from the store; returns (status, summary, rows, choices)."""
        if not doc_id:
            return "Choose an article to delete first.", *self.view(search)
        title = next((r["title"] for r in self.pipeline.corpus()["rows"] if r["id"] == doc_id), None)
        if title is None:
            return "That article is no longer in the store.", *self.view(search)
        try:
            rep = self.pipeline.remove([doc_id])
        except NewsdeskError as exc:
            return escape_text(f"Delete failed: {friendly_error(exc)}"), *self.view(search)
        n = rep.chunks_deleted
        status = f"Deleted '{title}' ({n} chunk{'s' if n != 1 else ''}). It is no longer searched or cited."
        return escape_text(status), *self.view(search)

    def ingest_files(self, files: list[Any] | None, progress: Any = None) -> tuple[str, str, list[list[Any]], list[tuple[str, str]]]:
        """Copy uploads into the uploads folder and ingest them; returns (status, summary, rows, choices)."""
        if not files:
            return "Choose article files first.", *self.view()
        paths, skipped = self._store_uploads(files)
        if not paths:
            return escape_text("Nothing to ingest: " + "; ".join(skipped)), *self.view()
        rep, failed = self._ingest(paths, progress)
        if rep is None:
            return failed, *self.view()
        lines = [f"Ingested {len(paths)} file(s): {rep.added} new, {rep.updated} updated, {rep.unchanged} unchanged; "
                 f"{rep.chunks_total} chunks in the store."]  # fmt: skip
        lines += [f"skipped {Path(w.split('#')[0]).name}: {why}" for w, why in rep.skipped] + [f"skipped {s}" for s in skipped]
        return self._said(lines)

    def ingest_urls(self, text: str | None, progress: Any = None) -> tuple[str, str, list[list[Any]], list[tuple[str, str]]]:
        """Fetch and ingest the pages, feeds or sitemaps listed one per line; returns (status, summary, rows, choices)."""
        urls = [u.strip() for u in (text or "").splitlines() if u.strip()]
        bad = [u for u in urls if not u.lower().startswith(("http://", "https://"))]
        if not urls or bad:
            return escape_text(f"Give page, feed or sitemap URLs starting with http:// or https://{': not ' + bad[0] if bad else ''}."), *self.view()
        rep, failed = self._ingest(urls, progress)
        if rep is None:
            return failed, *self.view()
        lines = [f"Read {rep.files_read} page(s) or feed(s): {rep.added} new, {rep.updated} updated, {rep.unchanged} unchanged, "
                 f"{rep.not_modified} not modified, {rep.copies} copies of a stored report."]  # fmt: skip
        return self._said(lines + [f"skipped {w}: {why}" for w, why in rep.skipped])

    def _ingest(self, sources: list[Any], progress: Any) -> tuple[IngestReport | None, str]:
        """Ingest with Gradio's progress bar; (report, "") or (None, why it failed)."""

        def bar(done: int, total: int, msg: str) -> None:
            if progress is not None:
                progress((done, max(total, 1)), desc=f"ingesting: {msg}")

        try:
            return self.pipeline.ingest(sources, progress=bar), ""
        except NewsdeskError as exc:
            return None, escape_text(f"Ingest failed: {friendly_error(exc)}")

    def _said(self, lines: list[str]) -> tuple[str, str, list[list[Any]], list[tuple[str, str]]]:
        # File names, titles and URLs come from whoever supplied them: shown as text, never as Markdown.
        return "<br>".join(escape_text(line) for line in lines), *self.view()

    def _store_uploads(self, files: list[Any]) -> tuple[list[Path], list[str]]:
        paths: list[Path] = []
        skipped: list[str] = []
        limit = self.settings.ui.max_upload_mb * 1024 * 1024
        for f in files:
            src = Path(getattr(f, "name", f))
            if src.suffix.lower() not in UPLOAD_TYPES:
                skipped.append(f"{src.name}: unsupported type")
                continue
            try:
                if src.stat().st_size > limit:
                    skipped.append(f"{src.name}: larger than {self.settings.ui.max_upload_mb} MB")
                    continue
                paths.append(store_upload(src, self.uploads))
            except OSError as exc:
                skipped.append(f"{src.name}: could not be stored ({exc.strerror or type(exc).__name__})")
        return paths, skipped

    def refresh(self, search: str = "") -> tuple[str, list[list[Any]], list[tuple[str, str]]]:
        self.pipeline.retriever.invalidate()
        return self.view(search)


def corpus_tab(corpus: Corpus) -> Any:
    """The tab's layout and events; returns the upload, delete and fetch events (the chat's
    outlet choices follow them)."""
    import gradio as gr

    def choosing(*result: Any) -> tuple[Any, ...]:
        return (*result[:-1], gr.update(choices=result[-1], value=None))  # the delete list follows the table

    def narrowing(search: str) -> tuple[Any, ...]:
        # Only the choices: a search typed after choosing an article must not unchoose it.
        summary, rows, choices = corpus.view(search)
        return summary, rows, gr.update(choices=choices)

    def ingest(files: list[Any] | None, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - gradio injects progress this way
        return choosing(*corpus.ingest_files(files, progress))

    def fetch(urls: str, progress: Any = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008 - as above
        return choosing(*corpus.ingest_urls(urls, progress))

    summary, rows, choices = corpus.view()
    search = gr.Textbox("", label="Search titles and outlets", elem_id="nd-corpus-search", max_length=200)
    stats = gr.Markdown(summary, elem_id="nd-corpus-stats")
    table = gr.Dataframe(rows, headers=HEADERS, interactive=False, wrap=True, max_height=300, elem_id="nd-corpus")
    with gr.Row():
        doomed = gr.Dropdown(choices, value=None, label="Article to delete", elem_id="nd-delete-choice", scale=3)
        remove = gr.Button("Delete article", variant="stop", size="sm", elem_id="nd-delete", scale=1)
    upload = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="Add articles")
    add = gr.Button("Ingest uploaded files")
    urls = gr.Textbox("", label="Or add from the web: page, feed or sitemap URLs, one per line", lines=2,
                      max_length=20_000, elem_id="nd-urls")  # fmt: skip
    with gr.Row():
        fetch_button = gr.Button("Fetch and ingest", elem_id="nd-fetch", scale=2)
        keep = gr.Checkbox(False, label=f"Keep these current (every {WATCH_MINUTES} min)", elem_id="nd-watch", scale=3)
    # The same poll as `newsdesk watch`: the idempotent ingest, asking only for what changed.
    timer = gr.Timer(WATCH_MINUTES * 60, active=False)
    status = gr.Markdown("", elem_id="nd-corpus-status")
    listing = [stats, table, doomed]
    gr.Button("Refresh", size="sm").click(lambda q: choosing(*corpus.refresh(q)), [search], listing, api_visibility="private")
    search.change(narrowing, [search], listing, api_visibility="private")
    removed = remove.click(lambda d, q: choosing(*corpus.delete(d, q)), [doomed, search], [status, *listing],
                           concurrency_limit=1, api_visibility="private")  # fmt: skip
    added = add.click(ingest, [upload], [status, *listing], concurrency_limit=1, api_name="ingest")
    fetched = fetch_button.click(fetch, [urls], [status, *listing], concurrency_limit=1, api_visibility="private")
    keep.change(lambda on: gr.Timer(active=bool(on)), [keep], [timer], api_visibility="private")
    polled = timer.tick(lambda u: choosing(*corpus.ingest_urls(u)), [urls], [status, *listing], concurrency_limit=1,
                        api_visibility="private")  # fmt: skip
    return added, removed, fetched, polled
