"""Second-look lever on a tuning set: each question asked as the product does (off); a
question the judgement refuses is asked again with the second look on. Other questions
cannot change (the second look runs only after a judged refusal)."""
import json, sys
from pathlib import Path
import eval.metrics as M
from eval.common import eval_settings, sample
from eval.golden import load_set
from rag import Pipeline
from rag.config import load_settings
import rag.answer.generate as G
LOG = []
_orig = G.read_first_token
def _rec(draft, *a, **k):
    _orig(draft, *a, **k)
    LOG.append(None if draft.not_found_logodds is None else round(draft.not_found_logodds, 3))
G.read_first_token = _rec
ONLY = set(sys.argv[4].split(",")) if len(sys.argv) > 4 else None

name, limit, tokens = sys.argv[1], (int(sys.argv[2]) or None), int(sys.argv[3])
gs = load_set(name, Path("/work/shared/data/multihop-rag"), Path("/work/main/seeds"))
pipe = Pipeline(eval_settings(load_settings(), gs, {}))
items = sample(gs.items, limit, 7)
for item in items:
    if ONLY and item.id not in ONLY:
        continue
    out = {"id": item.id, "answerable": item.answerable, "yn": item.is_yes_no, "golds": item.answers, "q": item.question}
    for label, t in (("off", 0), ("on", tokens)):
        pipe.settings.context.second_look_tokens = t
        LOG.clear()
        a = pipe.ask(item.question)
        ok = bool(M.answer_correct(a.text, item.answers, a.refused)) if item.answerable else a.refused
        out[label] = {"ok": ok, "refused": a.refused, "why": a.refusal_reason[:60], "text": a.text[:200],
                      "t": round(a.timings.get("total", 0), 2), "ft": round(a.timings.get("first_token", 0), 2),
                      "n_src": len(a.sources), "lo": list(LOG)}
        if not a.refusal_reason.startswith("the model, reading"):
            break
    print(json.dumps(out), flush=True)
