"""`newsdesk serve`: an OpenAI-compatible HTTP API whose answers carry checked citations.

    POST /v1/chat/completions   messages give the conversation; stream or not; model "newsdesk"
    GET  /v1/models, GET /healthz, POST /v1/articles (ingest), GET /v1/articles (list)

Each answer's `message.annotations` holds one `url_citation` per cited sentence (its
character span in the content, the article's url and title), as OpenAI's own format does,
and a `newsdesk` object holds the citations with their quotes, the sources, refusal and its
reason, removed sentences and disagreements. Streamed, the model's tokens come first and the
checked text with that object arrives in the final chunk (the check needs the whole answer).

Loopback by default; any other bind needs NEWSDESK_API__KEY, compared in constant time and
never logged. Bodies and questions are capped, concurrency is bounded (a full queue gets 429
with Retry-After, never a hang), and every error has OpenAI's shape.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag import Answer, NewsdeskError, Pipeline, Settings, Token, load_settings, redact
from ui.api_schema import ApiError, ArticleIn, ChatRequest, Limiter, body_limit, chat_payload, key_check, status_of
from ui.api_schema import chunk as sse_chunk
from ui.serving import LOOPBACK, bind_address, bind_parser

log = logging.getLogger("newsdesk.api")


def _error(status: int, message: str, kind: str = "invalid_request_error", headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": None, "code": status}}, status, headers=headers)


def build_api(pipeline: Pipeline) -> FastAPI:
    """The API over `pipeline` (a real one, or one with fakes in tests); nothing is launched."""
    s = pipeline.settings.api
    app = FastAPI(title="Newsdesk API", version="1", description=__doc__)
    limiter = Limiter(s.concurrency, s.queue_size)
    app.middleware("http")(body_limit(s.max_request_kb * 1024, s.max_upload_mb * 1024 * 1024))
    auth = Depends(key_check(s.key.get_secret_value() if s.key else None))

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.kind, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, f"invalid request: {_first_problem(exc.errors())}")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        info = pipeline.corpus()
        return {"status": "ok", "articles": info["articles"], "chunks": info["chunks"], "models": pipeline.model_names()}

    @app.get("/v1/models", dependencies=[auth])
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": "newsdesk", "object": "model", "created": 0, "owned_by": "newsdesk"}]}

    @app.get("/v1/articles", dependencies=[auth])
    def articles() -> dict[str, Any]:
        return pipeline.corpus()

    @app.post("/v1/articles", dependencies=[auth])
    def add_articles(body: list[ArticleIn] | ArticleIn) -> dict[str, Any]:
        records = body if isinstance(body, list) else [body]
        with limiter.slot():
            report = pipeline.ingest_documents([r.as_document() for r in records])
        return {"added": report.added, "updated": report.updated, "unchanged": report.unchanged,
                "chunks_total": report.chunks_total}  # fmt: skip

    @app.post("/v1/chat/completions", dependencies=[auth], response_model=None)
    def chat(body: ChatRequest) -> Any:
        question, history, filters = body.conversation(pipeline.settings.max_question_chars)
        if body.stream:
            slot = limiter.take()
            return StreamingResponse(_sse(pipeline, body, question, history, filters, slot), media_type="text/event-stream")
        with limiter.slot():
            answer = _answer(pipeline, question, history, filters, body.temperature)
        return chat_payload(answer, streamed=False)

    return app


def _first_problem(errors: Any) -> str:
    """The most specific of a validation's errors: a body that may be one article or a list
    fails both ways, and "Input should be a valid list" is not what is wrong with one article
    whose text is too short. Union branch names ("ArticleIn", "list[ArticleIn]") are left out."""
    if not errors:
        return "body: malformed"
    first = max(errors, key=lambda e: len(e.get("loc", ())))
    where = [str(p) for p in first.get("loc", ())[1:] if not (isinstance(p, str) and (p[:1].isupper() or "[" in p))]
    return f"{'.'.join(where) or 'body'}: {first.get('msg', 'malformed')}"


def _answer(pipeline: Pipeline, question: str, history: list[tuple[str, str]], filters: Any, temperature: float | None) -> Answer:
    try:
        return pipeline.ask(question, history=history or None, filters=filters, temperature=temperature)
    except NewsdeskError as exc:
        raise ApiError(status_of(exc), redact(str(exc)), "newsdesk_error") from None


def _sse(pipeline: Pipeline, body: ChatRequest, question: str, history: list[tuple[str, str]], filters: Any,
         slot: Any) -> Iterator[bytes]:  # fmt: skip
    """Server-sent events: the model's tokens as deltas, then the checked answer in the final chunk."""
    try:
        for ev in pipeline.stream(question, history=history or None, filters=filters, temperature=body.temperature):
            if isinstance(ev, Token):
                yield sse_chunk({"role": "assistant", "content": ev.text})
            elif isinstance(ev, Answer):
                yield f"data: {json.dumps(chat_payload(ev, streamed=True))}\n\n".encode()
    except NewsdeskError as exc:
        yield f"data: {json.dumps({'error': {'message': redact(str(exc)), 'type': 'newsdesk_error', 'code': status_of(exc)}})}\n\n".encode()
    finally:
        slot.release()
    yield b"data: [DONE]\n\n"


def check_exposure(host: str, key: str | None) -> None:
    if host not in LOOPBACK and not key:
        raise SystemExit(f"newsdesk serve: refusing to bind {host} without a key: set NEWSDESK_API__KEY, or bind 127.0.0.1.")


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    p = bind_parser("newsdesk serve", "Serve the OpenAI-compatible Newsdesk API.")
    p.add_argument("--with-ui", action="store_true", help="serve the chat UI at / in the same process")
    args = p.parse_args(argv)
    settings: Settings = load_settings()
    host, port = bind_address(args, settings.api.host, settings.api.port)
    check_exposure(host, settings.api.key.get_secret_value() if settings.api.key else None)
    pipe = Pipeline(settings)
    try:
        pipe.llm  # noqa: B018 - load the model now, not on the first request
    except NewsdeskError as exc:
        print(f"newsdesk serve: {redact(str(exc))}", file=sys.stderr)
        return 2
    app = build_api(pipe)
    if args.with_ui:
        import gradio as gr

        from ui.app import build_app

        app = gr.mount_gradio_app(app, build_app(pipe), path="/")
    print(f"Newsdesk API at http://{host}:{port}/v1  (Ctrl-C to stop)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
