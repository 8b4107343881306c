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


def test_a_pronoun_the_question_names_itself_does_not_lean_on_the_earlier_turn() -> None:
    hist = [("Who won the 2022 World Cup?", "The articles do not cover this.")]
    q = "Did the NATO chief call fighter jets the most urgent issue, and did he say allies would send more ammunition?"
    assert rewrite_follow_up(q, hist) == (q, q)
    # No name in an earlier clause: the pronoun still means the earlier turn's person.
    hist = [("Who heads NATO?", "Jens Stoltenberg [1].")]
    assert rewrite_follow_up("And did he say more about the tanks?", hist)[1] == "And did Stoltenberg say more about the tanks?"
    assert rewrite_follow_up("Did Zelensky meet him?", hist)[1] == "Did Zelensky meet Stoltenberg?"


def test_a_name_written_after_the_is_no_person_a_pronoun_can_mean() -> None:
    # After a refused "Who won...?" there is no answer to take "him" from; "the 2022 World Cup"
    # is a thing, so the question keeps its "him" and gets the earlier question as context.
    cup = [("Who won the 2022 World Cup?", "The articles do not cover this.")]
    assert rewrite_follow_up("Did Biden meet him?", cup)[1] == "(After the question: Who won the 2022 World Cup?) Did Biden meet him?"
    met = [("Did Stoltenberg meet the European Commission?", "Yes [1].")]
    assert rewrite_follow_up("What did he say?", met)[1] == "What did Stoltenberg say?"


def test_a_bare_question_word_takes_the_place_of_the_earlier_one() -> None:
    assert rewrite_follow_up("On what day?", [("Where did the ministers meet?", "Brussels [1].")])[1] == \
        "On what day did the ministers meet?"
    assert rewrite_follow_up("For how many years?", [("Which team has Ohtani played for?", "The Angels [1].")])[1] == \
        "For how many years has Ohtani played for?"


def test_a_short_question_of_its_own_is_not_merged_as_a_bare_question_word() -> None:
    fired = [("Who was fired as OpenAI's CEO?", "Sam Altman [1].")]
    assert rewrite_follow_up("Who took over?", fired)[1] == "(After the question: Who was fired as OpenAI's CEO?) Who took over?"
    met = [("Where did the ministers meet?", "Brussels [1].")]
    assert rewrite_follow_up("What happened?", met)[1].startswith("(After the question:")
    assert rewrite_follow_up("Who else?", fired)[1] == "Who else was fired as OpenAI's CEO?"


def test_it_and_they_become_the_named_thing_of_the_earlier_question_that_agrees_in_number() -> None:
    card = [("Which perks does the Chase Sapphire Reserve card include?", "Lounge access [1].")]
    assert rewrite_follow_up("What is its yearly fee?", card)[1] == "What is the Chase Sapphire Reserve card's yearly fee?"
    rules = [("When were the UN's Paris targets agreed?", "In 2015 [1].")]
    assert rewrite_follow_up("Which countries missed them?", rules)[1] == "Which countries missed the UN's Paris targets?"
    assert rewrite_follow_up("Who wrote it?", rules)[1].startswith("(After the question:")  # "it" is not the targets
    troops = [("What are the Ukrainian soldiers in Kherson facing?", "Shelling [1].")]
    assert rewrite_follow_up("How long have they been there?", troops)[1] == \
        "(After the question: What are the Ukrainian soldiers in Kherson facing?) How long have the Ukrainian soldiers been there?"


