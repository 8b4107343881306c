"""The OpenAI-compatible provider against llama-cpp-python's own server, serving the
bundled model on loopback: streaming, and a wrong key."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from rag.errors import ModelAuthError
from rag.pipeline import Pipeline
from rag.types import Token
from tests.fixtures.paths import SEEDS, free_port
from tests.fixtures.pipelines import make_settings

KEY = "sk-test-SECRET-abcdefghijklmnop"
QUESTION = "How many settlements near Bakhmut were bombarded?"


@pytest.mark.real
@pytest.mark.server
def test_streaming_answer_from_llama_cpp_openai_server(real_pipeline, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from rag.providers.bundled import assemble

    # The default 1.5B, as users run it: the 0.5B's greedy answer to this question changes with the CPU build
    # (on an AVX2 build it gave a true sentence without the count), which made this test depend on the machine.
    model = assemble("qwen2.5-coder-1.5b", real_pipeline.settings.cache_dir)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_threads", "2", "--n_ctx", "4096", "--api_key", KEY],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        import httpx

        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {KEY}"}, timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.5)
        settings = make_settings(
            tmp_path, fake=False,
            llm={"provider": "openai", "model": "local", "base_url": f"http://127.0.0.1:{port}/v1", "api_key": KEY,
                 "timeout_s": 120},
        )  # fmt: skip
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
    finally:
        server.terminate()
        server.wait(timeout=30)
