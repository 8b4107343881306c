"""The Gradio chat UI: streamed answers, citations linked to a sources panel, a corpus panel.

`build_app(pipeline)` is handed its pipeline (a real one, or one with fakes in tests) and
returns the Blocks without launching anything; `main()` launches it safely: loopback by
default, a password when exposed, no share link, bounded queue.
"""

from __future__ import annotations

import hashlib
import html
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag import (
    Answer,
    InvalidQuestion,
    ModelUnavailable,
    NewsdeskError,
    Pipeline,
    Retrieved,
    StoreUnavailable,
    Token,
    clean_answer,
    load_settings,
    redact,
)
from ui.controls import ESCAPE_STOPS, IDLE_PLACEHOLDER, Controls, remember_conversation, wire_asking, with_controls
from ui.filters import describe, filter_controls, outlet_choices, parse_filters
from ui.render import CSS, escape_text, render_answer, sources_html
from ui.serving import LOOPBACK, bind_address, bind_parser

log = logging.getLogger("newsdesk.ui")

EXAMPLES = [
    "How many settlements near Bakhmut were bombarded?",
    "What did Stoltenberg say about providing fighter aircraft?",
    "What is Putin preparing for, according to Stoltenberg?",
]
UPLOAD_TYPES = [".txt", ".md", ".html", ".htm", ".json", ".jsonl"]


def friendly_error(exc: BaseException) -> str:
    """What a person sees when something fails: the cause and what to do, never a trace."""
    if isinstance(exc, InvalidQuestion):
        return f"Please rephrase: {exc}."
    if isinstance(exc, StoreUnavailable):
        return f"The article store is unreachable right now ({redact(str(exc))}). Please try again shortly."
    if isinstance(exc, ModelUnavailable):
        return f"The language model failed ({redact(str(exc))}). Please try again shortly."
    if isinstance(exc, NewsdeskError):
        return f"Something went wrong: {redact(str(exc))}"
    return "Something went wrong while answering. The error was logged; please try again."


def corpus_table(pipe: Pipeline) -> tuple[str, list[list[Any]]]:
    try:
        info = pipe.corpus()
    except NewsdeskError as exc:
        return f"**Corpus unavailable:** {escape_text(str(exc))}", []
    rows = [[r["published"] or "–", r["source"] or "–", r["title"]] for r in info["rows"]]
    return f"**{info['articles']} articles, {info['chunks']} chunks indexed.**", rows


