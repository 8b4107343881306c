"""The Gradio chat UI: streamed answers, citations linked to a sources panel with the story's
timeline, filters, a corpus tab, and a conversation that can be stopped, retried, edited,
kept across reloads and exported.

`build_app(pipeline)` is handed its pipeline (a real one, or one with fakes in tests) and
returns the Blocks without launching anything; `main()` launches it safely: loopback by
default, a password when exposed, no share link, bounded queue.
"""

from __future__ import annotations

import html
import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from rag import Answer, NewsdeskError, Pipeline, Retrieved, Token, clean_answer, load_settings, redact
from ui.controls import ESCAPE_STOPS, IDLE_PLACEHOLDER, Controls, remember_conversation, wire_asking, with_controls
from ui.conversation import export_file, model_history, question_of, turn_of
from ui.corpus import Corpus, corpus_tab
from ui.filters import describe, filter_controls, outlet_choices, parse_filters
from ui.messages import friendly_error, message_text
from ui.render import CSS, escape_text, render_answer, sources_html
from ui.serving import LOOPBACK, bind_address, bind_parser

log = logging.getLogger("newsdesk.ui")

EXAMPLES = [
    "How many settlements near Bakhmut were bombarded?",
    "What did Stoltenberg say about providing fighter aircraft?",
    "What is Putin preparing for, according to Stoltenberg?",
]
STOPPED_NOTE = "<small><em>Stopped: this partial answer was not checked against its sources.</em></small>"


def notes_html(searched: str, chips: list[str]) -> str:
    """The lines under an answer: what was searched, and what the question itself named."""
    out = f"<br><small>{escape_text(searched)}</small>" if searched else ""
    if chips:
        named = "".join(f'<span class="nd-chip">{escape_text(c)}</span>' for c in chips)
        out += f'<br><small class="nd-named">question named: {named}</small>'
    return out


