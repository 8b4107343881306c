"""AUC and best balanced accuracy of each Yes/No reading in yn_probe.jsonl (dev only)."""
import json
import sys

import numpy as np

rows = [json.loads(line) for line in open(sys.argv[1])]


def auc(score, gold):
    pos, neg = score[gold], score[~gold]
    return float(np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg]))


def best_bal(score, gold):
    def bal(t):
        pred = score > t
        return np.mean([np.mean(pred[gold]), np.mean(~pred[~gold])])
    t = max(np.unique(score), key=bal)
    return float(bal(t)), float(t)


def readings(r):
    out = {"whole200": r["whole200"], "whole300": r["whole300"]}
    for b in (200, 300):
        p = r[f"parts{b}"] or [r[f"whole{b}"]]
        out[f"min_parts{b}"] = min(p)
        out[f"mean_parts{b}"] = float(np.mean(p))
        out[f"whole+min{b}"] = r[f"whole{b}"] + min(p)
    return out


for kind in ("all", "comparison_query", "temporal_query"):
    sel = [r for r in rows if kind == "all" or r["type"] == kind]
    gold = np.array([r["gold"] == "yes" for r in sel])
    print(f"{kind}: n={len(sel)} yes={gold.sum()}")
    for name in readings(sel[0]):
        s = np.array([readings(r)[name] for r in sel])
        b, t = best_bal(s, gold)
        fixed = np.mean([np.mean((s > 0.621)[gold]), np.mean(~(s > 0.621)[~gold])])
        print(f"  {name:14s} AUC {auc(s, gold):.3f}  best balanced {b:.3f} at {t:.2f}  at 0.621 {fixed:.3f}")
