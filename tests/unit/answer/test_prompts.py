"""The prompt's shape: what is fixed (and cached) and what each question adds."""

from __future__ import annotations

from rag.answer import prompts
from rag.answer.context import Context
from rag.answer.generate import build_messages
from rag.types import Source

SRC = Source(n=1, title="Talks in Brussels", outlet="Wire", url="", published="2023-02-14",
             sentences=["Ministers met in Brussels on Tuesday."], positions=[0])
CTX = Context([SRC], 20, 1.0, 1.0)


def test_judged_prompt_offers_not_found_with_worked_near_misses_in_the_system_prompt() -> None:
    system, user = (m["content"] for m in build_messages("Where did the ministers meet?", CTX, offer_not_found=True))
    assert prompts.RULE_NOT_FOUND in system and "Answer: NOT FOUND" in system
    assert user.endswith("Question: Where did the ministers meet?")  # nothing per question beyond it
    assert "NOT FOUND" not in user


def test_open_prompt_never_mentions_not_found() -> None:
    msgs = build_messages("Where did the ministers meet?", CTX, offer_not_found=False)
    assert all("NOT FOUND" not in m["content"] for m in msgs)
    assert "Begin with the answer itself" in msgs[0]["content"]


def test_yes_no_question_gets_its_hint_next_to_the_question() -> None:
    user = build_messages("Did the ministers meet in Brussels?", CTX)[1]["content"]
    assert user.endswith("Question: Did the ministers meet in Brussels?" + prompts.HINT_YES_NO)


def test_a_framed_follow_up_keeps_the_yes_no_hint_of_the_persons_question() -> None:
    """A follow-up is put to the model after the earlier question ("(After the question:
    ...) Is it ...?"); whether to hint Yes/No is read from what the person asked."""
    framed = "(After the question: Where did the ministers meet?) Did they meet on Tuesday?"
    assert prompts.HINT_YES_NO in build_messages(framed, CTX, yes_no=True)[1]["content"]
    assert prompts.HINT_YES_NO not in build_messages("Which city hosted them?", CTX, yes_no=False)[1]["content"]


def test_a_small_window_keeps_the_rules_and_drops_the_examples() -> None:
    assert "Example" not in prompts.system_prompt(judged=True, examples=False)
    assert prompts.RULE_NOT_FOUND in prompts.system_prompt(judged=True, examples=False)
