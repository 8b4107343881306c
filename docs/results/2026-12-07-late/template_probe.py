"""Tuning probe (no LLM): live blogs repeat one line with new numbers ("Notre Dame 41, USC 20",
"Notre Dame 31, USC 20", ...), and each copy wins the same words of the question, so ten of them
can fill the 200 tokens the model reads. If a sentence that differs from one already taken only
in its numbers were skipped (as an exact repeat is today), would the gold answer be in what the
model reads more often, or less? Dev questions outside the report sample and the tuning set's
answerable questions, open ones only (a Yes/No gold is not in any text)."""
import json
import re
import sys

from eval import metrics as M
from eval.golden import load_set
from rag import load_settings
from rag.answer import context as C

sys.path.insert(0, "docs/results/2026-12-07")
from tuning_data import dev_pipeline, outside_sample  # noqa: E402

BASE_INIT = C.Selector.__init__


def template_init(self, c, order, antecedents=False):
    BASE_INIT(self, c, order, antecedents)
    self.said = [(doc, re.sub(r"\d+(?:[.,:]\d+)*", "#", text)) for doc, text in self.said]


def probe(pipe, items, label):
    stats = {"same": 0, "gained": 0, "lost": 0, "templates": 0}
    for item in items:
        if not item.answerable or not item.answers or item.is_yes_no:
            continue
        retrieval = pipe.retrieve(item.question)
        C.Selector.__init__ = BASE_INIT
        before = pipe.context_for(item.question, retrieval).as_prompt_text()
        C.Selector.__init__ = template_init
        after = pipe.context_for(item.question, retrieval).as_prompt_text()
        C.Selector.__init__ = BASE_INIT
        a, b = bool(M.contains(before, item.answers)), bool(M.contains(after, item.answers))
        stats["templates"] += before != after
        stats["same" if a == b else ("gained" if b else "lost")] += 1
        if before != after:
            print(json.dumps({"set": label, "id": item.id, "before": a, "after": b, "question": item.question[:90]}), flush=True)
    print(json.dumps({"set": label, **stats}), flush=True)


pipe, dev, base = dev_pipeline()
probe(pipe, outside_sample(dev), "dev outside the sample")
tuning = load_set("eval/golden/tuning-multihop.jsonl", base.multihop_dir, base.seeds_dir)
probe(pipe, tuning.items, "tuning-multihop")
