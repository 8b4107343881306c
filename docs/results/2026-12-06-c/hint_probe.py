"""Tuning only (dev split): the bundled model's Yes/No log-odds (first token, Yes minus No) for
dev Yes/No questions outside the 120-question dev sample, with the per-question Yes/No hint worded
several ways over the same prompt (the product's retrieval, budget and system prompt). The hint
comes last, so llama.cpp's prefix cache prefills only its words for each wording after the first.
Usage: hint_probe.py LIMIT > rows.jsonl"""
import json
import sys
import time

from eval.common import eval_settings, ingest_shared, sample
from eval.golden import load_multihop
from rag import Pipeline, load_settings
from rag.answer import prompts
from rag.answer.generate import build_messages

HINTS = {
    "now": prompts.HINT_YES_NO,
    "every_claim": "\nAnswer Yes only if the sources support every claim of the question; if any claim is not what its report says, answer No. Begin with Yes or No.",
    "check_each": "\nCheck each claim against the report it names. Begin with Yes or No, then give the fact from the sources that decides it.",
    "no_if_unsure": "\nBegin with Yes or No, then give the fact from the sources that decides it. Answer No if the sources do not show that every claim holds.",
}

limit = int(sys.argv[1])
base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
held = {it.id for it in sample(gs.items, 120, 7)}
items = [i for i in gs.items if i.id not in held and i.answerable and i.is_yes_no and i.answers[0].lower() in ("yes", "no")]
items = sample(items, limit, 11)
for it in items:
    r = pipe.retrieve(it.question)
    ctx = pipe.context_for(it.question, r)
    rec = {"id": it.id, "type": it.type, "gold": it.answers[0].lower(), "context_tokens": ctx.tokens}
    t0 = time.time()
    for name, hint in HINTS.items():
        prompts.HINT_YES_NO = hint
        lp = pipe.llm.first_token_logprobs(build_messages(it.question, ctx, yes_no=True), ["Yes", "No", "NOT"])
        rec[name] = lp["Yes"] - lp["No"]
    rec["seconds"] = round(time.time() - t0, 2)
    print(json.dumps(rec), flush=True)
