"""`newsdesk eval`: run a golden set through the pipeline and write a report people read.

    newsdesk eval --set seeds                              # answers, with the bundled models
    newsdesk eval --set multihop-dev --retrieval-only      # fast: no LLM
    newsdesk eval --set multihop-dev --limit 60 --seed 7   # answers on a seeded sample
    newsdesk eval --set multihop-dev --retrieval-only --pipeline plain   # the llama-index peer
    newsdesk eval calibrate                                # choose the refusal floor from dev data (eval/calibrate.py)

Each run writes eval/results/<timestamp>-<set>/ with per-question JSONL, report.md,
summary.json and PNG plots; `--compare DIR` (or `--compare latest`) adds what changed.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, SecretStr

from eval import metrics as M
from eval.common import RESULTS, eval_settings, ingest_shared, machine, sample
from eval.golden import GoldenItem, GoldenSet, load_set
from rag import Answer, Pipeline, Settings, load_settings
from rag.answer.prompts import format_sources
from rag.cli import at_least_one
from rag.config import context_budget, refusal_settings
from rag.errors import redact

BUDGETS = (500, 1000, 2000)
RETRIEVE_K = 10


# ---------------------------------------------------------------- one question


def score_retrieval(item: GoldenItem, texts: list[str], urls: list[str], contexts: dict[int, str]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    if item.answerable and item.facts:
        rec.update(M.retrieval_scores(texts, item.facts))
        rec["first_relevant_rank"] = M.first_relevant_rank(texts, item.facts)
        if item.evidence_urls:
            rec["all_articles@4"] = M.article_recall(urls, item.evidence_urls, 4)
            rec["all_articles@10"] = M.article_recall(urls, item.evidence_urls, 10)
        for b, ctx in contexts.items():
            share, all_in = M.fact_recall(ctx, item.facts)
            rec[f"facts@{b}"] = share
            rec[f"all_facts@{b}"] = float(all_in)
    return rec


def run_newsdesk_item(pipe: Pipeline, item: GoldenItem, retrieval_only: bool) -> dict[str, Any]:
    t0 = time.perf_counter()
    retrieval = pipe.retrieve(item.question, top_k=RETRIEVE_K)
    t_retrieve = time.perf_counter() - t0
    top = retrieval.chunks[:RETRIEVE_K]
    texts = [c.text for c in top]
    urls = [str(c.meta.get("url", "")) for c in top]
    contexts = {}
    over_budget = []
    for b in BUDGETS:
        ctx = pipe.context_for(item.question, retrieval, budget=b)
        contexts[b] = ctx.as_prompt_text()
        if ctx.tokens > b:
            over_budget.append(b)
    t1 = time.perf_counter()
    product_ctx = pipe.context_for(item.question, retrieval)
    t_context = time.perf_counter() - t1
    rec: dict[str, Any] = {
        "retrieved_urls": urls,
        "retrieved_ids": [c.id for c in retrieval.chunks],
        "coverage": round(product_ctx.coverage, 4),
        "best_dense": round(product_ctx.best_dense, 4),
        "context_tokens": product_ctx.tokens,
        "hints": {"outlets": retrieval.hints.outlets, "days": retrieval.hints.days},
        "unknown_subjects": retrieval.unknown.reason(),
        "timings": {"retrieve": t_retrieve, "embed": retrieval.timings.get("embed", 0.0), "context": t_context},
        "over_budget": over_budget,
    }
    rec.update(score_retrieval(item, texts, urls, contexts))
    if item.answerable and item.answers and not item.is_yes_no:  # the answer is there to be read
        rec["answer_in_context"] = float(M.contains(product_ctx.as_prompt_text(), item.answers))
    if retrieval_only:
        return rec
    history = converse(pipe, item, rec)
    answer = pipe.ask(item.question, history=history or None)
    rec.update(score_answer(item, answer))
    # What the model read replaces the figure above (all --retrieval-only gives): a follow-up is
    # searched with the conversation, and a second look reads more sentences than the first.
    if "answer_in_context" in rec:
        rec["answer_in_context"] = float(M.contains(format_sources(answer.sources), item.answers))
    return rec


def converse(pipe: Pipeline, item: GoldenItem, rec: dict[str, Any]) -> list[tuple[str, str]]:
    """Ask a conversation's earlier questions first, as a user would; the first answer is
    scored too (a follow-up after a wrong first answer is a different test)."""
    history: list[tuple[str, str]] = []
    for q in item.history:
        earlier = pipe.ask(q, history=history or None)
        history.append((q, earlier.text))
        if len(history) == 1 and item.first_answers:
            rec["first_correct"] = M.answer_correct(earlier.text, item.first_answers, earlier.refused)
            rec["first_answer"] = earlier.text
    return history


def score_answer(item: GoldenItem, answer: Answer) -> dict[str, Any]:
    cited_urls = [c.url for c in answer.citations]
    rec: dict[str, Any] = {
        "answer": answer.text,
        "raw_answer": answer.raw_text,
        "refused": answer.refused,
        "refusal_reason": answer.refusal_reason,
        "incomplete": answer.incomplete,
        "polarity": M.polarity(answer.text) if not answer.refused else None,
        "timings": {**answer.timings},
        "prompt_tokens": answer.prompt_tokens,
        "completion_tokens": answer.completion_tokens,
        "yes_no_logodds": answer.yes_no_logodds,
        "not_found_logodds": answer.not_found_logodds,
        "citations": [{"n": c.n, "url": c.url, "title": c.title, "quote": c.quote} for c in answer.citations],
        "conflicts": answer.conflicts,
        "removed": answer.removed,
        "sentences_checked": len(answer.sentences),
        "sentences_supported": sum(s.supported for s in answer.sentences),
    }
    if item.answerable:
        rec["correct"] = M.answer_correct(answer.text, item.answers, answer.refused)
        rec["em"] = (not answer.refused) and M.exact_match(answer.text, item.answers)
        rec["false_abstention"] = answer.refused
        if answer.citations and (item.evidence_urls or item.facts):  # a set without evidence has no precision to give
            gold = set(item.evidence_urls)
            # A cited article is right when it is gold evidence (or, with no urls, when the
            # quote it was cited for contains a gold fact).
            ok = [
                (c.url in gold) if gold else any(M.squash(f) in M.squash(c.quote) or M.squash(c.quote) in M.squash(f) for f in item.facts)
                for c in answer.citations
            ]
            rec["citation_precision"] = sum(ok) / len(ok)
        if item.evidence_urls:
            rec["citation_recall"] = len(set(cited_urls) & set(item.evidence_urls)) / len(set(item.evidence_urls))
    else:
        rec["abstained"] = answer.refused
        rec["correct"] = answer.refused
    return rec


def run_llamaindex_item(retriever: Any, item: GoldenItem) -> dict[str, Any]:
    """Retrieval through `NewsdeskRetriever` (the parity check of the LlamaIndex adapter)."""
    t0 = time.perf_counter()
    nodes = retriever.retrieve(item.question)
    texts, urls = [n.node.get_content() for n in nodes], [str(n.node.metadata.get("url", "")) for n in nodes]
    rec: dict[str, Any] = {"retrieved_urls": urls, "timings": {"retrieve": time.perf_counter() - t0}}
    rec.update(score_retrieval(item, texts, urls, {}))
    return rec


def run_plain_item(plain: Any, item: GoldenItem) -> dict[str, Any]:
    from eval.baseline import plain_context

    t0 = time.perf_counter()
    hits = plain.retrieve(item.question, RETRIEVE_K)
    t = time.perf_counter() - t0
    rec: dict[str, Any] = {"retrieved_urls": [h.url for h in hits], "timings": {"retrieve": t}}
    contexts = {b: plain_context(hits, b) for b in BUDGETS}
    rec.update(score_retrieval(item, [h.text for h in hits], [h.url for h in hits], contexts))
    return rec


# ---------------------------------------------------------------- the run


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="newsdesk eval", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", default="seeds", help="seeds | multihop-dev | multihop-validation | a golden JSONL path")
    p.add_argument("--articles", default=None, help="articles for a custom golden set (default: the seeds folder)")
    p.add_argument("--retrieval-only", action="store_true", help="score retrieval and context only (no LLM)")
    p.add_argument("--limit", type=at_least_one, default=None, help="evaluate a seeded sample of N questions")
    p.add_argument("--seed", type=int, default=7, help="seed for --limit sampling")
    p.add_argument("--pipeline", choices=["newsdesk", "llamaindex", "plain", "plain-meta"], default="newsdesk",
                   help="llamaindex: retrieval through NewsdeskRetriever (retrieval only); plain: the llama-index peer "
                        "(body embedded); plain-meta: llama-index default, metadata in the embedded text")
    p.add_argument("--model", default=None, help="LLM override, e.g. qwen2.5-coder-0.5b")
    p.add_argument("--chunk-tokens", type=int, default=None)
    p.add_argument("--set-option", action="append", default=[], metavar="SECTION.FIELD=VALUE",
                   help="any setting, e.g. retrieval.hybrid=false (repeatable)")
    p.add_argument("--compare", default=None, help="a previous results folder, or 'latest'")
    p.add_argument("--out", default=None, help="results folder (default eval/results/<time>-<set>)")
    p.add_argument("--quiet", action="store_true")
    return p.parse_args(argv)  # fmt: skip


def overrides_of(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Settings overrides from --model, --chunk-tokens and every --set-option."""
    overrides: dict[str, dict[str, Any]] = {}
    if args.model:
        overrides.setdefault("llm", {})["model"] = args.model
    if args.chunk_tokens:
        overrides.setdefault("chunking", {})["chunk_tokens"] = args.chunk_tokens
    for opt in args.set_option:
        key, _, value = opt.partition("=")
        section, _, field = key.partition(".")
        check_option(section, field, opt)
        try:
            parsed: Any = json.loads(value)
        except json.JSONDecodeError:
            parsed = value  # a plain string
        overrides.setdefault(section, {})[field] = parsed
    return overrides


