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

from rag.retrieve.hints import outlet_aliases
from rag.text.names import ALIASES, TITLES, capitalised_runs, name_runs, normalise, not_names, publisher_mentions
from rag.text.terms import terms


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

    def known(self, name: str, opens: bool = False) -> bool:
        """Mentioned as written, as a variant (see `variant_mentioned`), in another word order
        (see `reordered_mentioned`), or, for a run that opens a sentence, without its first word
        ("Legendary WNBA" -> "WNBA")."""
        if self.is_outlet(name) or self.is_mentioned(name) or self.variant_mentioned(name) or self.reordered_mentioned(name):
            return True
        alias = ALIASES.get(name.lower().removeprefix("the "))
        if alias and self.is_mentioned(alias.upper()):  # "United States" in an article that writes "U.S."
            return True
        rest = name.split(maxsplit=1)[1] if opens and " " in name else ""
        return bool(rest) and self.known(rest)

    def variant_mentioned(self, name: str) -> bool:
        """A person written another way: the surname alone ("Stoltenberg said"), after an
        initial or a title ("J. Stoltenberg", "President Biden"), or with a longer or shorter
        first name ("Ash Carter" for "Ashton Carter"). The surname after another first name
        ("Mike Sutter") or before a capitalised word ("Sutter Health") is someone else."""
        words = name.split()
        person_like = len(words) == 2 or (len(words) == 3 and len(words[1].rstrip(".")) == 1)
        if not person_like or words[-1].lower() in not_names():
            return False
        first, last = words[0].lower().rstrip("."), words[-1]
        texts = self._candidates(last)
        if any(re.search(rf"\b{re.escape(last.lower())}\b", t) for t in texts):
            return False  # an ordinary word ("Times", "Journal"): no surname to go by
        pattern = re.compile(rf"(?:\b([A-Z][\w'’\-]*\.?)\s+)?\b{re.escape(last)}\b(?!\s+[A-Z])")
        for text in texts:
            for m in pattern.finditer(text):
                before = (m.group(1) or "").lower().rstrip(".")
                if not before or before in not_names() or before in TITLES or first in TITLES:
                    return True
                if before.startswith(first) or first.startswith(before):
                    return True
        return False

    def reordered_mentioned(self, name: str) -> bool:
        """Two words of one short name that an article writes in another order: "OLED Deck" in
        an article on the "Steam Deck OLED". Only within one run of at most four capitalised
        words, so that a headline in title case, or a person's first name in one place and a
        surname in another, does not make up a name nobody wrote."""
        words = set(normalise(name).split())
        if len(words) != 2:
            return False
        runs = (r for t in self._candidates(name) for r in capitalised_runs(t))
        return any(words <= set(normalise(r).split()) for r in runs if len(r.split()) <= 4)

    def unknown(self, question: str) -> UnknownSubjects:
        """The outlets the question cites that the collection lacks, and its names of two or
        more words that no article mentions. A single capitalised word is no evidence either
        way: it is as often a place standing for its government ("Moscow", "Kyiv"), an
        adjective ("Belgian") or a nickname as a name, so it is left to the other checks."""
        outlets = [o for o in publisher_mentions(question) if not self.is_outlet(o)]
        names = [n for n, opens in name_runs(question)
                 if len(n.split()) >= 2 and n not in outlets and not self.known(n, opens)]  # fmt: skip
        return UnknownSubjects(names, outlets)
