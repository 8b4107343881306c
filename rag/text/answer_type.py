"""What kind of answer a question asks for, and whether a sentence holds one.

A reader's own words often share no term with the sentence that answers ("How old is the
coach the Wild let go?" against "The 59-year-old Evason began his coaching career..."), and
the small model reads only the few sentences chosen for it. A question that asks for a
number or a date can only be answered by a sentence that holds one, which is a cheap clue
the sentence scores (rag/answer/context.py) add.
"""

from __future__ import annotations

import re

from rag.text.dates import MONTHS, WEEKDAYS
from rag.text.names import NUMBER_WORDS

_ASKS_NUMBER = re.compile(
    r"\b(how\s+(many|much|old|long|far|big|large|tall|high|fast|often)|what\s+(number|percentage|share|amount|"
    r"price|score|age|size|sum|total|fee|cost)|by\s+what\s+(share|margin|percentage|amount)|at\s+what\s+(price|age))\b",
    re.IGNORECASE,
)
_ASKS_DATE = re.compile(
    r"^\s*(when\b|since\s+when\b)|\b(what|which)\s+(day|date|year|month|week|time)\b|\bon\s+what\s+day\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d|\b(" + "|".join(NUMBER_WORDS) + r"|dozen|dozens|hundreds|thousands|millions|billions|half)\b",
                     re.IGNORECASE)  # fmt: skip
# Full month names, except "may" (a verb more often than a month), which like the short forms
# ("Sept.", "Oct") counts only before a day number.
_FULL_MONTHS = "|".join(m for m in MONTHS if len(m) > 4 or m in {"june", "july"})
_SHORT_MONTHS = "|".join(m for m in MONTHS if len(m) <= 4 and m not in {"june", "july"})
_DATE = re.compile(
    r"\b(" + _FULL_MONTHS + r")\b|\b(" + _SHORT_MONTHS + r")\.?\s+\d{1,2}\b|\b(1[89]|20)\d\d\b|\b(" + "|".join(WEEKDAYS) + r"|today|yesterday|tomorrow|"
    r"last\s+(week|month|year)|next\s+(week|month|year))\b",
    re.IGNORECASE,
)


# "Who...?", "According to X, who...?", "Which player...?": the answer is someone's name.
_ASKS_PERSON = re.compile(
    r"^\s*(?:[^,?]{0,60},\s*)?(?:who|whom|whose)\b|\b(?:which|what)\s+(?:\w+\s+)?(?:person|individual|player|athlete|"
    r"coach|manager|executive|ceo|founder|figure|star|quarterback|leader|author|celebrity|singer|actor|actress|"
    r"politician|official)\b",
    re.IGNORECASE,
)


def asks_person(question: str) -> bool:
    """Whether `question` asks for someone.

    >>> asks_person("Who is taking over behind the Minnesota bench?"), asks_person("Which player, known for..., is it?")
    (True, True)
    >>> asks_person("Which state passed a law about blue Halloween buckets?")
    False
    """
    return bool(_ASKS_PERSON.search(question))


def asked_type(question: str) -> str:
    """"number", "date" or "" (any other kind).

    >>> asked_type("How old is the coach the Wild let go?"), asked_type("Since when has the EU looked at it?")
    ('number', 'date')
    >>> asked_type("Which assistant was fired along with him?")
    ''
    """
    if _ASKS_DATE.search(question):
        return "date"
    return "number" if _ASKS_NUMBER.search(question) else ""


def holds(kind: str, sentence: str) -> bool:
    """Whether `sentence` holds an answer of `kind` (always True for no kind).

    >>> holds("number", "The 59-year-old Evason began coaching in 1998."), holds("date", "He began coaching young.")
    (True, False)
    >>> holds("date", "The trend first started in 2018, when a mom posted on Facebook.")
    True
    """
    if kind == "number":
        return bool(_NUMBER.search(sentence))
    if kind == "date":
        return bool(_DATE.search(sentence))
    return True
