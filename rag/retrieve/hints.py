"""What a question names besides its topic: outlets, dates, and a wish for the latest news.

News questions say "as reported by TechCrunch", "published on December 6, 2023", "in
October 2023", "the latest". These become filters and boosts for retrieval. Nothing here
calls a model: it is pattern matching over the outlets the corpus actually holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from rag.text.dates import MONTH_PATTERN, MONTHS, day_number, from_day_number, safe_date

_FULL_DATE = re.compile(rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_YEAR = re.compile(rf"\b(?:in|during|of|from)\s+({MONTH_PATTERN})\.?\s+(\d{{4}})\b", re.IGNORECASE)
_RECENCY = re.compile(r"\b(latest|most recent|newest|recently|current(?:ly)?|this week|today)\b", re.IGNORECASE)
_BEFORE = re.compile(r"\b(before|prior to|earlier than|until)\b", re.IGNORECASE)
_AFTER = re.compile(r"\b(after|since|later than|following)\b", re.IGNORECASE)


@dataclass
class QueryHints:
    outlets: list[str] = field(default_factory=list)  # exact outlet names from the corpus
    days: list[int] = field(default_factory=list)  # specific publication days named
    day_ranges: list[tuple[int, int]] = field(default_factory=list)  # months named
    recency: bool = False
    before_day: int | None = None
    after_day: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.outlets or self.days or self.day_ranges or self.recency)

    def chips(self) -> list[str]:
        """What the question named, in words, for the UI to show beside the answer.

        >>> parse_hints("What was the latest report before October 3, 2023?").chips()
        ['before 2023-10-03', 'newest first']
        """
        out = list(self.outlets)
        for day in self.days:
            when = from_day_number(day)
            if day == self.before_day:
                out.append(f"before {when}")
            elif day == self.after_day:
                out.append(f"after {when}")
            else:
                out.append(f"on {when}")
        for first, _last in self.day_ranges:
            start = from_day_number(first)
            out.append(f"in {start:%B %Y}" if start else "")
        if self.recency:
            out.append("newest first")
        return [c for c in out if c]


def outlet_aliases(outlet: str) -> set[str]:
    """Names a question may use for an outlet: 'FOX News - Health' -> {'fox news - health', 'fox news'}."""
    name = outlet.strip().lower()
    out = {name}
    for sep in (" - ", " | ", ": "):
        if sep in name:
            out.add(name.split(sep)[0].strip())
    for alias in list(out):
        if alias.startswith("the ") and len(alias) > 8:
            out.add(alias[4:])
        if alias.endswith(".com"):
            out.add(alias[:-4])
    return {a for a in out if len(a) >= 3}


class OutletMatcher:
    """Finds the corpus outlets a question names (longest alias first)."""

    def __init__(self, outlets: Iterable[str]):
        self._by_alias: dict[str, set[str]] = {}
        for o in outlets:
            if not o:
                continue
            for alias in outlet_aliases(o):
                self._by_alias.setdefault(alias, set()).add(o)
        aliases = sorted(self._by_alias, key=len, reverse=True)
        self._re = (
            re.compile(r"(?<![\w])(" + "|".join(re.escape(a) for a in aliases) + r")(?![\w])", re.IGNORECASE)
            if aliases
            else None
        )

    def find(self, text: str) -> list[str]:
        if self._re is None:
            return []
        found: list[str] = []
        for m in self._re.finditer(text):
            for outlet in sorted(self._by_alias[m.group(1).lower()]):
                if outlet not in found:
                    found.append(outlet)
        return found


def parse_hints(question: str, matcher: OutletMatcher | None = None) -> QueryHints:
    """Extract outlets, dates and recency from a question.

    >>> h = parse_hints("What did TechCrunch report on October 3, 2023 and in November 2023?")
    >>> h.days == [day_number(date(2023, 10, 3))], len(h.day_ranges)
    (True, 1)
    """
    hints = QueryHints(outlets=matcher.find(question) if matcher else [])
    spans: list[tuple[int, int, int]] = []  # (start, day) to place before/after
    for m in _FULL_DATE.finditer(question):
        d = safe_date(int(m[3]), MONTHS[m[1].lower().rstrip(".")], int(m[2]))
        if d:
            hints.days.append(day_number(d))
            spans.append((m.start(), m.end(), day_number(d)))
    for m in _ISO_DATE.finditer(question):
        d = safe_date(int(m[1]), int(m[2]), int(m[3]))
        if d:
            hints.days.append(day_number(d))
            spans.append((m.start(), m.end(), day_number(d)))
    for m in _MONTH_YEAR.finditer(question):
        month, year = MONTHS[m[1].lower().rstrip(".")], int(m[2])
        first = date(year, month, 1)
        last = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        hints.day_ranges.append((day_number(first), day_number(last)))
    hints.recency = bool(_RECENCY.search(question))
    for start, _end, day in spans:
        before_text = question[max(0, start - 24) : start]
        if _BEFORE.search(before_text):
            hints.before_day = day
        elif _AFTER.search(before_text):
            hints.after_day = day
    return hints
