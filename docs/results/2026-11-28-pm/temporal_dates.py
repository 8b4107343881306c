"""Could publication dates alone decide MultiHop's before/after Yes/No questions? Dev split only.

Takes the dev questions whose gold is Yes or No and whose wording holds "before" or "after"
between the two outlets it names, each outlet with one gold evidence article. Predicts Yes when
the two articles' publication dates stand in the order the question asks, and counts how often
that matches the gold. Reads no model and no retrieval: it is the rule's ceiling, with the right
articles given."""
import json
import re
import sys

rows = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/multihop-rag/queries-dev.json"))
right = wrong = 0
for x in rows:
    q, gold = x["query"], x["answer"].lower()
    order = re.search(r"\b(before|after)\b", q)
    if gold not in ("yes", "no") or not order or len(x["evidence_list"]) != 2:
        continue
    ev = x["evidence_list"]
    if ev[0]["source"] == ev[1]["source"]:
        continue
    at = [q.find(re.split(r" \||:", e["source"])[0]) for e in ev]
    if -1 in at or not min(at) < order.start() < max(at):
        continue
    first, second = (e for _, e in sorted(zip(at, ev), key=lambda pair: pair[0]))
    says = (first["published_at"] < second["published_at"]) == (order.group(1) == "before")
    ok = ("yes" if says else "no") == gold
    right, wrong = right + ok, wrong + (not ok)
    print(f"{x['id']:>8} gold {gold:3} dates say {'yes' if says else 'no':3} {first['published_at'][:10]} {second['published_at'][:10]} | {q[:110]}")
print(f"dates give the gold answer on {right} of {right + wrong}")
