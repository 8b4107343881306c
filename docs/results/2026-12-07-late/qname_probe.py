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
from eval.common import eval_settings, ingest_shared  # noqa: E402
from eval.golden import load_set  # noqa: E402
from rag import Pipeline, load_settings  # noqa: E402
from rag.answer import citations as C  # noqa: E402
from rag.answer.safety import clean_answer  # noqa: E402
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
    checker = C.CitationChecker(q, pipe._similarity(), pipe.settings.check)
    text = C.renumber_markers(clean_answer(raw), ctx.aliases)
    return [(s.text, s.supported, s.reason) for s in checker.check(text, {s.n: s for s in ctx.sources})]


def main():
    set_name, run = sys.argv[1], sys.argv[2]
    base = load_settings()
    gs = load_set(set_name, base.multihop_dir, base.seeds_dir)
    pipe = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
    for line in gzip.open(run, "rt"):
        r = json.loads(line)
        if r["refused"] or not r.get("raw_answer"):
            continue
        q = r["question"]
        ctx = pipe.context_for(q, pipe.retrieve(q))
        quotes = {c["quote"] for c in r["citations"]}
        if not quotes <= {w for s in ctx.sources for w in s.sentences} and ctx.reserve:
            ctx = ctx.widened().folded()
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
