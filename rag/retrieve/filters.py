"""Hard filters a caller sets (outlets, a publication-date range), as Chroma `where`
clauses and as a test on one chunk's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rag.text.dates import day_number


@dataclass
class Filters:
    """Hard filters a caller may set (the UI and `query()` expose them)."""

    sources: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    def where(self) -> dict[str, Any] | None:
        clauses: list[dict[str, Any]] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since:
            clauses.append({"published_day": {"$gte": day_number(self.since)}})
        if self.until:
            clauses.append({"published_day": {"$lte": day_number(self.until)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def allows(self, meta: dict[str, Any]) -> bool:
        if self.sources and meta.get("source") not in self.sources:
            return False
        day = int(meta.get("published_day", -1))
        if self.since and day < day_number(self.since):
            return False
        return not (self.until and day > day_number(self.until))


def both(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    if a and b:
        return {"$and": [a, b]}
    return a or b
