"""Sources that disagree: the same count reported differently by two articles.

News is revised: a toll of 16 on Monday is 21 on Tuesday, one outlet says 3 billion and
another 2.8. A small model asked to "say so when sources disagree" rarely does, so the
check is made in code after the answer is written: for every number an answer sentence
takes from its cited passage ("16 settlements"), the other sources are searched for the
same thing counted differently ("21 settlements") in a sentence about the same event
(most of the quote's other content words). Each disagreement found is stated under the
answer, newest report first, with dates and citations to both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.citations import numbers_in
from rag.text.terms import terms
from rag.types import Source

# A number and the word it counts: "16 settlements", "$3.2 billion", "1,200 troops".
_COUNT = re.compile(r"(?<![\w.])\$?(\d+(?:[.,]\d+)*)\s*(%|percent|[a-zA-Z][a-zA-Z\-]+)")
_UNITS_SKIP = {"am", "pm", "and", "or", "to", "of", "in", "on", "at", "the", "a", "an"}


@dataclass
class Conflict:
    """Two sources giving a different number for the same thing."""

    unit: str  # what is counted ("settlements")
    newer: tuple[int, str, str, str]  # (source n, number, published, outlet)
    older: tuple[int, str, str, str]
    newer_quote: str
    older_quote: str

    def sentence(self) -> str:
        def side(n: int, num: str, published: str, outlet: str) -> str:
            who = outlet or "one report"
            when = f" ({published})" if published else ""
            return f"{who}{when} gives {num} {self.unit} [{n}]"

        return f"Sources disagree: {side(*self.newer)}, while {side(*self.older)}."


def counts(text: str) -> dict[str, str]:
    """{counted word (stemmed): number} for the counts a sentence gives.

    >>> counts("Officials said 16 settlements and 1,200 homes were hit on Monday.")
    {'settlement': '16', 'home': '1200'}
    """
    out: dict[str, str] = {}
    for num, unit in _COUNT.findall(text):
        word = unit.lower()
        if word in _UNITS_SKIP:
            continue
        stem = (terms(word) or [word])[0]
        out.setdefault(stem, num.replace(",", ""))
    return out


def _shared(quote: str, other: str) -> float:
    q = {t for t in terms(quote) if not t.isdigit()}
    o = {t for t in terms(other) if not t.isdigit()}
    return len(q & o) / len(q) if q else 0.0


def find_conflicts(cited: list[tuple[int, str, str]], sources: list[Source], min_shared: float = 0.5) -> list[Conflict]:
    """Disagreements between what an answer cites and the other sources it was given.

    `cited` holds (source n, quoted sentence, answer sentence) for each supported claim;
    only the counts the answer itself states are compared, with rival sentences that hold
    `min_shared` of the quote's other content words (the same event).
    """
    by_n = {s.n: s for s in sources}
    found: list[Conflict] = []
    seen: set[tuple[str, frozenset[int]]] = set()
    for n, quote, claim in cited:
        src = by_n.get(n)
        if src is None:
            continue
        said = numbers_in(claim)  # "16" and "sixteen" alike
        claimed = {u: v for u, v in counts(quote).items() if v in said}
        for unit, number in claimed.items():
            for other in sources:
                if other.n == n:
                    continue
                for sent in other.sentences:
                    theirs = counts(sent).get(unit)
                    if theirs is None or theirs == number or _shared(quote, sent) < min_shared:
                        continue
                    key = (unit, frozenset((n, other.n)))
                    if key in seen:
                        continue
                    seen.add(key)
                    word = _unit_word(quote, number) or unit
                    mine = (n, number, src.published, src.outlet)
                    rival = (other.n, theirs, other.published, other.outlet)
                    # Newest first; undated reports go last.
                    if (other.published or "") > (src.published or ""):
                        found.append(Conflict(word, rival, mine, sent, quote))
                    else:
                        found.append(Conflict(word, mine, rival, quote, sent))
                    break
    return found


def _unit_word(text: str, number: str) -> str:
    for num, unit in _COUNT.findall(text):
        if num.replace(",", "") == number:
            return unit.lower()
    return ""
