"""The refusal policy: one ordered list of checks, each with the reason it shows."""

from __future__ import annotations

from rag import NOT_CHECKED, NOT_COVERED
from rag.answer.context import Context
from rag.answer.refusal import CHECKS, Evidence, RefusalPolicy
from rag.answer.safety import WITHHELD
from rag.config import RefusalSettings
from rag.retrieve.subjects import UnknownSubjects
from rag.types import AnswerSentence, Source
from tests.fakes import QueueModel

SRC = Source(n=1, title="t", outlet="o", url="", published="", sentences=["Sixteen settlements were bombarded."])


def _evidence(coverage: float = 0.8, sources: list[Source] | None = None, dense: float = 0.5, **kw) -> Evidence:  # type: ignore[no-untyped-def]
    return Evidence("How many settlements?", Context([SRC] if sources is None else sources, 10, coverage, dense), **kw)


def test_checks_are_one_ordered_list_by_stage() -> None:
    stages = [c.stage for c in CHECKS]
    assert stages == sorted(stages, key=["question", "prompt", "judged", "draft", "checked"].index)


def test_an_unknown_name_is_refused_first_and_named() -> None:
    policy = RefusalPolicy(RefusalSettings())
    why = policy.reason("question", _evidence(coverage=0.0, unknown=UnknownSubjects(names=["David Sutter"])))
    assert why == "no article mentions 'David Sutter'"
    assert RefusalPolicy(RefusalSettings(check_names=False)).reason(
        "question", _evidence(unknown=UnknownSubjects(names=["David Sutter"]))) is None  # fmt: skip


def test_off_topic_by_meaning_and_nothing_retrieved() -> None:
    policy = RefusalPolicy(RefusalSettings(min_relevance=0.3))
    assert policy.reason("question", _evidence(sources=[])) == "nothing was retrieved"
    assert "no article has been ingested yet" in (policy.reason("question", _evidence(sources=[], store_empty=True)) or "")
    assert policy.reason("question", _evidence(sources=[], filtered=True)) == "no article matches the filters (outlet, dates)"
    assert "best match 0.20, floor 0.30" in (policy.reason("question", _evidence(dense=0.2)) or "")
    assert policy.reason("question", _evidence(dense=0.3, coverage=0.0)) is None  # no word in common: not a reason


def test_the_model_judgement_refuses_above_its_threshold_only() -> None:
    policy = RefusalPolicy(RefusalSettings(not_found_threshold=0.5))
    assert policy.reason("judged", _evidence(not_found_logodds=0.6)) is not None
    assert policy.reason("judged", _evidence(not_found_logodds=0.4)) is None
    assert policy.reason("judged", _evidence(not_found_logodds=None)) is None  # a model without logits
    assert RefusalPolicy(RefusalSettings(not_found_threshold=None)).reason("judged", _evidence(not_found_logodds=9.0)) is None


def test_a_decline_and_an_unsupported_draft() -> None:
    policy = RefusalPolicy(RefusalSettings())
    assert policy.reason("draft", _evidence(raw="The sources do not mention the population.")) is not None
    assert policy.reason("draft", _evidence(raw="16 [1]. The sources do not mention more.")) is None
    bad = [AnswerSentence("21 were bombarded.", [1], False, 0.0, "number(s) not in the cited passage: 21")]
    assert "number(s) not in the cited passage: 21" in (policy.reason("checked", _evidence(checked=bad)) or "")
    good = [AnswerSentence("16 were bombarded.", [1], True, 1.0)]
    assert policy.reason("checked", _evidence(checked=good)) is None


def test_unrelated_question_is_refused_without_calling_the_model(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel()
    ans = seeded_with(llm).ask("Who won the 2022 World Cup final in Qatar?")
    assert ans.refused and ans.text == NOT_COVERED and not ans.citations
    assert llm.calls == []


def test_an_answer_the_check_refuses_does_not_claim_the_articles_lack_it(seeded_with) -> None:  # type: ignore[no-untyped-def]
    """The seed article does give the number; only the model's answer failed the check."""
    ans = seeded_with(QueueModel("21 settlements near Bakhmut were bombarded [1].")).ask(
        "How many settlements near Bakhmut were bombarded?")
    assert ans.refused and ans.text == NOT_CHECKED and "number(s) not in the cited passage: 21" in ans.refusal_reason
    assert ans.format_text().startswith(NOT_CHECKED)


def test_question_naming_an_absent_person_is_refused_without_the_model(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel()
    ans = seeded_with(llm).ask("What did Volodymyr Zelensky say about Bakhmut at the Munich Security Conference?")
    assert ans.refused and ans.text == NOT_COVERED and llm.calls == []
    assert "Volodymyr Zelensky" in ans.refusal_reason and "Munich Security Conference" in ans.refusal_reason
    assert "why:" in ans.format_text()


def test_names_the_article_holds_still_reach_the_model(seeded_with) -> None:  # type: ignore[no-untyped-def]
    llm = QueueModel()
    ans = seeded_with(llm).ask("What did Stoltenberg say about Bakhmut?")
    assert llm.calls and not ans.refused


def test_an_unverified_verdict_survives_only_where_nothing_addressed_the_model() -> None:
    policy = RefusalPolicy(RefusalSettings())
    bad = [AnswerSentence("The council cut the budget.", [1], False, 0.2, "only 20% of its new words are in the cited passage")]
    assert policy.reason("checked", _evidence(checked=bad, verdict="No")) is None
    attacked = _evidence(checked=bad, verdict="No")
    attacked.context.flagged = 1
    why = policy.reason("checked", attacked)
    assert why and "'No' has no supported sentence" in why
    withheld = Source(n=1, title=WITHHELD, outlet="o", url="", published="", sentences=["The council met."])
    why = policy.reason("checked", _evidence(checked=bad, verdict="Yes", sources=[withheld]))
    assert why and "'Yes' has no supported sentence" in why
    assert policy.reason("checked", _evidence(checked=bad)) is not None  # no verdict: nothing stands


def test_an_answer_that_is_only_the_questions_name_is_refused_unless_a_follow_up() -> None:
    policy = RefusalPolicy(RefusalSettings())
    named = [AnswerSentence("Stoltenberg.", [1], True, 1.0)]
    q = "Who, according to Stoltenberg, is preparing for more war?"
    assert "('Stoltenberg')" in (policy.reason("checked", Evidence(q, Context([SRC], 10, 0.8, 0.5), checked=named)) or "")
    assert policy.reason("checked", Evidence(q, Context([SRC], 10, 0.8, 0.5), checked=named, follow_up=True)) is None
    assert policy.reason("checked", _evidence(checked=named)) is None  # "How many ...?" asks no identity
