"""Sentence splitting with NLTK's trained English Punkt model (shipped inside llama-index).

Facts in news are sentences: the context stage selects sentences, and the citation check
verifies answer sentences. Punkt knows abbreviations ("U.S.", "Sen.") that a regex cuts.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path


def nltk_data_dir() -> Path:
    """llama-index ships NLTK's data (punkt, stopwords): we read it there, never download."""
    import llama_index.core

    return Path(llama_index.core.__file__).parent / "_static" / "nltk_cache"


@lru_cache(maxsize=1)
def _punkt():  # type: ignore[no-untyped-def]
    import nltk

    bundled = str(nltk_data_dir())
    if bundled not in nltk.data.path:
        nltk.data.path.append(bundled)
    from nltk.tokenize.punkt import PunktTokenizer

    return PunktTokenizer("english")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of `text`, paragraph breaks included."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        base = para.start()
        for s, e in _punkt().span_tokenize(para.group(0)):
            spans.append((base + s, base + e))
    return spans


def split_sentences(text: str) -> list[str]:
    """Sentences of `text`, stripped.

    >>> split_sentences("The U.S. sent aid. Sen. Doe agreed.")
    ['The U.S. sent aid.', 'Sen. Doe agreed.']
    """
    return _stripped(text, sentence_spans(text))


def _stripped(text: str, spans: list[tuple[int, int]]) -> list[str]:
    return [text[s:e].strip() for s, e in spans if text[s:e].strip()]


# Full stops the splitter takes for a sentence's end and which, in an answer being written,
# nearly always go on: an initial ("the U. S.", "A.J. Brown"), "vs." and "No." before a number.
# Only answers are joined there: sources keep the splitter's sentences their chunks were embedded by.
_ABBREVIATION_END = re.compile(r"\b(?:[A-Z]|vs)\.$")
_NUMBER_SIGN_END = re.compile(r"\bNo\.$")


def _abbreviation(before: str, after: str) -> bool:
    """Whether the full stop that ends `before` belongs to an abbreviation, `after` following."""
    return bool(_ABBREVIATION_END.search(before) or (_NUMBER_SIGN_END.search(before) and after[:1].isdigit()))


def answer_spans(text: str) -> list[tuple[int, int]]:
    """The sentence spans of an answer: the splitter's, joined again where the full stop between
    two belongs to an initial, "vs." or "No." before a number (rag/answer/citations.py
    `settled_sentences` says why).

    >>> [text[s:e] for text in ["No, the Chiefs vs. Jets game shows it [2]."] for s, e in answer_spans(text)]
    ['No, the Chiefs vs. Jets game shows it [2].']
    """
    spans: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        if spans and _abbreviation(text[:s].rstrip(), text[s:]):
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans


def answer_sentences(text: str) -> list[str]:
    """The sentences of an answer (`answer_spans`), stripped."""
    return _stripped(text, answer_spans(text))


# Where a question's clauses break, at commas and the conjunctions that join claims or clues:
# the context stage splits a question into parts here, and the follow-up rules read whether a
# pronoun has its own antecedent.
CLAUSE_BREAK = re.compile(
    r"[,;]\s*(?:(?:and|while|whereas|but)\s+)?|\s+\b(?:and|while|whereas|but|compared (?:to|with)|as well as)\b\s+",
    re.IGNORECASE,
)
