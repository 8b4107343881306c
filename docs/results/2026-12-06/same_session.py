"""Timings of a run with the multi-part budget against the same session's baseline: the baseline
is the run's own answers for every question whose prompt the lever does not change (Yes/No
questions and open ones of fewer than three clues), and the 200-token run's for the others.
Usage: same_session.py RUN/questions.jsonl.gz RUN_AT_200/questions.jsonl.gz"""
import gzip
import json
import statistics
import sys

from rag.answer.context import question_parts
from rag.answer.generate import is_yes_no


def load(p):
    with (gzip.open if p.endswith(".gz") else open)(p, "rt") as f:
        return {r["id"]: r for r in map(json.loads, f)}


def figures(rows):
    answered = [r for r in rows if r["timings"].get("first_token")]
    ft = sorted(r["timings"]["first_token"] for r in answered)
    tot = sorted(r["timings"]["total"] for r in rows)
    p95 = lambda xs: xs[round(0.95 * (len(xs) - 1))]  # noqa: E731
    return (f"{len(rows)} questions: first token p50 {statistics.median(ft):.2f} s, p95 {p95(ft):.2f} s; "
            f"full answer p50 {statistics.median(tot):.2f} s, p95 {p95(tot):.2f} s")


if __name__ == "__main__":
    new, at200 = load(sys.argv[1]), load(sys.argv[2])
    multi = [i for i, r in new.items() if not is_yes_no(r["question"]) and len(question_parts(r["question"])) >= 3]
    base = {i: at200[i] if i in multi else r for i, r in new.items()}
    print("baseline (200 tokens for all):", figures(list(base.values())))
    print("with the lever:               ", figures(list(new.values())))
    print("multi-part open only, 200:    ", figures([at200[i] for i in multi]))
    print("multi-part open only, 300:    ", figures([new[i] for i in multi]))
