"""AUC and balanced accuracy of each Yes/No hint wording in hint_probe.jsonl (dev only)."""
import json
import sys

import numpy as np

from eval.metrics import separation

rows = [json.loads(line) for line in open(sys.argv[1])]
names = [k for k in rows[0] if k not in {"id", "type", "gold", "context_tokens", "seconds"}]


def bal(score, gold, t):
    pred = score > t
    return float(np.mean([np.mean(pred[gold]), np.mean(~pred[~gold])]))


for kind in ("all", "comparison_query", "temporal_query"):
    sel = [r for r in rows if kind == "all" or r["type"] == kind]
    gold = np.array([r["gold"] == "yes" for r in sel])
    print(f"{kind}: n={len(sel)} gold yes={int(gold.sum())}")
    for name in names:
        s = np.array([r[name] for r in sel])
        best = max(np.unique(s), key=lambda t: bal(s, gold, t))
        print(f"  {name:13s} AUC {separation(list(s), list(gold)):.3f}  balanced at 0.621 {bal(s, gold, 0.621):.3f}  best {bal(s, gold, best):.3f} at {best:.2f}  median {np.median(s):.2f}")
