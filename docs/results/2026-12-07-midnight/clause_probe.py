"""Tuning probe (no LLM): which stored answers would change if a sentence the citation check
removes were checked once more as its first clause alone (the text before ", while", ", but",
", and", ", with", ", stating"..., or "; "), keeping that clause when it is supported?
Each stored raw answer is re-checked over the context rebuilt by retrieval (stored.py).
Usage: python clause_probe.py SET RUN/questions.jsonl.gz"""
import gzip
import json
import re
import sys

sys.path.insert(0, ".")
sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import checker_for, pipeline_for, rebuilt_context, recheck  # noqa: E402

from rag.answer.citations import ReadSources  # noqa: E402

_BREAK = re.compile(r",\s+(?=(?:while|whereas|but|and|with|as|stating|saying|adding|which|who|including|although|though)\b)|;\s+",
                    re.IGNORECASE)


def head(sentence: str) -> str:
    m = _BREAK.search(sentence)
    return sentence[: m.start()].rstrip() + "." if m and m.start() > 10 else ""


def main(set_name: str, path: str) -> None:
    pipe = pipeline_for(set_name)
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    for r in rows:
        if not r.get("raw_answer") or not r.get("removed"):
            continue
        ctx = rebuilt_context(pipe, r)
        checked = recheck(pipe, r["question"], r["raw_answer"], ctx)
        sources = {s.n: s for s in ctx.sources}
        checker, read = checker_for(pipe, r["question"]), ReadSources(list(sources.values()))
        for s in checked:
            if s.supported or s.reason.startswith("restates"):
                continue
            h = head(s.text)
            if not h:
                continue
            one = checker._check_one(h, s.cites, sources, read)
            print(json.dumps({"id": r["id"], "correct": r["correct"], "refused": r["refused"], "yes_no": r["yes_no"],
                              "golds": r["golds"], "answer": r["answer"][:160], "removed": s.text[:200], "why": s.reason[:90],
                              "head": h, "head_ok": one.supported, "head_why": one.reason[:90]}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