def prepare(args: argparse.Namespace, gs: GoldenSet, settings: Settings, console: Any) -> tuple[Any, dict[str, Any]]:
    """The pipeline under test, its corpus ingested (cached), models loaded before timing."""
    if args.pipeline.startswith("plain"):
        from eval.baseline import PlainPipeline

        if not gs.name.startswith("multihop"):
            raise SystemExit("--pipeline plain runs on the MultiHop-RAG sets")
        plain = PlainPipeline(settings.store.path.parent / f"{args.pipeline}-{gs.corpus_key}", gs.corpus[0],
                              metadata_in_text=args.pipeline == "plain-meta")  # fmt: skip
        return plain, {"chunks": plain.chunks, "ingest_seconds": plain.ingest_seconds}
    pipe = Pipeline(settings)
    console.print(f"ingesting the corpus into {settings.store.path} (cached when unchanged)...")
    rep = ingest_shared(pipe, gs, console.print)
    pipe.retriever.view()  # build the lexical index before timing questions
    if args.pipeline == "llamaindex":
        from rag.llamaindex import NewsdeskRetriever

        return NewsdeskRetriever(pipe, top_k=RETRIEVE_K), {"chunks": rep.chunks_total, "ingest_seconds": rep.seconds}
    if not args.retrieval_only:
        pipe.llm  # noqa: B018 - load the model (and process its system prompt) before timing
    return pipe, {"chunks": rep.chunks_total, "ingest_seconds": rep.seconds, "articles_added": rep.added}


