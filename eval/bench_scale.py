"""`newsdesk bench --only query --sizes ...`: query latency, the cost of adding one article,
memory and disk, at store sizes grown synthetically (eval/grow.py); `--server` runs the
same against a `chroma run` server on loopback instead of an embedded folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from eval.common import free_port
from eval.grow import grow_store
from eval.metrics import percentiles
from rag import Pipeline

NEW_ARTICLE = ("title: Port Alden approves harbor seawall {n}\nsource: Bay Courier\ndate: 2023-12-0{d}\n\n"
               "The city council of Port Alden approved harbor seawall number {n} on Thursday. "
               "The seawall will cost {n} million dollars and take three years to build, the council said. "
               "Fishermen in Port Alden said the seawall would protect the marina from winter storms.")  # fmt: skip


def _rss_mib() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _disk_mib(*folders: Path) -> float:
    roots = [d for d in folders if d.exists() and not any(o != d and o in d.parents for o in folders)]  # count nested once
    return sum(f.stat().st_size for d in roots for f in d.rglob("*") if f.is_file()) / 2**20


def add_one_article(pipe: Pipeline, folder: Path, n: int) -> dict[str, Any]:
    """Ingest one new article (embedded by the bundled model) and ask about it: seconds
    until the answer's retrieval finds it, and whether it did."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seawall-{n}.txt"
    path.write_text(NEW_ARTICLE.format(n=n, d=1 + n % 9))
    t = time.perf_counter()
    rep = pipe.ingest([path])
    ingested = time.perf_counter() - t
    r = pipe.retrieve(f"What did the Port Alden council approve as seawall number {n}?")
    total = time.perf_counter() - t
    found = bool(r.chunks) and str(r.chunks[0].meta.get("title", "")).endswith(f"seawall {n}")
    return {"ingest_s": ingested, "searchable_s": total, "found_first": found, "added": rep.added}


def bench_size(pipe: Pipeline, questions: list[str], work: Path, size: int, with_llm: bool,
               n_llm: int = 5) -> dict[str, Any]:  # fmt: skip
    t = time.perf_counter()
    pipe.retriever.view()
    view_open = time.perf_counter() - t
    stages: dict[str, list[float]] = {"embed": [], "search": [], "retrieve": [], "context": []}
    for q in questions:
        r = pipe.retrieve(q)
        t = time.perf_counter()
        pipe.context_for(q, r)
        stages["context"].append(time.perf_counter() - t)
        for k in ("embed", "search", "retrieve"):
            stages[k].append(r.timings[k])
    out: dict[str, Any] = {k: percentiles(v) for k, v in stages.items()}
    out["view_open_s"] = view_open
    # The first ingest in a process also loads the sentence splitter and Chroma's write path;
    # the numbers are new in every run, so a reused store never has the article already.
    n = size * 1000 + int(time.time()) % 1000 * 2
    out["add_one_article"] = add_one_article(pipe, work / "new", n)
    out["add_another_article"] = add_one_article(pipe, work / "new", n + 1)
    out["rss_mib"] = _rss_mib()
    out["disk_mib"] = _disk_mib(pipe.settings.store.path, pipe.settings.store.index_root(), work / "chroma-server")
    out["chunks"] = pipe.store.count()
    if with_llm:
        ft, tot = [], []
        pipe.ask("warm-up: what did TechCrunch report?")  # loads the model and caches the system prompt
        for q in questions[:n_llm]:
            a = pipe.ask(q)
            if "first_token" in a.timings:
                ft.append(a.timings["first_token"])
            tot.append(a.timings["total"])
        out["first_token"] = percentiles(ft)
        out["answer_total"] = percentiles(tot)
    return out


def start_chroma(folder: Path, port: int) -> subprocess.Popen:  # type: ignore[type-arg]
    import httpx

    exe = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen([str(exe), "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("chroma run did not start")


def bench_scale(pipe: Pipeline, corpus: Path, questions: list[str], work: Path, sizes: list[int],
                with_llm: bool) -> dict[str, Any]:  # fmt: skip
    """Grow the store to each size in turn and measure there."""
    out: dict[str, Any] = {}
    pipe.ingest([corpus])
    for size in sorted(sizes):
        print(f"query latency at {size:,} chunks ...", file=sys.stderr, flush=True)
        t = time.perf_counter()
        grow_store(pipe, size)
        grown = time.perf_counter() - t
        out[str(size)] = bench_size(pipe, questions, work, size, with_llm)
        out[str(size)]["grow_s"] = grown
        (work / "scale-progress.json").write_text(json.dumps(out, indent=1, default=str))
    return out


def serve_rss(store: Path, collection: str, questions: list[str], host: str | None = None, port: int = 8000) -> dict[str, Any]:
    """Peak resident memory of a fresh `newsdesk serve` (the UI's pipeline, both models
    loaded) over an existing store, while it answers `questions`."""
    import threading

    import httpx
    import psutil

    env = {**os.environ, "NEWSDESK_STORE__PATH": str(store), "NEWSDESK_STORE__COLLECTION": collection}
    if host:
        env.update({"NEWSDESK_STORE__HOST": host, "NEWSDESK_STORE__PORT": str(port)})
    api = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "newsdesk"), "serve", "--port", str(api)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                peak[0] = max(peak[0], psutil.Process(proc.pid).memory_info().rss / 2**20)
            except psutil.Error:
                return
            time.sleep(0.2)

    threading.Thread(target=sample, daemon=True).start()
    url, answered = f"http://127.0.0.1:{api}", 0
    try:
        deadline = time.time() + 600
        while time.time() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{url}/healthz", timeout=30).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(1)
        for q in questions:
            body = {"model": "newsdesk", "messages": [{"role": "user", "content": q}]}
            answered += httpx.post(f"{url}/v1/chat/completions", json=body, timeout=600).status_code == 200
    finally:
        done.set()
        proc.terminate()
        proc.wait(timeout=60)
    return {"peak_rss_mib": peak[0], "questions_answered": answered}
