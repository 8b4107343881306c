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
from typing import cast

import numpy as np

from eval.common import RESULTS, eval_settings, sample
from eval.run import main as run_eval


def _latest(set_name: str) -> Path | None:
    runs = sorted((d for d in RESULTS.glob(f"*-{set_name}-newsdesk") if (d / "questions.jsonl").exists()),
                  key=lambda d: d.stat().st_mtime)  # fmt: skip
    return runs[-1] if runs else None


def _coverages(run: Path) -> tuple[np.ndarray, np.ndarray]:
    """Evidence coverage of the answerable and the unanswerable questions. A question the
    name check refuses (it names someone no article mentions) is refused whatever the
    floor, so it counts as coverage -1."""
    recs = [json.loads(line) for line in (run / "questions.jsonl").read_text().splitlines() if line.strip()]

    def cov(r: dict) -> float:
        return -1.0 if r.get("unknown_subjects") else float(r["coverage"])

    pos = np.array([cov(r) for r in recs if r["answerable"]])
    neg = np.array([cov(r) for r in recs if not r["answerable"]])
    return pos, neg


def calibrate_yes_no(limit: int, seed: int, exclude_seed: int, exclude_limit: int, overrides: dict | None = None) -> float:
    """Collect the model's Yes/No log-odds on dev questions outside the evaluation sample
    and pick the threshold with the best balanced accuracy."""
    from tqdm import tqdm

    from eval.golden import load_multihop
    from eval.metrics import normalise
    from rag import Pipeline, load_settings
    from rag.answer.generate import build_messages
    from rag.providers.llm import LogitModel

    base = load_settings()
    gs = load_multihop(base.multihop_dir)
    held = {it.id for it in sample(gs.items, exclude_limit, exclude_seed)}
    pool = [it for it in gs.items if it.answerable and it.is_yes_no and it.id not in held]
    pick = sample(pool, limit, seed)
    pipe = Pipeline(eval_settings(base, gs, overrides or {}))
    pipe.ingest(gs.corpus)
    if not pipe.llm.reads_logits:
        raise SystemExit(f"{pipe.llm.name} cannot read out its logits: the Yes/No verdict is off for it")
    llm = cast(LogitModel, pipe.llm)
    rows = []
    for it in tqdm(pick, desc="yes/no log-odds"):
        r = pipe.retrieve(it.question)
        ctx = pipe.context_for(it.question, r)
        lo = llm.yes_no_logodds(build_messages(it.question, ctx))
        if lo is not None:
            rows.append((lo, normalise(it.answers[0])))
    los = np.array([r[0] for r in rows])
    gold = np.array([r[1] == "yes" for r in rows])

    def balanced(t: float) -> float:
        pred = los > t
        return float(np.mean([np.mean(pred[gold]), np.mean(~pred[~gold])]))

    grid = np.unique(np.round(np.concatenate([los, [0.0]]), 3))
    best = max(grid, key=balanced)
    print(f"{len(rows)} Yes/No dev questions (outside the evaluation sample); gold Yes: {gold.sum()}, No: {(~gold).sum()}")
    print(f"model as is (threshold 0): balanced accuracy {balanced(0.0):.3f}, answers Yes {np.mean(los > 0):.0%}")
    print(f"calibrated threshold {best:.3f}: balanced accuracy {balanced(best):.3f}, answers Yes {np.mean(los > best):.0%}")
    print("set it with NEWSDESK_LLM__YES_NO_THRESHOLD, or as the default in rag/config.py")
    return float(best)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsdesk eval calibrate", description=__doc__)
    p.add_argument("--max-false", type=float, default=0.05, help="largest share of answerable questions refused by the floor")
    p.add_argument("--rerun", action="store_true", help="run fresh retrieval-only evaluations first")
    p.add_argument("--yes-no", action="store_true", help="calibrate the Yes/No threshold of the local model instead")
    p.add_argument("--limit", type=int, default=100, help="--yes-no: questions to calibrate on (outside the 120-question evaluation sample, seed 7)")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--model", default=None, help="--yes-no: the LLM to calibrate (default: the configured one)")
    p.add_argument("--context-tokens", type=int, default=None, help="--yes-no: tokens of sources (default: the configured budget)")
    args = p.parse_args(argv)
    if args.yes_no:
        overrides: dict = {}
        if args.model:
            overrides["llm"] = {"model": args.model}
        if args.context_tokens:
            overrides["retrieval"] = {"context_tokens": args.context_tokens}
        calibrate_yes_no(args.limit, args.seed, exclude_seed=7, exclude_limit=120, overrides=overrides)
        return 0
    runs = {}
    for name in ("seeds", "multihop-dev"):
        if args.rerun or _latest(name) is None:
            run_eval(["--set", name, "--retrieval-only", "--quiet"])
        run = _latest(name)
        assert run is not None
        runs[name] = _coverages(run)
    for name, (pos, neg) in runs.items():
        print(f"{name}: the name check alone refuses {np.mean(neg < 0):.2f} of the unanswerable and "
              f"{np.mean(pos < 0):.2f} of the answerable questions")
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
