"""Aggregation, the Markdown report, the plots, and the comparison with a previous run."""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval import metrics as M

# From the MultiHop-RAG paper (Tang & Yang, 2024) and the measurement of the plain
# llama-index pipeline with the bundled MiniLM on the development split.
PUBLISHED = [
    ("paper: voyage-02 + bge-reranker-large (best)", {"hits@10": 0.7467, "hits@4": 0.6625, "mrr@10": 0.5860}),
    ("paper: ada-002 + bge-reranker-large", {"hits@10": 0.7059, "hits@4": 0.6169, "mrr@10": 0.5477}),
    ("paper: bge-large-en-v1.5, no reranker", {"hits@10": 0.6718, "hits@4": 0.5221, "mrr@10": 0.4298}),
    ("plain llama-index + MiniLM (quoted in issue #3)", {"hits@10": 0.749, "hits@4": 0.517, "mrr@10": 0.387, "facts@1000": 0.28, "all_facts@1000": 0.056}),
]
PAPER_ANSWER_ACCURACY = {"GPT-4": 0.56, "Claude-2.1": 0.52, "ChatGPT": 0.44, "Mixtral": 0.32, "Llama-2-70B": 0.28}

RETRIEVAL_KEYS = ["hits@4", "hits@10", "mrr@10", "all_articles@4", "all_articles@10",
                  "facts@500", "all_facts@500", "facts@1000", "all_facts@1000", "facts@2000", "all_facts@2000",
                  "answer_in_context"]  # fmt: skip


