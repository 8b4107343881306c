"""The documented exception types: callers never see a raw library traceback.

Every message says what went wrong and, where there is one, the fix. Messages never
carry secrets: `redact()` strips anything that looks like an API key first.
"""

from __future__ import annotations

import re

_KEY_PATTERNS = [
    re.compile(r"sk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"(?i)(bearer\s+)[A-Za-z0-9_\-\.=]{8,}"),
    re.compile(r"(?i)(api[_-]?key['\"]?\s*[:=]\s*['\"]?)[^\s'\",]{6,}"),
    re.compile(r"(://)[^/@\s]+(?=@)"),  # credentials in a URL: https://user:password@host/
]


def redact(text: str, *secrets: str | None) -> str:
    """Remove API keys (known ones and anything shaped like one) from a message.

    >>> redact("401: invalid key sk-abcdefghijkl", None)
    '401: invalid key [redacted]'
    >>> redact("cannot reach http://me:pa55word@10.0.0.2:8000/v1")
    'cannot reach http://[redacted]@10.0.0.2:8000/v1'
    """
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    for pat in _KEY_PATTERNS:
        text = pat.sub(lambda m: (m.group(1) if m.groups() else "") + "[redacted]", text)
    return text


class NewsdeskError(Exception):
    """Base class of every error the public API raises."""


class InvalidQuestion(NewsdeskError, ValueError):
    """The question is empty, too long or its parameters are out of range."""


class StoreUnavailable(NewsdeskError):
    """The Chroma store (folder or server) cannot be reached or opened."""


class StoreLocked(NewsdeskError):
    """Another process is writing to the same store folder."""


class EmbeddingMismatch(NewsdeskError):
    """The collection was built with another embedding model or dimension."""


class ModelUnavailable(NewsdeskError):
    """The LLM or embedding model cannot be loaded or reached."""


class ModelAuthError(ModelUnavailable):
    """The endpoint refused the API key (401/403). Not retried."""


class ModelTimeout(ModelUnavailable):
    """The model did not answer within the configured time budget."""


class ModelRateLimited(ModelUnavailable):
    """The endpoint kept answering 429/5xx after the bounded retries."""


class IngestError(NewsdeskError):
    """Ingestion could not run at all (individual bad files are skipped, not raised)."""


class IngestRefused(IngestError):
    """An ingest that would lose data was refused before anything changed (a `--sync` of a
    missing or empty folder, a `--rebuild` from nothing, or removing most of the store
    without `--force`)."""
