"""Names: capitalised word runs in a question (whom does it ask about?) and in an answer
sentence (whom does it claim something of?). One vocabulary of words that are capitalised
without being names serves both.

The two run patterns differ on purpose: a question's subject may be "Bank of England" or
"U.S." (connectors, dots), while a claim's names are compared term by term against the
passage it cites, so there a run is plain capitalised words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.terms import stopwords, terms

NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13",
    "fourteen": "14", "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18",
    "nineteen": "19", "twenty": "20", "thirty": "30", "forty": "40", "fifty": "50", "hundred": "100",
}  # fmt: skip
# Capitalised only because they open a sentence or clause, or answer words ("Yes", "Both").
_OPENERS = frozenset(
    {"a", "an", "the", "in", "on", "at", "of", "to", "by", "for", "from", "with", "as", "and", "or", "but", "if",
     "while", "when", "where", "which", "who", "whom", "whose", "what", "how", "why", "does", "did", "do", "is",
     "was", "were", "are", "has", "have", "had", "can", "could", "will", "would", "should", "may", "might", "must",
     "considering", "consider", "between", "based", "after", "before", "according", "both", "given", "following",
     "during", "since", "regarding", "about", "per", "among", "amid", "this", "that", "these", "those", "there",
     "it", "its", "their", "his", "her", "they", "he", "she", "yes", "no", "not", "however", "also", "i", "we",
     "you", "neither", "nor", "many", "several", "some", "most", "all", "only", "overall", "today", "yesterday",
     "source", "sources", "article", "articles", "report", "reports"}
)  # fmt: skip


# Words that come before a surname without being a first name ("President Biden").
TITLES = frozenset(
    {"president", "vice", "senator", "sen", "rep", "representative", "governor", "gov", "mayor", "minister", "prime",
     "chancellor", "secretary", "general", "gen", "ceo", "chief", "coach", "manager", "dr", "mr", "mrs", "ms", "miss",
     "sir", "dame", "lord", "lady", "judge", "justice", "king", "queen", "prince", "princess", "pope", "officer",
     "sergeant", "captain", "capt", "director", "chairman", "chair", "founder", "boss", "striker", "quarterback",
     "defender", "midfielder", "goalkeeper", "forward", "guard", "actor", "actress", "singer", "rapper", "star",
     "professor", "prof", "agent", "commissioner", "spokesman", "spokeswoman", "ambassador", "archbishop", "bishop"}
)  # fmt: skip


@lru_cache(maxsize=1)
def not_names() -> frozenset[str]:
    """Words that are capitalised without naming anyone."""
    return _OPENERS | stopwords() | frozenset(MONTHS) | WEEKDAYS | frozenset(NUMBER_WORDS)


_TOKEN = re.compile(r"[a-z0-9]+")
_POSSESSIVE = re.compile(r"['’]s?\b")


def normalise(text: str) -> str:
    """Lower-case words joined by single spaces, possessives dropped: the form names are matched in.

    >>> normalise("Sam Bankman-Fried's FTX")
    'sam bankman fried ftx'
    """
    return " ".join(_TOKEN.findall(_POSSESSIVE.sub("", text.lower())))


# ---------------------------------------------------------------- names in a question

_WORD = r"[A-Z][\w'’.\-]*"
_QUESTION_RUN = re.compile(rf"\b{_WORD}(?:\s+(?:(?:of|the|for|de|von|van)\s+)?{_WORD})*")
# Where two names meet inside one capitalised run.
_NAME_SPLIT = re.compile(r"\s+(?:and|&|for)\s+|(?<=['’]s)\s+|(?<=s['’])\s+")
_ARTICLES = {"the", "a", "an"}
_DOCS = r"\b(?:article|report|piece|feature|analysis|review|story|coverage|op-ed|column|reporting|editorial)s?"
_PUBLISHER = re.compile(
    rf"(?:{_DOCS}\s+(?:by|from|in|published by)\s+|(?:reported by|as per|published by|published in)\s+)"
    rf"(?:an?\s+|the\s+)?({_WORD}(?:\s+{_WORD})*)"
    rf"|\b(?:by|from|in|on|an?|the)\s+({_WORD}(?:\s+{_WORD})*)\s+{_DOCS}\b"
)


def _opens_sentence(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return not before or before[-1] in ".?!:;\"'(“‘"


def _trim(words: list[str], drop: frozenset[str] | set[str]) -> list[str]:
    while words and _POSSESSIVE.sub("", words[0].lower()).strip(".,") in drop:
        words = words[1:]
    while words and re.search(r"-[a-z]+$", words[-1]):  # "Spider-themed" is an adjective
        words = words[:-1]
    while words and re.search(r"^[A-Z][\w'’.]*-[a-z]", words[0]):
        words = words[1:]
    return words


def question_names(question: str) -> list[str]:
    """Capitalised names in a question, without the words that are capitalised as openers.

    >>> question_names("Does the TechCrunch article say Elon Musk's X fined Jada and Will Smith?")
    ['TechCrunch', 'Elon Musk', 'X', 'Jada', 'Will Smith']
    >>> question_names("Did SpaceX and NASA launch a rocket into space Wednesday. What was its destination?")
    ['SpaceX', 'NASA']
    """
    return [name for name, _ in name_runs(question)]


def name_runs(question: str) -> list[tuple[str, bool]]:
    """(name, opens a sentence) for each capitalised name, sentence by sentence: a run never
    joins the last word of one sentence to the first of the next ("Wednesday. What"), and
    a run of ordinary capitalised words only (weekdays, months, openers) is no name. A
    sentence-initial run may still start with an ordinary word ("Corporate America"): the
    caller can look it up without that word."""
    from rag.text.sentences import split_sentences

    out: list[tuple[str, bool]] = []
    for sentence in split_sentences(question):
        for m in _QUESTION_RUN.finditer(sentence):
            # Inside a sentence only an article is dropped ("the Verge"), so "Will Smith" keeps its "Will".
            opens = _opens_sentence(sentence, m.start())
            for k, part in enumerate(_NAME_SPLIT.split(m.group(0))):
                words = _trim(part.split(), not_names() if opens and k == 0 else _ARTICLES)
                if opens and k == 0 and len(words) == 1 and len(part.split()) == 1:
                    continue  # one capitalised word opening a sentence: "Together", "Besides"
                while words and words[0].lower().strip(".,") in MONTHS:  # dates are not names
                    words = words[1:]
                name = " ".join(words).rstrip(".,'’")
                name = _POSSESSIVE.sub("", name) if name.endswith(("'s", "’s")) else name
                ordinary = all(w.lower().strip(".,'’") in not_names() for w in name.split())
                if name and normalise(name) and not ordinary and name not in (n for n, _ in out):
                    out.append((name, opens and k == 0))
    return out


def publisher_mentions(question: str) -> list[str]:
    """Names the question uses as a publisher ("a Bloomberg report", "an article by The Verge").

    >>> publisher_mentions("Considering an article by The Verge and a Bloomberg report, who ...?")
    ['The Verge', 'Bloomberg']
    """
    out = []
    for m in _PUBLISHER.finditer(question):
        name = (m.group(1) or m.group(2) or "").strip()
        name = _POSSESSIVE.sub("", name).strip(".,") if name.endswith(("'s", "’s", "'", "’")) else name
        if name and name.lower() not in not_names() and name not in out:
            out.append(name)
    return out


# ---------------------------------------------------------------- names in a claim

_CLAIM_RUN = re.compile(r"\b[A-Z][a-zA-Z'’\-]+(?:\s+[A-Z][a-zA-Z'’\-]+)*")
ALIASES = {"united states": "u.s.", "america": "u.s.", "united kingdom": "u.k.", "britain": "u.k."}


def capitalised_runs(text: str) -> list[str]:
    """The plain runs of capitalised words in a text, as a claim's names are read.

    >>> capitalised_runs("Valve's Steam Deck OLED ships on November 16.")
    ["Valve's Steam Deck OLED", 'November']
    """
    return [m.group(0) for m in _CLAIM_RUN.finditer(text)]


def claim_names(text: str) -> set[str]:
    """Capitalised word runs of an answer sentence that look like names (lower-cased). A
    sentence's first word is capitalised anyway, so it counts only when it does not look
    like an ordinary word.

    >>> sorted(claim_names("Capturing Bakhmut would give Russia a foothold, Stoltenberg said."))
    ['bakhmut', 'russia', 'stoltenberg']
    """
    names = set()
    starts = {0} | {m.end() for m in re.finditer(r"[.!?]\s+", text)}
    for m in _CLAIM_RUN.finditer(text):
        words = m.group(0).split()
        if m.start() in starts and re.search(r"(ing|ed|ly|ion|s)$", words[0].lower()):
            words = words[1:]
        words = [w for w in words if w.lower() not in not_names()]
        if words:
            names.add(" ".join(words).lower())
    return names


def name_found(name: str, haystack_terms: set[str]) -> bool:
    """Whether every word of `name` is among `haystack_terms`, compared by stem ("Jens
    Stoltenberg" in a passage that says "Stoltenberg" and "Jens"). "U.S." has no term of
    two letters, so names with a common abbreviation are checked as that abbreviation."""
    for long, short in ALIASES.items():
        name = name.replace(long, short)
    words = [t for w in re.split(r"[\s\-]+", name) for t in terms(w)]
    return all(t in haystack_terms for t in words)
