"""Tuning probe (no LLM): an answer to who or which whose name stands in a sentence that says
nothing the question asks about ("NATO Secretary General Jens Stoltenberg is preparing for more
war [1]." grounded on the article's first sentence, which names him and says nothing of war).
Rule probed: each name the answer adds must stand in a cited sentence (or the sentence before it)
that shares at least one of the question's content terms other than its names, or in a headline.
Which stored answers would it refuse, right or wrong? Re-checked over the context rebuilt by
retrieval. Usage: python relation_probe.py SET RUN/questions.jsonl.gz..."""
import gzip
import json
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer import citations as C  # noqa: E402
from rag.answer.opening import asks_identity  # noqa: E402
from rag.text.names import claim_names, name_found  # noqa: E402
from rag.text.terms import terms  # noqa: E402


def relation_terms(question: str) -> set[str]:
    names = set()
    for n in claim_names(question):
        names |= set(terms(n))
    return set(terms(question)) - names - {"accord", "report", "articl", "article"}


def flagged(pipe, q, raw, ctx):
    sources = {s.n: s for s in ctx.sources}
    rel = relation_terms(q)
    q_terms = set(terms(q))
    for s in recheck(pipe, q, raw, ctx):
        if not (s.supported and s.cites):
            continue
        added = [n for n in claim_names(s.text) if not set(terms(n)) <= q_terms]
        if not added:
            return None, s.text
        ok_hay = []
        for n in s.cites:
            p = sources[n]
            for i, w in enumerate(p.sentences):
                pair = f"{p.previous(i)} {w}"
                if rel & set(C._terms(w)):
                    ok_hay.append(pair)
            ok_hay.append(p.headline)
        hay = C._terms(" ".join(ok_hay))
        bad = [n for n in added if not (name_found(n, hay) or name_found(n.split()[-1], hay))]
        return bad, s.text
    return None, ""


def main():
    set_name, runs = sys.argv[1], sys.argv[2:]
    pipe = pipeline_for(set_name)
    seen = set()
    for run in runs:
        for line in gzip.open(run, "rt") if run.endswith(".gz") else open(run):
            r = json.loads(line)
            if r["refused"] or not r.get("raw_answer") or r["id"] in seen or not asks_identity(r["question"]):
                continue
            seen.add(r["id"])
            q = r["question"]
            ctx = rebuilt_context(pipe, r)
            bad, first = flagged(pipe, q, r["raw_answer"], ctx)
            print(json.dumps({"id": r["id"], "correct": r["correct"], "answerable": r["answerable"],
                              "flagged": bool(bad), "names": bad, "answer": first[:100]}), flush=True)


main()
