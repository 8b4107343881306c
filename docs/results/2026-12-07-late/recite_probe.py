"""Tuning probe (no LLM): an answer sentence the sources it cites do not support, which another
source the model read does support ("Sam Bankman-Fried [1] ..." where source 2 names him): if
the check moved its citation there instead of removing it, which stored answers would change,
and would they be right? Each stored answer's raw text is re-checked over the context rebuilt by
retrieval. Usage: python recite_probe.py SET RUN/questions.jsonl.gz..."""
import gzip
import json
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import checker_for, pipeline_for, rebuilt_context  # noqa: E402
from stored import recheck as check_stored

from eval.metrics import answer_correct  # noqa: E402
from rag.answer import citations as C  # noqa: E402


def recheck(pipe, q, raw, ctx):
    checker = checker_for(pipe, q)
    sources = {s.n: s for s in ctx.sources}
    out = check_stored(pipe, q, raw, ctx)
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
    pipe = pipeline_for(set_name)
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
            ctx = rebuilt_context(pipe, r)
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
