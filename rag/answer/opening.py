"""How an answer to "who" or "which" may not begin: with the question's own words.

Asked who or which thing a set of reports describes, the bundled 1.5B often begins its answer
with the question instead of an answer: it restates it ("The individual whose trial ...",
"The player recognized by Sporting News ...") or names what the question itself names
("Adam Yedidia [1]." asked who persuaded Adam Yedidia; "Polygon [2]." asked which platform
Polygon mentions). Neither can be the answer. The prompt already tells it to begin with the
answer itself; where the model's tokens can be chosen (a local model), the decoder is kept
from such an opening and takes the model's next choice (docs/EVALUATION.md, nineteenth pass).
Not for a follow-up: there the subject the earlier question named is the natural opening.
Off by default (`NEWSDESK_LLM__GUARD_OPENING`): ruling out a name's first token made the model
spell the name another way ("Stoltenburg"), which the citation check then removed. What is used
by default is narrower: an answer that is nothing but a name the question gives is not the
answer (`repeated_name`); the model is asked once more with the guard, and refused if it does
so again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

from rag.text.answer_type import asked_type
from rag.text.clean import without_markers
from rag.text.speech import source_as_subject

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_ARTICLES = {"the", "a", "an"}
_HEADS = _ARTICLES | {"which", "what", "whose"}
# "What did he say ...?" asks for a statement, not for whom or which thing.
_IDENTITY = re.compile(r"^\s*(who|whom|whose|which)\b|^\s*what\b(?!\s+(do|does|did|has|have|had|can|could|will|would|"
                       r"should|shall|may|might|else)\b)", re.IGNORECASE)  # fmt: skip


def asks_identity(question: str) -> bool:
    """Whether the question asks who or which thing (not Yes/No, a number, or a date).

    >>> asks_identity("Who is the individual whose trial began?"), asks_identity("What type of firms set the odds?")
    (True, True)
    >>> asks_identity("What did the NATO chief say about jets?"), asks_identity("How many towns were shelled?")
    (False, False)
    """
    return bool(_IDENTITY.match(question)) and not asked_type(question)


def copies_question(question: str, opening: str) -> bool:
    """Whether `opening`, the first words of an answer (its last word perhaps unfinished),
    begins with the question's own words: its noun after "the", "which" or "what" behind an
    article ("The individual" for "Who is the individual ...?"), or a name it gives.

    >>> q = "Who persuaded Adam Yedidia to join the venture that Polygon covered, as the individual behind FTX?"
    >>> [copies_question(q, a) for a in ["The individual", "Adam", "Polygon", "The FTX", "Individual"]]
    [True, True, True, True, False]
    >>> [copies_question(q, a) for a in ["Sam Bankman", "The founder", "The", "Ukraine"]]
    [False, False, False, False]
    """
    said = _WORD.findall(opening)
    if not said:
        return False
    first, article = (said[1] if len(said) > 1 else "", True) if said[0].lower() in _ARTICLES else (said[0], False)
    if not first:
        return False
    names, heads = _marks(question)
    if first[0].isupper() and first in names:
        return True
    return article and first.lower() in heads


@functools.lru_cache(maxsize=32)
def _marks(question: str) -> tuple[frozenset[str], frozenset[str]]:
    """The question's names and its nouns after "the", "which" or "what": read once per
    question, not once per candidate token the decoder tries."""
    words = _WORD.findall(question)
    names = frozenset(w for w in words[1:] if w[0].isupper())
    heads = frozenset(w.lower() for prev, w in zip(words, words[1:], strict=False) if prev.lower() in _HEADS)
    return names, heads


def opening_guard(question: str) -> Callable[[str], bool] | None:
    """For a question asked on its own that asks who or which thing, the test an opening must
    fail (None for any other question)."""
    if not asks_identity(question):
        return None
    return lambda opening: copies_question(question, opening)


def repeated_name(question: str, answer: str) -> str:
    """The name, when an answer to who or which is nothing but a name the question itself gives
    ("Adam Yedidia [1]." asked who persuaded Adam Yedidia); "" otherwise, and where the question
    offers the name as a choice ("Google or Apple").

    >>> q = "Who persuaded Adam Yedidia to join the venture that Polygon covered?"
    >>> repeated_name(q, "Adam Yedidia [1]."), repeated_name(q, "Polygon [2]"), repeated_name(q, "Sam Bankman-Fried [1].")
    ('Adam Yedidia', 'Polygon', '')
    >>> repeated_name(q, "Adam Yedidia [1] and Sam Bankman-Fried [2]."), repeated_name("Which company, Google or Apple, was fined?", "Google [1].")
    ('', '')
    >>> repeated_name("Did Adam Yedidia join?", "Adam Yedidia [1].")
    ''
    """
    if not asks_identity(question):
        return ""
    said = without_markers(answer).strip().rstrip(".!").strip()
    if not said or not said[0].isupper() or len(said.split()) > 6:
        return ""
    name = re.escape(said.lower())
    q = question.lower()
    if not re.search(rf"(?<!\w){name}(?!\w)", q) or re.search(rf"\bor\s+{name}(?!\w)|(?<!\w){name},?\s+or\b", q):
        return ""
    return said


_LEADING_SOURCE = re.compile(r"^\s*according\s+to\s+[^,?]{1,60},\s*", re.IGNORECASE)


def source_as_answer(question: str, answer: str, outlets: list[str]) -> str:
    """The one an identity question says spoke ("Who, according to Ten Hag, can get back to
    scoring?"), where the answer makes them its subject ("Ten Hag can get back to scoring goals
    [1].", rag/text/speech.py); "" otherwise, and where the one who spoke is an outlet ("Who,
    according to TechCrunch, ...?" may be answered "TechCrunch reports that ...").

    >>> source_as_answer("According to Justin Fields, who nearly caught it?", "Justin Fields nearly caught it [1].", [])
    'Justin Fields'
    >>> source_as_answer("Who, according to TechCrunch, was fired?", "TechCrunch reports Sam Altman was [1].", ["TechCrunch"])
    ''
    """
    if not asks_identity(_LEADING_SOURCE.sub("", question)):
        return ""
    name = source_as_subject(question, without_markers(answer))
    return "" if not name or any(name.lower() in o.lower() or o.lower() in name.lower() for o in outlets) else name

