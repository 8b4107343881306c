"""Tuning probe for a next pass (no LLM): in the dev sample's answers to who/which (the rows
merge_dev.py reads, before the 'answer again' rule; mh-2095 is a bare question name, so not
counted), does a name the answer adds stand in the sentence quoted for its citation? Counted
separately for right and wrong answers."""
import gzip
import json
import re
import sys

sys.path.insert(0, ".")
from rag.answer.opening import asks_identity  # noqa: E402
from rag.text.answer_type import asks_person  # noqa: E402
from rag.text.names import claim_names  # noqa: E402

P = "docs/results/2026-12-07-eve"
off = [json.loads(line) for line in gzip.open("docs/results/2026-12-07/dev/questions.jsonl.gz", "rt")]
on = {r["id"]: r for r in (json.loads(line) for line in gzip.open(f"{P}/ante/dev/questions.jsonl.gz", "rt"))}
rows = [on[r["id"]] if asks_person(r["question"]) else r for r in off]
stat = {True: [0, 0], False: [0, 0]}
for r in rows:
    if r["refused"] or not r["answerable"] or not asks_identity(r["question"]):
        continue
    first = re.split(r"(?<=[.!?])\s", re.sub(r"\s*\[\d+\]", "", r["answer"] or ""))[0]
    names = [n for n in claim_names(first) if n.lower() not in r["question"].lower()]
    if not names:
        continue
    quotes = " ".join(c["quote"] for c in r["citations"]).lower()
    in_quote = any(n.split()[-1].lower() in quotes for n in names)
    stat[bool(r["correct"])][0 if in_quote else 1] += 1
    print(json.dumps({"id": r["id"], "correct": r["correct"], "names": names, "in_quote": in_quote}))
print(json.dumps({"right: in quote / not": stat[True], "wrong: in quote / not": stat[False]}))
