"""Tuning probe (no LLM): answer sentences the citation check removes that another source the
model read supports on its own (the check's path for an uncited sentence). Would re-citing them
turn refusals into answers, and are those answers right?
Usage: python recite_probe.py SET RUN/questions.jsonl.gz"""
import gzip
import json
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import checker_for, pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer.citations import ReadSources  # noqa: E402


def main(set_name: str, path: str) -> None:
    pipe = pipeline_for(set_name)
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    n = 0
    for r in rows:
        if not r.get("raw_answer"):
            continue
        ctx = rebuilt_context(pipe, r)
        sources = {s.n: s for s in ctx.sources}
        checker, read = checker_for(pipe, r["question"]), ReadSources(list(sources.values()))
        checked = recheck(pipe, r["question"], r["raw_answer"], ctx)
        kept = sum(s.supported for s in checked)
        for s in checked:
            if s.supported or not s.cites or s.reason.startswith("restates"):
                continue
            other = checker._check_one(s.text, [], {k: v for k, v in sources.items() if k not in s.cites}, read)
            if other.supported:
                n += 1
                print(json.dumps({"id": r["id"], "correct": r.get("correct"), "answerable": r.get("answerable"),
                                  "refused": r["refused"], "kept_before": kept, "golds": r["golds"][:3],
                                  "sentence": s.text[:200], "cited": s.cites, "why": s.reason[:80], "now": other.cites}))
    print(f"# {path}: {len(rows)} rows, {n} sentences re-cited", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
