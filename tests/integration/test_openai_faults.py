"""The OpenAI-compatible provider against a small HTTP server on loopback that fails on
purpose (401, 429, 5xx, hangs, streams cut mid-way). No mock of the client: real sockets,
real SSE. (tests/real/test_openai_server.py runs llama-cpp-python's server.)"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rag.errors import ModelAuthError, ModelRateLimited, ModelTimeout, ModelUnavailable
from rag.pipeline import Pipeline
from tests.fixtures.paths import SEEDS, free_port
from tests.fixtures.pipelines import make_settings

KEY = "sk-test-SECRET-abcdefghijklmnop"
QUESTION = "How many settlements near Bakhmut were bombarded?"


class FaultyServer:
    """An OpenAI-shaped endpoint on loopback whose behaviour a test chooses."""

    def __init__(self, mode: str):
        self.mode = mode
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                server.hits += 1
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if server.mode in {"400", "401", "404", "429", "503"}:
                    body = json.dumps({"error": {"message": f"failure with key {KEY}", "type": "x"}}).encode()
                    self.send_response(int(server.mode))
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if server.mode == "hang":
                    time.sleep(20)
                    return
                # "cut": two chunks of a stream, then the connection drops without a
                # finish_reason or [DONE].
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in ("16 settlements had ", "been bombarded"):
                    chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "m",
                             "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}  # fmt: skip
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def faulty(request: pytest.FixtureRequest) -> Iterator[FaultyServer]:
    srv = FaultyServer(request.param)
    yield srv
    srv.close()


def _pipeline(tmp_path: Path, port: int, **llm: object) -> Pipeline:
    settings = make_settings(
        tmp_path,
        llm={"provider": "openai", "model": "m", "base_url": f"http://127.0.0.1:{port}/v1", "api_key": KEY,
             "timeout_s": 2, "max_retries": 2, **llm},
    )  # fmt: skip
    pipe = Pipeline(settings)
    pipe.ingest([SEEDS])
    return pipe


@pytest.mark.parametrize("faulty", ["401"], indirect=True)
def test_bad_key_is_clear_not_retried_and_never_shown(faulty, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level(logging.DEBUG)
    pipe = _pipeline(tmp_path, faulty.port)
    with pytest.raises(ModelAuthError) as err:
        pipe.ask(QUESTION)
    assert faulty.hits == 1
    assert "401" in str(err.value) and KEY not in str(err.value)
    assert KEY not in caplog.text and KEY[3:12] not in caplog.text


@pytest.mark.parametrize("faulty", ["429", "503"], indirect=True)
def test_rate_limits_and_server_errors_get_bounded_retries(faulty, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pipe = _pipeline(tmp_path, faulty.port)
    t = time.perf_counter()
    with pytest.raises(ModelRateLimited) as err:
        pipe.ask(QUESTION)
    assert faulty.hits == 3  # the first try and max_retries=2
    assert time.perf_counter() - t < 30
    assert KEY not in str(err.value)


@pytest.mark.parametrize("faulty", ["hang"], indirect=True)
def test_hung_model_hits_the_timeout(faulty, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pipe = _pipeline(tmp_path, faulty.port, timeout_s=1, max_retries=0)
    t = time.perf_counter()
    with pytest.raises(ModelTimeout):
        pipe.ask(QUESTION)
    assert time.perf_counter() - t < 8


@pytest.mark.parametrize("faulty", ["cut"], indirect=True)
def test_stream_cut_mid_way_is_marked_incomplete(faulty, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pipe = _pipeline(tmp_path, faulty.port)
    ans = pipe.ask(QUESTION)
    assert ans.incomplete
    assert "16 settlements" in ans.raw_text


@pytest.mark.parametrize("faulty", ["400", "404"], indirect=True)
def test_a_wrong_model_name_is_a_clear_model_error_not_no_answer(faulty, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pipe = _pipeline(tmp_path, faulty.port)
    with pytest.raises(ModelUnavailable, match=rf"refused the request \({faulty.mode}.*NEWSDESK_LLM__MODEL") as err:
        pipe.ask(QUESTION)
    assert faulty.hits == 1 and KEY not in str(err.value)


def test_server_down_is_a_clear_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pipe = _pipeline(tmp_path, free_port(), max_retries=0)
    with pytest.raises(ModelUnavailable, match="cannot be reached"):
        pipe.ask(QUESTION)
