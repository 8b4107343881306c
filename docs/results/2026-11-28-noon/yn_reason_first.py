"""Dev only: does the 1.5B's Yes/No verdict rank better when it is read after the model has
checked each claim in its own words, instead of from the answer's first token?

For each answerable Yes/No question of the 120-question dev sample (seed 7), over the prompt
the pipeline builds today (same sources, same system prompt):
- first: log P(Yes) - log P(No) of the answer's first token (what the product reads today);
- reason: the model writes after a forced opening "Checking each claim against the sources:"
  (greedy, at most 100 tokens, stopped at a line naming the verdict), then
  "\nSo the answer is" is appended and log P(" Yes") - log P(" No") read.
One JSON line per question; the last lines give AUC and balanced accuracy at 0 for each."""
import json
import sys
import time

import numpy as np
from llama_cpp import LogitsProcessorList

from eval.common import eval_settings, sample
from eval.golden import load_multihop
from rag import Pipeline, load_settings
from rag.answer.generate import build_messages, fit_context

OPEN = "Checking each claim against the sources:\n"
THEN = "\nSo the answer is"


def logodds_after(llm, prompt: str, yes: str, no: str) -> float:
    captured = {}

    def grab(_ids, scores):
        captured.setdefault("s", np.array(scores, dtype=np.float64, copy=True))
        return scores

    with llm._lock:
        llm._llm.create_completion(prompt, max_tokens=1, temperature=0, logits_processor=LogitsProcessorList([grab]))
    s = captured["s"]
    tok = lambda w: int(llm._llm.tokenize(w.encode(), add_bos=False)[0])  # noqa: E731
    return float(s[tok(yes)] - s[tok(no)])


def auc(pos, neg):
    return sum((p > n) + 0.5 * (p == n) for p in pos for n in neg) / (len(pos) * len(neg))


base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
items = [it for it in sample(gs.items, 120, 7) if it.answerable and it.is_yes_no]

pipe = Pipeline(eval_settings(base, gs, {}))
llm = pipe.llm
out = open(sys.argv[1], "w")
rows = []
for it in items:
    retrieval = pipe.retrieve(it.question)
    context, system = fit_context(it.question, pipe.context_for(it.question, retrieval), llm, 200, True, True)
    messages = build_messages(it.question, context, system, yes_no=True)
    prompt = llm._format(messages)
    first = logodds_after(llm, prompt, "Yes", "No")
    t = time.perf_counter()
    text = "".join(ev.text for ev in llm.stream_after(messages, OPEN, max_tokens=100, temperature=0) if ev.text)
    text = text.split("So the answer")[0].split("Answer:")[0].rstrip()
    reason = logodds_after(llm, prompt + OPEN + text + THEN, " Yes", " No")
    rec = {"id": it.id, "gold": it.answers[0], "first": first, "reason": reason, "seconds": time.perf_counter() - t,
           "text": text[:400]}
    rows.append(rec)
    out.write(json.dumps(rec) + "\n")
    out.flush()
for key in ("first", "reason"):
    pos = [r[key] for r in rows if r["gold"].lower() == "yes"]
    neg = [r[key] for r in rows if r["gold"].lower() == "no"]
    bal = (np.mean([v > 0 for v in pos]) + np.mean([v <= 0 for v in neg])) / 2
    line = {"key": key, "n_yes": len(pos), "n_no": len(neg), "auc": auc(pos, neg), "balanced_at_0": bal}
    print(json.dumps(line))
    out.write(json.dumps(line) + "\n")
