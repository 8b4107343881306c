"""Dates in article metadata and in questions: month names, day numbers, ISO parsing."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

_EPOCH = date(1970, 1, 1)
_MONTH_NAMES = [
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec"),
]  # fmt: skip
MONTHS: dict[str, int] = {name: i for i, names in enumerate(_MONTH_NAMES, start=1) for name in names}
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"})


def day_number(d: date | None) -> int:
    """Days since 1970-01-01; Chroma filters on numbers, not dates. -1 when unknown.

    >>> day_number(date(1970, 1, 2)), day_number(None)
    (1, -1)
    """
    return (d - _EPOCH).days if d else -1


def from_day_number(day: int) -> date | None:
    """The date a `day_number` stands for; None for -1 (unknown).

    >>> from_day_number(1), from_day_number(-1)
    (datetime.date(1970, 1, 2), None)
    """
    return _EPOCH + timedelta(days=day) if day >= 0 else None


def safe_date(y: int, m: int, d: int) -> date | None:
    """A date, or None for an impossible one (February 30)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(value: object) -> date | None:
    """Parse an ISO date or datetime; None when absent or bad.

    >>> parse_date("2023-11-27T08:45:59+00:00"), parse_date("null")
    (datetime.date(2023, 11, 27), None)
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text or text.lower() in {"none", "null", "nan"}:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
        return safe_date(int(m[1]), int(m[2]), int(m[3])) if m else None
