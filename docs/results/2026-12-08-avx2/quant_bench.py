"""Prompt and decoding speed of one GGUF file as the product runs it, on this machine.
Prefill: the 12 prompts of docs/results/2026-11-27/prefill_bench.py (four MultiHop articles x 50
words and a Yes/No question, ~467 new tokens after the cached system prompt), timed through the
product's first_token_logprobs pass. Decoding: 64 greedy tokens after one of those prompts,
streamed, the product's sampling settings. Prints one JSON line. Usage: quant_bench.py GGUF"""
import json, statistics, sys, time
from pathlib import Path

sys.path.insert(0, "/work/main/docs/results/2026-11-27")
sys.path.insert(0, "/work/main")
from prefill_bench import load, time_prompts  # noqa: E402
from eval.common import llama_simd  # noqa: E402

path = Path(sys.argv[1])
t = time.perf_counter()
m, system = load(path)
load_s = time.perf_counter() - t
rows = time_prompts(m, system)
llm = m._llm
prompt = m._format([{"role": "system", "content": system}, {"role": "user", "content": "Summarise what NATO said about Ukraine in 60 words."}])
t0 = time.perf_counter(); first = None; n = 0
for _ in llm.create_completion(prompt, stream=True, **m._sampling(64, 0.0)):
    first = first or time.perf_counter(); n += 1
t1 = time.perf_counter()
print(json.dumps({"model": path.name, "size_mb": round(path.stat().st_size / 2**20), "build": llama_simd(),
                  "load_s": round(load_s, 1), "new_tokens_p50": statistics.median(r[0] for r in rows),
                  "prefill_s_p50": round(statistics.median(r[1] for r in rows), 3),
                  "prompt_tok_s_p50": round(statistics.median(r[0] / r[1] for r in rows), 1),
                  "decode_tok_s": round((n - 1) / (t1 - first), 1), "decoded": n,
                  "yes_minus_no": [round(r[2], 2) for r in rows]}))
