"""Hybrid retrieval: recency and named dates steer it; filters bound it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rag.errors import InvalidQuestion
from rag.pipeline import Pipeline
from rag.retrieve.filters import Filters
from tests.fixtures.pipelines import make_settings


def _strike_reports(tmp_path: Path) -> Pipeline:
    folder = tmp_path / "arts"
    folder.mkdir()
    for day, n, outlet in (("2023-09-01", 3, "Wire"), ("2023-11-20", 7, "Daily")):
        (folder / f"{day}.txt").write_text(f"title: Strike update {day}\nsource: {outlet}\ndate: {day}\n\n"
                                           f"The dock workers strike has now entered week {n}, union leaders said.")  # fmt: skip
    pipe = Pipeline(make_settings(tmp_path))
    pipe.ingest([folder])
    return pipe


def test_latest_prefers_the_newest_report(tmp_path: Path) -> None:
    pipe = _strike_reports(tmp_path)
    top = pipe.retrieve("What is the latest on the dock workers strike?").chunks[0]
    assert top.meta["published"] == "2023-11-20"
    top = pipe.retrieve("What happened in the dock workers strike in September 2023?").chunks[0]
    assert top.meta["published"] == "2023-09-01"


def test_filters_bound_retrieval_by_outlet_and_date(tmp_path: Path) -> None:
    pipe = _strike_reports(tmp_path)
    got = pipe.retrieve("dock workers strike", filters=Filters(sources=["Wire"])).chunks
    assert got and {c.meta["source"] for c in got} == {"Wire"}
    got = pipe.retrieve("dock workers strike", filters=Filters(since=date(2023, 10, 1))).chunks
    assert got and {c.meta["published"] for c in got} == {"2023-11-20"}


def test_a_date_range_that_ends_before_it_starts_is_an_error_not_a_refusal() -> None:
    with pytest.raises(InvalidQuestion, match="since 2024-01-01 is after until 2023-01-01"):
        Filters(since=date(2024, 1, 1), until=date(2023, 1, 1))
    assert Filters(since=date(2023, 1, 1), until=date(2023, 1, 1)).since == date(2023, 1, 1)  # one day is a range
