"""Rerun only the questions a run refused by the model's judgement (the only answers the second
look can change), with the code in force; the other records are the earlier run's, word for word.
Usage: rerun_judged.py SET LIMIT OLD_RUN_DIR OUT_DIR"""
import json, sys
from pathlib import Path
from eval.common import eval_settings, sample
from eval.golden import load_set
from eval.run import run_newsdesk_item
from eval.report import summarise, write_report
from rag import Pipeline
from rag.config import load_settings

name, limit, old, out = sys.argv[1], (int(sys.argv[2]) or None), Path(sys.argv[3]), Path(sys.argv[4])
gs = load_set(name, Path("/work/shared/data/multihop-rag"), Path("/work/main/seeds"))
items = {i.id: i for i in sample(gs.items, limit, 7)}
records = [json.loads(l) for l in open(old / "questions.jsonl")]
assert [r["id"] for r in records] == list(items), "the earlier run is not this sample"
pipe = Pipeline(eval_settings(load_settings(), gs, {}))
pipe.llm
changed = []
for k, r in enumerate(records):
    if not (r.get("refusal_reason") or "").startswith("the model, reading"):
        continue
    item = items[r["id"]]
    rec = run_newsdesk_item(pipe, item, False)
    records[k] = {"id": item.id, "type": item.type, "question": item.question, "golds": item.answers,
                  "answerable": item.answerable, "yes_no": item.is_yes_no, **rec}
    changed.append({"id": item.id, "answerable": item.answerable, "before": r.get("answer"), "after": rec.get("answer"),
                    "correct_before": r.get("correct"), "correct_after": rec.get("correct"),
                    "total_s": round(rec["timings"].get("total", 0), 2)})
    print(json.dumps(changed[-1]), flush=True)
meta = json.load(open(old / "summary.json"))["meta"]
meta["rerun"] = f"the {len(changed)} answers refused by the model's judgement in {old.name} rerun at the new code; the rest are that run's"
write_report(out, records, summarise(records, meta), None)
(out / "rerun.jsonl").write_text("".join(json.dumps(c) + "\n" for c in changed))
