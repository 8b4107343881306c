"""Newsdesk: answers about news articles, every claim cited and checked.

    from rag import query
    answer = query("How many settlements near Bakhmut were bombarded?")
    print(answer.text, [c.title for c in answer.citations])

`query()` returns an `Answer` or raises a `NewsdeskError` subclass; never a raw library
traceback.
"""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path
from typing import Any

from rag.answer.safety import clean_answer
from rag.config import Settings, load_settings
from rag.errors import (
    EmbeddingMismatch,
    IngestError,
    IngestRefused,
    InvalidQuestion,
    ModelAuthError,
    ModelRateLimited,
    ModelTimeout,
    ModelUnavailable,
    NewsdeskError,
    StoreLocked,
    StoreUnavailable,
    redact,
)
from rag.ingest.indexer import IngestReport
from rag.pipeline import Event, Pipeline, Retrieved
from rag.retrieve.filters import Filters
from rag.types import NOT_CHECKED, NOT_COVERED, Answer, AnswerSentence, Citation, Source, Token

__all__ = [
    "NOT_CHECKED", "NOT_COVERED", "Answer", "AnswerSentence", "Citation", "EmbeddingMismatch", "Event", "Filters", "IngestError",
    "IngestRefused", "IngestReport", "InvalidQuestion", "ModelAuthError", "ModelRateLimited", "ModelTimeout",
    "ModelUnavailable", "NewsdeskError", "Pipeline", "Retrieved", "Settings", "Source", "StoreLocked",
    "StoreUnavailable", "Token", "clean_answer", "default_pipeline", "ingest", "load_settings", "query", "redact",
]  # fmt: skip

_default: Pipeline | None = None
_default_lock = threading.Lock()


def default_pipeline(settings: Settings | None = None) -> Pipeline:
    """The process-wide pipeline built from `load_settings()` (or the settings given)."""
    global _default
    with _default_lock:
        if settings is not None:
            _default = Pipeline(settings)
        elif _default is None:
            _default = Pipeline(load_settings())
        return _default


def _guard(fn: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except NewsdeskError:
        raise
    except Exception as exc:  # a library fault: wrap it so callers see one documented type
        raise NewsdeskError(f"internal error: {type(exc).__name__}: {exc}") from exc


def query(
    question: str,
    *,
    top_k: int | None = None,
    sources: list[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    history: list[tuple[str, str]] | None = None,
    pipeline: Pipeline | None = None,
) -> Answer:
    """Answer `question` from the ingested articles.

    `sources`, `since` and `until` restrict retrieval to outlets and a publication-date
    range; `history` is the conversation so far as (question, answer) pairs.
    """
    pipe = pipeline or default_pipeline()
    filters = Filters(sources=list(sources or []), since=since, until=until)
    return _guard(pipe.ask, question, top_k=top_k, filters=filters, history=history)  # type: ignore[no-any-return]


def ingest(
    paths: list[str | Path], *, sync: bool = False, rebuild: bool = False, force: bool = False,
    pipeline: Pipeline | None = None,
) -> IngestReport:  # fmt: skip
    """Ingest article files or folders into the store (idempotent; see `Pipeline.ingest`)."""
    pipe = pipeline or default_pipeline()
    return _guard(pipe.ingest, paths, sync=sync, rebuild=rebuild, force=force)  # type: ignore[no-any-return]
