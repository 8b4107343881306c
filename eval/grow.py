"""Synthetic growth of a store for the latency benchmark: the corpus's own sentences and
vectors cloned into new articles (sentences shuffled, vectors perturbed) and written
straight to the store, so larger sizes cost store writes, not hours of embedding."""

from __future__ import annotations

import random
import sys
from typing import Any

import numpy as np

from rag import Pipeline
from rag.ingest.indexer import chunk_vectors
from rag.store.chroma import ChunkStore
from rag.store.layout import sentence_id, sentences_of_chunk
from rag.types import Article, Chunk, Sentence

Sources = dict[str, tuple[list[str], np.ndarray, dict[str, Any]]]  # doc -> (sentences, vectors, a chunk's meta)


def source_articles(store: ChunkStore) -> Sources:
    """Every stored article's sentences (sliced from its chunks) and vectors, read once: a
    filtered read per clone gets slower as the store grows."""
    text_of: dict[str, dict[int, str]] = {}
    meta_of: dict[str, dict[str, Any]] = {}
    for c in store.iter_chunks():
        doc = str(c.meta["doc_id"])
        text_of.setdefault(doc, {}).update(sentences_of_chunk(c.text, c.meta))
        meta_of.setdefault(doc, c.meta)
    rows: dict[str, list[tuple[int, str, Any]]] = {}
    col, page = store._sentences, 5000
    for offset in range(0, store.sentence_count(), page):
        got = col.get(include=["embeddings", "metadatas"], limit=page, offset=offset)
        for meta, vec in zip(got["metadatas"], got["embeddings"], strict=True):
            doc, pos = str(meta["doc_id"]), int(meta["pos"])
            if pos in text_of.get(doc, {}):
                rows.setdefault(doc, []).append((pos, text_of[doc][pos], vec))
    out: Sources = {}
    for doc, rs in rows.items():
        rs.sort(key=lambda r: r[0])
        out[doc] = ([t for _, t, _ in rs], np.asarray([v for _, _, v in rs], dtype=np.float32), meta_of[doc])
    return out


def clone(doc_id: str, texts: list[str], vecs: np.ndarray, meta: dict[str, Any], title: str) -> tuple[list[Sentence], list[Chunk]]:
    """Sentences and 10-sentence chunks of one synthetic article."""
    day, outlet = int(meta.get("published_day", -1)), str(meta.get("source", ""))
    sents = [Sentence(sentence_id(doc_id, p), doc_id, p, t, outlet, day) for p, t in enumerate(texts)]
    chunks = []
    for i in range(0, len(texts), 10):
        j = min(len(texts), i + 10) - 1
        chunks.append(Chunk(f"{doc_id}-{i // 10:04d}", doc_id, i // 10, " ".join(texts[i : j + 1]), title, outlet,
                            f"https://synthetic.example/{doc_id}", str(meta.get("published", "")), day,
                            sent_from=i, sent_to=j, sent_chars=",".join(str(len(t)) for t in texts[i : j + 1])))  # fmt: skip
    return sents, chunks


def grow_store(pipe: Pipeline, target_chunks: int, seed: int = 5) -> None:
    """Clone stored articles until the store holds `target_chunks` chunks. No model is run."""
    store = pipe.store
    rng, nprng = random.Random(seed), np.random.default_rng(seed)
    sources = source_articles(store)
    docs = sorted(sources)
    n, count = 0, store.count()
    while count < target_chunks:
        batch_s: list[Sentence] = []
        batch_c: list[Chunk] = []
        vectors: list[np.ndarray] = []
        chunk_vecs: list[np.ndarray] = []
        arts = []
        for _ in range(50):
            texts, vecs, meta = sources[rng.choice(docs)]
            perm = list(range(len(texts)))
            rng.shuffle(perm)
            vecs = vecs[perm] + nprng.normal(0, 0.02, vecs.shape).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            doc_id, n = f"synth{n:07d}", n + 1
            sents, chunks = clone(doc_id, [texts[i] for i in perm], vecs, meta, f"{meta.get('title', '')} ({n})")
            batch_s, batch_c = batch_s + sents, batch_c + chunks
            vectors.append(vecs)
            chunk_vecs.append(chunk_vectors(chunks, vecs))
            arts.append((Article(doc_id, chunks[0].title, chunks[0].source, chunks[0].url, None, " ".join(s.text for s in sents)), len(chunks)))
        store.upsert_sentences(batch_s, np.concatenate(vectors))
        store.upsert_chunks(batch_c, np.concatenate(chunk_vecs))
        store.put_articles(arts)
        count += len(batch_c)
        print(f"  grown to {count:,} chunks", file=sys.stderr, flush=True)
    store.touch()
    pipe.retriever.invalidate()
