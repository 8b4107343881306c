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
from datetime import date
from typing import Any

import numpy as np

from rag.chunking import day_number
from rag.config import RetrievalSettings
from rag.hints import OutletMatcher, QueryHints, parse_hints
from rag.lexical import LexicalIndex
from rag.providers.embedding import Embedder
from rag.store import ChunkStore, StoredChunk
from rag.subjects import SubjectIndex, UnknownSubjects


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


def _and(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    if a and b:
        return {"$and": [a, b]}
    return a or b


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


class CorpusView:
    """What query time needs in memory, built once per store version: the BM25 index over
    chunks, and each chunk's outlet, date and sentence range."""

    def __init__(self, chunks: list[StoredChunk]):
        self.ids = [c.id for c in chunks]
        self.texts = [c.text for c in chunks]
        self.metas = [c.meta for c in chunks]
        self.pos = {cid: i for i, cid in enumerate(self.ids)}
        header = [f"{m.get('title', '')} {m.get('source', '')}" for m in self.metas]
        self.lexical = LexicalIndex([f"{h}\n{t}" for h, t in zip(header, self.texts, strict=True)])
        self.sources = np.array([str(m.get("source", "")) for m in self.metas], dtype=object)
        self.days = np.array([int(m.get("published_day", -1)) for m in self.metas], dtype=np.int64)
        self.matcher = OutletMatcher(sorted({s for s in self.sources if s}))
        self.subjects = SubjectIndex(sorted({s for s in self.sources if s}), self._name_candidates)
        # doc_id -> [(first sentence, last sentence, chunk position)] to map sentences to chunks
        self.doc_chunks: dict[str, list[tuple[int, int, int]]] = {}
        for i, m in enumerate(self.metas):
            self.doc_chunks.setdefault(str(m.get("doc_id", "")), []).append(
                (int(m.get("sent_from", 0)), int(m.get("sent_to", 0)), i)
            )

    def _name_candidates(self, name: str) -> list[str]:
        # The chunks most likely to hold a name are BM25's best hits for it; 50 is deep
        # enough that a name present in the corpus is found (checked on the MultiHop corpus).
        return [f"{self.metas[i].get('title', '')} {self.sources[i]} {self.texts[i]}" for i, _ in self.lexical.search(name, 50)]

    def chunks_of_sentence(self, doc_id: str, pos: int) -> list[int]:
        return [i for a, b, i in self.doc_chunks.get(doc_id, []) if a <= pos <= b]


class Retriever:
    def __init__(self, store: ChunkStore, embedder: Embedder, settings: RetrievalSettings):
        self.store = store
        self.embedder = embedder
        self.settings = settings
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
                self._view = CorpusView(list(self.store.iter_chunks()) if count else [])
                self._view_count = count
            return self._view

    def retrieve(
        self,
        question: str,
        top_k: int | None = None,
        filters: Filters | None = None,
        depth: int | None = None,
    ) -> Retrieval:
        """Rank chunks for `question`; returns at least `depth` (default: the context depth)."""
        s = self.settings
        top_k = top_k or s.top_k
        depth = max(top_k, depth or s.context_chunks)
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        view = self.view()
        hints = parse_hints(question, view.matcher)
        unknown = view.subjects.unknown(question) if s.check_names and view.ids else UnknownSubjects()
        t1 = time.perf_counter()
        qvec = self.embedder.embed_query(question)
        t2 = time.perf_counter()
        timings["embed"] = t2 - t1

        where = filters.where()
        base_mask = np.array([filters.allows(m) for m in view.metas], dtype=bool) if where else None
        lists: list[tuple[float, list[int]]] = []  # (weight, chunk positions in rank order)
        dense_best: dict[int, float] = {}
        lex_best: dict[int, float] = {}
        sentence_scores: dict[str, float] = {}

        def lexical(mask: np.ndarray | None, n: int) -> list[int]:
            out = []
            for i, score in view.lexical.search(question, n, mask):
                lex_best[i] = max(lex_best.get(i, 0.0), score)
                out.append(i)
            return out

        def dense(where_clause: dict[str, Any] | None, n: int) -> list[int]:
            # Sentences, then their chunks: a chunk is as relevant as its best sentence.
            best: dict[int, float] = {}
            for hit in self.store.search_sentences(qvec, n, where_clause):
                sentence_scores[hit.id] = hit.score
                for i in view.chunks_of_sentence(str(hit.meta.get("doc_id", "")), int(hit.meta.get("pos", -1))):
                    best[i] = max(best.get(i, -1.0), hit.score)
            for i, sc in best.items():
                dense_best[i] = max(dense_best.get(i, -1.0), sc)
            return sorted(best, key=lambda i: -best[i])

        if s.hybrid:
            lists.append((1.0, lexical(base_mask, s.candidates)))
        lists.append((s.dense_weight if s.hybrid else 1.0, dense(where, s.dense_sentences)))
        # A question that names outlets wants evidence from each of them: search within
        # each named outlet too, so a less-covered outlet is not crowded out.
        for outlet in hints.outlets[:4]:
            mask = view.sources == outlet
            if base_mask is not None:
                mask = mask & base_mask
            if s.hybrid:
                lists.append((1.0, lexical(mask, s.per_outlet)))
            lists.append((s.dense_weight if s.hybrid else 1.0, dense(_and({"source": outlet}, where), 2 * s.per_outlet)))
        # Dates the question names ("on December 6, 2023", "in October 2023") get a search
        # of their own within that window, like outlets.
        windows = [(d - 1, d + 1) for d in hints.days[:3]] + list(hints.day_ranges[:2])
        for lo, hi in windows:
            mask = (view.days >= lo) & (view.days <= hi)
            if base_mask is not None:
                mask = mask & base_mask
            if s.hybrid:
                lists.append((0.5, lexical(mask, s.per_outlet)))
            rng = {"$and": [{"published_day": {"$gte": lo}}, {"published_day": {"$lte": hi}}]}
            lists.append((0.5 * (s.dense_weight if s.hybrid else 1.0), dense(_and(rng, where), 2 * s.per_outlet)))
        t3 = time.perf_counter()
        timings["search"] = t3 - t2

        fused: dict[int, float] = {}
        for weight, ranked in lists:
            for rank, i in enumerate(ranked):
                fused[i] = fused.get(i, 0.0) + weight / (s.rrf_k + rank + 1)
        order = sorted(fused, key=lambda i: -fused[i])
        if hints.recency and order:
            # "latest", "most recent": the clearly relevant chunks (within 60% of the best
            # fused score) go newest first; rank fusion alone is too flat to do it.
            cut = 0.6 * fused[order[0]]
            relevant = [i for i in order if fused[i] >= cut]
            order = sorted(relevant, key=lambda i: -int(view.days[i])) + [i for i in order if fused[i] < cut]
        chosen: list[RetrievedChunk] = []
        per_doc: dict[str, int] = {}
        for i in order:
            doc = str(view.metas[i].get("doc_id", ""))
            if per_doc.get(doc, 0) >= s.max_chunks_per_article:
                continue
            per_doc[doc] = per_doc.get(doc, 0) + 1
            chosen.append(
                RetrievedChunk(view.ids[i], view.texts[i], view.metas[i], fused[i], dense_best.get(i, 0.0), lex_best.get(i, 0.0))
            )
            if len(chosen) >= depth:
                break
        timings["fuse"] = time.perf_counter() - t3
        timings["retrieve"] = time.perf_counter() - t0
        return Retrieval(question, chosen, hints, qvec, timings, sentence_scores, unknown)
