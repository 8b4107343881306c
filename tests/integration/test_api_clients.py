"""Other clients of `newsdesk serve`: llama-index's OpenAILike, and schemathesis generating
valid and invalid requests from the OpenAPI document (every response a 2xx or a 4xx in
OpenAI's shape, never a 5xx, and the server still serving after)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from rag import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.paths import SEEDS
from tests.fixtures.pipelines import make_settings
from tests.fixtures.servers import serving
from ui.api import build_api

pytestmark = pytest.mark.server  # real servers on loopback (uvicorn in a thread, snippets in processes)
Q = "How many settlements near Bakhmut were bombarded?"


@pytest.fixture
def api_url(tmp_path: Path) -> Iterator[str]:
    pipe = Pipeline(make_settings(tmp_path), llm=QueueModel("The Ukrainian military said 16 settlements had been bombarded near Bakhmut [1]."))
    pipe.ingest([SEEDS])
    with serving(build_api(pipe)) as url:
        yield url


def test_llama_index_openai_like_talks_to_newsdesk(api_url: str) -> None:
    from llama_index.core.llms import ChatMessage
    from llama_index.llms.openai_like import OpenAILike

    llm = OpenAILike(model="newsdesk", api_base=f"{api_url}/v1", api_key="unused", is_chat_model=True,
                     context_window=4096, max_retries=0)  # fmt: skip
    reply = llm.chat([ChatMessage(role="user", content=Q)])
    assert "16" in str(reply.message.content)
    streamed = "".join(part.delta or "" for part in llm.stream_chat([ChatMessage(role="user", content=Q)]))
    assert "16" in streamed


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_generated_requests_never_get_a_server_error(tmp_path: Path, mode: GenerationMode) -> None:
    """Every operation of the OpenAPI document, with requests schemathesis derives from it:
    valid ones, and invalid ones (wrong types, missing fields, out-of-range values)."""
    pipe = Pipeline(make_settings(tmp_path))
    pipe.ingest([SEEDS])
    schema = schemathesis.openapi.from_asgi("/openapi.json", build_api(pipe))
    seen: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(generation_mode=mode))
        @hsettings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
        def call(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call()
            seen.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
            if response.status_code >= 400:
                assert set(response.json()["error"]) >= {"message", "type", "code"}, response.text[:300]

        try:
            call()
        except Unsatisfiable:  # an operation with no input to get wrong (GET /healthz)
            assert mode is GenerationMode.NEGATIVE
    assert seen and (mode is GenerationMode.POSITIVE or any(400 <= s < 500 for s in seen))


def test_the_server_keeps_serving_after_garbage(api_url: str) -> None:
    for body in (b"\x00\xff" * 1000, b"[" * 10_000, b'{"messages": [{"role": "user", "content": "' + b"a" * 300_000 + b'"}]}'):
        r = httpx.post(f"{api_url}/v1/chat/completions", content=body, headers={"content-type": "application/json"}, timeout=30)
        assert 400 <= r.status_code < 500, r.text[:200]
    assert httpx.get(f"{api_url}/healthz", timeout=10).json()["status"] == "ok"
