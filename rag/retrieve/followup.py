"""Follow-up questions: give an elliptical question the subject of the one before it."""

from __future__ import annotations

import re

from rag.text.terms import terms

# The question as put to the model when it leans on the earlier one.
FOLLOW_UP = "{question} (earlier question: {previous})"
_ELLIPTIC_START = re.compile(r"^\s*(what|how)\s+about\b|^\s*(and|also|same|what of|and what)\b", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(it|its|they|them|their|this|that|these|those|he|she|his|her|there)\b", re.IGNORECASE)


def rewrite_follow_up(question: str, history: list[tuple[str, str]] | None) -> tuple[str, str]:
    """Give an elliptical follow-up the subject of the previous question.

    Returns (retrieval query, question as put to the model).

    >>> rewrite_follow_up("What about Bakhmut?", [("How many settlements were bombarded?", "16 [1].")])[1]
    'What about Bakhmut? (earlier question: How many settlements were bombarded?)'
    >>> rewrite_follow_up("Who is the NATO Secretary General?", [("Anything?", "No.")])
    ('Who is the NATO Secretary General?', 'Who is the NATO Secretary General?')
    """
    if not history:
        return question, question
    previous = history[-1][0].strip()
    content = terms(question)
    elliptic = bool(_ELLIPTIC_START.search(question)) or len(content) <= 1
    elliptic = elliptic or (bool(_PRONOUN.search(question)) and len(content) <= 3)
    if not elliptic or not previous:
        return question, question
    return f"{question.strip()} {previous}", FOLLOW_UP.format(question=question.strip(), previous=previous)
