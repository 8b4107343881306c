"""`newsdesk eval calibrate`: choose the refusal thresholds from development data, never
from the sets the figures are reported on.

    newsdesk eval calibrate             # the off-topic floor (cosine of the best retrieved sentence)
    newsdesk eval calibrate --model-judgement [--model M]
                                        # the model's "NOT FOUND" threshold and its Yes/No threshold

Development data: the MultiHop-RAG dev split (outside its 120-question evaluation sample)
and `eval/golden/tuning-multihop.jsonl` (hand-written paraphrases and near misses over other
corpus articles). The seeds sets, the follow-up sets and the validation split are not read.
"""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

from eval.common import RESULTS, eval_settings, ingest_shared, sample
from eval.golden import GoldenItem, load_multihop, load_set
from eval.metrics import normalise
from eval.run import main as run_eval
from rag import Pipeline, load_settings

DEV_SETS = ("multihop-dev", "tuning-multihop")


def _latest(set_name: str) -> Path | None:
    runs = sorted((d for d in RESULTS.glob(f"*-{set_name}-newsdesk") if (d / "questions.jsonl").exists()),
                  key=lambda d: d.stat().st_mtime)  # fmt: skip
    return runs[-1] if runs else None


def relevance(run: Path) -> tuple[np.ndarray, np.ndarray]:
    """Best-sentence cosine of the answerable and the unanswerable questions; a question the
    name check refuses is refused whatever the floor, so it counts as -1."""
    recs = [json.loads(line) for line in (run / "questions.jsonl").read_text().splitlines() if line.strip()]

    def score(r: dict[str, Any]) -> float:
        return -1.0 if r.get("unknown_subjects") else float(r["best_dense"])

    return np.array([score(r) for r in recs if r["answerable"]]), np.array([score(r) for r in recs if not r["answerable"]])


def calibrate_floor(max_false: float, rerun: bool) -> float:
    """The highest floor that refuses at most `max_false` of the answerable questions of each dev set."""
    runs = {}
    for name in DEV_SETS:
        if rerun or _latest(name) is None:
            run_eval(["--set", name, "--retrieval-only", "--quiet"])
        run = _latest(name)
        assert run is not None
        runs[name] = relevance(run)
    print("| floor | " + " | ".join(f"{n}: unanswerable refused | {n}: answerable refused" for n in runs) + " |")
    print("|---|" + "---|---|" * len(runs))
    best = 0.0
    for f in np.round(np.arange(0.0, 0.61, 0.05), 2):
        rows = [(float(np.mean(neg < f)) if neg.size else 0.0, float(np.mean(pos < f))) for pos, neg in runs.values()]
        if all(fa <= max_false for _, fa in rows):
            best = float(f)
        print(f"| {f:.2f} | " + " | ".join(f"{ab:.2f} | {fa:.2f}" for ab, fa in rows) + " |")
    # One step of margin: users' short, reworded questions score lower than the long dev ones.
    chosen = max(0.0, round(best - 0.05, 2))
    print(f"\nchosen floor: {chosen:.2f} (one step under {best:.2f}, the highest with at most {max_false:.0%} of answerable "
          "questions refused in each set); set it with NEWSDESK_REFUSAL__MIN_RELEVANCE or as the default in rag/config.py")  # fmt: skip
    return chosen


def dev_items(limit: int, seed: int) -> list[GoldenItem]:
    base = load_settings()
    mh = load_multihop(base.multihop_dir, "dev")
    held = {it.id for it in sample(mh.items, 120, 7)}
    pool = sample([it for it in mh.items if it.id not in held], limit, seed)
    return pool + load_set("tuning-multihop", base.multihop_dir, base.seeds_dir).items


def probe(pipe: Pipeline, items: list[GoldenItem]) -> list[dict[str, Any]]:
    """The model's first-token log-odds for every dev question that reaches it."""
    from tqdm import tqdm

    from rag.answer.generate import build_messages, is_yes_no
    from rag.answer.refusal import Evidence
    from rag.providers.llm import LogitModel

    if not pipe.llm.reads_logits:
        raise SystemExit(f"{pipe.llm.name} cannot read out its first-token probabilities: nothing to calibrate "
                         "(an OpenAI-compatible server that gives logprobs: NEWSDESK_LLM__LOGPROBS=true)")
    llm = cast(LogitModel, pipe.llm)
    rows = []
    for it in tqdm(items, desc="first-token probabilities"):
        r = pipe.retrieve(it.question)
        ctx = pipe.context_for(it.question, r)
        if pipe.refusal.reason("question", Evidence(it.question, ctx, unknown=r.unknown)):
            continue  # refused before the model: its thresholds do not matter here
        lp = llm.first_token_logprobs(build_messages(it.question, ctx), ["Yes", "No", "NOT"])
        if lp is None:
            continue
        p = min(math.exp(lp["NOT"]), 1 - 1e-12)
        gold = normalise(it.answers[0]) if it.answerable and it.is_yes_no else None
        rows.append({"id": it.id, "question": it.question, "answerable": it.answerable, "yes_no": is_yes_no(it.question), "gold": gold,
                     "not_found": math.log(max(p, 1e-12)) - math.log1p(-p), "yes_minus_no": lp["Yes"] - lp["No"]})  # fmt: skip
    return rows


