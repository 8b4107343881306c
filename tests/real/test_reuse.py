"""The bundled model reads a question the same way whatever it read before: llama.cpp's reuse
of the previous prompt's cache may not change a first-token reading (the judgement and the
Yes/No verdict are read from it)."""

from __future__ import annotations

from typing import cast

import pytest

from rag.answer import prompts
from rag.providers.chat import LogitModel

pytestmark = pytest.mark.real

ARTICLE = (
    "<source id=1 outlet=\"Metro Times\" date=2023-05-02 title=\"Council approves bike lanes\">\n"
    "The council voted 7-2 on Monday to add 40 km of bike lanes downtown. The mayor said the budget "
    "for the lanes would be halved next year, and that the work would start in the spring. Residents "
    "asked for safer crossings near the schools, and the council promised a report by June.\n</source>"
)
QUESTIONS = ["Did the council vote to add bike lanes downtown?", "Did the mayor say the budget would be doubled?",
             "Will the work on the lanes start in the autumn?"]  # fmt: skip


def _messages(question: str, sources: str = ARTICLE) -> list[dict[str, str]]:
    user = prompts.USER.format(sources=sources, question=question, hint=prompts.HINT_YES_NO)
    return [{"role": "system", "content": prompts.system_prompt(judged=True)}, {"role": "user", "content": user}]


def test_a_prompt_reads_the_same_after_any_earlier_prompt(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    llm = cast(LogitModel, real_pipeline.llm)
    words = ["Yes", "No", prompts.NOT_FOUND_WORD]
    first = {q: llm.first_token_logprobs(_messages(q), words) for q in QUESTIONS}
    # Each again, after prompts that share the whole article with it, and after one that shares nothing
    for q in reversed(QUESTIONS):
        assert llm.first_token_logprobs(_messages(q), words) == first[q], q
    llm.first_token_logprobs(_messages("Who won?", "<source id=1>Nothing here.</source>"), words)
    assert llm.first_token_logprobs(_messages(QUESTIONS[1]), words) == first[QUESTIONS[1]]
