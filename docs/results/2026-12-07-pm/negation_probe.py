"""A cheap check against an answer that drops its source's negation ("will be provided" cited to "is not
the most urgent issue"): how often does a cited sentence carry a negation the answer lacks, and how
often is such an answer right? Tuning runs only (dev samples, tuning follow-ups); answered open
questions. Prints each flagged answer, then the counts by (flagged, right).
Usage: negation_probe.py RUN/questions.jsonl[.gz]..."""
import gzip
import json
import re
import sys

NEG = re.compile(r"\b(not|no|never|neither|nor|without|none|nobody|nothing)\b(?!\.\d)|n't\b", re.I)


def rows(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        yield from map(json.loads, f)


counts: dict[tuple[bool, bool], int] = {}
for path in sys.argv[1:]:
    for r in rows(path):
        if r.get("refused") or not r.get("answerable") or r.get("yes_no"):
            continue
        quotes = [c.get("quote", "") for c in r.get("citations", [])]
        flag = any(NEG.search(q) for q in quotes) and not NEG.search(r["answer"])
        counts[flag, r["correct"]] = counts.get((flag, r["correct"]), 0) + 1
        if flag:
            negated = [q[:200] for q in quotes if NEG.search(q)]
            print(path.split("/")[-2], r["id"], r["correct"], "|", r["question"], "|", r["answer"][:200], "|", negated)
print(counts)
