"""A follow-up's answer is checked against the question as resolved and put to the model: the
person the conversation named ("his" -> "Josh Allen's") is the user's premise, not a new claim
of the answer, while a name that neither the conversation nor the passage gives still fails."""

from __future__ import annotations

import re
from pathlib import Path

from rag.answer.citations import CitationChecker
from rag.providers.llm import Message
from rag.types import Answer, Source
from tests.fakes import QueueModel

PACE = "Through eight games, he is on pace for a 71.3% completion rate, the best of his career."
ARTICLE = """Title: Midseason awards for the league's contenders
Outlet: Test Sports
Date: 2023-11-08

Bills quarterback Josh Allen was the writers' pick as the team's most valuable player at midseason.

The defense allows the fewest yards per game in the league, at 234.8.

""" + PACE
HISTORY = [("Who is the Bills' MVP at the midseason mark?", "Josh Allen [1].")]
FOLLOW_UP = "What is his completion rate on pace for?"
SOURCE = Source(n=1, title="Midseason awards", outlet="Test Sports", url="", published="2023-11-08",
                sentences=[PACE])  # fmt: skip


def _citing(claim: str):  # type: ignore[no-untyped-def]
    """A reply that cites, by its number in this prompt, the source holding the 71.3% sentence."""

    def reply(messages: list[Message]) -> str:
        block = re.search(r"<source id=(\d+)[^>]*>[^<]*71\.3%", messages[-1]["content"])
        return f"{claim} [{block.group(1) if block else 1}]."

    return reply


def test_the_resolved_question_grounds_the_person_it_names() -> None:
    answer = "Josh Allen is on pace for a 71.3% completion rate [1]."
    (raw,) = CitationChecker(FOLLOW_UP).check(answer, {1: SOURCE})
    assert not raw.supported and "josh allen" in raw.reason.lower()
    (resolved,) = CitationChecker("What is Josh Allen's completion rate on pace for?").check(answer, {1: SOURCE})
    assert resolved.supported, resolved.reason


def _ask(seeded_with, tmp_path: Path, claim: str) -> tuple[QueueModel, Answer]:  # type: ignore[no-untyped-def]
    (tmp_path / "allen.md").write_text(ARTICLE, encoding="utf-8")
    llm = QueueModel(_citing(claim))
    pipe = seeded_with(llm)
    pipe.ingest([tmp_path / "allen.md"])
    return llm, pipe.ask(FOLLOW_UP, history=HISTORY)


def test_a_follow_up_answer_naming_the_conversations_subject_is_kept(seeded_with, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    llm, ans = _ask(seeded_with, tmp_path, "Josh Allen is on pace for a 71.3% completion rate")
    assert "Josh Allen's completion rate" in llm.prompts[-1]  # the question the model was given
    assert not ans.refused, ans.refusal_reason
    assert "71.3%" in ans.text and ans.citations


def test_a_name_the_conversation_did_not_give_still_fails(seeded_with, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    llm, ans = _ask(seeded_with, tmp_path, "Patrick Mahomes is on pace for a 71.3% completion rate")
    assert llm.calls and "Mahomes" not in ans.text
