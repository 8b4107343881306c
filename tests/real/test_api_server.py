"""`newsdesk serve` as a user starts it: its own process, the bundled models, the seed
article; `curl` and the official openai client ask it, as the README shows."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.paths import ROOT, SEEDS

pytestmark = pytest.mark.real

QUESTION = "How many settlements near Bakhmut were bombarded?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _exe() -> str:
    exe = ROOT / ".venv" / "bin" / "newsdesk"
    return str(exe) if exe.exists() else "newsdesk"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("serve")
    env = {**os.environ, "NEWSDESK_STORE__PATH": str(tmp / "store"), "PYTHONUNBUFFERED": "1"}
    subprocess.run([_exe(), "ingest", str(SEEDS)], env=env, check=True, capture_output=True, timeout=600)
    port = _free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([_exe(), "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            assert proc.poll() is None, (tmp / "serve.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        else:
            pytest.fail("newsdesk serve did not come up in 300 s")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _assert_spans_point_at_cited_sentences(content: str, annotations: list[dict]) -> None:
    assert annotations, content
    for a in annotations:
        cited = a["url_citation"]
        span = content[cited["start_index"] : cited["end_index"]]
        assert re.search(r"\[\d+\][.!?\"']*$", span.rstrip()), (span, content)  # a whole cited sentence
    assert any("16" in content[a["url_citation"]["start_index"] : a["url_citation"]["end_index"]] for a in annotations)


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl not installed")
def test_curl_gets_a_cited_answer_with_spans_on_the_right_sentence(served: str) -> None:
    body = json.dumps({"model": "newsdesk", "messages": [{"role": "user", "content": QUESTION}]})
    out = subprocess.run(["curl", "-s", f"{served}/v1/chat/completions", "-H", "Content-Type: application/json",
                          "-d", body], capture_output=True, text=True, timeout=300, check=True).stdout  # fmt: skip
    reply = json.loads(out)
    message = reply["choices"][0]["message"]
    assert "16" in message["content"] and not reply["newsdesk"]["refused"]
    _assert_spans_point_at_cited_sentences(message["content"], message["annotations"])
    assert any("16 settlements" in c["quote"] for c in reply["newsdesk"]["citations"])


def test_the_openai_client_streams_and_gets_the_checked_answer_last(served: str) -> None:
    from openai import OpenAI

    client = OpenAI(base_url=f"{served}/v1", api_key="unused")
    reply = client.chat.completions.create(model="newsdesk", messages=[{"role": "user", "content": QUESTION}])
    message = reply.choices[0].message
    _assert_spans_point_at_cited_sentences(message.content or "", [a.model_dump() for a in message.annotations or []])
    chunks = list(client.chat.completions.create(model="newsdesk", stream=True,
                                                 messages=[{"role": "user", "content": QUESTION}]))  # fmt: skip
    assert len(chunks) > 2 and chunks[-1].choices[0].finish_reason == "stop"
    final = chunks[-1].model_extra or {}
    assert "newsdesk" in final and final["newsdesk"]["citations"], final
