"""Tuning probe (no LLM): which stored answers would the citation check judge differently if a
name could be grounded only on what the cited sentence leans on? Variants of `ground`:
  base  as the checked-out code does (at 7dce2f8, where these outputs were made, the old rule) (the cited sentence, the source's title, outlet and date, and
        the sentence before it for names)
  A     a title derived from the article's own first words ("NATO Secretary General Jens
        Stoltenberg stressed ...") is not a headline: it does not ground anything
  B     A, and the sentence before counts for names only where the cited sentence leans on it
        (a pronoun, "there")
  N     A for names only: a derived title still counts for the share of the answer's words
Each stored answer's raw text is re-checked over the context rebuilt by retrieval (the first
look; rows whose quotes are not in it are also checked over the widened context).
Usage: python ground_probe.py SET RUN/questions.jsonl.gz [ID...]"""
import gzip
import json
import re
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer import citations as C  # noqa: E402

BASE_GROUND = C.ground
_LEANS = re.compile(r"\b(?:he|she|him|his|her|they|them|their|it|its|there)\b", re.IGNORECASE)


def derived(p) -> bool:
    t = p.title.strip()
    return t.endswith(("…", "...")) or t in p.sentences


def variant(title_rule: bool, lean_rule: bool, names_only: bool = False):
    def ground(sentence_terms, claim, sources):
        quotes, hay_parts, before = {}, [], []
        for p in sources:
            best_i, best_ov = 0, -1.0
            for i, w in enumerate(p.sentences):
                wt = C._terms(w)
                ov = 2 * len(claim & wt) + len(sentence_terms & wt) - 0.001 * len(wt)
                if ov > best_ov:
                    best_i, best_ov = i, ov
            quotes[p.n] = p.sentences[best_i] if p.sentences else ""
            title = "" if title_rule and derived(p) else p.title
            hay_parts += [quotes[p.n], title, p.outlet, p.published]
            if p.sentences and (not lean_rule or _LEANS.search(quotes[p.n])):
                before.append(p.previous(best_i))
        hay = " ".join(hay_parts)
        names_hay = f"{hay} {' '.join(before)}"
        if names_only:
            hay = " ".join([hay, *(p.title for p in sources if derived(p))])
        return quotes, hay, names_hay
    return ground


VARIANTS = {"base": BASE_GROUND, "A": variant(True, False), "B": variant(True, True), "N": variant(True, False, True)}


def kept(pipe, q, raw, ctx):
    return [(s.text, s.supported) for s in recheck(pipe, q, raw, ctx)]


def main():
    set_name, run = sys.argv[1], sys.argv[2]
    only = set(sys.argv[3:])
    pipe = pipeline_for(set_name)
    for line in gzip.open(run, "rt"):
        r = json.loads(line)
        if r["refused"] or not r.get("raw_answer") or (only and r["id"] not in only):
            continue
        q = r["question"]
        ctx = rebuilt_context(pipe, r)
        res = {}
        for name, fn in VARIANTS.items():
            C.ground = fn
            res[name] = kept(pipe, q, r["raw_answer"], ctx)
        C.ground = BASE_GROUND
        first = {k: (v[0][1] if v else None) for k, v in res.items()}
        changed = len({json.dumps(v) for v in res.values()}) > 1
        print(json.dumps({"id": r["id"], "correct": r["correct"], "answerable": r["answerable"], "first_supported": first,
                          "changed": changed, "answer": r["answer"][:120]}), flush=True)


main()