def _run_item(args: argparse.Namespace, runner: Any, item: GoldenItem) -> dict[str, Any]:
    if args.pipeline == "llamaindex":
        return run_llamaindex_item(runner, item)
    if args.pipeline != "newsdesk":
        return run_plain_item(runner, item)
    return run_newsdesk_item(runner, item, args.retrieval_only)


def run_meta(args: argparse.Namespace, gs: GoldenSet, settings: Settings, overrides: dict[str, Any],
             n: int, extra: dict[str, Any]) -> dict[str, Any]:  # fmt: skip
    """What a report says about its run: set, settings in force, machine, date."""
    meta = {
        "set": gs.name, "pipeline": args.pipeline, "retrieval_only": args.retrieval_only,
        "questions": n, "limit": args.limit, "seed": args.seed,
        "llm": f"{settings.llm.provider}:{settings.llm.model}", "embedding": settings.embedding.label(),
        "chunking": settings.chunking.model_dump(), "retrieval": settings.retrieval.model_dump(),
        "refusal": refusal_settings(settings).model_dump(), "context_budget": context_budget(settings),
        "multi_part_context_budget": context_budget(settings, multi_part=True),
        "yes_no_threshold": settings.llm.verdict_threshold(), "overrides": recorded(overrides), **extra,
        "machine": machine(), "date": datetime.now().isoformat(timespec="seconds"),
    }  # fmt: skip
    if args.pipeline.startswith("plain"):
        meta.update({"embedding": "llama-index HuggingFaceEmbedding all-MiniLM-L6-v2 (fp32)",
                     "chunking": {"chunk_tokens": 256, "chunk_overlap": 20, "splitter": "llama-index SentenceSplitter"},
                     "retrieval": {"top_k": RETRIEVE_K, "store": "ChromaVectorStore, cosine"}})  # fmt: skip
    return meta


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    base = load_settings()
    gs = load_set(args.set, base.multihop_dir, base.seeds_dir, Path(args.articles) if args.articles else None)
    overrides = overrides_of(args)
    settings = eval_settings(base, gs, overrides)
    items = sample(gs.items, args.limit, args.seed)
    out = Path(args.out) if args.out else RESULTS / f"{datetime.now():%Y%m%d-%H%M%S}-{gs.name}-{args.pipeline}"
    compare = _resolve_compare(args.compare, out, gs.name)  # a wrong folder fails now, not after the run

    from rich.console import Console
    from tqdm import tqdm

    console = Console(stderr=True, quiet=args.quiet)
    console.print(f"[bold]eval[/] {gs.name}: {len(items)} questions, pipeline={args.pipeline}, "
                  f"{'retrieval only' if args.retrieval_only else 'answers with ' + settings.llm.model}")  # fmt: skip
    t_setup = time.perf_counter()
    runner, info = prepare(args, gs, settings, console)
    info["setup_seconds"] = round(time.perf_counter() - t_setup, 1)
    records = []
    for item in tqdm(items, desc="questions", disable=args.quiet, file=sys.stderr):
        rec = _run_item(args, runner, item)
        records.append({"id": item.id, "type": item.type, "question": item.question, "golds": item.answers,
                        "answerable": item.answerable, "yes_no": item.is_yes_no, **rec})  # fmt: skip

    from eval.report import summarise, write_report

    summary = summarise(records, run_meta(args, gs, settings, overrides, len(items), info))
    write_report(out, records, summary, compare)
    console.print(f"report: {out / 'report.md'}")
    console.print(summary_line(summary))
    return 0


