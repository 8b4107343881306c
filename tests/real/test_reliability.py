"""Faults survived: a killed ingest converges, a Chroma server that goes away or hangs
gives a clear error in bounded time, and the LLM is never called without context."""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from eval.bench_scale import start_chroma
from rag.errors import StoreUnavailable
from rag.pipeline import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.paths import ROOT, SEEDS, free_port
from tests.fixtures.pipelines import make_settings

WORDS = ["market", "council", "storm", "election", "vaccine", "merger", "court", "strike", "rocket", "league", "drought", "tariff", "satellite", "museum", "harvest", "protest", "budget", "reactor", "festival", "pipeline"]  # fmt: skip


def synthetic_corpus(path: Path, n: int, seed: int = 3) -> Path:
    rng = random.Random(seed)
    recs = []
    for i in range(n):
        topic = rng.sample(WORDS, 3)
        sents = [f"Officials said the {rng.choice(topic)} affected {rng.randint(2, 900)} people in district {rng.randint(1, 40)} on day {j}."
                 for j in range(rng.randint(8, 30))]  # fmt: skip
        recs.append({"title": f"Report {i} on the {' and '.join(topic)}", "source": f"Outlet {i % 7}",
                     "published_at": f"2023-{1 + i % 12:02d}-{1 + i % 27:02d}T10:00:00+00:00",
                     "url": f"https://news.example/{i}", "body": " ".join(sents)})  # fmt: skip
    path.write_text(json.dumps(recs))
    return path


def store_snapshot(store_path: Path) -> tuple[dict, dict, dict]:
    """Chroma's chunk and article records, and the chunk index: each chunk's text, metadata
    and sentence vectors (by content: a killed run leaves unused rows, so rows differ)."""
    import hashlib

    import chromadb
    from chromadb.config import Settings as CS

    from rag.store.chunk_index import ChunkIndex

    client = chromadb.PersistentClient(str(store_path), settings=CS(anonymized_telemetry=False))
    out = []
    for name in ("test_chunks", "test_articles"):
        got = client.get_collection(name).get(include=["documents", "metadatas"])
        out.append({i: (d, json.dumps(m, sort_keys=True)) for i, d, m in zip(got["ids"], got["documents"], got["metadatas"], strict=True)})
    index = ChunkIndex(store_path / "chunk-index" / "test-g0", dim=384)  # the fake embedder's
    out.insert(1, {c.id: (c.text, json.dumps(c.meta, sort_keys=True), hashlib.sha1(index.vectors(c.rows()).tobytes()).hexdigest())
                   for c in index.every_chunk()})  # fmt: skip
    return out[0], out[1], out[2]


def _ingest_cmd(corpus: Path, store: Path) -> tuple[list[str], dict[str, str]]:
    env = {**os.environ, "NEWSDESK_STORE__PATH": str(store), "NEWSDESK_STORE__COLLECTION": "test",
           "NEWSDESK_EMBEDDING__PROVIDER": "fake", "NEWSDESK_LLM__PROVIDER": "fake"}  # fmt: skip
    return [sys.executable, "-m", "rag.cli", "ingest", str(corpus)], env


@pytest.mark.server
def test_sigkill_during_ingest_converges_to_the_uninterrupted_result(tmp_path: Path) -> None:
    corpus = synthetic_corpus(tmp_path / "corpus.json", 400)
    cmd, env = _ingest_cmd(corpus, tmp_path / "clean")
    subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=ROOT, timeout=600)
    expected = store_snapshot(tmp_path / "clean")

    cmd, env = _ingest_cmd(corpus, tmp_path / "killed")
    rng = random.Random(11)
    kills = 0
    for _ in range(4):
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(1.5, 4.0))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(timeout=30)
    assert kills >= 2, "the ingest finished before it could be killed: make the corpus larger"
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    got = store_snapshot(tmp_path / "killed")
    for name, a, b in zip(("chunks", "chunk index", "articles"), expected, got, strict=True):
        assert a.keys() == b.keys(), f"{name}: {len(a)} vs {len(b)} records"
        assert a == b, f"{name} differ"


# ------------------------------------------------------------------ Chroma server


@pytest.mark.server
def test_chroma_server_mode_ingest_query_and_outage(tmp_path: Path) -> None:
    port = free_port()
    server = start_chroma(tmp_path / "server-data", port)
    try:
        settings = make_settings(tmp_path, store={"host": "127.0.0.1", "port": port, "timeout_s": 2})
        llm = QueueModel()
        pipe = Pipeline(settings, llm=llm)
        rep = pipe.ingest([SEEDS])
        assert rep.added == 1 and pipe.store.is_server
        ans = pipe.ask("How many settlements near Bakhmut were bombarded?")
        assert ans.citations and not ans.refused
        again = Pipeline(settings).ingest([SEEDS])  # a second client sees the same store
        assert again.unchanged == 1
    finally:
        server.terminate()
        server.wait(timeout=30)
    calls = len(llm.calls)
    t = time.perf_counter()
    with pytest.raises(StoreUnavailable):
        pipe.retriever.invalidate()
        pipe.ask("How many settlements near Bakhmut were bombarded?")
    assert time.perf_counter() - t < 15
    assert len(llm.calls) == calls  # the LLM is not called without context
    t = time.perf_counter()
    with pytest.raises(StoreUnavailable, match="not answering"):
        Pipeline(settings).store  # noqa: B018
    assert time.perf_counter() - t < 10


def test_hung_chroma_server_times_out(tmp_path: Path) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(5)
    port = sock.getsockname()[1]
    conns = []
    stop = threading.Event()

    def accept() -> None:  # accepts and never answers
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                conns.append(sock.accept()[0])
            except OSError:
                pass

    threading.Thread(target=accept, daemon=True).start()
    try:
        settings = make_settings(tmp_path, store={"host": "127.0.0.1", "port": port, "timeout_s": 1})
        t = time.perf_counter()
        with pytest.raises(StoreUnavailable, match="not answering"):
            Pipeline(settings).store  # noqa: B018
        assert time.perf_counter() - t < 5
    finally:
        stop.set()
        sock.close()
        for c in conns:
            c.close()
