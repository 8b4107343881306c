"""A GGUF model run in-process by llama-cpp-python on the CPU (the bundled default)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from rag.errors import ModelUnavailable
from rag.providers.chat import LLMEvent, Message, locked_stream


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
        self._warmed = 0  # tokens of the cached system prompt (0: none cached)

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
            self._warmed = len(tokens)

    def _rewind(self) -> None:
        """Keep only the cached system prompt before a new prompt is read. llama.cpp would
        reuse whatever prefix the previous prompt shares with it ("Sources: <source id=1 ...",
        or a whole article two questions both read), and where prefill starts changes the
        arithmetic: the same prompt's log-odds then moved with what was asked before, enough to
        flip Yes/No verdicts (docs/EVALUATION.md). Read from the same point, the same question
        gets the same answer. Called with the lock held."""
        if self._warmed:
            self._llm.n_tokens = min(self._llm.n_tokens, self._warmed)

    def _first_token(self, word: str) -> int:
        return int(self._llm.tokenize(word.encode("utf-8"), add_bos=False)[0])

    def first_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float] | None:
        """log P(first answer token) of each word's first token, from one pass over the
        prompt (which the answer then reuses from llama.cpp's cache); None if not ChatML."""
        if not self._chatml:
            return None
        import numpy as np
        from llama_cpp import LogitsProcessorList

        captured: dict[str, Any] = {}

        def grab(_ids: Any, scores: Any) -> Any:
            captured.setdefault("scores", np.array(scores, dtype=np.float64, copy=True))
            return scores

        with self._lock:
            self._rewind()
            self._llm.create_completion(
                self._format(messages), max_tokens=1, temperature=0, logits_processor=LogitsProcessorList([grab])
            )
        scores = captured.get("scores")
        if scores is None:
            return None
        top = float(scores.max())
        log_z = top + float(np.log(np.exp(scores - top).sum()))
        return {w: float(scores[self._first_token(w)]) - log_z for w in words}

    @staticmethod
    def _sampling(max_tokens: int, temperature: float) -> dict[str, Any]:
        return {"max_tokens": max_tokens, "temperature": temperature, "top_k": 1 if temperature == 0 else 40,
                "repeat_penalty": 1.05, "seed": 0}  # fmt: skip

    def _events(self, parts: Iterator[Any], chat: bool) -> Iterator[LLMEvent]:
        completion = 0
        try:
            for part in parts:
                choice = part["choices"][0]
                text = (choice.get("delta", {}).get("content") if chat else choice.get("text")) or ""
                if text:
                    completion += 1
                    yield LLMEvent(text=text)
                if choice.get("finish_reason"):
                    total = int(self._llm.n_tokens)
                    yield LLMEvent(finish_reason=choice["finish_reason"], prompt_tokens=max(0, total - completion),
                                   completion_tokens=completion)  # fmt: skip
        except ValueError as exc:  # prompt longer than the context window
            raise ModelUnavailable(f"the local model rejected the prompt: {exc}") from None

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float,
                     banned: tuple[str, ...] = (), avoid: Callable[[str], bool] | None = None) -> Iterator[LLMEvent]:  # fmt: skip
        """Stream the answer's continuation after `prefix` (the prompt's KV cache is reused);
        the first token of each banned word is never chosen, nor an opening `avoid` rejects."""
        prompt = self._format(messages) + prefix
        sampling = self._sampling(max_tokens, temperature)
        ban = [self._first_token(w) for w in banned]
        if avoid:
            # Not logit_bias next to it: llama-cpp-python 0.3.36 then drops both processors
            # (`logits_processor = logits_processor.extend(...)`, which is None), so the guard bans too.
            from llama_cpp import LogitsProcessorList

            sampling["logits_processor"] = LogitsProcessorList([self._opening_guard(prefix, avoid, ban)])
        elif ban:
            sampling["logit_bias"] = {t: -100.0 for t in ban}
        return locked_stream(self._lock, lambda: self._events(
            cast(Iterator[Any], self._llm.create_completion(prompt, stream=True, stop=["<|im_end|>"], **sampling)), chat=False))  # fmt: skip

    def _opening_guard(self, prefix: str, avoid: Callable[[str], bool], ban: list[int],
                       window: int = 6, tries: int = 8) -> Any:  # fmt: skip
        """A logits processor: the `ban` tokens are never chosen, and for the answer's first
        `window` tokens, while the likeliest token would make an opening that `avoid` rejects,
        it is ruled out and the next one is tried."""
        import numpy as np

        start: list[int] = []

        def guard(ids: Any, scores: Any) -> Any:
            if not start:  # the first call: what came before is the prompt
                start.append(len(ids))
            scores[ban] = -1e30
            if len(ids) - start[0] >= window:  # past the opening: only the ban
                return scores
            made = [int(t) for t in ids[start[0]:]]
            for _ in range(tries):
                best = int(np.argmax(scores))
                if not avoid(prefix + self._llm.detokenize(made + [best]).decode("utf-8", "ignore")):
                    break
                scores[best] = -1e30
            return scores

        return guard

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        sampling = self._sampling(max_tokens, temperature)

        def produce() -> Iterator[LLMEvent]:  # a new prompt: read from the cached system prompt
            self._rewind()
            return self._events(self._llm.create_chat_completion(messages=messages, stream=True, **sampling), chat=True)  # type: ignore[arg-type]

        return locked_stream(self._lock, produce)
