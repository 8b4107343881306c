"""Tuning only: after the model has answered, can its own Yes/No reading tell an answer to the
question from a neighbouring fact? For each answered item of an eval run (questions.jsonl),
over the prompt the pipeline builds (first look, same sources and system prompt), the model's
answer is appended as its turn and a second user turn asks one check question; log P(Yes) -
log P(No) of the reply's first token is read. Prints one JSON line per item, then AUC of
(right answers) against (wrong answers or near misses answered)."""
import json
import sys
import time

import numpy as np
from llama_cpp import LogitsProcessorList

from eval.common import eval_settings
from eval.golden import load_set
from rag import Pipeline, load_settings
from rag.answer.generate import build_messages, fit_context, is_yes_no

CHECKS = {
    "exact": "Does your answer give exactly what the question asked, as the sources state it? Answer Yes or No.",
    "stated": "Do the sources state the answer to the question itself, not only a related fact? Answer Yes or No.",
}


def logodds(llm, prompt):
    captured = {}

    def grab(_ids, scores):
        captured.setdefault("s", np.array(scores, dtype=np.float64, copy=True))
        return scores

    with llm._lock:
        llm._llm.create_completion(prompt, max_tokens=1, temperature=0, logits_processor=LogitsProcessorList([grab]))
    s = captured["s"]
    tok = lambda w: int(llm._llm.tokenize(w.encode(), add_bos=False)[0])  # noqa: E731
    return float(s[tok("Yes")] - s[tok("No")])


def auc(pos, neg):
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / max(1, len(pos) * len(neg))


set_name, run_dir = sys.argv[1], sys.argv[2]
base = load_settings()
gs = load_set(set_name, base.multihop_dir, base.seeds_dir)
pipe = Pipeline(eval_settings(base, gs, {}))
llm = pipe.llm
rows = []
for line in open(f"{run_dir}/questions.jsonl"):
    r = json.loads(line)
    if r["refused"] or not r.get("raw_answer"):
        continue
    q = r["question"]
    yn = is_yes_no(q)
    retrieval = pipe.retrieve(q)
    context, system = fit_context(q, pipe.context_for(q, retrieval), llm, 200, True, yn)
    messages = build_messages(q, context, system, yes_no=yn)
    rec = {"id": r["id"], "type": r["type"], "answerable": r["answerable"], "correct": bool(r["correct"]), "yes_no": yn}
    for name, check in CHECKS.items():
        t = time.perf_counter()
        msgs = messages + [{"role": "assistant", "content": r["raw_answer"]}, {"role": "user", "content": check}]
        rec[name] = logodds(llm, llm._format(msgs))
        rec[name + "_s"] = round(time.perf_counter() - t, 2)
    rows.append(rec)
    print(json.dumps(rec), flush=True)
for name in CHECKS:
    good = [x[name] for x in rows if x["answerable"] and x["correct"]]
    bad = [x[name] for x in rows if not (x["answerable"] and x["correct"])]
    print(json.dumps({"check": name, "n_good": len(good), "n_bad": len(bad), "auc": auc(good, bad),
                      "good_p50": float(np.median(good)) if good else None, "bad_p50": float(np.median(bad)) if bad else None}))
