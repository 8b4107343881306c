"""Tuning probe (no LLM): an answer sentence the sources it cites do not support, which another
source the model read does support ("Sam Bankman-Fried [1] ..." where source 2 names him): if
the check moved its citation there instead of removing it, which stored answers would change,
and would they be right? Each stored answer's raw text is re-checked over the context rebuilt by
retrieval. Usage: python recite_probe.py SET RUN/questions.jsonl.gz..."""
import gzip
import json
import sys

sys.path.insert(0, ".")
from eval.common import eval_settings, ingest_shared  # noqa: E402
from eval.golden import load_set  # noqa: E402
from eval.metrics import answer_correct  # noqa: E402
from rag import Pipeline, load_settings  # noqa: E402
from rag.answer import citations as C  # noqa: E402
from rag.answer.safety import clean_answer  # noqa: E402


def recheck(pipe, q, raw, ctx):
    checker = C.CitationChecker(q, pipe._similarity(), pipe.settings.check)
    text = C.renumber_markers(clean_answer(raw), ctx.aliases)
    sources = {s.n: s for s in ctx.sources}
    out = checker.check(text, sources)
    moved = []
    read = C.ReadSources(list(sources.values()))
    for i, s in enumerate(out):
        if s.supported or not s.cites or s.reason.startswith("restates"):
            continue
        passing = []
        for n, p in sources.items():
            if n in s.cites:
                continue
            sc, _why, _quotes = checker.support(s.text, [p], read)
            if sc >= checker.settings.support_threshold:
                passing.append((sc, n))
        if passing:
            sc, n = max(passing)
            moved.append((i, s.cites, n, s.reason))
            out[i] = C.AnswerSentence(s.text, [n], True, sc, "citation moved by the check")
    return out, moved


def main():
    set_name, runs = sys.argv[1], sys.argv[2:]
    base = load_settings()
    gs = load_set(set_name, base.multihop_dir, base.seeds_dir)
    pipe = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
    seen = set()
    for run in runs:
        for line in gzip.open(run, "rt"):
            r = json.loads(line)
            if not r.get("raw_answer") or r["id"] in seen or r.get("yes_no"):
                continue
            if not (r["refused"] and "supported" in r["refusal_reason"]) and not r.get("removed"):
                continue
            seen.add(r["id"])
            q = r["question"]
            ctx = pipe.context_for(q, pipe.retrieve(q))
            quotes = {c["quote"] for c in r["citations"]}
            if not quotes <= {w for s in ctx.sources for w in s.sentences} and ctx.reserve:
                ctx = ctx.widened().folded()
            out, moved = recheck(pipe, q, r["raw_answer"], ctx)
            if not moved:
                continue
            new = C.render(out)
            print(json.dumps({"id": r["id"], "run": run.split("/")[-2], "answerable": r["answerable"],
                              "correct_before": r["correct"], "refused_before": r["refused"],
                              "correct_after": answer_correct(new, r["golds"], not new),
                              "golds": r["golds"][:2], "moved": moved, "before": (r["answer"] or "")[:100],
                              "after": new[:160]}), flush=True)


main()
