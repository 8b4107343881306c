"""Follow-up questions carry the earlier turn's subject into retrieval and the prompt."""

from __future__ import annotations

from rag.retrieve.followup import rewrite_follow_up


def test_follow_up_is_rewritten_with_the_conversation(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    hist = [("How many settlements were bombarded during the new Russian offensive?", "16 [1].")]
    search_q, prompt_q = rewrite_follow_up("What about Bakhmut?", hist)
    assert "settlements" in search_q and prompt_q == "What do the sources say about Bakhmut?"
    ans = seeded_fake_pipeline.ask("What about Bakhmut?", history=hist)
    assert "settlements" in ans.retrieval_query and not ans.refused


def test_a_self_contained_question_is_left_alone() -> None:
    hist = [("Which two regions make up the Donbas?", "Donetsk and Luhansk [1].")]
    q = "What did Stoltenberg say about providing fighter aircraft to Ukraine?"
    assert rewrite_follow_up(q, hist) == (q, q)


def test_a_pronoun_becomes_the_person_it_means() -> None:
    resolved = rewrite_follow_up("Where did he meet the ministers?", [("Who heads NATO?", "Jens Stoltenberg [1].")])[1]
    assert resolved.endswith("Stoltenberg meet the ministers?")
    hist = [("What does Stoltenberg say Putin is preparing for?", "More war [1].")]
    assert rewrite_follow_up("Is he preparing for peace?", hist)[1] == "Is Putin preparing for peace?"


def test_a_fragment_gets_the_earlier_turn_as_labelled_context() -> None:
    _, prompt_q = rewrite_follow_up("On what day?", [("Where did the ministers meet?", "Brussels [1].")])
    assert prompt_q.endswith("Follow-up question (answer this one): On what day?") and "Brussels" in prompt_q

