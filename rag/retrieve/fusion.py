"""Hybrid retrieval for news: BM25 over chunks fused with dense search over sentences,
steered by the outlets and dates a question names.

What the MultiHop-RAG development split showed (docs/EVALUATION.md has the numbers):
BM25 over chunks with their title and outlet is the strongest single retriever; dense
MiniLM helps as a lighter-weighted second opinion, and more at sentence level (a chunk
scored by its best sentence) than at chunk level; a question that names outlets needs a
search within each named outlet so that every report it compares is found.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rag.config import RetrievalSettings
from rag.providers.embedding import Embedder
from rag.retrieve.filters import Filters, both
from rag.retrieve.hints import QueryHints, parse_hints
from rag.retrieve.subjects import UnknownSubjects
from rag.retrieve.view import CorpusView
from rag.store.chroma import ChunkStore

Ranked = tuple[float, list[int]]  # (weight in the fusion, chunk positions in rank order)


@dataclass
class RetrievedChunk:
    id: str
    text: str
    meta: dict[str, Any]
    score: float  # fused score (higher is better)
    dense: float = 0.0  # best cosine similarity of one of its sentences, when seen
    lexical: float = 0.0  # BM25 score, when seen


@dataclass
class Retrieval:
    question: str
    chunks: list[RetrievedChunk]  # ranked; the first top_k are "the sources"
    hints: QueryHints
    query_vector: np.ndarray
    timings: dict[str, float]
    sentence_scores: dict[str, float] = field(default_factory=dict)  # sentence id -> cosine
    unknown: UnknownSubjects = field(default_factory=UnknownSubjects)  # names no article mentions


class _Searches:
    """The searches of one question; remembers each chunk's best lexical and dense score."""

    def __init__(self, view: CorpusView, store: ChunkStore, question: str, qvec: np.ndarray):
        self.view, self.store, self.question, self.qvec = view, store, question, qvec
        self.lex_best: dict[int, float] = {}
        self.dense_best: dict[int, float] = {}
        self.sentence_scores: dict[str, float] = {}

    def lexical(self, mask: np.ndarray | None, n: int) -> list[int]:
        out = []
        for i, score in self.view.lexical.search(self.question, n, mask):
            self.lex_best[i] = max(self.lex_best.get(i, 0.0), score)
            out.append(i)
        return out

    def dense(self, where: dict[str, Any] | None, n: int) -> list[int]:
        """Sentences, then their chunks: a chunk is as relevant as its best sentence."""
        best: dict[int, float] = {}
        for hit in self.store.search_sentences(self.qvec, n, where):
            self.sentence_scores[hit.id] = hit.score
            for i in self.view.chunks_of_sentence(str(hit.meta.get("doc_id", "")), int(hit.meta.get("pos", -1))):
                best[i] = max(best.get(i, -1.0), hit.score)
        for i, sc in best.items():
            self.dense_best[i] = max(self.dense_best.get(i, -1.0), sc)
        return sorted(best, key=lambda i: -best[i])


def _masked(mask: np.ndarray, base: np.ndarray | None) -> np.ndarray:
    return mask & base if base is not None else mask


def ranked_lists(s: RetrievalSettings, searches: _Searches, hints: QueryHints, filters: Filters) -> list[Ranked]:
    """Every search of the question with its weight: BM25 and dense over the whole (filtered)
    collection, then within every outlet and date window the question names."""
    view = searches.view
    where = filters.where()
    base = np.array([filters.allows(m) for m in view.metas], dtype=bool) if where else None
    dense_w = s.dense_weight if s.hybrid else 1.0
    lists: list[Ranked] = []

    def add(weight: float, mask: np.ndarray | None, clause: dict[str, Any] | None, n_lex: int, n_dense: int) -> None:
        if s.hybrid:
            lists.append((weight, searches.lexical(mask, n_lex)))
        lists.append((weight * dense_w, searches.dense(clause, n_dense)))

    add(1.0, base, where, s.candidates, s.dense_sentences)
    # A question that names outlets wants evidence from each of them, so a less-covered
    # outlet is not crowded out.
    for outlet in hints.outlets[: s.max_named_outlets]:
        add(1.0, _masked(view.sources == outlet, base), both({"source": outlet}, where), s.per_outlet, 2 * s.per_outlet)
    # Dates the question names ("on December 6, 2023", "in October 2023") likewise.
    windows = [(d - 1, d + 1) for d in hints.days[: s.max_named_dates]] + list(hints.day_ranges[: s.max_named_months])
    for lo, hi in windows:
        rng = {"$and": [{"published_day": {"$gte": lo}}, {"published_day": {"$lte": hi}}]}
        add(s.date_weight, _masked((view.days >= lo) & (view.days <= hi), base), both(rng, where), s.per_outlet,
            2 * s.per_outlet)  # fmt: skip
    return lists


