"""`newsdesk serve` over loopback with the fake models: the official openai client,
streaming and not; cited spans; raw HTTP; bad payloads; the key; a full queue; articles;
twenty concurrent clients."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from rag import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.paths import SEEDS
from tests.fixtures.pipelines import make_settings
from tests.fixtures.servers import serving
from ui.api import build_api

pytestmark = pytest.mark.server  # real servers on loopback (uvicorn in a thread, snippets in processes)
Q = "How many settlements near Bakhmut were bombarded?"
KEY = "sk-api-TEST-0123456789abcdef"


ANSWER = "The Ukrainian military said 16 settlements had been bombarded near Bakhmut [1]."


def _pipe(tmp_path: Path, llm: QueueModel | None = None, **api: object) -> Pipeline:
    pipe = Pipeline(make_settings(tmp_path, api=api), llm=llm or QueueModel(ANSWER))
    pipe.ingest([SEEDS])
    return pipe


@pytest.fixture
def api_url(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    llm = QueueModel() if "articles" in request.node.name else None  # quoting source 1: the article just added
    with serving(build_api(_pipe(tmp_path, llm))) as url:
        yield url


def test_the_openai_client_gets_a_cited_answer_with_spans(api_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{api_url}/v1", api_key="unused", max_retries=0)
    done = client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": Q}])
    msg = done.choices[0].message
    assert "16" in (msg.content or "") and done.model == "newsdesk"
    notes = msg.model_dump()["annotations"]
    assert notes and notes[0]["type"] == "url_citation"
    span = notes[0]["url_citation"]
    cited = (msg.content or "")[span["start_index"] : span["end_index"]]
    extra = done.model_extra["newsdesk"]  # type: ignore[index]
    assert "16" in cited and cited.endswith("[1].") and extra["citations"][0]["quote"] in " ".join(extra["sources"][0]["sentences"])
    assert span["title"].startswith("NATO") and extra["refused"] is False


def test_streaming_sends_tokens_then_the_checked_answer(api_url: str) -> None:
    import openai

    client = openai.OpenAI(base_url=f"{api_url}/v1", api_key="unused", max_retries=0)
    chunks = list(client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": Q}], stream=True))
    tokens = [c.choices[0].delta.content for c in chunks[:-1] if c.choices and c.choices[0].delta.content]
    last = chunks[-1]
    assert len(tokens) > 2 and last.choices[0].finish_reason == "stop"
    assert "16" in (last.choices[0].delta.content or "") and last.model_extra["newsdesk"]["citations"]  # type: ignore[index]


def test_messages_carry_the_conversation_and_filters_go_in_fields(api_url: str) -> None:
    body = {"model": "newsdesk", "messages": [
        {"role": "system", "content": "You are helpful."},
        {"role": "user", "content": "How many settlements were bombarded during the new Russian offensive?"},
        {"role": "assistant", "content": "16 settlements were bombarded [1]."},
        {"role": "user", "content": "What about Bakhmut?"}]}  # fmt: skip
    r = httpx.post(f"{api_url}/v1/chat/completions", json=body, timeout=60)
    assert r.status_code == 200 and r.json()["choices"][0]["message"]["content"]
    r = httpx.post(f"{api_url}/v1/chat/completions", json={**body, "sources": ["No Such Outlet"]}, timeout=60)
    assert r.status_code == 200 and r.json()["newsdesk"]["refused"]


@pytest.mark.parametrize(("payload", "status"), [
    ({"model": "newsdesk", "messages": []}, 400),
    ({"model": "newsdesk", "messages": [{"role": "wizard", "content": "hi"}]}, 400),
    ({"model": "newsdesk", "messages": [{"role": "user", "content": 42}]}, 400),
    ({"model": "newsdesk", "messages": "not a list"}, 400),
    ({"model": "newsdesk", "messages": [{"role": "assistant", "content": "I answer"}]}, 400),
    ({"model": "newsdesk", "messages": [{"role": "user", "content": "x" * 5000}]}, 400),
    ({"model": "newsdesk", "messages": [{"role": "user", "content": Q}], "temperature": "hot"}, 400),
    ({"model": "newsdesk", "messages": [{"role": "user", "content": Q}], "since": "2024-01-01", "until": "2023-01-01"}, 400),
])  # fmt: skip
def test_bad_payloads_get_a_4xx_in_openai_shape_and_the_server_keeps_serving(api_url: str, payload: object, status: int) -> None:
    r = httpx.post(f"{api_url}/v1/chat/completions", json=payload, timeout=30)
    assert r.status_code == status and set(r.json()["error"]) >= {"message", "type", "code"}, r.text
    assert httpx.get(f"{api_url}/healthz", timeout=10).status_code == 200


def test_invalid_json_and_huge_bodies(api_url: str) -> None:
    r = httpx.post(f"{api_url}/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}, timeout=30)
    assert r.status_code == 400 and "error" in r.json()
    r = httpx.post(f"{api_url}/v1/chat/completions", content=b"x" * (2 * 1024 * 1024), headers={"content-type": "application/json"},
                   timeout=30)  # fmt: skip
    assert r.status_code == 413 and "error" in r.json()
    assert httpx.get(f"{api_url}/v1/models", timeout=10).json()["data"][0]["id"] == "newsdesk"


def test_the_key_is_required_when_set_and_never_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with serving(build_api(_pipe(tmp_path, key=KEY))) as url:
        assert httpx.get(f"{url}/v1/models", timeout=10).status_code == 401
        wrong = httpx.get(f"{url}/v1/models", headers={"Authorization": "Bearer sk-wrong"}, timeout=10)
        assert wrong.status_code == 401 and KEY not in wrong.text
        assert httpx.get(f"{url}/v1/models", headers={"Authorization": f"Bearer {KEY}"}, timeout=10).status_code == 200
    assert KEY not in caplog.text


def test_a_full_queue_gets_429_with_retry_after_never_a_hang(tmp_path: Path) -> None:
    def slow(messages):  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        return "16 settlements had been bombarded near Bakhmut [1]."

    with serving(build_api(_pipe(tmp_path, QueueModel(slow), concurrency=1, queue_size=0))) as url:
        first = threading.Thread(target=lambda: httpx.post(f"{url}/v1/chat/completions", timeout=60,
                                                           json={"messages": [{"role": "user", "content": Q}]}))  # fmt: skip
        first.start()
        time.sleep(0.5)
        t = time.perf_counter()
        r = httpx.post(f"{url}/v1/chat/completions", json={"messages": [{"role": "user", "content": Q}]}, timeout=30)
        assert r.status_code == 429 and r.headers["retry-after"] == "5" and time.perf_counter() - t < 2
        first.join()


def test_articles_are_ingested_and_listed_then_answered(api_url: str) -> None:
    record = {"title": "Freedonia rates", "source": "Fortune", "published_at": "2023-10-02",
              "body": "The central bank of Freedonia set its rate at 7.5 percent on Monday."}  # fmt: skip
    r = httpx.post(f"{api_url}/v1/articles", json=record, timeout=60)
    assert r.status_code == 200 and r.json()["added"] == 1
    assert any(row["title"] == "Freedonia rates" for row in httpx.get(f"{api_url}/v1/articles", timeout=10).json()["rows"])
    ask = {"messages": [{"role": "user", "content": "What rate did the Freedonia central bank set?"}]}
    assert "7.5" in httpx.post(f"{api_url}/v1/chat/completions", json=ask, timeout=60).json()["choices"][0]["message"]["content"]


@pytest.mark.parametrize(("payload", "message"), [
    ({"title": "Short", "body": "too short"}, "invalid request: body: String should have at least 20 characters"),
    ([{"title": "Fine", "body": "A body long enough to be an article."}, {"title": "Short", "body": ""}],
     "invalid request: 1.body: String should have at least 20 characters"),
    ("an article", "invalid request: body: Input should be a valid"),
])  # fmt: skip
def test_a_bad_article_is_refused_with_what_is_wrong_with_it(api_url: str, payload: object, message: str) -> None:
    r = httpx.post(f"{api_url}/v1/articles", json=payload, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["message"].startswith(message), r.text


def test_twenty_concurrent_clients_lose_nothing_and_mix_nothing(tmp_path: Path) -> None:
    pipe = Pipeline(make_settings(tmp_path, api={"concurrency": 2, "queue_size": 20}))
    pipe.ingest_documents([type("D", (), {"text": f"The harbour of town {i} handled {i}00 ships last year, officials said.",
                                          "metadata": {"title": f"Town {i} harbour", "source": "Port Wire"},
                                          "doc_id": f"town{i}"})() for i in range(20)])  # fmt: skip
    results: dict[int, tuple[int, str, float]] = {}

    def ask(i: int) -> None:
        t = time.perf_counter()
        r = httpx.post(f"{url}/v1/chat/completions", timeout=120,
                       json={"messages": [{"role": "user", "content": f"How many ships did the harbour of town {i} handle?"}]})  # fmt: skip
        results[i] = (r.status_code, r.json()["choices"][0]["message"]["content"], time.perf_counter() - t)

    with serving(build_api(pipe)) as url:
        threads = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=180)
    assert sorted(results) == list(range(20)) and all(code == 200 for code, _, _ in results.values())
    assert all(f"{i}00 ships" in text for i, (_, text, _) in results.items()), results  # each its own answer
    print(json.dumps({"p95_seconds": sorted(s for _, _, s in results.values())[18]}))
