"""The eval's answer-in-context figure for a follow-up is what the model read, not what the
follow-up's words alone would retrieve (the pipeline searches it with the conversation)."""

from __future__ import annotations

import re

from eval.golden import GoldenItem
from eval.run import run_newsdesk_item
from rag.pipeline import Pipeline
from tests.fakes import QueueModel

QUESTION = "How many settlements near it were bombarded?"


def _follow_up(answer: str) -> GoldenItem:
    return GoldenItem(id="f1", question=QUESTION, answers=[answer], type="follow_up",
                      history=["Which city came under heavy artillery fire on Monday?"])  # fmt: skip


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]{6,}", text.lower()))


def test_a_follow_ups_answer_in_context_is_scored_on_what_the_model_read(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    # A short read, so that what is read depends on the question searched.
    retrieval = seeded_settings.retrieval.model_copy(update={"context_tokens": 80})
    llm = QueueModel()
    pipe = Pipeline(seeded_settings.model_copy(update={"retrieval": retrieval}), llm=llm)
    assert run_newsdesk_item(pipe, _follow_up("zzzqx"), retrieval_only=False)["answer_in_context"] == 0.0
    read = " ".join(re.findall(r"<source[^>]*>\n(.*?)\n</source>", llm.prompts[-1], re.DOTALL))
    alone = pipe.context_for(QUESTION, pipe.retrieve(QUESTION)).as_prompt_text()
    # A word the follow-up's prompt holds and its words alone would not have found.
    only_read = _words(read) - _words(alone)
    assert only_read, "the conversation should change what is read"
    assert run_newsdesk_item(pipe, _follow_up(max(only_read)), retrieval_only=False)["answer_in_context"] == 1.0
