"""The answer path with fakes: citations mapped and checked, refusal, validation, follow-ups."""

from __future__ import annotations

import pytest

from rag import NOT_COVERED, InvalidQuestion, query
from rag.citations import Passage, check_answer, split_cited_sentences
from rag.pipeline import Pipeline, rewrite_follow_up
from rag.providers.llm import ScriptedModel


def test_query_returns_a_cited_answer(seeded_fake_pipeline: Pipeline) -> None:
    ans = query("How many settlements near Bakhmut were bombarded?", pipeline=seeded_fake_pipeline)
    assert not ans.refused and ans.citations
    assert {c.n for c in ans.citations} <= {s.n for s in ans.sources}
    cite = ans.citations[0]
    assert cite.published == "2023-02-14" and cite.quote and cite.title.startswith("NATO")
    assert {"retrieve", "first_token", "total"} <= set(ans.timings)


def test_unrelated_question_is_refused_without_calling_the_model(seeded_fake_pipeline: Pipeline) -> None:
    llm = ScriptedModel()
    seeded_fake_pipeline._llm = llm
    ans = seeded_fake_pipeline.ask("Who won the 2022 World Cup final in Qatar?")
    assert ans.refused and ans.text == NOT_COVERED and not ans.citations
    assert llm.calls == []


def test_markers_to_unknown_sources_are_dropped(seeded_fake_pipeline: Pipeline) -> None:
    seeded_fake_pipeline._llm = ScriptedModel(
        lambda m: "Sixteen settlements had been bombarded near Bakhmut [1][7]."
    )
    ans = seeded_fake_pipeline.ask("How many settlements near Bakhmut were bombarded?")
    assert [c.n for c in ans.citations] == [1] and "[7]" not in ans.text


def test_invented_number_is_removed_and_reported(seeded_fake_pipeline: Pipeline) -> None:
    seeded_fake_pipeline._llm = ScriptedModel(
        lambda m: "16 settlements had been bombarded near Bakhmut [1]. About 400 tanks were destroyed there [1]."
    )
    ans = seeded_fake_pipeline.ask("How many settlements near Bakhmut were bombarded?")
    assert "400" not in ans.text and ans.removed == ["About 400 tanks were destroyed there."]
    assert any("400" in s.reason for s in ans.sentences if not s.supported)


def test_fabricated_answer_becomes_a_refusal(seeded_fake_pipeline: Pipeline) -> None:
    seeded_fake_pipeline._llm = ScriptedModel(lambda m: "Argentina won it after beating France on penalties [1].")
    ans = seeded_fake_pipeline.ask("What did the article say about Bakhmut and the world cup?")
    assert ans.refused and not ans.citations


def test_cut_stream_is_marked_incomplete(seeded_fake_pipeline: Pipeline) -> None:
    seeded_fake_pipeline._llm = ScriptedModel(
        lambda m: "The Ukrainian military said 16 settlements had been bombarded near Bakhmut [1].", cut_after=6
    )
    ans = seeded_fake_pipeline.ask("How many settlements near Bakhmut were bombarded?")
    assert ans.incomplete and "incomplete" in ans.format_text()


@pytest.mark.parametrize("bad", ["", "   ", "x" * 5000, None, 42])
def test_bad_questions_are_rejected_before_any_model_call(seeded_fake_pipeline: Pipeline, bad: object) -> None:
    llm = ScriptedModel()
    seeded_fake_pipeline._llm = llm
    with pytest.raises(InvalidQuestion):
        seeded_fake_pipeline.ask(bad)  # type: ignore[arg-type]
    assert llm.calls == []


def test_top_k_and_temperature_are_clamped(seeded_fake_pipeline: Pipeline) -> None:
    ans = seeded_fake_pipeline.ask("Bakhmut settlements bombarded?", top_k=10_000, temperature=99)
    assert len(ans.sources) <= 20
    _, k = seeded_fake_pipeline.validate("q", -5)
    assert k == 1


def test_follow_up_is_rewritten_with_the_conversation(seeded_fake_pipeline: Pipeline) -> None:
    hist = [("How many settlements were bombarded during the new Russian offensive?", "16 [1].")]
    search_q, prompt_q = rewrite_follow_up("What about Bakhmut?", hist)
    assert "settlements" in search_q and "earlier question" in prompt_q
    ans = seeded_fake_pipeline.ask("What about Bakhmut?", history=hist)
    assert "settlements" in ans.retrieval_query and not ans.refused


def test_marker_after_full_stop_belongs_to_previous_sentence() -> None:
    got = split_cited_sentences("Tanks were pledged. [2] Stoltenberg spoke [1].")
    assert got == [("Tanks were pledged.", [2]), ("Stoltenberg spoke.", [1])]


def test_uncited_supported_sentence_gets_its_source() -> None:
    passages = {
        1: Passage(1, ["The talks were held in Brussels."]),
        2: Passage(2, ["Sixteen settlements had been bombarded near Bakhmut."]),
    }
    (s,) = check_answer("16 settlements had been bombarded near Bakhmut.", passages)
    assert s.supported and s.cites == [2]


def test_wrong_name_fails_the_check() -> None:
    passages = {1: Passage(1, ["Stoltenberg said a new offensive had begun."])}
    (s,) = check_answer("Zelensky said a new offensive had begun [1].", passages)
    assert not s.supported and "zelensky" in s.reason


def test_latest_prefers_the_newest_report(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import make_settings

    folder = tmp_path / "arts"
    folder.mkdir()
    for day, n in (("2023-09-01", 3), ("2023-11-20", 7)):
        (folder / f"{day}.txt").write_text(f"title: Strike update {day}\nsource: Wire\ndate: {day}\n\n"
                                           f"The dock workers strike has now entered week {n}, union leaders said.")  # fmt: skip
    pipe = Pipeline(make_settings(tmp_path))
    pipe.ingest([folder])
    top = pipe.retrieve("What is the latest on the dock workers strike?").chunks[0]
    assert top.meta["published"] == "2023-11-20"
    top = pipe.retrieve("What happened in the dock workers strike in September 2023?").chunks[0]
    assert top.meta["published"] == "2023-09-01"


def test_answer_that_restates_the_question_keeps_its_cited_answer(seeded_fake_pipeline: Pipeline) -> None:
    q = "Which eastern Ukrainian city endured heavy artillery fire on Monday and faced ground attacks?"
    seeded_fake_pipeline._llm = ScriptedModel(
        lambda m: "Bakhmut [1] endured heavy artillery fire on Monday and faced ground attacks as an eastern Ukrainian city."
    )
    ans = seeded_fake_pipeline.ask(q)
    assert not ans.refused and ans.text.startswith("Bakhmut [1]")
    assert any("heavy artillery" in r for r in ans.removed)


def test_a_restated_question_does_not_rescue_an_answer_missing_from_its_source(seeded_fake_pipeline: Pipeline) -> None:
    q = "Which eastern Ukrainian city endured heavy artillery fire on Monday and faced ground attacks?"
    seeded_fake_pipeline._llm = ScriptedModel(
        lambda m: "Kharkiv [1] endured heavy artillery fire on Monday and faced ground attacks."
    )
    ans = seeded_fake_pipeline.ask(q)
    assert ans.refused and "Kharkiv" not in ans.text
