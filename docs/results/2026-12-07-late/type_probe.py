"""Tuning probe (no LLM): answered questions that ask for a number or a date, whose answer
holds none. Counted right and wrong over stored tuning runs. Usage: type_probe.py RUN..."""
import gzip
import json
import sys

sys.path.insert(0, ".")
from rag.text.answer_type import asked_type, holds  # noqa: E402

for f in sys.argv[1:]:
    stat = {}
    for line in gzip.open(f, "rt"):
        r = json.loads(line)
        kind = asked_type(r["question"])
        if r["refused"] or not kind or r.get("yes_no"):
            continue
        ok = holds(kind, r["answer"] or "")
        key = (kind, "holds" if ok else "NONE", "right" if r["correct"] else ("wrong" if r["answerable"] else "near-miss answered"))
        stat[key] = stat.get(key, 0) + 1
        if not ok:
            print("   ", r["id"], r["correct"], r["answerable"], r["question"][:80], "->", (r["answer"] or "")[:80])
    print(f, {" ".join(k): v for k, v in sorted(stat.items())})
