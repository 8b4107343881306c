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
from rag.retrieve.filters import Filters
from rag.retrieve.hints import QueryHints, parse_hints
from rag.retrieve.subjects import UnknownSubjects
from rag.retrieve.view import CorpusView
from rag.store.chroma import ChunkStore
from rag.store.chunk_index import ChunkIndex, IndexedChunk
from rag.store.layout import sentence_id
from rag.text.dates import day_number
from rag.text.terms import query_terms

Ranked = tuple[float, list[str]]  # (weight in the fusion, chunk ids in rank order)


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
    """The searches of one question; remembers each chunk's best lexical and dense score.

    Dense search finds chunks by their vector (one per chunk in Chroma), adds the chunks
    BM25 found, and ranks them all by their best sentence (vectors read from the chunk
    index): as good as searching every sentence on MultiHop dev, at a tenth of the vectors
    in the HNSW index (docs/EVALUATION.md)."""

    def __init__(self, view: CorpusView, store: ChunkStore, question: str, qvec: np.ndarray):
        self.view, self.store, self.question, self.qvec = view, store, question, qvec
        self.words = query_terms(question)
        self.docs: dict[str, IndexedChunk] = {}
        self.lex_best: dict[str, float] = {}
        self.dense_best: dict[str, float] = {}
        self.sentence_scores: dict[str, float] = {}
        self._nearest: list[str] | None = None

    def lexical(self, within: Any, n: int) -> list[str]:
        out = []
        for cid, score in self.view.index.search(self.words, n, within):
            self.lex_best[cid] = max(self.lex_best.get(cid, 0.0), score)
            out.append(cid)
        return out

    def nearest(self, pool: int) -> list[str]:
        """The question's nearest chunks by vector, searched once, unfiltered: Chroma's
        filtered search scans the metadata first (0.4-1.3 s per search at a million
        chunks, against 2.5 ms for 500 unfiltered); each narrowed search keeps its own,
        as the chunk index says (reading 500 records' metadata from Chroma costs 70 ms)."""
        if self._nearest is None:
            self._nearest = [h.id for h in self.store.search_chunks(self.qvec, min(pool, self.view.size))]
        return self._nearest

    def dense(self, narrowing: Narrowing, n: int, pool: int, also: list[str]) -> list[str]:
        """The n nearest chunks that the narrowing allows and the `also` found by BM25 in the
        same search, ranked by their best sentence."""
        near = self.nearest(pool)
        if not narrowing.is_everything():
            allowed = self.view.index.which(near, narrowing.query(self.view.index))
            near = [cid for cid in near if cid in allowed]
        ids = near[:n]
        best = self.best_sentences(list(dict.fromkeys(ids + also)))
        return sorted(best, key=lambda cid: -best[cid])

    def fetch(self, ids: list[str]) -> None:
        missing = [cid for cid in ids if cid not in self.docs]
        if missing:
            self.docs.update(self.view.index.get(missing))

    def best_sentences(self, ids: list[str]) -> dict[str, float]:
        """Each chunk's best sentence cosine (chunks not in the chunk index are left out);
        a chunk found by several searches of the question is scored once."""
        self.fetch(ids)
        chunks = [self.docs[cid] for cid in ids if cid in self.docs and cid not in self.dense_best]
        rows = [c.rows() for c in chunks]
        sims = self.view.index.vectors(np.concatenate(rows)) @ self.qvec if rows else np.zeros(0)
        at = 0
        for c, r in zip(chunks, rows, strict=True):
            part = sims[at : at + len(r)]
            at += len(r)
            doc, first = str(c.meta.get("doc_id", "")), int(c.meta.get("sent_from", 0))
            for k, sim in enumerate(part):
                self.sentence_scores[sentence_id(doc, first + k)] = float(sim)
            self.dense_best[c.id] = float(part.max()) if len(part) else -1.0
        return {cid: self.dense_best[cid] for cid in ids if cid in self.dense_best}


@dataclass
class Narrowing:
    """One search's outlets and day range (the caller's filters, narrowed to an outlet or
    a date window the question names)."""

    sources: list[str]
    lo: int | None = None
    hi: int | None = None

    def is_everything(self) -> bool:
        return not self.sources and self.lo is None and self.hi is None

    def query(self, index: ChunkIndex) -> Any:
        return index.filter(self.sources, self.lo, self.hi)


def narrowed(filters: Filters, outlet: str | None = None, days: tuple[int, int] | None = None) -> Narrowing | None:
    """The caller's filters narrowed to one outlet or days; None when nothing can match."""
    sources = list(filters.sources)
    if outlet is not None:
        if sources and outlet not in sources:
            return None
        sources = [outlet]
    lo = day_number(filters.since) if filters.since else None
    hi = day_number(filters.until) if filters.until else None
    if days is not None:
        lo = days[0] if lo is None else max(lo, days[0])
        hi = days[1] if hi is None else min(hi, days[1])
    return None if lo is not None and hi is not None and lo > hi else Narrowing(sources, lo, hi)


