"""Fakes for the fast tier, injected the way real providers are (`Pipeline(llm=...)`).

`QueueModel` is scriptable like simonw/llm's `MockModel`: `enqueue` the next replies
(text, or a function of the prompt's messages); with the queue empty it quotes the first
sentence of source 1, so the whole answer path runs without a model.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from rag.providers.embedding import HashingEmbedder
from rag.providers.llm import LLMEvent, Message, ScriptedModel

Reply = str | Callable[[list[Message]], str]


class QueueModel(ScriptedModel):
    def __init__(self, *replies: Reply, cut_after: int | None = None, n_ctx: int = 8192):
        super().__init__(cut_after=cut_after)
        self.queue: list[Reply] = list(replies)
        self.n_ctx = n_ctx

    def enqueue(self, *replies: Reply) -> QueueModel:
        self.queue.extend(replies)
        return self

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        if self.queue:
            reply = self.queue[0] if len(self.queue) == 1 else self.queue.pop(0)  # the last reply repeats
            self._script = reply if callable(reply) else (lambda _m, r=reply: r)
        return super().stream(messages, max_tokens, temperature)

    @property
    def prompts(self) -> list[str]:
        """The user message of every call so far."""
        return [m[-1]["content"] for m in self.calls]


class SlowModel(QueueModel):
    """A `QueueModel` that takes `delay` seconds per streamed piece: time to press Stop."""

    def __init__(self, *replies: Reply, delay: float = 0.25):
        super().__init__(*replies)
        self.delay = delay

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        for ev in super().stream(messages, max_tokens, temperature):
            time.sleep(self.delay)
            yield ev


class InterruptingEmbedder(HashingEmbedder):
    """Embeds `allowed` batches, then raises KeyboardInterrupt (a Ctrl-C mid-ingest)."""

    def __init__(self, allowed: int):
        super().__init__()
        self.allowed = allowed

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        if len(texts) > 1:
            self.allowed -= 1
            if self.allowed < 0:
                raise KeyboardInterrupt
        return super().embed_documents(texts)