STOPPED_NOTE = "<small><em>Stopped: this partial answer was not checked against its sources.</em></small>"


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text, whether Gradio sent it as a string or as parts."""
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


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


class Handlers:
    """The UI's event handlers, separate from the layout so tests can call them directly."""

    def __init__(self, pipeline: Pipeline, uploads_dir: Path | None = None):
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self.uploads = Path(uploads_dir or self.settings.store.path.parent / "uploads")

    def respond(
        self, message: str, history: list[dict[str, Any]], pairs: list[tuple[str, str]], top_k: float,
        outlets: list[str] | None = None, since: str = "", until: str = "",
    ) -> Iterator[tuple[Any, ...]]:
        """Stream (chat history, sources panel HTML or None, conversation, textbox value)."""
        history = list(history or [])
        pairs = list(pairs or [])
        # Checked on the server: the browser's max length is only a convenience. Over-long
        # or empty questions are answered by the pipeline's validation below.
        if not isinstance(message, str) or not message.strip():
            yield history, None, pairs, ""
            return
        history.append({"role": "user", "content": escape_text(message.strip()[: self.settings.max_question_chars])})
        history.append({"role": "assistant", "content": "…"})
        yield history, None, pairs, ""
        streamed = ""
        try:
            k = int(top_k) if isinstance(top_k, (int, float)) else None
            filters = parse_filters(outlets, since, until)
            for ev in self.pipeline.stream(message, top_k=k, filters=filters, history=pairs[-3:]):
                if isinstance(ev, Retrieved):
                    yield history, sources_html(None, ev.context.sources), pairs, ""
                elif isinstance(ev, Token):
                    streamed += ev.text
                    # The same cleaning as the final answer: no link is live even for a moment.
                    history[-1] = {"role": "assistant", "content": escape_text(clean_answer(streamed)) + " ▌"}
                    yield history, None, pairs, ""
                elif isinstance(ev, Answer):
                    searched = f"<br><small>{escape_text(describe(filters))}</small>" if filters else ""
                    history[-1] = {"role": "assistant", "content": render_answer(ev) + searched}
                    pairs.append((message.strip(), ev.text))
                    yield history, sources_html(ev), pairs, ""
        except Exception as exc:
            if not isinstance(exc, NewsdeskError):
                log.exception("answering failed")
            history[-1] = {"role": "assistant", "content": escape_text(friendly_error(exc))}
            yield history, None, pairs, ""

    @staticmethod
    def stopped(history: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """The chat after Stop: the partial answer stays, marked as stopped and unchecked."""
        history = list(history or [])
        if history and history[-1].get("role") == "assistant":
            text = message_text(history[-1]).removesuffix(" ▌").removesuffix("…").rstrip()
            history[-1] = {"role": "assistant", "content": (text + "<br>" if text else "") + STOPPED_NOTE}
        return history

    @staticmethod
    def take_back(history: list[dict[str, Any]] | None, pairs: list[Any] | None) -> tuple[list[Any], list[Any], str]:
        """Retry and edit: the chat and conversation without the last question, and that question."""
        history, pairs = list(history or []), list(pairs or [])
        asked = [i for i, m in enumerate(history) if m.get("role") == "user"]
        if not asked:
            return history, pairs, ""
        question = html.unescape(message_text(history[asked[-1]]))
        if pairs and pairs[-1][0] == question:  # it was answered, so it is in the conversation
            pairs.pop()
        return history[: asked[-1]], pairs, question

    def ingest_files(self, files: list[Any] | None, progress: Any = None) -> tuple[str, str, list[list[Any]]]:
        """Copy uploads into the uploads folder and ingest them; returns (status, stats, rows)."""
        if not files:
            return "Choose article files first.", *corpus_table(self.pipeline)
        paths = []
        limit = self.settings.ui.max_upload_mb * 1024 * 1024
        skipped = []
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
        if not paths:
            return escape_text("Nothing to ingest: " + "; ".join(skipped)), *corpus_table(self.pipeline)

        def bar(done: int, total: int, msg: str) -> None:
            if progress is not None:
                progress((done, max(total, 1)), desc=f"ingesting: {msg}")

        try:
            rep = self.pipeline.ingest(paths, progress=bar)
        except NewsdeskError as exc:
            return escape_text(f"Ingest failed: {friendly_error(exc)}"), *corpus_table(self.pipeline)
        lines = [f"Ingested {len(paths)} file(s): {rep.added} new, {rep.updated} updated, {rep.unchanged} unchanged; "
                 f"{rep.chunks_total} chunks in the store."]  # fmt: skip
        lines += [f"skipped {Path(w.split('#')[0]).name}: {why}" for w, why in rep.skipped] + [f"skipped {s}" for s in skipped]
        # File names and titles come from whoever uploaded them: shown as text, never as Markdown.
        return "<br>".join(escape_text(line) for line in lines), *corpus_table(self.pipeline)

    def refresh(self) -> tuple[str, list[list[Any]]]:
        self.pipeline.retriever.invalidate()
        return corpus_table(self.pipeline)


def build_app(pipeline: Pipeline, uploads_dir: Path | None = None) -> Any:
    import gradio as gr

    settings = pipeline.settings
    h = Handlers(pipeline, uploads_dir)

    def ingest_files(files: list[Any] | None, progress: Any = gr.Progress()) -> tuple[str, str, list[list[Any]]]:  # noqa: B008 - gradio injects progress this way
        return h.ingest_files(files, progress)

    names = pipeline.model_names()
    with gr.Blocks(title="Newsdesk") as app:
        gr.Markdown("## Newsdesk\nAsk about the articles. Every claim is cited; click a [n] to see its source.")
        pairs = gr.State([])
        with gr.Row():
            with gr.Column(scale=3):
                chat = gr.Chatbot(label="Chat", height=520, buttons=["copy"], sanitize_html=True,
                                  elem_id="nd-chat")  # fmt: skip
                with gr.Row():
                    box = gr.Textbox(placeholder=IDLE_PLACEHOLDER, show_label=False, scale=5,
                                     max_length=settings.max_question_chars, elem_id="nd-question")  # fmt: skip
                    send = gr.Button("Ask", variant="primary", scale=1, elem_id="nd-ask")
                    stop = gr.Button("Stop", variant="stop", scale=1, interactive=False, elem_id="nd-stop")
                with gr.Row():
                    retry = gr.Button("Retry", size="sm", elem_id="nd-retry")
                    edit = gr.Button("Edit last question", size="sm", elem_id="nd-edit")
                outlets, since, until = filter_controls(pipeline)
                gr.Examples(EXAMPLES, inputs=box, label="Try")
                clear = gr.Button("Clear chat", size="sm")
            with gr.Column(scale=2):
                with gr.Tab("Sources"):
                    sources = gr.HTML(sources_html(None), elem_id="nd-sources")
                with gr.Tab("Corpus"):
                    stats_md, rows = corpus_table(pipeline)
                    stats = gr.Markdown(stats_md)
                    table = gr.Dataframe(rows, headers=["published", "outlet", "title"], interactive=False,
                                         wrap=True, max_height=300)  # fmt: skip
                    upload = gr.File(file_count="multiple", file_types=UPLOAD_TYPES, label="Add articles")
                    add = gr.Button("Ingest uploaded files")
                    status = gr.Markdown("")
                    gr.Button("Refresh", size="sm").click(h.refresh, outputs=[stats, table], api_name=False)
                with gr.Tab("Settings"):
                    top_k = gr.Slider(1, 12, value=settings.retrieval.top_k, step=1, label="Number of sources")
                    gr.Textbox(f"LLM: {names['llm']}\nEmbedding: {names['embedding']}\nStore: {names['store']}",
                               label="Models in use", interactive=False, lines=3)  # fmt: skip

        ask_args = {"fn": with_controls(h.respond), "inputs": [box, chat, pairs, top_k, outlets, since, until],
                    "outputs": [chat, sources, pairs], "concurrency_limit": settings.ui.concurrency}  # fmt: skip
        wire_asking(Controls(box, send, stop, retry, edit), chat, pairs, ask_args, h)
        clear.click(lambda: ([], [], sources_html(None)), outputs=[chat, pairs, sources], api_name=False)
        remember_conversation(app, chat, pairs)
        added = add.click(ingest_files, inputs=[upload], outputs=[status, stats, table], concurrency_limit=1,
                          api_name="ingest")  # fmt: skip
        added.then(lambda: gr.update(choices=outlet_choices(pipeline)), None, outlets, api_name=False)
    return app


def check_exposure(host: str, username: str | None, password: str | None) -> None:
    """Refuse to serve beyond loopback without a username and password."""
    if host not in LOOPBACK and not (username and password):
        raise SystemExit(
            f"newsdesk ui: refusing to bind {host} without authentication. Set NEWSDESK_UI__USERNAME and "
            "NEWSDESK_UI__PASSWORD, or bind 127.0.0.1."
        )


def launch(app: Any, pipeline: Pipeline, host: str, port: int, prevent_thread_lock: bool = False) -> Any:
    ui = pipeline.settings.ui
    password = ui.password.get_secret_value() if ui.password else None
    check_exposure(host, ui.username, password)
    app.queue(default_concurrency_limit=ui.concurrency, max_size=ui.queue_size)
    return app.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=(ui.username, password) if ui.username and password else None,
        enable_monitoring=False,
        max_file_size=f"{ui.max_upload_mb}mb",
        show_error=False,
        prevent_thread_lock=prevent_thread_lock,
        quiet=True,
        css=CSS,
        js=ESCAPE_STOPS,
        footer_links=[],
    )


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    p = bind_parser("newsdesk ui", "Start the Newsdesk chat UI.")
    p.add_argument("--no-ingest", action="store_true", help="do not ingest the seeds when the store is empty")
    args = p.parse_args(argv)
    settings = load_settings()
    host, port = bind_address(args, settings.ui.host, settings.ui.port)
    password = settings.ui.password.get_secret_value() if settings.ui.password else None
    check_exposure(host, settings.ui.username, password)
    pipe = Pipeline(settings)
    try:
        if pipe.store.count() == 0 and not args.no_ingest:
            print(f"The store is empty: ingesting {settings.seeds_dir} ...", flush=True)
            rep = pipe.ingest([settings.seeds_dir])
            print(f"  {rep.added} article(s), {rep.chunks_total} chunks.", flush=True)
        print(f"Loading the language model ({settings.llm.model}) ...", flush=True)
        pipe.llm  # noqa: B018 - load now, not on the first question
    except NewsdeskError as exc:
        print(f"newsdesk ui: {redact(str(exc))}", file=sys.stderr)
        return 2
    app = build_app(pipe)
    shown = "127.0.0.1" if host in {"0.0.0.0", "::"} else host
    print(f"Newsdesk is running at http://{shown}:{port}/  (Ctrl-C to stop)", flush=True)
    launch(app, pipe, host, port)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
