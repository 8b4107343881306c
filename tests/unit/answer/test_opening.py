"""The opening an answer to who/which may not have: the question's own words."""

from __future__ import annotations

import pytest

from rag.answer.opening import asks_identity, copies_question, opening_guard, source_as_answer

# Dev-split wordings the 1.5B restated or answered with their own names (docs/EVALUATION.md).
WHO = "Who is the individual that persuaded Adam Yedidia to join his trading venture after leaving Jane Street?"
WHICH = "Which platform, discussed by Music Business Worldwide, is also mentioned by Polygon?"
GROUP = "What group of people can bet on team golf events, as reported by Sporting News?"


@pytest.mark.parametrize("question", [WHO, WHICH, GROUP, "Whose car was found?", "What position does he play?"])
def test_who_and_which_questions_ask_for_an_identity(question: str) -> None:
    assert asks_identity(question)


@pytest.mark.parametrize("question", [
    "What did the NATO chief say about fighter jets?", "What else did he stress?", "How many towns were shelled?",
    "When did the ministers meet?", "Which year was it founded?", "Did TechCrunch report a merger?",
])  # fmt: skip
def test_other_questions_do_not(question: str) -> None:
    assert not asks_identity(question)
    assert opening_guard(question) is None


@pytest.mark.parametrize(("question", "opening"), [
    (WHO, "The individual"), (WHO, "The individual that"), (WHO, "Adam"), (WHO, "Adam Yedidia"),
    (WHICH, "Polygon"), (WHICH, "The platform"), (GROUP, "The group"), (GROUP, "Sporting"),
])  # fmt: skip
def test_an_opening_from_the_question_is_caught(question: str, opening: str) -> None:
    assert copies_question(question, opening)


@pytest.mark.parametrize(("question", "opening"), [
    (WHO, "Sam Bankman-Fried"), (WHO, "The FTX founder"), (WHO, "The"), (WHO, ""), (WHICH, "YouTube [1]"),
    (GROUP, "Bettors"), ("Which two regions make up the Donbas?", "The Donetsk and Luhansk regions"),
    ("Where did he meet the defense ministers?", "Brussels"),
])  # fmt: skip
def test_an_answer_is_not(question: str, opening: str) -> None:
    assert not copies_question(question, opening)


def test_a_question_on_its_own_is_guarded_against_its_own_names() -> None:
    guard = opening_guard("Who was sent off in Manchester United's game in Istanbul?")
    assert guard is not None and guard("Manchester United") and not guard("Eric Cantona")


def test_the_one_a_question_says_spoke_is_not_the_answer_to_who() -> None:
    q = "Who, according to the NATO chief, is getting ready for more war?"
    assert source_as_answer(q, "NATO Secretary General Jens Stoltenberg is preparing for more war [1].", []) == (
        "NATO Secretary General Jens Stoltenberg")
    assert source_as_answer(q, "Putin is preparing for more war [1].", []) == ""
    # Giving them the words is how an answer credits the one who spoke.
    assert source_as_answer("Who, according to Cheika, are the favourites?", "Cheika said the All Blacks are [1].", []) == ""
    assert source_as_answer("Who, according to Nassar, finds video calls tiring?",
                            "Dr. Carl Nassar, a counselor in Denver, Colorado, said humans do [1].", []) == ""
    assert source_as_answer("What did the NATO chief say about war?", "NATO Secretary General Jens Stoltenberg said so [1].", []) == ""
