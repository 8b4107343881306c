"""`newsdesk bench --only api`: the HTTP API under load. Twenty concurrent clients, each
asking about its own article (so a mixed-up answer would show), against `newsdesk serve`
with the real models on loopback; latency percentiles and what came back."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace
from typing import Any

from eval.metrics import percentiles
from rag import Pipeline, Settings


def bench_api(settings: Settings, clients: int = 20) -> dict[str, Any]:
    import httpx
    import uvicorn

    from ui.api import build_api

    data = settings.model_dump()
    data["api"].update({"queue_size": clients})
    pipe = Pipeline(Settings.model_validate(data))
    pipe.ingest_documents([SimpleNamespace(text=f"The harbour of Port {i} handled {i}00 ships last year, its authority said.",
                                           metadata={"title": f"Port {i} traffic", "source": "Port Wire"}, doc_id=f"port{i}")
                           for i in range(clients)])  # fmt: skip
    pipe.llm  # noqa: B018 - loaded before timing
    server = uvicorn.Server(uvicorn.Config(build_api(pipe), host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    results: dict[int, tuple[int, str, float]] = {}

    def ask(i: int) -> None:
        t = time.perf_counter()
        r = httpx.post(f"http://127.0.0.1:{port}/v1/chat/completions", timeout=900,
                       json={"messages": [{"role": "user", "content": f"How many ships did the harbour of Port {i} handle?"}]})  # fmt: skip
        text = r.json()["choices"][0]["message"]["content"] if r.status_code == 200 else r.text
        results[i] = (r.status_code, text, time.perf_counter() - t)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    server.should_exit = True
    lost = clients - len(results)
    own = sum(f"{i}00" in text for i, (_, text, _) in results.items())
    return {"clients": clients, "concurrency": settings.api.concurrency, "wall_seconds": time.perf_counter() - t0,
            "lost": lost, "errors": sum(code != 200 for code, _, _ in results.values()), "answered_with_their_own_fact": own,
            "latency": percentiles([s for _, _, s in results.values()])}  # fmt: skip


def render_api(r: dict[str, Any]) -> list[str]:
    lat = r["latency"]
    return ["### HTTP API under load (`newsdesk serve`, loopback)", "",
            f"{r['clients']} concurrent clients, concurrency {r['concurrency']}: {r['lost']} lost, {r['errors']} errors, "
            f"{r['answered_with_their_own_fact']} answered with their own article's fact; latency p50 {lat['p50']:.1f} s, "
            f"p95 {lat['p95']:.1f} s; all done in {r['wall_seconds']:.0f} s (answers are generated one at a time on 2 cores).", ""]  # fmt: skip

