"""Where a question's prompt tokens go (no LLM; the bundled 1.5B's tokenizer): source headers,
source sentences and the question, over the first 30 questions of the stored dev sample run.
Usage: prompt_parts.py > prompt_parts.txt"""
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, "docs/results/2026-12-07-late")
from llama_cpp import Llama  # noqa: E402
from stored import pipeline_for  # noqa: E402

from rag.answer import prompts  # noqa: E402

tok = Llama(model_path=str(Path.home() / ".cache/newsdesk/models/qwen2.5-coder-1.5b.gguf"), vocab_only=True, verbose=False)


def n(text: str) -> int:
    return len(tok.tokenize(text.encode(), add_bos=False, special=True))


pipe = pipeline_for("multihop-dev")
rows = [json.loads(line) for line in gzip.open("docs/results/2026-12-07/dev/questions.jsonl.gz")][:30]
parts = {"headers": 0, "sentences": 0, "question": 0, "user message": 0, "sources": 0}
for r in rows:
    q = r["question"]
    ctx = pipe.context_for(q, pipe.retrieve(q))
    parts["headers"] += sum(n(prompts.source_header(s.n, s.title, s.outlet, s.published)) + n("\n</source>\n") for s in ctx.sources)
    parts["sentences"] += sum(n(" ".join(s.sentences)) for s in ctx.sources)
    parts["question"] += n(q)
    parts["user message"] += n(prompts.USER.format(sources=prompts.format_sources(ctx.sources), question=q, hint=""))
    parts["sources"] += len(ctx.sources)
print("mean per question over", len(rows), "dev questions:", {k: round(v / len(rows), 1) for k, v in parts.items()})
