"""What this pass's no-LLM probes share: the product's pipeline over a golden set's articles, the
context a stored answer was written from (rebuilt by retrieval: the first look, or the widened
second look when the stored quotes are not in the first), and the citation check re-run on it."""
import sys

sys.path.insert(0, ".")
from eval.common import eval_settings, ingest_shared  # noqa: E402
from eval.golden import load_set  # noqa: E402
from rag import Pipeline, load_settings  # noqa: E402
from rag.answer import citations as C  # noqa: E402
from rag.answer.context import Context  # noqa: E402
from rag.answer.safety import clean_answer  # noqa: E402
from rag.types import AnswerSentence  # noqa: E402


def pipeline_for(set_name: str) -> Pipeline:
    base = load_settings()
    gs = load_set(set_name, base.multihop_dir, base.seeds_dir)
    pipe = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
    return pipe


def rebuilt_context(pipe: Pipeline, row: dict) -> Context:
    q = row["question"]
    ctx = pipe.context_for(q, pipe.retrieve(q))
    quotes = {c["quote"] for c in row["citations"]}
    if not quotes <= {w for s in ctx.sources for w in s.sentences} and ctx.reserve:
        ctx = ctx.widened().folded()
    return ctx


def checker_for(pipe: Pipeline, question: str) -> C.CitationChecker:
    return C.CitationChecker(question, pipe._similarity(), pipe.settings.check)


def recheck(pipe: Pipeline, question: str, raw: str, ctx: Context) -> list[AnswerSentence]:
    """The citation check over a stored raw answer, as `generate.check_draft` runs it."""
    text = C.renumber_markers(clean_answer(raw), ctx.aliases)
    return checker_for(pipe, question).check(text, {s.n: s for s in ctx.sources})
