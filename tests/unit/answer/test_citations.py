"""The citation check on its own: markers, attribution, names and numbers."""

from __future__ import annotations

from rag.answer.citations import CitationChecker, release_markers, split_cited_sentences
from rag.types import Source


def _src(n: int, *sentences: str) -> Source:
    return Source(n=n, title="", outlet="", url="", published="", sentences=list(sentences))


def test_marker_after_full_stop_belongs_to_previous_sentence() -> None:
    got = split_cited_sentences("Tanks were pledged. [2] Stoltenberg spoke [1].")
    assert got == [("Tanks were pledged.", [2]), ("Stoltenberg spoke.", [1])]


def test_a_full_stop_inside_an_abbreviation_does_not_split_an_answer_sentence() -> None:
    # Before, the check read "No, the ... Chiefs vs." and "Jets game ... [2]." apart, and the answer showed "vs [1]. Jets".
    got = split_cited_sentences("No, the Chiefs vs. Jets game shows it [2]. A.J. Brown caught the U. S. record [1].")
    assert got == [("No, the Chiefs vs. Jets game shows it.", [2]), ("A.J. Brown caught the U. S. record.", [1])]


def test_a_streamed_marker_is_shown_renumbered_once_it_closes() -> None:
    shown, held = "", ""
    for piece in ["Sixteen [", "3", "]. Also [1", ", 3] and [", "a note", " in brackets, longer than any marker"]:
        out, held = release_markers(held + piece, {3: 1})
        shown += out
    assert shown + held == "Sixteen [1]. Also [1, 1] and [a note in brackets, longer than any marker"
    assert held == ""  # a "[" that stayed open too long was text, not a marker
    assert release_markers("Sixteen [3", {}) == ("Sixteen [3", "")  # nothing folded: nothing held


def test_uncited_supported_sentence_gets_its_source() -> None:
    sources = {1: _src(1, "The talks were held in Brussels."), 2: _src(2, "Sixteen settlements had been bombarded near Bakhmut.")}
    (s,) = CitationChecker().check("16 settlements had been bombarded near Bakhmut.", sources)
    assert s.supported and s.cites == [2]


def test_wrong_name_fails_the_check() -> None:
    (s,) = CitationChecker().check("Zelensky said a new offensive had begun [1].", {1: _src(1, "Stoltenberg said a new offensive had begun.")})
    assert not s.supported and "zelensky" in s.reason


def test_a_name_in_another_sentence_of_the_source_does_not_ground_a_claim() -> None:
    src = _src(1, "Putin is preparing for more war.", "Some information came from Agence France-Presse.")
    (s,) = CitationChecker().check("The president of France is Putin [1].", {1: src})
    assert not s.supported


def test_a_title_cut_from_the_first_sentence_grounds_no_name_and_a_headline_does() -> None:
    # A file with no headline is titled with its first words (`derive_title`): the name in them
    # is one sentence's subject (a sentence the model did not read here), not the answer to
    # what another sentence says.
    sentences = ["The city of Bakhmut endured heavy artillery fire.",
                 "Bakhmut is a prime objective for Russian President Vladimir Putin."]  # fmt: skip
    derived = Source(n=1, title="NATO Secretary General Jens Stoltenberg spoke in…", outlet="", url="", published="",
                     sentences=sentences)  # fmt: skip
    q = "Who sees Bakhmut as a key target?"
    (s,) = CitationChecker(q).check("Jens Stoltenberg sees Bakhmut as a prime objective [1].", {1: derived})
    assert not s.supported and "stoltenberg" in s.reason
    (right,) = CitationChecker(q).check("Vladimir Putin sees Bakhmut as a prime objective [1].", {1: derived})
    assert right.supported, right.reason
    headline = Source(n=1, title="Stoltenberg: allies must send more ammunition", outlet="", url="", published="",
                      sentences=["He said Bakhmut is a prime objective."])  # fmt: skip
    (named,) = CitationChecker(q).check("Stoltenberg said Bakhmut is a prime objective [1].", {1: headline})
    assert named.supported, named.reason
    assert derived.headline == "" and headline.headline == headline.title


def test_a_full_name_is_grounded_by_its_surname_in_the_cited_sentence_and_the_name_in_the_article() -> None:
    src = _src(1, "Sam Bankman-Fried grew up in California.", "His parents taught at Stanford.",
               "Bankman-Fried built FTX with customer money, prosecutors said.")  # fmt: skip
    q = "Who built the crypto exchange with customer money?"
    (s,) = CitationChecker(q).check("Sam Bankman-Fried built FTX with customer money [1].", {1: src})
    assert s.supported, s.reason
    (bad,) = CitationChecker(q).check("Joe Bankman-Fried built FTX with customer money [1].", {1: src})
    assert not bad.supported and "joe bankman-fried" in bad.reason


def test_a_full_name_may_stand_in_another_source_the_model_read() -> None:
    # The cited article writes only the surname; another source names the person in full.
    cited = _src(1, "Bankman-Fried was even compared to Warren Buffet.")
    other = _src(2, "Who is Sam Bankman-Fried, the former CEO of crypto exchange FTX?")
    q = "Who was once likened to Warren Buffet?"
    (s,) = CitationChecker(q).check("Sam Bankman-Fried was compared to Warren Buffet [1].", {1: cited, 2: other})
    assert s.supported, s.reason
    (alone,) = CitationChecker(q).check("Sam Bankman-Fried was compared to Warren Buffet [1].", {1: cited})
    assert not alone.supported and "sam bankman-fried" in alone.reason
    (bad,) = CitationChecker(q).check("Joe Bankman-Fried was compared to Warren Buffet [1].", {1: cited, 2: other})
    assert not bad.supported and "joe bankman-fried" in bad.reason


