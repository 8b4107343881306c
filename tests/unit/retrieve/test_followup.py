"""Follow-up questions carry the earlier turn's subject into retrieval and the prompt."""

from __future__ import annotations

from rag.retrieve.followup import rewrite_follow_up


def test_follow_up_is_rewritten_with_the_conversation(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    hist = [("How many settlements were bombarded during the new Russian offensive?", "16 [1].")]
    search_q, prompt_q = rewrite_follow_up("What about Bakhmut?", hist)
    assert "settlements" in search_q and "earlier question" in prompt_q
    ans = seeded_fake_pipeline.ask("What about Bakhmut?", history=hist)
    assert "settlements" in ans.retrieval_query and not ans.refused


def test_a_self_contained_question_is_left_alone() -> None:
    hist = [("Which two regions make up the Donbas?", "Donetsk and Luhansk [1].")]
    q = "What did Stoltenberg say about providing fighter aircraft to Ukraine?"
    assert rewrite_follow_up(q, hist) == (q, q)
