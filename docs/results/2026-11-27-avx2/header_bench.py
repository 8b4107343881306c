"""The prefill time of prefill_bench.py's 12 prompts with the product's source header and with a
compact one (speed only: what the model answers with either was not measured). One JSON line per
format."""
import json, sys, statistics
sys.path.insert(0, "/work/main/docs/results/2026-11-27")
from pathlib import Path
from prefill_bench import load, time_prompts, prompts, llama_simd


def compact(n, title, outlet, published):
    return f"<source {n} | {outlet} | {published} | {prompts._short_title(title)}>"


m, system = load(Path(sys.argv[1]))
for name, header in [("product", prompts.source_header), ("compact", compact)]:
    rows = time_prompts(m, system, header)
    print(json.dumps({"header": name, "build": llama_simd(), "new_tokens_p50": statistics.median(r[0] for r in rows),
                      "prefill_s_p50": round(statistics.median(r[1] for r in rows), 3)}))
