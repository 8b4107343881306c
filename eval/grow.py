"""Synthetic growth of a store for the latency benchmark: the corpus's own sentences and
vectors cloned into new articles (sentences shuffled, vectors perturbed) and written
straight to the store, so larger sizes cost store writes, not hours of embedding. Written
in batches of a few hundred articles: each batch is one chunk-index commit (a segment)."""

from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np

from rag import Pipeline
from rag.ingest.indexer import chunk_vectors
from rag.store.chroma import ChunkStore
from rag.store.layout import sentences_of_chunk
from rag.types import Article, Chunk

Sources = dict[str, tuple[list[str], np.ndarray, dict[str, Any]]]  # doc -> (sentences, vectors, a chunk's meta)


def source_articles(store: ChunkStore) -> Sources:
    """Every stored article's sentences (sliced from its chunks) and vectors, read once."""
    index = store.chunk_index()
    text_of: dict[str, dict[int, str]] = {}
    meta_of: dict[str, dict[str, Any]] = {}
    base_of: dict[str, int] = {}
    for c in index.every_chunk():
        doc = str(c.meta["doc_id"])
        text_of.setdefault(doc, {}).update(sentences_of_chunk(c.text, c.meta))
        meta_of.setdefault(doc, c.meta)
        base_of[doc] = c.base
    out: Sources = {}
    for doc, texts in text_of.items():
        pos = sorted(texts)
        out[doc] = ([texts[p] for p in pos], index.vectors(base_of[doc] + np.asarray(pos)), meta_of[doc])
    return out


def clone(doc_id: str, texts: list[str], meta: dict[str, Any], title: str) -> list[Chunk]:
    """The 10-sentence chunks of one synthetic article."""
    day, outlet = int(meta.get("published_day", -1)), str(meta.get("source", ""))
    chunks = []
    for i in range(0, len(texts), 10):
        j = min(len(texts), i + 10) - 1
        chunks.append(Chunk(f"{doc_id}-{i // 10:04d}", doc_id, i // 10, " ".join(texts[i : j + 1]), title, outlet,
                            f"https://synthetic.example/{doc_id}", str(meta.get("published", "")), day,
                            sent_from=i, sent_to=j, sent_chars=",".join(str(len(t)) for t in texts[i : j + 1])))  # fmt: skip
    return chunks


def grow_store(pipe: Pipeline, target_chunks: int, seed: int = 5, batch_articles: int = 400) -> None:
    """Clone stored articles until the store holds `target_chunks` chunks. No model is run."""
    store = pipe.store
    rng, nprng = random.Random(seed), np.random.default_rng(seed)
    sources = source_articles(store)
    docs = sorted(sources)
    n, count = 0, store.count()
    while count < target_chunks:
        batch_c: list[Chunk] = []
        vectors: list[np.ndarray] = []
        chunk_vecs: list[np.ndarray] = []
        arts, firsts = [], []
        for _ in range(batch_articles):
            texts, vecs, meta = sources[rng.choice(docs)]
            perm = list(range(len(texts)))
            rng.shuffle(perm)
            vecs = vecs[perm] + nprng.normal(0, 0.02, vecs.shape).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            doc_id, n = f"synth{target_chunks}-{n:07d}", n + 1  # new ids at each size: a later grow adds, never overwrites
            chunks = clone(doc_id, [texts[i] for i in perm], meta, f"{meta.get('title', '')} ({n})")
            firsts.append((doc_id, sum(len(v) for v in vectors)))
            batch_c += chunks
            vectors.append(vecs)
            chunk_vecs.append(chunk_vectors(chunks, vecs))
            body = " ".join(c.text for c in chunks)
            arts.append((Article(doc_id, chunks[0].title, chunks[0].source, chunks[0].url, None, body), len(chunks)))
        base = store.append_sentence_vectors(np.concatenate(vectors))
        store.upsert_chunks(batch_c, np.concatenate(chunk_vecs), {d: base + k for d, k in firsts})
        store.put_articles(arts)
        count += len(batch_c)
        print(f"  grown to {count:,} chunks", file=sys.stderr, flush=True)
    store.touch()
    pipe.retriever.invalidate()
