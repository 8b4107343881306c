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
    # three words that occur together count as known; two must occur as written (or as a surname alone)
    assert not idx.unknown("Did the New Jersey Devils sign a forward?")
    assert idx.unknown("Did Jersey Giants sign?").names == ["Jersey Giants"]
    assert idx.unknown("Did Moscow sign?").names == []  # one word: no evidence either way


def test_a_date_after_published_is_not_an_outlet() -> None:
    q = "Did the article published on November 2, 2023 by The Verge say that the Steam Deck OLED ships soon?"
    assert publisher_mentions(q) == []



ARTICLES = [
    "SpaceX and NASA launched the Psyche probe toward the asteroid belt on Friday.",
    "Former defense secretary Ashton Carter died at 68. Carter led the Pentagon under Obama.",
    "Corporate America is spending less on travel, according to a survey. The WNBA final drew record viewers.",
    "Stoltenberg said the talks would continue. Mike Sutter runs a bakery. Sutter Health opened a clinic.",
]


def _articles() -> SubjectIndex:
    return SubjectIndex([], lambda name: ARTICLES)


def test_a_name_never_spans_two_sentences() -> None:
    q = "SpaceX and NASA launched a rocket into space Wednesday. What was its destination?"
    assert _articles().unknown(q).names == []


def test_a_sentence_opening_adjective_is_not_part_of_a_name() -> None:
    idx = _articles()
    assert idx.unknown("Corporate America cut travel budgets: by how much?").names == []
    assert idx.unknown("Legendary WNBA stars drew viewers to which final?").names == []
    assert idx.unknown("Earth. What planet did the probe leave?").names == []


def test_variants_of_a_name_are_accepted_and_other_people_are_not() -> None:
    idx = _articles()
    assert idx.unknown("How old was Ash Carter when he died?").names == []  # Ashton Carter
    assert idx.unknown("What did Jens Stoltenberg say about the talks?").names == []  # surname alone
    assert idx.unknown("What did Secretary Carter do at the Pentagon?").names == []  # a title
    assert idx.unknown("What did David Sutter say about the clinic?").names == ["David Sutter"]  # Mike's, Sutter Health
    assert idx.unknown("What did Olga Petrova announce?").names == ["Olga Petrova"]


def test_a_short_name_in_another_word_order_is_known_and_a_headline_makes_up_no_name() -> None:
    idx = SubjectIndex([], lambda name: ["Steam Deck OLED Review: Valve Makes The Best Handheld Better",
                                         "Valve's Steam Deck OLED ships on November 16."])  # fmt: skip
    assert idx.unknown("When's the OLED Deck out?").names == []  # "Steam Deck OLED"
    assert idx.unknown("When did the Valve Handheld ship?").names == ["Valve Handheld"]  # only in a title-case headline
    assert _articles().unknown("What did Sutter Mike bake?").names == []  # one run, reordered
    assert _articles().unknown("What did David Sutter say?").names == ["David Sutter"]
