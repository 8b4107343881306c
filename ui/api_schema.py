"""What the HTTP API accepts and returns, and its guards: request models, the answer as an
OpenAI chat completion with `url_citation` annotations, the concurrency limiter, the body
cap and the key check."""

from __future__ import annotations

import hmac
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from types import SimpleNamespace
from typing import Any, Literal

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from rag import Answer, Filters, InvalidQuestion, ModelUnavailable, NewsdeskError, Source, StoreUnavailable


class ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.headers = status, message, kind, headers


def status_of(exc: NewsdeskError) -> int:
    if isinstance(exc, InvalidQuestion):
        return 400
    if isinstance(exc, StoreUnavailable | ModelUnavailable):
        return 503
    return 500


class TextPart(BaseModel):
    type: Literal["text"]
    text: str


class ChatMessage(BaseModel):
    role: Literal["system", "developer", "user", "assistant"]
    content: str | list[TextPart]

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else " ".join(p.text for p in self.content)


class ChatRequest(BaseModel):
    """OpenAI's chat request; `sources`, `since` and `until` filter by outlet and date."""

    model_config = ConfigDict(extra="allow")  # clients send top_p, n, user...: accepted, unused
    model: str = "newsdesk"
    messages: list[ChatMessage] = Field(min_length=1, max_length=200)
    stream: bool = False
    temperature: float | None = Field(None, ge=0.0, le=2.0)
    max_tokens: int | None = Field(None, ge=1, le=4096)
    sources: list[str] | None = Field(None, max_length=50, description="only these outlets")
    since: date | None = Field(None, description="only articles published on or after")
    until: date | None = Field(None, description="only articles published on or before")

    def conversation(self, max_chars: int) -> tuple[str, list[tuple[str, str]], Filters]:
        """(the last user message, the earlier (user, assistant) pairs, the filters)."""
        turns = [m for m in self.messages if m.role in ("user", "assistant")]
        if not turns or turns[-1].role != "user" or not turns[-1].text().strip():
            raise ApiError(400, "the last message must be a non-empty user message")
        question = turns[-1].text()
        if len(question) > max_chars:
            raise ApiError(400, f"the question is {len(question):,} characters long; the limit is {max_chars:,}")
        earlier = turns[:-1]
        history = [(q.text(), a.text()) for q, a in zip(earlier, earlier[1:], strict=False) if q.role == "user" and a.role == "assistant"]
        try:
            filters = Filters(sources=list(self.sources or []), since=self.since, until=self.until)
        except InvalidQuestion as exc:
            raise ApiError(400, str(exc)) from None
        return question, history[-3:], filters


class ArticleIn(BaseModel):
    """One article, in the MultiHop-RAG corpus's field names."""

    title: str = Field("", max_length=1000)
    source: str = Field("", max_length=200)
    url: str = Field("", max_length=2000)
    published_at: str = Field("", max_length=40)
    author: str = Field("", max_length=500)
    body: str = Field(min_length=20, max_length=2_000_000)

    def as_document(self) -> SimpleNamespace:
        """What `Pipeline.ingest_documents` takes: text, metadata and a stable id."""
        doc_id = f"api-{uuid.uuid5(uuid.NAMESPACE_URL, self.url or self.title + self.body[:200])}"
        return SimpleNamespace(text=self.body, metadata=self.model_dump(exclude={"body"}), doc_id=doc_id)


def _source(s: Source) -> dict[str, Any]:
    return {"n": s.n, "title": s.title, "outlet": s.outlet, "url": s.url, "published": s.published, "sentences": s.sentences}


def chat_payload(answer: Answer, streamed: bool) -> dict[str, Any]:
    """The answer as a chat completion (or, streamed, its final chunk)."""
    by_n = {s.n: s for s in answer.sources}
    annotations = [{"type": "url_citation", "url_citation": {"start_index": a, "end_index": b, "url": by_n[n].url or f"newsdesk:{by_n[n].doc_id}",
                                                              "title": by_n[n].title}} for a, b, n in answer.spans if n in by_n]  # fmt: skip
    message = {"role": "assistant", "content": answer.text, "annotations": annotations}
    newsdesk = {"citations": [c.__dict__ for c in answer.citations], "sources": [_source(s) for s in answer.sources],
                "refused": answer.refused, "refusal_reason": answer.refusal_reason, "removed": answer.removed,
                "conflicts": answer.conflicts, "incomplete": answer.incomplete, "timings": answer.timings}  # fmt: skip
    choice: dict[str, Any] = {"index": 0, "finish_reason": "length" if answer.incomplete else "stop"}
    choice["delta" if streamed else "message"] = message
    usage = {"prompt_tokens": answer.prompt_tokens or 0, "completion_tokens": answer.completion_tokens or 0,
             "total_tokens": (answer.prompt_tokens or 0) + (answer.completion_tokens or 0)}  # fmt: skip
    return {"id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion.chunk" if streamed else "chat.completion",
            "created": int(time.time()), "model": "newsdesk", "choices": [choice], "usage": usage, "newsdesk": newsdesk}  # fmt: skip


def chunk(delta: dict[str, Any]) -> bytes:
    import json

    body = {"id": "chatcmpl-stream", "object": "chat.completion.chunk", "created": int(time.time()), "model": "newsdesk",
            "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}  # fmt: skip
    return f"data: {json.dumps(body)}\n\n".encode()


class Limiter:
    """At most `concurrency` answers at once and `queue` waiting; past that, 429."""

    def __init__(self, concurrency: int, queue: int):
        self._running = threading.BoundedSemaphore(concurrency)
        self._admitted = threading.BoundedSemaphore(concurrency + queue)

    def take(self) -> threading.BoundedSemaphore:
        """Admit a request or refuse it now; returns what to release when it is done."""
        if not self._admitted.acquire(blocking=False):
            raise ApiError(429, "busy: too many requests are waiting; try again shortly", "rate_limit_exceeded", {"Retry-After": "5"})
        self._running.acquire()
        return _Both(self._running, self._admitted)  # type: ignore[return-value]

    @contextmanager
    def slot(self) -> Iterator[None]:
        both = self.take()
        try:
            yield
        finally:
            both.release()


class _Both:
    def __init__(self, *sems: threading.BoundedSemaphore):
        self._sems, self._done = sems, False

    def release(self) -> None:
        if not self._done:
            self._done = True
            for s in self._sems:
                s.release()


def body_limit(chat_bytes: int, upload_bytes: int) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    """Refuse a body over its cap before reading it (413), declared or streamed."""

    async def middleware(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        cap = upload_bytes if request.url.path == "/v1/articles" else chat_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > cap:
            return _too_large(cap)
        body = b""
        async for part in request.stream():
            body += part
            if len(body) > cap:
                return _too_large(cap)
        request._body = body  # the endpoint reads what was counted here
        return await call_next(request)

    return middleware


def _too_large(cap: int) -> JSONResponse:
    return JSONResponse({"error": {"message": f"request body over {cap:,} bytes", "type": "invalid_request_error", "param": None,
                                   "code": 413}}, 413)  # fmt: skip


def key_check(key: str | None) -> Callable[[Request], None]:
    """A dependency: the bearer key, compared in constant time, when one is configured."""

    def check(request: Request) -> None:
        if key is None:
            return
        given = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), key.encode()):
            raise ApiError(401, "invalid API key: send it as 'Authorization: Bearer <key>'", "invalid_api_key")

    return check
