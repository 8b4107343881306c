"""Chat models: the protocol every provider meets, the factory, and the scripted fake for
the fast test tier. The real providers live beside this module: a bundled GGUF via
llama-cpp-python (llama_local.py, the default) and any OpenAI-compatible endpoint
(openai_chat.py).

All stream `LLMEvent`s (rag/providers/chat.py, re-exported here). The last event of a complete answer carries `finish_reason`;
a stream that ends without one was cut off, and the caller marks the answer incomplete
instead of presenting it as finished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

from rag.config import LLMSettings
from rag.errors import ModelUnavailable
from rag.providers.chat import ChatModel, LLMEvent, LogitModel, Message, locked_stream

log = logging.getLogger(__name__)


class ScriptedModel:
    """The fake for the fast tier: answers come from a function of the prompt.

    The default script cites the first source with its first sentence, so the whole
    answer pipeline (markers, checks, refusal) runs without a model.
    """

    name = "scripted"
    n_ctx = 8192
    reads_logits = False

    def __init__(self, script: Callable[[list[Message]], str] | None = None, cut_after: int | None = None):
        self._script = script or _echo_first_source
        self._cut_after = cut_after  # simulate a stream cut after N pieces
        self.calls: list[list[Message]] = []

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def warm(self, system: str) -> None:
        """Nothing to prepare."""

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        self.calls.append(messages)
        text = self._script(messages)
        pieces = [text[i : i + 8] for i in range(0, len(text), 8)]
        for n, piece in enumerate(pieces):
            if self._cut_after is not None and n >= self._cut_after:
                return
            yield LLMEvent(text=piece)
        yield LLMEvent(finish_reason="stop", prompt_tokens=sum(len(m["content"]) // 4 for m in messages),
                       completion_tokens=len(pieces))


def _echo_first_source(messages: list[Message]) -> str:
    import re

    prompt = messages[-1]["content"]
    m = re.search(r'<source id="?1"?[^>]*>\n(.+?)(?:(?<=[.!?])\s|\n</source>)', prompt, re.DOTALL)
    if not m:
        return "The articles do not cover this."
    return f"{m.group(1).strip()} [1]"


def make_chat_model(settings: LLMSettings, cache_dir: Path) -> ChatModel:
    """One switch over the configured provider; each branch imports what it needs."""
    match settings.provider:
        case "local":
            from rag.providers.bundled import resolve_model_path
            from rag.providers.llama_local import LocalLlamaModel

            path = resolve_model_path(settings.model, cache_dir)
            return LocalLlamaModel(path, settings.model, settings.n_ctx, settings.n_threads, settings.flash_attn)
        case "openai":
            from rag.providers.openai_chat import OpenAIChatModel

            return OpenAIChatModel(settings)
        case "fake":
            return ScriptedModel()
    raise ModelUnavailable(f"unknown LLM provider {settings.provider!r}")


__all__ = ["ChatModel", "LLMEvent", "LogitModel", "Message", "ScriptedModel", "locked_stream", "make_chat_model"]
