"""The first token's cost of a larger sources budget, measured as the product reads it: for the
first N open (not Yes/No) questions of a golden JSONL, the prompt built at each budget (the
pipeline's own context and messages), the model's first-token reading timed (the judgement the
answer waits for), budgets interleaved question by question so that a slow spell of the machine
falls on both. Each reading reuses only the cached system prompt, as a new question does.
Prints one JSON line per budget."""
import json
import statistics
import sys
import time

from eval.common import eval_settings, ingest_shared, llama_simd
from eval.golden import load_set
from rag import Pipeline, load_settings
from rag.answer.generate import build_messages, fit_context

set_path, n = sys.argv[1], int(sys.argv[2])
budgets = [int(b) for b in sys.argv[3].split(",")]
base = load_settings()
gs = load_set(set_path, base.multihop_dir, base.seeds_dir)
pipe = Pipeline(eval_settings(base, gs, {}))
ingest_shared(pipe, gs, say=lambda m: print(m, file=sys.stderr))
llm = pipe.llm
system_prefix = f"<|im_start|>system\n{fit_context('x', pipe.context_for('x', pipe.retrieve('x'), budget=60), llm, 200, True, False)[1]}<|im_end|>\n<|im_start|>user\n"
n_system = len(llm._llm.tokenize(system_prefix.encode(), add_bos=False, special=True))
rows: dict[int, list[tuple[int, float]]] = {b: [] for b in budgets}
for it in [i for i in gs.items if i.answerable][:n]:
    r = pipe.retrieve(it.question)
    for b in budgets:
        ctx, system = fit_context(it.question, pipe.context_for(it.question, r, budget=b), llm, 200, True, False)
        msgs = build_messages(it.question, ctx, system, yes_no=False)
        llm._llm.n_tokens = n_system  # only the cached system prompt is reused, as between two questions
        t = time.perf_counter()
        llm.first_token_logprobs(msgs, ["Yes", "No", "NOT"])
        rows[b].append((llm.count_tokens(msgs[1]["content"]), time.perf_counter() - t))
for b, rs in rows.items():
    print(json.dumps({"budget": b, "build": llama_simd(), "questions": len(rs),
                      "user_tokens_p50": statistics.median(r[0] for r in rs),
                      "first_reading_s_p50": round(statistics.median(r[1] for r in rs), 3),
                      "tok_s_p50": round(statistics.median(r[0] / r[1] for r in rs), 1)}))
