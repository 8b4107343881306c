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
