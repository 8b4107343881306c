"""The eval's answer-in-context figure is what the model read: not what a follow-up's words
alone would retrieve (the pipeline searches it with the conversation), and for a second look,
the sentences it read after the first context too."""

from __future__ import annotations

import re

from eval.golden import GoldenItem
from eval.run import run_newsdesk_item
from rag.pipeline import Pipeline
from tests.fakes import QueueModel, second_look_pipeline

QUESTION = "How many settlements near it were bombarded?"
SINGLE = "How many settlements near Bakhmut were bombarded?"


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


def _second_look_item(seeded_settings, answer: str):  # type: ignore[no-untyped-def]
    """The eval's record of a question the model refuses at its first look and answers at its second."""
    llm, pipe = second_look_pipeline(seeded_settings)
    item = GoldenItem(id="s1", question=SINGLE, answers=[answer], type="factoid")
    return pipe, llm, run_newsdesk_item(pipe, item, retrieval_only=False)


def test_an_answer_after_a_second_look_is_scored_on_the_sentences_it_added(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    pipe, llm, rec = _second_look_item(seeded_settings, "zzzqx")
    assert not rec["refused"] and len(llm.judged) == 2 and rec["answer_in_context"] == 0.0
    second = " ".join(re.findall(r"<source[^>]*>\n(.*?)\n</source>", llm.judged[-1][-1]["content"], re.DOTALL))
    only_second = _words(second) - _words(pipe.context_for(SINGLE, pipe.retrieve(SINGLE)).as_prompt_text())
    assert only_second, "the second look should add sentences"
    assert _second_look_item(seeded_settings, max(only_second))[2]["answer_in_context"] == 1.0
