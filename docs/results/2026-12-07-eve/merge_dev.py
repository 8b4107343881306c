"""The dev sample's figures with the lever kept, from the two runs restricted_check.py vouches
for: each question that asks for someone from ante/dev, every other from the run without the
lever (answers and timings as those runs recorded them)."""
import gzip
import json

from eval.report import summarise
from rag.text.answer_type import asks_person

P = "docs/results/2026-12-07-eve"
off = [json.loads(line) for line in gzip.open("docs/results/2026-12-07/dev/questions.jsonl.gz", "rt")]
on = {r["id"]: r for r in (json.loads(line) for line in gzip.open(f"{P}/ante/dev/questions.jsonl.gz", "rt"))}
kept = [on[r["id"]] if asks_person(r["question"]) else r for r in off]
meta = json.load(open(f"{P}/ante/dev/summary.json"))["meta"]
o = summarise(kept, meta)["overall"]
print(json.dumps({k: o.get(k) for k in ("accuracy", "abstention", "false_abstention", "balanced_yes_no",
                                        "yes_no_auc", "citation_precision")}))
