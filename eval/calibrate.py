"""`newsdesk eval calibrate`: choose the evidence floor below which the bot refuses
before calling the LLM, from development data rather than by hand.

It runs (or reuses) retrieval-only evaluations of the seeds golden set and the
MultiHop-RAG development split, then picks the highest floor that refuses at most
`--max-false` of the answerable questions in either set, and prints the trade-off.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from eval.run import RESULTS
from eval.run import main as run_eval


def _latest(set_name: str) -> Path | None:
    runs = sorted((d for d in RESULTS.glob(f"*-{set_name}-newsdesk") if (d / "questions.jsonl").exists()),
                  key=lambda d: d.stat().st_mtime)  # fmt: skip
    return runs[-1] if runs else None


def _coverages(run: Path) -> tuple[np.ndarray, np.ndarray]:
    recs = [json.loads(line) for line in (run / "questions.jsonl").read_text().splitlines() if line.strip()]
    pos = np.array([r["coverage"] for r in recs if r["answerable"]])
    neg = np.array([r["coverage"] for r in recs if not r["answerable"]])
    return pos, neg


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsdesk eval calibrate", description=__doc__)
    p.add_argument("--max-false", type=float, default=0.05, help="largest share of answerable questions refused by the floor")
    p.add_argument("--rerun", action="store_true", help="run fresh retrieval-only evaluations first")
    args = p.parse_args(argv)
    runs = {}
    for name in ("seeds", "multihop-dev"):
        if args.rerun or _latest(name) is None:
            run_eval(["--set", name, "--retrieval-only", "--quiet"])
        run = _latest(name)
        assert run is not None
        runs[name] = _coverages(run)
    floors = np.round(np.arange(0.0, 0.81, 0.05), 2)
    print("| floor | " + " | ".join(f"{n}: unanswerable refused | {n}: answerable refused" for n in runs) + " |")
    print("|---|" + "---|---|" * len(runs))
    best = 0.0
    for f in floors:
        row = []
        ok = True
        for pos, neg in runs.values():
            fa = float(np.mean(pos < f)) if pos.size else 0.0
            ab = float(np.mean(neg < f)) if neg.size else 0.0
            row += [f"{ab:.2f}", f"{fa:.2f}"]
            ok = ok and fa <= args.max_false
        if ok:
            best = float(f)
        print(f"| {f:.2f} | " + " | ".join(row) + " |")
    print(f"\nchosen floor: {best:.2f} (highest with at most {args.max_false:.0%} of answerable questions refused in each set)")
    print("set it with NEWSDESK_RETRIEVAL__MIN_EVIDENCE, or as the default in rag/config.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
