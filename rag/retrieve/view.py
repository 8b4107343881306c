"""What query time needs in memory, built once per store version: the BM25 index over
chunks, each chunk's outlet, date and sentence range, the outlet matcher and the index of
names the collection mentions."""

from __future__ import annotations

import numpy as np

from rag.retrieve.hints import OutletMatcher
from rag.retrieve.lexical import LexicalIndex
from rag.retrieve.subjects import SubjectIndex
from rag.store.chroma import StoredChunk


class CorpusView:
    """The in-memory mirror of the store's chunks."""

    def __init__(self, chunks: list[StoredChunk], name_candidates: int = 50):
        self._candidate_depth = name_candidates
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
        # The chunks most likely to hold a name are BM25's best hits for it.
        hits = self.lexical.search(name, self._candidate_depth)
        return [f"{self.metas[i].get('title', '')} {self.sources[i]} {self.texts[i]}" for i, _ in hits]

    def chunks_of_sentence(self, doc_id: str, pos: int) -> list[int]:
        return [i for a, b, i in self.doc_chunks.get(doc_id, []) if a <= pos <= b]