def fuse(lists: list[Ranked], rrf_k: int) -> dict[int, float]:
    """Weighted reciprocal-rank fusion."""
    fused: dict[int, float] = {}
    for weight, ranked in lists:
        for rank, i in enumerate(ranked):
            fused[i] = fused.get(i, 0.0) + weight / (rrf_k + rank + 1)
    return fused


def newest_first(order: list[int], fused: dict[int, float], days: np.ndarray, share: float) -> list[int]:
    """For "latest" questions: the clearly relevant chunks (within `share` of the best fused
    score) go newest first; rank fusion alone is too flat to do it."""
    if not order:
        return order
    cut = share * fused[order[0]]
    relevant = [i for i in order if fused[i] >= cut]
    return sorted(relevant, key=lambda i: -int(days[i])) + [i for i in order if fused[i] < cut]


class Retriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: RetrievalSettings, check_names: bool = True):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.check_names = check_names
        self._view: CorpusView | None = None
        self._view_count = -1
        self._lock = threading.Lock()

    # The in-memory view mirrors the store. It is rebuilt when the store's version stamp
    # changes (an ingest or rebuild here or in another process, even one that kept the
    # chunk count), when the count changes (an ingest killed before its stamp), or on
    # `invalidate()`.
    def invalidate(self) -> None:
        with self._lock:
            self._view = None

    def view(self) -> CorpusView:
        changed = self.store.refresh()
        count = self.store.count()
        with self._lock:
            if self._view is None or changed or count != self._view_count:
                chunks = list(self.store.iter_chunks()) if count else []
                self._view = CorpusView(chunks, self.settings.name_candidates)
                self._view_count = count
            return self._view

    def retrieve(self, question: str, top_k: int | None = None, filters: Filters | None = None,
                 depth: int | None = None) -> Retrieval:  # fmt: skip
        """Rank chunks for `question`; returns at least `depth` (default: the context depth)."""
        s = self.settings
        depth = max(top_k or s.top_k, depth or s.context_chunks)
        t0 = time.perf_counter()
        view = self.view()
        hints = parse_hints(question, view.matcher)
        unknown = view.subjects.unknown(question) if self.check_names and view.ids else UnknownSubjects()
        t1 = time.perf_counter()
        qvec = self.embedder.embed_query(question)
        t2 = time.perf_counter()
        searches = _Searches(view, self.store, question, qvec)
        fused = fuse(ranked_lists(s, searches, hints, filters or Filters()), s.rrf_k)
        t3 = time.perf_counter()
        order = sorted(fused, key=lambda i: -fused[i])
        if hints.recency:
            order = newest_first(order, fused, view.days, s.recency_share)
        chosen = self._chosen(view, order, fused, searches, depth)
        timings = {"embed": t2 - t1, "search": t3 - t2, "fuse": time.perf_counter() - t3,
                   "retrieve": time.perf_counter() - t0}  # fmt: skip
        return Retrieval(question, chosen, hints, qvec, timings, searches.sentence_scores, unknown)

    def _chosen(self, view: CorpusView, order: list[int], fused: dict[int, float], searches: _Searches,
                depth: int) -> list[RetrievedChunk]:  # fmt: skip
        """The top `depth` chunks, at most `max_chunks_per_article` from one article."""
        chosen: list[RetrievedChunk] = []
        per_doc: dict[str, int] = {}
        for i in order:
            doc = str(view.metas[i].get("doc_id", ""))
            if per_doc.get(doc, 0) >= self.settings.max_chunks_per_article:
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            chosen.append(RetrievedChunk(view.ids[i], view.texts[i], view.metas[i], fused[i],
                                         searches.dense_best.get(i, 0.0), searches.lex_best.get(i, 0.0)))  # fmt: skip
            if len(chosen) >= depth:
                break
        return chosen
