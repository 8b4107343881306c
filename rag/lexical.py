"""The lexical side of hybrid search: BM25 from the bm25s library, plus term statistics.

bm25s (a maintained, numpy-backed BM25) scores whole chunks. The same tokenizer and the
document frequencies it yields also score single sentences and measure how much of a
question the evidence covers (used for refusal).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is optional: unstemmed terms still work
        return None


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    from rag.sentences import nltk_data_dir

    english = (nltk_data_dir() / "corpora" / "stopwords" / "english").read_text().split()
    # Words that carry no topic in a news question, on top of the usual English list.
    extra = {
        "article", "articles", "report", "reported", "reports", "reporting", "according", "news",
        "published", "mentioned", "mention", "did", "does", "which", "what", "who", "whom", "whose",
        "also", "both", "between", "considering", "information", "source", "sources", "suggest",
        "indicate", "story", "piece", "author", "outlet", "say", "said", "says", "saying", "tell", "told",
        "kind", "describe", "described", "mentions", "happen", "happened",
    }  # fmt: skip
    return frozenset(english) | extra


@lru_cache(maxsize=100_000)
def _stem(word: str) -> str:
    st = _stemmer()
    return st.stemWord(word) if st else word


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed, stop-word-free terms.

    >>> terms("The settlements were bombarded near Bakhmut")
    ['settlement', 'bombard', 'near', 'bakhmut']
    """
    stop = stopwords()
    return [_stem(w) for w in _TOKEN.findall(text.lower()) if w not in stop]


class LexicalIndex:
    """BM25 over a fixed list of texts, with document frequencies for term weighting."""

    def __init__(self, texts: Sequence[str]):
        import logging

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
