"""AUCs of prompt_probe.jsonl (tuning only): NOT FOUND log-odds (near misses above answerable
tuning questions) and Yes-minus-No log-odds (gold Yes above gold No, dev), for each prompt, and
for the contextually calibrated reading (the prompt's log-odds minus the empty-sources prompt's)."""
import json
import math
import sys

import numpy as np

from eval.metrics import separation

rows = [json.loads(line) for line in open(sys.argv[1])]


def logodds(lp):
    p = min(math.exp(lp), 1 - 1e-12)
    return math.log(max(p, 1e-12)) - math.log1p(-p)


def bal(score, gold, t):
    pred = score > t
    return float(np.mean([np.mean(pred[gold]), np.mean(~pred[~gold])]))


READINGS = {
    "now": lambda r, k: r[f"now_{k}"],
    "q_first": lambda r, k: r[f"q_first_{k}"],
    "now - null": lambda r, k: r[f"now_{k}"] - r[f"null_{k}"],
    "q_first - null": lambda r, k: r[f"q_first_{k}"] - r[f"null_{k}"],
    "null alone": lambda r, k: r[f"null_{k}"],
}
for r in rows:
    for p in ("now", "null", "q_first"):
        r[f"{p}_nf"] = logodds(r[f"{p}_nf"])

tun = [r for r in rows if r["set"] == "tuning"]
gold = np.array([not r["answerable"] for r in tun])
print(f"NOT FOUND judgement, tuning set: n={len(tun)} near misses={int(gold.sum())}")
for name, f in READINGS.items():
    s = np.array([f(r, "nf") for r in tun])
    best = max(np.unique(s), key=lambda t: bal(s, gold, t))
    print(f"  {name:15s} AUC {separation(list(s), list(gold)):.3f}  best balanced {bal(s, gold, best):.3f} at {best:.2f}")
yn = [r for r in rows if r["set"] == "dev_yes_no"]
for kind in ("all", "comparison_query", "temporal_query"):
    sel = [r for r in yn if kind == "all" or r["type"] == kind]
    if not sel:
        continue
    gold = np.array([r["gold"] == "yes" for r in sel])
    print(f"Yes/No, dev {kind}: n={len(sel)} gold yes={int(gold.sum())}")
    for name, f in READINGS.items():
        s = np.array([f(r, "yn") for r in sel])
        best = max(np.unique(s), key=lambda t: bal(s, gold, t))
        print(f"  {name:15s} AUC {separation(list(s), list(gold)):.3f}  balanced at 0.621 {bal(s, gold, 0.621):.3f}  best {bal(s, gold, best):.3f} at {best:.2f}")
