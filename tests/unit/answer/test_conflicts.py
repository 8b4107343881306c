"""Sources that disagree: the answer says so, newest report first, with dates, citing both."""

from __future__ import annotations

from pathlib import Path

from rag.answer.conflicts import counts, find_conflicts
from rag.pipeline import Pipeline
from rag.types import Source
from tests.fakes import QueueModel
from tests.fixtures.pipelines import make_settings

MONDAY = """title: Shelling near Bakhmut
source: Kyiv Wire
date: 2023-02-13

The Ukrainian military said 16 settlements had been bombarded near Bakhmut. Officials urged residents to leave.
"""
TUESDAY = """title: Shelling near Bakhmut widens
source: Donbas Daily
date: 2023-02-14

The Ukrainian military said 21 settlements had been bombarded near Bakhmut. Repairs to the power grid began.
"""


def _src(n: int, published: str, outlet: str, sentence: str) -> Source:
    return Source(n=n, title="", outlet=outlet, url="", published=published, sentences=[sentence])


def test_counts_pair_numbers_with_what_they_count() -> None:
    assert counts("16 settlements and $3.2 billion in aid at 9 am") == {"settlement": "16", "billion": "3.2"}


def test_same_event_counted_differently_is_a_conflict_newest_first() -> None:
    old = _src(1, "2023-02-13", "Kyiv Wire", "The military said 16 settlements had been bombarded near Bakhmut.")
    new = _src(2, "2023-02-14", "Donbas Daily", "The military said 21 settlements had been bombarded near Bakhmut.")
    found = find_conflicts([(1, old.sentences[0], "16 settlements were bombarded.")], [old, new])
    assert len(found) == 1
    text = found[0].sentence()
    assert text.index("Donbas Daily (2023-02-14) gives 21 settlements [2]") < text.index("Kyiv Wire (2023-02-13) gives 16")


def test_a_different_event_with_another_number_is_not_a_conflict() -> None:
    a = _src(1, "2023-02-13", "A", "The military said 16 settlements had been bombarded near Bakhmut.")
    b = _src(2, "2023-02-14", "B", "Farmers planted 40 settlements worth of wheat in Kherson this spring.")
    assert find_conflicts([(1, a.sentences[0], "16 settlements were bombarded.")], [a, b]) == []


def test_answer_reports_the_disagreement_and_cites_both(tmp_path: Path) -> None:
    # No evidence floor: with two articles of one sentence each, idf says little.
    settings = make_settings(tmp_path, refusal={"min_relevance": 0.0})
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "monday.txt").write_text(MONDAY)
    (folder / "tuesday.txt").write_text(TUESDAY)
    Pipeline(settings).ingest([folder])

    def script(messages: list[dict[str, str]]) -> str:
        prompt = messages[-1]["content"]
        n = 1 if prompt.index("Kyiv Wire") < prompt.index("Donbas Daily") else 2
        return f"16 settlements had been bombarded near Bakhmut [{n}]."

    ans = Pipeline(settings, llm=QueueModel(script)).ask("How many settlements near Bakhmut were bombarded?")
    assert not ans.refused and ans.conflicts
    assert "Sources disagree" in ans.text and "21 settlements" in ans.text and "16 settlements" in ans.text
    assert ans.text.index("2023-02-14") < ans.text.index("2023-02-13")
    assert {c.outlet for c in ans.citations} == {"Kyiv Wire", "Donbas Daily"}
