"""The 120-question sample's figures with the Yes/No budget: the subset run's answers for the
questions whose prompt it changes, the baseline run's answers for every other question (their
prompts are the same). Usage: merge.py BASELINE/questions.jsonl.gz SUBSET/questions.jsonl"""
import gzip
import json
import sys

from eval.report import summarise


def load(p):
    with (gzip.open if p.endswith(".gz") else open)(p, "rt") as f:
        return {r["id"]: r for r in map(json.loads, f)}


base, sub = load(sys.argv[1]), load(sys.argv[2])
assert set(sub) <= set(base)
keys = ("accuracy", "abstention", "false_abstention", "balanced_yes_no", "yes_no_accuracy", "citation_precision",
        "answered_yes", "no_right")
for name, rows in (("before", base), ("after", {**base, **sub})):
    s = summarise(list(rows.values()), {})["overall"]
    lat = s["latency"]
    print(name, {k: round(s[k], 3) if isinstance(s[k], float) else s[k] for k in keys},
          {"first_token_p50": round(lat["first_token"]["p50"], 2), "total_p50": round(lat["total"]["p50"], 2)})
