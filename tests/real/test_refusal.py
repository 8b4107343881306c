"""The refusal policy with the bundled models, on the seed article: by meaning, not words.

The questions here are worded as a reader would, not as the article is (the paraphrase is
the one issue #13 reports the lexical floor refusing); the near miss reuses the article's
words and asks what it does not say.
"""

from __future__ import annotations

import pytest

from rag import query

pytestmark = pytest.mark.real


def test_a_reworded_question_is_answered_with_a_citation(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("What did the NATO chief say about sending fighter jets to Ukraine?", pipeline=real_pipeline)
    assert not ans.refused, ans.refusal_reason
    assert ans.citations and all(c.supported for c in ans.citations)


def test_a_reworded_question_gets_the_sentence_that_answers_it(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("What did the NATO chief say about sending fighter jets to Ukraine?", pipeline=real_pipeline)
    assert any("aircraft" in c.quote for c in ans.citations)


def test_a_near_miss_is_refused_by_the_models_judgement(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("How many tanks did the allies pledge to send Ukraine?", pipeline=real_pipeline)
    assert ans.refused and not ans.citations
    assert ans.refusal_reason  # the reason is shown, whichever check refused


def test_an_unknown_name_is_refused_with_that_name(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    ans = query("What did Olaf Scholz promise at the Brussels meeting?", pipeline=real_pipeline)
    assert ans.refused and "Olaf Scholz" in ans.refusal_reason


def test_a_name_from_the_files_own_first_words_does_not_answer_who(real_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The seed file has no headline, so its title is its first words, which name Stoltenberg.
    The model answers that he is the one preparing for more war; the article quotes him saying
    Putin is. The cited sentence must name whoever the answer names."""
    ans = query("Who, according to Stoltenberg, is preparing for more war?", pipeline=real_pipeline)
    named = ans.text.split(" is ")[0]
    assert ans.refused or "Stoltenberg" not in named, ans.text
