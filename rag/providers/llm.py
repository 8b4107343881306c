"""Chat models: a bundled GGUF via llama-cpp-python (default), any OpenAI-compatible
endpoint, and a scripted fake for the fast test tier.

All stream `LLMEvent`s. The last event of a complete answer carries `finish_reason`;
a stream that ends without one was cut off, and the caller marks the answer incomplete
instead of presenting it as finished.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rag.config import LLMSettings
from rag.errors import (
    ModelAuthError,
    ModelRateLimited,
    ModelTimeout,
    ModelUnavailable,
    redact,
)

log = logging.getLogger(__name__)

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
    """A model whose first-token logits can be read: Yes/No is then decided in code with
    a calibrated threshold, and the model writes the rest after that word."""

    def yes_no_logodds(self, messages: list[Message]) -> float | None: ...

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float) -> Iterator[LLMEvent]: ...


class LocalLlamaModel:
    """A GGUF model run in-process by llama-cpp-python on the CPU."""

    reads_logits = True

    def __init__(self, path: Path, name: str, n_ctx: int = 4096, n_threads: int = 2, flash_attn: bool = True):
        try:
            from llama_cpp import Llama
        except ImportError as exc:  # pragma: no cover - install problem
            raise ModelUnavailable("llama-cpp-python is not installed: run `pip install -e .`") from exc
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_batch=512,
                flash_attn=flash_attn,
                verbose=False,
            )
        except Exception as exc:  # llama.cpp reports a bad file as a bare ValueError
            raise ModelUnavailable(f"the local model at {path} could not be loaded: {exc}") from None
        self.name = name
        self.n_ctx = n_ctx
        # One context, one sequence: llama.cpp is not re-entrant. The lock also keeps the
        # KV cache of the shared system-prompt prefix valid between questions.
        self._lock = threading.Lock()

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    @property
    def _chatml(self) -> bool:
        return "<|im_start|>" in str(self._llm.metadata.get("tokenizer.chat_template", ""))

    @staticmethod
    def _format(messages: list[Message]) -> str:
        """The ChatML prompt (the bundled Qwen models' template) up to the answer."""
        parts = [f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages]
        return "".join(parts) + "<|im_start|>assistant\n"

    def warm(self, system: str) -> None:
        """Process the fixed system prompt now, so that no question pays for it: llama.cpp
        reuses the longest prefix of the previous prompt, and every prompt starts with it."""
        if not self._chatml:
            return
        prefix = f"<|im_start|>system\n{system}<|im_end|>\n<|im_start|>user\n"
        tokens = self._llm.tokenize(prefix.encode("utf-8"), add_bos=False, special=True)
        with self._lock:
            self._llm.reset()
            self._llm.eval(tokens)

    def yes_no_logodds(self, messages: list[Message]) -> float | None:
        """log P(Yes) - log P(No) for the answer's first token; None if not a ChatML model."""
        if not self._chatml:
            return None
        import numpy as np
        from llama_cpp import LogitsProcessorList

        captured: dict[str, Any] = {}

        def grab(_ids: Any, scores: Any) -> Any:
            captured.setdefault("scores", np.array(scores, copy=True))
            return scores

        with self._lock:
            self._llm.create_completion(
                self._format(messages), max_tokens=1, temperature=0, logits_processor=LogitsProcessorList([grab])
            )
        scores = captured.get("scores")
        if scores is None:
            return None
        yes = self._llm.tokenize(b"Yes", add_bos=False)[0]
        no = self._llm.tokenize(b"No", add_bos=False)[0]
        return float(scores[yes] - scores[no])

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        """Stream the answer's continuation after `prefix` (the prompt's KV cache is reused)."""
        with self._lock:
            completion = 0
            for part in self._llm.create_completion(
                self._format(messages) + prefix, stream=True, max_tokens=max_tokens, temperature=temperature,
                top_k=1 if temperature == 0 else 40, repeat_penalty=1.05, seed=0, stop=["<|im_end|>"],
            ):  # fmt: skip
                choice = part["choices"][0]  # type: ignore[index]
                text = choice.get("text") or ""
                if text:
                    completion += 1
                    yield LLMEvent(text=text)
                if choice.get("finish_reason"):
                    total = int(self._llm.n_tokens)
                    yield LLMEvent(finish_reason=choice["finish_reason"], prompt_tokens=max(0, total - completion),
                                   completion_tokens=completion)  # fmt: skip

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        with self._lock:
            completion = 0
            try:
                for part in self._llm.create_chat_completion(
                    messages=messages,  # type: ignore[arg-type]
                    stream=True,
                    max_tokens=max_tokens,
                    temperature=temperature,
                    top_k=1 if temperature == 0 else 40,
                    repeat_penalty=1.05,
                    seed=0,
                ):
                    choice = part["choices"][0]  # type: ignore[index]
                    text = choice.get("delta", {}).get("content") or ""
                    if text:
                        completion += 1
                        yield LLMEvent(text=text)
                    if choice.get("finish_reason"):
                        total = int(self._llm.n_tokens)
                        yield LLMEvent(
                            finish_reason=choice["finish_reason"],
                            prompt_tokens=max(0, total - completion),
                            completion_tokens=completion,
                        )
            except ValueError as exc:  # prompt longer than the context window
                raise ModelUnavailable(f"the local model rejected the prompt: {exc}") from None


class OpenAIChatModel:
    """Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp server)."""

    reads_logits = False

    def __init__(self, settings: LLMSettings):
        import openai

        self._key = settings.api_key.get_secret_value() if settings.api_key else None
        if not self._key and not settings.base_url:
            raise ModelUnavailable(
                "the OpenAI provider needs NEWSDESK_LLM__API_KEY, or NEWSDESK_LLM__BASE_URL for a local server"
            )
        self._client = openai.OpenAI(
            api_key=self._key or "not-needed",
            base_url=settings.base_url,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,  # the SDK backs off on 429/5xx and timeouts
        )
        self.name = settings.model
        self.n_ctx = settings.n_ctx

    def warm(self, system: str) -> None:
        """Nothing to prepare: the server caches prompts, or not, by itself."""

    def count_tokens(self, text: str) -> int:
        from rag.text.tokens import count_tokens

        return count_tokens(text)

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        import openai

        try:
            stream = self._client.chat.completions.create(
                model=self.name,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                stream_options={"include_usage": True},
            )
            finish: str | None = None
            usage = None
            for part in stream:
                if getattr(part, "usage", None):
                    usage = part.usage
                if not part.choices:
                    continue
                choice = part.choices[0]
                if choice.delta and choice.delta.content:
                    yield LLMEvent(text=choice.delta.content)
                if choice.finish_reason:
                    finish = choice.finish_reason
            if finish:
                yield LLMEvent(
                    finish_reason=finish,
                    prompt_tokens=getattr(usage, "prompt_tokens", None),
                    completion_tokens=getattr(usage, "completion_tokens", None),
                )
        except openai.AuthenticationError:
            raise ModelAuthError(
                "the model endpoint refused the API key (401): check NEWSDESK_LLM__API_KEY"
            ) from None
        except openai.PermissionDeniedError:
            raise ModelAuthError("the model endpoint denied access (403): check the key's permissions") from None
        except openai.APITimeoutError:
            raise ModelTimeout(
                f"the model endpoint did not answer within {self._client.timeout}s "
                "(NEWSDESK_LLM__TIMEOUT_S)"
            ) from None
        except openai.RateLimitError:
            raise ModelRateLimited(
                "the model endpoint is rate limiting (429) and retries were exhausted: try again shortly"
            ) from None
        except openai.InternalServerError as exc:
            raise ModelRateLimited(
                f"the model endpoint kept failing ({exc.status_code}) after retries: try again shortly"
            ) from None
        except openai.APIConnectionError:
            raise ModelUnavailable("the model endpoint cannot be reached: is the server running?") from None
        except openai.APIError as exc:
            # A stream cut mid-way surfaces here; the caller keeps what arrived and marks it
            # incomplete, because no finish_reason was seen.
            log.warning("model stream error: %s", redact(str(exc), self._key))
            return


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

            path = resolve_model_path(settings.model, cache_dir)
            return LocalLlamaModel(path, settings.model, settings.n_ctx, settings.n_threads, settings.flash_attn)
        case "openai":
            return OpenAIChatModel(settings)
        case "fake":
            return ScriptedModel()
    raise ModelUnavailable(f"unknown LLM provider {settings.provider!r}")
