"""The name check: the names a question gives, and whether the collection mentions them."""

from __future__ import annotations

from rag.retrieve.subjects import SubjectIndex
from rag.text.names import publisher_mentions, question_names

TEXTS = [
    "Sam Bankman-Fried told TechCrunch that FTX would repay customers.",
    "The New Jersey club signed a forward; Devils fans cheered.",
]


def _index() -> SubjectIndex:
    return SubjectIndex(["TechCrunch", "The Verge", "FOX News - Health"], lambda name: TEXTS)


def test_names_are_split_at_and_and_possessives() -> None:
    q = "Did Sam Bankman-Fried's lawyer and Caroline Ellison speak to The Verge on October 3?"
    assert question_names(q) == ["Sam Bankman-Fried", "Caroline Ellison", "Verge"]


def test_outlet_references_are_found_in_the_usual_phrasings() -> None:
    q = "Considering a Bloomberg report, an article by The Verge and a piece from FOX News, ..."
    assert publisher_mentions(q) == ["Bloomberg", "The Verge", "FOX News"]
    assert publisher_mentions("What does his club history in the AFLW say?") == []


def test_unknown_names_and_outlets_are_reported() -> None:
    idx = _index()
    u = idx.unknown("According to a Bloomberg report, did Sam Bankman-Fried meet David Sutter?")
    assert u.outlets == ["Bloomberg"] and u.names == ["David Sutter"]
    assert "Bloomberg" in u.reason() and "David Sutter" in u.reason()
    assert not idx.unknown("What did Sam Bankman-Fried tell TechCrunch about FTX?")
    # three words that occur together count as known; two must occur as written
    assert not idx.unknown("Did the New Jersey Devils sign a forward?")
    assert idx.unknown("Did Jersey Devils sign?").names == ["Jersey Devils"]


def test_a_date_after_published_is_not_an_outlet() -> None:
    q = "Did the article published on November 2, 2023 by The Verge say that the Steam Deck OLED ships soon?"
    assert publisher_mentions(q) == []

