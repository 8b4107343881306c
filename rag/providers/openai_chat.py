"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp server)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, cast

from rag.config import LLMSettings
from rag.errors import ModelAuthError, ModelRateLimited, ModelTimeout, ModelUnavailable, redact
from rag.providers.chat import LLMEvent, Message

if TYPE_CHECKING:
    from openai.types.chat import ChatCompletionMessageParam


def _params(messages: list[Message]) -> list[ChatCompletionMessageParam]:
    # Our messages are plain role/content dicts; openai types them per role.
    return cast("list[ChatCompletionMessageParam]", messages)

log = logging.getLogger(__name__)


class OpenAIChatModel:
    """Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp server)."""

    TOP_LOGPROBS = 20  # the most alternatives the OpenAI API returns per token

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
        # Declared by the user: servers differ (Ollama and some gateways give no logprobs).
        self.reads_logits = settings.logprobs

    def warm(self, system: str) -> None:
        """Nothing to prepare: the server caches prompts, or not, by itself."""

    def count_tokens(self, text: str) -> int:
        from rag.text.tokens import count_tokens

        return count_tokens(text)

    def first_token_logprobs(self, messages: list[Message], words: list[str]) -> dict[str, float] | None:
        """log P(first answer token) of each word, from the server's top alternatives for a
        one-token answer; None when the server gives none. The server's tokens are unknown here,
        so each word takes its likeliest top token that starts it (see `word_logprobs`)."""
        import openai

        try:
            reply = self._client.chat.completions.create(
                model=self.name, messages=_params(messages), max_tokens=1, temperature=0,
                logprobs=True, top_logprobs=self.TOP_LOGPROBS,
            )  # fmt: skip
        except openai.BadRequestError as exc:
            raise ModelUnavailable(
                f"the model endpoint refused a request for logprobs ({redact(_message(exc), self._key)}); "
                "set NEWSDESK_LLM__LOGPROBS=false for a server that does not give them"
            ) from None
        except openai.APIError as exc:
            error = self._translate(exc)
            raise error if error is not None else ModelUnavailable("the model endpoint broke off its reply") from None
        content = reply.choices[0].logprobs.content if reply.choices and reply.choices[0].logprobs else None
        if not content:
            log.warning("%s returned no logprobs: its NOT FOUND judgement is not read (NEWSDESK_LLM__LOGPROBS)", self.name)
            return None
        return word_logprobs({t.token: t.logprob for t in content[0].top_logprobs}, words)

    def stream_after(self, messages: list[Message], prefix: str, max_tokens: int, temperature: float,
                     banned: tuple[str, ...] = (), avoid: Callable[[str], bool] | None = None) -> Iterator[LLMEvent]:  # fmt: skip
        """The answer after `prefix`, asked for in words: a chat API continues no chosen text and
        bans no token it is not given the id of (nor can it be kept from an opening: `avoid` is not used). The model, which has been judged to answer, is
        told the word its answer begins with (its own opening Yes/No is then replaced by
        `prefix`, which the caller has already shown), or else the words it must not begin with."""
        asks = [BEGIN_WITH.format(prefix=prefix)] if prefix else [f"Do not begin your answer with {w}." for w in banned]
        if not asks:
            return self.stream(messages, max_tokens, temperature)
        told = [*messages[:-1], {**messages[-1], "content": messages[-1]["content"] + "\n" + " ".join(asks)}]
        events = self.stream(told, max_tokens, temperature)
        return after_opening(events, prefix) if prefix else events

    def stream(self, messages: list[Message], max_tokens: int, temperature: float) -> Iterator[LLMEvent]:
        import openai

        try:
            finish: str | None = None
            usage = None
            with self._client.chat.completions.create(
                model=self.name, messages=_params(messages), max_tokens=max_tokens, temperature=temperature,
                stream=True, stream_options={"include_usage": True},
            ) as stream:  # a caller that stops reading closes the response: the server stops writing  # fmt: skip
                for part in stream:
                    usage = getattr(part, "usage", None) or usage
                    choice = part.choices[0] if part.choices else None
                    if choice and choice.delta and choice.delta.content:
                        yield LLMEvent(text=choice.delta.content)
                    finish = (choice.finish_reason if choice else None) or finish
            if finish:
                yield LLMEvent(finish_reason=finish, prompt_tokens=getattr(usage, "prompt_tokens", None),
                               completion_tokens=getattr(usage, "completion_tokens", None))  # fmt: skip
        except openai.APIError as exc:
            error = self._translate(exc)
            if error is not None:
                raise error from None
            # A stream cut mid-way: the caller keeps what arrived and marks it incomplete,
            # because no finish_reason was seen.
            log.warning("model stream error: %s", redact(str(exc), self._key))

    def _translate(self, exc: Exception) -> Exception | None:
        """The documented error for an SDK error; None for a stream cut mid-way."""
        import openai

        if isinstance(exc, openai.AuthenticationError):
            return ModelAuthError("the model endpoint refused the API key (401): check NEWSDESK_LLM__API_KEY")
        if isinstance(exc, openai.PermissionDeniedError):
            return ModelAuthError("the model endpoint denied access (403): check the key's permissions")
        if isinstance(exc, openai.APITimeoutError):
            return ModelTimeout(f"the model endpoint did not answer within {self._client.timeout}s (NEWSDESK_LLM__TIMEOUT_S)")
        if isinstance(exc, openai.RateLimitError):
            return ModelRateLimited("the model endpoint is rate limiting (429) and retries were exhausted: try again shortly")
        if isinstance(exc, openai.InternalServerError):
            return ModelRateLimited(f"the model endpoint kept failing ({exc.status_code}) after retries: try again shortly")
        if isinstance(exc, openai.APIConnectionError):
            return ModelUnavailable("the model endpoint cannot be reached: is the server running?")
        if isinstance(exc, openai.APIStatusError):  # 400, 404, 422...: a wrong model name or request, not "no answer"
            return ModelUnavailable(
                f"the model endpoint refused the request ({exc.status_code}: {redact(_message(exc), self._key)}); "
                f"check NEWSDESK_LLM__MODEL ({self.name!r}) and NEWSDESK_LLM__BASE_URL"
            )
        return None


