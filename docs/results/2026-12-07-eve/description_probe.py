"""No LLM: for person questions, does reading the sentence before one that opens with a definite
description ("The Notre Dame safety was...") put the gold in context?"""
import json, re, sys
sys.path.insert(0, "docs/results/2026-12-07")
from eval import metrics as M
from eval.common import eval_settings, ingest_shared
from eval.golden import load_set
from rag import Pipeline, load_settings
import rag.answer.context as C
from rag.text.answer_type import asks_person
from tuning_data import dev_pipeline, outside_sample

PRON = C._PERSON_PRONOUN
BROAD = re.compile(r"\b(?:he|she|him|his|her)\b|^\s*The\s+(?:[A-Z][\w'’.-]*\s+){0,3}[a-z][\w'-]*\b(?!\s+(?:of|in|on|at|for|to)\b)", re.IGNORECASE*0)

class Either:
    def search(self, t):
        return PRON.search(t) or BROAD.search(t)

def run(pipe, items, label):
    for q, golds, iid in items:
        if not asks_person(q):
            continue
        r = pipe.retrieve(q)
        C._PERSON_PRONOUN = PRON
        a = pipe.context_for(q, r)
        C._PERSON_PRONOUN = Either()
        b = pipe.context_for(q, r)
        C._PERSON_PRONOUN = PRON
        print(json.dumps({"set": label, "id": iid, "now": bool(M.contains(a.as_prompt_text(), golds)),
                          "broad": bool(M.contains(b.as_prompt_text(), golds)), "tokens": [a.tokens, b.tokens],
                          "same_prompt": a.as_prompt_text() == b.as_prompt_text(), "q": q[:90]}), flush=True)

pipe, dev, base = dev_pipeline()
run(pipe, [(it.question, it.answers, it.id) for it in outside_sample(dev) if it.answerable and it.answers and not it.is_yes_no], "dev-outside")
for name in ("tuning-multihop", "followups-multihop", "followups-shortturn-multihop"):
    gs = load_set(name, base.multihop_dir, base.seeds_dir)
    p = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(p, gs, say=lambda m: None)
    items = []
    for it in gs.items:
        if getattr(it, "history", None) and getattr(it, "first_answers", None):
            items.append((it.history[0], it.first_answers, it.id + "/1"))
        if it.answerable and it.answers and not it.is_yes_no and not getattr(it, "history", None):
            items.append((it.question, it.answers, it.id))
    run(p, items, name)
