"""Tuning probe (no LLM): would the citation check remove more answers if a name the answer
takes from the question had to stand where the answer's own names must (the cited sentence,
the sentence before it, a headline, the outlet), not only in the question? Today a restated
question name is never checked ("Europe disposes of 250 million tires [1]." cited to a sentence
about North America). Outlets of any source read are exempt (MultiHop questions name several).
Each stored answer's raw text is re-checked over the context rebuilt by retrieval.
Usage: python qname_probe.py SET RUN/questions.jsonl.gz"""
import gzip
import json
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer import citations as C  # noqa: E402
from rag.text.names import claim_names, name_found  # noqa: E402
from rag.text.terms import terms  # noqa: E402

BASE_MISSING = C.CitationChecker._missing


def strict_missing(self, sentence, names_hay, read):
    why = BASE_MISSING(self, sentence, names_hay, read)
    if why:
        return why
    names_terms = C._terms(names_hay)
    outlets = C._terms(" ".join(p.outlet for p in read.sources))
    restated = [n for n in claim_names(sentence) if set(terms(n)) <= self._q_terms]
    missing = sorted(n for n in restated if not (name_found(n, names_terms) or name_found(n.split()[-1], names_terms)
                                                  or name_found(n, outlets)))
    return f"question name(s) not in the cited passage: {', '.join(missing)}" if missing else ""


def kept(pipe, q, raw, ctx):
    return [(s.text, s.supported, s.reason) for s in recheck(pipe, q, raw, ctx)]


def main():
    set_name, run = sys.argv[1], sys.argv[2]
    pipe = pipeline_for(set_name)
    for line in gzip.open(run, "rt"):
        r = json.loads(line)
        if r["refused"] or not r.get("raw_answer"):
            continue
        q = r["question"]
        ctx = rebuilt_context(pipe, r)
        C.CitationChecker._missing = BASE_MISSING
        before = kept(pipe, q, r["raw_answer"], ctx)
        C.CitationChecker._missing = strict_missing
        after = kept(pipe, q, r["raw_answer"], ctx)
        C.CitationChecker._missing = BASE_MISSING
        any_before = any(s[1] for s in before)
        any_after = any(s[1] for s in after)
        print(json.dumps({"id": r["id"], "correct": r["correct"], "answerable": r["answerable"],
                          "first_before": before[0][1] if before else None, "first_after": after[0][1] if after else None,
                          "any_before": any_before, "any_after": any_after,
                          "why": next((s[2] for s in after if not s[1] and s[2].startswith("question")), ""),
                          "answer": r["answer"][:100]}), flush=True)


main()
