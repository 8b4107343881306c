"""Tuning probe (no LLM): answers whose every cited sentence is itself a question ("When was the
last time India hosted the ODI Cricket World Cup?" cited for who hosts the next one). Would
refusing them cost right answers? Usage: question_quote_probe.py RUN/questions.jsonl.gz..."""
import gzip
import json
import sys

for f in sys.argv[1:]:
    n = 0
    for line in gzip.open(f, "rt"):
        r = json.loads(line)
        if r["refused"]:
            continue
        n += 1
        quotes = [c["quote"] for c in r["citations"]]
        if quotes and all(q.rstrip(' "”’').endswith("?") for q in quotes):
            print("   ", r["id"], "right" if r["correct"] else "wrong", "answerable" if r["answerable"] else "near miss",
                  "|", (r["answer"] or "")[:60], "|", quotes[0][:80])
    print(f, "answered", n)
