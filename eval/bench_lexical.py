"""`newsdesk bench --only lexical`: the two BM25 engines issue #17 named, measured on the
same chunks before one was chosen: bm25s (numpy, saved and memory-mapped; no incremental
update, so a new article means a rebuild) and tantivy (segments on disk, incremental,
readers reload to the latest commit).

The chunks are the MultiHop corpus's, cloned with shuffled sentences up to each size (the
same growth as the query benchmark); terms are Newsdesk's own (`rag.text.terms`), given
to both engines pre-tokenised, so only the engine differs.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from eval.metrics import percentiles
from rag.text.terms import terms


def cloned_terms(base: list[list[str]], size: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    out = list(base[:size])
    while len(out) < size:
        doc = list(rng.choice(base))
        rng.shuffle(doc)
        out.append(doc)
    return out


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t = time.perf_counter()
    got = fn()
    return time.perf_counter() - t, got


def bench_bm25s(docs: list[list[str]], queries: list[list[str]], new: list[list[str]], folder: Path) -> dict[str, Any]:
    import bm25s

    def build(corpus: list[list[str]]) -> Any:
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(t, len(vocab)) for t in d] for d in corpus]
        r = bm25s.BM25()
        r.index(bm25s.tokenization.Tokenized(ids=ids, vocab=vocab), show_progress=False)
        return r, vocab

    build_s, (r, vocab) = _timed(lambda: build(docs))
    save_s, _ = _timed(lambda: r.save(str(folder)))
    load_s, loaded = _timed(lambda: bm25s.BM25.load(str(folder), mmap=True))
    times = []
    for q in queries:
        ids = [vocab[t] for t in q if t in vocab]
        t = time.perf_counter()
        if ids:
            s = loaded.get_scores(ids)
            np.argpartition(-s, 50)[:50]
        times.append(time.perf_counter() - t)
    add_s, _ = _timed(lambda: build(docs + new))  # no incremental update: a rebuild
    return {"build_s": build_s, "save_s": save_s, "load_mmap_s": load_s, "query": percentiles(times),
            "add_one_article_s": add_s, "disk_mb": _mb(folder)}  # fmt: skip


def bench_tantivy(docs: list[list[str]], queries: list[list[str]], new: list[list[str]], folder: Path) -> dict[str, Any]:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    schema = sb.build()
    index = tantivy.Index(schema, path=str(folder))

    def write(batch: list[list[str]], start: int) -> None:
        w = index.writer(heap_size=64_000_000, num_threads=1)
        for i, d in enumerate(batch):
            w.add_document(tantivy.Document(id=str(start + i), body=" ".join(d)))
        w.commit()
        w.wait_merging_threads()

    build_s, _ = _timed(lambda: write(docs, 0))
    load_s, reader = _timed(lambda: tantivy.Index.open(str(folder)))
    reader.reload()
    searcher = reader.searcher()
    times = []
    for q in queries:
        t = time.perf_counter()
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", w))
                                              for w in dict.fromkeys(q)])  # fmt: skip
        hits = searcher.search(query, 50).hits
        [searcher.doc(a)["id"] for _, a in hits]
        times.append(time.perf_counter() - t)

    def add() -> None:
        write(new, len(docs))
        reader.reload()

    add_s, _ = _timed(add)
    return {"build_s": build_s, "load_mmap_s": load_s, "query": percentiles(times), "add_one_article_s": add_s,
            "disk_mb": _mb(folder)}  # fmt: skip


def _mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20


def bench_lexical(chunks: list[tuple[str, str, str]], questions: list[str], sizes: list[int]) -> dict[str, Any]:
    """chunks: (title, outlet, text) of the stored corpus."""
    base = [terms(f"{t} {s}\n{x}") for t, s, x in chunks]
    queries = [terms(q) for q in questions]
    new = base[:10]  # one article's worth of chunks
    out: dict[str, Any] = {}
    for size in sizes:
        docs = cloned_terms(base, size)
        with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
            out[str(size)] = {"bm25s": bench_bm25s(docs, queries, new, Path(a)),
                              "tantivy": bench_tantivy(docs, queries, new, Path(b))}  # fmt: skip
    return out


def render_lexical(results: dict[str, Any]) -> list[str]:
    md = ["### BM25 engines on the same chunks (bm25s vs tantivy)", "",
          "| chunks | engine | build s | open s | query p50 / p95 ms | add one article s | disk MB |",
          "|---|---|---|---|---|---|---|"]  # fmt: skip
    for size, engines in sorted(results.items(), key=lambda kv: int(kv[0])):
        for name, r in engines.items():
            q = r["query"]
            md.append(f"| {int(size):,} | {name} | {r['build_s']:.1f} | {r['load_mmap_s']:.2f} | "
                      f"{q['p50'] * 1000:.1f} / {q['p95'] * 1000:.1f} | {r['add_one_article_s']:.2f} | {r['disk_mb']:.0f} |")  # fmt: skip
    return md + [""]
