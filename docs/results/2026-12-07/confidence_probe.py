"""Tuning only: does the model's confidence in the answer it would give tell near misses from
answerable questions better than its NOT FOUND log-odds alone? Over the product's retrieval,
context and prompt, for each tuning question (and dev questions outside the 120 sample, for
false refusals): the NOT FOUND log-odds, the first token's entropy and best answer-token
log-probability (NOT set aside), and the greedy answer's first 12 tokens (NOT banned, as the
product does) with each token's log-probability.
Usage: confidence_probe.py N_DEV > rows.jsonl"""
import json
import sys
import time

import numpy as np
from llama_cpp import LogitsProcessorList
from tuning_data import dev_pipeline, outside_sample

from eval.common import sample
from eval.golden import load_set
from rag.answer.generate import build_messages, is_yes_no

STEPS = 12


def log_softmax(scores):
    s = np.array(scores, dtype=np.float64)
    top = s.max()
    return s - (top + np.log(np.exp(s - top).sum()))


def probe(pipe, it):
    llm = pipe.llm
    r = pipe.retrieve(it.question)
    ctx = pipe.context_for(it.question, r)
    msgs = build_messages(it.question, ctx, yes_no=is_yes_no(it.question))
    not_id = llm._first_token("NOT")
    steps = []

    def grab(_ids, scores):
        lp = log_softmax(scores)
        steps.append(lp)
        out = np.array(scores, copy=True)
        out[not_id] = -np.inf  # the product bans NOT once the model is to answer
        return out

    t0 = time.time()
    with llm._lock:
        res = llm._llm.create_completion(llm._format(msgs), max_tokens=STEPS, temperature=0, top_k=1,
                                         repeat_penalty=1.05, logits_processor=LogitsProcessorList([grab]))
    text = res["choices"][0]["text"]
    ids = llm._llm.tokenize(text.encode("utf-8"), add_bos=False)
    first = steps[0]
    p_not = float(np.exp(first[not_id]))
    rest = np.delete(first, not_id)
    rest = rest - np.log(np.exp(rest).sum())  # the answer's first token, NOT set aside
    chosen = [float(steps[i][t]) for i, t in enumerate(ids[: len(steps)])]
    return {"id": it.id, "type": it.type, "answerable": it.answerable, "gold": it.answers[:1],
            "not_found_logodds": float(np.log(max(p_not, 1e-12)) - np.log1p(-min(p_not, 1 - 1e-12))),
            "first_entropy": float(-(np.exp(rest) * rest).sum()), "first_best": float(rest.max()),
            "token_logprobs": chosen, "text": text, "seconds": round(time.time() - t0, 2)}


n_dev = int(sys.argv[1])
pipe, dev, base = dev_pipeline()
for it in load_set("tuning-multihop", base.multihop_dir, base.seeds_dir).items:
    print(json.dumps({"set": "tuning", **probe(pipe, it)}), flush=True)
items = [i for i in outside_sample(dev) if i.answerable and not i.is_yes_no]
for it in sample(items, n_dev, 13):
    print(json.dumps({"set": "dev_open", **probe(pipe, it)}), flush=True)
