"""The chat's outlet and date filters: parsed with clear errors, applied, and shown."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

import pytest

from rag import Filters, InvalidQuestion
from rag.pipeline import Pipeline
from tests.fakes import QueueModel
from tests.fixtures.articles import write_articles
from tests.fixtures.pipelines import make_settings
from ui.app import Handlers
from ui.filters import describe, outlet_choices, parse_filters


def test_parse_filters_reads_the_controls() -> None:
    assert parse_filters([], "", "") is None and parse_filters(None, " ", None) is None
    f = parse_filters(["Reuters", "AP"], "2023-10-01", "2023-10-31")
    assert f == Filters(sources=["Reuters", "AP"], since=date(2023, 10, 1), until=date(2023, 10, 31))
    assert describe(f) == "searched: Reuters, AP, 2023-10-01 to 2023-10-31"
    assert describe(parse_filters([], "2023-10-01", "")) == "searched: all outlets, from 2023-10-01"


@pytest.mark.parametrize(("since", "until", "words"), [
    ("10/01/2023", "", "YYYY-MM-DD"), ("", "2023-02-30", "YYYY-MM-DD"), ("2023-11-01", "2023-10-01", "is after"),
])  # fmt: skip
def test_bad_dates_are_clear_errors(since: str, until: str, words: str) -> None:
    with pytest.raises(InvalidQuestion, match=words):
        parse_filters([], since, until)


@pytest.fixture
def two_outlets(tmp_path: Path) -> Pipeline:
    folder = write_articles(tmp_path / "articles", {
        "a.txt": "title: Rates up\nsource: Fortune\ndate: 2023-10-02\n\n"
                 "The central bank of Freedonia set its rate at 7.5 percent on Monday.",
        "b.txt": "title: Rates held\nsource: Wire\ndate: 2023-11-20\n\n"
                 "The central bank of Freedonia held its rate at 8.5 percent on Tuesday.",
    })  # fmt: skip
    pipe = Pipeline(make_settings(tmp_path), llm=QueueModel())
    pipe.ingest([folder])
    return pipe


def test_the_ui_applies_the_filters_and_says_what_was_searched(two_outlets: Pipeline) -> None:
    assert outlet_choices(two_outlets) == ["Fortune", "Wire"]
    h = Handlers(two_outlets)
    *_, (history, panel, _pairs, _box) = h.respond("What rate did the Freedonia central bank set?", [], [], 4,
                                                   ["Wire"], "2023-11-01", "")  # fmt: skip
    answer = history[-1]["content"]
    assert "8.5" in answer and "7.5" not in answer and "7.5" not in panel
    assert "searched: Wire, from 2023-11-01" in html.unescape(answer)


def test_a_bad_date_is_said_in_the_chat_and_the_model_is_not_called(two_outlets: Pipeline) -> None:
    llm = two_outlets.llm
    *_, (history, *_rest) = Handlers(two_outlets).respond("What rate?", [], [], 4, [], "31/10/2023", "")
    assert "YYYY-MM-DD" in history[-1]["content"] and not llm.calls  # type: ignore[attr-defined]
