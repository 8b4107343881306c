"""Tuning only: a sentence picked from inside a quotation carries an opening or closing quote
mark without its pair (32 of 168 tuning and dev-sample contexts). Does closing the pair change
the model's two first-token judgements? For each tuning question and dev-sample question whose
context has such a sentence: NOT FOUND log-odds and Yes-minus-No log-odds as now and with each
unpaired mark paired at the sentence's other end.
Usage: quote_probe.py > rows.jsonl"""
import json
import math
import re
from dataclasses import replace

from tuning_data import dev_pipeline

from eval.common import sample
from eval.golden import load_set
from rag.answer.generate import build_messages, is_yes_no

MARKS = re.compile(r'["“”]')


def paired(sentence):
    marks = MARKS.findall(sentence)
    if len(marks) % 2 == 0:
        return sentence
    if sentence.lstrip().startswith(('"', "“")) or marks[-1] in '"“' and not sentence.rstrip().endswith(('"', "”")):
        return sentence + '"'  # opens a quotation that goes on past it
    return '"' + sentence  # closes one that began before it


def reading(pipe, q, ctx):
    lp = pipe.llm.first_token_logprobs(build_messages(q, ctx), ["Yes", "No", "NOT"])
    p = min(math.exp(lp["NOT"]), 1 - 1e-12)
    return math.log(max(p, 1e-12)) - math.log1p(-p), lp["Yes"] - lp["No"]


pipe, dev, base = dev_pipeline()
items = load_set("tuning-multihop", base.multihop_dir, base.seeds_dir).items + sample(dev.items, 120, 7)
for it in items:
    ctx = pipe.context_for(it.question, pipe.retrieve(it.question))
    fixed = replace(ctx, sources=[replace(s, sentences=[paired(x) for x in s.sentences]) for s in ctx.sources])
    if fixed.sources == ctx.sources:
        continue
    nf0, yn0 = reading(pipe, it.question, ctx)
    nf1, yn1 = reading(pipe, it.question, fixed)
    print(json.dumps({"id": it.id, "type": it.type, "answerable": it.answerable, "yes_no": is_yes_no(it.question),
                      "gold": it.answers[:1], "nf_now": nf0, "nf_paired": nf1, "yn_now": yn0, "yn_paired": yn1}), flush=True)
