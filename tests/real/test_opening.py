"""The opening guard in the bundled model's own decoder: the model's first choice of opening,
once ruled out, gives way to its next, and the answer goes on from there."""

from __future__ import annotations

from typing import cast

import pytest

from rag.providers.chat import LogitModel

pytestmark = pytest.mark.real

MESSAGES = [
    {"role": "system", "content": "Answer in one short sentence."},
    {"role": "user", "content": "Sources:\nJens Stoltenberg, NATO's secretary general, spoke in Brussels.\n\n"
                                "Question: Who is NATO's secretary general?"},
]  # fmt: skip


def _answer(llm: LogitModel, avoid=None, banned=()) -> str:  # type: ignore[no-untyped-def]
    return "".join(e.text for e in llm.stream_after(MESSAGES, "", 24, 0.0, banned=banned, avoid=avoid))


def test_a_ruled_out_opening_gives_way_to_the_models_next_choice(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    llm = cast(LogitModel, real_pipeline.llm)
    free = _answer(llm)
    first = free.split()[0]
    guarded = _answer(llm, avoid=lambda opening: opening.lstrip().startswith(first))
    assert free.strip() and guarded.strip()
    assert not guarded.lstrip().startswith(first), (free, guarded)
    assert _answer(llm) == free  # the guard of one answer does not outlive it


def test_a_banned_word_stays_banned_under_the_guard(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    """llama-cpp-python drops a logit bias and a logits processor given together; the guard
    must carry the ban itself (as "NOT FOUND" is banned once the model is judged to answer)."""
    llm = cast(LogitModel, real_pipeline.llm)
    first = _answer(llm).split()[0]
    guarded = _answer(llm, avoid=lambda opening: False, banned=(first,))
    assert guarded.strip() and not guarded.lstrip().startswith(first), (first, guarded)


def test_an_answer_that_only_repeats_the_questions_name_is_asked_again_under_the_guard(real_pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The bundled 1.5B answers this question with the city the question itself names. The
    pipeline asks it once more with the guard in its decoder (the second call carries one), and
    refuses when the model gives the name again, saying which name."""
    llm = real_pipeline.llm
    guards: list[object] = []
    stream_after = llm.stream_after

    def recording(*args, **kwargs):  # type: ignore[no-untyped-def]
        guards.append(kwargs.get("avoid"))
        return stream_after(*args, **kwargs)

    monkeypatch.setattr(llm, "stream_after", recording)
    ans = real_pipeline.ask("Which city, according to Bakhmut's defenders, is under fire?")
    assert len(guards) == 2 and guards[0] is None and callable(guards[1]), guards
    assert ans.refused and ans.refusal_reason == "the answer only repeats a name the question gives ('Bakhmut')"
