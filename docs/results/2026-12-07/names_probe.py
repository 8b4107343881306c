"""Tuning only, no model: the names the name check calls unknown, and so refuses on, for every
MultiHop dev question and every hand-written tuning question (the tuning set and the three
follow-up tuning sets, whose questions are read as asked), with the check before and after
SubjectIndex.reordered_mentioned (a two-word name is also known when both its words stand in one
run of at most four capitalised words of an article, in any order: "OLED Deck" in an article on the
"Steam Deck OLED").
Usage: names_probe.py [SET ...] > rows.jsonl (default: the tuning sets; the report sets are read
only after the rule was chosen, to say what it changes there)"""
import json
import sys

from tuning_data import dev_pipeline

from eval.golden import load_set
from rag.retrieve.subjects import SubjectIndex

pipe, dev, base = dev_pipeline()
subjects = pipe.retriever.view().subjects
names = sys.argv[1:] or ["multihop-dev", "tuning-multihop", "followups-multihop", "followups-shortturn-multihop"]
sets = [load_set(n, base.multihop_dir, base.seeds_dir) for n in names]
for gs in sets:
    for it in gs.items:
        for q in [*it.history, it.question]:
            subjects._cache.clear()
            after = subjects.unknown(q).names
            SubjectIndex.reordered_mentioned, rule = (lambda self, name: False), SubjectIndex.reordered_mentioned
            subjects._cache.clear()
            before = subjects.unknown(q).names  # the check before the rule
            SubjectIndex.reordered_mentioned = rule
            if before or after:
                print(json.dumps({"set": gs.name, "id": it.id, "answerable": it.answerable, "question": q,
                                  "unknown_now": before, "unknown_reordered": after}), flush=True)
