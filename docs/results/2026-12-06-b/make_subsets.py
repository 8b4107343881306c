"""The questions of the 120-question samples (seed 7) whose prompt the Yes/No budget changes:
asked Yes or No (as the product tells it) with two clues or more. Every other question's prompt
is the same as before. Usage: make_subsets.py SPLIT OUT.jsonl"""
import dataclasses
import json
import sys

from eval.common import sample
from eval.golden import load_multihop
from rag import load_settings
from rag.answer.context import question_parts
from rag.answer.generate import is_yes_no

split, out = sys.argv[1], sys.argv[2]
items = sample(load_multihop(load_settings().multihop_dir, split).items, 120, 7)
keep = [it for it in items if is_yes_no(it.question) and len(question_parts(it.question)) >= 2]
with open(out, "w") as f:
    for it in keep:
        d = dataclasses.asdict(it)
        f.write(json.dumps({k: d[k] for k in ("id", "question", "answers", "type", "evidence") if k in d}) + "\n")
print(f"{split}: {len(keep)} of {len(items)}")
