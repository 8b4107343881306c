"""What every chat model is: the `ChatModel` protocol (and `LogitModel`, for a model that
reads out its first-token logits), the `LLMEvent`s a stream yields, and `locked_stream`,
which runs a generation that must hold a model's lock."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

Message = dict[str, str]


@dataclass
class LLMEvent:
    text: str = ""
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None


class ChatModel(Protocol):
    name: str
    n_ctx: int
    # Capability, declared by each provider: it can read out its first-token logits, so a
    # Yes/No verdict is decided in code from them (it is then also a `LogitModel`).
    reads_logits: bool

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]: ...

    def count_tokens(self, text: str) -> int: ...

    def warm(self, system: str) -> None:
        """Prepare for prompts that start with `system` (a local model processes it once)."""


class LogitModel(ChatModel, Protocol):
    """A model whose first-token distribution can be read: whether the sources answer the
    question and, for a Yes/No question, which, are decided in code from it with calibrated
    thresholds; the model then writes the answer after the chosen first word."""

    def first_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float] | None:
        """log P(the answer's first token is the first token of each word); None when unknown."""

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float,
                     banned: tuple[str, ...] = (), avoid: Callable[[str], bool] | None = None) -> Iterator[LLMEvent]:  # fmt: skip
        """The answer after `prefix`, never starting a word with the first token of a banned one,
        nor (where the provider chooses tokens itself) beginning as `avoid` rejects."""


def locked_stream(lock: threading.Lock, produce: Callable[[], Iterator[LLMEvent]], idle_s: float = 30.0) -> Iterator[LLMEvent]:
    """Run `produce()` in a worker thread that holds `lock`, handing its events over a
    bounded queue. llama.cpp is not re-entrant, so one generation at a time holds the
    model; a consumer that closes or drops the stream (a stopped answer, a closed browser
    tab), or stops reading for `idle_s`, ends the worker and frees the model for the next."""
    events: queue.Queue[object] = queue.Queue(maxsize=8)
    gone = threading.Event()
    end = object()

    def offer(item: object) -> bool:
        deadline = time.monotonic() + idle_s
        while not gone.is_set() and time.monotonic() < deadline:
            try:
                events.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        with lock:
            try:
                for ev in produce():
                    if not offer(ev):
                        return
                offer(end)
            except Exception as exc:  # handed to the consumer, raised there
                offer(exc)

    threading.Thread(target=work, name="newsdesk-llm", daemon=True).start()
    try:
        while (item := events.get()) is not end:
            if isinstance(item, Exception):
                raise item
            yield item  # type: ignore[misc]
    finally:
        gone.set()
