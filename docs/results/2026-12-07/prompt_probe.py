"""Tuning only: the bundled model's two first-token judgements over the product's own
retrieval and context, with the prompt varied two ways.
- now: the prompt as sent today.
- q_first: the question also written before the sources (read before the evidence, asked
  again after it), the rest as now.
- null: the same prompt with the sources emptied, for contextual calibration (the judgement
  minus this question's own prior: "calibrate before use", Zhao et al. 2021).
Rows: the tuning set (answerable and near misses: NOT FOUND log-odds) and dev Yes/No questions
outside the 120-question dev sample (Yes-minus-No log-odds).
Usage: prompt_probe.py N_YESNO > rows.jsonl"""
import json
import sys
import time
from dataclasses import replace

from tuning_data import dev_pipeline, outside_sample

from eval.common import sample
from eval.golden import load_set
from rag.answer import prompts
from rag.answer.generate import build_messages, is_yes_no

NOW = prompts.USER
Q_FIRST = "Question: {question}\n\n" + NOW


def lp_of(pipe, question, ctx, user, yes_no):
    prompts.USER = user
    try:
        lp = pipe.llm.first_token_logprobs(build_messages(question, ctx, yes_no=yes_no), ["Yes", "No", "NOT"])
    finally:
        prompts.USER = NOW
    return lp


def row(pipe, it, yes_no):
    r = pipe.retrieve(it.question)
    ctx = pipe.context_for(it.question, r)
    rec = {"id": it.id, "type": it.type, "answerable": it.answerable,
           "gold": (it.answers[0].lower() if it.answers else ""), "context_tokens": ctx.tokens}
    t0 = time.time()
    for name, user, c in (("now", NOW, ctx), ("null", NOW, replace(ctx, sources=[])), ("q_first", Q_FIRST, ctx)):
        lp = lp_of(pipe, it.question, c, user, yes_no)
        rec[f"{name}_yn"] = lp["Yes"] - lp["No"]
        rec[f"{name}_nf"] = lp["NOT"]
    rec["seconds"] = round(time.time() - t0, 2)
    return rec


n_yes_no = int(sys.argv[1])
pipe, dev, base = dev_pipeline()
tuning = load_set("tuning-multihop", base.multihop_dir, base.seeds_dir)
for it in tuning.items:
    print(json.dumps({"set": "tuning", **row(pipe, it, is_yes_no(it.question))}), flush=True)
items = [i for i in outside_sample(dev) if i.answerable and i.is_yes_no and i.answers[0].lower() in ("yes", "no")]
for it in sample(items, n_yes_no, 11):
    print(json.dumps({"set": "dev_yes_no", **row(pipe, it, True)}), flush=True)
