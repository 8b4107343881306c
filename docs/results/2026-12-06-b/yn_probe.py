"""Tuning only (dev split): the bundled model's Yes/No log-odds (first token, Yes minus No) for
dev Yes/No questions, read four ways on the same retrieval: the whole question at 200 and 300
tokens of sources, and each part of the question (rag.answer.context.question_parts) asked on
its own over the same sources. Parts share the prompt up to the question, so llama.cpp's prefix
cache prefills only the part's words. Usage: yn_probe.py LIMIT > rows.jsonl"""
import json
import re
import sys
import time

from eval.common import eval_settings, ingest_shared, sample
from eval.golden import load_multihop
from rag import Pipeline, load_settings
from rag.answer.context import question_parts
from rag.answer.generate import build_messages

limit = int(sys.argv[1])
base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
items = [i for i in gs.items if i.answerable and i.is_yes_no and i.answers[0].lower() in ("yes", "no")]
items = sample(items, limit, 7)
_AUX = re.compile(r"^(is|are|was|were|do|does|did|has|have|had|can|could|will|would)\b", re.I)


def as_question(part: str) -> str:
    p = part.strip().rstrip("?.").strip()
    if _AUX.match(p):
        return p[0].upper() + p[1:] + "?"
    return f"Is it true that {p}?"


def yn(q: str, ctx) -> float:
    lp = pipe.llm.first_token_logprobs(build_messages(q, ctx, yes_no=True), ["Yes", "No"])
    return lp["Yes"] - lp["No"]


for it in items:
    q = it.question
    r = pipe.retrieve(q)
    parts = [as_question(p) for p in question_parts(q)]
    rec = {"id": it.id, "type": it.type, "gold": it.answers[0].lower(), "parts": parts}
    t0 = time.time()
    for budget in (200, 300):
        ctx = pipe.context_for(q, r, budget=budget)
        rec[f"whole{budget}"] = yn(q, ctx)
        rec[f"parts{budget}"] = [yn(p, ctx) for p in parts]
    rec["seconds"] = round(time.time() - t0, 2)
    print(json.dumps(rec), flush=True)