class Handlers:
    """The UI's event handlers, separate from the layout so tests can call them directly."""

    def __init__(self, pipeline: Pipeline):
        self.pipeline = pipeline
        self.settings = pipeline.settings

    def respond(
        self, message: str, history: list[dict[str, Any]], turns: list[Any], top_k: float,
        outlets: list[str] | None = None, since: str = "", until: str = "",
    ) -> Iterator[tuple[Any, ...]]:
        """Stream (chat history, sources panel HTML or None, conversation turns, textbox value)."""
        history = list(history or [])
        turns = list(turns or [])
        # Checked on the server: the browser's max length is only a convenience. Over-long
        # or empty questions are answered by the pipeline's validation below.
        if not isinstance(message, str) or not message.strip():
            yield history, None, turns, ""
            return
        history.append({"role": "user", "content": escape_text(message.strip()[: self.settings.max_question_chars])})
        history.append({"role": "assistant", "content": "…"})
        yield history, None, turns, ""
        streamed, chips = "", []
        try:
            k = int(top_k) if isinstance(top_k, (int, float)) else None
            filters = parse_filters(outlets, since, until)
            for ev in self.pipeline.stream(message, top_k=k, filters=filters, history=model_history(turns[-3:])):
                if isinstance(ev, Retrieved):
                    chips = ev.retrieval.hints.chips()
                    yield history, sources_html(None, ev.context.sources), turns, ""
                elif isinstance(ev, Token):
                    streamed += ev.text
                    # The same cleaning as the final answer: no link is live even for a moment.
                    history[-1] = {"role": "assistant", "content": escape_text(clean_answer(streamed)) + " ▌"}
                    yield history, None, turns, ""
                elif isinstance(ev, Answer):
                    history[-1] = {"role": "assistant", "content": render_answer(ev) + notes_html(describe(filters), chips)}
                    turns.append(turn_of(message.strip(), ev, [describe(filters)] if filters else []))
                    yield history, sources_html(ev), turns, ""
        except Exception as exc:
            if not isinstance(exc, NewsdeskError):
                log.exception("answering failed")
            history[-1] = {"role": "assistant", "content": escape_text(friendly_error(exc))}
            yield history, None, turns, ""

    @staticmethod
    def stopped(history: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
        """The chat after Stop: the partial answer stays, marked as stopped and unchecked."""
        history = list(history or [])
        last = message_text(history[-1]) if history and history[-1].get("role") == "assistant" else None
        if last is not None and not last.endswith(STOPPED_NOTE):  # Stop settles twice (ui/controls.py)
            text = last.removesuffix(" ▌").removesuffix("…").rstrip()
            history[-1] = {"role": "assistant", "content": (text + "<br>" if text else "") + STOPPED_NOTE}
        return history

    @staticmethod
    def take_back(history: list[dict[str, Any]] | None, turns: list[Any] | None) -> tuple[list[Any], list[Any], str]:
        """Retry and edit: the chat and conversation without the last question, and that question."""
        history, turns = list(history or []), list(turns or [])
        asked = [i for i, m in enumerate(history) if m.get("role") == "user"]
        if not asked:
            return history, turns, ""
        question = html.unescape(message_text(history[asked[-1]]))
        if turns and question_of(turns[-1]) == question:  # it was answered, so it is in the conversation
            turns.pop()
        return history[: asked[-1]], turns, question


def build_app(pipeline: Pipeline, uploads_dir: Path | None = None) -> Any:
    import gradio as gr

    settings = pipeline.settings
    h = Handlers(pipeline)
    names = pipeline.model_names()
    with gr.Blocks(title="Newsdesk") as app:
        gr.Markdown("## Newsdesk\nAsk about the articles. Every claim is cited; click a [n] to see its source.")
        turns = gr.State([])
        with gr.Row():
            with gr.Column(scale=3, min_width=340):
                chat = gr.Chatbot(label="Chat", height=520, buttons=["copy"], sanitize_html=True,
                                  elem_id="nd-chat")  # fmt: skip
                with gr.Row():
                    box = gr.Textbox(placeholder=IDLE_PLACEHOLDER, show_label=False, scale=5, min_width=200,
                                     max_length=settings.max_question_chars, elem_id="nd-question")  # fmt: skip
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=60, elem_id="nd-ask")
                    stop = gr.Button("Stop", variant="stop", scale=1, min_width=60, interactive=False, elem_id="nd-stop")
                with gr.Row():
                    retry = gr.Button("Retry", size="sm", min_width=90, elem_id="nd-retry")
                    edit = gr.Button("Edit last question", size="sm", min_width=90, elem_id="nd-edit")
                    new = gr.Button("New chat", size="sm", min_width=90, elem_id="nd-new")
                    export = gr.DownloadButton("Export as Markdown", size="sm", min_width=90, interactive=False,
                                                elem_id="nd-export")  # fmt: skip
                outlets, since, until = filter_controls(pipeline)
                gr.Examples(EXAMPLES, inputs=box, label="Try")
            with gr.Column(scale=2, min_width=340):
                with gr.Tab("Sources"):
                    sources = gr.HTML(sources_html(None), elem_id="nd-sources")
                with gr.Tab("Corpus", elem_id="nd-corpus-tab"):
                    corpus_events = corpus_tab(Corpus(pipeline, uploads_dir))
                with gr.Tab("Settings"):
                    top_k = gr.Slider(1, 12, value=settings.retrieval.top_k, step=1, label="Number of sources")
                    gr.Textbox(f"LLM: {names['llm']}\nEmbedding: {names['embedding']}\nStore: {names['store']}",
                               label="Models in use", interactive=False, lines=3)  # fmt: skip

        ask_args = {"fn": with_controls(h.respond), "inputs": [box, chat, turns, top_k, outlets, since, until],
                    "outputs": [chat, sources, turns], "concurrency_limit": settings.ui.concurrency}  # fmt: skip
        changing = wire_asking(Controls(box, send, stop, retry, edit), chat, turns, ask_args, h)
        changing.append(new.click(lambda: ([], [], sources_html(None)), outputs=[chat, turns, sources], api_visibility="private"))
        changing.append(remember_conversation(app, chat, turns))
        # Each event that changes the conversation writes the export after it: a State's own
        # change event was missed now and then (measured: 1 answer in about 10 had no export).
        for event in changing:
            event.then(lambda t: gr.update(value=export_file(t), interactive=bool(t)), [turns], [export], api_visibility="private")
        for changed in corpus_events:
            changed.then(lambda: gr.update(choices=outlet_choices(pipeline)), None, outlets, api_visibility="private")
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


def seed_if_empty(pipe: Pipeline) -> None:
    """Ingest the seeds into an empty store, so a first start has something to answer from.
    Without a seeds folder (an installed package, or the setting pointing elsewhere) the UI
    starts empty and says so: articles can be added in it."""
    seeds = pipe.settings.seeds_dir
    if pipe.store.count():
        return
    if not seeds.exists():
        print(f"The store is empty and {seeds} does not exist: add articles in the UI.", flush=True)
        return
    print(f"The store is empty: ingesting {seeds} ...", flush=True)
    rep = pipe.ingest([seeds])
    print(f"  {rep.added} article(s), {rep.chunks_total} chunks.", flush=True)


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
        if not args.no_ingest:
            seed_if_empty(pipe)
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
