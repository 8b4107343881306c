"""Any OpenAI-compatible chat endpoint (OpenAI, Ollama, vLLM, llama.cpp server)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from rag.config import LLMSettings
from rag.errors import ModelAuthError, ModelRateLimited, ModelTimeout, ModelUnavailable, redact
from rag.providers.chat import LLMEvent, Message

log = logging.getLogger(__name__)


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
                model=self.name, messages=messages, max_tokens=max_tokens, temperature=temperature,  # type: ignore[arg-type]
                stream=True, stream_options={"include_usage": True},
            )  # fmt: skip
            finish: str | None = None
            usage = None
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


def _message(exc: Exception) -> str:
    """The server's own error message, short."""
    body = getattr(exc, "body", None)
    msg = body.get("message") if isinstance(body, dict) else None
    return str(msg or exc)[:200]
