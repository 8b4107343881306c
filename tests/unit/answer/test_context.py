"""Which sentences the model reads: the kind of answer a question asks for counts."""

from __future__ import annotations

from rag.pipeline import Pipeline

# Shares "Bakhmut" with several sentences; only one of them holds a number.
Q = "How many places around Bakhmut came under fire?"


def _first_sentences(seeded_settings, weight: float) -> list[str]:  # type: ignore[no-untyped-def]
    settings = seeded_settings.model_copy(update={"context": seeded_settings.context.model_copy(update={"answer_type_weight": weight})})
    pipe = Pipeline(settings)
    ctx = pipe.context_for(Q, pipe.retrieve(Q), budget=70)  # room for the header and about one sentence
    return [s for src in ctx.sources for s in src.sentences]


def test_a_question_asking_for_a_number_reads_the_sentence_that_holds_one(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    with_boost = _first_sentences(seeded_settings, 3.0)
    assert with_boost and all(any(ch.isdigit() for ch in s) for s in with_boost), with_boost


def test_a_sentence_an_article_repeats_is_read_once() -> None:
    import numpy as np

    from rag.answer.context import Candidates, Selector

    texts = ["Sportsbooks may adjust the odds.", "Sportsbooks may adjust the odds. ", "Lines move on injuries."]
    metas = [{"doc_id": "a", "title": "Odds", "source": "SN", "published": "2023-10-01"}] * 2 + [
        {"doc_id": "b", "title": "Lines", "source": "SN", "published": "2023-10-02"}]  # fmt: skip
    c = Candidates(ids=["a:1", "a:7", "b:2"], texts=texts, toks=[[], [], []], metas=metas, rank=[0, 1, 2], pos=[1, 7, 2],
                   vecs=np.zeros((3, 4)))  # fmt: skip
    assert Selector(c, [0, 1, 2]).select(1000) == {"a": [0], "b": [2]}


def test_a_sentence_that_says_he_is_read_with_the_sentence_before_it() -> None:
    import numpy as np

    from rag.answer.context import Candidates, Selector
    from rag.text.tokens import count_tokens

    texts = ["Enter Xavier Watts.", "The safety picked off Williams twice, and he scored.", "USC lost 48-20.",
             "He said Notre Dame won at home."]  # fmt: skip
    metas = [{"doc_id": "a", "title": "USC vs. Notre Dame", "source": "SN", "published": "2023-10-14"}] * 3 + [
        {"doc_id": "b", "title": "Recap", "source": "AP", "published": "2023-10-15"}]  # fmt: skip
    c = Candidates(ids=["a:4", "a:5", "a:9", "b:5"], texts=texts, toks=[[]] * 4, metas=metas, rank=[0, 0, 0, 1],
                   pos=[4, 5, 9, 5], vecs=np.zeros((4, 4)))  # fmt: skip
    order = [1, 3, 2, 0]
    assert Selector(c, order).select(1000) == {"a": [1, 2, 0], "b": [3]}  # in reading order
    assert Selector(c, order, antecedents=True).select(1000) == {"a": [1, 0, 2], "b": [3]}  # its name comes with it
    # The sentence before "b:5" is not a candidate ("a:4" is another article's): read alone.
    assert Selector(c, [3], antecedents=True).select(1000) == {"b": [3]}
    first = Selector(c, order, antecedents=True)
    room = first.header_cost(1) + count_tokens(texts[1]) + 1  # the sentence, not the one before it
    assert first.select(room) == {"a": [1]}  # no room for the name: the budget holds


def test_an_article_read_twice_is_one_source_once_read() -> None:
    from rag.answer.context import Context
    from rag.types import Source

    def src(n: int, doc: str, sentences: list[str], positions: list[int], score: float = 0.5) -> Source:
        return Source(n=n, title=doc, outlet="AP", url="", published="2023-02-14", score=score, sentences=sentences,
                      positions=positions, doc_id=doc)  # fmt: skip

    first = Context([src(1, "a", ["A2.", "A5."], [2, 5]), src(2, "b", ["B1."], [1])], 20, 0.5, 0.5)
    first.reserve = [src(3, "a", ["A3.", "A9."], [3, 9], score=0.7), src(4, "c", ["C1."], [1])]
    wide = first.widened()
    assert [s.n for s in wide.sources] == [1, 2, 3, 4]  # the prompt: the first look's blocks, then the reserve
    folded = wide.folded()
    assert [(s.n, s.doc_id) for s in folded.sources] == [(1, "a"), (2, "b"), (3, "c")]
    assert folded.aliases == {3: 1, 4: 3}  # the prompt's [3] is article a's second block; its [4] is now [3]
    a = folded.sources[0]
    assert (a.sentences, a.positions, a.score) == (["A2.", "A3.", "A5.", "A9."], [2, 3, 5, 9], 0.7)
    assert first.folded() is first  # nothing read twice: nothing to fold
    unknown = Context([src(1, "a", ["A2."], []), src(2, "a", ["A7.", "A2."], [])], 9, 0.5, 0.5).folded()
    assert unknown.sources[0].sentences == ["A2.", "A7."] and unknown.sources[0].positions == []


def test_a_question_of_several_clues_reads_the_larger_budget(seeded_settings) -> None:  # type: ignore[no-untyped-def]
    retrieval = seeded_settings.retrieval.model_copy(update={"context_tokens": 60, "multi_part_context_tokens": 200})
    pipe = Pipeline(seeded_settings.model_copy(update={"retrieval": retrieval}))
    clues = "Which city, a prime objective for Russia, came under heavy artillery fire and would give Moscow a foothold?"
    claims = "Did Bakhmut come under fire, and did Russia gain a foothold in the Donetsk region?"  # Yes/No: two are enough
    for several in (clues, claims):
        assert 60 < pipe.context_for(several, pipe.retrieve(several)).tokens <= 200
    two_open = "Which city came under heavy artillery fire, and what would it give Moscow?"
    for fewer in (Q, "Did Bakhmut come under heavy artillery fire?", two_open):  # one clue; an open question of two
        assert pipe.context_for(fewer, pipe.retrieve(fewer)).tokens <= 60
    # A follow-up searches with the earlier turn's words: the question the person asked sets the budget.
    assert pipe.context_for(clues, pipe.retrieve(clues), asked="And the tanks?").tokens <= 60



def test_a_question_in_british_spelling_scores_the_sentence_in_american() -> None:
    """The seed article says "defense ministers"; a reader writes "defence chiefs"."""
    from rag.retrieve.lexical import sentence_bm25
    from rag.text.terms import query_terms, terms

    sentences = [terms("NATO defense ministers gathered Tuesday in Brussels."),
                 terms("Stoltenberg told reporters the talks come at a critical time.")]  # fmt: skip
    q = "Where were the alliance's defence chiefs?"
    searched = sentence_bm25(dict.fromkeys(query_terms(q), 1.0), sentences)
    as_written = sentence_bm25(dict.fromkeys(terms(q), 1.0), sentences)
    assert searched[0] > 0 and as_written[0] == 0 and searched[1] == 0