def test_a_number_must_be_in_the_cited_sentence() -> None:
    (s,) = CitationChecker().check("21 settlements were bombarded [1].", {1: _src(1, "16 settlements had been bombarded.")})
    assert not s.supported and "21" in s.reason


def test_words_repeated_from_a_reworded_question_are_not_claims() -> None:
    src = _src(1, "On Monday, Stoltenberg said a new major Russian offensive in eastern Ukraine has already begun.")
    q = "What did the alliance's head say Moscow has already launched in the east?"
    (s,) = CitationChecker(q).check("The alliance's head said Moscow has already launched a new major offensive [1].", {1: src})
    assert s.supported, s.reason
    (bad,) = CitationChecker(q).check("The alliance's head said Moscow has launched a naval blockade [1].", {1: src})
    assert not bad.supported


def test_an_answer_with_no_content_word_must_stand_in_the_cited_sentence_as_written() -> None:
    src = _src(1, "Stoltenberg said fighter jets are not urgent.", "A U.S.-led group of allies met in Brussels.")
    (ok,) = CitationChecker("Which country led the group?").check("U.S [1].", {1: src})
    assert ok.supported and "U.S.-led" in ok.quotes[1]
    (bad,) = CitationChecker("Which country led the group?").check("U.K [1].", {1: src})
    assert not bad.supported
    (the,) = CitationChecker("Which country led the group?").check("The U.S. [1].", {1: src})
    assert the.supported, the.reason  # its leading "The" is not part of what must stand there
    (the_bad,) = CitationChecker("Which country led the group?").check("The U.K. [1].", {1: src})
    assert not the_bad.supported
    plain = _src(1, "Stoltenberg said fighter jets are not urgent.", "Ministers met in Brussels.")
    (letter,) = CitationChecker("Which model has both?").check("S [1]", {1: plain})
    assert not letter.supported  # a letter inside words is not the answer standing there


def test_words_given_to_someone_else_than_the_cited_sentence_names_fail_the_check() -> None:
    # The question names the wrong speaker and the model repeats it: every word of the answer is
    # in the article (which names Brown elsewhere), but these words are Menendez's.
    src = _src(1, "Committee chair Senator Sherrod Brown disagreed with the banks.",
               "“Charging the fees is a choice that harms Black and brown communities,” Menendez said.")  # fmt: skip
    q = "Which communities did Sherrod Brown say overdraft fees hurt most?"
    (s,) = CitationChecker(q).check("Sherrod Brown said the fees harm Black and brown communities [1].", {1: src})
    assert not s.supported and s.reason == "the cited passage gives these words to Menendez, not Sherrod Brown"
    (right,) = CitationChecker(q).check("Senator Menendez said the fees harm Black and brown communities [1].", {1: src})
    assert right.supported, right.reason


def test_a_speaker_named_otherwise_in_the_sources_an_outlet_or_a_pronoun_is_not_a_misattribution() -> None:
    src = Source(n=1, title="Binance CEO steps down", outlet="TechCrunch", url="", published="",
                 sentences=["Changpeng Zhao, also known as “CZ,” is stepping down.",
                            "Zhao told Binance employees it was better to ask for forgiveness than permission."])  # fmt: skip
    q = "What did CZ tell his staff about asking permission?"
    for answer in ("CZ told Binance employees it was better to ask for forgiveness than permission [1].",
                   "TechCrunch says Binance employees were told to ask for forgiveness than permission [1].",
                   "He told Binance employees it was better to ask for forgiveness than permission [1]."):  # fmt: skip
        (s,) = CitationChecker(q).check(answer, {1: src})
        assert s.supported, (answer, s.reason)
    wrong = "What did Janet Yellen tell Binance staff about asking permission?"  # a name the question gives is no claim
    (s,) = CitationChecker(wrong).check("Janet Yellen told Binance employees to ask for forgiveness than permission [1].", {1: src})
    assert not s.supported and s.reason == "the cited passage gives these words to Zhao, not Janet Yellen"


def test_a_quotation_of_a_sentence_that_quotes_no_one_fails_unless_the_source_quotes_that_person() -> None:
    q = "What did Joe Flacco say the Bears' sideline did as the Hail Mary came down?"
    plain = _src(1, "The Bears' sideline appeared convinced it had won.", "Joe Flacco watched on the jumbotron.")
    (s,) = CitationChecker(q).check("Joe Flacco said the Bears' sideline appeared convinced it had won [1].", {1: plain})
    assert not s.supported and s.reason == "the cited passage does not say that Joe Flacco said it"
    quoted = _src(1, "The Bears' sideline appeared convinced it had won.", "“I was just waiting for the clock,” Flacco said.")
    (ok,) = CitationChecker(q).check("Joe Flacco said the Bears' sideline appeared convinced it had won [1].", {1: quoted})
    assert ok.supported, ok.reason


def test_according_to_in_an_answer_is_not_read_as_a_quotation() -> None:
    # "according to X" names an outlet or a document as often as a person, and next to "said"
    # it is not the speaker: the check leaves it to the name rules.
    src = _src(1, "Reuters reported the meeting.", "Stoltenberg said the talks would go on in Brussels.")
    (s,) = CitationChecker("What did Stoltenberg say about the talks?").check(
        "Stoltenberg said the talks would go on in Brussels, according to Reuters [1].", {1: src})
    assert s.supported, s.reason
