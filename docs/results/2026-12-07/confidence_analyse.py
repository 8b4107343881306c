"""AUCs of confidence_probe.jsonl (tuning only): how well each reading ranks the tuning set's
near misses above its answerable questions, and where a threshold that refuses a given share
of near misses would also refuse answerable tuning and dev questions."""
import json
import sys

import numpy as np

from eval.metrics import separation

rows = [json.loads(line) for line in open(sys.argv[1])]


def mean_lp(r, n):
    lps = r["token_logprobs"][:n]
    return float(np.mean(lps)) if lps else 0.0


READINGS = {  # higher: more likely a near miss
    "not_found_logodds": lambda r: r["not_found_logodds"],
    "first_entropy": lambda r: r["first_entropy"],
    "-first_best": lambda r: -r["first_best"],
    "-mean lp, 4 tokens": lambda r: -mean_lp(r, 4),
    "-mean lp, 12 tokens": lambda r: -mean_lp(r, 12),
    "-min lp, 12 tokens": lambda r: -min(r["token_logprobs"]),
}
tun = [r for r in rows if r["set"] == "tuning"]
dev = [r for r in rows if r["set"] == "dev_open"]
gold = [not r["answerable"] for r in tun]
print(f"tuning n={len(tun)} near misses={sum(gold)}; dev answerable open questions n={len(dev)}")
z = {}
for name, f in READINGS.items():
    s = np.array([f(r) for r in tun])
    z[name] = (s - s.mean()) / s.std()
    t = np.sort(s[np.array(gold)])[len(s[np.array(gold)]) // 4]  # refuses 3 of 4 near misses
    fa_t = float(np.mean(s[~np.array(gold)] >= t))
    fa_d = float(np.mean(np.array([f(r) for r in dev]) >= t)) if dev else float("nan")
    print(f"  {name:20s} AUC {separation(list(s), gold):.3f}   at 3/4 near misses refused: answerable refused tuning {fa_t:.2f}, dev {fa_d:.2f}")
for a, b in (("not_found_logodds", "-mean lp, 4 tokens"), ("not_found_logodds", "-mean lp, 12 tokens"), ("not_found_logodds", "-first_best"), ("not_found_logodds", "-min lp, 12 tokens")):
    print(f"  z({a}) + z({b}): AUC {separation(list(z[a] + z[b]), gold):.3f}")
