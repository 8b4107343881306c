"""What a person reads when something fails, and chat messages' text as Gradio sends it."""

from __future__ import annotations

from typing import Any

from rag import InvalidQuestion, ModelUnavailable, NewsdeskError, StoreUnavailable, redact


def friendly_error(exc: BaseException) -> str:
    """What a person sees when something fails: the cause and what to do, never a trace."""
    if isinstance(exc, InvalidQuestion):
        return f"Please rephrase: {exc}."
    if isinstance(exc, StoreUnavailable):
        return f"The article store is unreachable right now ({redact(str(exc))}). Please try again shortly."
    if isinstance(exc, ModelUnavailable):
        return f"The language model failed ({redact(str(exc))}). Please try again shortly."
    if isinstance(exc, NewsdeskError):
        return f"Something went wrong: {redact(str(exc))}"
    return "Something went wrong while answering. The error was logged; please try again."


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text, whether Gradio sent it as a string or as parts."""
    content = message.get("content", "")
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)
