"""The OpenAI-compatible provider against llama-cpp-python's own server, serving the
bundled model on loopback: streaming, a wrong key, and the model's NOT FOUND judgement read
from the server's logprobs."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from rag.errors import ModelAuthError
from rag.pipeline import Pipeline
from rag.types import Token
from tests.fixtures.paths import SEEDS, free_port
from tests.fixtures.pipelines import make_settings

KEY = "sk-test-SECRET-abcdefghijklmnop"
QUESTION = "How many settlements near Bakhmut were bombarded?"
# A near miss of eval/golden/seeds-paraphrase.jsonl (n10) that the bundled 1.5B's calibrated
# judgement refuses when it runs locally.
NEAR_MISS = "What is the population of the Donetsk region?"
# Its p09a, answered "No" by the article; the 1.5B left to write its own first word says "Yes".
YES_NO = "Did Stoltenberg call sending fighter jets to Ukraine the top priority right now?"


@pytest.fixture(scope="module")
def server_url(real_pipeline) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The default 1.5B, as users run it, behind llama-cpp-python's OpenAI-compatible server.
    (The 0.5B's greedy answer to QUESTION changes with the CPU build: on an AVX2 build it gave
    a true sentence without the count, which made the test depend on the machine.)"""
    import httpx

    from rag.providers.bundled import assemble

    model = assemble("qwen2.5-coder-1.5b", real_pipeline.settings.cache_dir)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_threads", "2", "--n_ctx", "4096", "--api_key", KEY],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {KEY}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _llm(url: str, **extra: Any) -> dict[str, Any]:
    return {"provider": "openai", "model": "local", "base_url": url, "api_key": KEY, "timeout_s": 120, **extra}


@pytest.mark.real
@pytest.mark.server
def test_streaming_answer_from_llama_cpp_openai_server(real_pipeline, server_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, fake=False, llm=_llm(server_url))
    pipe = Pipeline(settings, embedder=real_pipeline.embedder)
    pipe.ingest([SEEDS])
    events = list(pipe.stream(QUESTION))
    tokens = [e for e in events if isinstance(e, Token)]
    ans = events[-1]
    assert len(tokens) > 3  # it streamed
    assert not ans.incomplete and not ans.refused, ans.refusal_reason
    assert "16" in ans.text and ans.citations
    # a wrong key on the real server: 401, clear, not shown
    bad = Pipeline(make_settings(tmp_path / "b", fake=False, llm={**settings.llm.model_dump(), "api_key": "sk-wrong-0000000000"}),
                   embedder=real_pipeline.embedder)  # fmt: skip
    bad.ingest([SEEDS])
    with pytest.raises(ModelAuthError) as err:
        bad.ask(QUESTION)
    assert "sk-wrong" not in str(err.value)


@pytest.mark.real
@pytest.mark.server
def test_judgement_read_from_the_servers_logprobs(real_pipeline, server_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.answer.generate import build_messages
    from rag.config import BUNDLED_TUNING

    tuned = BUNDLED_TUNING["qwen2.5-coder-1.5b"]
    # The bundled model's calibrated thresholds hold for it at its calibrated sources budget.
    settings = make_settings(tmp_path, fake=False, llm=_llm(server_url, logprobs=True, yes_no_threshold=tuned["yes_no_threshold"]),
                             refusal={"not_found_threshold": tuned["not_found_threshold"]},
                             retrieval={"context_tokens": tuned["context_tokens"]})  # fmt: skip
    pipe = Pipeline(settings, embedder=real_pipeline.embedder)
    pipe.ingest([SEEDS])
    assert pipe.refusal.judges(pipe.llm.reads_logits)
    # The same model and prompt read locally and through the server: the same first-token odds.
    ctx = real_pipeline.context_for(NEAR_MISS, real_pipeline.retrieve(NEAR_MISS))
    messages = build_messages(NEAR_MISS, ctx)
    words = ["Yes", "No", "NOT"]
    local = real_pipeline.llm.first_token_logprobs(messages, words)
    served = pipe.llm.first_token_logprobs(messages, words)
    assert served is not None and local is not None
    assert abs(served["NOT"] - local["NOT"]) < 0.3, (served, local)
    # The calibrated judgement refuses the near miss, and answers the question the article answers.
    near = pipe.ask(NEAR_MISS)
    assert near.refused and "judges" in (near.refusal_reason or ""), (near.text, near.refusal_reason)
    answered = pipe.ask(QUESTION)
    assert not answered.refused and "16" in answered.text and answered.citations, answered.refusal_reason
    # The verdict decided from the served log-odds opens the answer, once, and the model explains it.
    verdict = pipe.ask(YES_NO)
    assert not verdict.refused and verdict.text.startswith("No,"), (verdict.text, verdict.refusal_reason)
    assert not verdict.text[3:].lstrip().lower().startswith(("no", "yes")) and verdict.citations, verdict.text
