"""The lexical side of hybrid search: BM25 over chunks (bm25s), and the same statistics
scoring a question's candidate sentences.

bm25s (a maintained, numpy-backed BM25) scores the fixed chunk index. The context stage
also ranks the sentences of the retrieved chunks by BM25, with the chunk index's idf (a
sentence set changes with every question, so bm25s cannot index it ahead); that scorer is
`sentence_bm25` below, the one BM25 written here, with bm25s's k1 and b.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rag.text.terms import terms

BM25_K1, BM25_B = 1.2, 0.75  # bm25s's defaults, used by both scorers


def sentence_bm25(question_idf: dict[str, float], sentences: list[list[str]]) -> np.ndarray:
    """BM25 of each candidate sentence (its terms) for a question's terms weighted by idf."""
    if not sentences:
        return np.zeros(0)
    avg = max(1.0, float(np.mean([len(s) for s in sentences])))
    out = np.zeros(len(sentences))
    for i, toks in enumerate(sentences):
        norm = BM25_K1 * (1 - BM25_B + BM25_B * len(toks) / avg)
        out[i] = sum(
            question_idf[t] * tf * (BM25_K1 + 1) / (tf + norm) for t, tf in Counter(toks).items() if t in question_idf
        )
    return out


class LexicalIndex:
    """BM25 over a fixed list of texts, with document frequencies for term weighting."""

    def __init__(self, texts: Sequence[str]):
        import bm25s

        # bm25s logs every index build at DEBUG through its own handler.
        logging.getLogger("bm25s").setLevel(logging.WARNING)

        self.size = len(texts)
        tokenized = [terms(t) for t in texts]
        self._retriever = bm25s.BM25()
        self._vocab: dict[str, int] = {}
        ids: list[list[int]] = []
        for toks in tokenized:
            ids.append([self._vocab.setdefault(t, len(self._vocab)) for t in toks])
        if self.size:
            self._retriever.index(bm25s.tokenization.Tokenized(ids=ids, vocab=self._vocab), show_progress=False)
        df = np.zeros(len(self._vocab), dtype=np.int32)
        for doc in ids:
            if doc:
                df[np.unique(np.asarray(doc))] += 1
        self._df = df

    def idf(self, term: str) -> float:
        """BM25's idf; unseen terms get the largest value (they are rare by definition)."""
        n = max(self.size, 1)
        tid = self._vocab.get(term)
        df = int(self._df[tid]) if tid is not None else 0
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def scores(self, query: str) -> np.ndarray:
        q = [t for t in terms(query) if t in self._vocab]
        if not q or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(q), dtype=np.float32)

    def search(self, query: str, n: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top-n (index, score) with a positive score, optionally within a boolean mask."""
        s = self.scores(query)
        if mask is not None:
            s = np.where(mask, s, 0.0)
        if not s.size:
            return []
        n = min(n, s.size)
        top = np.argpartition(-s, n - 1)[:n]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(int(i), float(s[i])) for i in top if s[i] > 0]
