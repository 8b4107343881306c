"""The asking controls: the question box, Ask and Stop, locked while an answer streams."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

BUSY_PLACEHOLDER = "Answering… press Stop to ask something else now."
IDLE_PLACEHOLDER = "Ask about the articles…"
# One Gradio queue for answering and for Stop's late settling: a queue runs its events in the
# order they came, while separate queues are picked in random order.
ANSWERING = "answering"
# Run by the page once it loads: Esc stops an answer from anywhere on the page.
ESCAPE_STOPS = """() => {
  document.addEventListener("keydown", (e) => {
    const stop = document.querySelector("button#nd-stop");
    if (e.key === "Escape" && stop && !stop.disabled) stop.click();
  });
}"""


@dataclass
class Controls:
    """The buttons around the question box (Gradio components)."""

    box: Any
    send: Any
    stop: Any
    retry: Any
    edit: Any

    def all(self) -> list[Any]:
        return [self.box, self.send, self.stop, self.retry, self.edit]


def wire_asking(c: Controls, chat: Any, turns: Any, ask_args: dict[str, Any], handlers: Any) -> list[Any]:
    """While an answer streams, the question box is locked (its placeholder says why) and Stop
    is enabled: a question typed meanwhile was silently dropped before. The answer's own
    updates lock and unlock, so a cancelled or refused event leaves nothing locked. Stop
    cancels the answer, keeps what streamed (marked unchecked) and unlocks the box. Retry asks
    the last question again; Edit puts it back in the box. Both take its turn out first.
    Returns every event that changes the conversation."""
    args = {**ask_args, "outputs": [*ask_args["outputs"], *c.all()], "trigger_mode": "multiple",
            "concurrency_id": ANSWERING}  # fmt: skip
    # "multiple": the controls are locked while answering anyway, and Gradio's default ("once")
    # keeps a cancelled answer pending in the page, which then ignored every later question.
    taken = {"fn": handlers.take_back, "inputs": [chat, turns], "outputs": [chat, turns, c.box], "queue": False,
             "api_name": False}  # fmt: skip
    answers = [c.box.submit(**args, api_name="ask"), c.send.click(**args, api_visibility="private"),
               c.retry.click(**taken).then(**args, api_visibility="private")]  # fmt: skip
    edited = c.edit.click(**taken)
    settle = {"fn": lambda history: (handlers.stopped(history), *controls_state(answering=False, clear=False)),
              "inputs": [chat], "outputs": [chat, *c.all()], "api_name": False, "show_progress": "hidden"}  # fmt: skip
    stopped = c.stop.click(**settle, cancels=answers, queue=False)
    # An update the cancelled answer had already sent can land after Stop's and lock the box
    # again, "Answering…" with nothing answering (the browser test caught it). The same
    # settling, queued, lands after it. It shares the answers' queue, which runs in order, so a
    # question asked meanwhile is answered after it and its stale chat cannot hide that question;
    # and it leaves the box's text alone, so what the user began typing is kept.
    settled = stopped.then(**settle, queue=True, concurrency_id=ANSWERING)
    return [*answers, edited, settled]


def controls_state(answering: bool, clear: bool = True) -> tuple[Any, ...]:
    """Updates for (question box, Ask, Stop, Retry, Edit): locked with the reason while answering.
    `clear` empties the box; otherwise its text is left as it is."""
    import gradio as gr

    placeholder = BUSY_PLACEHOLDER if answering else IDLE_PLACEHOLDER
    idle = gr.update(interactive=not answering)
    text: dict[str, Any] = {"value": ""} if clear else {}
    return (gr.update(**text, interactive=not answering, placeholder=placeholder), idle,
            gr.update(interactive=answering), idle, idle)  # fmt: skip


def with_controls(respond: Callable[..., Iterator[tuple[Any, ...]]]) -> Callable[..., Iterator[tuple[Any, ...]]]:
    """`Handlers.respond` as a Gradio event: (chat, sources, conversation) and the controls,
    locked while it streams and unlocked by its last update."""
    import gradio as gr

    def run(message: str, history: list[dict[str, Any]], turns: list[Any], top_k: float,
            outlets: list[str] | None = None, since: str = "", until: str = "") -> Iterator[tuple[Any, ...]]:  # fmt: skip
        chat_, turns_, panel_ = history, turns, None
        for n, (chat_, panel, turns_, _box) in enumerate(respond(message, history, turns, top_k, outlets, since, until)):
            panel_ = panel if panel is not None else panel_
            # Copies: `respond` keeps appending to its lists, and Gradio keeps what it was handed
            # as the state to compare with, so a list changed in place could raise no change event.
            # Only the first update empties the box: a late one, landing after Stop, must not
            # wipe what the user has begun typing.
            locked = controls_state(answering=True, clear=n == 0)
            yield [*chat_], (gr.skip() if panel is None else panel), [*turns_], *locked
        # The last update repeats the answer, so an API client's final result holds it whole. It
        # may empty the box: the box was locked until this update unlocks it.
        yield [*chat_], (gr.skip() if panel_ is None else panel_), [*turns_], *controls_state(answering=False)

    return run


def restore(kept: Any, chat: list[Any] | None, turns: list[Any] | None) -> tuple[Any, Any]:
    """The conversation kept in the browser, unless one has begun: then nothing is touched.
    The page's load can run after a question asked the moment the page opened; `turns` is
    read on the server when this runs, so an answer already given is seen and kept."""
    import gradio as gr

    if chat or turns:
        return gr.skip(), gr.skip()
    if isinstance(kept, list) and len(kept) == 2 and isinstance(kept[0], list) and isinstance(kept[1], list):
        return kept[0], kept[1]
    return [], []


def remember_conversation(app: Any, chat: Any, turns: Any) -> Any:
    """The chat and its conversation survive a reload: kept in the browser's own storage
    (Gradio's BrowserState, encrypted with a key of this server run), restored on load."""
    import gradio as gr

    saved = gr.BrowserState([[], []], storage_key="newsdesk-conversation")
    restored = app.load(restore, [saved, chat, turns], [chat, turns], api_visibility="private")
    chat.change(lambda history, convo: [history or [], convo or []], [chat, turns], [saved],
                trigger_mode="always_last", api_visibility="private")  # fmt: skip - the last state is the one to keep
    return restored