def pick_not_found(rows: list[dict[str, Any]], max_false: float) -> float:
    """The lowest threshold (most refusals) refusing at most `max_false` of the answerable."""
    pos = np.array([r["not_found"] for r in rows if r["answerable"]])
    neg = np.array([r["not_found"] for r in rows if not r["answerable"]])
    for t in sorted(set(np.round(np.concatenate([pos, neg]), 2))):
        if np.mean(pos > t) <= max_false:
            print(f"'NOT FOUND' threshold {t:.2f}: refuses {np.mean(pos > t):.2f} of {pos.size} answerable and "
                  f"{np.mean(neg > t) if neg.size else 0:.2f} of {neg.size} unanswerable dev questions")  # fmt: skip
            return float(t)
    return float(pos.max())


def pick_yes_no(rows: list[dict[str, Any]]) -> float:
    """The Yes/No threshold with the best balanced accuracy on the dev Yes/No questions."""
    yn = [r for r in rows if r["gold"] in {"yes", "no"}]
    los = np.array([r["yes_minus_no"] for r in yn])
    gold = np.array([r["gold"] == "yes" for r in yn])

    def balanced(t: float) -> float:
        pred = los > t
        return float(np.mean([np.mean(pred[gold]), np.mean(~pred[~gold])]))

    best = max(np.unique(np.round(np.concatenate([los, [0.0]]), 3)), key=balanced)
    print(f"Yes/No threshold {best:.3f}: balanced accuracy {balanced(best):.3f} on {len(yn)} dev Yes/No questions "
          f"(at 0: {balanced(0.0):.3f})")  # fmt: skip
    return float(best)


def calibrate_model(limit: int, seed: int, max_false: float, overrides: dict[str, Any]) -> dict[str, float]:
    items = dev_items(limit, seed)
    base = load_settings()
    gs = load_multihop(base.multihop_dir, "dev")
    pipe = Pipeline(eval_settings(base, gs, overrides))
    ingest_shared(pipe, gs)
    rows = probe(pipe, items)
    out = {"not_found_threshold": pick_not_found(rows, max_false), "yes_no_threshold": pick_yes_no(rows)}
    saved = RESULTS / f"{time.strftime('%Y%m%d-%H%M%S')}-calibrate-{pipe.llm.name}"
    saved.mkdir(parents=True, exist_ok=True)
    (saved / "rows.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (saved / "thresholds.json").write_text(json.dumps({**out, "max_false": max_false, "questions": len(items)}, indent=1))
    print(f"the log-odds of every dev question: {saved / 'rows.jsonl'}")
    print(f"for {pipe.llm.name}: NEWSDESK_REFUSAL__NOT_FOUND_THRESHOLD={out['not_found_threshold']} "
          f"NEWSDESK_LLM__YES_NO_THRESHOLD={out['yes_no_threshold']} (a bundled model: BUNDLED_TUNING in rag/config.py)")
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsdesk eval calibrate", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--max-false", type=float, default=None,
                   help="largest share of answerable dev questions a threshold may refuse (floor 0.01, judgement 0.05)")
    p.add_argument("--rerun", action="store_true", help="run fresh retrieval-only evaluations first")
    p.add_argument("--model-judgement", action="store_true", help=(
        "the model's 'NOT FOUND' and Yes/No thresholds (the local model, or an OpenAI-compatible one "
        "with NEWSDESK_LLM__LOGPROBS=true)"))
    p.add_argument("--limit", type=int, default=100, help="--model-judgement: dev questions outside the evaluation sample")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--model", default=None, help="--model-judgement: the LLM to calibrate (default: the configured one)")
    p.add_argument("--context-tokens", type=int, default=None, help="--model-judgement: tokens of sources")
    args = p.parse_args(argv)  # fmt: skip
    if not args.model_judgement:
        calibrate_floor(0.01 if args.max_false is None else args.max_false, args.rerun)
        return 0
    overrides: dict[str, Any] = {}
    if args.model:
        overrides["llm"] = {"model": args.model}
    if args.context_tokens:
        overrides["retrieval"] = {"context_tokens": args.context_tokens}
    calibrate_model(args.limit, args.seed, 0.05 if args.max_false is None else args.max_false, overrides)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
