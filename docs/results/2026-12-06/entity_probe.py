"""Tuning only (dev split, no LLM): for the dev inference questions that ask who, which or what
(188), is the gold answer (a) in the sources the model reads (`in_context`; run with
NEWSDESK_RETRIEVAL__CONTEXT_TOKENS=200/300/450 to compare budgets), and (b) the name that most
retrieved articles share (`top1`, `top3`)? Names are capitalised runs
(rag.text.names.claim_names) of the top-10 chunks and their titles, counted once per article;
names the question gives are left out. Usage: entity_probe.py multihop-dev > out.jsonl"""
import json
import re
import sys
from collections import Counter

from eval.common import eval_settings, ingest_shared, sample
from eval.golden import load_set
from rag import Pipeline, load_settings
from rag.text.names import claim_names, question_names

set_name = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else 0
TOPK = 10
base = load_settings()
gs = load_set(set_name, base.multihop_dir, base.seeds_dir)
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
items = [i for i in gs.items if i.answerable and i.type == "inference_query" and re.match(r"(who|which|what)\b", i.question, re.I)
         and i.answers and i.answers[0].lower() not in ("yes", "no")]
items = sample(items, limit, 7) if limit else items
stats = Counter()
for it in items:
    q = it.question
    r = pipe.retrieve(q)
    ctx = pipe.context_for(q, r)
    text = ctx.as_prompt_text().lower()
    gold = it.answers[0].lower()
    asked = {n.lower() for n in question_names(q)}
    counts: Counter = Counter()
    seen_docs: dict[str, set] = {}
    for c in r.chunks[:TOPK]:
        doc = c.meta.get("doc_id") or c.meta.get("url") or c.id
        for n in claim_names(f"{c.meta.get('title', '')}. {c.text}"):
            if n in asked or any(n in a or a in n for a in asked):
                continue
            seen_docs.setdefault(n, set()).add(doc)
    ranked = sorted(seen_docs, key=lambda n: -len(seen_docs[n]))
    top = ranked[:3]
    hit = lambda n, g=gold: n == g or (len(n) > 3 and (n in g or g in n))  # noqa: E731
    rec = {"id": it.id, "gold": gold, "in_context": gold in text,
           "top1": bool(top) and hit(top[0]), "top3": any(hit(n) for n in top),
           "top": [(n, len(seen_docs[n])) for n in top]}
    for k in ("in_context", "top1", "top3"):
        stats[k] += rec[k]
    stats["n"] += 1
    print(json.dumps(rec))
print(json.dumps(dict(stats)))
