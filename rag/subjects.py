"""The named subjects of a question, and whether the collection knows them at all.

A question about a person no article mentions ("What did David Sutter fund?"), or about
what an outlet the collection holds no articles from reported ("a Bloomberg report on
..."), cannot be answered from these articles however well a model writes; a small model
answers it anyway. The MultiHop-RAG unanswerable questions are built exactly so (they name
outlets and people outside the corpus), and so are many real ones. The check is
deterministic, costs a few milliseconds, and runs before the model is called: a name
that occurs nowhere in the collection is reason enough to refuse, and the refusal says
which name, so a misspelt one is easy to fix.

Names are runs of capitalised words, split at "and" and at possessives ("Elon Musk's X"
is "Elon Musk" and "X"); a name is known when its words occur, in order, in some article
(title, outlet or text). Outlets are checked separately, against the outlets the
collection holds, where the question refers to one ("an article by Reuters", "a Bloomberg
report", "as reported by CNN").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from rag.hints import outlet_aliases
from rag.lexical import stopwords, terms

_WORD = r"[A-Z][\w'’.\-]*"
_NAME = re.compile(rf"\b{_WORD}(?:\s+(?:(?:of|the|for|de|von|van)\s+)?{_WORD})*")
# Where two names meet inside one capitalised run.
_NAME_SPLIT = re.compile(r"\s+(?:and|&|for)\s+|(?<=['’]s)\s+|(?<=s['’])\s+")
_DOCS = r"\b(?:article|report|piece|feature|analysis|review|story|coverage|op-ed|column|reporting|editorial)s?"
_OUTLET_REF = re.compile(
    rf"(?:{_DOCS}\s+(?:by|from|in|published by)\s+|(?:reported by|as per|published by|published in)\s+)"
    rf"(?:an?\s+|the\s+)?({_WORD}(?:\s+{_WORD})*)"
    rf"|\b(?:by|from|in|on|an?|the)\s+({_WORD}(?:\s+{_WORD})*)\s+{_DOCS}\b"
)
_MONTHS = frozenset(
    {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"}
)  # fmt: skip
# Capitalised only because they open the question or a clause (with the English stop words).
_OPENERS = frozenset(
    {"a", "an", "the", "in", "on", "at", "of", "to", "by", "for", "from", "with", "as", "and", "or", "but", "if",
     "while", "when", "where", "which", "who", "whom", "whose", "what", "how", "why", "does", "did", "do", "is",
     "was", "were", "are", "has", "have", "had", "can", "could", "will", "would", "should", "may", "might", "must",
     "considering", "consider", "between", "based", "after", "before", "according", "both", "given", "following",
     "during", "since", "regarding", "about", "per", "among", "amid", "this", "that", "these", "those", "there",
     "it", "its", "their", "his", "her", "they", "he", "she", "yes", "no", "not"}
) | _MONTHS  # fmt: skip
_ARTICLES = {"the", "a", "an"}
_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s?\b")


@lru_cache(maxsize=1)
def _opening_words() -> frozenset[str]:
    return _OPENERS | stopwords()


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces, possessives dropped: the form names are matched in.

    >>> normalise("Sam Bankman-Fried's FTX")
    'sam bankman fried ftx'
    """
    return " ".join(_TOKEN.findall(_POSSESSIVE.sub("", text.lower())))


