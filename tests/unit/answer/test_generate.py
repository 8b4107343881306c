"""The answer stage with a scripted model: citations mapped and checked, removed sentences
reported, cut streams marked, the prompt fitted to the model's window."""

from __future__ import annotations

import re

import pytest

from rag import Answer, Retrieved, Token, query
from tests.fakes import JudgingModel, QueueModel, second_look_pipeline

Q = "How many settlements near Bakhmut were bombarded?"


def test_query_returns_a_cited_answer(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query(Q, pipeline=seeded_fake_pipeline)
    assert not ans.refused and ans.citations
    assert {c.n for c in ans.citations} <= {s.n for s in ans.sources}
    cite = ans.citations[0]
    assert cite.published == "2023-02-14" and cite.quote and cite.title.startswith("NATO")
    assert {"retrieve", "first_token", "total"} <= set(ans.timings)


def test_markers_to_unknown_sources_are_dropped(seeded_with) -> None:  # type: ignore[no-untyped-def]
    ans = seeded_with(QueueModel("Sixteen settlements had been bombarded near Bakhmut [1][7].")).ask(Q)
    assert [c.n for c in ans.citations] == [1] and "[7]" not in ans.text


def test_invented_number_is_removed_and_reported(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("About 400 tanks were destroyed near Bakhmut [1]. 16 settlements had been bombarded near Bakhmut [1].")
    ans = seeded_with(llm).ask(Q)
    assert "400" not in ans.text and ans.removed == ["About 400 tanks were destroyed near Bakhmut."]
    assert any("400" in s.reason for s in ans.sentences if not s.supported)
    assert ans.text.startswith("16 settlements")


class CountingModel(QueueModel):
    """Counts the pieces the answer stage reads and whether it closed the stream."""

    def __init__(self, *replies: str):
        super().__init__(*replies)
        self.read, self.closed = 0, False

    def stream(self, messages, max_tokens, temperature):  # type: ignore[no-untyped-def]
        self.read, self.closed = 0, False  # per answer
        try:
            for ev in super().stream(messages, max_tokens, temperature):
                self.read += bool(ev.text)
                yield ev
        except GeneratorExit:
            self.closed = True
            raise


TWO_SUPPORTED = "16 settlements had been bombarded near Bakhmut [1]. About 400 tanks were destroyed there [1]. Fine."


def test_the_model_stops_once_its_answer_has_a_kept_sentence(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = CountingModel(TWO_SUPPORTED)
    pipe = seeded_with(llm)
    streamed = "".join(e.text for e in pipe.stream(Q) if isinstance(e, Token))
    ans = pipe.ask(Q)
    assert ans.text.startswith("16 settlements") and "400" not in ans.text and ans.removed == []
    assert llm.closed and llm.read < len(TWO_SUPPORTED) // 8  # the tanks sentence was never read to its end
    assert ans.completion_tokens == llm.read and not ans.incomplete and ans.prompt_tokens
    assert "tanks were destroyed there" not in streamed


def test_the_model_is_not_stopped_at_an_initial(seeded_with) -> None:  # type: ignore[no-untyped-def]
    # The 1.5B wrote "partnered with the U. S": stopped at "the U.", the answer read "... the U [1]."
    llm = CountingModel("Russian President Vladimir Putin sees Bakhmut as a prime objective, and so does the U. S. [1]")
    ans = seeded_with(llm).ask(Q)
    assert not llm.closed and "U [1]" not in ans.text


def test_without_the_stop_the_model_writes_on_and_the_check_removes(seeded_with, seeded_settings) -> None:  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    llm = CountingModel(TWO_SUPPORTED)
    settings = seeded_settings.model_copy(update={"llm": seeded_settings.llm.model_copy(update={"stop_after_supported": False})})
    ans = Pipeline(settings, llm=llm).ask(Q)
    assert ans.removed == ["About 400 tanks were destroyed there.", "Fine."] and not llm.closed


def test_fabricated_answer_becomes_a_refusal(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("Argentina won it after beating France on penalties [1].")
    ans = seeded_with(llm).ask("What happened near Bakhmut on Monday?")
    assert llm.calls, "the question must reach the model for this test to mean anything"
    assert ans.refused and not ans.citations and "not in the cited passage" in ans.refusal_reason


def test_cut_stream_is_marked_incomplete(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("The Ukrainian military said 16 settlements had been bombarded near Bakhmut [1].", cut_after=6)
    ans = seeded_with(llm).ask(Q)
    assert ans.incomplete and "incomplete" in ans.format_text()


def test_answer_that_restates_the_question_keeps_its_cited_answer(seeded_with) -> None:  # type: ignore[no-untyped-def]
    q = "Which eastern Ukrainian city endured heavy artillery fire on Monday and faced ground attacks?"
    llm = QueueModel("Bakhmut [1] endured heavy artillery fire on Monday and faced ground attacks as an eastern Ukrainian city.")
    ans = seeded_with(llm).ask(q)
    assert not ans.refused and ans.text.startswith("Bakhmut [1]")
    assert any("heavy artillery" in r for r in ans.removed)


def test_a_restated_question_does_not_rescue_an_answer_missing_from_its_source(seeded_with) -> None:  # type: ignore[no-untyped-def]
    q = "Which eastern Ukrainian city endured heavy artillery fire on Monday and faced ground attacks?"
    ans = seeded_with(QueueModel("Kharkiv [1] endured heavy artillery fire on Monday and faced ground attacks.")).ask(q)
    assert ans.refused and "Kharkiv" not in ans.text


def test_prompt_always_fits_the_context_window(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel(n_ctx=600)
    pipe = seeded_with(llm)
    pipe.ask(Q)
    prompt = sum(llm.count_tokens(m["content"]) + 8 for m in llm.calls[-1])
    assert prompt + pipe.settings.llm.max_tokens <= 600
    assert "Example" not in llm.calls[-1][0]["content"]  # the worked examples were the first to go


def test_a_window_too_small_for_any_source_is_a_clear_refusal(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel(n_ctx=300)
    ans = seeded_with(llm).ask(Q)
    assert ans.refused and "context window (300 tokens)" in ans.refusal_reason and llm.calls == []


def test_not_found_is_offered_only_where_the_models_judgement_is_read(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("16 settlements had been bombarded near Bakhmut [1].")  # reads no logits, like an OpenAI server
    ans = seeded_with(llm).ask(Q)
    assert not ans.refused and llm.calls
    prompt = "\n".join(m["content"] for m in llm.calls[-1])  # the system prompt and the question's
    assert "NOT FOUND" not in prompt and "Begin with the answer" in prompt


@pytest.fixture
def judged_with(seeded_settings):  # type: ignore[no-untyped-def]
    from rag.pipeline import Pipeline

    refusal = seeded_settings.refusal.model_copy(update={"not_found_threshold": 0.0})

    def build(llm, **llm_settings):  # type: ignore[no-untyped-def]
        llm_part = seeded_settings.llm.model_copy(update=llm_settings)
        return Pipeline(seeded_settings.model_copy(update={"refusal": refusal, "llm": llm_part}), llm=llm)

    return build


def test_a_refusal_the_model_judged_is_not_marked_cut_off(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("unused", not_found_p=0.9)
    ans = judged_with(llm).ask(Q)
    assert ans.refused and "judges" in ans.refusal_reason and llm.calls == []
    assert not ans.incomplete and "cut off" not in ans.format_text()


def _second_look(seeded_settings, tokens: int, then: float = 0.1):  # type: ignore[no-untyped-def]
    llm, pipe = second_look_pipeline(seeded_settings, tokens, then)
    return llm, pipe.ask(Q)


def test_a_judged_refusal_gets_a_second_look_at_the_next_sentences(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    llm, ans = _second_look(seeded_settings, 200)
    first, second = (m[-1]["content"] for m in llm.judged)
    first_sources = first.split("\n\nQuestion:")[0]
    # The second prompt continues the first (the model's cache of it is reused) with sentences it had not read.
    assert second.startswith(first_sources + "\n<source id=")
    assert second.count("<source id=") > first.count("<source id=")
    assert not ans.refused, ans.refusal_reason
    # The seed article is read twice (its next sentences in a block of their own); the answer
    # cites and shows it once, with every sentence the model read, in article order.
    more = second.removeprefix(first_sources).split("\n\nQuestion:")[0]
    quoted = re.findall(r"<source id=\d+[^>]*>\n(.*?)\n</source>", more, re.S)[-1]
    assert [s.doc_id for s in ans.sources] == [ans.sources[0].doc_id] and [c.n for c in ans.citations] == [1]
    assert ans.citations[0].quote in quoted and "[1]" in ans.text and "[2]" not in ans.text
    assert ans.sources[0].positions == sorted(ans.sources[0].positions)
    assert set(ans.sources[0].sentences) >= set(re.split(r"(?<=[.!?])\s", quoted))


def test_a_second_look_streams_what_the_answer_shows(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    _, pipe = second_look_pipeline(seeded_settings, 200)
    events = list(pipe.stream(Q))
    read = [e.context for e in events if isinstance(e, Retrieved)]
    streamed = "".join(e.text for e in events if isinstance(e, Token))
    ans = events[-1]
    assert isinstance(ans, Answer) and not ans.refused, getattr(ans, "refusal_reason", None)
    # The sources panel follows the second look, and the streamed text cites what the answer cites.
    assert len(read) == 2 and [s.doc_id for s in read[1].sources] == [s.doc_id for s in ans.sources]
    assert "[1]" in streamed and "[2]" not in streamed


def test_a_second_look_must_be_surer_than_the_first(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    llm, ans = _second_look(seeded_settings, 200, then=0.3)  # log-odds -0.85: would pass at the first look
    assert len(llm.judged) == 2 and ans.refused and "judges" in ans.refusal_reason and llm.calls == []


def test_without_a_second_look_the_judgement_refuses(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    llm, ans = _second_look(seeded_settings, 0)
    assert len(llm.judged) == 1 and ans.refused and "judges" in ans.refusal_reason and llm.calls == []


def test_no_stop_where_the_answer_so_far_would_be_refused(seeded_with) -> None:  # type: ignore[no-untyped-def]
    # Its first sentence, uncited and saying "does not say", would read as the model declining;
    # the marker comes only at the end, so the model must be let write on to it.
    llm = CountingModel("16 settlements had been bombarded near Bakhmut, the report does not say more. Sixteen, it said. [1]")
    ans = seeded_with(llm).ask(Q)
    assert not ans.refused and ans.text.startswith("16 settlements") and not llm.closed


def test_a_follow_up_is_not_stopped_at_its_first_kept_sentence(seeded_with) -> None:  # type: ignore[no-untyped-def]
    # Put to the model with the earlier question, it often answers that one first.
    llm = CountingModel(TWO_SUPPORTED)
    pipe = seeded_with(llm)
    ans = pipe.ask("And what about the tanks?", history=[(Q, "16 settlements were bombarded near Bakhmut [1].")])
    assert llm.calls and llm.calls[-1][-1]["content"] != Q and not llm.closed
    assert ans.completion_tokens == llm.read


@pytest.fixture
def guarded_with(judged_with):  # type: ignore[no-untyped-def]
    """A pipeline with the opening guard on (off by default: docs/EVALUATION.md, nineteenth pass)."""
    return lambda llm: judged_with(llm, guard_opening=True)


def test_an_answer_to_who_is_kept_from_the_questions_own_words(guarded_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg said 16 settlements had been bombarded near Bakhmut [1].", not_found_p=0.01)
    pipe = guarded_with(llm)
    pipe.ask("Who said that 16 settlements near Bakhmut had been bombarded?")
    pipe.ask(Q)  # not "who" or "which": nothing to keep it from
    guard, none = llm.avoided
    assert guard is not None and guard("Bakhmut") and not guard("Stoltenberg") and none is None


def test_the_opening_guard_is_off_by_default(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg said so [1].", not_found_p=0.01)
    judged_with(llm).ask("Who said it?")
    assert llm.avoided == [None]


def test_a_follow_up_may_open_with_the_earlier_questions_subject(guarded_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg said so [1].", not_found_p=0.01)
    guarded_with(llm).ask("Who said that?", history=[(Q, "16 settlements were bombarded near Bakhmut [1].")])
    assert llm.avoided == [None]


WHO = "Who, according to Stoltenberg, is preparing for more war?"


def test_an_answer_that_only_repeats_the_questions_name_is_asked_again_with_the_guard(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg [1].", not_found_p=0.01).enqueue("President Putin [1].")
    ans = judged_with(llm).ask(WHO)
    first, again = llm.avoided
    assert first is None and again is not None and again("Stoltenberg") and not again("President Putin")
    assert not ans.refused and ans.text.startswith("President Putin") and "Stoltenberg" not in ans.text


def test_the_same_name_twice_is_refused_with_the_name(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg [1].", not_found_p=0.01)
    ans = judged_with(llm).ask(WHO)
    assert len(llm.avoided) == 2 and ans.refused
    assert ans.refusal_reason == "the answer only repeats a name the question gives ('Stoltenberg')"


def test_an_answer_that_makes_the_one_who_spoke_its_subject_is_asked_again_then_refused(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg is preparing for more war [1].", not_found_p=0.01)
    ans = judged_with(llm).ask(WHO)
    assert len(llm.avoided) == 2 and ans.refused
    assert ans.refusal_reason == "the answer names the one the question says spoke ('Stoltenberg'), not whom they spoke of"


def test_a_model_whose_tokens_cannot_be_chosen_is_not_asked_again(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel("Stoltenberg [1].")  # as behind an OpenAI-compatible server
    ans = seeded_with(llm).ask(WHO)
    assert len(llm.calls) == 1 and ans.refused and "('Stoltenberg')" in ans.refusal_reason


def test_a_follow_up_may_answer_with_the_earlier_subject(judged_with) -> None:  # type: ignore[no-untyped-def]
    llm = JudgingModel("Stoltenberg [1].", not_found_p=0.01)
    ans = judged_with(llm).ask("Who said that?", history=[(WHO, "President Putin [1].")])
    assert llm.avoided == [None] and not ans.refused


def test_a_choice_between_a_word_and_its_opposite_gets_no_yes_no_verdict(judged_with) -> None:  # type: ignore[no-untyped-def]
    """"Yes." answers neither side of "before or after?": such a question is answered in the
    model's own words and checked like any other, with no verdict read and no Yes/No hint."""
    reply = "Before the meetings, Stoltenberg stressed the need for more ammunition [1]."
    choice, plain = JudgingModel(reply, not_found_p=0.01), JudgingModel(reply, not_found_p=0.01)
    asked = judged_with(choice, yes_no_threshold=0.0).ask("Did Stoltenberg call for ammunition before or after the meetings?")
    assert asked.yes_no_logodds is None and not asked.text.startswith("Yes")
    assert "Begin with Yes or No" not in choice.judged[0][1]["content"]
    control = judged_with(plain, yes_no_threshold=0.0).ask("Did Stoltenberg call for ammunition at the meetings?")
    assert control.yes_no_logodds is not None and control.text.startswith("Yes")
