"""The name check: a question about someone or an outlet no article mentions is refused
before the model is called, with the name in the reason."""

from __future__ import annotations

from rag import NOT_COVERED
from rag.pipeline import Pipeline
from rag.providers.llm import ScriptedModel
from rag.subjects import SubjectIndex, named_subjects, outlet_references

TEXTS = [
    "Sam Bankman-Fried told TechCrunch that FTX would repay customers.",
    "The New Jersey club signed a forward; Devils fans cheered.",
]


def _index() -> SubjectIndex:
    return SubjectIndex(["TechCrunch", "The Verge", "FOX News - Health"], lambda name: TEXTS)


def test_names_are_split_at_and_and_possessives() -> None:
    q = "Did Sam Bankman-Fried's lawyer and Caroline Ellison speak to The Verge on October 3?"
    assert named_subjects(q) == ["Sam Bankman-Fried", "Caroline Ellison", "Verge"]


def test_outlet_references_are_found_in_the_usual_phrasings() -> None:
    q = "Considering a Bloomberg report, an article by The Verge and a piece from FOX News, ..."
    assert outlet_references(q) == ["Bloomberg", "The Verge", "FOX News"]
    assert outlet_references("What does his club history in the AFLW say?") == []


def test_unknown_names_and_outlets_are_reported() -> None:
    idx = _index()
    u = idx.unknown("According to a Bloomberg report, did Sam Bankman-Fried meet David Sutter?")
    assert u.outlets == ["Bloomberg"] and u.names == ["David Sutter"]
    assert "Bloomberg" in u.reason() and "David Sutter" in u.reason()
    assert not idx.unknown("What did Sam Bankman-Fried tell TechCrunch about FTX?")
    # three words that occur together count as known; two must occur as written
    assert not idx.unknown("Did the New Jersey Devils sign a forward?")
    assert idx.unknown("Did Jersey Devils sign?").names == ["Jersey Devils"]


def test_question_naming_an_absent_person_is_refused_without_the_model(seeded_fake_pipeline: Pipeline) -> None:
    llm = ScriptedModel()
    seeded_fake_pipeline._llm = llm
    ans = seeded_fake_pipeline.ask("What did Zelensky say about Bakhmut at the Munich Security Conference?")
    assert ans.refused and ans.text == NOT_COVERED and llm.calls == []
    assert "Zelensky" in ans.refusal_reason and "Munich Security Conference" in ans.refusal_reason
    assert "why:" in ans.format_text()


def test_names_the_article_holds_still_reach_the_model(seeded_fake_pipeline: Pipeline) -> None:
    llm = ScriptedModel()
    seeded_fake_pipeline._llm = llm
    ans = seeded_fake_pipeline.ask("What did Stoltenberg say about Bakhmut?")
    assert llm.calls and not ans.refused
