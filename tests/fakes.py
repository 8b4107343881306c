"""Fakes for the fast tier, injected the way real providers are (`Pipeline(llm=...)`).

`QueueModel` is scriptable like simonw/llm's `MockModel`: `enqueue` the next replies
(text, or a function of the prompt's messages); with the queue empty it quotes the first
sentence of source 1, so the whole answer path runs without a model.
"""

from __future__ import annotations

import math
import re
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


class JudgingModel(QueueModel):
    """A `QueueModel` that reads out first-token log-probabilities, as the local model does."""

    reads_logits = True

    def __init__(self, reply: Reply, not_found_p: float):
        super().__init__(reply)
        self.judged: list[list[Message]] = []
        self.not_found_p = not_found_p
        self.avoided: list[Callable[[str], bool] | None] = []  # the opening guard of each answer

    def first_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float]:
        self.judged.append(messages)
        return {"Yes": math.log(0.3), "No": math.log(0.2), "NOT": math.log(self.not_found_p)}

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float,
                     banned: tuple[str, ...] = (), avoid: Callable[[str], bool] | None = None) -> Iterator[LLMEvent]:  # fmt: skip
        self.avoided.append(avoid)
        return self.stream(messages, max_tokens, temperature)


class SecondThoughtsModel(JudgingModel):
    """Judges the first prompt it reads not covered (p = 0.9), and a later one with `then`."""

    def __init__(self, then: float):
        super().__init__(_quote_last_source, not_found_p=0.9)
        self.then = then

    def first_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float]:
        self.not_found_p = 0.9 if not self.judged else self.then
        return super().first_token_logprobs(messages, words)


def second_look_pipeline(settings, tokens: int = 200, then: float = 0.1):  # type: ignore[no-untyped-def]
    """A pipeline whose model refuses at its first look and judges the second with `then`;
    the first threshold lets every judgement through, so only the second look decides."""
    from rag.pipeline import Pipeline  # here, not at the top: most tests that use the fakes build no pipeline

    refusal = settings.refusal.model_copy(update={"not_found_threshold": 0.0, "second_look_threshold": -1.5})
    context = settings.context.model_copy(update={"second_look_tokens": tokens})
    llm = SecondThoughtsModel(then)
    return llm, Pipeline(settings.model_copy(update={"refusal": refusal, "context": context}), llm=llm)


def _quote_last_source(messages: list[Message]) -> str:
    n, text = re.findall(r"<source id=(\d+)[^>]*>\n(.*?)\n</source>", messages[-1]["content"], re.S)[-1]
    return re.split(r"(?<=[.!?])\s", text)[0].rstrip(".") + f" [{n}]."