# How a chosen opening is asked for in words (stream_after). Asked only to begin so, the served
# 1.5B often went on "No, the sources do not provide ...", which reads as a decline; asked for
# the deciding fact after it, it explains the verdict (dev figures: docs/EVALUATION.md).
BEGIN_WITH = 'Begin your answer with "{prefix}", then give the fact from the sources that decides it.'
_OPENING = re.compile(r"^\s*(yes|no)\b\s*[,.:;!]?", re.IGNORECASE)


def after_opening(events: Iterator[LLMEvent], prefix: str) -> Iterator[LLMEvent]:
    """The streamed answer without its opening Yes/No word, which `prefix` replaces.

    >>> [e.text for e in after_opening(iter([LLMEvent("No"), LLMEvent(", the mayor said [2]."), LLMEvent(finish_reason="stop")]), "No,")]
    [' the mayor said [2].', '']
    >>> "".join(e.text for e in after_opening(iter([LLMEvent("The council voted [1].")]), "Yes,"))
    ' The council voted [1].'
    """
    head: str | None = ""
    for ev in events:
        if head is not None and ev.text and len(head + ev.text) < len(prefix) + 2 and not ev.finish_reason:
            head += ev.text  # too short yet to tell the opening word from a longer one ("Now")
            continue
        if head is not None:
            rest = _OPENING.sub("", head + ev.text, count=1).lstrip()
            head = None
            ev = LLMEvent(text=" " + rest if rest else "", finish_reason=ev.finish_reason,
                          prompt_tokens=ev.prompt_tokens, completion_tokens=ev.completion_tokens)  # fmt: skip
        yield ev
    if head and (rest := _OPENING.sub("", head, count=1).strip()):  # a stream cut short
        yield LLMEvent(text=" " + rest)


def word_logprobs(top: dict[str, float], words: list[str]) -> dict[str, float]:
    """Each word's log-probability as a first token: the likeliest of the top tokens that start
    the word ("NOT" for "NOT", also "NO" where a tokenizer splits it), at least two letters
    of it so that "N" counts for neither "No" nor "NOT". A word none of them starts is less
    likely than every top token: it gets the lowest top logprob, an upper bound.

    >>> word_logprobs({"Yes": -0.1, " No": -2.5, "NO": -4.0, "The": -6.0}, ["Yes", "No", "NOT"])
    {'Yes': -0.1, 'No': -2.5, 'NOT': -4.0}
    >>> word_logprobs({"Yes": -0.1, "The": -6.0}, ["NOT"])
    {'NOT': -6.0}
    """
    floor = min(top.values(), default=-100.0)

    def best(word: str) -> float:
        starts = [lp for tok, lp in top.items() if len(tok.strip()) >= min(2, len(word)) and word.startswith(tok.strip())]
        return max(starts, default=floor)

    return {w: best(w) for w in words}


def _message(exc: Exception) -> str:
    """The server's own error message, short."""
    body = getattr(exc, "body", None)
    msg = body.get("message") if isinstance(body, dict) else None
    return str(msg or exc)[:200]
