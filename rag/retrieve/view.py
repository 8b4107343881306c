"""What query time reads, per store version: the chunk index (BM25, stored chunks, sentence
vectors; on disk, memory-mapped), the outlet matcher and the index of names the collection
mentions. Nothing here grows with the collection beyond the list of outlets."""

from __future__ import annotations

from rag.retrieve.hints import OutletMatcher
from rag.retrieve.lexical import bm25_idf
from rag.retrieve.subjects import SubjectIndex
from rag.store.chunk_index import ChunkIndex
from rag.text.terms import terms


class CorpusView:
    """The store's chunk index at one version, with what query time derives from it."""

    def __init__(self, index: ChunkIndex, name_candidates: int = 50):
        self.index = index
        self.size = index.size
        self._candidate_depth = name_candidates
        outlets = index.outlets()
        self.matcher = OutletMatcher(outlets)
        self.subjects = SubjectIndex(outlets, self._name_candidates)
        self._idf: dict[str, float] = {}

    def idf(self, term: str) -> float:
        if term not in self._idf:
            self._idf[term] = bm25_idf(self.size, self.index.doc_freq(term))
        return self._idf[term]

    def _name_candidates(self, name: str) -> list[str]:
        # The chunks most likely to hold a name are BM25's best hits for it.
        hits = self.index.search(terms(name), self._candidate_depth)
        docs = self.index.get(cid for cid, _ in hits)
        return [f"{d.meta.get('title', '')} {d.meta.get('source', '')} {d.text}" for d in docs.values()]