def summary_line(summary: dict[str, Any]) -> str:
    o = summary["overall"]
    keys = ["hits@4", "hits@10", "mrr@10", "facts@1000", "all_facts@1000", "accuracy", "abstention", "false_abstention"]
    return "  ".join(f"{k}={o[k]:.3f}" for k in keys if isinstance(o.get(k), float))


@functools.cache
def _sections() -> dict[str, type[BaseModel]]:
    """The settings sections an option can name (`llm`, `retrieval`, ...) and their models."""
    return {n: f.annotation for n, f in Settings.model_fields.items()
            if isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel)}  # fmt: skip


def check_option(section: str, field: str, opt: str) -> None:
    """A mistyped --set-option fails before the run, not silently after it."""
    model = _sections().get(section)
    if model is None:
        raise ValueError(f"--set-option {opt!r}: expected SECTION.FIELD=VALUE with SECTION one of {', '.join(_sections())}")
    if field not in model.model_fields:
        raise ValueError(f"--set-option {opt!r}: {section} has no setting {field!r} (it has {', '.join(model.model_fields)})")


def recorded(overrides: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The overrides as a report shows them: a secret setting (an API key) never reaches it."""
    def shown(section: str, field: str, value: Any) -> Any:
        ann = _sections()[section].model_fields[field].annotation  # names checked by check_option
        if ann is SecretStr or SecretStr in get_args(ann):
            return "[redacted]"
        return redact(value) if isinstance(value, str) else value

    return {sec: {f: shown(sec, f, v) for f, v in fields.items()} for sec, fields in overrides.items()}


def _resolve_compare(spec: str | None, out: Path, set_name: str) -> Path | None:
    if not spec:
        return None
    if spec != "latest":
        if not (Path(spec) / "summary.json").is_file():
            raise ValueError(f"--compare {spec}: not a results folder (no summary.json there)")
        return Path(spec)
    runs = sorted(d for d in RESULTS.glob(f"*-{set_name}-*") if d != out and (d / "summary.json").exists())
    return runs[-1] if runs else None


if __name__ == "__main__":
    raise SystemExit(main())