def ranked_lists(s: RetrievalSettings, searches: _Searches, hints: QueryHints, filters: Filters) -> list[Ranked]:
    """Every search of the question with its weight: BM25 and dense over the whole (filtered)
    collection, then within every outlet and date window the question names."""
    index = searches.view.index
    dense_w = s.dense_weight if s.hybrid else 1.0
    lists: list[Ranked] = []

    def add(weight: float, narrowing: Narrowing | None, n_lex: int, n_dense: int) -> None:
        if narrowing is None:
            return
        lexical = searches.lexical(narrowing.query(index), n_lex) if s.hybrid else []
        if s.hybrid:
            lists.append((weight, lexical))
        lists.append((weight * dense_w, searches.dense(narrowing, n_dense, s.dense_pool, lexical)))

    add(1.0, narrowed(filters), s.candidates, s.dense_chunks)
    # A question that names outlets wants evidence from each of them, so a less-covered
    # outlet is not crowded out.
    for outlet in hints.outlets[: s.max_named_outlets]:
        add(1.0, narrowed(filters, outlet=outlet), s.per_outlet, 2 * s.per_outlet)
    # Dates the question names ("on December 6, 2023", "in October 2023") likewise.
    windows = [(d - 1, d + 1) for d in hints.days[: s.max_named_dates]] + list(hints.day_ranges[: s.max_named_months])
    for lo, hi in windows:
        add(s.date_weight, narrowed(filters, days=(lo, hi)), s.per_outlet, 2 * s.per_outlet)
    return lists


def fuse(lists: list[Ranked], rrf_k: int) -> dict[str, float]:
    """Weighted reciprocal-rank fusion."""
    fused: dict[str, float] = {}
    for weight, ranked in lists:
        for rank, i in enumerate(ranked):
            fused[i] = fused.get(i, 0.0) + weight / (rrf_k + rank + 1)
    return fused


def newest_first(order: list[str], fused: dict[str, float], days: dict[str, int], share: float) -> list[str]:
    """For "latest" questions: the clearly relevant chunks (within `share` of the best fused
    score) go newest first; rank fusion alone is too flat to do it."""
    if not order:
        return order
    cut = share * fused[order[0]]
    relevant = [i for i in order if fused[i] >= cut]
    return sorted(relevant, key=lambda i: -days.get(i, -1)) + [i for i in order if fused[i] < cut]


class Retriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: RetrievalSettings, check_names: bool = True):
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self.check_names = check_names
        self._view: CorpusView | None = None
        self._lock = threading.Lock()

    # The view follows the store: a new one when the store's version stamp changes (a write
    # or rebuild here or in another process) or the chunk index gained a commit the stamp
    # does not know yet (an ingest still running, or killed before its stamp; reloading to
    # the latest commit costs 0.1 ms at a million chunks), or on `invalidate()`.
    def invalidate(self) -> None:
        with self._lock:
            self._view = None

    def view(self) -> CorpusView:
        changed = self.store.refresh()
        index = self.store.chunk_index()
        if not changed:
            index.refresh()
        with self._lock:
            if self._view is None or changed or self._view.index is not index or index.size != self._view.size:
                self._view = CorpusView(index, self.settings.name_candidates)
            return self._view

    def retrieve(self, question: str, top_k: int | None = None, filters: Filters | None = None,
                 depth: int | None = None, asked: str | None = None) -> Retrieval:  # fmt: skip
        """Rank chunks for `question`; returns at least `depth` (default: the context depth).
        `asked`: the person's own words when `question` adds others (a follow-up's search
        carries the earlier answer, the model's text): only they name outlets, dates and people."""
        s = self.settings
        depth = max(top_k or s.top_k, depth or s.context_chunks)
        t0 = time.perf_counter()
        view = self.view()
        hints = parse_hints(asked or question, view.matcher)
        unknown = view.subjects.unknown(asked or question) if self.check_names and view.size else UnknownSubjects()
        t1 = time.perf_counter()
        qvec = self.embedder.embed_query(question)
        t2 = time.perf_counter()
        searches = _Searches(view, self.store, question, qvec)
        fused = fuse(ranked_lists(s, searches, hints, filters or Filters()), s.rrf_k) if view.size else {}
        t3 = time.perf_counter()
        order = sorted(fused, key=lambda i: -fused[i])
        searches.fetch(order)
        if hints.recency:
            days = {cid: int(d.meta.get("published_day", -1)) for cid, d in searches.docs.items()}
            order = newest_first(order, fused, days, s.recency_share)
        chosen = self._chosen(order, fused, searches, depth)
        timings = {"embed": t2 - t1, "search": t3 - t2, "fuse": time.perf_counter() - t3,
                   "retrieve": time.perf_counter() - t0}  # fmt: skip
        return Retrieval(question, chosen, hints, qvec, timings, searches.sentence_scores, unknown)

    def _chosen(self, order: list[str], fused: dict[str, float], searches: _Searches,
                depth: int) -> list[RetrievedChunk]:  # fmt: skip
        """The top `depth` chunks, at most `max_chunks_per_article` from one article."""
        chosen: list[RetrievedChunk] = []
        per_doc: dict[str, int] = {}
        for cid in order:
            doc = searches.docs.get(cid)
            if doc is None:  # in Chroma but not (yet) in the chunk index
                continue
            art = str(doc.meta.get("doc_id", ""))
            if per_doc.get(art, 0) >= self.settings.max_chunks_per_article:
                continue
            per_doc[art] = per_doc.get(art, 0) + 1
            chosen.append(RetrievedChunk(cid, doc.text, doc.meta, fused[cid], searches.dense_best.get(cid, 0.0),
                                         searches.lex_best.get(cid, 0.0)))  # fmt: skip
            if len(chosen) >= depth:
                break
        return chosen
