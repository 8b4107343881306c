"""BM25 scoring a question's candidate sentences, with the chunk index's idf.

The chunk index (tantivy, rag/store/chunk_index.py) scores chunks. The context stage also
ranks the sentences of the retrieved chunks by BM25 (a sentence set changes with every
question, so no engine can index it ahead); that scorer is `sentence_bm25` below, the one
BM25 written here, with tantivy's k1 and b.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Protocol

import numpy as np

BM25_K1, BM25_B = 1.2, 0.75  # tantivy's (and Lucene's) constants


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


def bm25_idf(size: int, df: int) -> float:
    """BM25's idf (Lucene's, as tantivy and bm25s compute it); an unseen term gets the largest."""
    n = max(size, 1)
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


class TermWeights(Protocol):
    """Anything that knows the collection's idf of a term (the corpus view does)."""

    def idf(self, term: str) -> float: ...
