"""Dev only: a shorter Yes/No answer after the verdict. The verdict is read from the first
token before anything is written, so the words forced after it cannot change it; they only
change what the model writes next (length, citations, what survives the check).
Arms: today's "Yes," and "Yes, because". One JSON line per question and arm, then a summary."""
import inspect
import json
import statistics
import sys
import textwrap

import rag.answer.generate as G
from eval.common import eval_settings, sample
from eval.golden import load_multihop
from rag import Pipeline, load_settings

src = textwrap.dedent(inspect.getsource(G.stream_draft)).replace('draft.verdict + ","', 'draft.verdict + OPENING')
assert "OPENING" in src
ns = G.__dict__
exec(compile(src, "stream_draft_patched", "exec"), ns)

base = load_settings()
gs = load_multihop(base.multihop_dir, "dev")
items = [it for it in sample(gs.items, 120, 7) if it.answerable and it.is_yes_no]
pipe = Pipeline(eval_settings(base, gs, {}))
arms = {"comma": ",", "because": ", because"}
out = open(sys.argv[1], "w")
rows = []
for it in items:
    for arm, opening in arms.items():
        ns["OPENING"] = opening
        a = pipe.ask(it.question)
        rec = {"id": it.id, "arm": arm, "gold": it.answers[0], "refused": a.refused, "tokens": a.completion_tokens,
               "after_first": round(a.timings.get("generate", 0) - a.timings.get("first_token", 0), 2),
               "total": round(a.timings.get("total", 0), 2), "cited": bool(a.citations),
               "kept": sum(s.supported for s in a.sentences), "removed": len(a.removed), "text": a.text[:300]}
        rows.append(rec)
        out.write(json.dumps(rec) + "\n")
        out.flush()
for arm in arms:
    rs = [r for r in rows if r["arm"] == arm and not r["refused"]]
    line = {"arm": arm, "answered": len(rs), "tokens_p50": statistics.median(r["tokens"] or 0 for r in rs),
            "after_first_p50": statistics.median(r["after_first"] for r in rs), "total_p50": statistics.median(r["total"] for r in rs),
            "cited": sum(r["cited"] for r in rs), "with_removed": sum(r["removed"] > 0 for r in rs)}
    print(json.dumps(line))
    out.write(json.dumps(line) + "\n")
