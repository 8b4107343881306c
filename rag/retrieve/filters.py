"""Hard filters a caller sets: outlets and a publication-date range (the UI and `query()`
expose them). Retrieval narrows every search to them (fusion.narrowed)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rag.errors import InvalidQuestion


@dataclass
class Filters:
    """Hard filters a caller may set (the UI and `query()` expose them)."""

    sources: list[str] = field(default_factory=list)
    since: date | None = None
    until: date | None = None

    @property
    def narrows(self) -> bool:
        """Whether any filter is set."""
        return bool(self.sources or self.since or self.until)

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:  # would match nothing, and read as "not covered"
            raise InvalidQuestion(f"the date range is empty: since {self.since} is after until {self.until}")