def _mean(values: Sequence[float | None]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return float(np.mean(vals)) if vals else None


def _group(records: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(records)}
    ans = [r for r in records if r["answerable"]]
    out["n_answerable"] = len(ans)
    for k in RETRIEVAL_KEYS:
        out[k] = _mean([r[k] for r in ans if k in r])
    answered = [r for r in records if "refused" in r]
    if answered:
        a = [r for r in answered if r["answerable"]]
        u = [r for r in answered if not r["answerable"]]
        out["accuracy"] = _mean([float(r["correct"]) for r in a])
        out["exact_match"] = _mean([float(r["em"]) for r in a])
        out["false_abstention"] = _mean([float(r["refused"]) for r in a])
        out["abstention"] = _mean([float(r["refused"]) for r in u])
        out["n_unanswerable"] = len(u)
        yn = [r for r in a if r["yes_no"]]
        if yn:
            golds = [M.normalise(r["golds"][0]) for r in yn]
            preds = [r.get("polarity") for r in yn]
            out["yes_no_n"] = len(yn)
            out["yes_no_accuracy"] = _mean([float(p == g) for p, g in zip(preds, golds, strict=True)])
            out["balanced_yes_no"] = M.balanced_yes_no(preds, golds)
            out["answered_yes"] = sum(p == "yes" for p in preds)
            out["gold_no"] = sum(g == "no" for g in golds)
            out["no_right"] = sum(p == g == "no" for p, g in zip(preds, golds, strict=True))
            out["yes_no_auc"] = M.separation([r.get("yes_no_logodds") for r in yn], [g == "yes" for g in golds])
        # The thresholds' raw material: how well the model's NOT FOUND judgement ranks the
        # unanswerable above the answerable (both read only where the model was asked).
        out["judgement_auc"] = M.separation([r.get("not_found_logodds") for r in answered], [not r["answerable"] for r in answered])
        firsts = [float(r["first_correct"]) for r in a if "first_correct" in r]
        if firsts:
            out["first_turn_accuracy"] = _mean(firsts)
        out["citation_precision"] = _mean([r.get("citation_precision") for r in a])
        out["citation_recall"] = _mean([r.get("citation_recall") for r in a])
        checked = sum(r.get("sentences_checked", 0) for r in answered)
        out["supported_sentences"] = (sum(r.get("sentences_supported", 0) for r in answered) / checked) if checked else None
        out["baselines"] = M.trivial_baselines([r["golds"] for r in answered], [r["answerable"] for r in answered])
        out["overall_correct"] = _mean([float(r["correct"]) for r in answered])
        out["prompt_tokens"] = M.percentiles([r.get("prompt_tokens") for r in answered if r.get("prompt_tokens")])
        out["completion_tokens"] = M.percentiles([r.get("completion_tokens") for r in answered if r.get("completion_tokens")])
    stages = Counter(k for r in records for k in r.get("timings", {}))
    out["latency"] = {s: M.percentiles([r["timings"].get(s) for r in records if s in r.get("timings", {})]) for s in stages}
    return out


def summarise(records: list[dict[str, Any]], meta: dict[str, Any]) -> dict[str, Any]:
    types = sorted({r["type"] for r in records})
    return {"meta": meta, "overall": _group(records), "by_type": {t: _group([r for r in records if r["type"] == t]) for t in types}}


def _fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if isinstance(v, float):
        return f"{v:.3f}"
    return str(v)


def _table(rows: list[list[Any]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _header(meta: dict[str, Any]) -> list[str]:
    """What ran, on what, with which settings."""
    md = [f"# Evaluation: {meta['set']} ({meta['pipeline']})", ""]
    md.append(f"- {meta['date']} on {meta['machine']}")
    md.append(f"- questions: {meta['questions']}" + (f" (seeded sample, limit {meta['limit']}, seed {meta['seed']})" if meta.get("limit") else ""))
    md.append(f"- LLM: {meta['llm']}{' (not used: retrieval only)' if meta['retrieval_only'] else ''}; embedding: {meta['embedding']}")
    md.append(f"- chunking: {meta['chunking']}; corpus chunks: {meta.get('chunks')}; overrides: {meta.get('overrides') or 'none'}")
    if meta.get("context_budget"):
        md.append(f"- sources budget: {meta['context_budget']} tokens ({meta.get('multi_part_context_budget', meta['context_budget'])} "
                  f"for an open question of several clues); Yes/No threshold: {meta.get('yes_no_threshold')}; "
                  f"'NOT FOUND' threshold: {(meta.get('refusal') or {}).get('not_found_threshold')}; "
                  f"second look's: {(meta.get('refusal') or {}).get('second_look_threshold')}")
    return [*md, ""]


def render_markdown(summary: dict[str, Any], compare: dict[str, Any] | None) -> str:
    meta, overall, by_type = summary["meta"], summary["overall"], summary["by_type"]
    md = _header(meta)
    cols = ["overall", *by_type]
    groups = [overall, *by_type.values()]
    if overall.get("n_answerable") and overall.get("hits@10") is not None:
        md += ["## Retrieval and evidence in the context budget", ""]
        rows = [[k] + [g.get(k) for g in groups] for k in RETRIEVAL_KEYS]
        md += [_table(rows, ["metric", *cols]), ""]
        if meta["set"].startswith("multihop"):
            md += ["### Next to the published numbers", ""]
            keys = ["hits@10", "hits@4", "mrr@10", "facts@1000", "all_facts@1000"]
            rows = [[f"**this run ({meta['pipeline']})**"] + [overall.get(k) for k in keys]]
            rows += [[name] + [vals.get(k) for k in keys] for name, vals in PUBLISHED]
            md += [_table(rows, ["system", *keys]), ""]
    if "accuracy" in overall:
        md += ["## Answers", ""]
        keys = ["accuracy", "exact_match", "false_abstention", "abstention", "yes_no_accuracy", "balanced_yes_no",
                "answered_yes", "gold_no", "no_right", "yes_no_auc", "judgement_auc", "citation_precision", "citation_recall", "supported_sentences", "overall_correct",
                "first_turn_accuracy"]  # fmt: skip
        rows = [[k] + [g.get(k) for g in groups] for k in keys]
        md += [_table(rows, ["metric", *cols]), ""]
        md += ["accuracy: gold answer contained (Yes/No golds: the answer's opening polarity) on answerable questions; "
               "abstention: share of unanswerable questions refused; overall_correct: both together. "
               "yes_no_auc: how well the model's Yes-minus-No log-odds rank gold Yes above gold No; judgement_auc: "
               "how well its NOT FOUND log-odds rank the unanswerable above the answerable (questions it read).", ""]  # fmt: skip
        md += ["### Trivial baselines on the same questions (overall_correct)", ""]
        rows = [[name, v] for name, v in overall.get("baselines", {}).items()]
        rows.append(["**this run**", overall.get("overall_correct")])
        md += [_table(rows, ["predictor", "share correct"]), ""]
        if meta["set"].startswith("multihop"):
            md += ["Paper, answer accuracy with retrieved chunks: " + ", ".join(f"{k} {v}" for k, v in PAPER_ANSWER_ACCURACY.items()), ""]
    md += ["## Cost", ""]
    lat = overall.get("latency", {})
    rows = [[stage, v["p50"], v["p95"], v["n"]] for stage, v in sorted(lat.items())]
    md += [_table(rows, ["stage (seconds)", "p50", "p95", "n"]), ""]
    if overall.get("prompt_tokens"):
        rows = [[k, overall[k]["p50"], overall[k]["p95"]] for k in ("prompt_tokens", "completion_tokens")]
        md += [_table(rows, ["tokens", "p50", "p95"]), ""]
    if compare:
        md += ["## Compared with " + compare["meta"].get("date", "?") + f" ({compare.get('_path', '')})", ""]
        rows = []
        for k, v in overall.items():
            old = compare["overall"].get(k)
            if isinstance(v, float) and isinstance(old, float):
                delta = v - old
                mark = "better" if delta > 0.005 else "worse" if delta < -0.005 else "same"
                if k == "false_abstention":
                    mark = {"better": "worse", "worse": "better"}.get(mark, mark)
                rows.append([k, old, v, f"{delta:+.3f} ({mark})"])
        md += [_table(rows, ["metric", "before", "now", "change"]), ""]
    md += ["![by type](by_type.png)", "", "![latency](latency.png)", ""]
    return "\n".join(md)


def plot(summary: dict[str, Any], records: list[dict[str, Any]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    by_type = summary["by_type"]
    keys = [k for k in ("hits@4", "hits@10", "mrr@10", "facts@1000", "accuracy", "abstention") if any(g.get(k) is not None for g in by_type.values())]
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(by_type))
    for i, (t, g) in enumerate(by_type.items()):
        ax.bar([x + i * width for x in range(len(keys))], [g.get(k) or 0 for k in keys], width, label=t)
    ax.set_xticks([x + width * (len(by_type) - 1) / 2 for x in range(len(keys))], keys)
    ax.set_ylim(0, 1)
    ax.set_title(f"{summary['meta']['set']}: metrics by question type")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "by_type.png", dpi=100)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4))
    for stage in ("retrieve", "first_token", "total"):
        vals = [r["timings"][stage] for r in records if stage in r.get("timings", {})]
        if vals:
            ax.hist(vals, bins=30, alpha=0.6, label=f"{stage} (p50 {np.median(vals):.2f}s)")
    ax.set_xlabel("seconds")
    ax.set_title("latency distribution")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "latency.png", dpi=100)
    plt.close(fig)


def write_report(out: Path, records: list[dict[str, Any]], summary: dict[str, Any], compare_dir: Path | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (out / "questions.jsonl").open("w", encoding="utf-8") as f:
        for r in records:
            f.write(json.dumps(r, ensure_ascii=False, default=str) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str))
    compare = None
    if compare_dir and (compare_dir / "summary.json").exists():
        compare = json.loads((compare_dir / "summary.json").read_text())
        compare["_path"] = str(compare_dir)
    (out / "report.md").write_text(render_markdown(summary, compare))
    plot(summary, records, out)
