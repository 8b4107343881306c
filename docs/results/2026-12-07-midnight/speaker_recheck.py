"""No-LLM check of the speaker rule (rag/text/speech.py): each stored raw answer of a run is put
through the citation check over its rebuilt context (stored.py) twice, with the rule and with it
switched off, and every sentence whose verdict differs is printed.
Usage: python speaker_recheck.py SET RUN/questions.jsonl.gz"""
import gzip
import json
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer import citations as C  # noqa: E402

RULE = C.misattributed


def main(set_name: str, path: str) -> None:
    pipe = pipeline_for(set_name)
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    flagged = 0
    for r in rows:
        if not r.get("raw_answer"):
            continue
        ctx = rebuilt_context(pipe, r)
        C.misattributed = lambda *a, **k: None
        off = recheck(pipe, r["question"], r["raw_answer"], ctx)
        C.misattributed = RULE
        on = recheck(pipe, r["question"], r["raw_answer"], ctx)
        for a, b in zip(off, on, strict=True):
            if a.supported != b.supported:
                flagged += 1
                print(json.dumps({"id": r["id"], "correct": r.get("correct"), "answerable": r.get("answerable"),
                                  "sentence": b.text, "why": b.reason, "others_kept": sum(s.supported for s in on)}))
    print(f"# {path}: {len(rows)} rows, {flagged} sentences change", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
