"""Prefill time of the per-question prompt with the source headers as now, and with each header
cut to `<source id=n>` (the most a leaner header could save; the model then lacks outlet, date
and title, so this is a bound, not a lever). The bundled 1.5B, warmed system prompt, the first 30
dev-sample questions, the two variants alternating per question. Usage: header_prefill.py > header_prefill.txt"""
import gzip
import json
import statistics
import sys
import time

sys.path.insert(0, "docs/results/2026-12-07-late")
from stored import pipeline_for  # noqa: E402

from rag.answer import generate, prompts  # noqa: E402

pipe = pipeline_for("multihop-dev")
llm = pipe.llm._llm  # the llama_cpp.Llama of the local provider, system prompt already processed
warmed = pipe.llm._warmed
with gzip.open("docs/results/2026-12-07/dev/questions.jsonl.gz") as fh:
    rows = [json.loads(line) for line in fh][:30]
full = prompts.source_header


def bare(n: int, title: str, outlet: str, published: str) -> str:
    return f"<source id={n}>"


out: dict[str, list[tuple[int, float]]] = {"now": [], "bare": []}
for r in rows:
    q = r["question"]
    ctx = pipe.context_for(q, pipe.retrieve(q))
    for name, header in (("now", full), ("bare", bare)):
        prompts.source_header = header
        msgs = generate.build_messages(q, ctx, prompts.system_prompt(True), yes_no=generate.is_yes_no(q))
        tokens = llm.tokenize(pipe.llm._format(msgs).encode(), add_bos=False, special=True)[warmed:]
        llm.n_tokens = warmed
        t = time.perf_counter()
        llm.eval(tokens)
        out[name].append((len(tokens), time.perf_counter() - t))
    prompts.source_header = full
for name, xs in out.items():
    n = [a for a, _ in xs]
    s = [b for _, b in xs]
    print(name, "new tokens p50", statistics.median(n), f"prefill p50 {statistics.median(s):.2f} s",
          f"tokens/s {sum(n) / sum(s):.1f}")
