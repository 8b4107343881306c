"""Content terms: lower-cased, stemmed, without stop words. What BM25, the evidence
measure and the citation check compare; a question's terms for search also carry each
word's other spelling."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from rag.text.spelling import other_spelling

_TOKEN = re.compile(r"(?u)\b\w\w+\b")

# Words that carry no topic in a news question, on top of NLTK's English stop words.
NEWS_STOPWORDS = frozenset(
    {"article", "articles", "report", "reported", "reports", "reporting", "according", "news",
     "published", "mentioned", "mention", "did", "does", "which", "what", "who", "whom", "whose",
     "also", "both", "between", "considering", "information", "source", "sources", "suggest",
     "indicate", "story", "piece", "author", "outlet", "say", "said", "says", "saying", "tell", "told",
     "kind", "describe", "described", "mentions", "happen", "happened"}
)  # fmt: skip


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    try:
        import Stemmer

        return Stemmer.Stemmer("english")
    except ImportError:  # PyStemmer is optional: unstemmed terms still work
        return None


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """NLTK's English stop words (shipped inside llama-index) and the news words above."""
    from rag.text.sentences import nltk_data_dir

    english = (nltk_data_dir() / "corpora" / "stopwords" / "english").read_text().split()
    return frozenset(english) | NEWS_STOPWORDS


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    st = _stemmer()
    return st.stemWord(word) if st else word


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed, stop-word-free terms.

    >>> terms("The settlements were bombarded near Bakhmut")
    ['settlement', 'bombard', 'near', 'bakhmut']
    """
    stop = stopwords()
    return [stem(w) for w in _TOKEN.findall(text.lower()) if w not in stop]


def query_terms(text: str) -> list[str]:
    """A question's terms for lexical search: `terms`, each British word's followed by its
    American spelling's (rag/text/spelling.py), so that "defence" also finds "defense". Not
    for a word written with a capital: that is mostly a name ("Megan Grey", "Labour").

    >>> query_terms("Where did the defence chiefs meet, Ms Grey?")
    ['defenc', 'defens', 'chief', 'meet', 'ms', 'grey']
    """
    stop, out = stopwords(), []
    for word in _TOKEN.findall(text):
        w = word.lower()
        if w not in stop:
            out.append(stem(w))
            if word == w and (other := other_spelling(w)) and stem(other) != out[-1]:
                out.append(stem(other))
    return out
