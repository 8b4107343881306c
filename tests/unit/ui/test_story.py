"""Issue #15's story tools on a fake pipeline: the timeline, the Markdown export, the corpus
tab's search and delete, and the chips of what a question named."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from rag import Answer, Citation, Pipeline, Source
from rag.ingest.readers import outlet_from_url
from tests.fakes import QueueModel
from tests.fixtures.articles import SETTLEMENTS_REPLY, THREE_REPORTS, write_articles
from tests.fixtures.pipelines import make_settings
from ui.app import Handlers
from ui.conversation import export_file, model_history, to_markdown
from ui.corpus import Corpus
from ui.timeline import timeline_svg

QUESTION = "How many settlements were bombarded near Bakhmut?"


@pytest.fixture
def three_reports(tmp_path: Path) -> Pipeline:
    folder = write_articles(tmp_path / "articles", THREE_REPORTS)
    pipe = Pipeline(make_settings(tmp_path), llm=QueueModel(SETTLEMENTS_REPLY))
    pipe.ingest([folder])
    return pipe


def _answer(pipe: Pipeline, question: str = QUESTION) -> tuple[list, str, list]:  # type: ignore[type-arg]
    *_, (history, panel, turns, _box) = Handlers(pipe).respond(question, [], [], 4)
    return history, panel, turns


def test_the_timeline_has_one_point_per_source_at_its_date_and_marks_the_disagreement(three_reports: Pipeline) -> None:
    history, panel, turns = _answer(three_reports)
    points = re.findall(r'<a href="#src-(\d+)" class="nd-point (\w+)" data-n="\d+" data-date="([\d-]+)"', panel)
    by_title = {s["title"]: s for s in turns[0]["sources"]}
    assert "Shelling near Bakhmut" in by_title and "More shelling near Bakhmut" in by_title  # both cited: they disagree
    cited = {(n, d) for n, kind, d in points if kind == "cited"}
    assert cited == {(str(s["n"]), s["published"]) for s in turns[0]["sources"]}
    assert len(points) == len({n for n, _, _ in points})  # one point per source
    assert panel.count('class="nd-ring"') == 2 and "Sources disagree" in html.unescape(history[-1]["content"])
    newest = re.search(r'data-date="([\d-]+)"[^>]*>(?:(?!</a>).)*class="nd-newest"', panel)
    assert newest and newest.group(1) == "2023-02-14"  # the newest report is the one labelled


def test_the_timeline_is_empty_without_dates_and_its_labels_are_escaped() -> None:
    undated = Source(1, "T", "AP", "", "", 0.5, "p", ["x"])
    assert timeline_svg([undated]) == ""
    evil = Source(1, "<script>x</script>", "<b>AP</b>", "", "2023-01-01", 0.5, "p", ["x"])
    svg = timeline_svg([evil], Answer("q", "a [1].", [Citation.of(evil, "x")], [evil], {}))
    assert "<script>" not in svg and "<b>" not in svg and 'class="nd-point cited"' in svg


def test_export_writes_markdown_with_each_answer_and_its_cited_sources(three_reports: Pipeline) -> None:
    _, _, turns = _answer(three_reports)
    *_, (_, _, turns, _) = Handlers(three_reports).respond("Who won the 2022 World Cup?", [], turns, 4)
    path = export_file(turns)
    assert path and Path(path).suffix == ".md"
    md = Path(path).read_text(encoding="utf-8")
    assert f"## 1. {QUESTION}" in md and "## 2. Who won the 2022 World Cup?" in md
    assert "16 settlements had been bombarded near Bakhmut \\[1\\]" in md
    assert "Shelling near Bakhmut" in md and "(Wire, 2023-02-13)" in md
    assert "> The Ukrainian military said 16 settlements" in md  # the quote that supports the claim
    assert "*Why: " in md  # the refusal says why
    assert export_file([]) is None
    assert model_history(turns)[0] == (QUESTION, turns[0]["answer"])


def test_export_neutralises_markdown_that_would_run() -> None:
    turn = {"question": "![x](http://evil.example/p.png) <img src=x>", "answer": "ok", "sources": []}
    md = to_markdown([turn])
    assert "![" not in md and "<img" not in md


def test_corpus_search_and_delete_remove_an_article_from_answers(three_reports: Pipeline) -> None:
    corpus = Corpus(three_reports)
    summary, rows, choices = corpus.view("shelling")
    assert "3 articles" in summary and len(rows) == 2 and all(r[3] >= 1 for r in rows)  # counts shown
    assert [r[0] for r in rows] == ["2023-02-14", "2023-02-13"]
    assert len(corpus.view("WIRE")[1]) == 1  # by outlet, any case
    doomed = next(doc_id for label, doc_id in choices if label.startswith("More shelling"))
    status, summary, rows, choices = corpus.delete(doomed, "shelling")
    assert "Deleted 'More shelling near Bakhmut' (1 chunk)" in html.unescape(status) and "2 articles" in summary and len(rows) == 1
    _, panel, turns = _answer(three_reports)
    assert "More shelling" not in panel and all(s["title"] != "More shelling near Bakhmut" for s in turns[0]["sources"])
    assert "no longer in the store" in corpus.delete(doomed)[0]
    assert "Choose an article" in corpus.delete(None)[0]


def test_an_article_without_an_outlet_is_named_by_its_site(three_reports: Pipeline) -> None:
    assert outlet_from_url("https://www.fortune.com/rates") == "fortune.com"
    rows = three_reports.corpus()["rows"]
    assert next(r["source"] for r in rows if r["title"] == "Rates up") == "fortune.com"


def test_the_answer_shows_what_the_question_named(three_reports: Pipeline) -> None:
    history, _, _ = _answer(three_reports, "What did Wire report on February 13, 2023 about Bakhmut?")
    shown = html.unescape(history[-1]["content"])
    assert "question named:" in shown and ">Wire<" in shown and ">on 2023-02-13<" in shown
    history, _, _ = _answer(three_reports)
    assert "question named" not in history[-1]["content"]
