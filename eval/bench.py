"""`newsdesk bench`: speed and memory, recorded as numbers (never as timed tests).

    newsdesk bench                     # everything below (the 100k grow alone can take 90 minutes on 2 slow cores)
    newsdesk bench --only ingest       # ingest throughput: newsdesk vs the llama-index peer vs the model alone
    newsdesk bench --only query --sizes 10000 100000 1000000 [--server] [--no-llm]
    newsdesk bench --only memory
    newsdesk bench --only api          # 20 concurrent clients against newsdesk serve (eval/bench_api.py)
    newsdesk bench --only web          # fetched pages: speed, boilerplate kept out (eval/bench_web.py)
    newsdesk bench --only lexical --sizes 100000 1000000   # BM25 engines: bm25s vs tantivy (eval/bench_lexical.py)
    newsdesk bench --only guard        # the injection guard on long hostile text (eval/bench_guard.py)

Ingest runs each pipeline on the MultiHop-RAG corpus in a fresh store, in this process,
one after the other. Query latency is measured at corpus sizes grown synthetically: the
corpus's own sentences and vectors are cloned into new articles (with shuffled sentences
and perturbed vectors), written straight to the store, so the larger sizes cost store
writes, not hours of embedding. Results: eval/results/bench-<time>/ (JSON, PNG) and a
Markdown table to paste into docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from eval.common import RESULTS, free_port, machine
from rag import Pipeline, load_settings
from rag.config import PROJECT_ROOT, Settings


def _settings(folder: Path, **extra: Any) -> Settings:
    base = load_settings()
    data = base.model_dump()
    data["store"].update({"path": folder, "host": None, "collection": "bench"})
    for k, v in extra.items():
        data.setdefault(k, {}).update(v)
    return Settings.model_validate(data)


# ---------------------------------------------------------------- ingest


def bench_ingest(corpus: Path, work: Path) -> dict[str, Any]:
    from eval.baseline import PlainPipeline, embed_model

    out: dict[str, Any] = {"corpus": str(corpus)}
    n_articles = len(json.loads(corpus.read_text()))
    # newsdesk, default embeddings (onnxruntime, int8 weights)
    pipe = Pipeline(_settings(work / "newsdesk"))
    pipe.embedder  # noqa: B018 - load the model outside the timed part
    t = time.perf_counter()
    rep = pipe.ingest([corpus])
    out["newsdesk"] = {"seconds": time.perf_counter() - t, "embed_seconds": rep.embed_seconds, "chunks": rep.chunks_total,
                       "sentences": pipe.store.sentence_rows(), "articles": n_articles}  # fmt: skip
    t = time.perf_counter()
    again = pipe.ingest([corpus])  # unchanged corpus: every article skipped by content hash
    out["newsdesk_reingest_unchanged"] = {"seconds": time.perf_counter() - t, "unchanged": again.unchanged,
                                          "share_of_full": (time.perf_counter() - t) / out["newsdesk"]["seconds"]}  # fmt: skip
    # the llama-index peer (its time includes its own model load, a few seconds)
    t = time.perf_counter()
    plain = PlainPipeline(work / "plain", corpus)
    out["plain"] = {"seconds": time.perf_counter() - t, "chunks": plain.chunks, "articles": n_articles}
    # the embedding model alone on the peer's chunks (fp32, as the peer runs it)
    import chromadb
    from chromadb.config import Settings as CS

    texts = chromadb.PersistentClient(str(work / "plain"), settings=CS(anonymized_telemetry=False)).get_collection("plain").get(include=["documents"])["documents"] or []
    model = embed_model()
    t = time.perf_counter()
    model.get_text_embedding_batch(texts)
    out["model_alone_fp32"] = {"seconds": time.perf_counter() - t, "chunks": len(texts)}
    for k in ("newsdesk", "plain"):
        out[k]["articles_per_s"] = n_articles / out[k]["seconds"]
    out["model_alone_fp32"]["chunks_per_s"] = len(texts) / out["model_alone_fp32"]["seconds"]
    out["plain"]["chunks_per_s"] = plain.chunks / out["plain"]["seconds"]
    out["speedup_vs_plain"] = out["plain"]["seconds"] / out["newsdesk"]["seconds"]
    out["speedup_vs_model_alone"] = out["model_alone_fp32"]["seconds"] / out["newsdesk"]["seconds"]
    return out


# ---------------------------------------------------------------- query latency at size


def _query(args: argparse.Namespace, corpus: Path, settings: Settings, work: Path) -> dict[str, Any]:
    from contextlib import ExitStack

    from eval.bench_scale import bench_scale, serve_rss, start_chroma

    questions = [q["query"] for q in json.loads((settings.multihop_dir / "queries-dev.json").read_text())][:100]
    server: dict[str, Any] = {}
    with ExitStack() as stack:
        if args.server:
            server = {"host": "127.0.0.1", "port": free_port()}
            proc = start_chroma(work / "chroma-server", server["port"])
            stack.callback(proc.wait, timeout=60)
            stack.callback(proc.terminate)
        elif (work / "ingest" / "newsdesk").exists():  # start from the store just built: saves a full ingest
            shutil.copytree(work / "ingest" / "newsdesk", work / "grow")
        pipe = Pipeline(_settings(work / "grow", store=server))
        out = bench_scale(pipe, corpus, questions, work, args.sizes, not args.no_llm)
        if not args.no_llm:
            out[str(max(args.sizes))]["serve"] = serve_rss(work / "grow", "bench", questions[:3], **server)
        return out


def _lexical(corpus: Path, work: Path, settings: Settings, sizes: list[int]) -> dict[str, Any]:
    from eval.bench_lexical import bench_lexical

    pipe = Pipeline(_settings(work))
    pipe.ingest([corpus])
    chunks = [(str(c.meta.get("title", "")), str(c.meta.get("source", "")), c.text)
              for c in pipe.store.chunk_index().every_chunk()]  # fmt: skip
    questions = [q["query"] for q in json.loads((settings.multihop_dir / "queries-dev.json").read_text())][:200]
    return bench_lexical(chunks, questions, sizes)


# ---------------------------------------------------------------- memory


def _peak_rss_of(cmd: list[str], env: dict[str, str], ready: str | None = None, timeout: float = 900) -> float:
    """Peak resident memory (MiB) of a child process (and its children)."""
    import psutil

    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=PROJECT_ROOT)
    ps = psutil.Process(proc.pid)
    peak = 0.0
    deadline = time.time() + timeout
    lines: list[str] = []

    def reader() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)

    import threading

    threading.Thread(target=reader, daemon=True).start()
    while proc.poll() is None and time.time() < deadline:
        try:
            rss = ps.memory_info().rss + sum(c.memory_info().rss for c in ps.children(recursive=True))
            peak = max(peak, rss / 2**20)
        except psutil.Error:
            pass
        if ready and any(ready in line for line in lines):
            time.sleep(3)  # settle after start-up
            rss = ps.memory_info().rss
            peak = max(peak, rss / 2**20)
            proc.terminate()
            break
        time.sleep(0.2)
    proc.wait(timeout=60)
    return peak


def bench_memory(corpus: Path, work: Path) -> dict[str, float]:
    exe = str(Path(sys.executable).parent / "newsdesk")
    env = {**os.environ, "NEWSDESK_STORE__PATH": str(work / "mem-store"), "NEWSDESK_STORE__COLLECTION": "bench"}
    out = {"ingest_corpus_peak_mib": _peak_rss_of([exe, "ingest", str(corpus)], env)}
    env_ui = {**env, "NEWSDESK_UI__PORT": "0"}
    out["ui_with_models_mib"] = _peak_rss_of([exe, "ui", "--port", str(free_port())], env_ui, ready="Newsdesk is running")
    return out


# ---------------------------------------------------------------- report


def render(results: dict[str, Any]) -> str:
    md = [f"Taken {results['date']} on {results['machine']}; LLM {results['llm']}, embedding {results['embedding']}.", ""]
    ing = results.get("ingest")
    if ing:
        n, p, m = ing["newsdesk"], ing["plain"], ing["model_alone_fp32"]
        md += ["### Ingest, MultiHop-RAG corpus (609 articles), one process, same run", "",
               "| pipeline | seconds | articles/s | what was embedded |", "|---|---|---|---|",
               f"| newsdesk (MiniLM onnx int8, sentences) | {n['seconds']:.1f} | {n['articles_per_s']:.2f} | {n['sentences']:,} sentences → {n['chunks']:,} chunks |",
               f"| plain llama-index (fp32 MiniLM, 256-token chunks) | {p['seconds']:.1f} | {p['articles_per_s']:.2f} | {p['chunks']:,} chunks ({p['chunks_per_s']:.1f} chunks/s) |",
               f"| the fp32 model alone on the peer's chunks | {m['seconds']:.1f} | – | {m['chunks']:,} chunks ({m['chunks_per_s']:.1f} chunks/s) |",
               "", f"newsdesk vs the peer: **{ing['speedup_vs_plain']:.2f}x**; vs the fp32 model alone: {ing['speedup_vs_model_alone']:.2f}x. "
               f"Re-ingesting the unchanged corpus: {ing['newsdesk_reingest_unchanged']['seconds']:.1f} s "
               f"({ing['newsdesk_reingest_unchanged']['share_of_full']:.1%} of a full ingest).", ""]  # fmt: skip
    q = results.get("query")
    if q:
        md += [f"### Query latency by store size ({results.get('query_mode', '')}; seconds, p50 / p95)", "",
               "| chunks | grow s | embed | search | retrieve (total) | context | first token | full answer | open view s | "
               "one new article searchable s (first in process / next) | RSS MiB | disk MiB |",
               "|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for _size, r in sorted(q.items(), key=lambda kv: int(kv[0])):

            def f(k: str, r: dict[str, Any] = r) -> str:
                return f"{r[k]['p50']:.3f} / {r[k]['p95']:.3f}" if k in r else "–"

            add, nxt = r["add_one_article"], r["add_another_article"]
            md.append(f"| {r['chunks']:,} | {r['grow_s']:.0f} | {f('embed')} | {f('search')} | {f('retrieve')} | {f('context')} | "
                      f"{f('first_token')} | {f('answer_total')} | {r['view_open_s']:.2f} | {add['searchable_s']:.2f} / {nxt['searchable_s']:.2f}"
                      f"{'' if add['found_first'] and nxt['found_first'] else ' (not found first)'} | {r['rss_mib']:,.0f} | {r['disk_mib']:,.0f} |")  # fmt: skip
        md.append("")
    if results.get("lexical"):
        from eval.bench_lexical import render_lexical

        md += render_lexical(results["lexical"])
    if results.get("api"):
        from eval.bench_api import render_api

        md += render_api(results["api"])
    if results.get("web"):
        from eval.bench_web import render_web

        md += render_web(results["web"])
    if results.get("guard"):
        from eval.bench_guard import render_guard

        md += render_guard(results["guard"])
    mem = results.get("memory")
    if mem:
        md += ["### Memory (peak resident, MiB)", "", "| process | MiB |", "|---|---|"]
        md += [f"| {k.replace('_', ' ')} | {v:,.0f} |" for k, v in mem.items()] + [""]
    return "\n".join(md)


def plot(results: dict[str, Any], out: Path) -> None:
    q = results.get("query")
    if not q:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(int(s) for s in q)
    fig, ax = plt.subplots(figsize=(7, 4))
    for k in ("embed", "search", "retrieve", "context"):
        ax.plot(sizes, [q[str(s)][k]["p50"] * 1000 for s in sizes], marker="o", label=f"{k} p50")
    ax.set_xscale("log")
    ax.set_xlabel("chunks in the store")
    ax.set_ylabel("milliseconds")
    ax.set_title("query latency by corpus size")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "latency_by_size.png", dpi=100)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsdesk bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--only", choices=["ingest", "query", "memory", "api", "web", "lexical", "guard"], action="append")
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--no-llm", action="store_true", help="skip first-token / full-answer timings")
    p.add_argument("--server", action="store_true", help="query part: against a `chroma run` server on loopback")
    p.add_argument("--work", default=None, help="scratch folder (default: a temporary one, removed after)")
    args = p.parse_args(argv)
    parts = set(args.only or ["ingest", "query", "memory", "guard"])
    settings = load_settings()
    corpus = settings.multihop_dir / "corpus.json"
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="newsdesk-bench-"))
    results: dict[str, Any] = {"date": datetime.now().isoformat(timespec="seconds"), "machine": machine(),
                               "llm": settings.llm.model, "embedding": settings.embedding.label()}  # fmt: skip
    out = RESULTS / f"bench-{datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    try:
        if "ingest" in parts:
            print("ingest: newsdesk, the plain llama-index peer, the model alone ...", file=sys.stderr, flush=True)
            results["ingest"] = bench_ingest(corpus, work / "ingest")
        if "query" in parts:
            results["query"] = _query(args, corpus, settings, work)
            results["query_mode"] = "chroma server on loopback" if args.server else "embedded Chroma folder"
        if "lexical" in parts:
            print(f"lexical engines at {args.sizes} chunks ...", file=sys.stderr, flush=True)
            results["lexical"] = _lexical(corpus, work / "lexical", settings, args.sizes)
        if "api" in parts:
            from eval.bench_api import bench_api

            print("api: 20 concurrent clients against newsdesk serve ...", file=sys.stderr, flush=True)
            results["api"] = bench_api(_settings(work / "api"))
        if "web" in parts:
            from eval.bench_web import bench_web

            print("web: fetched pages from the fictional news site ...", file=sys.stderr, flush=True)
            results["web"] = bench_web(_settings(work / "web"), corpus)
        if "guard" in parts:
            from eval.bench_guard import bench_guard

            results["guard"] = bench_guard()
        if "memory" in parts:
            print("memory: ingest and UI processes ...", file=sys.stderr, flush=True)
            results["memory"] = bench_memory(corpus, work)
    finally:
        (out / "bench.json").write_text(json.dumps(results, indent=2, default=str))
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    (out / "bench.md").write_text(render(results))
    plot(results, out)
    print(render(results))
    print(f"\nwritten to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
