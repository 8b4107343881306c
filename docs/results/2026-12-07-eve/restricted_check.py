"""Check, without the LLM, that the lever kept (pairing only for questions that ask for someone)
gives each dev-sample question the prompt of one of the two runs already made: the question
that asks for someone reads what it read with the lever on every question (ante/dev), any other
reads what it read with the lever off (docs/results/2026-12-07/dev). Readings are reproducible
(the twenty-third pass), so the same prompt gets the same answer: the kept lever's dev figures
follow from those two runs. Both the first look and the second look's reserve are compared."""
import sys

from rag.answer import context as C
from rag.text.answer_type import asks_person

sys.path.insert(0, "docs/results/2026-12-07")
from eval.common import sample  # noqa: E402
from tuning_data import dev_pipeline  # noqa: E402


def prompts(pipe, q: str) -> tuple[str, str]:
    ctx = pipe.context_for(q, pipe.retrieve(q))
    return ctx.as_prompt_text(), C.format_sources(ctx.reserve)


def with_antecedents(pipe, on: bool):
    pipe.settings = pipe.settings.model_copy(update={"context": pipe.settings.context.model_copy(update={"antecedents": on})})


pipe, dev, _ = dev_pipeline()
same = differ = 0
for item in sample(dev.items, 120, 7):
    q = item.question
    with_antecedents(pipe, True)
    kept = prompts(pipe, q)
    C.asks_person = lambda _q: True  # the lever on every question
    every = prompts(pipe, q)
    C.asks_person = asks_person
    with_antecedents(pipe, False)
    off = prompts(pipe, q)
    expected = every if asks_person(q) else off
    ok = kept == expected
    same, differ = same + ok, differ + (not ok)
    print(item.id, "person" if asks_person(q) else "other", "as expected" if ok else "DIFFERS", flush=True)
print(f"{same} as expected, {differ} differ")
