"""Ask a set's questions as the product does; every draft is checked under the new rule (the
whole name anywhere in what the model read) and the old one (only in the cited articles).
Prints each question's outcome and whether the two rules' checks differ."""
import json, sys
from pathlib import Path
import eval.metrics as M
from eval.common import eval_settings, sample
from eval.golden import load_set
from rag import Pipeline
from rag.config import load_settings
import rag.answer.generate as G
from rag.answer.citations import CitationChecker, render  # at b35985f
DIFF = []
_orig = G.check_draft
def _both(draft, question, context, similarity, s):
    _orig(draft, question, context, similarity, s)
    new = draft.checked
    # old rule: only the cited sources are "read"
    orig_missing = CitationChecker._missing
    def missing_old(self, sentence, names_hay, sources):
        saved, self.read = self.read, []
        try:
            return orig_missing(self, sentence, names_hay, sources)
        finally:
            self.read = saved
    CitationChecker._missing = missing_old
    try:
        _orig(draft, question, context, similarity, s)
        old = draft.checked
    finally:
        CitationChecker._missing = orig_missing
    draft.checked = new
    if render(new) != render(old):
        DIFF.append({"old": render(old), "new": render(new)})
G.check_draft = _both
name, limit = sys.argv[1], (int(sys.argv[2]) or None)
gs = load_set(name, Path("/work/shared/data/multihop-rag"), Path("/work/main/seeds"))
pipe = Pipeline(eval_settings(load_settings(), gs, {}))
for item in sample(gs.items, limit, 7):
    DIFF.clear()
    hist = []
    for q in item.history:
        e = pipe.ask(q, history=hist or None); hist.append((q, e.text))
    a = pipe.ask(item.question, history=hist or None)
    ok = bool(M.answer_correct(a.text, item.answers, a.refused)) if item.answerable else a.refused
    print(json.dumps({"id": item.id, "answerable": item.answerable, "ok": ok, "refused": a.refused,
                      "text": a.text[:160], "diff": list(DIFF)}), flush=True)
