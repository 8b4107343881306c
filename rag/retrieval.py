"""Hybrid retrieval for news: dense (Chroma) + BM25, fused by rank, steered by the outlets
and dates a question names, with a cap per article so one long story cannot fill every slot.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from rag.chunking import day_number
from rag.config import RetrievalSettings
from rag.hints import OutletMatcher, QueryHints, parse_hints
from rag.lexical import LexicalIndex
from rag.providers.embedding import Embedder
from rag.store import ChunkStore, StoredChunk


@dataclass
class Filters:
    """Hard filters a caller may set (the UI and `query()` expose them)."""

    sources: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since:
            clauses.append({"published_day": {"$gte": day_number(self.since)}})
        if self.until:
            clauses.append({"published_day": {"$lte": day_number(self.until)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, meta: dict[str, Any]) -> bool:
        if self.sources and meta.get("source") not in self.sources:
            return False
        day = int(meta.get("published_day", -1))
        if self.since and day < day_number(self.since):
            return False
        return not (self.until and day > day_number(self.until))


@dataclass
class RetrievedChunk:
    id: str
    text: str
    meta: dict[str, Any]
    score: float  # fused score (higher is better)
    dense: float = 0.0  # cosine similarity to the question, when known
    lexical: float = 0.0  # BM25 score, when known


@dataclass
class Retrieval:
    question: str
    chunks: list[RetrievedChunk]
    hints: QueryHints
    query_vector: np.ndarray
    timings: dict[str, float]


class _CorpusView:
    """What the lexical side needs, built once per store version."""

    def __init__(self, chunks: list[StoredChunk]):
        self.ids = [c.id for c in chunks]
        self.texts = [c.text for c in chunks]
        self.metas = [c.meta for c in chunks]
        self.pos = {cid: i for i, cid in enumerate(self.ids)}
        header = [f"{m.get('title', '')} {m.get('source', '')}" for m in self.metas]
        self.lexical = LexicalIndex([f"{h}\n{t}" for h, t in zip(header, self.texts, strict=True)])
        self.sources = np.array([str(m.get("source", "")) for m in self.metas], dtype=object)
        self.days = np.array([int(m.get("published_day", -1)) for m in self.metas], dtype=np.int64)
        self.doc_ids = [str(m.get("doc_id", "")) for m in self.metas]
        self.matcher = OutletMatcher(sorted({s for s in self.sources if s}))


class Retriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: RetrievalSettings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._view: _CorpusView | None = None
        self._view_count = -1
        self._lock = threading.Lock()

    # The lexical index mirrors the store. It is rebuilt when the chunk count changes
    # (another process ingested) or when `invalidate()` is called after an ingest here.
    def invalidate(self) -> None:
        with self._lock:
            self._view = None

    def view(self) -> _CorpusView:
        count = self.store.count()
        with self._lock:
            if self._view is None or count != self._view_count:
                self._view = _CorpusView(list(self.store.iter_chunks()) if count else [])
                self._view_count = count
            return self._view

    def outlets(self) -> list[str]:
        return sorted({s for s in self.view().sources if s})

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        query_vector: np.ndarray | None = None,
    ) -> Retrieval:
        s = self.settings
        top_k = top_k or s.top_k
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        view = self.view()
        hints = parse_hints(question, view.matcher)
        t1 = time.perf_counter()
        qvec = self.embedder.embed_query(question) if query_vector is None else query_vector
        t2 = time.perf_counter()
        timings["embed"] = t2 - t1

        where = filters.where()
        base_mask = None
        if where is not None:
            base_mask = np.array([filters.allows(m) for m in view.metas], dtype=bool)

        lists: list[tuple[float, list[tuple[str, float]]]] = []  # (weight, [(id, score)])
        dense_scores: dict[str, float] = {}
        lex_scores: dict[str, float] = {}
        hits: dict[str, StoredChunk] = {}

        def dense(where_clause: dict[str, Any] | None, n: int) -> list[tuple[str, float]]:
            out = []
            for h in self.store.dense_search(qvec, n, where_clause):
                hits[h.id] = h
                dense_scores[h.id] = max(dense_scores.get(h.id, -1.0), h.score)
                out.append((h.id, h.score))
            return out

        def lexical(mask: np.ndarray | None, n: int) -> list[tuple[str, float]]:
            if not s.hybrid:
                return []
            out = []
            for i, score in view.lexical.search(question, n, mask):
                cid = view.ids[i]
                lex_scores[cid] = max(lex_scores.get(cid, 0.0), score)
                out.append((cid, score))
            return out

        lists.append((1.0, dense(where, s.candidates)))
        lists.append((1.0, lexical(base_mask, s.candidates)))
        # A question that names outlets wants evidence from each of them: search within
        # each named outlet too, so a less-covered outlet is not crowded out.
        for outlet in hints.outlets[:4]:
            clause: dict[str, Any] = {"source": outlet}
            w = {"$and": [clause, where]} if where else clause
            mask = view.sources == outlet
            if base_mask is not None:
                mask &= base_mask
            lists.append((1.0, dense(w, 10)))
            lists.append((1.0, lexical(mask, 10)))
        for day in hints.days[:4]:
            rng = {"$and": [{"published_day": {"$gte": day - 1}}, {"published_day": {"$lte": day + 1}}]}
            lists.append((0.7, dense({"$and": [rng, where]} if where else rng, 6)))
        t3 = time.perf_counter()
        timings["search"] = t3 - t2

        fused: dict[str, float] = {}
        for weight, ranked in lists:
            for rank, (cid, _score) in enumerate(ranked):
                fused[cid] = fused.get(cid, 0.0) + weight / (s.rrf_k + rank + 1)

        ranked_ids = sorted(fused, key=lambda c: -fused[c])
        # Chunks found only lexically need their stored text and metadata.
        for cid in ranked_ids:
            if cid not in hits and cid in view.pos:
                i = view.pos[cid]
                hits[cid] = StoredChunk(cid, view.texts[i], view.metas[i])

        boosted = {cid: fused[cid] * _metadata_boost(hits[cid].meta, hints) for cid in ranked_ids if cid in hits}
        order = sorted(boosted, key=lambda c: -boosted[c])
        chosen: list[RetrievedChunk] = []
        per_doc: dict[str, int] = {}
        overflow: list[str] = []
        for cid in order:
            doc = str(hits[cid].meta.get("doc_id", cid))
            if per_doc.get(doc, 0) >= s.max_chunks_per_article:
                overflow.append(cid)
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            h = hits[cid]
            chosen.append(
                RetrievedChunk(cid, h.text, h.meta, boosted[cid], dense_scores.get(cid, 0.0), lex_scores.get(cid, 0.0))
            )
            if len(chosen) >= top_k:
                break
        # A small corpus may not fill top_k under the cap: then take the rest in order.
        for cid in overflow:
            if len(chosen) >= top_k:
                break
            h = hits[cid]
            chosen.append(
                RetrievedChunk(cid, h.text, h.meta, boosted[cid], dense_scores.get(cid, 0.0), lex_scores.get(cid, 0.0))
            )
        timings["fuse"] = time.perf_counter() - t3
        timings["retrieve"] = time.perf_counter() - t0
        return Retrieval(question, chosen, hints, qvec, timings)


def _metadata_boost(meta: dict[str, Any], hints: QueryHints) -> float:
    """Multiplicative boost for chunks whose outlet/date match what the question names."""
    boost = 1.0
    if hints.outlets and meta.get("source") in hints.outlets:
        boost *= 1.5
    day = int(meta.get("published_day", -1))
    if hints.days and any(abs(day - d) <= 1 for d in hints.days):
        boost *= 1.3
    if hints.day_ranges and any(lo <= day <= hi for lo, hi in hints.day_ranges):
        boost *= 1.2
    if hints.before_day is not None and 0 <= day < hints.before_day:
        boost *= 1.1
    if hints.after_day is not None and day > hints.after_day:
        boost *= 1.1
    return boost
