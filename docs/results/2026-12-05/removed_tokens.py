"""From the answers committed here (no model run): how much of what the model decodes is in
sentences the citation check then removes, and how much a stop after the first supported
sentence would save. Token counts use the 1.5B's own tokenizer; a sentence is "supported"
when it carries a marker and is not among the answer's removed sentences.
Run: .venv/bin/python docs/results/2026-12-05/removed_tokens.py"""
import gzip
import json
import re
import statistics
from pathlib import Path

from llama_cpp import Llama

from rag.answer.citations import split_cited_sentences, strip_markers

HERE = Path(__file__).parent
tok = Llama(str(Path.home() / ".cache/newsdesk/models/qwen2.5-coder-1.5b.gguf"), vocab_only=True, verbose=False)


def n(text: str) -> int:
    return len(tok.tokenize(text.encode(), add_bos=False)) if text.strip() else 0


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


for run in ("e-mh-dev", "e-mh-val"):
    rows = [json.loads(line) for line in gzip.open(HERE / run / "questions.jsonl.gz", "rt")]
    answered = [r for r in rows if not r["refused"] and r.get("raw_answer")]
    for yes_no in (True, False):
        sub = [r for r in answered if r["yes_no"] == yes_no]
        decoded = sum(r["completion_tokens"] or n(r["raw_answer"]) for r in sub)
        removed = sum(n(s) for r in sub for s in r.get("removed") or [])
        after, lost, right = [], 0, 0
        for r in sub:
            gone = {norm(s) for s in r.get("removed") or []}
            first = next((t for t, cites in split_cited_sentences(r["raw_answer"])
                          if cites and norm(strip_markers(t)) not in gone), None)
            if first is None:
                after.append(0)
                continue
            tail = first.strip()[-15:]
            after.append(n(r["raw_answer"][r["raw_answer"].find(tail) + len(tail):]))
            if not yes_no and r["correct"]:
                right += 1
                lost += not any(g.lower() in first.lower() for g in r["golds"])
        print(json.dumps({"run": run, "yes_no": yes_no, "answered": len(sub),
                          "removed_share_of_decoded": round(removed / decoded, 3),
                          "after_first_supported_share": round(sum(after) / decoded, 3),
                          "after_first_supported_p50": statistics.median(after),
                          "right_answers_losing_gold": f"{lost} of {right}" if not yes_no else None}))