def named_subjects(question: str) -> list[str]:
    """Capitalised names in a question, without the words that are capitalised as openers.

    >>> named_subjects("Does the TechCrunch article say Elon Musk's X fined Jada and Will Smith?")
    ['TechCrunch', 'Elon Musk', 'X', 'Jada', 'Will Smith']
    """
    out: list[str] = []
    for m in _NAME.finditer(question):
        # A run that opens the question or a clause may start with an ordinary word
        # ("Does the TechCrunch ..."); inside a sentence only an article is dropped
        # ("the Verge"), so "Will Smith" keeps its "Will".
        opens = not question[: m.start()].strip() or question[: m.start()].rstrip()[-1] in ".?!:;\"'(“‘"
        for k, part in enumerate(_NAME_SPLIT.split(m.group(0))):
            words = part.split()
            drop = _opening_words() if opens and k == 0 else _ARTICLES
            while words and _POSSESSIVE.sub("", words[0].lower()).strip(".,") in drop:
                words = words[1:]
            # A hyphenated word with a lower-case tail is an adjective ("Spider-themed").
            while words and re.search(r"-[a-z]+$", words[-1]):
                words = words[:-1]
            while words and re.search(r"^[A-Z][\w'’.]*-[a-z]", words[0]):
                words = words[1:]
            if opens and k == 0 and len(words) == 1 and len(part.split()) == 1:
                continue  # one capitalised word opening a sentence: "Together", "Besides"
            while words and words[0].lower().strip(".,") in _MONTHS:  # dates are not names
                words = words[1:]
            name = " ".join(words).rstrip(".,'’")
            name = _POSSESSIVE.sub("", name) if name.endswith(("'s", "’s")) else name
            if name and normalise(name) and name not in out:
                out.append(name)
    return out


def outlet_references(question: str) -> list[str]:
    """Names the question uses as a publisher ("a Bloomberg report", "an article by The Verge").

    >>> outlet_references("Considering an article by The Verge and a Bloomberg report, who ...?")
    ['The Verge', 'Bloomberg']
    """
    out = []
    for m in _OUTLET_REF.finditer(question):
        name = (m.group(1) or m.group(2) or "").strip()
        name = _POSSESSIVE.sub("", name).strip(".,") if name.endswith(("'s", "’s", "'", "’")) else name
        if name and name.lower() not in _OPENERS and name not in out:
            out.append(name)
    return out


@dataclass
class UnknownSubjects:
    names: list[str] = field(default_factory=list)  # named, but in no article
    outlets: list[str] = field(default_factory=list)  # cited as a publisher the collection lacks

    def __bool__(self) -> bool:
        return bool(self.names or self.outlets)

    def reason(self) -> str:
        bits = []
        if self.outlets:
            bits.append("the collection holds no articles from " + _listing(self.outlets))
        if self.names:
            bits.append("no article mentions " + _listing(self.names))
        return "; ".join(bits)


def _listing(items: list[str]) -> str:
    quoted = [f"'{i}'" for i in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


class SubjectIndex:
    """Answers "does any article mention this name?" over the collection in memory.

    `candidates(name) -> texts` returns the texts that might hold the name (the BM25
    index's best hits for it); the name is known when one of them holds its words in order.
    This avoids a second full-text index: the lexical index already narrows 100,000
    chunks to a few dozen in milliseconds.
    """

    def __init__(self, outlets: Iterable[str], candidates: Callable[[str], list[str]]):
        self._aliases = {normalise(a) for o in outlets if o for a in outlet_aliases(o)}
        self._aliases |= {a[4:] for a in self._aliases if a.startswith("the ")}
        self._candidates = candidates
        self._cache: dict[str, bool] = {}

    def is_outlet(self, name: str) -> bool:
        n = normalise(name)
        n = n[4:] if n.startswith("the ") else n
        return any(n == a or a.startswith(n + " ") or n.startswith(a + " ") for a in self._aliases)

    def is_mentioned(self, name: str) -> bool:
        """Whether some article holds the name's words in order; a name of three or more
        words also counts when they all occur in one passage ("Chelsea Football Club" in
        an article that writes "Chelsea" and "the club")."""
        n = normalise(name)
        if not n or not terms(name):  # "X", "U.S.", "AM": too short or too common to look up
            return True
        if n not in self._cache:
            padded, words = f" {n} ", set(n.split())
            texts = [f" {normalise(t)} " for t in self._candidates(name)]
            self._cache[n] = any(padded in t for t in texts) or (
                len(words) >= 3 and any(words <= set(t.split()) for t in texts)
            )
        return self._cache[n]

    def unknown(self, question: str) -> UnknownSubjects:
        """The question's names that no article mentions, and the outlets it cites that the collection lacks."""
        outlets = [o for o in outlet_references(question) if not self.is_outlet(o)]
        names = [
            n for n in named_subjects(question)
            if n not in outlets and not self.is_outlet(n) and not self.is_mentioned(n)
        ]  # fmt: skip
        return UnknownSubjects(names, outlets)