def test_a_short_question_naming_a_new_subject_sets_its_own_topic() -> None:
    everton = [("How many points were Everton docked?", "Ten [1].")]
    assert rewrite_follow_up("Who is Ohtani signing with?", everton) == ("Who is Ohtani signing with?",) * 2
    # No name: a continuation of the same story, with the earlier question beside it.
    assert rewrite_follow_up("What did the manager say?", everton)[1].startswith("(After the question: How many points")
    # A name the earlier turn used, in its question or its answer, is no new subject.
    assert rewrite_follow_up("Why was Everton docked?", everton)[1].startswith("(After the question:")
    fired = [("Who was fired as OpenAI's CEO?", "Sam Altman [1].")]
    assert rewrite_follow_up("Where did Altman go?", fired)[1].startswith("(After the question: Who was fired")
    # Initials are too common to mark a new topic.
    assert rewrite_follow_up("Did the EU respond?", fired)[1].startswith("(After the question:")
    # A pointing word still leans on the earlier turn, whatever it names.
    assert rewrite_follow_up("Did Microsoft hire him?", fired)[1] == "Did Microsoft hire Sam Altman?"


def test_another_reference_gets_the_earlier_question_but_not_its_answer() -> None:
    _, prompt_q = rewrite_follow_up("Who has to get them in?", [("Which supplies are needed?", "Ammunition and fuel [1].")])
    assert prompt_q == "(After the question: Which supplies are needed?) Who has to get them in?"



def test_the_earlier_answer_names_no_outlet_and_no_person_for_the_follow_up(seeded_fake_pipeline) -> None:  # type: ignore[no-untyped-def]
    """The model's earlier answer is searched with, but only the person's words narrow the
    search or are checked for names: "from Reuters Tokyo" or "Olaf Scholz" in an answer
    must not refuse the next question."""
    hist = [("Where did the defense ministers meet?", "In Brussels, according to a report from Reuters Tokyo, said Olaf Scholz [1].")]
    ans = seeded_fake_pipeline.ask("On what day?", history=hist)
    assert "Scholz" in ans.retrieval_query
    assert "Scholz" not in ans.refusal_reason and "Reuters" not in ans.refusal_reason
    asked_outright = seeded_fake_pipeline.ask("What did Olaf Scholz say on what day?")
    assert asked_outright.refused and "Olaf Scholz" in asked_outright.refusal_reason  # the check itself still works


def test_a_third_turn_leans_on_the_second_as_it_was_resolved() -> None:
    # "she" in the third turn is the person the second turn's "she" meant, not a guess from "How old is she?".
    mother = [("Who is Diane Bazella's birth mother?", "Sherri Geerts [1]."), ("How old is she?", "81 [1].")]
    assert rewrite_follow_up("Where does she live?", mother) == ("Where does Sherri Geerts live? How old is Sherri Geerts?",
                                                                 "Where does Sherri Geerts live?")  # fmt: skip
    # A bare question word merges into the second turn's merged clause.
    met = [("Where did NATO defense ministers get together?", "Brussels [1]."), ("When?", "On Tuesday [1].")]
    assert rewrite_follow_up("Why?", met)[1] == "Why did NATO defense ministers get together?"
    # A second turn that was only framed by the first, or switched topic, stands as typed.
    jets = [("Who leads NATO?", "Jens Stoltenberg [1]."), ("And what about fighter jets?", "Not urgent [1].")]
    assert rewrite_follow_up("When?", jets)[1] == "(After the question: And what about fighter jets?) When?"


def test_a_long_history_is_read_turn_by_turn() -> None:
    """A caller of the library may pass any number of turns: reading each against the one before
    must not recurse once per turn."""
    long = [("Who is NATO's secretary general?", "Jens Stoltenberg [1].")] + [("Where did he meet the ministers?", "Brussels [1].")] * 3000
    asked = rewrite_follow_up("What did he say?", long)[1]
    assert "Stoltenberg" in asked and not asked.startswith("(After")


def test_a_name_from_the_earlier_answer_keeps_its_own_letters() -> None:
    nato = [("Who heads NATO?", "NATO Secretary General Jens Stoltenberg [1].")]
    assert rewrite_follow_up("Where was he meeting ministers?", nato)[1] == \
        "Where was NATO Secretary General Jens Stoltenberg meeting ministers?"
    united = [("Who managed United before Erik ten Hag?", "Ralf Rangnick [1], before Erik ten Hag [2].")]
    assert "Ralf Rangnick" in rewrite_follow_up("When did he leave?", united)[1]
