"""Tuning probe: for each follow-up of the tuning sets (and dev questions outside the report
sample, asked on their own), is the gold answer in what the model reads at a context budget
of 200 (the product's), 250, 300 or 400 tokens? The conversation's earlier turns are asked
through the product as a user would; only the follow-up's context is rebuilt per budget."""
import json
import sys

from eval import metrics as M
from eval.common import eval_settings, ingest_shared
from eval.golden import load_set
from rag import Pipeline, load_settings
from rag.answer.prompts import format_sources
from rag.retrieve.followup import rewrite_follow_up

BUDGETS = (200, 250, 300, 400)


def probe(name: str) -> None:
    base = load_settings()
    gs = load_set(name, base.multihop_dir, base.seeds_dir)
    pipe = Pipeline(eval_settings(base, gs, {}))
    ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
    for item in gs.items:
        history: list[tuple[str, str]] = []
        for q in item.history:
            history.append((q, pipe.ask(q, history=history or None).text))
        search_q, prompt_q = rewrite_follow_up(item.question, history)
        asked = f"{prompt_q} {history[-1][0]}" if history and search_q != item.question else None
        retrieval = pipe.retrieve(search_q, None, None, asked=asked)
        row = {"set": name, "id": item.id, "question": item.question, "standalone": search_q == item.question}
        for b in BUDGETS:
            ctx = pipe.context_for(search_q, retrieval, budget=b, asked=item.question)
            row[str(b)] = bool(M.contains(format_sources(ctx.sources), item.answers))
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        probe(name)
