"""Several app processes over one store: two `newsdesk serve` processes on one `chroma run`
server, and `newsdesk ingest` in a third. Both answer from the new article at the next
question after the ingest finishes, without a restart and without rebuilding an index of
their own (the chunk index is one folder on disk that both read)."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from eval.bench_scale import start_chroma
from tests.fixtures.articles import write_articles
from tests.fixtures.paths import ROOT, SEEDS, free_port

pytestmark = [pytest.mark.real, pytest.mark.server]

NEW = {"harbor.txt": "title: Harbor seawall approved\nsource: Bay Courier\ndate: 2023-03-02\n\n"
                     "The city council of Port Alden approved a new harbor seawall on Thursday. "
                     "The seawall will cost $48 million and take three years to build, the council said."}  # fmt: skip
QUESTION = "How much will the Port Alden seawall cost?"


def _exe() -> str:
    exe = ROOT / ".venv" / "bin" / "newsdesk"
    return str(exe) if exe.exists() else "newsdesk"


def _ask(url: str, question: str) -> dict:
    body = {"model": "newsdesk", "messages": [{"role": "user", "content": question}]}
    return httpx.post(f"{url}/v1/chat/completions", json=body, timeout=300).json()


def _wait_up(url: str, proc: subprocess.Popen, log: Path) -> None:  # type: ignore[type-arg]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        assert proc.poll() is None, log.read_text()
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.5)
    pytest.fail(f"newsdesk serve did not come up: {log.read_text()[-2000:]}")


@pytest.fixture
def two_servers(tmp_path: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    port = free_port()
    chroma = start_chroma(tmp_path / "chroma-data", port)
    env = {**os.environ, "NEWSDESK_STORE__HOST": "127.0.0.1", "NEWSDESK_STORE__PORT": str(port),
           "NEWSDESK_STORE__PATH": str(tmp_path / "app"), "PYTHONUNBUFFERED": "1"}  # fmt: skip
    procs, urls = [], []
    try:
        subprocess.run([_exe(), "ingest", str(SEEDS)], env=env, check=True, capture_output=True, timeout=600)
        for i in range(2):
            api_port, log = free_port(), tmp_path / f"serve{i}.log"
            procs.append(subprocess.Popen([_exe(), "serve", "--port", str(api_port)], env=env,
                                          stdout=log.open("w"), stderr=subprocess.STDOUT))  # fmt: skip
            urls.append(f"http://127.0.0.1:{api_port}")
        for url, proc, i in zip(urls, procs, range(2), strict=True):
            _wait_up(url, proc, tmp_path / f"serve{i}.log")
        yield urls, env
    finally:
        for p in procs:
            p.terminate()
            p.wait(timeout=30)
        chroma.terminate()
        chroma.wait(timeout=30)


def test_two_servers_answer_from_an_article_a_third_process_ingested(two_servers, tmp_path: Path) -> None:
    urls, env = two_servers
    for url in urls:  # both have read the store before the new article exists
        assert _ask(url, QUESTION)["newsdesk"]["refused"]
    folder = write_articles(tmp_path / "new", NEW)
    done = subprocess.run([_exe(), "ingest", str(folder)], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    for url in urls:  # the very next question
        reply = _ask(url, QUESTION)
        assert not reply["newsdesk"]["refused"], reply
        assert "48 million" in reply["choices"][0]["message"]["content"]
        assert any(c["title"] == "Harbor seawall approved" for c in reply["newsdesk"]["sources"]), reply["newsdesk"]
        assert httpx.get(f"{url}/healthz", timeout=5).json()["articles"] == 2
